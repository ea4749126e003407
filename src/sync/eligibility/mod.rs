//! Remote eligibility: asks the agency's system about one person with a deadline, caches
//! the answer for a TTL, and applies the configured [`DownPolicy`] when no answer comes.
//!
//! The request is `POST sync.eligibility_url` with `{"national_id", "profile"}`, signed
//! like a push (the ID stays out of URLs and access logs). `200` carries a
//! [`RemoteRecord`]; `404` means the agency does not know the person; anything else, a
//! malformed answer, or no answer within the deadline is a failure.
//!
//! - `cache`: the TTL cache and the outage breaker (sans-IO).
//! - `record`: [`RemoteRecord`], the roster record the remote answers with.

mod cache;
mod record;

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;

pub use cache::{AnswerCache, Breaker};
pub use record::{CoverageStatus, RemoteRecord, RosterSex};

use super::config::{DownPolicy, SyncConfig};
use super::signature::{sign, SIGNATURE_HEADER};
use crate::admission::national_id::NationalId;

/// What a lookup came to. The admission side decides on `Found` records with its own
/// rules, treats `NotFound` as `unknown_id`, decides on the local record for `UseLocal`,
/// and answers `unavailable` for `Unavailable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The remote has a record (fresh, or cached within the TTL).
    Found {
        /// The record.
        record: RemoteRecord,
        /// Served from the cache.
        cached: bool,
    },
    /// The remote answered that it does not know this ID (cached too).
    NotFound {
        /// Served from the cache.
        cached: bool,
    },
    /// No usable answer; the policy is `use_local`.
    UseLocal {
        /// Why there was no answer.
        failure: RemoteFailure,
    },
    /// No usable answer; the policy is `refuse`: the outcome is `unavailable`.
    Unavailable {
        /// Why there was no answer.
        failure: RemoteFailure,
    },
}

impl Lookup {
    /// `found`, `not_found`, `use_local` or `unavailable`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Found { .. } => "found",
            Self::NotFound { .. } => "not_found",
            Self::UseLocal { .. } => "use_local",
            Self::Unavailable { .. } => "unavailable",
        }
    }
}

/// Why the remote gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteFailure {
    /// No complete answer within the deadline.
    #[error("no answer within the deadline")]
    Deadline,
    /// The connection failed (refused, reset, TLS, DNS).
    #[error("transport: {reason}")]
    Transport {
        /// The HTTP client's explanation.
        reason: String,
    },
    /// An HTTP status other than 200 or 404.
    #[error("the remote answered HTTP {status}")]
    Status {
        /// The status code.
        status: u16,
    },
    /// A 200 whose body is not a record, or a record for another person.
    #[error("the remote's answer is not a record for this ID: {reason}")]
    BadAnswer {
        /// What was wrong with it.
        reason: String,
    },
    /// The remote failed recently, so it was not asked (see `eligibility_breaker_ms`).
    #[error("the remote failed recently and was not asked")]
    RecentlyDown,
}

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
    /// The settings from `sync.*`, or `None` when no `eligibility_url` is set.
    pub fn from_sync(config: &SyncConfig, key: Vec<u8>) -> Option<Self> {
        Some(Self {
            url: config.eligibility_url.clone()?,
            key,
            deadline: config.eligibility_deadline(),
            ttl: config.eligibility_cache_ttl(),
            capacity: config.eligibility_cache_capacity,
            breaker: config.eligibility_breaker(),
            policy: config.eligibility_down_policy,
        })
    }
}

/// A cached answer: the remote's word, found or not.
type Answer = Option<RemoteRecord>;

/// The remote eligibility client. Cheap to share (`Arc`); lookups run concurrently.
#[derive(Debug)]
pub struct RemoteEligibility {
    config: EligibilityConfig,
    client: reqwest::Client,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    cache: AnswerCache<Answer>,
    breaker: Breaker,
}

impl RemoteEligibility {
    /// A client for `config`; fails only if the HTTP client cannot be built.
    pub fn new(config: EligibilityConfig) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(config.deadline)
            .user_agent(concat!("hotline/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let state = State {
            cache: AnswerCache::new(config.ttl, config.capacity),
            breaker: Breaker::new(config.breaker),
        };
        Ok(Self {
            config,
            client,
            state: Mutex::new(state),
        })
    }

    /// The configured down policy.
    pub fn policy(&self) -> DownPolicy {
        self.config.policy
    }

    /// Asks about `id`: from the cache within the TTL, else from the remote within the
    /// deadline, else the policy's outcome. Never takes much longer than the deadline.
    pub async fn lookup(&self, id: &NationalId) -> Lookup {
        let key = cache_key(id);
        let skip = {
            let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(answer) = state.cache.get(&key, Instant::now()) {
                return found(answer, true);
            }
            state.breaker.is_open(Instant::now())
        };
        if skip {
            return self.without_answer(RemoteFailure::RecentlyDown);
        }
        let asked = tokio::time::timeout(self.config.deadline, self.ask(id)).await;
        let answer = asked.unwrap_or(Err(RemoteFailure::Deadline));
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match answer {
            Ok(answer) => {
                state.breaker.handle_success();
                state.cache.insert(key, answer.clone(), Instant::now());
                found(answer, false)
            }
            Err(failure) => {
                state.breaker.handle_failure(Instant::now());
                drop(state);
                tracing::warn!(%failure, policy = self.config.policy.as_str(), "remote eligibility failed");
                self.without_answer(failure)
            }
        }
    }

    fn without_answer(&self, failure: RemoteFailure) -> Lookup {
        match self.config.policy {
            DownPolicy::UseLocal => Lookup::UseLocal { failure },
            DownPolicy::Refuse => Lookup::Unavailable { failure },
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
        match response.status() {
            StatusCode::NOT_FOUND => return Ok(None),
            StatusCode::OK => {}
            other => {
                return Err(RemoteFailure::Status {
                    status: other.as_u16(),
                })
            }
        }
        let bytes = response.bytes().await.map_err(transport)?;
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

fn found(answer: Answer, cached: bool) -> Lookup {
    match answer {
        Some(record) => Lookup::Found { record, cached },
        None => Lookup::NotFound { cached },
    }
}

fn transport(err: reqwest::Error) -> RemoteFailure {
    if err.is_timeout() {
        RemoteFailure::Deadline
    } else {
        RemoteFailure::Transport {
            reason: super::pusher::error_chain(&err),
        }
    }
}
