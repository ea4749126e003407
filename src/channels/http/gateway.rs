//! The shared request path of every aggregator route: parse, find the dialog, decide (step,
//! replay or end), step the engine under the route's deadline, remember the reply, render.
//! No menu logic lives here.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::adapters;
use super::config::{HttpConfig, RouteConfig};
use super::track::{Decision, Policy, Tracks};
use super::wire::{normalize_code, Malformed, WireRequest};
use crate::metrics as m;
use crate::pii::Masked;
use crate::sessions::{ChannelKind, Engine, Ingress, IngressEvent, Reply, Screen, SessionKey};

/// Screen shown to new dialogs while the channel drains before a restart.
pub const DRAINING_TEXT: &str = "This service is restarting. Please dial again in a minute.";
/// Screen shown when the engine failed without a reply (it panicked).
pub const FAILURE_TEXT: &str = "Sorry, the service is unavailable. Please try again later.";

/// The channel's state shared by every route: the engine, the dialogs, the drain flag.
pub struct Gateway {
    engine: Arc<dyn Engine>,
    tracks: Tracks,
    draining: AtomicBool,
    idle: Duration,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("dialogs", &self.tracks.len())
            .field("draining", &self.is_draining())
            .finish_non_exhaustive()
    }
}

/// One route's settings, resolved against the channel's.
#[derive(Debug)]
pub struct Route {
    /// The route as configured.
    pub config: RouteConfig,
    name: Arc<str>,
    policy: Policy,
    deadline: Duration,
    fallback: String,
}

impl Route {
    /// Resolves `config` against the channel defaults in `channel`.
    pub fn new(config: RouteConfig, channel: &HttpConfig) -> Self {
        Self {
            name: Arc::from(config.name()),
            policy: Policy {
                style: config.style.unwrap_or(config.aggregator.default_style()),
                retry_window: Duration::from_millis(channel.retry_window_ms),
            },
            deadline: config.deadline(channel),
            fallback: config
                .fallback_text
                .clone()
                .unwrap_or(channel.fallback_text.clone()),
            config,
        }
    }
}

/// How one request was answered (the metrics outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Step,
    Replay(&'static str),
    End,
    Fallback,
    Draining,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Step => "step",
            Outcome::Replay(why) => why,
            Outcome::End => "end",
            Outcome::Fallback => "fallback",
            Outcome::Draining => "draining",
        }
    }
}

impl Gateway {
    /// A gateway in front of `engine`.
    pub fn new(engine: Arc<dyn Engine>, cfg: &HttpConfig) -> Self {
        Self {
            engine,
            tracks: Tracks::default(),
            draining: AtomicBool::new(false),
            idle: Duration::from_secs(cfg.idle_timeout_secs),
        }
    }

    /// Stops taking new dialogs (they get [`DRAINING_TEXT`]); live ones go on.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// True once [`Gateway::drain`] was called.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Dialogs the channel still remembers (live, or ended and kept for late retries).
    pub fn dialogs(&self) -> usize {
        self.tracks.len()
    }

    /// Forgets idle dialogs; returns how many were forgotten.
    pub fn sweep(&self, now: Instant) -> usize {
        self.tracks.sweep(now, self.idle).total
    }

    /// Answers one callback body on `route`.
    pub async fn callback(&self, route: &Route, body: Bytes, parse: Parser) -> Response {
        let req = match parse(&body) {
            Ok(req) => req,
            Err(err) => return self.malformed(route, &err),
        };
        if let (Some(want), Some(got)) = (&route.config.service_code, &req.service_code) {
            if normalize_code(want) != normalize_code(got) {
                count(route, "wrong_code");
                return (
                    StatusCode::NOT_FOUND,
                    format!("service code {got} is not served here"),
                )
                    .into_response();
            }
        }
        let key = SessionKey {
            operator: Arc::clone(&route.name),
            id: req.session_id.clone(),
        };
        let code = req
            .service_code
            .clone()
            .or(route.config.service_code.clone())
            .unwrap_or_default();
        let span = crate::telemetry::session_span(ChannelKind::Http.label(), &code, &key);
        let (reply, outcome) = self
            .answer(route, key, req.clone(), code)
            .instrument(span)
            .await;
        count(route, outcome.label());
        adapters::render(&reply, &req.echo)
    }

    fn malformed(&self, route: &Route, err: &Malformed) -> Response {
        count(route, "malformed");
        tracing::warn!(route = %route.name, reason = %err, "malformed aggregator request");
        (StatusCode::BAD_REQUEST, err.to_string()).into_response()
    }

    async fn answer(
        &self,
        route: &Route,
        key: SessionKey,
        req: WireRequest,
        code: String,
    ) -> (Reply, Outcome) {
        let started = Instant::now();
        let deadline = tokio::time::Instant::from_std(started + route.deadline);
        let track = self.tracks.entry(&key, started);
        let Ok(mut track) = tokio::time::timeout_at(deadline, track.lock_owned()).await else {
            // The request this one repeats is still running: it will record its own reply.
            return (fallback(route), Outcome::Fallback);
        };
        let decision = track.decide(req.phase, &req.text, req.sequence, route.policy, started);
        let (event, input) = match decision {
            Decision::Replay { reply, why } => return (reply, Outcome::Replay(why.label())),
            Decision::End { notify } => {
                if notify {
                    let ingress =
                        ingress(route, key, &req, code, IngressEvent::Abort, String::new());
                    self.engine.handle(ingress).await;
                }
                tracing::info!("dialog ended by the aggregator");
                return (
                    Reply {
                        silent: true,
                        end: true,
                        ..Reply::default()
                    },
                    Outcome::End,
                );
            }
            Decision::Step { event, input } => (event, input),
        };
        if event == IngressEvent::Begin && self.is_draining() {
            let reply = Reply {
                text: DRAINING_TEXT.into(),
                end: true,
                ..Reply::default()
            };
            track.record(&reply, Instant::now());
            return (reply, Outcome::Draining);
        }
        if event == IngressEvent::Begin {
            tracing::info!(msisdn = %Masked::new(&req.msisdn), "dialog begun");
        }
        let ingress = ingress(route, key, &req, code, event, input);
        let (reply, outcome) = self.step(route, ingress, deadline).await;
        metrics::counter!(m::STEPS, "channel" => ChannelKind::Http.label()).increment(1);
        metrics::histogram!(m::STEP_DURATION, "channel" => ChannelKind::Http.label())
            .record(started.elapsed().as_secs_f64());
        track.record(&reply, Instant::now());
        tracing::debug!(end = reply.end, outcome = outcome.label(), "answered");
        (reply, outcome)
    }

    /// Runs the engine step on its own task so that a step past the deadline still finishes
    /// (a booking is committed, its SMS goes out) while the caller gets the fallback.
    async fn step(
        &self,
        route: &Route,
        ingress: Ingress,
        deadline: tokio::time::Instant,
    ) -> (Reply, Outcome) {
        let engine = Arc::clone(&self.engine);
        let abort = Ingress {
            event: IngressEvent::Abort,
            input: String::new(),
            ..ingress.clone()
        };
        let mut task = tokio::spawn(async move { engine.handle(ingress).await });
        match tokio::time::timeout_at(deadline, &mut task).await {
            Ok(Ok(reply)) => (reply, Outcome::Step),
            Ok(Err(join)) => {
                tracing::error!(error = %join, "engine step failed without a reply");
                (
                    Reply {
                        text: FAILURE_TEXT.into(),
                        end: true,
                        ..Reply::default()
                    },
                    Outcome::Step,
                )
            }
            Err(_) => {
                metrics::counter!(m::HTTP_DEADLINE_FALLBACKS, "route" => route.name.to_string())
                    .increment(1);
                tracing::warn!(
                    deadline_ms = route.deadline.as_millis(),
                    "step past the deadline"
                );
                let engine = Arc::clone(&self.engine);
                tokio::spawn(finish_late(engine, task, abort).in_current_span());
                (fallback(route), Outcome::Fallback)
            }
        }
    }
}

/// A body parser: one per aggregator (and one for Africa's Talking events).
pub type Parser = fn(&[u8]) -> Result<WireRequest, Malformed>;

/// Waits for a step that missed its deadline. The caller was told the dialog is over, so a
/// reply that would have continued it is answered with an abort to free the session.
async fn finish_late(
    engine: Arc<dyn Engine>,
    task: tokio::task::JoinHandle<Reply>,
    abort: Ingress,
) {
    match task.await {
        Ok(reply) if !(reply.end || reply.silent) => {
            engine.handle(abort).await;
            tracing::info!("late step finished; dialog closed after the fallback");
        }
        Ok(_) => tracing::info!("late step finished"),
        Err(err) => tracing::error!(error = %err, "late step failed"),
    }
}

fn fallback(route: &Route) -> Reply {
    Reply {
        text: route.fallback.clone(),
        end: true,
        ..Reply::default()
    }
}

fn ingress(
    route: &Route,
    key: SessionKey,
    req: &WireRequest,
    service_code: String,
    event: IngressEvent,
    input: String,
) -> Ingress {
    let mut screen = Screen::default();
    if let Some(limit) = route.config.octet_limit {
        screen.octet_limit = limit;
    }
    Ingress {
        key,
        channel: ChannelKind::Http,
        msisdn: req.msisdn.clone(),
        service_code,
        input,
        event,
        screen,
    }
}

fn count(route: &Route, outcome: &'static str) {
    metrics::counter!(m::HTTP_REQUESTS, "route" => route.name.to_string(), "outcome" => outcome)
        .increment(1);
}
