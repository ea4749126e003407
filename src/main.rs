//! The `hotline` binary: parses the command line and hands over to [`hotline::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = hotline::cli::Cli::parse();
    match hotline::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("hotline: {err:#}");
            std::process::ExitCode::from(2)
        }
    }
}
