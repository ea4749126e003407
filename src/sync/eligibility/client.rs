//! [`RemoteEligibility`]: the HTTP side of remote eligibility. Requests run on the tokio
//! runtime; the blocking [`RemoteLookup::lookup`] hands the request to it and waits on a
//! channel, so it is safe on the blocking pool and on plain threads.

use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use tokio::runtime::Handle;

use super::cache::{AnswerCache, Breaker};
use super::record::RemoteRecord;
use super::{RemoteAnswer, RemoteFailure, RemoteLookup};
use crate::admission::national_id::NationalId;
use crate::sync::config::{DownPolicy, SyncConfig, SyncConfigError};
use crate::sync::metrics::LookupMetrics;
use crate::sync::signature::{sign, verify, SIGNATURE_HEADER};
use crate::sync::StartError;

/// How much longer than the deadline a blocking caller waits for the runtime to report
/// (scheduling slack; the request itself is cut at the deadline).
const HANDOFF_GRACE: Duration = Duration::from_millis(200);

/// What remote eligibility needs to run.
#[derive(Clone)]
pub struct EligibilityConfig {
    /// `sync.eligibility_url`.
    pub url: String,
    /// The shared HMAC key that signs requests.
    pub key: Vec<u8>,
    /// Deadline of one lookup, request to last byte.
    pub deadline: Duration,
    /// How long answers are reused.
    pub ttl: Duration,
    /// Most cached answers.
    pub capacity: usize,
    /// How long to skip the remote after a failure.
    pub breaker: Duration,
    /// What to do without an answer.
    pub policy: DownPolicy,
}

impl std::fmt::Debug for EligibilityConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EligibilityConfig")
            .field("url", &self.url)
            .field("deadline", &self.deadline)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl EligibilityConfig {
    /// The settings from `[sync]`, with the key read from `secret` or `secret_file`;
    /// `Ok(None)` when no `eligibility_url` is set (local data only).
    pub fn from_sync(config: &SyncConfig) -> Result<Option<Self>, SyncConfigError> {
        let Some(url) = config.eligibility_url.clone() else {
            return Ok(None);
        };
        Ok(Some(Self {
            url,
            key: config.key()?,
            deadline: config.eligibility_deadline,
            ttl: config.eligibility_ttl,
            capacity: config.eligibility_cache_size,
            breaker: config.eligibility_breaker,
            policy: config.down_policy,
        }))
    }
}

/// A cached answer: the remote's word, found or not.
type Answer = Option<RemoteRecord>;

/// The remote eligibility client. Clones share one cache and one connection pool.
#[derive(Debug, Clone)]
pub struct RemoteEligibility {
    inner: Arc<Inner>,
    runtime: Handle,
}

#[derive(Debug)]
struct Inner {
    config: EligibilityConfig,
    client: reqwest::Client,
    metrics: LookupMetrics,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    cache: AnswerCache<Answer>,
    breaker: Breaker,
}

impl RemoteEligibility {
    /// A client whose requests run on `runtime` (`Handle::current()` inside the runtime);
    /// registers its metrics with the current recorder. Fails only if the HTTP client
    /// cannot be built.
    pub fn new(config: EligibilityConfig, runtime: Handle) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.deadline)
            .user_agent(concat!("hotline/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let state = State {
            cache: AnswerCache::new(config.ttl, config.capacity),
            breaker: Breaker::new(config.breaker),
        };
        let inner = Inner {
            config,
            client,
            metrics: LookupMetrics::register(),
            state: Mutex::new(state),
        };
        Ok(Self {
            inner: Arc::new(inner),
            runtime,
        })
    }

    /// The client for `[sync]`, with requests on `runtime`; `Ok(None)` when no
    /// `eligibility_url` is set (admission decides on local data only).
    pub fn from_sync(config: &SyncConfig, runtime: Handle) -> Result<Option<Self>, StartError> {
        match EligibilityConfig::from_sync(config)? {
            Some(config) => Ok(Some(Self::new(config, runtime)?)),
            None => Ok(None),
        }
    }

    /// The configured down policy.
    pub fn policy(&self) -> DownPolicy {
        self.inner.config.policy
    }

    /// The lookup for async callers: from the cache within the TTL, else from the remote
    /// within the deadline, else the policy's outcome.
    pub async fn lookup_async(&self, id: &NationalId) -> RemoteAnswer {
        self.inner.lookup(id).await
    }
}

impl RemoteLookup for RemoteEligibility {
    /// Blocks the calling thread for at most about the deadline. Call it from the blocking
    /// pool or a plain thread, never from async code (use `lookup_async` there).
    fn lookup(&self, id: &NationalId) -> RemoteAnswer {
        let (tx, rx) = mpsc::sync_channel(1);
        let inner = Arc::clone(&self.inner);
        let id = id.clone();
        self.runtime.spawn(async move {
            let _ = tx.send(inner.lookup(&id).await);
        });
        let wait = self.inner.config.deadline.saturating_add(HANDOFF_GRACE);
        match rx.recv_timeout(wait) {
            Ok(answer) => answer,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.inner.without_answer(RemoteFailure::Deadline)
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.inner.without_answer(RemoteFailure::Shutdown)
            }
        }
    }
}

impl Inner {
    async fn lookup(&self, id: &NationalId) -> RemoteAnswer {
        let key = cache_key(id);
        let skip = {
            let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(answer) = state.cache.get(&key, Instant::now()) {
                return self.counted(found(answer, true));
            }
            state.breaker.is_open(Instant::now())
        };
        if skip {
            return self.counted(self.without_answer(RemoteFailure::RecentlyDown));
        }
        let asked = tokio::time::timeout(self.config.deadline, self.ask(id)).await;
        let answer = asked.unwrap_or(Err(RemoteFailure::Deadline));
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match answer {
            Ok(answer) => {
                state.breaker.handle_success();
                state.cache.insert(key, answer.clone(), Instant::now());
                self.counted(found(answer, false))
            }
            Err(failure) => {
                state.breaker.handle_failure(Instant::now());
                drop(state);
                let policy = self.config.policy.as_str();
                tracing::warn!(%failure, policy, "remote eligibility failed");
                self.counted(self.without_answer(failure))
            }
        }
    }

    fn counted(&self, answer: RemoteAnswer) -> RemoteAnswer {
        self.metrics.count(answer.code(), answer.is_cached());
        answer
    }

    fn without_answer(&self, failure: RemoteFailure) -> RemoteAnswer {
        match self.config.policy {
            DownPolicy::UseLocal => RemoteAnswer::UseLocal { failure },
            DownPolicy::Refuse => RemoteAnswer::Unavailable { failure },
        }
    }

    /// One signed request and its answer.
    async fn ask(&self, id: &NationalId) -> Result<Answer, RemoteFailure> {
        let body = serde_json::json!({
            "national_id": id.as_str(),
            "profile": id.profile().as_str(),
        })
        .to_string()
        .into_bytes();
        let response = self
            .client
            .post(&self.config.url)
            .header(CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, sign(&self.config.key, &body))
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if status != StatusCode::OK && status != StatusCode::NOT_FOUND {
            return Err(RemoteFailure::Status {
                status: status.as_u16(),
            });
        }
        let signature = response
            .headers()
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.map_err(transport)?;
        if !signature.is_some_and(|s| verify(&self.config.key, &bytes, &s)) {
            return Err(RemoteFailure::BadSignature);
        }
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let record: RemoteRecord =
            serde_json::from_slice(&bytes).map_err(|e| RemoteFailure::BadAnswer {
                reason: e.to_string(),
            })?;
        if record.national_id.expose() != id.as_str() {
            return Err(RemoteFailure::BadAnswer {
                reason: "the record is for another ID".to_owned(),
            });
        }
        Ok(Some(record))
    }
}

fn cache_key(id: &NationalId) -> String {
    format!("{}:{}", id.profile().as_str(), id.as_str())
}

fn found(answer: Answer, cached: bool) -> RemoteAnswer {
    match answer {
        Some(record) => RemoteAnswer::Found { record, cached },
        None => RemoteAnswer::NotFound { cached },
    }
}

fn transport(err: reqwest::Error) -> RemoteFailure {
    if err.is_timeout() {
        RemoteFailure::Deadline
    } else {
        RemoteFailure::Transport {
            reason: crate::sync::pusher::error_chain(&err),
        }
    }
}
