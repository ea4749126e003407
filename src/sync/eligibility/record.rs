//! What the agency's system answers about one insured person: a roster record, in the same
//! terms as the local roster so the admission rules can judge either.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::pii::Masked;
use crate::store::model::{Coverage, Person, Sex};

/// Coverage as the agency records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// Contributions are paid (up to `paid_through`, when given).
    Active,
    /// Contributions lapsed; `paid_through` says when.
    Lapsed,
    /// Coverage suspended by the agency (fraud check, pending transfer…).
    Suspended,
}

/// Sex as the roster records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterSex {
    /// Male.
    Male,
    /// Female.
    Female,
}

/// One remote roster record. Personal fields are [`Masked`] so the record can be logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteRecord {
    /// The person's national ID, normalised as the profile prints it.
    pub national_id: Masked<String>,
    /// Full name, for the operator and the confirmation message.
    #[serde(default)]
    pub name: Option<Masked<String>>,
    /// Date of birth.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    /// Sex.
    #[serde(default)]
    pub sex: Option<RosterSex>,
    /// Coverage status.
    pub coverage: CoverageStatus,
    /// Last day contributions cover, inclusive.
    #[serde(default)]
    pub paid_through: Option<NaiveDate>,
    /// The head of household through whom a dependant is covered; `None` for heads.
    #[serde(default)]
    pub head_of_household_id: Option<Masked<String>>,
    /// Region code, as the agency spells it.
    #[serde(default)]
    pub region: Option<String>,
    /// The person's registered primary-care facility (its agency code).
    #[serde(default)]
    pub primary_care_facility: Option<String>,
}

impl fmt::Debug for RemoteRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteRecord")
            .field("national_id", &self.national_id)
            .field("coverage", &self.coverage)
            .field("paid_through", &self.paid_through)
            .field("region", &self.region)
            .field("primary_care_facility", &self.primary_care_facility)
            .finish_non_exhaustive()
    }
}

impl RemoteRecord {
    /// The record in the store's terms, so the local rules judge it like a roster row.
    /// `lapsed` becomes `ended` (not covered, with `paid_through` kept for the caller);
    /// a missing name or region is empty, a missing birth date or sex unknown. Referrals
    /// are not part of the contract, so there are none.
    pub fn to_person(&self) -> Person {
        Person {
            national_id: self.national_id.expose().clone(),
            name: self
                .name
                .as_ref()
                .map_or_else(String::new, |n| n.expose().clone()),
            birth_date: self.birth_date,
            sex: self.sex.map(|sex| match sex {
                RosterSex::Male => Sex::M,
                RosterSex::Female => Sex::F,
            }),
            coverage: match self.coverage {
                CoverageStatus::Active => Coverage::Active,
                CoverageStatus::Lapsed => Coverage::Ended,
                CoverageStatus::Suspended => Coverage::Suspended,
            },
            paid_through: self.paid_through,
            head_id: self
                .head_of_household_id
                .as_ref()
                .map(|h| h.expose().clone()),
            region: self.region.clone().unwrap_or_default(),
            primary_facility: self.primary_care_facility.clone(),
            referrals: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparse_record_becomes_a_person_with_unknowns() {
        let record: RemoteRecord = serde_json::from_str(
            r#"{"national_id":"0499370899","coverage":"lapsed","paid_through":"2026-10-31"}"#,
        )
        .expect("a valid record");
        let person = record.to_person();
        assert_eq!(person.national_id, "0499370899");
        assert_eq!(person.coverage, Coverage::Ended);
        assert_eq!(person.paid_through, NaiveDate::from_ymd_opt(2026, 10, 31));
        assert_eq!((person.birth_date, person.sex), (None, None));
        assert!(person.name.is_empty() && person.region.is_empty());
    }
}
