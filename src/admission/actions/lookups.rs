//! The read-only actions.

use serde_json::json;

use super::args::{date, int, need, ActionError};
use super::{outcome, Actions};
use crate::admission::service::Check;
use crate::effects::{ActionOutcome, ActionRequest};
use crate::store::model::Person;

/// Date as the menus print it.
pub(super) fn ymd(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl Actions {
    pub(super) fn caller_profile(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        Ok(match self.admission.store().caller_language(&req.msisdn)? {
            Some(lang) => outcome("known", json!({ "lang": lang })),
            None => ActionOutcome::code("new"),
        })
    }

    pub(super) fn caller_set_language(
        &self,
        req: &ActionRequest,
    ) -> Result<ActionOutcome, ActionError> {
        let lang = need(&req.args, "lang")?;
        if lang.len() > 8 || !lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ActionError::Bad {
                name: "lang",
                expected: "a language tag",
            });
        }
        self.admission
            .store()
            .set_caller_language(&req.msisdn, &lang)?;
        Ok(ActionOutcome::code("ok"))
    }

    pub(super) fn eligibility_check(
        &self,
        req: &ActionRequest,
    ) -> Result<ActionOutcome, ActionError> {
        let id = need(&req.args, "national_id")?;
        let service = super::args::text(&req.args, "service")?;
        let day = date(&req.args, "date")?;
        let today = self.admission.local(req.now).date();
        let check = self.admission.check(&id, service.as_deref(), day, today)?;
        Ok(match check {
            Check::Eligible(person) => {
                let primary = self.facility_name(person.primary_facility.as_deref(), &req.lang)?;
                outcome(
                    "eligible",
                    json!({
                        "name": person.name,
                        "paid_through": person.paid_through.map(ymd).unwrap_or_default(),
                        "primary_facility": primary,
                    }),
                )
            }
            Check::InvalidId { reason } => outcome("invalid_id", json!({ "reason": reason })),
            Check::UnknownId => ActionOutcome::code("unknown_id"),
            Check::Lapsed { paid_through } => outcome(
                "lapsed",
                json!({ "paid_through": paid_through.map(ymd).unwrap_or_default() }),
            ),
            Check::NotEntitled { service } => {
                outcome("not_entitled", json!({ "service": service }))
            }
            Check::ReferralRequired { service } => {
                outcome("referral_required", json!({ "service": service }))
            }
            Check::AlreadyBooked { code } => outcome("already_booked", json!({ "code": code })),
            Check::Unavailable => ActionOutcome::code("unavailable"),
        })
    }

    pub(super) fn facility_name(
        &self,
        id: Option<&str>,
        lang: &str,
    ) -> Result<String, ActionError> {
        let Some(id) = id else {
            return Ok(String::new());
        };
        Ok(self
            .admission
            .store()
            .facility(id)?
            .map_or_else(String::new, |f| f.names.get(lang).to_owned()))
    }

    /// The roster record of an eligible caller today.
    fn person_today(&self, req: &ActionRequest) -> Result<Option<Person>, ActionError> {
        let id = need(&req.args, "national_id")?;
        let today = self.admission.local(req.now).date();
        Ok(self.admission.eligible_person(&id, today, today)?)
    }

    pub(super) fn services_list(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        let Some(person) = self.person_today(req)? else {
            return Ok(ActionOutcome::code("none"));
        };
        let today = self.admission.local(req.now).date();
        let services: Vec<_> = self
            .admission
            .services_for(&person, today)?
            .into_iter()
            .map(|s| json!({ "id": s.id, "name": s.names.get(&req.lang) }))
            .collect();
        if services.is_empty() {
            return Ok(ActionOutcome::code("none"));
        }
        Ok(outcome("ok", json!({ "services": services })))
    }

    pub(super) fn facilities_list(
        &self,
        req: &ActionRequest,
    ) -> Result<ActionOutcome, ActionError> {
        let service_id = need(&req.args, "service")?;
        let (Some(person), Some(service)) = (
            self.person_today(req)?,
            self.admission.store().service(&service_id)?,
        ) else {
            return Ok(ActionOutcome::code("none"));
        };
        let today = self.admission.local(req.now).date();
        let facilities: Vec<_> = self
            .admission
            .facilities_for(&person, &service, today)?
            .into_iter()
            .map(|f| {
                json!({
                    "id": f.facility.id,
                    "name": f.facility.names.get(&req.lang),
                    "free": f.capacity.saturating_sub(f.booked),
                })
            })
            .collect();
        if facilities.is_empty() {
            return Ok(ActionOutcome::code("none"));
        }
        Ok(outcome("ok", json!({ "facilities": facilities })))
    }

    pub(super) fn slots_list(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        let facility = need(&req.args, "facility")?;
        let service = need(&req.args, "service")?;
        let now = self.admission.local(req.now);
        let from = date(&req.args, "from")?.unwrap_or(now.date());
        let days = int(&req.args, "days")?.map_or(self.admission.config().window_days, |d| {
            u32::try_from(d).unwrap_or(u32::MAX)
        });
        let slots: Vec<_> = self
            .admission
            .open_slots(&facility, &service, from, days, now)?
            .into_iter()
            .map(|s| {
                json!({
                    "id": s.id, "date": ymd(s.date), "time": s.time,
                    "free": s.capacity.saturating_sub(s.booked),
                })
            })
            .collect();
        if slots.is_empty() {
            return Ok(ActionOutcome::code("none"));
        }
        Ok(outcome("ok", json!({ "slots": slots })))
    }

    pub(super) fn bookings_list(&self, req: &ActionRequest) -> Result<ActionOutcome, ActionError> {
        let id = need(&req.args, "national_id")?;
        let today = self.admission.local(req.now).date();
        let Some(national_id) = self.admission.normalise(&id, today) else {
            return Ok(ActionOutcome::code("none"));
        };
        let mut bookings = Vec::new();
        for b in self.admission.store().bookings_of(&national_id, today)? {
            let service = self.admission.store().service(&b.service_id)?;
            bookings.push(json!({
                "code": b.code, "date": ymd(b.date), "time": b.time,
                "facility": b.facility_id, "service_id": b.service_id,
                "facility_name": self.facility_name(Some(&b.facility_id), &req.lang)?,
                "service": service.map_or(b.service_id.clone(), |s| s.names.get(&req.lang).to_owned()),
            }));
        }
        if bookings.is_empty() {
            return Ok(ActionOutcome::code("none"));
        }
        Ok(outcome("ok", json!({ "bookings": bookings })))
    }
}
