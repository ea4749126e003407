//! Booking rules at the store level, on a real SQLite file: capacity, the one-per-day
//! rule, queue numbers, cancel and reschedule, and idempotent retries.

use chrono::NaiveDate;
use hotline::store::api::{BookRequest, BookResult, ChangeRequest, ChangeResult};
use hotline::store::model::{Facility, Names, NewSlot, Service};
use hotline::store::{AdmissionStore, SqliteStore, StoreConfig};
use hotline::sync::outbox::Outbox;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, d).expect("valid test date")
}

fn store_with_slots(
    dir: &std::path::Path,
    capacity: u32,
) -> anyhow::Result<(SqliteStore, Vec<i64>)> {
    let store = SqliteStore::open(&StoreConfig::new(dir))?;
    store.put_service(Service {
        id: "gp".into(),
        names: Names::from_pairs(&[("en", "General practice")]),
        min_age: None,
        max_age: None,
        sex: None,
        referral_required: false,
        primary_care_only: false,
    })?;
    store.put_facility(Facility {
        id: "f1".into(),
        names: Names::from_pairs(&[("en", "Clinic One")]),
        region: "r1".into(),
        services: vec!["gp".into()],
    })?;
    let slots = [(1, "08:00", 0), (1, "08:30", capacity), (2, "08:00", 0)]
        .into_iter()
        .map(|(d, time, base)| NewSlot {
            facility_id: "f1".into(),
            service_id: "gp".into(),
            date: day(d),
            time: time.into(),
            session: "morning".into(),
            capacity,
            queue_base: base,
        })
        .collect();
    assert_eq!(store.put_slots(slots)?, 3);
    let ids = store
        .slots("f1", "gp", day(1), day(2))?
        .into_iter()
        .map(|s| s.id)
        .collect();
    Ok((store, ids))
}

fn book(store: &SqliteStore, key: &str, who: &str, slot: i64) -> anyhow::Result<BookResult> {
    Ok(store.book(BookRequest {
        key: key.into(),
        national_id: who.into(),
        service_id: "gp".into(),
        slot_id: slot,
        now_ms: 1,
    })?)
}

#[test]
fn capacity_duplicate_and_queue() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, slots) = store_with_slots(dir.path(), 2)?;
    let BookResult::Booked(first) = book(&store, "k1", "p1", slots[1])? else {
        panic!("first booking must succeed");
    };
    assert_eq!(first.code.len(), 6);
    assert_eq!(
        first.queue, 3,
        "queue numbers continue after the earlier slot's range"
    );
    assert_eq!(
        book(&store, "k2", "p1", slots[0])?,
        BookResult::AlreadyBooked {
            code: first.code.clone()
        },
        "one booking per person, service and day"
    );
    assert!(matches!(
        book(&store, "k3", "p2", slots[1])?,
        BookResult::Booked(_)
    ));
    assert_eq!(book(&store, "k4", "p3", slots[1])?, BookResult::Full);
    assert!(
        matches!(book(&store, "k5", "p1", slots[2])?, BookResult::Booked(_)),
        "another day is fine"
    );
    Ok(())
}

#[test]
fn retried_request_returns_the_first_result() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, slots) = store_with_slots(dir.path(), 5)?;
    let first = book(&store, "session-1:4", "p1", slots[1])?;
    let again = book(&store, "session-1:4", "p1", slots[1])?;
    assert_eq!(first, again);
    assert!(store.settled("session-1:4")?);
    assert_eq!(store.slot(slots[1])?.map(|s| s.booked), Some(1));
    assert_eq!(store.pending(100).map_err(anyhow::Error::msg)?.len(), 1);
    Ok(())
}

#[test]
fn cancel_frees_the_seat_and_reschedule_keeps_the_code() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, slots) = store_with_slots(dir.path(), 1)?;
    let BookResult::Booked(b) = book(&store, "k1", "p1", slots[0])? else {
        panic!("booking must succeed");
    };
    assert_eq!(book(&store, "k2", "p2", slots[0])?, BookResult::Full);
    let change = |key: &str, who: &str, new_slot| ChangeRequest {
        key: key.into(),
        national_id: who.into(),
        code: b.code.clone(),
        new_slot,
        now_ms: 2,
    };
    assert_eq!(
        store.change(change("c0", "p2", None))?,
        ChangeResult::NotFound,
        "not p2's booking"
    );
    let ChangeResult::Rescheduled(moved) = store.change(change("c1", "p1", Some(slots[2])))? else {
        panic!("reschedule must succeed");
    };
    assert_eq!((moved.code.as_str(), moved.date), (b.code.as_str(), day(2)));
    assert!(
        matches!(book(&store, "k3", "p2", slots[0])?, BookResult::Booked(_)),
        "seat freed"
    );
    assert!(matches!(
        store.change(change("c2", "p1", None))?,
        ChangeResult::Cancelled(_)
    ));
    assert_eq!(store.slot(slots[2])?.map(|s| s.booked), Some(0));
    assert_eq!(
        store.change(change("c3", "p1", None))?,
        ChangeResult::NotFound
    );
    let kinds: Vec<String> = store
        .pending(100)
        .map_err(anyhow::Error::msg)?
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "booking.created",
            "booking.rescheduled",
            "booking.created",
            "booking.cancelled"
        ]
    );
    Ok(())
}
