//! The body of one push: `{"sent_at_ms": …, "events": [ … ]}`, as documented in
//! `docs/sync.md`. Public so that receivers (and the tests' receiver) parse the same types.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::outbox::OutboxEvent;

/// One POSTed batch. Events are in commit order; the receiver applies them in array order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushBatch {
    /// When the pusher sent this attempt, milliseconds since the Unix epoch (receivers may
    /// refuse stale replays with it; it differs between retries of the same events).
    pub sent_at_ms: i64,
    /// The events, oldest first.
    pub events: Vec<WireEvent>,
}

/// One event on the wire.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct WireEvent {
    /// Stable id: the receiver records each id once and answers 2xx for repeats.
    pub event_id: String,
    /// Commit order in the sending engine's store.
    pub seq: i64,
    /// `booking.created`, `booking.cancelled`, …
    pub kind: String,
    /// Pseudonymous person key (a hash of the national ID): events with the same key are
    /// in the order they happened.
    pub person_key: String,
    /// Commit time, milliseconds since the Unix epoch.
    pub created_at_ms: i64,
    /// The event's body, per kind.
    pub payload: serde_json::Value,
}

impl From<&OutboxEvent> for WireEvent {
    fn from(event: &OutboxEvent) -> Self {
        Self {
            event_id: event.event_id.clone(),
            seq: event.seq,
            kind: event.kind.clone(),
            person_key: event.person_key.clone(),
            created_at_ms: event.created_at_ms,
            payload: event.payload.clone(),
        }
    }
}

/// Leaves out the payload, which holds personal data.
impl fmt::Debug for WireEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WireEvent")
            .field("event_id", &self.event_id)
            .field("seq", &self.seq)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl PushBatch {
    /// The batch for `events`, stamped `sent_at_ms`.
    pub fn new(events: &[OutboxEvent], sent_at_ms: i64) -> Self {
        Self {
            sent_at_ms,
            events: events.iter().map(WireEvent::from).collect(),
        }
    }

    /// The exact bytes that are signed and sent.
    pub fn to_body(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a batch of JSON values and strings always serialises")
    }
}
