//! The actions that change something: booking, cancel, reschedule, work orders, surveys.
//! Each passes the runtime's idempotency key to the store, so a retried request returns
//! the first result.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::json;

use super::args::{int, need, text, ActionError};
use super::lookups::ymd;
use super::{outcome, write_key, Actions};
use crate::admission::booking::Rescheduled;
use crate::admission::service::millis;
use crate::effects::{ActionOutcome, ActionRequest};
use crate::store::api::TicketRequest;
use crate::store::api::{BookResult, ChangeRequest, ChangeResult, SurveyRequest, TicketKind};
use crate::store::model::Booking;

impl Actions {
    pub(super) fn booking_create(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        let id = need(&req.args, "national_id")?;
        let service = need(&req.args, "service")?;
        let Some(slot) = slot_arg(req)? else {
            return Ok(not_eligible("unknown_slot"));
        };
        let result = self
            .admission
            .book(&write_key(req), &id, &service, slot, req.now)?;
        Ok(match result {
            Err(reason) => not_eligible(&reason),
            Ok(BookResult::Booked(booking)) => outcome(
                "booked",
                json!({
                    "code": booking.code,
                    "queue": booking.queue,
                    "date": ymd(booking.date),
                    "time": booking.time,
                    "facility_name": self.facility_name(Some(&booking.facility_id), &req.lang)?,
                }),
            ),
            Ok(BookResult::Full) => ActionOutcome::code("full"),
            Ok(BookResult::AlreadyBooked { code }) => {
                outcome("already_booked", json!({ "code": code }))
            }
            Ok(BookResult::UnknownSlot) => not_eligible("unknown_slot"),
            Ok(BookResult::WrongService) => not_eligible("wrong_service"),
        })
    }

    pub(super) fn booking_cancel(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        let id = need(&req.args, "national_id")?;
        let code = need(&req.args, "code")?;
        let today = self.admission.local(req.now).date();
        let Some(national_id) = self.admission.normalise(&id, today) else {
            return Ok(ActionOutcome::code("not_found"));
        };
        let result = self.admission.store().change(ChangeRequest {
            key: write_key(req),
            national_id,
            code,
            new_slot: None,
            now_ms: millis(req.now),
        })?;
        Ok(match result {
            ChangeResult::Cancelled(_) => ActionOutcome::code("cancelled"),
            _ => ActionOutcome::code("not_found"),
        })
    }

    pub(super) fn booking_reschedule(
        &self,
        req: &ActionRequest,
    ) -> Result<ActionOutcome, ActionError> {
        let id = need(&req.args, "national_id")?;
        let code = need(&req.args, "code")?;
        let Some(slot) = slot_arg(req)? else {
            return Ok(ActionOutcome::code("not_found"));
        };
        let result = self
            .admission
            .reschedule(&write_key(req), &id, &code, slot, req.now)?;
        Ok(match result {
            Rescheduled::Moved(booking) => moved(&booking),
            Rescheduled::Refused(reason) => not_eligible(&reason),
            Rescheduled::Store(ChangeResult::Rescheduled(booking)) => moved(&booking),
            Rescheduled::Store(ChangeResult::Full) => ActionOutcome::code("full"),
            Rescheduled::Store(ChangeResult::AlreadyBooked { code }) => {
                outcome("already_booked", json!({ "code": code }))
            }
            Rescheduled::Store(_) => ActionOutcome::code("not_found"),
        })
    }

    pub(super) fn ticket(
        &self,
        req: &ActionRequest,
        kind: TicketKind,
    ) -> Result<ActionOutcome, ActionError> {
        let topic_arg = match kind {
            TicketKind::Complaint => "category",
            TicketKind::Callback => "topic",
        };
        let topic = need(&req.args, topic_arg)?;
        let text = match kind {
            TicketKind::Complaint => text(&req.args, "text")?,
            TicketKind::Callback => None,
        };
        let now_ms = millis(req.now);
        let due_ms = now_ms.saturating_add(
            i64::from(self.admission.config().ticket_due_hours).saturating_mul(3_600_000),
        );
        let ticket = self.admission.store().open_ticket(TicketRequest {
            key: write_key(req),
            kind,
            topic,
            national_id: self.optional_id(req)?,
            msisdn: req.msisdn.clone(),
            text,
            now_ms,
            due_ms,
        })?;
        let due = self.local_stamp(ticket.due_ms);
        Ok(outcome(
            "created",
            json!({ "ticket": ticket.number, "due": due }),
        ))
    }

    pub(super) fn survey_record(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        self.admission.store().record_survey(SurveyRequest {
            key: write_key(req),
            question: need(&req.args, "question")?,
            answer: need(&req.args, "answer")?,
            national_id: self.optional_id(req)?,
            booking_code: text(&req.args, "booking_code")?,
            msisdn: req.msisdn.clone(),
            now_ms: millis(req.now),
        })?;
        Ok(ActionOutcome::code("recorded"))
    }

    /// The optional `national_id` argument, normalised; an invalid one is dropped, since a
    /// work order or survey answer is still worth keeping without it.
    fn optional_id(&self, req: &ActionRequest) -> Result<Option<String>, ActionError> {
        let today = self.admission.local(req.now).date();
        Ok(text(&req.args, "national_id")?.and_then(|id| self.admission.normalise(&id, today)))
    }

    /// `YYYY-MM-DD HH:MM` in the line's local time.
    fn local_stamp(&self, ms: i64) -> String {
        let offset = FixedOffset::east_opt(self.admission.config().utc_offset_minutes * 60)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid"));
        DateTime::<Utc>::from_timestamp_millis(ms)
            .map(|t| {
                t.with_timezone(&offset)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default()
    }
}

/// The `slot` argument; `None` when it is not a slot id at all (never an error the
/// caller could not recover from).
fn slot_arg(req: &ActionRequest) -> Result<Option<i64>, ActionError> {
    match int(&req.args, "slot") {
        Ok(Some(slot)) => Ok(Some(slot)),
        Ok(None) => Err(ActionError::Missing { name: "slot" }),
        Err(ActionError::Bad { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

fn not_eligible(reason: &str) -> ActionOutcome {
    outcome("not_eligible", json!({ "reason": reason }))
}

fn moved(booking: &Booking) -> ActionOutcome {
    outcome(
        "rescheduled",
        json!({ "code": booking.code, "date": ymd(booking.date), "time": booking.time }),
    )
}
