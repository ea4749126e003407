//! 64 bookers race for the last 10 seats of a slot, 100 times over, on a real SQLite
//! file: exactly 10 win, the slot never goes over capacity, and when the same people race
//! for two slots of one day, each ends up with exactly one booking.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Barrier;

use hotline::store::api::BookResult;
use hotline::store::{AdmissionStore, Durability, SqliteStore};

const BOOKERS: usize = 64;
const ROUNDS: u64 = 100;

/// Runs `BOOKERS` threads released together; `who(i)` and `slot(i)` pick each one's person
/// and slot.
fn race(
    store: &SqliteStore,
    round: u64,
    who: impl Fn(usize) -> String + Sync,
    slot: impl Fn(usize) -> i64 + Sync,
) -> Vec<(String, BookResult)> {
    let barrier = Barrier::new(BOOKERS);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..BOOKERS)
            .map(|i| {
                let (barrier, who, slot) = (&barrier, &who, &slot);
                scope.spawn(move || {
                    let person = who(i);
                    barrier.wait();
                    let key = format!("race-{round}-{i}");
                    let result = common::book(store, &key, &person, slot(i));
                    (person, result.expect("the store answers"))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a booker thread panicked"))
            .collect()
    })
}

#[test]
fn exactly_ten_of_sixty_four_get_the_last_ten_seats() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = common::open(dir.path(), Durability::Normal)?;
    common::catalogue(&store)?;
    for round in 0..ROUNDS {
        let date = common::day(round);
        let slot = common::slot(&store, date, "08:00", 12)?;
        for early in 0..2 {
            let result = common::book(
                &store,
                &format!("early-{round}-{early}"),
                &format!("early-{early}"),
                slot,
            )?;
            assert!(matches!(result, BookResult::Booked(_)));
        }
        let results = race(&store, round, |i| format!("p{i}"), |_| slot);
        let won: Vec<_> = results
            .iter()
            .filter_map(|(_, r)| match r {
                BookResult::Booked(b) => Some(b),
                _ => None,
            })
            .collect();
        let full = results
            .iter()
            .filter(|(_, r)| *r == BookResult::Full)
            .count();
        assert_eq!((won.len(), full), (10, BOOKERS - 10), "round {round}");
        let queues: HashSet<_> = won.iter().map(|b| b.queue).collect();
        assert_eq!(queues.len(), 10, "queue numbers are distinct");
        let codes: HashSet<_> = won.iter().map(|b| b.code.as_str()).collect();
        assert_eq!(codes.len(), 10, "codes are distinct");
        let stored = store.slot(slot)?.expect("slot exists");
        assert_eq!((stored.booked, stored.capacity), (12, 12));
    }
    Ok(())
}

#[test]
fn one_booking_per_person_and_day_under_the_race() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = common::open(dir.path(), Durability::Normal)?;
    common::catalogue(&store)?;
    for round in 0..ROUNDS {
        let date = common::day(round);
        let slots = [
            common::slot(&store, date, "08:00", 100)?,
            common::slot(&store, date, "09:00", 100)?,
        ];
        // 8 people, each trying 8 times over the two slots of the same day.
        let results = race(
            &store,
            round,
            |i| format!("p{}", i % 8),
            |i| slots[(i / 8) % 2],
        );
        let mut codes: HashMap<&str, HashSet<&str>> = HashMap::new();
        let mut booked = 0;
        for (person, result) in &results {
            let code = match result {
                BookResult::Booked(b) => {
                    booked += 1;
                    b.code.as_str()
                }
                BookResult::AlreadyBooked { code } => code.as_str(),
                other => panic!("round {round}: unexpected {other:?}"),
            };
            codes.entry(person).or_default().insert(code);
        }
        assert_eq!(booked, 8, "round {round}: one booking per person");
        assert!(
            codes.values().all(|c| c.len() == 1),
            "everyone is told the same code"
        );
        let seats: u32 = slots
            .iter()
            .map(|s| store.slot(*s).map(|s| s.map_or(0, |s| s.booked)))
            .sum::<Result<u32, _>>()?;
        assert_eq!(seats, 8);
    }
    Ok(())
}
