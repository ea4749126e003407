//! Changes to a booking after it was made: reschedule (with the same checks as a new
//! booking on the new day) and attendance.

use std::time::SystemTime;

use super::eligibility::Verdict;
use super::service::{check_reason, millis, started, verdict_check, Admission, Found};
use crate::store::api::{AttendanceRequest, ChangeRequest, ChangeResult};
use crate::store::model::Booking;
use crate::store::StoreError;

/// What a reschedule came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rescheduled {
    /// Moved; the code stays.
    Moved(Booking),
    /// Refused before reaching the store (`outside_window`, `lapsed`, …).
    Refused(String),
    /// What the store's transaction decided (full, not found, already booked that day).
    Store(ChangeResult),
}

impl Admission {
    /// Moves the caller's booking `code` to `slot_id`, if the person is still covered and
    /// entitled on the new day and the slot is open.
    pub fn reschedule(
        &self,
        key: &str,
        input: &str,
        code: &str,
        slot_id: i64,
        now: SystemTime,
    ) -> Result<Rescheduled, StoreError> {
        let local = self.local(now);
        let today = local.date();
        let Some(person) = self.parse_id(input, today) else {
            return Ok(Rescheduled::Store(ChangeResult::NotFound));
        };
        let request = ChangeRequest {
            key: key.into(),
            national_id: person.as_str().to_owned(),
            code: code.into(),
            new_slot: Some(slot_id),
            now_ms: millis(now),
        };
        if !self.store().settled(key)? {
            if let Some(reason) = self.reschedule_refusal(&request, local)? {
                return Ok(reason);
            }
        }
        Ok(match self.store().change(request)? {
            ChangeResult::Rescheduled(booking) => Rescheduled::Moved(booking),
            other => Rescheduled::Store(other),
        })
    }

    /// Why a reschedule must not reach the store, if it must not.
    fn reschedule_refusal(
        &self,
        request: &ChangeRequest,
        local: chrono::NaiveDateTime,
    ) -> Result<Option<Rescheduled>, StoreError> {
        let today = local.date();
        let store = self.store();
        let held = store.bookings_of(&request.national_id, today)?;
        let Some(booking) = held.into_iter().find(|b| b.code == request.code) else {
            return Ok(Some(Rescheduled::Store(ChangeResult::NotFound)));
        };
        let Some(slot) = request
            .new_slot
            .and_then(|id| store.slot(id).ok().flatten())
        else {
            return Ok(Some(Rescheduled::Store(ChangeResult::UnknownSlot)));
        };
        if started(&slot, local) || slot.date > self.window_end(today) {
            return Ok(Some(Rescheduled::Refused("outside_window".into())));
        }
        let Some(service) = store.service(&booking.service_id)? else {
            return Ok(Some(Rescheduled::Store(ChangeResult::NotFound)));
        };
        let person = match self.record_of(&request.national_id, today)? {
            Found::Person(person) => person,
            Found::Unknown => return Ok(Some(Rescheduled::Store(ChangeResult::NotFound))),
            Found::Unavailable => return Ok(Some(Rescheduled::Refused("unavailable".into()))),
        };
        let Some(verdict) = self.judge(&person, Some(&service), slot.date)? else {
            return Ok(Some(Rescheduled::Refused("unavailable".into())));
        };
        if verdict != Verdict::Eligible {
            let check = verdict_check(verdict, person, &service.id);
            return Ok(Some(Rescheduled::Refused(check_reason(&check).into())));
        }
        if service.primary_care_only
            && person.primary_facility.as_deref() != Some(slot.facility_id.as_str())
        {
            return Ok(Some(Rescheduled::Refused("primary_facility_only".into())));
        }
        Ok(None)
    }

    /// Marks an active booking attended or no-show (for facility staff tools); `None`
    /// when no active booking has that code.
    pub fn mark_attendance(
        &self,
        key: &str,
        code: &str,
        attended: bool,
        now: SystemTime,
    ) -> Result<Option<Booking>, StoreError> {
        self.store().mark_attendance(AttendanceRequest {
            key: key.into(),
            code: code.into(),
            attended,
            now_ms: millis(now),
        })
    }
}
