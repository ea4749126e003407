//! The sync hook's metrics, through the `metrics` facade: names are constants, handles are
//! built once when a task starts, and each metric is described when it is registered.
//! Whatever recorder `hotline serve` installs (the Prometheus exporter on `/metrics`)
//! receives them; without one they cost nothing.

use metrics::{Counter, Gauge, Unit};

/// Gauge: age of the oldest event not yet acknowledged by the receiver, in seconds; zero
/// when the outbox is empty. This is the pusher's lag.
pub const OUTBOX_LAG_SECONDS: &str = "hotline_sync_outbox_lag_seconds";
/// Gauge: events waiting in the outbox at the last read (at most one batch: a lower bound).
pub const OUTBOX_PENDING: &str = "hotline_sync_outbox_pending";
/// Counter: events delivered and acknowledged.
pub const PUSHED_EVENTS: &str = "hotline_sync_pushed_events_total";
/// Counter: push attempts that did not end in an acknowledgement.
pub const PUSH_FAILURES: &str = "hotline_sync_push_failures_total";
/// Counter: remote eligibility lookups, labelled `answer` = `found`, `not_found`,
/// `use_local` or `unavailable`, and `cached` = `true` or `false`.
pub const ELIGIBILITY_LOOKUPS: &str = "hotline_sync_eligibility_lookups_total";

/// The pusher's handles.
#[derive(Debug, Clone)]
pub(crate) struct PushMetrics {
    pub(crate) lag_seconds: Gauge,
    pub(crate) pending: Gauge,
    pub(crate) pushed: Counter,
    pub(crate) failures: Counter,
}

impl PushMetrics {
    /// Describes and registers the pusher's metrics with the current recorder.
    pub(crate) fn register() -> Self {
        metrics::describe_gauge!(
            OUTBOX_LAG_SECONDS,
            Unit::Seconds,
            "Age of the oldest outbox event the agency has not acknowledged"
        );
        metrics::describe_gauge!(
            OUTBOX_PENDING,
            Unit::Count,
            "Outbox events seen pending at the last read (capped at one batch)"
        );
        metrics::describe_counter!(
            PUSHED_EVENTS,
            Unit::Count,
            "Outbox events delivered to the agency and acknowledged"
        );
        metrics::describe_counter!(
            PUSH_FAILURES,
            Unit::Count,
            "Push attempts that failed and will be retried"
        );
        Self {
            lag_seconds: metrics::gauge!(OUTBOX_LAG_SECONDS),
            pending: metrics::gauge!(OUTBOX_PENDING),
            pushed: metrics::counter!(PUSHED_EVENTS),
            failures: metrics::counter!(PUSH_FAILURES),
        }
    }
}

/// The eligibility lookup counters, one handle per (answer, cached) pair.
#[derive(Debug, Clone)]
pub(crate) struct LookupMetrics {
    /// Indexed by [`LookupMetrics::slot`].
    counters: [Counter; 6],
}

/// The labels of each slot, in order.
const LOOKUP_LABELS: [(&str, &str); 6] = [
    ("found", "false"),
    ("found", "true"),
    ("not_found", "false"),
    ("not_found", "true"),
    ("use_local", "false"),
    ("unavailable", "false"),
];

impl LookupMetrics {
    /// Describes and registers the lookup counters with the current recorder.
    pub(crate) fn register() -> Self {
        metrics::describe_counter!(
            ELIGIBILITY_LOOKUPS,
            Unit::Count,
            "Remote eligibility lookups by answer and cache use"
        );
        let counters = LOOKUP_LABELS.map(|(answer, cached)| {
            metrics::counter!(ELIGIBILITY_LOOKUPS, "answer" => answer, "cached" => cached)
        });
        Self { counters }
    }

    /// Counts one lookup that came to `answer` (a `RemoteAnswer::code`).
    pub(crate) fn count(&self, answer: &str, cached: bool) {
        let cached = if cached { "true" } else { "false" };
        let slot = LOOKUP_LABELS
            .iter()
            .position(|labels| *labels == (answer, cached));
        if let Some(counter) = slot.and_then(|i| self.counters.get(i)) {
            counter.increment(1);
        }
    }
}
