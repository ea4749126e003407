//! `hotline graph menus/<flow>.yaml --format mermaid|dot`: draws a journey.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::menus::graph::{draw, GraphFormat};
use crate::menus::{compile_dir, Options};

/// `hotline graph`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The flow file to draw (the other files of its folder are loaded for its subflows).
    pub file: PathBuf,
    /// The drawing language.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

/// Runs `hotline graph`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = args
        .file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let compiled = compile_dir(dir, &Options::default());
    let Some(program) = compiled.program else {
        for d in compiled.errors() {
            eprintln!("{d}");
        }
        anyhow::bail!(
            "the menus do not compile; run `hotline check {}`",
            dir.display()
        );
    };
    let wanted = std::fs::canonicalize(&args.file)?;
    let flow = program
        .flows
        .iter()
        .find(|f| std::fs::canonicalize(&f.file).is_ok_and(|p| p == wanted))
        .ok_or_else(|| anyhow::anyhow!("{} holds no flow", args.file.display()))?;
    print!("{}", draw(flow, args.format));
    Ok(ExitCode::SUCCESS)
}
