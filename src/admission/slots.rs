//! Weekly slot templates: which sessions each facility runs on which weekdays, turned into
//! concrete slots for a range of days. `hotline slots generate` and the demo data use it.
//!
//! A template file (TOML) holds one `[[rule]]` per facility and set of services:
//!
//! ```toml
//! [[rule]]
//! facility = "ir-thr-1"
//! services = ["gp", "dental"]
//! days = ["sat", "sun", "mon", "tue", "wed", "thu"]
//! [[rule.session]]
//! name = "morning"
//! start = "08:00"
//! end = "12:00"
//! every_minutes = 30
//! capacity = 4
//! ```

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use serde::Deserialize;

use crate::store::model::NewSlot;

/// A weekly template.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WeeklyTemplate {
    /// The rules, each for one facility.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// One facility's week for some of its services.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Facility id.
    pub facility: String,
    /// Service ids the sessions are for (each gets its own slots).
    pub services: Vec<String>,
    /// Weekdays (`mon` … `sun`); empty means every day.
    #[serde(default)]
    pub days: Vec<String>,
    /// The daily sessions.
    #[serde(rename = "session")]
    pub sessions: Vec<Session>,
}

/// A daily session: slots every `every_minutes` from `start` until before `end`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Session name (`morning`, `afternoon`): queue numbers count within it.
    pub name: String,
    /// First slot, `HH:MM`.
    pub start: String,
    /// End of the session, `HH:MM` (no slot starts at or after it).
    pub end: String,
    /// Minutes between slot starts.
    pub every_minutes: u32,
    /// Seats per slot.
    pub capacity: u32,
}

/// A template that cannot be used, naming the rule and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The file is not valid TOML for the template schema.
    #[error("{0}")]
    Parse(String),
    /// A weekday name is not `mon` … `sun`.
    #[error("rule {rule}: {day:?} is not a weekday (use mon, tue, wed, thu, fri, sat, sun)")]
    BadWeekday {
        /// 1-based rule number.
        rule: usize,
        /// The offending text.
        day: String,
    },
    /// A time is not `HH:MM`, the session is empty, or the step is zero.
    #[error("rule {rule}, session {session:?}: {problem}")]
    BadSession {
        /// 1-based rule number.
        rule: usize,
        /// The session's name.
        session: String,
        /// What is wrong.
        problem: &'static str,
    },
}

impl WeeklyTemplate {
    /// Parses a template file's text.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        toml::from_str(text).map_err(|err| TemplateError::Parse(err.to_string()))
    }

    /// The slots for `days` days from `from`, in date order.
    pub fn generate(&self, from: NaiveDate, days: u32) -> Result<Vec<NewSlot>, TemplateError> {
        let mut out = Vec::new();
        for (index, rule) in self.rules.iter().enumerate() {
            let weekdays = weekdays(index + 1, &rule.days)?;
            let sessions = rule
                .sessions
                .iter()
                .map(|s| times(index + 1, s).map(|t| (s, t)))
                .collect::<Result<Vec<_>, _>>()?;
            for offset in 0..days {
                let Some(date) = from.checked_add_days(Days::new(u64::from(offset))) else {
                    break;
                };
                if !weekdays.is_empty() && !weekdays.contains(&date.weekday()) {
                    continue;
                }
                for service in &rule.services {
                    for (session, starts) in &sessions {
                        push_session(&mut out, rule, service, date, session, starts);
                    }
                }
            }
        }
        out.sort_by(|a, b| (a.date, &a.time).cmp(&(b.date, &b.time)));
        Ok(out)
    }
}

fn push_session(
    out: &mut Vec<NewSlot>,
    rule: &Rule,
    service: &str,
    date: NaiveDate,
    session: &Session,
    starts: &[String],
) {
    for (i, time) in starts.iter().enumerate() {
        let earlier = u32::try_from(i).unwrap_or(u32::MAX);
        out.push(NewSlot {
            facility_id: rule.facility.clone(),
            service_id: service.to_owned(),
            date,
            time: time.clone(),
            session: session.name.clone(),
            capacity: session.capacity,
            queue_base: earlier.saturating_mul(session.capacity),
        });
    }
}

fn weekdays(rule: usize, names: &[String]) -> Result<Vec<Weekday>, TemplateError> {
    names
        .iter()
        .map(|name| {
            name.parse::<Weekday>()
                .map_err(|_| TemplateError::BadWeekday {
                    rule,
                    day: name.clone(),
                })
        })
        .collect()
}

/// Start times of a session's slots, `HH:MM`.
fn times(rule: usize, session: &Session) -> Result<Vec<String>, TemplateError> {
    let bad = |problem| TemplateError::BadSession {
        rule,
        session: session.name.clone(),
        problem,
    };
    let parse = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad("times are HH:MM"));
    let (start, end) = (parse(&session.start)?, parse(&session.end)?);
    if session.every_minutes == 0 || session.every_minutes > 24 * 60 {
        return Err(bad("every_minutes must be 1..=1440"));
    }
    if start >= end {
        return Err(bad("start must be before end"));
    }
    let step = chrono::Duration::minutes(i64::from(session.every_minutes));
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        out.push(at.format("%H:%M").to_string());
        let (next, wrapped) = at.overflowing_add_signed(step);
        if wrapped != 0 || next <= at {
            break;
        }
        at = next;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[[rule]]
facility = "f1"
services = ["gp"]
days = ["mon", "wed"]
[[rule.session]]
name = "morning"
start = "08:00"
end = "09:30"
every_minutes = 30
capacity = 4
"#;

    #[test]
    fn a_week_from_a_template_has_queue_bases_per_session() {
        let template = WeeklyTemplate::parse(TEXT).expect("valid template");
        let monday = NaiveDate::from_ymd_opt(2030, 1, 7).expect("valid date");
        let slots = template.generate(monday, 7).expect("valid template");
        assert_eq!(slots.len(), 6, "mon and wed, three slots each");
        let times: Vec<_> = slots.iter().take(3).map(|s| s.time.as_str()).collect();
        assert_eq!(times, ["08:00", "08:30", "09:00"]);
        let bases: Vec<_> = slots.iter().take(3).map(|s| s.queue_base).collect();
        assert_eq!(bases, [0, 4, 8]);
    }

    #[test]
    fn a_bad_weekday_names_the_rule() {
        let text = TEXT.replace("\"wed\"", "\"wen\"");
        let template = WeeklyTemplate::parse(&text).expect("valid TOML");
        let err = template
            .generate(NaiveDate::MIN, 7)
            .expect_err("wen is no weekday");
        assert!(err.to_string().contains("rule 1"), "{err}");
    }
}
