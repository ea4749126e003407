//! The boundary between the pure dialog engine and the domain: a named action request and
//! its outcome. The catalogue of actions, their arguments and outcome codes is
//! `docs/actions.md`.

use std::time::SystemTime;

use serde_json::{Map, Value};

/// One action a menu asked for, ready to be performed by an [`ActionHandler`].
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRequest {
    /// The action's name, as in `docs/actions.md` (`booking.create`, …).
    pub action: String,
    /// The node's arguments after templating.
    pub args: Map<String, Value>,
    /// Session id and step number: a retried request must return the first result.
    pub idempotency_key: String,
    /// The caller's number, as the channel reported it.
    pub msisdn: String,
    /// The session language (`en`, `fa`, `id`, `vi`, `zh`).
    pub lang: String,
    /// When the runtime issued the request; the domain never reads the clock itself.
    pub now: SystemTime,
}

/// What an action came to: a code the menu branches on, and values it may store.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ActionOutcome {
    /// The outcome code (`eligible`, `booked`, `full`, …, or `error`).
    pub code: String,
    /// Values the node may store in a variable.
    pub vars: Map<String, Value>,
}

impl ActionOutcome {
    /// An outcome with no values.
    pub fn code(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            vars: Map::new(),
        }
    }
}

/// Performs actions. Implementations may block (the runtime calls them off the I/O
/// threads); they must not panic on any argument a menu can produce.
pub trait ActionHandler: Send + Sync {
    /// Performs one request and reports its outcome.
    fn perform(&self, request: &ActionRequest) -> ActionOutcome;

    /// True when `action` only reads local data and returns within microseconds, so the
    /// runtime may perform it on the I/O thread instead of handing it to the blocking pool
    /// (a hand-off costs more than such a read). Anything that waits (a write's commit, a
    /// remote lookup) must answer false, the default.
    fn is_quick(&self, action: &str) -> bool {
        let _ = action;
        false
    }
}

/// Every action a menu may name, with the outcome codes it can end with (besides `error`,
/// and `timeout` from the runtime). The menu validator checks `action` nodes against it;
/// `docs/actions.md` explains each.
pub const CATALOGUE: &[(&str, &[&str])] = &[
    ("caller.profile", &["known", "new"]),
    ("caller.set_language", &["ok"]),
    (
        "eligibility.check",
        &[
            "eligible",
            "invalid_id",
            "unknown_id",
            "lapsed",
            "not_entitled",
            "referral_required",
            "already_booked",
            "unavailable",
        ],
    ),
    ("services.list", &["ok", "none"]),
    ("facilities.list", &["ok", "none"]),
    ("slots.list", &["ok", "none"]),
    (
        "booking.create",
        &["booked", "full", "already_booked", "not_eligible"],
    ),
    ("bookings.list", &["ok", "none"]),
    ("booking.cancel", &["cancelled", "not_found"]),
    (
        "booking.reschedule",
        &[
            "rescheduled",
            "full",
            "not_found",
            "already_booked",
            "not_eligible",
        ],
    ),
    ("complaint.create", &["created"]),
    ("callback.request", &["created"]),
    ("survey.record", &["recorded"]),
];

/// Outcome codes any action may end with.
pub const COMMON_OUTCOMES: &[&str] = &["error", "timeout"];

/// The outcome codes of `action`, or `None` for an action not in the [`CATALOGUE`].
pub fn outcomes_of(action: &str) -> Option<&'static [&'static str]> {
    CATALOGUE
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, codes)| *codes)
}
