//! Checking a caller's answer against an `input` node's type, and the value it stores.

use chrono::NaiveDate;
use serde_json::Value;

use super::program::InputType;
use crate::admission::national_id::{normalise, Profile};

/// The value to store when `answer` is valid for `ty`, else `None`. `today` bounds the
/// birth dates some national IDs carry.
pub fn parse(ty: &InputType, answer: &str, today: NaiveDate) -> Option<Value> {
    let answer = answer.trim();
    match ty {
        InputType::Digits { min, max } => {
            let digits = normalise(answer, false);
            let n = digits.chars().count();
            let ok = digits.chars().all(|c| c.is_ascii_digit())
                && n >= usize::from(*min)
                && n <= usize::from(*max);
            ok.then_some(Value::String(digits))
        }
        InputType::NationalId { profile } => {
            let profile: Profile = profile.parse().ok()?;
            let id = profile.parse(answer, today).ok()?;
            Some(Value::String(id.as_str().to_owned()))
        }
        InputType::Date => {
            let digits = normalise(answer, false);
            NaiveDate::parse_from_str(&digits, "%d%m%Y")
                .or_else(|_| NaiveDate::parse_from_str(&digits, "%Y%m%d"))
                .ok()
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
        }
        InputType::Choice(values) => values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(answer) || **v == normalise(answer, false))
            .map(|v| Value::String(v.clone())),
        InputType::Regex(re) => re
            .is_match(answer)
            .then(|| Value::String(answer.to_owned())),
        InputType::Text { max } => (!answer.is_empty())
            .then(|| Value::String(answer.chars().take(usize::from(*max)).collect())),
    }
}

/// True when `answer` could be valid for `ty` (used to warn about navigation keys an
/// input would swallow). National IDs are never that short, so they are not checked.
pub fn accepts(ty: &InputType, answer: &str) -> bool {
    match ty {
        InputType::NationalId { .. } | InputType::Date => false,
        other => {
            let today = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
            parse(other, answer, today).is_some()
        }
    }
}
