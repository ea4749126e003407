//! Remote eligibility: asks the agency's system about one person with a deadline, caches
//! the answer for a TTL, and applies the configured [`DownPolicy`] when no answer comes.
//!
//! The request is `POST sync.eligibility_url` with `{"national_id", "profile"}`, signed
//! like a push (the ID stays out of URLs and access logs). `200` carries a
//! [`RemoteRecord`]; `404` means the agency does not know the person. Both answers are
//! signed by the agency over their body. Anything else, an unsigned or malformed answer,
//! or no answer within the deadline is a failure (`docs/sync.md`).
//!
//! # Wiring it into admission
//!
//! Build one [`RemoteEligibility`] at start-up (inside the tokio runtime, or with its
//! `Handle`) and hand it to admission as `Arc<dyn RemoteLookup>`
//! (`admission::open_with_remote`, or `Admission::with_remote`). The handler runs on the
//! blocking pool, so it calls the blocking [`RemoteLookup::lookup`] when its local roster
//! has no record for the ID, and maps the [`RemoteAnswer`]:
//!
//! | answer | outcome |
//! | --- | --- |
//! | `Found { record }` | judge `record` with the local rules (not stored: the cache serves the booking) |
//! | `NotFound` | `unknown_id` |
//! | `UseLocal` | `unknown_id` (there is no local record to use) |
//! | `Unavailable` | `unavailable` |
//!
//! - `cache`: the TTL cache and the outage breaker (sans-IO).
//! - `client`: [`RemoteEligibility`], the HTTP client with deadline, cache and policy.
//! - `record`: [`RemoteRecord`], the roster record the remote answers with.

mod cache;
mod client;
mod record;

pub use cache::{AnswerCache, Breaker};
pub use client::{EligibilityConfig, RemoteEligibility};
pub use record::{CoverageStatus, RemoteRecord, RosterSex};

use crate::admission::national_id::NationalId;

/// What admission calls when its local roster cannot decide. Blocking: it returns within
/// about the configured deadline, whatever the remote does. Tests and other backends
/// implement it too.
pub trait RemoteLookup: Send + Sync {
    /// The agency's answer about `id`, or the down policy's outcome.
    fn lookup(&self, id: &NationalId) -> RemoteAnswer;
}

/// What a lookup came to. See the module docs for the outcome each one maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteAnswer {
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
    /// No usable answer; the policy is `use_local`: decide on the local record.
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

impl RemoteAnswer {
    /// `found`, `not_found`, `use_local` or `unavailable` (the metric label).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Found { .. } => "found",
            Self::NotFound { .. } => "not_found",
            Self::UseLocal { .. } => "use_local",
            Self::Unavailable { .. } => "unavailable",
        }
    }

    /// Whether the answer came from the cache.
    pub fn is_cached(&self) -> bool {
        matches!(
            self,
            Self::Found { cached: true, .. } | Self::NotFound { cached: true }
        )
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
    /// An HTTP status other than 200 or 404 (401: the remote refused our signature).
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
    /// The answer's `X-Hotline-Signature` is missing or does not match its body under the
    /// shared key: it is not believed (a proxy or an impostor answered).
    #[error("the remote's answer is not signed with the shared key")]
    BadSignature,
    /// The remote failed recently, so it was not asked (see `eligibility_breaker`).
    #[error("the remote failed recently and was not asked")]
    RecentlyDown,
    /// The runtime that performs requests is gone (the engine is shutting down).
    #[error("the sync runtime is shut down")]
    Shutdown,
}
