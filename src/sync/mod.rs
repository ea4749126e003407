//! The remote sync hook: the outbox pusher and the remote eligibility client. The contract
//! an agency implements is `docs/sync.md`.
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
