//! The admission services over an [`AdmissionStore`]: eligibility, suggestions, booking
//! and changes, with the rules of `eligibility` applied before the store's own
//! transactional checks (capacity, one booking per person, service and day).

use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, Utc};

use super::eligibility::{assess, Verdict};
use super::national_id::{self, NationalId, Profile};
use crate::store::api::{BookRequest, BookResult};
use crate::store::model::{FacilityLoad, Person, Service, Sex, Slot};
use crate::store::{AdmissionStore, StoreError};
use crate::sync::eligibility::{RemoteAnswer, RemoteLookup};

/// How the admission services are set up for one line.
#[derive(Debug, Clone)]
pub struct AdmissionConfig {
    /// Country profile caller IDs are validated with.
    pub profile: Profile,
    /// The line's local time, as minutes east of UTC (Tehran: 210, Jakarta: 420).
    pub utc_offset_minutes: i32,
    /// Days ahead that can be booked and that suggestions weigh (today included).
    pub window_days: u32,
    /// Hours until a complaint or callback is due.
    pub ticket_due_hours: u32,
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        Self {
            profile: Profile::Ir,
            utc_offset_minutes: 0,
            window_days: 14,
            ticket_due_hours: 24,
        }
    }
}

/// The result of an eligibility check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Covered and entitled; the roster record.
    Eligible(Box<Person>),
    /// The ID fails the profile's validator.
    InvalidId {
        /// The validator's reason code.
        reason: String,
    },
    /// A valid ID that is not on the roster.
    UnknownId,
    /// Not covered on the visit date.
    Lapsed {
        /// Last paid day, if any.
        paid_through: Option<NaiveDate>,
    },
    /// The service's age or sex rule excludes the person, or the service is unknown.
    NotEntitled {
        /// The service asked for.
        service: String,
    },
    /// A referral is needed first.
    ReferralRequired {
        /// The service asked for.
        service: String,
    },
    /// A booking for that service is already held.
    AlreadyBooked {
        /// Its code.
        code: String,
    },
    /// Not on the local roster, and the remote gave no answer while the down policy is
    /// `refuse`: the caller is asked to try again later, not told they are unknown.
    Unavailable,
}

/// A roster record as admission found it: on the local roster, from the remote, or not.
pub(crate) enum Found {
    Person(Person),
    Unknown,
    Unavailable,
}

/// The admission services.
#[derive(Clone)]
pub struct Admission {
    store: Arc<dyn AdmissionStore>,
    config: AdmissionConfig,
    remote: Option<Arc<dyn RemoteLookup>>,
}

impl std::fmt::Debug for Admission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admission")
            .field("config", &self.config)
            .field("remote", &self.remote.is_some())
            .finish_non_exhaustive()
    }
}

impl Admission {
    /// Services over `store`.
    pub fn new(store: Arc<dyn AdmissionStore>, config: AdmissionConfig) -> Self {
        Self {
            store,
            config,
            remote: None,
        }
    }

    /// True when IDs the local roster lacks are asked of a remote (a check may then wait).
    pub fn has_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// The same services, asking `remote` about valid IDs the local roster has no record
    /// for (the person, or a dependant's head of household). A remote record is judged by
    /// the local rules and is not written to the roster: the lookup's TTL cache already
    /// serves the booking that follows a check, and a stored copy would shadow the
    /// agency's later answers (only the roster pull replaces local records).
    pub fn with_remote(mut self, remote: Arc<dyn RemoteLookup>) -> Self {
        self.remote = Some(remote);
        self
    }

    /// The store.
    pub fn store(&self) -> &dyn AdmissionStore {
        self.store.as_ref()
    }

    /// The configuration.
    pub fn config(&self) -> &AdmissionConfig {
        &self.config
    }

    /// Local date and time of the line at `now`.
    pub fn local(&self, now: SystemTime) -> NaiveDateTime {
        let offset = FixedOffset::east_opt(self.config.utc_offset_minutes * 60)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid"));
        DateTime::<Utc>::from(now)
            .with_timezone(&offset)
            .naive_local()
    }

    /// The last day of the booking window that starts `today`.
    pub fn window_end(&self, today: NaiveDate) -> NaiveDate {
        let span = u64::from(self.config.window_days.max(1) - 1);
        today.checked_add_days(Days::new(span)).unwrap_or(today)
    }

    /// The normalised national ID when `input` passes the line's profile.
    pub fn normalise(&self, input: &str, today: NaiveDate) -> Option<String> {
        self.parse_id(input, today).map(|id| id.as_str().to_owned())
    }

    /// `input` validated by the line's profile.
    pub fn parse_id(&self, input: &str, today: NaiveDate) -> Option<NationalId> {
        self.config.profile.parse(input, today).ok()
    }

    /// Checks an ID as keyed by a caller: validity, roster, coverage on `day`, and, for a
    /// service, entitlement and bookings already held (on `day`, or in the window when
    /// no day was asked).
    pub fn check(
        &self,
        input: &str,
        service: Option<&str>,
        day: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Check, StoreError> {
        let national_id = match self.config.profile.parse(input, today) {
            Ok(id) => id,
            Err(invalid) => {
                return Ok(Check::InvalidId {
                    reason: invalid.code().to_owned(),
                })
            }
        };
        let person = match self.record(&national_id)? {
            Found::Person(person) => person,
            Found::Unknown => return Ok(Check::UnknownId),
            Found::Unavailable => return Ok(Check::Unavailable),
        };
        let visit = day.unwrap_or(today);
        let service = match service {
            Some(id) => match self.store.service(id)? {
                Some(service) => Some(service),
                None => return Ok(Check::NotEntitled { service: id.into() }),
            },
            None => None,
        };
        let Some(verdict) = self.judge(&person, service.as_ref(), visit)? else {
            return Ok(Check::Unavailable);
        };
        let Some(service) = service else {
            return Ok(verdict_check(verdict, person, ""));
        };
        if verdict == Verdict::Eligible {
            let (from, to) = day.map_or((today, self.window_end(today)), |d| (d, d));
            if let Some(code) =
                self.store
                    .held_booking(national_id.as_str(), &service.id, from, to)?
            {
                return Ok(Check::AlreadyBooked { code });
            }
        }
        Ok(verdict_check(verdict, person, &service.id))
    }

    /// The rules' verdict for a roster record, fetching the head of household if needed.
    /// A head the remote cannot answer for counts as missing (not covered); [`Self::check`]
    /// reports that case as [`Check::Unavailable`] instead.
    pub fn verdict(
        &self,
        person: &Person,
        service: Option<&Service>,
        day: NaiveDate,
    ) -> Result<Verdict, StoreError> {
        Ok(self
            .judge(person, service, day)?
            .unwrap_or(Verdict::Lapsed { paid_through: None }))
    }

    /// The verdict, or `None` when the head of household's record is unavailable.
    pub(crate) fn judge(
        &self,
        person: &Person,
        service: Option<&Service>,
        day: NaiveDate,
    ) -> Result<Option<Verdict>, StoreError> {
        let head = match &person.head_id {
            Some(head_id) if *head_id != person.national_id => {
                match self.record_of(head_id, day)? {
                    Found::Person(head) => Some(head),
                    Found::Unknown => None,
                    Found::Unavailable => return Ok(None),
                }
            }
            _ => None,
        };
        Ok(Some(assess(person, head.as_ref(), service, day)))
    }

    /// The record for a normalised ID (a head of household's, a booking's holder); an ID
    /// the profile refuses can only be on the local roster.
    pub(crate) fn record_of(&self, id: &str, day: NaiveDate) -> Result<Found, StoreError> {
        if let Some(person) = self.store.person(id)? {
            return Ok(Found::Person(person));
        }
        match self.config.profile.parse(id, day) {
            Ok(id) => Ok(self.remote_record(&id)),
            Err(_) => Ok(Found::Unknown),
        }
    }

    /// The local record, else the remote's answer (when one is configured) mapped to what
    /// admission does with it. Without an answer, `use_local` has no local record to use,
    /// so the ID is unknown; `refuse` makes it unavailable.
    fn record(&self, id: &NationalId) -> Result<Found, StoreError> {
        if let Some(person) = self.store.person(id.as_str())? {
            return Ok(Found::Person(person));
        }
        Ok(self.remote_record(id))
    }

    /// What the remote says about an ID the local roster does not hold (`Unknown` when no
    /// remote is configured).
    fn remote_record(&self, id: &NationalId) -> Found {
        let Some(remote) = &self.remote else {
            return Found::Unknown;
        };
        match remote.lookup(id) {
            RemoteAnswer::Found { record, .. } if record.national_id.expose() == id.as_str() => {
                let mut person = record.to_person();
                person.birth_date = person.birth_date.or(id.birth_date());
                person.sex = person.sex.or(id.sex().map(|sex| match sex {
                    national_id::Sex::Male => Sex::M,
                    national_id::Sex::Female => Sex::F,
                }));
                Found::Person(person)
            }
            RemoteAnswer::Found { .. } => {
                tracing::warn!(%id, "remote lookup answered for another ID; ignored");
                Found::Unavailable
            }
            RemoteAnswer::NotFound { .. } | RemoteAnswer::UseLocal { .. } => Found::Unknown,
            RemoteAnswer::Unavailable { .. } => Found::Unavailable,
        }
    }

    /// The person's roster record when covered on `day` (for actions after a check).
    pub fn eligible_person(
        &self,
        input: &str,
        day: NaiveDate,
        today: NaiveDate,
    ) -> Result<Option<Person>, StoreError> {
        match self.check(input, None, Some(day), today)? {
            Check::Eligible(person) => Ok(Some(*person)),
            _ => Ok(None),
        }
    }

    /// Services the person may book on `today` (entitled by age and sex; referral
    /// services only with a referral on file).
    pub fn services_for(
        &self,
        person: &Person,
        today: NaiveDate,
    ) -> Result<Vec<Service>, StoreError> {
        let mut out = Vec::new();
        for service in self.store.services()? {
            if self.verdict(person, Some(&service), today)? == Verdict::Eligible {
                out.push(service);
            }
        }
        Ok(out)
    }

    /// Facilities for a service: the person's primary-care facility first (alone, for a
    /// primary-care-only service), then the region's others, least loaded first.
    pub fn facilities_for(
        &self,
        person: &Person,
        service: &Service,
        today: NaiveDate,
    ) -> Result<Vec<FacilityLoad>, StoreError> {
        let end = self.window_end(today);
        let mut region =
            self.store
                .facilities_in_region(&person.region, &service.id, today, end)?;
        region.sort_by(|a, b| load_order(a, b).then_with(|| a.facility.id.cmp(&b.facility.id)));
        let primary_id = person.primary_facility.as_deref();
        let mut out = Vec::new();
        if let Some(primary) = primary_id {
            if let Some(pos) = region.iter().position(|f| f.facility.id == primary) {
                out.push(region.remove(pos));
            } else if let Some(facility) = self.store.facility(primary)? {
                if facility.services.contains(&service.id) {
                    let loads = self.store.facilities_in_region(
                        &facility.region,
                        &service.id,
                        today,
                        end,
                    )?;
                    out.extend(loads.into_iter().filter(|f| f.facility.id == primary));
                }
            }
        }
        if !service.primary_care_only {
            out.extend(region);
        }
        Ok(out)
    }

    /// Bookable slots with free seats from `from` for `days` days, none in the past.
    pub fn open_slots(
        &self,
        facility: &str,
        service: &str,
        from: NaiveDate,
        days: u32,
        now: NaiveDateTime,
    ) -> Result<Vec<Slot>, StoreError> {
        let from = from.max(now.date());
        let span = u64::from(days.clamp(1, self.config.window_days.max(1)) - 1);
        let to = from.checked_add_days(Days::new(span)).unwrap_or(from);
        let slots = self.store.slots(facility, service, from, to)?;
        Ok(slots
            .into_iter()
            .filter(|s| s.booked < s.capacity && !started(s, now))
            .collect())
    }

    /// Books after checking the person and the slot; `Err(reason)` outcomes are
    /// `not_eligible {reason}` for the menu.
    pub fn book(
        &self,
        key: &str,
        input: &str,
        service: &str,
        slot_id: i64,
        now: SystemTime,
    ) -> Result<Result<BookResult, String>, StoreError> {
        let request = |national_id: String| BookRequest {
            key: key.into(),
            national_id,
            service_id: service.into(),
            slot_id,
            now_ms: millis(now),
        };
        let local = self.local(now);
        let today = local.date();
        if self.store.settled(key)? {
            let id = self.normalise(input, today).unwrap_or_default();
            return self.store.book(request(id)).map(Ok);
        }
        let Some(slot) = self.store.slot(slot_id)? else {
            return Ok(Err("unknown_slot".into()));
        };
        if started(&slot, local) || slot.date > self.window_end(today) {
            return Ok(Err("outside_window".into()));
        }
        let person = match self.check(input, Some(service), Some(slot.date), today)? {
            Check::Eligible(person) => person,
            Check::AlreadyBooked { code } => return Ok(Ok(BookResult::AlreadyBooked { code })),
            other => return Ok(Err(check_reason(&other).into())),
        };
        let needs_primary = self
            .store
            .service(service)?
            .is_some_and(|s| s.primary_care_only);
        if needs_primary && person.primary_facility.as_deref() != Some(slot.facility_id.as_str()) {
            return Ok(Err("primary_facility_only".into()));
        }
        self.store.book(request(person.national_id)).map(Ok)
    }
}

fn load_order(a: &FacilityLoad, b: &FacilityLoad) -> std::cmp::Ordering {
    // booked/capacity compared without division; no capacity sorts last.
    let key = |f: &FacilityLoad| (f.capacity == 0, u64::from(f.booked), u64::from(f.capacity));
    let ((az, ab, ac), (bz, bb, bc)) = (key(a), key(b));
    az.cmp(&bz).then_with(|| (ab * bc).cmp(&(bb * ac)))
}

pub(crate) fn started(slot: &Slot, now: NaiveDateTime) -> bool {
    let today = now.date();
    slot.date < today
        || (slot.date == today && slot.time.as_str() <= now.format("%H:%M").to_string().as_str())
}

/// Milliseconds since the epoch (0 before it).
pub fn millis(now: SystemTime) -> i64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The outcome code of a check that is not `eligible`.
pub fn check_reason(check: &Check) -> &'static str {
    match check {
        Check::Eligible(_) => "eligible",
        Check::InvalidId { .. } => "invalid_id",
        Check::UnknownId => "unknown_id",
        Check::Lapsed { .. } => "lapsed",
        Check::NotEntitled { .. } => "not_entitled",
        Check::ReferralRequired { .. } => "referral_required",
        Check::AlreadyBooked { .. } => "already_booked",
        Check::Unavailable => "unavailable",
    }
}

pub(crate) fn verdict_check(verdict: Verdict, person: Person, service: &str) -> Check {
    match verdict {
        Verdict::Eligible => Check::Eligible(Box::new(person)),
        Verdict::Lapsed { paid_through } => Check::Lapsed { paid_through },
        Verdict::NotEntitled => Check::NotEntitled {
            service: service.into(),
        },
        Verdict::ReferralRequired => Check::ReferralRequired {
            service: service.into(),
        },
    }
}
