//! A tiny catalogue shared by the store tests: one service, one facility, and slots.

#![allow(dead_code)]

use chrono::NaiveDate;
use hotline::store::api::{BookRequest, BookResult};
use hotline::store::model::{Facility, Names, NewSlot, Service};
use hotline::store::{AdmissionStore, Durability, SqliteStore, StoreConfig};

/// The test day (slots are on it and the days after).
pub fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(offset)))
        .expect("valid test date")
}

/// Opens a store under `dir` with the given durability.
pub fn open(dir: &std::path::Path, durability: Durability) -> anyhow::Result<SqliteStore> {
    let config = StoreConfig {
        durability,
        ..StoreConfig::new(dir)
    };
    Ok(SqliteStore::open(&config)?)
}

/// Adds service `gp` and facility `f1`.
pub fn catalogue(store: &SqliteStore) -> anyhow::Result<()> {
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
    Ok(())
}

/// Creates one `gp` slot at `f1` on `date` at `time` and returns its id.
pub fn slot(
    store: &SqliteStore,
    date: NaiveDate,
    time: &str,
    capacity: u32,
) -> anyhow::Result<i64> {
    store.put_slots(vec![NewSlot {
        facility_id: "f1".into(),
        service_id: "gp".into(),
        date,
        time: time.into(),
        session: "morning".into(),
        capacity,
        queue_base: 0,
    }])?;
    store
        .slots("f1", "gp", date, date)?
        .into_iter()
        .find(|s| s.time == time)
        .map(|s| s.id)
        .ok_or_else(|| anyhow::anyhow!("slot just created is missing"))
}

/// Books `who` into `slot` under idempotency key `key`.
pub fn book(store: &SqliteStore, key: &str, who: &str, slot: i64) -> anyhow::Result<BookResult> {
    Ok(store.book(BookRequest {
        key: key.into(),
        national_id: who.into(),
        service_id: "gp".into(),
        slot_id: slot,
        now_ms: 1,
    })?)
}
