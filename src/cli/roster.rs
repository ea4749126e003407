//! `hotline roster import <file.csv>`: loads a roster into the store, all-or-nothing, with
//! a progress bar; rejected rows are listed with their line numbers and reasons.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use crate::admission::national_id::Profile;
use crate::admission::open::store_config;
use crate::admission::roster::import_csv;
use crate::config::Config;
use crate::store::SqliteStore;

/// Where the store is: a data directory, or the one a config file names.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// Data directory holding `hotline.sqlite` (created if missing).
    #[arg(long, default_value = "data", conflicts_with = "config")]
    pub data_dir: PathBuf,
    /// Read `data_dir` and the store settings from this `hotline.toml`.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

impl StoreArgs {
    /// The config to use: the file's, or the defaults over `--data-dir`.
    pub fn config(&self) -> anyhow::Result<Config> {
        match &self.config {
            Some(path) => Ok(Config::load(path)?),
            None => Ok(Config {
                data_dir: self.data_dir.clone(),
                ..Config::default()
            }),
        }
    }
}

/// `hotline roster …`
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: RosterCommand,
}

#[derive(Debug, Subcommand)]
enum RosterCommand {
    /// Import a roster CSV (header: national_id,name,birth_date,sex,coverage,paid_through,
    /// head_id,region,primary_facility,referrals). Nothing is stored if any row is rejected.
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Country profile for the IDs (default: the config's `id_profile`); `generic:<regex>`
    /// for a pattern.
    #[arg(long)]
    profile: Option<String>,
    /// Day of the check, for birth-date bounds in IDs (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    /// Do not draw a progress bar.
    #[arg(long)]
    quiet: bool,
    /// The CSV file.
    file: PathBuf,
}

/// Runs `hotline roster`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        RosterCommand::Import(import) => run_import(import),
    }
}

fn run_import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.config()?;
    let profile: Profile = args
        .profile
        .as_deref()
        .unwrap_or(&config.id_profile)
        .parse()
        .context("--profile")?;
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let store = SqliteStore::open(&store_config(&config))?;
    let bar = progress_bar(size, args.quiet);
    let report = import_csv(
        &store,
        &profile,
        today,
        std::io::BufReader::with_capacity(1 << 16, file),
        |bytes, rows| {
            bar.set_position(bytes);
            bar.set_message(format!("{rows} rows"));
        },
    )
    .with_context(|| format!("{}", args.file.display()))?;
    bar.finish_and_clear();
    for rejected in &report.rejected {
        println!(
            "{}:{}: {}",
            args.file.display(),
            rejected.line,
            rejected.reason
        );
    }
    if report.rejected_count > 0 {
        let unlisted = report.rejected_count - report.rejected.len() as u64;
        if unlisted > 0 {
            println!("… and {unlisted} more rejected rows");
        }
        println!(
            "{} of {} rows rejected; nothing was imported (fix the rows and run again)",
            report.rejected_count, report.rows
        );
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "imported {} rows into {}",
        report.stored,
        store.path().display()
    );
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(size: u64, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(size);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg} ({eta} left)")
    {
        bar.set_style(style);
    }
    bar
}
