//! Eligibility lookups per second from local data (issue 5 goal: at least 200,000/s):
//! `Admission::check` with a service, over a 100,000-person roster in SQLite, from two
//! threads (this machine has two cores). Plain bench:
//! `cargo bench -p hotline-bench --bench eligibility`.

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use hotline::admission::national_id::Profile;
use hotline::admission::{Admission, AdmissionConfig, Check};
use hotline::store::api::RosterBatch;
use hotline::store::model::{Coverage, Person, Sex};
use hotline::store::{AdmissionStore, SqliteStore, StoreConfig};

const PEOPLE: u64 = 100_000;
const LOOKUPS_PER_THREAD: u64 = 200_000;
const THREADS: u64 = 2;

/// A valid Iranian code melli for `n` (9-digit body and its check digit).
fn code_melli(n: u64) -> String {
    let body = format!("{:09}", 100_000_000 + n);
    let sum: u32 = body
        .chars()
        .filter_map(|c| c.to_digit(10))
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    let check = match sum % 11 {
        r @ (0 | 1) => r,
        r => 11 - r,
    };
    format!("{body}{check}")
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Arc::new(SqliteStore::open(&StoreConfig::new(dir.path()))?);
    for service in hotline::admission::demo::services() {
        store.put_service(service)?;
    }
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let people: Vec<Person> = (0..PEOPLE)
        .map(|n| Person {
            national_id: code_melli(n),
            name: format!("Person {n}"),
            birth_date: NaiveDate::from_ymd_opt(1980, 1, 1),
            sex: Some(if n % 2 == 0 { Sex::F } else { Sex::M }),
            coverage: Coverage::Active,
            paid_through: today.checked_add_days(chrono::Days::new(n % 60)),
            head_id: (n % 5 == 4).then(|| code_melli(n - 1)),
            region: "r".into(),
            primary_facility: Some("f1".into()),
            referrals: vec![],
        })
        .collect();
    let batches = vec![RosterBatch::Rows(people), RosterBatch::Commit];
    store.import_roster(Box::new(batches.into_iter()))?;
    let shared: Arc<dyn AdmissionStore> = store.clone();
    let admission = Admission::new(
        shared,
        AdmissionConfig {
            profile: Profile::Ir,
            ..AdmissionConfig::default()
        },
    );
    let start = Instant::now();
    let eligible: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let admission = &admission;
                scope.spawn(move || {
                    let mut rng = fastrand::Rng::with_seed(t);
                    let mut eligible = 0u64;
                    for _ in 0..LOOKUPS_PER_THREAD {
                        let id = code_melli(rng.u64(..PEOPLE));
                        if let Ok(Check::Eligible(_)) =
                            admission.check(&id, Some("gp"), None, today)
                        {
                            eligible += 1;
                        }
                    }
                    eligible
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let total = THREADS * LOOKUPS_PER_THREAD;
    println!(
        "eligibility: {:.0} checks/s ({total} checks with service rules over {PEOPLE} people, {THREADS} threads, {eligible} eligible)",
        total as f64 / elapsed
    );
    Ok(())
}
