//! [`Actions`]: the [`ActionHandler`] that serves every action of `docs/actions.md` from
//! the admission services.
//!
//! - `args`: reading templated arguments.
//! - `lookups`: caller profile, eligibility, services, facilities, slots, bookings.
//! - `writes`: booking, cancel, reschedule, work orders, surveys.

mod args;
mod lookups;
mod writes;

use serde_json::{Map, Value};

pub use args::ActionError;

use super::service::Admission;
use crate::effects::{ActionHandler, ActionOutcome, ActionRequest};

/// Serves menu actions from the admission services.
#[derive(Debug, Clone)]
pub struct Actions {
    admission: Admission,
}

impl Actions {
    /// A handler over `admission`.
    pub fn new(admission: Admission) -> Self {
        Self { admission }
    }

    /// The services behind the handler.
    pub fn admission(&self) -> &Admission {
        &self.admission
    }

    fn dispatch(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        match req.action.as_str() {
            "caller.profile" => self.caller_profile(req),
            "caller.set_language" => self.caller_set_language(req),
            "eligibility.check" => self.eligibility_check(req),
            "services.list" => self.services_list(req),
            "facilities.list" => self.facilities_list(req),
            "slots.list" => self.slots_list(req),
            "bookings.list" => self.bookings_list(req),
            "booking.create" => self.booking_create(req),
            "booking.cancel" => self.booking_cancel(req),
            "booking.reschedule" => self.booking_reschedule(req),
            "complaint.create" => self.ticket(req, crate::store::api::TicketKind::Complaint),
            "callback.request" => self.ticket(req, crate::store::api::TicketKind::Callback),
            "survey.record" => self.survey_record(req),
            other => Err(ActionError::UnknownAction(other.to_owned())),
        }
    }
}

impl ActionHandler for Actions {
    fn is_quick(&self, action: &str) -> bool {
        match action {
            "caller.profile" | "slots.list" | "bookings.list" => true,
            // These judge the caller's record, which may mean asking the remote (a blocking
            // lookup with its own deadline): quick only when there is no remote.
            "eligibility.check" | "services.list" | "facilities.list" => {
                !self.admission.has_remote()
            }
            _ => false,
        }
    }

    fn perform(&self, request: &ActionRequest) -> ActionOutcome {
        match self.dispatch(request) {
            Ok(outcome) => outcome,
            Err(err) => {
                tracing::warn!(action = %request.action, error = %err, "action failed");
                ActionOutcome::code("error")
            }
        }
    }
}

/// An outcome with the vars of a JSON object (anything else gives no vars).
fn outcome(code: &str, vars: Value) -> ActionOutcome {
    let vars = match vars {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    ActionOutcome {
        code: code.to_owned(),
        vars,
    }
}

/// The idempotency key of a write: the action's name and the runtime's key.
fn write_key(req: &ActionRequest) -> String {
    format!("{}|{}", req.action, req.idempotency_key)
}
