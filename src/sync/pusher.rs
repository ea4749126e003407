//! The outbox pusher: a tokio task that reads [`Outbox::pending`], POSTs signed batches to
//! `sync.push_url`, and acknowledges them only after a 2xx answer.
//!
//! One batch is in flight at a time and a batch is acknowledged whole, so events reach the
//! receiver in commit order: a later event for a person is never delivered before an
//! earlier one was accepted. All state is in the outbox; a restarted engine resends what
//! was never acknowledged, and the receiver drops repeats by `event_id`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::CONTENT_TYPE;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::batch::PushBatch;
use super::config::{SyncConfig, SyncConfigError};
use super::metrics::PushMetrics;
use super::outbox::{Outbox, OutboxEvent};
use super::schedule::{Backoff, PushSchedule};
use super::signature::{sign, SIGNATURE_HEADER};
use super::StartError;

/// HTTP 413: the receiver refuses the batch's size; the pusher halves its batch size.
const PAYLOAD_TOO_LARGE: u16 = 413;

/// What the pusher needs to run.
#[derive(Clone)]
pub struct PusherConfig {
    /// Where batches are POSTed.
    pub push_url: String,
    /// The shared HMAC key.
    pub key: Vec<u8>,
    /// Most events per batch.
    pub batch_size: usize,
    /// Deadline of one request.
    pub push_timeout: Duration,
    /// Retry and idle timing.
    pub backoff: Backoff,
}

impl std::fmt::Debug for PusherConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PusherConfig")
            .field("push_url", &self.push_url)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl PusherConfig {
    /// The pusher's settings from `[sync]`, with the key read from `secret` or
    /// `secret_file`; `Ok(None)` when no `push_url` is set (no pusher runs).
    pub fn from_sync(config: &SyncConfig) -> Result<Option<Self>, SyncConfigError> {
        let Some(push_url) = config.push_url.clone() else {
            return Ok(None);
        };
        Ok(Some(Self {
            push_url,
            key: config.key()?,
            batch_size: config.batch_size.max(1),
            push_timeout: config.push_timeout,
            backoff: Backoff {
                initial: config.backoff_initial,
                max: config.backoff_max,
                idle_poll: config.push_interval,
            },
        }))
    }
}

/// Why one push attempt did not end in an acknowledgement. None of them loses an event:
/// the batch stays in the outbox and is retried after the backoff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushFailure {
    /// The outbox could not be read or acknowledged (a store error).
    #[error("outbox: {reason}")]
    Outbox {
        /// The store's explanation.
        reason: String,
    },
    /// No complete answer within the push timeout.
    #[error("no answer within the push timeout")]
    Timeout,
    /// The connection failed (refused, reset, TLS, DNS).
    #[error("transport: {reason}")]
    Transport {
        /// The HTTP client's explanation.
        reason: String,
    },
    /// The receiver answered, but not 2xx (401: signature refused; 413: batch too large,
    /// so the pusher halves its batch size; 5xx: the receiver's own trouble).
    #[error("the receiver answered HTTP {status}")]
    Rejected {
        /// The HTTP status code.
        status: u16,
    },
}

/// A snapshot of the pusher's lag and counters, for metrics and `status` pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushStats {
    /// Events seen pending at the last read of the outbox
    /// ([`OUTBOX_PENDING`](super::metrics::OUTBOX_PENDING)).
    pub pending: usize,
    /// `pending` is the batch limit, so more may be waiting.
    pub pending_capped: bool,
    /// Age of the oldest unacknowledged event at the time of the snapshot
    /// ([`OUTBOX_LAG_SECONDS`](super::metrics::OUTBOX_LAG_SECONDS)); `None` when the outbox
    /// was empty.
    pub oldest_pending_age: Option<Duration>,
    /// Events delivered and acknowledged.
    pub delivered: u64,
    /// Failed attempts.
    pub failures: u64,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// The most recent failure, if the last attempt failed.
    pub last_failure: Option<PushFailure>,
}

#[derive(Debug, Default)]
struct SharedStats {
    stats: PushStats,
    oldest_created_at_ms: Option<i64>,
}

/// Controls a running pusher. Keep it for the engine's lifetime: dropping it stops the
/// pusher (unacknowledged events stay in the outbox).
#[derive(Debug)]
pub struct PusherHandle {
    wake: Arc<Notify>,
    stats: Arc<Mutex<SharedStats>>,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl PusherHandle {
    /// Tells the pusher new events were committed, so it need not wait for its idle poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// A cloneable waker for the store's commit path.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// The lag and counters now.
    pub fn stats(&self) -> PushStats {
        let shared = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        let mut stats = shared.stats.clone();
        stats.oldest_pending_age = shared.oldest_created_at_ms.map(|created| {
            let age_ms = unix_ms(SystemTime::now()).saturating_sub(created).max(0);
            Duration::from_millis(u64::try_from(age_ms).unwrap_or_default())
        });
        stats
    }

    /// Stops the pusher after its current attempt and waits for it. Unacknowledged events
    /// stay in the outbox for the next start.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        if let Err(err) = self.task.await {
            tracing::error!(%err, "sync pusher task ended abnormally");
        }
    }
}

/// Starts the pusher for `[sync]` on the current tokio runtime, reading the key; `Ok(None)`
/// when no `push_url` is set.
pub fn start(
    config: &SyncConfig,
    outbox: Arc<dyn Outbox>,
) -> Result<Option<PusherHandle>, StartError> {
    match PusherConfig::from_sync(config)? {
        Some(config) => spawn(outbox, config).map(Some),
        None => Ok(None),
    }
}

/// Starts the pusher on the current tokio runtime (call it from within the runtime) and
/// registers its metrics with the current recorder.
pub fn spawn(outbox: Arc<dyn Outbox>, config: PusherConfig) -> Result<PusherHandle, StartError> {
    let client = reqwest::Client::builder()
        .timeout(config.push_timeout)
        .user_agent(concat!("hotline/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9e37_79b9);
    let (shutdown, shutdown_rx) = watch::channel(false);
    let pusher = Pusher {
        schedule: PushSchedule::new(config.backoff, Instant::now(), seed),
        limit: config.batch_size.max(1),
        config,
        client,
        outbox,
        wake: Arc::new(Notify::new()),
        stats: Arc::new(Mutex::new(SharedStats::default())),
        metrics: PushMetrics::register(),
        shutdown: shutdown_rx,
    };
    let (wake, stats) = (Arc::clone(&pusher.wake), Arc::clone(&pusher.stats));
    let task = tokio::spawn(pusher.run());
    Ok(PusherHandle {
        wake,
        stats,
        shutdown,
        task,
    })
}

struct Pusher {
    config: PusherConfig,
    schedule: PushSchedule,
    limit: usize,
    client: reqwest::Client,
    outbox: Arc<dyn Outbox>,
    wake: Arc<Notify>,
    stats: Arc<Mutex<SharedStats>>,
    metrics: PushMetrics,
    shutdown: watch::Receiver<bool>,
}

impl Pusher {
    async fn run(mut self) {
        loop {
            let deadline = tokio::time::Instant::from_std(self.schedule.poll_timeout());
            tokio::select! {
                changed = self.shutdown.changed() => {
                    if changed.is_err() || *self.shutdown.borrow() {
                        return;
                    }
                }
                () = self.wake.notified() => self.schedule.handle_wake(Instant::now()),
                () = tokio::time::sleep_until(deadline) => {}
            }
            if self.schedule.is_due(Instant::now()) {
                self.attempt().await;
            }
            self.publish_lag();
        }
    }

    /// One read–push–acknowledge round, and what the schedule makes of it.
    async fn attempt(&mut self) {
        let events = match self.read_pending().await {
            Ok(events) => events,
            Err(failure) => return self.failed(failure),
        };
        self.record_pending(&events);
        if events.is_empty() {
            return self.schedule.handle_idle(Instant::now());
        }
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        let pushed = match self.push(&events).await {
            Ok(()) => self.acknowledge(seqs).await,
            Err(failure) => Err(failure),
        };
        match pushed {
            Ok(()) => self.delivered(events.len()),
            Err(failure) => self.failed(failure),
        }
    }

    async fn read_pending(&self) -> Result<Vec<OutboxEvent>, PushFailure> {
        let (outbox, limit) = (Arc::clone(&self.outbox), self.limit);
        let read = tokio::task::spawn_blocking(move || outbox.pending(limit)).await;
        match read {
            Ok(Ok(events)) => Ok(events),
            Ok(Err(err)) => Err(outbox_failure(&*err)),
            Err(join) => Err(outbox_failure(&join)),
        }
    }

    async fn acknowledge(&self, seqs: Vec<i64>) -> Result<(), PushFailure> {
        let outbox = Arc::clone(&self.outbox);
        let ack = tokio::task::spawn_blocking(move || outbox.acknowledge(&seqs)).await;
        match ack {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(outbox_failure(&*err)),
            Err(join) => Err(outbox_failure(&join)),
        }
    }

    /// POSTs one signed batch; `Ok` only on a 2xx answer.
    async fn push(&self, events: &[OutboxEvent]) -> Result<(), PushFailure> {
        let body = PushBatch::new(events, unix_ms(SystemTime::now())).to_body();
        let signature = sign(&self.config.key, &body);
        let request = self
            .client
            .post(&self.config.push_url)
            .header(CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .body(body);
        let response = request.send().await.map_err(transport_failure)?;
        let status = response.status();
        // Drain the answer so the connection can be reused; its content is not needed.
        let _ = response.bytes().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(PushFailure::Rejected {
                status: status.as_u16(),
            })
        }
    }

    /// Sets the lag gauges from the last read; called after every wake-up, so the lag keeps
    /// growing on the dashboard while a backoff waits.
    fn publish_lag(&self) {
        let shared = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        let lag_ms = shared.oldest_created_at_ms.map_or(0, |created| {
            unix_ms(SystemTime::now()).saturating_sub(created)
        });
        self.metrics.lag_seconds.set(lag_ms.max(0) as f64 / 1000.0);
        self.metrics.pending.set(shared.stats.pending as f64);
    }

    fn record_pending(&self, events: &[OutboxEvent]) {
        let mut shared = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        shared.stats.pending = events.len();
        shared.stats.pending_capped = events.len() >= self.limit;
        shared.oldest_created_at_ms = events.iter().map(|e| e.created_at_ms).min();
    }

    fn delivered(&mut self, count: usize) {
        let more = count >= self.limit;
        self.schedule.handle_success(Instant::now(), more);
        let mut shared = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        let stats = &mut shared.stats;
        stats.delivered += count as u64;
        self.metrics.pushed.increment(count as u64);
        stats.consecutive_failures = 0;
        stats.last_failure = None;
        if !more {
            stats.pending = 0;
            stats.pending_capped = false;
            shared.oldest_created_at_ms = None;
        }
    }

    fn failed(&mut self, failure: PushFailure) {
        if matches!(failure, PushFailure::Rejected { status } if status == PAYLOAD_TOO_LARGE) {
            self.limit = (self.limit / 2).max(1);
        }
        self.schedule.handle_failure(Instant::now());
        tracing::warn!(
            %failure,
            consecutive = self.schedule.failures(),
            "sync push failed; the batch stays in the outbox"
        );
        let mut shared = self.stats.lock().unwrap_or_else(PoisonError::into_inner);
        shared.stats.failures += 1;
        self.metrics.failures.increment(1);
        shared.stats.consecutive_failures = self.schedule.failures();
        shared.stats.last_failure = Some(failure);
    }
}

fn outbox_failure(err: &dyn std::error::Error) -> PushFailure {
    PushFailure::Outbox {
        reason: err.to_string(),
    }
}

fn transport_failure(err: reqwest::Error) -> PushFailure {
    if err.is_timeout() {
        PushFailure::Timeout
    } else {
        PushFailure::Transport {
            reason: error_chain(&err),
        }
    }
}

/// The error and its sources on one line (reqwest's top level says little on its own).
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn unix_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
