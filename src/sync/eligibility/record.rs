//! What the agency's system answers about one insured person: a roster record, in the same
//! terms as the local roster so the admission rules can judge either.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::pii::Masked;

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
