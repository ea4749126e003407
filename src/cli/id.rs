//! `hotline id check`: validates national IDs for ops (answering a caller, checking a
//! roster column before import). This is an operator tool: it prints IDs in clear.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};

use crate::admission::national_id::{InvalidId, NationalId, Profile};

/// `hotline id …`
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: IdCommand,
}

#[derive(Debug, Subcommand)]
enum IdCommand {
    /// Validate IDs given as arguments, or one per line on stdin; exit 1 if any is invalid.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Country profile the IDs must satisfy.
    #[arg(long, value_enum)]
    profile: ProfileName,
    /// Regular expression for `--profile generic` (matched against the whole ID).
    #[arg(long)]
    pattern: Option<String>,
    /// Day of the check, for birth-date bounds (default: today, local time).
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    /// One JSON object per line instead of text.
    #[arg(long)]
    json: bool,
    /// IDs to check; when none are given, one per line is read from stdin.
    ids: Vec<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProfileName {
    Ir,
    Cn,
    Id,
    Vn,
    Generic,
}

/// Runs `hotline id`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        IdCommand::Check(check) => run_check(check),
    }
}

fn run_check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let profile = profile(args.profile, args.pattern.as_deref())?;
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_valid = true;
    let mut check = |input: &str| -> anyhow::Result<()> {
        let result = profile.parse(input, today);
        all_valid &= result.is_ok();
        let line = if args.json {
            json_line(input, &result).to_string()
        } else {
            text_line(input, &result)
        };
        writeln!(out, "{line}").context("writing to stdout")
    };
    if args.ids.is_empty() {
        for line in std::io::stdin().lock().lines() {
            let line = line.context("reading IDs from stdin")?;
            if !line.trim().is_empty() {
                check(&line)?;
            }
        }
    } else {
        args.ids.iter().try_for_each(|id| check(id))?;
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn profile(name: ProfileName, pattern: Option<&str>) -> anyhow::Result<Profile> {
    let profile = match (name, pattern) {
        (ProfileName::Generic, Some(pattern)) => Profile::generic(pattern)?,
        (ProfileName::Generic, None) => anyhow::bail!("--profile generic needs --pattern RE"),
        (_, Some(_)) => anyhow::bail!("--pattern applies to --profile generic only"),
        (ProfileName::Ir, None) => Profile::Ir,
        (ProfileName::Cn, None) => Profile::Cn,
        (ProfileName::Id, None) => Profile::Id,
        (ProfileName::Vn, None) => Profile::Vn,
    };
    Ok(profile)
}

/// `valid  <id>  birth=… sex=… region=…` or `invalid  <input>  <code>: <reason>`.
fn text_line(input: &str, result: &Result<NationalId, InvalidId>) -> String {
    match result {
        Ok(id) => {
            let mut line = format!("valid\t{}", id.as_str());
            if let Some(birth) = id.birth_date() {
                line.push_str(&format!("\tbirth={birth}"));
            } else if let Some(year) = id.birth_year() {
                line.push_str(&format!("\tbirth_year={year}"));
            }
            if let Some(sex) = id.sex() {
                line.push_str(&format!("\tsex={}", sex.as_str()));
            }
            if let Some(region) = id.region() {
                line.push_str(&format!("\tregion={region}"));
            }
            line
        }
        Err(err) => format!("invalid\t{}\t{}: {err}", input.trim(), err.code()),
    }
}

fn json_line(input: &str, result: &Result<NationalId, InvalidId>) -> Value {
    match result {
        Ok(id) => json!({
            "input": input,
            "valid": true,
            "profile": id.profile().as_str(),
            "id": id.as_str(),
            "birth_date": id.birth_date().map(|d| d.to_string()),
            "birth_year": id.birth_year(),
            "sex": id.sex().map(|s| s.as_str()),
            "region": id.region(),
        }),
        Err(err) => json!({
            "input": input,
            "valid": false,
            "code": err.code(),
            "reason": err.to_string(),
        }),
    }
}
