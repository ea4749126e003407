//! Metric names, their descriptions, and the Prometheus exporter served at `/metrics`.
//!
//! Every metric Hotline emits is named by a constant here and listed in [`ALL`], so that a
//! dashboard can be written against this file alone. Emitters use the `metrics` macros with
//! these constants and the labels below; nothing else may invent a metric name.
//!
//! | constant | kind | labels |
//! | --- | --- | --- |
//! | [`SESSIONS_ACTIVE`] | gauge | `channel` (`smpp`, `http`, `sip`) |
//! | [`SESSIONS_STARTED`] | counter | `channel` |
//! | [`STEPS`] | counter | `channel` |
//! | [`STEP_DURATION`] | histogram (seconds) | `channel` |
//! | [`BINDS_UP`] | gauge (0 or 1) | `bind` (the bind's name in the config) |
//! | [`BIND_WINDOW_IN_USE`] | gauge | `bind` |
//! | [`THROTTLES`] | counter | `bind` (messages answered `ESME_RTHROTTLED`) |
//! | [`BIND_FAILURES`] | counter | none (binds refused: credentials, address, type, count) |
//! | [`ELIGIBILITY_OUTCOMES`] | counter | `outcome` (`eligible`, `ineligible`, `unknown`, `remote_down`, …) |
//! | [`BOOKINGS`] | counter | `channel` |
//! | [`CANCELLATIONS`] | counter | `channel` |
//! | [`MENU_VERSION`] | gauge | `menu` (the menu's name; the value is its version) |
//! | [`MENU_RELOAD_FAILURES`] | counter | none |
//! | [`HTTP_REQUESTS`] | counter | `route`, `outcome` (`step`, `retry`, `diverged`, `end`, `malformed`, `fallback`) |
//! | [`HTTP_DEADLINE_FALLBACKS`] | counter | `route` |
//!
//! The sync hook's outbox and remote-lookup metrics are named in [`crate::sync::metrics`].
//!
//! Channel labels come from [`ChannelKind::label`]. Labels never carry personal data.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use metrics::Unit;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::sessions::ChannelKind;

/// Dialogs currently live, per channel.
pub const SESSIONS_ACTIVE: &str = "hotline_sessions_active";
/// Dialogs begun since start, per channel.
pub const SESSIONS_STARTED: &str = "hotline_sessions_started_total";
/// Dialog steps run (one per ingress), per channel.
pub const STEPS: &str = "hotline_steps_total";
/// Time from an ingress to its reply, per channel.
pub const STEP_DURATION: &str = "hotline_step_duration_seconds";
/// Whether an SMPP bind is up (1) or down (0), per bind.
pub const BINDS_UP: &str = "hotline_binds_up";
/// Requests sent on a bind and not yet answered, per bind.
pub const BIND_WINDOW_IN_USE: &str = "hotline_bind_window_in_use";
/// Throttle answers received or given, per bind.
pub const THROTTLES: &str = "hotline_throttles_total";
/// SMPP binds refused.
pub const BIND_FAILURES: &str = "hotline_smpp_bind_failures_total";
/// Eligibility checks by outcome.
pub const ELIGIBILITY_OUTCOMES: &str = "hotline_eligibility_outcomes_total";
/// Bookings committed, per channel.
pub const BOOKINGS: &str = "hotline_bookings_total";
/// Bookings cancelled, per channel.
pub const CANCELLATIONS: &str = "hotline_cancellations_total";
/// Version of the menu in service, per menu.
pub const MENU_VERSION: &str = "hotline_menu_version";
/// Menu reloads refused because the new files did not validate.
pub const MENU_RELOAD_FAILURES: &str = "hotline_menu_reload_failures_total";
/// Aggregator requests by route and outcome.
pub const HTTP_REQUESTS: &str = "hotline_http_requests_total";
/// Aggregator requests answered with the SMS fallback because the deadline passed.
pub const HTTP_DEADLINE_FALLBACKS: &str = "hotline_http_deadline_fallbacks_total";

/// What kind of instrument a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Monotonic count.
    Counter,
    /// Value that goes up and down.
    Gauge,
    /// Distribution of observations.
    Histogram,
}

/// One metric as data: what dashboards and [`describe_all`] read.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// The exported name.
    pub name: &'static str,
    /// The instrument.
    pub kind: Kind,
    /// The unit, when it has one.
    pub unit: Option<Unit>,
    /// The `# HELP` text.
    pub help: &'static str,
    /// True when the metric is labelled by `channel`; it is then primed for every channel.
    pub per_channel: bool,
}

const fn def(name: &'static str, kind: Kind, unit: Option<Unit>, help: &'static str) -> MetricDef {
    MetricDef {
        name,
        kind,
        unit,
        help,
        per_channel: false,
    }
}

const fn per_channel(
    name: &'static str,
    kind: Kind,
    unit: Option<Unit>,
    help: &'static str,
) -> MetricDef {
    MetricDef {
        name,
        kind,
        unit,
        help,
        per_channel: true,
    }
}

/// Every metric Hotline emits.
pub const ALL: &[MetricDef] = &[
    per_channel(
        SESSIONS_ACTIVE,
        Kind::Gauge,
        None,
        "Dialogs currently live.",
    ),
    per_channel(SESSIONS_STARTED, Kind::Counter, None, "Dialogs begun."),
    per_channel(STEPS, Kind::Counter, None, "Dialog steps run."),
    per_channel(
        STEP_DURATION,
        Kind::Histogram,
        Some(Unit::Seconds),
        "Time from ingress to reply.",
    ),
    def(BINDS_UP, Kind::Gauge, None, "SMPP bind up (1) or down (0)."),
    def(
        BIND_WINDOW_IN_USE,
        Kind::Gauge,
        None,
        "Requests in flight on an SMPP bind.",
    ),
    def(
        THROTTLES,
        Kind::Counter,
        None,
        "Throttle answers received or given.",
    ),
    def(BIND_FAILURES, Kind::Counter, None, "SMPP binds refused."),
    def(
        ELIGIBILITY_OUTCOMES,
        Kind::Counter,
        None,
        "Eligibility checks by outcome.",
    ),
    per_channel(BOOKINGS, Kind::Counter, None, "Bookings committed."),
    per_channel(CANCELLATIONS, Kind::Counter, None, "Bookings cancelled."),
    def(
        MENU_VERSION,
        Kind::Gauge,
        None,
        "Version of the menu in service.",
    ),
    def(
        MENU_RELOAD_FAILURES,
        Kind::Counter,
        None,
        "Menu reloads refused by validation.",
    ),
    def(
        HTTP_REQUESTS,
        Kind::Counter,
        None,
        "Aggregator requests by route and outcome.",
    ),
    def(
        HTTP_DEADLINE_FALLBACKS,
        Kind::Counter,
        None,
        "Aggregator requests answered with the SMS fallback.",
    ),
];

const CHANNELS: [ChannelKind; 3] = [ChannelKind::Smpp, ChannelKind::Http, ChannelKind::Sip];

/// Step latency buckets, in seconds: USSD budgets are a few seconds, most steps take far less.
const STEP_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Describes every metric in [`ALL`] to the installed recorder and registers it at zero, so
/// that a scrape lists each one before anything has happened (per-channel metrics once per
/// channel, the others without labels).
pub fn describe_all() {
    for m in ALL {
        describe(m);
        if m.per_channel {
            for ch in CHANNELS {
                prime(m, &[("channel", ch.label())]);
            }
        } else {
            prime(m, &[]);
        }
    }
}

fn describe(m: &MetricDef) {
    match (m.kind, m.unit) {
        (Kind::Counter, Some(u)) => metrics::describe_counter!(m.name, u, m.help),
        (Kind::Counter, None) => metrics::describe_counter!(m.name, m.help),
        (Kind::Gauge, Some(u)) => metrics::describe_gauge!(m.name, u, m.help),
        (Kind::Gauge, None) => metrics::describe_gauge!(m.name, m.help),
        (Kind::Histogram, Some(u)) => metrics::describe_histogram!(m.name, u, m.help),
        (Kind::Histogram, None) => metrics::describe_histogram!(m.name, m.help),
    }
}

fn prime(m: &MetricDef, labels: &[(&'static str, &'static str)]) {
    match m.kind {
        Kind::Counter => metrics::counter!(m.name, labels).increment(0),
        Kind::Gauge => metrics::gauge!(m.name, labels).increment(0.0),
        Kind::Histogram => drop(metrics::histogram!(m.name, labels)),
    }
}

/// Why the exporter could not start.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// Another recorder was installed first (only one per process is possible).
    #[error("a metrics recorder is already installed in this process")]
    AlreadyInstalled,
    /// The histogram bucket list was refused (a bug in this file).
    #[error("metrics exporter configuration refused: {0}")]
    Build(#[from] metrics_exporter_prometheus::BuildError),
    /// The listen address could not be bound.
    #[error("cannot listen for metrics on {addr}: {source}")]
    Bind {
        /// The configured address.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The server stopped on an I/O error.
    #[error("metrics server failed: {0}")]
    Serve(std::io::Error),
}

/// The process's Prometheus recorder: installed and described on the first call, the same
/// handle after. Only one recorder can exist per process.
pub fn recorder() -> Result<PrometheusHandle, MetricsError> {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    static INSTALL: Mutex<()> = Mutex::new(());
    let _once = INSTALL.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(STEP_DURATION.to_owned()), STEP_BUCKETS)?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).map_err(|_| MetricsError::AlreadyInstalled)?;
    describe_all();
    Ok(HANDLE.get_or_init(|| handle).clone())
}

/// A running `/metrics` endpoint.
#[derive(Debug, Clone)]
pub struct Handle {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    /// The recorder, to render a scrape without HTTP.
    pub prometheus: PrometheusHandle,
}

/// Installs the recorder (once per process), binds `listen` and serves `/metrics` on a
/// background task until `shutdown` is cancelled. Call from `hotline serve` before any
/// channel starts, so that nothing is emitted into the void.
pub async fn install(
    listen: SocketAddr,
    shutdown: CancellationToken,
) -> Result<Handle, MetricsError> {
    let prometheus = recorder()?;
    let server = MetricsServer::bind(listen, prometheus.clone()).await?;
    let addr = server.local_addr()?;
    tokio::spawn(async move {
        if let Err(err) = server.serve(shutdown.cancelled_owned()).await {
            tracing::error!(error = %err, "metrics endpoint stopped");
        }
    });
    Ok(Handle { addr, prometheus })
}

/// The bound `/metrics` listener; [`MetricsServer::serve`] runs it.
#[derive(Debug)]
pub struct MetricsServer {
    listener: TcpListener,
    handle: PrometheusHandle,
}

impl MetricsServer {
    /// Binds `listen` (`Config.metrics_listen`: the one place the address is set).
    pub async fn bind(listen: SocketAddr, handle: PrometheusHandle) -> Result<Self, MetricsError> {
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| MetricsError::Bind {
                addr: listen,
                source,
            })?;
        Ok(Self { listener, handle })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> Result<SocketAddr, MetricsError> {
        self.listener.local_addr().map_err(MetricsError::Serve)
    }

    /// Serves `/metrics` until `shutdown` resolves, running the recorder's upkeep meanwhile.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), MetricsError> {
        let upkeep = self.handle.clone();
        let upkeep_task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            loop {
                tick.tick().await;
                upkeep.run_upkeep();
            }
        });
        let handle = self.handle;
        let app = Router::new().route("/metrics", get(move || std::future::ready(handle.render())));
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        upkeep_task.abort();
        served.map_err(MetricsError::Serve)
    }
}
