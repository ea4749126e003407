//! USSD aggregators calling over HTTP: Africa's Talking, Hubtel, Nalo and Arkesel.
//!
//! Each configured route maps one aggregator's callback to [`Ingress`](crate::sessions::Ingress)
//! and the engine's [`Reply`](crate::sessions::Reply) back. Start with [`router`] (to mount
//! the routes yourself) or [`serve`] (to listen until cancelled).
//!
//! - [`adapters`]: one request/response mapping per aggregator.
//! - [`admin`]: the admin API: live sessions, end, reload, drain, health, readiness.
//! - [`config`]: the `http` config section: listen address, routes per service code, deadline.
//! - [`gateway`]: the shared request path: dialog tracking, deadline, fallback, metrics, spans.
//! - [`track`]: what the channel remembers per dialog so that it never replays a path.
//! - [`wire`]: the parsed request every adapter produces and why a body is refused.

pub mod adapters;
pub mod admin;
pub mod config;
pub mod gateway;
pub mod track;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use self::config::{ConfigError, HttpConfig};
use self::gateway::{Gateway, Parser, Route};
use crate::sessions::Engine;

/// Largest callback body accepted; aggregator bodies are a few hundred bytes.
pub const MAX_BODY: usize = 16 * 1024;

/// How often idle dialogs are forgotten by [`serve`].
const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// Why the HTTP channel could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The `http` section does not validate.
    #[error("http config: {0}")]
    Config(#[from] ConfigError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The configured address.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The server stopped on an I/O error.
    #[error("http server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// The aggregator routes of `cfg` in front of a new gateway over `engine`.
pub fn router(engine: Arc<dyn Engine>, cfg: &HttpConfig) -> Result<Router, ConfigError> {
    let gateway = Arc::new(Gateway::new(engine, cfg));
    routes(&gateway, cfg)
}

/// The aggregator routes of `cfg` in front of `gateway` (keep the gateway to drain or sweep
/// it, or to hand it to the [`admin`] API).
pub fn routes(gateway: &Arc<Gateway>, cfg: &HttpConfig) -> Result<Router, ConfigError> {
    cfg.validate()?;
    let mut app = Router::new();
    for rc in &cfg.routes {
        let route = Arc::new(Route::new(rc.clone(), cfg));
        let parse = adapters::parser(rc.aggregator);
        app = app.route(&rc.path, post(handler(gateway, &route, parse)));
        if let Some(events) = rc.events_path() {
            let events_parse: Parser = adapters::africas_talking::parse_event;
            app = app.route(&events, post(handler(gateway, &route, events_parse)));
        }
    }
    Ok(app.layer(DefaultBodyLimit::max(MAX_BODY)))
}

fn handler(
    gateway: &Arc<Gateway>,
    route: &Arc<Route>,
    parse: Parser,
) -> impl Fn(
    Bytes,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = axum::response::Response> + Send>>
       + Clone
       + Send
       + Sync
       + 'static {
    let gateway = Arc::clone(gateway);
    let route = Arc::clone(route);
    move |body: Bytes| {
        let gateway = Arc::clone(&gateway);
        let route = Arc::clone(&route);
        Box::pin(async move { gateway.callback(&route, body, parse).await })
    }
}

/// Serves the aggregator routes on `cfg.listen` until `shutdown` is cancelled, forgetting
/// idle dialogs as it goes. Bind first with [`bind`] to learn the address (port 0 in tests).
pub async fn serve(
    gateway: Arc<Gateway>,
    cfg: HttpConfig,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let app = routes(&gateway, &cfg)?;
    let sweeper = {
        let gateway = Arc::clone(&gateway);
        let stop = shutdown.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            loop {
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = tick.tick() => { gateway.sweep(Instant::now()); }
                }
            }
        })
    };
    tracing::info!(addr = ?listener.local_addr().ok(), routes = cfg.routes.len(), "http channel serving");
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await;
    sweeper.abort();
    Ok(served?)
}

/// Binds `addr` with a message that names it.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })
}
