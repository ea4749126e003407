//! `hotline serve`: runs the engine. With no arguments it runs the embedded demo line on
//! loopback (SMPP on 127.0.0.1:2775 for `demo`/`demo`, Africa's Talking on
//! `http://127.0.0.1:8080/ussd/at`, the voice line on `sip:123@127.0.0.1:5060`, `/metrics`
//! on 127.0.0.1:9100, the admin API on 127.0.0.1:9180, SQLite under `./data` with the demo
//! roster, the journeys of `./menus`, written there from the built-in copy when missing);
//! `--config hotline.toml` sets everything else (`docs/config.md`).
//!
//! Start order: metrics first (so nothing is emitted into the void), remote eligibility
//! and the store, the sync pusher and roster puller, the dialog engine ([`build_engine`]),
//! then the channels and the admin API. It prints how to dial in and a last
//! `hotline ready …` line with the bound addresses.
//!
//! SIGTERM or SIGINT drains: new dialogs are refused (HTTP gets the "restarting" screen,
//! SMPP binds answer a begin with it, SIP answers INVITEs with 503), steps in flight finish
//! within `drain_timeout`, SMPP binds unbind, live calls get a BYE, the pusher and the
//! roster puller stop after their current attempt, and the store is closed (the writer
//! commits what it holds and joins). SIGHUP, `POST /reload` and saving a menu file reload
//! the menus; a refused reload leaves the running menus in service.

mod banner;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::channels::http::admin::{self, Admin, MenuReload, SessionsView};
use crate::channels::http::gateway::Gateway;
use crate::channels::http::{self, ServeError};
use crate::channels::smpp::Smpp;
use crate::config::Config;
use crate::effects::ActionHandler;
use crate::menus::Severity;
use crate::sessions::runtime::Runtime;
use crate::sessions::Engine;

/// `hotline serve [--config hotline.toml]`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file (`docs/config.md`); without it, the embedded demo line on loopback.
    #[arg(long, short, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// What the rest of the engine needs from the dialog runtime: the engine the channels call,
/// and the two views the admin API drives.
pub struct EngineParts {
    /// Turns every channel's ingress into replies.
    pub engine: Arc<dyn Engine>,
    /// The live session table, as the admin API lists and ends dialogs.
    pub sessions: Arc<dyn SessionsView>,
    /// The menu reloader behind SIGHUP and `POST /reload`.
    pub menus: Arc<dyn MenuReload>,
    /// The menu program first loaded, as its label (`v1 (e-admission@3, …)`).
    pub menus_version: String,
}

impl std::fmt::Debug for EngineParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineParts").finish_non_exhaustive()
    }
}

/// Why the dialog engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The menus under `menus_dir` did not load; the source names file, line, column and fix.
    #[error("the menus in {dir} do not compile (run `hotline check {dir}`):\n{report}")]
    Menus {
        /// `config.menus_dir`.
        dir: PathBuf,
        /// Every error, as `file:line:column: error: …` with its fix.
        report: String,
    },
}

/// Builds the dialog engine over the admission `actions`: the menus under
/// `config.menus_dir` compiled into the runtime, which the admin API lists and reloads.
/// Called once, inside the tokio runtime, after the store is open and before any channel
/// starts. It also starts the runtime's housekeeping: expiring screens that waited past
/// their timeout, and reloading the menus when a file under `menus_dir` changes (ops staff
/// save a file; it goes live, or its errors are logged and the running version stays).
pub fn build_engine(
    config: &Config,
    actions: Arc<dyn ActionHandler>,
) -> Result<EngineParts, EngineError> {
    match crate::menus::shipped::install_if_missing(&config.menus_dir) {
        Ok(true) => {
            info!(dir = %config.menus_dir.display(), "no menus folder: wrote the shipped journeys into it")
        }
        Ok(false) => {}
        Err(err) => {
            warn!(dir = %config.menus_dir.display(), error = %err, "cannot write the shipped menus")
        }
    }
    // Taken before the load, so that an edit saved while it runs is reloaded, not missed.
    let loaded = fingerprint(&config.menus_dir);
    let runtime = Runtime::load(
        config.menus_dir.clone(),
        &config.id_profile,
        config.max_sessions,
        actions,
    )
    .map_err(|diagnostics| EngineError::Menus {
        dir: config.menus_dir.clone(),
        report: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    })?;
    let runtime = Arc::new(runtime);
    let menus_version = runtime.program().label();
    info!(menus = %menus_version, "menus loaded");
    tokio::spawn(housekeeping(
        Arc::downgrade(&runtime),
        config.menus_dir.clone(),
        loaded,
    ));
    Ok(EngineParts {
        engine: runtime.clone(),
        sessions: runtime.clone(),
        menus: runtime,
        menus_version,
    })
}

/// Once a second while the runtime lives: expire idle screens, and reload the menus when
/// the menu files' contents change from `seen`.
async fn housekeeping(runtime: std::sync::Weak<Runtime>, dir: PathBuf, mut seen: u64) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(runtime) = runtime.upgrade() else {
            return;
        };
        let expired = runtime.sweep();
        if expired > 0 {
            info!(expired, "screens timed out");
        }
        let now = fingerprint(&dir);
        if now != seen {
            seen = now;
            match runtime.reload() {
                Ok(program) => info!(menus = %program.label(), "menu files changed: reloaded"),
                Err(errors) => {
                    for e in &errors {
                        warn!("{e}");
                    }
                    warn!(
                        errors = errors.len(),
                        "menu files changed but do not compile; the running version stays"
                    );
                }
            }
        }
    }
}

/// A hash of the menu files' names and contents: a save that keeps the size and lands in
/// the same second as the last one still counts (a few dozen kilobytes read once a second).
fn fingerprint(dir: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}

/// Runs `hotline serve` until a signal stops it.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::parse("", Path::new("<embedded defaults>"))?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?;
    runtime.block_on(serve(config))?;
    Ok(ExitCode::SUCCESS)
}

/// Cancelled in turn during the drain: channels first, the admin API next, metrics last.
struct Stops {
    channels: CancellationToken,
    admin: CancellationToken,
    metrics: CancellationToken,
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let mut signals = Signals::watch()?;
    let running = start(&config).await?;
    signals.until_stop(&running.parts.menus).await;
    running.drain(config.drain_timeout).await;
    Ok(())
}

/// The SIP channel's task and where it listens.
struct SipRunning {
    addr: std::net::SocketAddr,
    task: JoinHandle<Result<(), crate::channels::sip::ServeError>>,
}

/// Everything `serve` started, in the order the drain stops it.
struct Running {
    stops: Stops,
    smpp: Smpp,
    http: Option<HttpRunning>,
    sip: Option<SipRunning>,
    pusher: Option<crate::sync::pusher::PusherHandle>,
    puller: Option<crate::sync::roster::PullerHandle>,
    parts: EngineParts,
    opened: crate::admission::Opened,
}

/// Starts metrics, the store, the pusher, the engine and the channels, then prints the banner.
async fn start(config: &Config) -> anyhow::Result<Running> {
    let stops = Stops {
        channels: CancellationToken::new(),
        admin: CancellationToken::new(),
        metrics: CancellationToken::new(),
    };
    let metrics = crate::metrics::install(config.metrics_listen, stops.metrics.clone()).await?;
    let remote = match &config.sync {
        Some(sync) => remote_eligibility(sync)?,
        None => None,
    };
    let opened = open_store(config, remote).await?;
    warn_unwired(config);
    let (pusher, puller) = match &config.sync {
        Some(sync) => (
            crate::sync::pusher::start(sync, opened.outbox())?,
            crate::sync::roster::start(sync, opened.roster_sink())?,
        ),
        None => (None, None),
    };
    let parts = build_engine(config, opened.handler())?;
    let smpp_listen = config.smpp.server.as_ref().map(|s| s.listen);
    let smpp = Smpp::start(config, parts.engine.clone(), stops.channels.clone())
        .await
        .with_context(|| match smpp_listen {
            Some(listen) => format!("cannot listen for SMPP on {listen}"),
            None => "cannot start the SMPP channel".to_owned(),
        })?;
    let http = start_http(config, &parts, &stops).await?;
    let sip = match &config.sip {
        Some(sip) => {
            let mut sip = sip.clone();
            // `hotline prompts render` fills this folder; calls reuse what it holds.
            if sip.prompts.cache_dir.is_none() {
                sip.prompts.cache_dir = Some(config.menus_dir.join("prompts"));
            }
            let server = crate::channels::sip::SipServer::bind(sip.clone())
                .await
                .with_context(|| format!("cannot listen for SIP on {}", sip.listen))?;
            let addr = server.local_addr();
            let task = tokio::spawn(server.serve(parts.engine.clone(), stops.channels.clone()));
            Some(SipRunning { addr, task })
        }
        None => None,
    };
    banner::print(&banner::Bound {
        config,
        store: opened.store.path(),
        smpp: smpp.server_addr,
        http: http.as_ref().map(|h| h.addr),
        admin: http.as_ref().map(|h| h.admin_addr),
        sip: sip.as_ref().map(|s| s.addr),
        metrics: metrics.addr,
        pushing: pusher.is_some(),
        menus: &parts.menus_version,
    });
    Ok(Running {
        stops,
        smpp,
        http,
        sip,
        pusher,
        puller,
        parts,
        opened,
    })
}

impl Running {
    /// Refuses new dialogs, lets steps in flight finish for at most `timeout`, unbinds, stops
    /// the pusher, closes the store, and stops metrics last.
    async fn drain(self, timeout: std::time::Duration) {
        info!(
            ?timeout,
            "draining: new dialogs are refused, steps in flight finish"
        );
        let Running {
            stops,
            smpp,
            mut http,
            sip,
            pusher,
            puller,
            parts,
            opened,
        } = self;
        if let Some(http) = &http {
            http.gateway.drain();
        }
        stops.channels.cancel();
        let drained = tokio::time::timeout(timeout, async {
            smpp.join().await;
            if let Some(http) = http.as_mut() {
                http.join().await;
            }
            if let Some(sip) = sip {
                match sip.task.await {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => warn!(error = %err, "the SIP channel stopped with an error"),
                    Err(err) => warn!(error = %err, "the SIP channel task failed"),
                }
            }
        })
        .await;
        if drained.is_err() {
            warn!(
                ?timeout,
                "drain timed out; stopping with steps still in flight"
            );
        }
        stops.admin.cancel();
        if let Some(http) = http {
            if let Err(err) = http.admin.await {
                warn!(error = %err, "the admin API task failed");
            }
        }
        if let Some(pusher) = pusher {
            pusher.shutdown().await;
        }
        if let Some(puller) = puller {
            puller.shutdown().await;
        }
        drop(parts);
        close_store(opened).await;
        stops.metrics.cancel();
        info!("stopped");
    }
}

/// The `sync.eligibility_url` client, on this runtime; `None` without the URL.
fn remote_eligibility(
    sync: &crate::sync::config::SyncConfig,
) -> anyhow::Result<Option<Arc<dyn crate::sync::eligibility::RemoteLookup>>> {
    let handle = tokio::runtime::Handle::current();
    let remote = crate::sync::eligibility::RemoteEligibility::from_sync(sync, handle)
        .context("cannot start remote eligibility")?;
    Ok(remote.map(|r| {
        info!(policy = r.policy().as_str(), "remote eligibility on");
        Arc::new(r) as Arc<dyn crate::sync::eligibility::RemoteLookup>
    }))
}

async fn open_store(
    config: &Config,
    remote: Option<Arc<dyn crate::sync::eligibility::RemoteLookup>>,
) -> anyhow::Result<crate::admission::Opened> {
    let today = config.admission.local_today();
    let owned = config.clone();
    let opened = tokio::task::spawn_blocking(move || {
        crate::admission::open_with_remote(&owned, today, remote)
    })
    .await
    .context("the store opener stopped")?
    .with_context(|| format!("cannot open the store under {}", config.data_dir.display()))?;
    Ok(opened)
}

/// Drops the last handles on the store so the writer commits what it holds and joins.
async fn close_store(opened: crate::admission::Opened) {
    let weak = Arc::downgrade(&opened.store);
    let _ = tokio::task::spawn_blocking(move || drop(opened)).await;
    // `strong_count`, not `upgrade`: this task must never become the last owner, whose drop
    // would join the writer on an async thread.
    if weak.strong_count() > 0 {
        warn!("a task that did not finish still holds the store; it closes when the process exits");
    } else {
        info!("store closed");
    }
}

/// Configured parts this build does not run yet, said out loud rather than ignored.
fn warn_unwired(config: &Config) {
    let tls = config.smpp.server.as_ref().and_then(|s| s.tls.as_ref());
    if let Some(tls) = tls {
        warn!(listen = %tls.listen, "smpp.server.tls is set, but this build has no TLS listener: only plain TCP on smpp.server.listen");
    }
}

/// The HTTP aggregator channel and the admin API, running.
struct HttpRunning {
    gateway: Arc<Gateway>,
    addr: std::net::SocketAddr,
    admin_addr: std::net::SocketAddr,
    task: JoinHandle<Result<(), ServeError>>,
    /// The admin API, which holds the engine (and so the store) until it stops.
    admin: JoinHandle<()>,
}

impl HttpRunning {
    async fn join(&mut self) {
        match (&mut self.task).await {
            Ok(Ok(())) => {}
            Ok(Err(err)) => warn!(error = %err, "http channel stopped with an error"),
            Err(err) => warn!(error = %err, "http channel task failed"),
        }
    }
}

async fn start_http(
    config: &Config,
    parts: &EngineParts,
    stops: &Stops,
) -> anyhow::Result<Option<HttpRunning>> {
    let Some(cfg) = &config.http else {
        return Ok(None);
    };
    let gateway = Arc::new(Gateway::new(parts.engine.clone(), cfg));
    let listener = http::bind(cfg.listen).await?;
    let addr = listener.local_addr()?;
    let admin_listener = http::bind(cfg.admin.listen).await?;
    let admin_addr = admin_listener.local_addr()?;
    let task = tokio::spawn(http::serve(
        gateway.clone(),
        cfg.clone(),
        listener,
        stops.channels.clone(),
    ));
    let admin = Admin {
        sessions: parts.sessions.clone(),
        menus: parts.menus.clone(),
        gateway: gateway.clone(),
        token: cfg.admin.token.clone(),
    };
    let admin_stop = stops.admin.clone();
    let admin = tokio::spawn(async move {
        if let Err(err) = admin::serve(admin, admin_listener, admin_stop).await {
            tracing::error!(error = %err, "admin API stopped");
        }
    });
    Ok(Some(HttpRunning {
        gateway,
        addr,
        admin_addr,
        task,
        admin,
    }))
}

/// The signals `hotline serve` acts on, watched from before the ready line so that a signal
/// sent as soon as it is printed is never lost to the default action.
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn watch() -> anyhow::Result<Self> {
        Ok(Self {
            term: signal(SignalKind::terminate()).context("cannot watch SIGTERM")?,
            int: signal(SignalKind::interrupt()).context("cannot watch SIGINT")?,
            hup: signal(SignalKind::hangup()).context("cannot watch SIGHUP")?,
        })
    }

    /// Waits for SIGTERM or SIGINT, reloading menus on each SIGHUP meanwhile.
    async fn until_stop(&mut self, menus: &Arc<dyn MenuReload>) {
        loop {
            tokio::select! {
                _ = self.term.recv() => { info!("SIGTERM"); return; }
                _ = self.int.recv() => { info!("SIGINT"); return; }
                _ = self.hup.recv() => reload(menus).await,
            }
        }
    }
}

async fn reload(menus: &Arc<dyn MenuReload>) {
    let menus = Arc::clone(menus);
    match tokio::task::spawn_blocking(move || menus.reload()).await {
        Ok(outcome) if outcome.ok => info!(version = %outcome.version, "SIGHUP: menus reloaded"),
        Ok(outcome) => {
            metrics::counter!(crate::metrics::MENU_RELOAD_FAILURES).increment(1);
            warn!(version = %outcome.version, errors = ?outcome.errors, "SIGHUP: reload refused; the running menus stay");
        }
        Err(err) => warn!(error = %err, "SIGHUP: the reload failed without a result"),
    }
}
