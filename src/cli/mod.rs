//! The `hotline` command line. Each subcommand lives in its own file and exposes
//! `Args` (clap) and `run(args) -> anyhow::Result<ExitCode>`.
//!
//! - [`check`]: `hotline check`, menu validation with screen sizes.
//! - [`graph`]: `hotline graph`, a journey drawn as Mermaid or dot.
//! - [`id`]: `hotline id check`, national-ID validation for ops.
//! - [`pdu`]: `hotline pdu decode`, SMPP PDUs from hex explained field by field.
//! - [`prompts`]: `hotline prompts render`, the voice prompts of the menus, cached as audio.
//! - [`report`]: `hotline report`, last week's bookings, cancellations and clinic fill.
//! - [`roster`]: `hotline roster import`, roster CSV into the store, all-or-nothing.
//! - [`simulate`]: `hotline simulate`, a phone in the terminal over the real store.
//! - [`serve`]: `hotline serve`, the engine: channels, store, sync, metrics, admin API.
//! - [`slots`]: `hotline slots generate`, slots from a weekly template.

pub mod check;
pub mod graph;
pub mod id;
pub mod pdu;
pub mod prompts;
pub mod report;
pub mod roster;
pub mod serve;
pub mod simulate;
pub mod slots;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Hotline: automated telephone lines and USSD codes for health insurers.
#[derive(Debug, Parser)]
#[command(name = "hotline", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log lines as readable text (default) or one JSON object per line; filter with RUST_LOG.
    #[arg(long, global = true, value_enum, default_value_t)]
    pub log_format: crate::telemetry::LogFormat,
}

/// What `hotline` can do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version and the build's capabilities.
    Version,
    /// Run the engine: the embedded demo line on loopback, or `--config hotline.toml`.
    Serve(serve::Args),
    /// Menus: validate `menus/` as the engine would load it, with every screen's size.
    Check(check::Args),
    /// Menus: draw a journey as a Mermaid or Graphviz graph.
    Graph(graph::Args),
    /// Menus: walk a journey in the terminal as a caller would, against the real store
    /// (`simulate --lang fa '*123#'`).
    Simulate(simulate::Args),
    /// National IDs: `id check --profile ir|cn|id|vn|generic <id>…` validates and decodes them.
    Id(id::Args),
    /// The roster: `roster import <file.csv>` loads insured people, all-or-nothing.
    Roster(roster::Args),
    /// Slots: `slots generate [--template week.toml]` creates the coming days' slots.
    Slots(slots::Args),
    /// Voice prompts: `prompts render` turns every fixed voice text of the menus into audio
    /// under `menus/prompts/` (espeak-ng, or the configured TTS command).
    Prompts(prompts::Args),
    /// SMPP PDUs: `pdu decode <hex>|-|--file F [--json]` explains every field and TLV.
    Pdu(pdu::Args),
    /// Managers' report: bookings and cancellations per day and clinic fill for the last 7 days
    /// (`--from/--to`), as a table with text bars or `--json`.
    Report(report::Args),
}

/// Runs one parsed command line. Errors are reported by `main` with exit status 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    crate::telemetry::init(cli.log_format, &filter)?;
    match cli.command {
        Command::Version => {
            println!("hotline {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => check::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Id(args) => id::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Roster(args) => roster::run(args),
        Command::Slots(args) => slots::run(args),
        Command::Prompts(args) => prompts::run(args),
        Command::Report(args) => report::run(args),
        Command::Pdu(args) => pdu::run(args),
    }
}
