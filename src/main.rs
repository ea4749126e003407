//! The `hotline` binary: parses the command line and hands over to [`hotline::cli`].

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = hotline::cli::Cli::parse();
    if !matches!(cli.command, hotline::cli::Command::Serve(_)) {
        restore_sigpipe();
    }
    match hotline::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("hotline: {err:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, so `hotline pdu decode … | head` would panic on the first write
/// after `head` exits. The one-shot tools take the default (exit quietly) like any Unix
/// filter; `serve` keeps ignoring it, so a peer closing a socket can never stop the engine.
fn restore_sigpipe() {
    sigpipe::reset();
}
