//! Lookup queries, run on read-only connections. Row decoding that meets bad stored text
//! returns [`StoreError::Corrupt`] rather than panicking.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::store::model::{
    Booking, BookingStatus, Coverage, Facility, FacilityLoad, Names, Person, Service, Sex, Slot,
};
use crate::store::StoreError;

/// Parses a stored `YYYY-MM-DD`.
pub fn date(what: &'static str, text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| StoreError::corrupt(what, text))
}

/// Formats a date for storage.
pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn names(text: &str) -> Result<Names, StoreError> {
    serde_json::from_str(text).map_err(|_| StoreError::corrupt("names", text))
}

pub fn meta(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?;
    Ok(stmt.query_row([key], |row| row.get(0)).optional()?)
}

type PersonRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);
type PersonTail = (Option<String>, String, Option<String>, String);

pub fn person(conn: &Connection, national_id: &str) -> Result<Option<Person>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT national_id, name, birth_date, sex, coverage, paid_through, head_id, region,
                primary_facility, referrals FROM person WHERE national_id = ?1",
    )?;
    let row = stmt
        .query_row([national_id], |row| {
            let head: PersonRow = (
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
            );
            let tail: PersonTail = (row.get(6)?, row.get(7)?, row.get(8)?, row.get(9)?);
            Ok((head, tail))
        })
        .optional()?;
    row.map(|(head, tail)| person_from(head, tail)).transpose()
}

fn person_from(head: PersonRow, tail: PersonTail) -> Result<Person, StoreError> {
    let (national_id, name, birth, sex, coverage, paid) = head;
    let (head_id, region, primary_facility, referrals) = tail;
    Ok(Person {
        birth_date: birth.map(|b| date("person.birth_date", &b)).transpose()?,
        sex: sex
            .map(|s| Sex::parse(&s).ok_or_else(|| StoreError::corrupt("person.sex", s)))
            .transpose()?,
        coverage: Coverage::parse(&coverage)
            .ok_or_else(|| StoreError::corrupt("person.coverage", coverage))?,
        paid_through: paid.map(|p| date("person.paid_through", &p)).transpose()?,
        referrals: referrals
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        national_id,
        name,
        head_id,
        region,
        primary_facility,
    })
}

const SERVICE_COLUMNS: &str =
    "id, names, min_age, max_age, sex, referral_required, primary_care_only";

fn service_row(row: &Row<'_>) -> rusqlite::Result<(Service, String, Option<String>)> {
    Ok((
        Service {
            id: row.get(0)?,
            names: Names::default(),
            min_age: row.get(2)?,
            max_age: row.get(3)?,
            sex: None,
            referral_required: row.get(5)?,
            primary_care_only: row.get(6)?,
        },
        row.get(1)?,
        row.get(4)?,
    ))
}

fn service_from(
    (mut service, names_text, sex): (Service, String, Option<String>),
) -> Result<Service, StoreError> {
    service.names = names(&names_text)?;
    service.sex = match sex {
        Some(text) => {
            Some(Sex::parse(&text).ok_or_else(|| StoreError::corrupt("service.sex", text))?)
        }
        None => None,
    };
    Ok(service)
}

pub fn service(conn: &Connection, id: &str) -> Result<Option<Service>, StoreError> {
    let sql = format!("SELECT {SERVICE_COLUMNS} FROM service WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let row = stmt.query_row([id], service_row).optional()?;
    row.map(service_from).transpose()
}

pub fn services(conn: &Connection) -> Result<Vec<Service>, StoreError> {
    let sql = format!("SELECT {SERVICE_COLUMNS} FROM service ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], service_row)?;
    rows.map(|row| service_from(row?)).collect()
}

fn facility_services(conn: &Connection, id: &str) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT service_id FROM facility_service WHERE facility_id = ?1 ORDER BY service_id",
    )?;
    let rows = stmt.query_map([id], |row| row.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn facility(conn: &Connection, id: &str) -> Result<Option<Facility>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, names, region FROM facility WHERE id = ?1")?;
    let row: Option<(String, String, String)> = stmt
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let Some((id, names_text, region)) = row else {
        return Ok(None);
    };
    Ok(Some(Facility {
        services: facility_services(conn, &id)?,
        names: names(&names_text)?,
        id,
        region,
    }))
}

pub fn facilities_in_region(
    conn: &Connection,
    region: &str,
    service: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FacilityLoad>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, COALESCE(SUM(s.capacity), 0), COALESCE(SUM(s.booked), 0)
         FROM facility f
         JOIN facility_service fs ON fs.facility_id = f.id AND fs.service_id = ?2
         LEFT JOIN slot s ON s.facility_id = f.id AND s.service_id = ?2
                         AND s.date BETWEEN ?3 AND ?4
         WHERE f.region = ?1 GROUP BY f.id ORDER BY f.id",
    )?;
    let rows = stmt.query_map((region, service, date_text(from), date_text(to)), |row| {
        Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, capacity, booked) = row?;
        if let Some(facility) = facility(conn, &id)? {
            out.push(FacilityLoad {
                facility,
                capacity,
                booked,
            });
        }
    }
    Ok(out)
}

const SLOT_COLUMNS: &str =
    "id, facility_id, service_id, date, time, session, capacity, booked FROM slot";

fn slot_row(row: &Row<'_>) -> rusqlite::Result<(Slot, String)> {
    Ok((
        Slot {
            id: row.get(0)?,
            facility_id: row.get(1)?,
            service_id: row.get(2)?,
            date: NaiveDate::MIN,
            time: row.get(4)?,
            session: row.get(5)?,
            capacity: row.get(6)?,
            booked: row.get(7)?,
        },
        row.get(3)?,
    ))
}

fn slot_from((mut slot, date_text): (Slot, String)) -> Result<Slot, StoreError> {
    slot.date = date("slot.date", &date_text)?;
    Ok(slot)
}

pub fn slot(conn: &Connection, id: i64) -> Result<Option<Slot>, StoreError> {
    let sql = format!("SELECT {SLOT_COLUMNS} WHERE id = ?1");
    let mut stmt = conn.prepare_cached(&sql)?;
    let row = stmt.query_row([id], slot_row).optional()?;
    row.map(slot_from).transpose()
}

pub fn slots(
    conn: &Connection,
    facility: &str,
    service: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Slot>, StoreError> {
    let sql = format!(
        "SELECT {SLOT_COLUMNS} WHERE facility_id = ?1 AND service_id = ?2
         AND date BETWEEN ?3 AND ?4 ORDER BY date, time"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        (facility, service, date_text(from), date_text(to)),
        slot_row,
    )?;
    rows.map(|row| slot_from(row?)).collect()
}

/// Columns of [`booking_row`], joined with the slot.
pub const BOOKING_SELECT: &str = "SELECT b.code, b.national_id, b.service_id, s.facility_id,
    b.slot_id, b.date, s.time, b.queue, b.status FROM booking b JOIN slot s ON s.id = b.slot_id";

/// Decodes a row selected with [`BOOKING_SELECT`].
pub fn booking_row(row: &Row<'_>) -> rusqlite::Result<(Booking, String, String)> {
    Ok((
        Booking {
            code: row.get(0)?,
            national_id: row.get(1)?,
            service_id: row.get(2)?,
            facility_id: row.get(3)?,
            slot_id: row.get(4)?,
            date: NaiveDate::MIN,
            time: row.get(6)?,
            queue: row.get(7)?,
            status: BookingStatus::Active,
        },
        row.get(5)?,
        row.get(8)?,
    ))
}

/// Finishes decoding a [`booking_row`].
pub fn booking_from(
    (mut booking, date_text, status): (Booking, String, String),
) -> Result<Booking, StoreError> {
    booking.date = date("booking.date", &date_text)?;
    booking.status = BookingStatus::parse(&status)
        .ok_or_else(|| StoreError::corrupt("booking.status", status))?;
    Ok(booking)
}

pub fn bookings_of(
    conn: &Connection,
    national_id: &str,
    from: NaiveDate,
) -> Result<Vec<Booking>, StoreError> {
    let sql = format!(
        "{BOOKING_SELECT} WHERE b.national_id = ?1 AND b.date >= ?2 AND b.status = 'active'
         ORDER BY b.date, s.time"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map((national_id, date_text(from)), booking_row)?;
    rows.map(|row| booking_from(row?)).collect()
}

pub fn held_booking(
    conn: &Connection,
    national_id: &str,
    service: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT code FROM booking WHERE national_id = ?1 AND service_id = ?2
         AND date BETWEEN ?3 AND ?4 AND status IN ('active', 'attended') ORDER BY date LIMIT 1",
    )?;
    Ok(stmt
        .query_row(
            (national_id, service, date_text(from), date_text(to)),
            |row| row.get(0),
        )
        .optional()?)
}

pub fn caller_language(conn: &Connection, msisdn: &str) -> Result<Option<String>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT lang FROM caller WHERE msisdn = ?1")?;
    Ok(stmt.query_row([msisdn], |row| row.get(0)).optional()?)
}

pub fn settled(conn: &Connection, key: &str) -> Result<bool, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM idempotency WHERE key = ?1")?;
    Ok(stmt.exists([key])?)
}
