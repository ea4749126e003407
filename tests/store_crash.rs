//! Crash safety on a real SQLite file: a child process (this test binary, re-executed)
//! books and cancels in a loop, printing each acknowledged result, and is SIGKILLed at a
//! random moment. After every kill the store is reopened: every acknowledged booking and
//! cancellation is there, no slot is over capacity, and the outbox holds exactly one row
//! per committed event. 24 cycles, alternating `synchronous` FULL and NORMAL.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use hotline::store::api::{BookResult, ChangeRequest, ChangeResult};
use hotline::store::{AdmissionStore, Durability};

const CHILD_DIR: &str = "HOTLINE_CRASH_CHILD_DIR";
const CHILD_CYCLE: &str = "HOTLINE_CRASH_CHILD_CYCLE";
const CYCLES: u32 = 24;
const SLOTS: u64 = 10;

fn durability(cycle: u32) -> Durability {
    if cycle % 2 == 0 {
        Durability::Full
    } else {
        Durability::Normal
    }
}

/// The child's loop: runs only when re-executed by the parent.
#[test]
fn crash_child_books_until_killed() -> anyhow::Result<()> {
    let (Ok(dir), Ok(cycle)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_CYCLE)) else {
        return Ok(());
    };
    let cycle: u32 = cycle.parse()?;
    let store = common::open(dir.as_ref(), durability(cycle))?;
    let slots: Vec<i64> = store
        .slots("f1", "gp", common::day(0), common::day(SLOTS))?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut out = std::io::stdout().lock();
    // After a newline: the harness has printed "test … " without one.
    writeln!(out, "\nready")?;
    out.flush()?;
    for i in 0..200_000u64 {
        let person = format!("c{cycle}-p{i}");
        let slot = slots[usize::try_from(i % SLOTS)?];
        match common::book(&store, &format!("c{cycle}-k{i}"), &person, slot)? {
            BookResult::Booked(b) if i % 3 == 0 => {
                writeln!(out, "booked {} {person}", b.code)?;
                out.flush()?;
                let cancelled = store.change(ChangeRequest {
                    key: format!("c{cycle}-x{i}"),
                    national_id: person.clone(),
                    code: b.code.clone(),
                    new_slot: None,
                    now_ms: 2,
                })?;
                anyhow::ensure!(matches!(cancelled, ChangeResult::Cancelled(_)));
                writeln!(out, "cancelled {} {person}", b.code)?;
            }
            BookResult::Booked(b) => writeln!(out, "booked {} {person}", b.code)?,
            BookResult::Full => writeln!(out, "full")?,
            other => anyhow::bail!("unexpected {other:?}"),
        }
        out.flush()?;
    }
    Ok(())
}

/// What the children acknowledged: person → (code, cancelled?).
type Acks = HashMap<String, (String, bool)>;

fn run_child(dir: &std::path::Path, cycle: u32, acks: &mut Acks) -> anyhow::Result<()> {
    let mut child = Command::new(std::env::current_exe()?)
        .args([
            "crash_child_books_until_killed",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .env(CHILD_CYCLE, cycle.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The test harness prints its own lines first.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let ready = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line == "ready" => break Ok(line),
            Ok(_) => continue,
            Err(err) => break Err(err),
        }
    };
    if ready.is_ok() {
        // Kill somewhere between a few and a few hundred commits in.
        std::thread::sleep(Duration::from_millis(fastrand::u64(5..150)));
    }
    child.kill()?;
    child.wait()?;
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("reader panicked"))?;
    anyhow::ensure!(ready.is_ok(), "child never got ready: {ready:?}");
    let lines: Vec<String> = rx.try_iter().collect();
    for line in lines {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["booked", code, person] => {
                acks.insert((*person).to_owned(), ((*code).to_owned(), false));
            }
            ["cancelled", _, person] => {
                if let Some(entry) = acks.get_mut(*person) {
                    entry.1 = true;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks the reopened file against what was acknowledged.
fn verify(dir: &std::path::Path, acks: &Acks) -> anyhow::Result<()> {
    let conn = rusqlite::Connection::open(dir.join("hotline.sqlite"))?;
    let mut stmt = conn.prepare("SELECT national_id, code, status FROM booking")?;
    let rows: HashMap<String, (String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<Result<_, _>>()?;
    for (person, (code, cancelled)) in acks {
        let (stored_code, status) = rows
            .get(person)
            .ok_or_else(|| anyhow::anyhow!("acknowledged booking of {person} is lost"))?;
        assert_eq!(stored_code, code, "{person}");
        if *cancelled {
            assert_eq!(status, "cancelled", "{person}: acknowledged cancel is lost");
        }
    }
    let over: i64 = conn.query_row(
        "SELECT COUNT(*) FROM slot s WHERE booked > capacity OR booked !=
           (SELECT COUNT(*) FROM booking b WHERE b.slot_id = s.id AND b.status = 'active')",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(over, 0, "a slot is over capacity or its count drifted");
    let count = |sql: &str| -> anyhow::Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
    let bookings = count("SELECT COUNT(*) FROM booking")?;
    let cancels = count("SELECT COUNT(*) FROM booking WHERE status = 'cancelled'")?;
    assert_eq!(
        count("SELECT COUNT(*) FROM outbox WHERE kind = 'booking.created'")?,
        bookings
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM outbox WHERE kind = 'booking.cancelled'")?,
        cancels
    );
    assert_eq!(count("SELECT COUNT(*) FROM outbox")?, bookings + cancels);
    let dup: i64 = count(
        "SELECT COUNT(*) FROM (SELECT json_extract(payload, '$.code') c, kind, COUNT(*) n
         FROM outbox GROUP BY c, kind, json_extract(payload, '$.national_id') HAVING n > 1)",
    )?;
    assert_eq!(dup, 0, "an event has two outbox rows");
    Ok(())
}

#[test]
fn acknowledged_bookings_survive_sigkill() -> anyhow::Result<()> {
    if std::env::var(CHILD_DIR).is_ok() {
        return Ok(());
    }
    let dir = tempfile::tempdir()?;
    {
        let store = common::open(dir.path(), Durability::Full)?;
        common::catalogue(&store)?;
        for d in 0..SLOTS {
            common::slot(&store, common::day(d), "08:00", 400)?;
        }
    }
    let mut acks = Acks::new();
    for cycle in 0..CYCLES {
        run_child(dir.path(), cycle, &mut acks)?;
        // Reopen through the store (recovers the WAL), then check with a plain connection.
        let store = common::open(dir.path(), durability(cycle))?;
        assert!(store.slot(1)?.is_some());
        drop(store);
        verify(dir.path(), &acks)?;
    }
    assert!(
        acks.len() > CYCLES as usize,
        "children acknowledged too little to prove anything"
    );
    Ok(())
}
