//! Durable bookings per second through the store's single writer (issue 5 goal: at least
//! 10,000/s at `synchronous=NORMAL`; the figure at FULL is reported too). 64 client
//! threads book distinct people into slots of one facility, so group commit can work.
//! Plain bench: `cargo bench -p hotline-bench --bench store_bookings`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chrono::NaiveDate;
use hotline::store::api::{BookRequest, BookResult};
use hotline::store::model::{Facility, Names, NewSlot, Service};
use hotline::store::{AdmissionStore, Durability, SqliteStore, StoreConfig};

const CLIENTS: u64 = 64;
const PER_CLIENT: u64 = 500;

fn setup(dir: &std::path::Path, durability: Durability) -> anyhow::Result<(SqliteStore, Vec<i64>)> {
    let store = SqliteStore::open(&StoreConfig {
        durability,
        ..StoreConfig::new(dir)
    })?;
    store.put_service(Service {
        id: "gp".into(),
        names: Names::from_pairs(&[("en", "GP")]),
        min_age: None,
        max_age: None,
        sex: None,
        referral_required: false,
        primary_care_only: false,
    })?;
    store.put_facility(Facility {
        id: "f1".into(),
        names: Names::from_pairs(&[("en", "F1")]),
        region: "r".into(),
        services: vec!["gp".into()],
    })?;
    let day = NaiveDate::from_ymd_opt(2030, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let slots = (0..64)
        .map(|i| NewSlot {
            facility_id: "f1".into(),
            service_id: "gp".into(),
            date: day,
            time: format!("{:02}:{:02}", 8 + i / 4, (i % 4) * 15),
            session: "day".into(),
            capacity: 100_000,
            queue_base: 0,
        })
        .collect();
    store.put_slots(slots)?;
    let ids = store
        .slots("f1", "gp", day, day)?
        .into_iter()
        .map(|s| s.id)
        .collect();
    Ok((store, ids))
}

fn run(durability: Durability) -> anyhow::Result<f64> {
    let dir = tempfile::tempdir()?;
    let (store, slots) = setup(dir.path(), durability)?;
    let booked = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let (store, slots, booked) = (&store, &slots, &booked);
            scope.spawn(move || {
                for i in 0..PER_CLIENT {
                    let n = client * PER_CLIENT + i;
                    let result = store.book(BookRequest {
                        key: format!("k{n}"),
                        national_id: format!("p{n}"),
                        service_id: "gp".into(),
                        slot_id: slots[(n % slots.len() as u64) as usize],
                        now_ms: 1,
                    });
                    if matches!(result, Ok(BookResult::Booked(_))) {
                        booked.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let elapsed = start.elapsed().as_secs_f64();
    let booked = booked.load(Ordering::Relaxed);
    anyhow::ensure!(booked == CLIENTS * PER_CLIENT, "only {booked} booked");
    Ok(booked as f64 / elapsed)
}

fn main() -> anyhow::Result<()> {
    for (name, durability) in [("NORMAL", Durability::Normal), ("FULL", Durability::Full)] {
        let mut rates: Vec<f64> = (0..3).map(|_| run(durability)).collect::<Result<_, _>>()?;
        rates.sort_by(f64::total_cmp);
        println!(
            "store_bookings synchronous={name}: median {:.0} bookings/s ({} clients, {} bookings per run, 3 runs: {:.0} / {:.0} / {:.0})",
            rates[1], CLIENTS, CLIENTS * PER_CLIENT, rates[0], rates[1], rates[2]
        );
    }
    Ok(())
}
