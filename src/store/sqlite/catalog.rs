//! Writes of reference data: services, facilities, slots and roster imports.

use rusqlite::Connection;

use super::reads::date_text;
use crate::store::api::RosterBatch;
use crate::store::model::{Facility, Names, NewSlot, Person, Service, Sex};
use crate::store::StoreError;

fn names_json(names: &Names) -> String {
    // A map of strings to strings always serialises.
    serde_json::to_string(names).unwrap_or_else(|_| "{}".to_owned())
}

pub fn put_service(conn: &Connection, service: &Service) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO service (id, names, min_age, max_age, sex, referral_required,
                                         primary_care_only) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((
        &service.id,
        names_json(&service.names),
        service.min_age,
        service.max_age,
        service.sex.map(|s| s.as_str()),
        service.referral_required,
        service.primary_care_only,
    ))?;
    Ok(())
}

pub fn put_facility(conn: &Connection, facility: &Facility) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO facility (id, names, region) VALUES (?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET names = excluded.names, region = excluded.region",
    )?
    .execute((&facility.id, names_json(&facility.names), &facility.region))?;
    conn.prepare_cached("DELETE FROM facility_service WHERE facility_id = ?1")?
        .execute([&facility.id])?;
    let mut add = conn
        .prepare_cached("INSERT INTO facility_service (facility_id, service_id) VALUES (?1, ?2)")?;
    for service in &facility.services {
        add.execute((&facility.id, service))?;
    }
    Ok(())
}

pub fn put_slots(conn: &Connection, slots: &[NewSlot]) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO slot (facility_id, service_id, date, time, session, capacity,
                                     queue_base) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut added = 0u64;
    for slot in slots {
        added += stmt.execute((
            &slot.facility_id,
            &slot.service_id,
            date_text(slot.date),
            &slot.time,
            &slot.session,
            slot.capacity,
            slot.queue_base,
        ))? as u64;
    }
    Ok(added)
}

fn put_person(stmt: &mut rusqlite::CachedStatement<'_>, p: &Person) -> Result<(), StoreError> {
    stmt.execute((
        &p.national_id,
        &p.name,
        p.birth_date.map(date_text),
        p.sex.map(Sex::as_str),
        p.coverage.as_str(),
        p.paid_through.map(date_text),
        &p.head_id,
        &p.region,
        &p.primary_facility,
        p.referrals.join(","),
    ))?;
    Ok(())
}

/// Consumes the batches inside the writer's savepoint; anything but `Commit` fails with
/// `ImportAborted` so that the savepoint rolls back.
pub fn import_roster(
    conn: &Connection,
    batches: impl Iterator<Item = RosterBatch>,
) -> Result<u64, StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO person (national_id, name, birth_date, sex, coverage,
             paid_through, head_id, region, primary_facility, referrals)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut rows = 0u64;
    for batch in batches {
        match batch {
            RosterBatch::Rows(people) => {
                for person in &people {
                    put_person(&mut stmt, person)?;
                }
                rows += people.len() as u64;
            }
            RosterBatch::Commit => return Ok(rows),
            RosterBatch::Abort => return Err(StoreError::ImportAborted),
        }
    }
    Err(StoreError::ImportAborted)
}

/// The `meta` key holding the roster puller's cursor.
pub const ROSTER_CURSOR_KEY: &str = "sync.roster_cursor";

/// Applies one pulled roster page inside the writer's savepoint: upserts `people` (their
/// referrals are kept, since the agency's records do not carry them), drops `removed`,
/// and stores `cursor`. A failure anywhere rolls the whole page back.
pub fn apply_roster_delta(
    conn: &Connection,
    people: &[Person],
    removed: &[String],
    cursor: &str,
) -> Result<(), StoreError> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO person (national_id, name, birth_date, sex, coverage, paid_through,
             head_id, region, primary_facility, referrals)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (national_id) DO UPDATE SET name = excluded.name,
             birth_date = excluded.birth_date, sex = excluded.sex,
             coverage = excluded.coverage, paid_through = excluded.paid_through,
             head_id = excluded.head_id, region = excluded.region,
             primary_facility = excluded.primary_facility",
    )?;
    for person in people {
        put_person(&mut upsert, person)?;
    }
    let mut remove = conn.prepare_cached("DELETE FROM person WHERE national_id = ?1")?;
    for id in removed {
        remove.execute([id])?;
    }
    conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute((ROSTER_CURSOR_KEY, cursor))?;
    Ok(())
}
