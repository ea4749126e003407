//! Memory per open session: begins N dialogs through the real runtime (session table, dialog
//! state, pinned program) and reports the resident-set growth per session.
//!
//! `cargo run --release -p hotline-bench --bin session_memory -- --sessions 100000`

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use hotline::effects::{ActionHandler, ActionOutcome, ActionRequest};
use hotline::sessions::runtime::Runtime;
use hotline::sessions::{ChannelKind, Engine, Ingress, IngressEvent, Screen, SessionKey};

/// Measures resident memory per open dialog.
#[derive(Debug, Parser)]
struct Args {
    /// Dialogs to hold open at once.
    #[arg(long, default_value_t = 100_000)]
    sessions: usize,
    /// The menus folder (default: the shipped menus, falling back to the engine test flow).
    #[arg(long)]
    menus: Option<PathBuf>,
    /// The code to dial.
    #[arg(long, default_value = "*500#")]
    code: String,
}

struct NoActions;

impl ActionHandler for NoActions {
    fn perform(&self, _: &ActionRequest) -> ActionOutcome {
        ActionOutcome::code("none")
    }
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let menus = args.menus.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/menus/engine")
    });
    let runtime = Runtime::load(menus, "ir", args.sessions + 1, Arc::new(NoActions))
        .map_err(|d| anyhow::anyhow!("menus do not compile: {d:?}"))?;
    let operator: Arc<str> = Arc::from("bench");
    let before = rss_bytes();
    for i in 0..args.sessions {
        let reply = runtime
            .handle(Ingress {
                key: SessionKey {
                    operator: Arc::clone(&operator),
                    id: format!("{i:010}"),
                },
                channel: ChannelKind::Smpp,
                msisdn: format!("+98912{i:07}"),
                service_code: args.code.clone(),
                input: String::new(),
                event: IngressEvent::Begin,
                screen: Screen::default(),
            })
            .await;
        anyhow::ensure!(!reply.end, "dialog {i} ended at once: {}", reply.text);
    }
    let after = rss_bytes();
    let live = runtime.live();
    anyhow::ensure!(live == args.sessions, "{live} dialogs live");
    println!(
        "{live} open sessions: RSS grew {:.1} MiB, {} bytes per session",
        (after - before) as f64 / (1 << 20) as f64,
        (after - before) / live as u64
    );
    Ok(())
}
