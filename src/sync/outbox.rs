//! Outbox events: written by the store in the same transaction as the booking,
//! cancellation, complaint or survey answer they describe, and pushed by the sync task.

/// One event waiting to be pushed to the agency's central system.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// Commit order in this store; the pusher acknowledges by it.
    pub seq: i64,
    /// Stable id for idempotency at the receiver (never reused, survives restarts).
    pub event_id: String,
    /// Events for one person are pushed in `seq` order (a hash of the national ID).
    pub person_key: String,
    /// `booking.created`, `booking.cancelled`, `booking.rescheduled`, `complaint.created`,
    /// `callback.requested`, `survey.recorded`, `attendance.marked`.
    pub kind: String,
    /// The event body, as documented in `docs/sync.md`.
    pub payload: serde_json::Value,
    /// Commit time, milliseconds since the Unix epoch.
    pub created_at_ms: i64,
}

/// Why the outbox could not be read or acknowledged.
pub type OutboxError = Box<dyn std::error::Error + Send + Sync>;

/// Where the pusher finds unpushed events. The store implements it.
pub trait Outbox: Send + Sync {
    /// Up to `limit` unacknowledged events, oldest first.
    fn pending(&self, limit: usize) -> Result<Vec<OutboxEvent>, OutboxError>;
    /// Marks events as delivered; they are never returned by `pending` again.
    fn acknowledge(&self, seqs: &[i64]) -> Result<(), OutboxError>;
}
