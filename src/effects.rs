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
}
