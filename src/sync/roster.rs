//! Roster delta pull: a tokio task that asks `GET sync.roster_url?since=<cursor>` for the
//! records changed since the last applied page and hands each page to a [`RosterSink`]
//! (the store), which keeps the records and the page's `next_cursor` in one transaction.
//!
//! The request signs its query string, the answer must be signed over its body, and a
//! page is only applied whole; a failure leaves the cursor where it was, so the same page
//! is asked for again after the backoff. Pages with `more` are fetched back to back.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::{SyncConfig, SyncConfigError};
use super::eligibility::RemoteRecord;
use super::pusher::error_chain;
use super::schedule::{Backoff, PushSchedule};
use super::signature::{sign, verify, SIGNATURE_HEADER};
use super::StartError;
use crate::pii::Masked;

/// One page of roster changes, as the agency sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterDelta {
    /// New or changed records (the whole record, not a patch).
    #[serde(default)]
    pub records: Vec<RemoteRecord>,
    /// National IDs to drop from the local roster.
    #[serde(default)]
    pub removed: Vec<Masked<String>>,
    /// The cursor to send next time; opaque to the engine.
    pub next_cursor: String,
    /// More pages are ready now.
    #[serde(default)]
    pub more: bool,
}

/// Why the sink could not read its cursor or apply a page.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Where pulled pages go. The store implements it.
pub trait RosterSink: Send + Sync {
    /// The `next_cursor` of the last applied page; `None` before the first pull.
    fn cursor(&self) -> Result<Option<String>, SinkError>;
    /// Applies `delta` and stores `delta.next_cursor`, all or nothing.
    fn apply(&self, delta: &RosterDelta) -> Result<(), SinkError>;
}

/// What the puller needs to run.
#[derive(Clone)]
pub struct PullerConfig {
    /// `sync.roster_url`.
    pub url: String,
    /// The shared HMAC key.
    pub key: Vec<u8>,
    /// Deadline of one request.
    pub timeout: Duration,
    /// Retry timing; `idle_poll` is the pull interval.
    pub backoff: Backoff,
}

impl std::fmt::Debug for PullerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PullerConfig")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl PullerConfig {
    /// The settings from `[sync]`; `Ok(None)` when no `roster_url` is set.
    pub fn from_sync(config: &SyncConfig) -> Result<Option<Self>, SyncConfigError> {
        let Some(url) = config.roster_url.clone() else {
            return Ok(None);
        };
        Ok(Some(Self {
            url,
            key: config.key()?,
            timeout: config.push_timeout,
            backoff: Backoff {
                initial: config.backoff_initial,
                max: config.backoff_max,
                idle_poll: config.roster_interval,
            },
        }))
    }
}

/// Why one pull did not end in an applied page. The cursor stays; the pull is retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PullFailure {
    /// The sink could not read the cursor or apply the page.
    #[error("roster sink: {reason}")]
    Sink {
        /// The store's explanation.
        reason: String,
    },
    /// No answer, or the connection failed.
    #[error("transport: {reason}")]
    Transport {
        /// The HTTP client's explanation.
        reason: String,
    },
    /// An HTTP status other than 200.
    #[error("the agency answered HTTP {status}")]
    Status {
        /// The status code.
        status: u16,
    },
    /// The answer is not signed over its body with the shared key.
    #[error("the roster page is not signed with the shared key")]
    BadSignature,
    /// The body is not a roster page.
    #[error("the roster page is malformed: {reason}")]
    BadAnswer {
        /// The parser's explanation.
        reason: String,
    },
}

/// Counters of a running puller.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullStats {
    /// Pages applied.
    pub pages: u64,
    /// Records applied (changed plus removed).
    pub records: u64,
    /// Failed pulls.
    pub failures: u64,
    /// The most recent failure, if the last pull failed.
    pub last_failure: Option<PullFailure>,
    /// When the last page was applied, milliseconds since the Unix epoch.
    pub last_applied_ms: Option<i64>,
}

/// Controls a running puller. Keep it for the engine's lifetime: dropping it stops the
/// puller.
#[derive(Debug)]
pub struct PullerHandle {
    stats: Arc<Mutex<PullStats>>,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl PullerHandle {
    /// The counters now.
    pub fn stats(&self) -> PullStats {
        self.stats
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stops the puller after its current pull and waits for it.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        if let Err(err) = self.task.await {
            tracing::error!(%err, "roster puller task ended abnormally");
        }
    }
}

/// Starts the puller for `[sync]` on the current tokio runtime, reading the key;
/// `Ok(None)` when no `roster_url` is set.
pub fn start(
    config: &SyncConfig,
    sink: Arc<dyn RosterSink>,
) -> Result<Option<PullerHandle>, StartError> {
    match PullerConfig::from_sync(config)? {
        Some(config) => spawn(sink, config).map(Some),
        None => Ok(None),
    }
}

/// Starts the puller on the current tokio runtime; the first pull is due at once.
pub fn spawn(sink: Arc<dyn RosterSink>, config: PullerConfig) -> Result<PullerHandle, StartError> {
    let client = reqwest::Client::builder()
        .timeout(config.timeout)
        .user_agent(concat!("hotline/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0x5eed, |d| d.as_nanos() as u64);
    let (shutdown, shutdown_rx) = watch::channel(false);
    let stats = Arc::new(Mutex::new(PullStats::default()));
    let puller = Puller {
        schedule: PushSchedule::new(config.backoff, Instant::now(), seed),
        config,
        client,
        sink,
        stats: Arc::clone(&stats),
        shutdown: shutdown_rx,
    };
    let task = tokio::spawn(puller.run());
    Ok(PullerHandle {
        stats,
        shutdown,
        task,
    })
}

struct Puller {
    config: PullerConfig,
    schedule: PushSchedule,
    client: reqwest::Client,
    sink: Arc<dyn RosterSink>,
    stats: Arc<Mutex<PullStats>>,
    shutdown: watch::Receiver<bool>,
}

impl Puller {
    async fn run(mut self) {
        loop {
            let deadline = tokio::time::Instant::from_std(self.schedule.poll_timeout());
            tokio::select! {
                changed = self.shutdown.changed() => {
                    if changed.is_err() || *self.shutdown.borrow() {
                        return;
                    }
                }
                () = tokio::time::sleep_until(deadline) => {}
            }
            if self.schedule.is_due(Instant::now()) {
                let pulled = self.pull_once().await;
                self.record(pulled);
            }
        }
    }

    /// Reads the cursor, fetches one page and applies it; `Ok(more)`.
    async fn pull_once(&self) -> Result<(u64, bool), PullFailure> {
        let sink = Arc::clone(&self.sink);
        let cursor = blocking(move || sink.cursor()).await?;
        let delta = self.fetch(cursor.as_deref().unwrap_or_default()).await?;
        let applied = (delta.records.len() + delta.removed.len()) as u64;
        let more = delta.more;
        let sink = Arc::clone(&self.sink);
        blocking(move || sink.apply(&delta)).await?;
        Ok((applied, more))
    }

    async fn fetch(&self, cursor: &str) -> Result<RosterDelta, PullFailure> {
        let mut request = self
            .client
            .get(&self.config.url)
            .query(&[("since", cursor)])
            .build()
            .map_err(transport)?;
        let signature = sign(
            &self.config.key,
            request.url().query().unwrap_or("").as_bytes(),
        );
        let value = reqwest::header::HeaderValue::from_str(&signature)
            .expect("a signature is ASCII: `sha256=` and hex digits");
        request.headers_mut().insert(SIGNATURE_HEADER, value);
        let response = self.client.execute(request).await.map_err(transport)?;
        if response.status() != StatusCode::OK {
            let status = response.status().as_u16();
            return Err(PullFailure::Status { status });
        }
        let signature = response
            .headers()
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(transport)?;
        if !signature.is_some_and(|s| verify(&self.config.key, &body, &s)) {
            return Err(PullFailure::BadSignature);
        }
        serde_json::from_slice(&body).map_err(|e| PullFailure::BadAnswer {
            reason: e.to_string(),
        })
    }

    fn record(&mut self, pulled: Result<(u64, bool), PullFailure>) {
        let now = Instant::now();
        let mut stats = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        match pulled {
            Ok((records, more)) => {
                self.schedule.handle_success(now, more);
                stats.pages += 1;
                stats.records += records;
                stats.last_failure = None;
                stats.last_applied_ms = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .ok()
                    .and_then(|d| i64::try_from(d.as_millis()).ok());
            }
            Err(failure) => {
                self.schedule.handle_failure(now);
                tracing::warn!(%failure, "roster pull failed; the cursor stays");
                stats.failures += 1;
                stats.last_failure = Some(failure);
            }
        }
    }
}

/// Runs a sink call on the blocking pool.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, SinkError> + Send + 'static,
) -> Result<T, PullFailure> {
    match tokio::task::spawn_blocking(call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(PullFailure::Sink {
            reason: err.to_string(),
        }),
        Err(join) => Err(PullFailure::Sink {
            reason: join.to_string(),
        }),
    }
}

fn transport(err: reqwest::Error) -> PullFailure {
    PullFailure::Transport {
        reason: error_chain(&err),
    }
}
