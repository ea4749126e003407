//! The [`AdmissionStore`] trait: everything `admission` asks of a store, so that a second
//! backend (PostgreSQL) can be added without touching the rules. Every write carries an
//! idempotency key: a repeated key returns the first result and changes nothing.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{Booking, Facility, FacilityLoad, NewSlot, Person, Service, Slot};
use super::StoreError;

/// Book one seat.
#[derive(Debug, Clone)]
pub struct BookRequest {
    /// Idempotency key (action, session and step).
    pub key: String,
    /// Normalised national ID of the person.
    pub national_id: String,
    /// Service asked for; must match the slot's.
    pub service_id: String,
    /// The slot.
    pub slot_id: i64,
    /// Request time, ms since the epoch.
    pub now_ms: i64,
}

/// What a booking attempt came to. Decided inside the write transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BookResult {
    /// A seat is held.
    Booked(Booking),
    /// No seat left.
    Full,
    /// The person already holds a booking for this service on that day.
    AlreadyBooked {
        /// That booking's code.
        code: String,
    },
    /// No such slot.
    UnknownSlot,
    /// The slot is for another service.
    WrongService,
}

/// Cancel or reschedule an active booking, found by its code and the person's ID.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    /// Idempotency key.
    pub key: String,
    /// The person the booking must belong to.
    pub national_id: String,
    /// The booking's code.
    pub code: String,
    /// For a reschedule, the new slot; `None` cancels.
    pub new_slot: Option<i64>,
    /// Request time, ms since the epoch.
    pub now_ms: i64,
}

/// What a cancel or reschedule came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeResult {
    /// Cancelled; the seat is free.
    Cancelled(Booking),
    /// Moved to the new slot; the code stays.
    Rescheduled(Booking),
    /// No active booking with that code for that person.
    NotFound,
    /// The new slot has no seat left.
    Full,
    /// The person already holds another booking for that service on the new day.
    AlreadyBooked {
        /// That booking's code.
        code: String,
    },
    /// The new slot does not exist or is for another service.
    UnknownSlot,
}

/// Record whether the person came.
#[derive(Debug, Clone)]
pub struct AttendanceRequest {
    /// Idempotency key.
    pub key: String,
    /// The active booking's code.
    pub code: String,
    /// `true`: attended; `false`: no-show.
    pub attended: bool,
    /// Request time, ms since the epoch.
    pub now_ms: i64,
}

/// A work order's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketKind {
    /// A complaint to be answered.
    Complaint,
    /// A request to be called back.
    Callback,
}

/// Open a work order (complaint or callback) with a due time.
#[derive(Debug, Clone)]
pub struct TicketRequest {
    /// Idempotency key.
    pub key: String,
    /// Complaint or callback.
    pub kind: TicketKind,
    /// Category or topic chosen in the menu.
    pub topic: String,
    /// The person, when known.
    pub national_id: Option<String>,
    /// The caller's number, to call back.
    pub msisdn: String,
    /// Free text, when the channel gave any.
    pub text: Option<String>,
    /// Request time, ms since the epoch.
    pub now_ms: i64,
    /// When the answer is due, ms since the epoch.
    pub due_ms: i64,
}

/// An opened work order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// Number to read out to the caller.
    pub number: String,
    /// Due time, ms since the epoch.
    pub due_ms: i64,
}

/// One survey answer.
#[derive(Debug, Clone)]
pub struct SurveyRequest {
    /// Idempotency key.
    pub key: String,
    /// Question id.
    pub question: String,
    /// The answer as keyed.
    pub answer: String,
    /// The person, when known.
    pub national_id: Option<String>,
    /// The booking the survey is about, when known.
    pub booking_code: Option<String>,
    /// The caller's number.
    pub msisdn: String,
    /// Request time, ms since the epoch.
    pub now_ms: i64,
}

/// One piece of a roster import, sent in order; nothing is kept without a final `Commit`.
#[derive(Debug)]
pub enum RosterBatch {
    /// Validated rows to insert or replace (by national ID).
    Rows(Vec<Person>),
    /// Keep everything sent so far.
    Commit,
    /// Keep nothing.
    Abort,
}

/// How a roster import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// All rows are stored.
    Committed {
        /// Rows written.
        rows: u64,
    },
    /// Nothing was stored.
    RolledBack,
}

/// The store as the admission services use it. Reads see committed data; writes are
/// serialised and each is all-or-nothing.
pub trait AdmissionStore: Send + Sync {
    /// The roster record for a normalised national ID.
    fn person(&self, national_id: &str) -> Result<Option<Person>, StoreError>;
    /// One service.
    fn service(&self, id: &str) -> Result<Option<Service>, StoreError>;
    /// Every service, by id.
    fn services(&self) -> Result<Vec<Service>, StoreError>;
    /// One facility.
    fn facility(&self, id: &str) -> Result<Option<Facility>, StoreError>;
    /// Facilities of a region that offer a service, with their load in `[from, to]`.
    fn facilities_in_region(
        &self,
        region: &str,
        service: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<FacilityLoad>, StoreError>;
    /// One slot.
    fn slot(&self, id: i64) -> Result<Option<Slot>, StoreError>;
    /// Slots of a facility for a service in `[from, to]`, by date and time.
    fn slots(
        &self,
        facility: &str,
        service: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Slot>, StoreError>;
    /// A person's bookings that hold a seat on or after `from`, by date.
    fn bookings_of(&self, national_id: &str, from: NaiveDate) -> Result<Vec<Booking>, StoreError>;
    /// The code of a seat-holding booking for (person, service) in `[from, to]`.
    fn held_booking(
        &self,
        national_id: &str,
        service: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<String>, StoreError>;
    /// The language a caller chose last time.
    fn caller_language(&self, msisdn: &str) -> Result<Option<String>, StoreError>;
    /// One value of the store's `meta` table (demo-loaded marker, tool state).
    fn meta(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Whether a write with this idempotency key has already been committed.
    fn settled(&self, key: &str) -> Result<bool, StoreError>;

    /// Books a seat (capacity and the duplicate rule are checked in the transaction).
    fn book(&self, request: BookRequest) -> Result<BookResult, StoreError>;
    /// Cancels or reschedules a booking.
    fn change(&self, request: ChangeRequest) -> Result<ChangeResult, StoreError>;
    /// Marks attendance or no-show; `None` when no active booking has that code.
    fn mark_attendance(&self, request: AttendanceRequest) -> Result<Option<Booking>, StoreError>;
    /// Opens a complaint or callback work order.
    fn open_ticket(&self, request: TicketRequest) -> Result<Ticket, StoreError>;
    /// Stores a survey answer.
    fn record_survey(&self, request: SurveyRequest) -> Result<(), StoreError>;
    /// Sets one `meta` value.
    fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Remembers the caller's language.
    fn set_caller_language(&self, msisdn: &str, lang: &str) -> Result<(), StoreError>;

    /// Inserts or replaces a service.
    fn put_service(&self, service: Service) -> Result<(), StoreError>;
    /// Inserts or replaces a facility and its service list.
    fn put_facility(&self, facility: Facility) -> Result<(), StoreError>;
    /// Creates slots; ones that exist already (same facility, service, day, time) are
    /// kept as they are. Returns how many were new.
    fn put_slots(&self, slots: Vec<NewSlot>) -> Result<u64, StoreError>;
    /// Imports roster rows in one transaction, consuming `batches` until `Commit` or `Abort`
    /// (an exhausted iterator without `Commit` rolls back).
    fn import_roster(
        &self,
        batches: Box<dyn Iterator<Item = RosterBatch> + Send>,
    ) -> Result<ImportOutcome, StoreError>;
}
