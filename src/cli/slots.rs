//! `hotline slots generate`: creates slots for the coming days from a weekly template
//! (the embedded demo template when none is given). Slots that exist are left as they are.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Subcommand;

use super::roster::StoreArgs;
use crate::admission::demo;
use crate::admission::open::store_config;
use crate::admission::slots::WeeklyTemplate;
use crate::store::{AdmissionStore, SqliteStore};

/// `hotline slots …`
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: SlotsCommand,
}

#[derive(Debug, Subcommand)]
enum SlotsCommand {
    /// Create slots from a weekly template (TOML; see `src/admission/slots.rs`).
    Generate(GenerateArgs),
}

#[derive(Debug, clap::Args)]
struct GenerateArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The weekly template (default: the demo line's).
    #[arg(long)]
    template: Option<PathBuf>,
    /// First day (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<NaiveDate>,
    /// How many days, `from` included.
    #[arg(long, default_value_t = 14)]
    days: u32,
}

/// Runs `hotline slots`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        SlotsCommand::Generate(generate) => run_generate(generate),
    }
}

fn run_generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let text = match &args.template {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?,
        None => demo::TEMPLATE.to_owned(),
    };
    let name = args.template.as_ref().map_or_else(
        || "the demo template".to_owned(),
        |p| p.display().to_string(),
    );
    let template = WeeklyTemplate::parse(&text).with_context(|| name.clone())?;
    let from = args
        .from
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let slots = template.generate(from, args.days).with_context(|| name)?;
    let store = SqliteStore::open(&store_config(&args.store.config()?))?;
    let total = slots.len();
    for facility in template.rules.iter().map(|r| r.facility.as_str()) {
        if store.facility(facility)?.is_none() {
            anyhow::bail!(
                "facility {facility:?} is not in the store (load the demo data or add it first)"
            );
        }
    }
    let added = store.put_slots(slots)?;
    println!(
        "{added} new slots, {} already there, from {from} for {} days",
        total as u64 - added,
        args.days
    );
    Ok(ExitCode::SUCCESS)
}
