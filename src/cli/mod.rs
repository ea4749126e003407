//! The `hotline` command line. Each subcommand lives in its own file and exposes
//! `Args` (clap) and `run(args) -> anyhow::Result<ExitCode>`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Hotline: automated telephone lines and USSD codes for health insurers.
#[derive(Debug, Parser)]
#[command(name = "hotline", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What `hotline` can do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version and the build's capabilities.
    Version,
}

/// Runs one parsed command line. Errors are reported by `main` with exit status 2.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Version => {
            println!("hotline {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
    }
}
