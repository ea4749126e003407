//! The records the store keeps and hands back: roster people, services, facilities, slots
//! and bookings. Plain data; the rules that judge them live in `admission`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Sex as the roster records it; services may be restricted to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    /// Female (`F`).
    F,
    /// Male (`M`).
    M,
}

impl Sex {
    /// The roster letter.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::F => "F",
            Sex::M => "M",
        }
    }

    /// Parses `F`/`M` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "F" | "f" => Some(Sex::F),
            "M" | "m" => Some(Sex::M),
            _ => None,
        }
    }
}

/// A contributor's coverage status as the agency reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Coverage {
    /// Contributions are current (up to `paid_through`).
    Active,
    /// Coverage suspended by the agency.
    Suspended,
    /// Coverage ended.
    Ended,
}

impl Coverage {
    /// The roster word.
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Active => "active",
            Coverage::Suspended => "suspended",
            Coverage::Ended => "ended",
        }
    }

    /// Parses `active`, `suspended` or `ended`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "active" => Some(Coverage::Active),
            "suspended" => Some(Coverage::Suspended),
            "ended" => Some(Coverage::Ended),
            _ => None,
        }
    }
}

/// One insured person on the roster. `national_id` is already validated and normalised.
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    /// Normalised national ID.
    pub national_id: String,
    /// Name as the agency spells it.
    pub name: String,
    /// Date of birth; `None` when the agency did not send one (a remote record may omit
    /// it), so a service with an age rule does not admit the person.
    pub birth_date: Option<NaiveDate>,
    /// Recorded sex; `None` when unknown, so a service for one sex does not admit them.
    pub sex: Option<Sex>,
    /// Own coverage status (a dependant's own status is ignored: the head's counts).
    pub coverage: Coverage,
    /// Last day contributions cover; `None` means open-ended.
    pub paid_through: Option<NaiveDate>,
    /// The head of household whose coverage this dependant shares.
    pub head_id: Option<String>,
    /// Region code, for facility suggestion.
    pub region: String,
    /// The person's registered primary-care facility.
    pub primary_facility: Option<String>,
    /// Services this person holds a referral for.
    pub referrals: Vec<String>,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("national_id", &"***")
            .field("coverage", &self.coverage)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// Names in several languages with a fallback: the asked language, then `en`, then any.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Names(pub BTreeMap<String, String>);

impl Names {
    /// The name in `lang`, else English, else the first one stored, else `""`.
    pub fn get(&self, lang: &str) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.get("en"))
            .or_else(|| self.0.values().next())
            .map_or("", String::as_str)
    }

    /// Builds names from `(lang, name)` pairs.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(l, n)| ((*l).to_owned(), (*n).to_owned()))
                .collect(),
        )
    }
}

/// A service a facility can offer, with the entitlement rules that guard it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Stable id (`gp`, `dental`, …) that menus and slots use.
    pub id: String,
    /// Translated names.
    pub names: Names,
    /// Youngest age (years, on the visit date) entitled, inclusive.
    pub min_age: Option<u32>,
    /// Oldest age entitled, inclusive.
    pub max_age: Option<u32>,
    /// Only this sex is entitled.
    pub sex: Option<Sex>,
    /// A referral for this service must be on file.
    pub referral_required: bool,
    /// May only be booked at the person's own primary-care facility.
    pub primary_care_only: bool,
}

/// A health facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facility {
    /// Stable id.
    pub id: String,
    /// Translated names.
    pub names: Names,
    /// Region code.
    pub region: String,
    /// Ids of the services offered.
    pub services: Vec<String>,
}

/// A facility with its free seats for one service over a window, for suggestions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilityLoad {
    /// The facility.
    pub facility: Facility,
    /// Seats offered in the window.
    pub capacity: u32,
    /// Seats already held in the window.
    pub booked: u32,
}

/// A bookable slot: one service at one facility at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// Store id, quoted by menus.
    pub id: i64,
    /// Facility id.
    pub facility_id: String,
    /// Service id.
    pub service_id: String,
    /// Day of the visit.
    pub date: NaiveDate,
    /// Start time, `HH:MM`.
    pub time: String,
    /// Daily session name (`morning`, `afternoon`, …).
    pub session: String,
    /// Seats.
    pub capacity: u32,
    /// Seats held.
    pub booked: u32,
}

/// A slot to create (by the weekly template or demo data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSlot {
    /// Facility id.
    pub facility_id: String,
    /// Service id.
    pub service_id: String,
    /// Day.
    pub date: NaiveDate,
    /// Start time, `HH:MM`.
    pub time: String,
    /// Session name.
    pub session: String,
    /// Seats.
    pub capacity: u32,
    /// Queue numbers in this slot start after this one (earlier slots of the session).
    pub queue_base: u32,
}

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookingStatus {
    /// Holds a seat.
    Active,
    /// Cancelled; the seat was freed.
    Cancelled,
    /// The person came.
    Attended,
    /// The person did not come.
    NoShow,
}

impl BookingStatus {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Active => "active",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Attended => "attended",
            BookingStatus::NoShow => "no_show",
        }
    }

    /// Parses the stored word.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(BookingStatus::Active),
            "cancelled" => Some(BookingStatus::Cancelled),
            "attended" => Some(BookingStatus::Attended),
            "no_show" => Some(BookingStatus::NoShow),
            _ => None,
        }
    }
}

/// A booking as the caller and the agency see it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// 6-digit confirmation code, unique among active bookings.
    pub code: String,
    /// Whose booking.
    pub national_id: String,
    /// Service id.
    pub service_id: String,
    /// Facility id.
    pub facility_id: String,
    /// Slot id.
    pub slot_id: i64,
    /// Visit day.
    pub date: NaiveDate,
    /// Visit time, `HH:MM`.
    pub time: String,
    /// Queue number within the session.
    pub queue: u32,
    /// Where it stands.
    pub status: BookingStatus,
}

impl std::fmt::Debug for Booking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Booking")
            .field("code", &self.code)
            .field("national_id", &"***")
            .field("slot_id", &self.slot_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
