//! The remote sync hook: the outbox pusher and the remote eligibility client.
//!
//! - [`outbox`]: the events the store commits with each booking, and the trait the pusher
//!   reads them through.

pub mod outbox;
