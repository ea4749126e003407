//! The remote sync hook: the outbox pusher, the remote eligibility client and the roster
//! delta puller. The contract an agency implements is `docs/sync.md`.
//!
//! Wiring in `hotline serve`, inside the tokio runtime, with `config.sync` present:
//! [`pusher::start`] with the store as `Arc<dyn Outbox>`, [`roster::start`] with the store
//! as `Arc<dyn RosterSink>`, and [`eligibility::RemoteEligibility::from_sync`] handed to
//! admission as `Arc<dyn RemoteLookup>`. Each returns `None` when its URL is unset.
//!
//! - [`batch`]: the JSON body of one push ([`batch::PushBatch`]), shared with receivers.
//! - [`config`]: [`config::SyncConfig`], the `[sync]` keys with their defaults.
//! - [`eligibility`]: [`eligibility::RemoteLookup`]: lookup with deadline, cache, down policy.
//! - [`metrics`]: metric names (`pub const`) and their registration.
//! - [`outbox`]: the events the store commits with each booking, and the trait the pusher
//!   reads them through.
//! - [`pusher`]: the tokio task that pushes the outbox and reports its lag.
//! - [`roster`]: the optional roster delta puller and the [`roster::RosterSink`] it feeds.
//! - [`schedule`]: [`schedule::PushSchedule`], the pusher's sans-IO backoff and timing.
//! - [`signature`]: the `X-Hotline-Signature` HMAC-SHA256 header: sign and verify.

pub mod batch;
pub mod config;
pub mod eligibility;
pub mod metrics;
pub mod outbox;
pub mod pusher;
pub mod roster;
pub mod schedule;
pub mod signature;

/// Why a sync task or client could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The `[sync]` section is unusable (no key, bad URL…); the message says what to fix.
    #[error(transparent)]
    Config(#[from] config::SyncConfigError),
    /// The HTTP client could not be built (TLS roots, for one).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[from] reqwest::Error),
}
