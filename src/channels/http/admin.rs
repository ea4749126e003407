//! The admin API: live sessions (masked), end a session, reload menus, drain, health and
//! readiness. Loopback by default; every request but the two probes needs
//! `Authorization: Bearer <token>` when a token is configured, and [`serve`] refuses to listen
//! off loopback without one. The probes stay open because load balancers and orchestrators
//! call them without credentials, and they reveal nothing but "up" and "draining".
//!
//! | method and path | answer |
//! | --- | --- |
//! | `GET /health` | 200 `ok` while the process serves |
//! | `GET /ready` | 200 when not draining, else 503 |
//! | `GET /sessions` | JSON list of [`LiveSession`] |
//! | `DELETE /sessions/{operator}/{id}` | 204 ended, 404 unknown |
//! | `POST /reload` | 200 with the new version, 422 with the validation errors |
//! | `POST /drain` | 202; new dialogs are refused from now on |

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::config::ConfigError;
use super::gateway::Gateway;
use super::ServeError;
use crate::metrics as m;
use crate::pii::Masked;
use crate::sessions::SessionKey;

/// One live dialog as ops staff see it: no personal data in clear.
#[derive(Debug, Clone, Serialize)]
pub struct LiveSession {
    /// `smpp`, `http` or `sip`.
    pub channel: &'static str,
    /// The operator or route name.
    pub operator: String,
    /// The operator's correlation value.
    pub id: String,
    /// The caller, masked.
    #[serde(serialize_with = "masked")]
    pub msisdn: Masked<String>,
    /// The menu node the dialog is at.
    pub node: String,
    /// Time since the dialog began.
    #[serde(serialize_with = "seconds")]
    pub age: Duration,
}

fn masked<S: serde::Serializer>(v: &Masked<String>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn seconds<S: serde::Serializer>(v: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(v.as_secs_f64())
}

/// What the session table shows the admin API; the runtime implements it.
pub trait SessionsView: Send + Sync {
    /// Every live dialog.
    fn live(&self) -> Vec<LiveSession>;
    /// Ends one dialog; false when there is no such dialog.
    fn end(&self, key: &SessionKey) -> bool;
}

/// The result of a menu reload: what is in service afterwards.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReloadOutcome {
    /// True when the new files were taken into service.
    pub ok: bool,
    /// The version in service after the attempt (the old one when refused).
    pub version: String,
    /// Validation errors (file:line:column and the fix) when refused.
    pub errors: Vec<String>,
}

/// The same reload path as SIGHUP; the runtime implements it. Blocking is allowed: it runs
/// on a blocking thread.
pub trait MenuReload: Send + Sync {
    /// Loads, validates and (when valid) swaps in the menus.
    fn reload(&self) -> ReloadOutcome;
}

/// Everything the admin API drives.
#[derive(Clone)]
pub struct Admin {
    /// The live session table.
    pub sessions: Arc<dyn SessionsView>,
    /// The menu reloader.
    pub menus: Arc<dyn MenuReload>,
    /// The HTTP channel, drained on `POST /drain`.
    pub gateway: Arc<Gateway>,
    /// The bearer token, when one is required.
    pub token: Option<String>,
}

impl std::fmt::Debug for Admin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("guarded", &self.token.is_some())
            .finish_non_exhaustive()
    }
}

/// The admin routes over `admin`: the guarded operations and the open probes.
pub fn router(admin: Admin) -> Router {
    let guarded = Router::new()
        .route("/sessions", get(sessions))
        .route("/sessions/{operator}/{id}", delete(end))
        .route("/reload", post(reload))
        .route("/drain", post(drain))
        .route_layer(middleware::from_fn_with_state(admin.clone(), bearer));
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .merge(guarded)
        .with_state(admin)
}

/// Serves the admin API on `listener` until `shutdown` is cancelled. Refuses (before serving
/// anything) when the listener is off loopback and `admin.token` is unset, so that a config
/// mistake cannot expose session control.
pub async fn serve(
    admin: Admin,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() && admin.token.as_deref().is_none_or(str::is_empty) {
        return Err(ServeError::Config(ConfigError::AdminExposed {
            listen: addr,
        }));
    }
    tracing::info!(%addr, guarded = admin.token.is_some(), "admin API serving");
    axum::serve(listener, router(admin))
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await?;
    Ok(())
}

async fn bearer(State(admin): State<Admin>, req: Request, next: Next) -> Response {
    let Some(token) = admin.token.as_deref().filter(|t| !t.is_empty()) else {
        return next.run(req).await;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_credentials);
    if given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.as_bytes())) {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "bearer token required",
        )
            .into_response()
    }
}

/// The credentials of an `Authorization: Bearer …` value (the scheme is case-insensitive).
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Compares without an early exit, so that timing does not reveal the token prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn ready(State(admin): State<Admin>) -> Response {
    if admin.gateway.is_draining() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response()
    } else {
        "ready".into_response()
    }
}

async fn sessions(State(admin): State<Admin>) -> Json<Vec<LiveSession>> {
    Json(admin.sessions.live())
}

async fn end(
    State(admin): State<Admin>,
    Path((operator, id)): Path<(String, String)>,
) -> StatusCode {
    let key = SessionKey {
        operator: Arc::from(operator),
        id,
    };
    if admin.sessions.end(&key) {
        tracing::info!(operator = %key.operator, session = %key.id, "session ended by admin");
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }
}

async fn reload(State(admin): State<Admin>) -> Response {
    let menus = Arc::clone(&admin.menus);
    let Ok(outcome) = tokio::task::spawn_blocking(move || menus.reload()).await else {
        metrics::counter!(m::MENU_RELOAD_FAILURES).increment(1);
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "reload failed without a result",
        )
            .into_response();
    };
    if outcome.ok {
        tracing::info!(version = %outcome.version, "menus reloaded");
        Json(outcome).into_response()
    } else {
        metrics::counter!(m::MENU_RELOAD_FAILURES).increment(1);
        tracing::warn!(errors = outcome.errors.len(), "menu reload refused");
        (StatusCode::UNPROCESSABLE_ENTITY, Json(outcome)).into_response()
    }
}

async fn drain(State(admin): State<Admin>) -> StatusCode {
    admin.gateway.drain();
    tracing::info!("draining: new dialogs are refused");
    StatusCode::ACCEPTED
}
