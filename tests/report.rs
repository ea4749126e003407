//! `hotline report` on a seeded SQLite store with known answers: per local day (a UTC+3:30
//! line, so that day boundaries matter), per clinic, the no-show rate; an empty store and a
//! missing one give a clear message, not a panic.
//!
//! The store is seeded with the tables of the admission store's first migration (the rows the
//! report reads), because the admission API is not on this branch yet.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use hotline::report::{self, ReportError};
use hotline::store::sqlite::FILE_NAME as STORE_FILE;
use rusqlite::Connection;

const SCHEMA: &str = "
    CREATE TABLE facility (id TEXT PRIMARY KEY, names TEXT NOT NULL, region TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE slot (
        id INTEGER PRIMARY KEY, facility_id TEXT NOT NULL, service_id TEXT NOT NULL,
        date TEXT NOT NULL, time TEXT NOT NULL, session TEXT NOT NULL,
        capacity INTEGER NOT NULL, booked INTEGER NOT NULL DEFAULT 0, queue_base INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE booking (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL, national_id TEXT NOT NULL, service_id TEXT NOT NULL,
        slot_id INTEGER NOT NULL, date TEXT NOT NULL, queue INTEGER NOT NULL, status TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL);
    CREATE TABLE ticket (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, topic TEXT NOT NULL, national_id TEXT,
        msisdn TEXT NOT NULL, text TEXT, status TEXT NOT NULL DEFAULT 'open',
        created_at_ms INTEGER NOT NULL, due_at_ms INTEGER NOT NULL);
    PRAGMA user_version = 1;
";

/// Tehran: 3 h 30 min east of UTC.
const OFFSET: i32 = 210;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("test dates are valid")
}

/// UTC milliseconds of `YYYY-MM-DDTHH:MM`.
fn ms(s: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .expect("test times are valid")
        .and_utc()
        .timestamp_millis()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hotline-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn empty_store(dir: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(dir.join(STORE_FILE))?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

fn seeded(dir: &Path) -> anyhow::Result<()> {
    let conn = empty_store(dir)?;
    conn.execute_batch(
        r#"
        INSERT INTO facility VALUES ('C1', '{"en":"Central clinic","fa":"درمانگاه مرکزی"}', 'r1');
        INSERT INTO facility VALUES ('N1', '{"fa":"شمال"}', 'r1');
        INSERT INTO facility VALUES ('Z9', '{"en":"Closed"}', 'r1');
        INSERT INTO slot VALUES (1, 'C1', 'gp', '2026-11-30', '09:00', 'am', 10, 2, 0);
        INSERT INTO slot VALUES (2, 'C1', 'gp', '2026-12-02', '09:00', 'am', 10, 1, 0);
        INSERT INTO slot VALUES (3, 'N1', 'gp', '2026-12-01', '09:00', 'am', 5, 1, 0);
        INSERT INTO slot VALUES (4, 'N1', 'gp', '2026-12-10', '09:00', 'am', 99, 1, 0);
        "#,
    )?;
    let bookings = [
        // slot, status, created (UTC), updated (UTC)
        (1, "active", "2026-11-29T22:00", "2026-11-29T22:00"), // local 11-30 01:30
        (1, "attended", "2026-11-30T08:00", "2026-11-30T09:00"),
        (2, "no_show", "2026-12-01T08:00", "2026-12-02T12:00"),
        (2, "cancelled", "2026-12-01T09:00", "2026-12-02T20:40"), // cancelled local 12-03 00:10
        (3, "active", "2026-11-20T08:00", "2026-11-20T08:00"),    // made before the range
        (4, "active", "2026-12-02T08:00", "2026-12-02T08:00"),    // visit after the range
    ];
    for (i, (slot, status, created, updated)) in bookings.into_iter().enumerate() {
        conn.execute(
            "INSERT INTO booking (code, national_id, service_id, slot_id, date, queue, status,
             created_at_ms, updated_at_ms) VALUES (?1, '0012345679', 'gp', ?2, '', ?3, ?4, ?5, ?6)",
            (format!("HL-{i}"), slot, i, status, ms(created), ms(updated)),
        )?;
    }
    conn.execute(
        "INSERT INTO ticket (kind, topic, msisdn, created_at_ms, due_at_ms)
         VALUES ('complaint', 'wait', '+989121234567', ?1, ?1)",
        [ms("2026-12-01T10:00")],
    )?;
    Ok(())
}

#[test]
fn last_week_on_a_seeded_store_has_the_known_answers() -> anyhow::Result<()> {
    let dir = temp_dir("seeded");
    seeded(&dir)?;
    let to = day("2026-12-03");
    let from = report::last_week(to);
    assert_eq!(from, day("2026-11-27"));
    let r = report::compute(&dir.join(STORE_FILE), from, to, OFFSET)?;
    let per_day: Vec<(String, u64, u64, u64)> = r
        .days
        .iter()
        .map(|d| (d.date.to_string(), d.booked, d.cancelled, d.tickets))
        .collect();
    let want = [
        ("2026-11-27", 0, 0, 0),
        ("2026-11-28", 0, 0, 0),
        ("2026-11-29", 0, 0, 0),
        ("2026-11-30", 2, 0, 0),
        ("2026-12-01", 2, 0, 1),
        ("2026-12-02", 1, 0, 0),
        ("2026-12-03", 0, 1, 0),
    ]
    .map(|(d, b, c, t)| (d.to_owned(), b, c, t));
    assert_eq!(per_day, want);
    assert_eq!((r.booked(), r.cancelled()), (5, 1));
    let clinics: Vec<(&str, &str, u64, u64, u64, u64)> = r
        .clinics
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.name.as_str(),
                c.capacity,
                c.filled,
                c.attended,
                c.no_show,
            )
        })
        .collect();
    assert_eq!(
        clinics,
        [
            ("C1", "Central clinic", 20, 3, 1, 1),
            ("N1", "شمال", 5, 1, 0, 0)
        ]
    );
    assert!((r.clinics[0].fill - 0.15).abs() < 1e-9);
    assert_eq!(r.no_show_rate, Some(0.5));
    assert!(!r.is_empty());

    let text = hotline::cli::report::render(&r);
    assert!(text.contains("Central clinic"), "{text}");
    assert!(text.contains("3/20") && text.contains("15.0%"), "{text}");
    assert!(text.contains("No-show rate: 50.0%"), "{text}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn the_command_prints_json_and_a_table_from_the_data_dir() -> anyhow::Result<()> {
    let dir = temp_dir("cli");
    seeded(&dir)?;
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hotline"))
            .args(["report", "--from", "2026-11-27", "--to", "2026-12-03"])
            .args(["--utc-offset-minutes", "210", "--data-dir"])
            .arg(&dir)
            .args(extra)
            .output()
    };
    let out = run(&["--json"])?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(json["days"].as_array().map(Vec::len), Some(7));
    assert_eq!(json["clinics"][0]["filled"], 3);
    assert_eq!(json["no_show_rate"], 0.5);
    let out = run(&[])?;
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout)?;
    assert!(
        text.contains("2026-11-30 Mon") && text.contains("total"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn an_empty_store_says_so_and_a_missing_one_is_explained() -> anyhow::Result<()> {
    let dir = temp_dir("empty");
    drop(empty_store(&dir)?);
    let r = report::compute(
        &dir.join(STORE_FILE),
        day("2026-11-27"),
        day("2026-12-03"),
        0,
    )?;
    assert!(r.is_empty());
    assert_eq!(r.no_show_rate, None);
    assert!(hotline::cli::report::render(&r).contains("No bookings"));

    let missing = dir.join("nowhere");
    let err = report::compute(
        &missing.join(STORE_FILE),
        day("2026-11-27"),
        day("2026-12-03"),
        0,
    );
    assert!(matches!(err, Err(ReportError::NoStore { .. })), "{err:?}");
    let out = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(["report", "--data-dir"])
        .arg(&missing)
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store at"));
    assert!(!missing.exists(), "the report must not create a store");

    let backwards = report::compute(
        &dir.join(STORE_FILE),
        day("2026-12-03"),
        day("2026-11-27"),
        0,
    );
    assert!(matches!(backwards, Err(ReportError::EmptyRange { .. })));
    std::fs::write(dir.join("junk.sqlite"), b"not a database")?;
    let junk = report::compute(
        &dir.join("junk.sqlite"),
        day("2026-11-27"),
        day("2026-12-03"),
        0,
    );
    assert!(matches!(junk, Err(ReportError::Sqlite { .. })), "{junk:?}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
