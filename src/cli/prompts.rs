//! `hotline prompts render`: turns every fixed voice text of `menus/` (each screen as the
//! voice renderer speaks it, in each language) into 8 kHz audio with the configured TTS
//! command (espeak-ng by default), cached by content hash under `menus/prompts/`. A
//! recorded WAV saved under the same name replaces the rendering. Screens with variables
//! (names, dates, codes) are rendered when a call first needs them.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::Map;

use crate::channels::sip::prompts::PromptStore;
use crate::config::Config;
use crate::menus::program::{Kind, Node};
use crate::menus::render::{render, Medium};
use crate::menus::{compile_dir, Options};

/// `hotline prompts …`
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Render every fixed voice text of the menus into the prompt cache.
    Render {
        /// The config (for `menus_dir` and `[sip.prompts]`); embedded defaults without it.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Where the prompts go (default: `<menus_dir>/prompts`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs `hotline prompts`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Command::Render { config, out } = args.command;
    let config = match config {
        Some(path) => Config::load(&path)?,
        None => Config::default(),
    };
    let compiled = compile_dir(
        &config.menus_dir,
        &Options {
            id_profile: config.id_profile.clone(),
            version: 1,
        },
    );
    let Some(program) = compiled.program else {
        for d in compiled.errors() {
            eprintln!("{d}");
        }
        anyhow::bail!("the menus do not compile; run `hotline check`");
    };
    let mut texts = BTreeSet::new();
    let empty = Map::new();
    for flow in &program.flows {
        for node in flow.nodes.iter().filter(|n| is_fixed(n)) {
            for lang in &flow.languages {
                let spoken = render(flow, node, &empty, lang, None, 0, Medium::VOICE).text;
                if !spoken.is_empty() {
                    texts.insert(spoken);
                }
            }
        }
    }
    let dir = out.unwrap_or_else(|| config.menus_dir.join("prompts"));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut prompts = config.sip.map(|s| s.prompts).unwrap_or_default();
    prompts.cache_dir = Some(dir.clone());
    let store = PromptStore::new(prompts);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let held = runtime.block_on(store.warm(texts.iter().map(String::as_str)));
    println!(
        "{} voice texts of {} flow(s) are in {} ({held} prompts)",
        texts.len(),
        program.flows.len(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A screen whose words are fixed: no variable in its text or option labels.
fn is_fixed(node: &Node) -> bool {
    let shows = node.is_interactive() || matches!(node.kind, Kind::End { .. });
    let literal = |t: &crate::menus::program::Text| t.templates().all(|t| t.is_literal());
    let options_fixed = match &node.kind {
        Kind::Menu { options, items } => {
            items.is_none() && options.iter().all(|o| literal(&o.text))
        }
        _ => true,
    };
    shows && node.text.as_ref().is_none_or(literal) && options_fixed
}
