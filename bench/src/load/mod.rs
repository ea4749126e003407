//! `hotline-load`: many concurrent subscribers playing a USSD journey over SMPP, against
//! `hotline serve` (as an ESME binding to it), as the gateway Hotline binds to, or against
//! the trivial echo responder in this binary (the loopback-and-framing baseline).
//!
//! - [`stats`]: tallies, percentiles and the printed report.
//! - [`wire`]: one SMPP connection shared by many subscribers.
//! - [`echo`]: the baseline responder.

pub mod echo;
pub mod stats;
pub mod wire;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stats::Tally;
use wire::{Conn, Screen};

/// One run's traffic.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Concurrent subscribers.
    pub subscribers: usize,
    /// The dialled code, e.g. `*123#`.
    pub code: String,
    /// The answers after the first screen; `{id}` is replaced by the subscriber's ID.
    pub inputs: Vec<String>,
    /// National IDs handed out round-robin (for `{id}`).
    pub ids: Vec<String>,
    /// How long to measure.
    pub duration: Duration,
    /// How long a screen may take before the dialog counts as timed out.
    pub step_timeout: Duration,
}

/// Numbers handed out across one run's subscribers, so that every dialog is a new caller
/// with its own national ID and its own `its_session_info`.
#[derive(Debug)]
struct Dialogs {
    next: AtomicU64,
    /// Leading MSISDN digits that differ between runs (seconds of the clock), so that a
    /// run against the same store still meets callers it has never seen.
    stamp: u64,
}

impl Dialogs {
    fn new() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Dialogs {
            next: AtomicU64::new(0),
            stamp: secs % 100_000,
        }
    }

    /// The next dialog's MSISDN (15 digits: 98, 5 of the run's stamp, 8 of the count),
    /// its ID index and its `its_session_info`.
    fn allocate(&self) -> (String, usize, u16) {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let msisdn = format!("98{:05}{:08}", self.stamp, n % 100_000_000);
        (msisdn, n as usize, (n & 0xffff) as u16)
    }
}

/// Runs `plan` over `conns` and returns the merged tally and the measured wall time.
pub async fn run(plan: Arc<Plan>, conns: Vec<Conn>) -> (Tally, Duration) {
    let stop = Arc::new(AtomicBool::new(false));
    let dialogs = Arc::new(Dialogs::new());
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..plan.subscribers {
        let conn = conns[n % conns.len()].clone();
        tasks.spawn(subscriber(
            conn,
            plan.clone(),
            stop.clone(),
            dialogs.clone(),
        ));
    }
    tokio::time::sleep(plan.duration).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let mut total = Tally::default();
    while let Some(done) = tasks.join_next().await {
        if let Ok(tally) = done {
            total.merge(tally);
        }
    }
    (total, elapsed)
}

async fn subscriber(
    conn: Conn,
    plan: Arc<Plan>,
    stop: Arc<AtomicBool>,
    dialogs: Arc<Dialogs>,
) -> Tally {
    let mut tally = Tally::default();
    while !stop.load(Ordering::Relaxed) {
        let (msisdn, n, its) = dialogs.allocate();
        let id = match plan.ids.len() {
            0 => String::new(),
            len => plan.ids[n % len].clone(),
        };
        let mut screens = conn.subscribe(&msisdn);
        let result = one_dialog(&conn, &mut screens, &plan, &msisdn, &id, its, &mut tally).await;
        conn.unsubscribe(&msisdn);
        match result {
            Ok(()) => tally.dialogs += 1,
            Err(kind) => {
                tally.error(kind);
                if kind == "closed" {
                    break;
                }
            }
        }
    }
    tally
}

async fn one_dialog(
    conn: &Conn,
    screens: &mut tokio::sync::mpsc::Receiver<Screen>,
    plan: &Plan,
    msisdn: &str,
    id: &str,
    its: u16,
    tally: &mut Tally,
) -> Result<(), &'static str> {
    let code = plan.code.trim_start_matches('*').trim_end_matches('#');
    let mut text = plan.code.clone();
    let mut op = 1;
    for step in 0..=plan.inputs.len() {
        let sent = Instant::now();
        if !conn.send(msisdn, code, &text, op, its).await {
            return Err("closed");
        }
        let screen = tokio::time::timeout(plan.step_timeout, screens.recv())
            .await
            .map_err(|_| "timeout")?
            .ok_or("closed")?;
        tally.step(sent.elapsed());
        let last = step == plan.inputs.len();
        let ended = screen.op == Some(17) || screen.op == Some(0x81);
        let wrong = match (ended, last) {
            (true, true) => return Ok(()),
            (true, false) => "early_end",
            (false, true) => "no_end",
            (false, false) => "",
        };
        if !wrong.is_empty() {
            tally.sample(
                wrong,
                format!("after {step} answer(s): {:?}", screen.readable()),
            );
            return Err(wrong);
        }
        text = plan.inputs[step].replace("{id}", id);
        op = 18;
    }
    Ok(())
}

/// What holding dialogs open cost the engine.
#[derive(Debug, Clone)]
pub struct Held {
    /// Dials sent.
    pub dialled: u64,
    /// First screens received (each is one open dialog in the engine).
    pub opened: u64,
    /// Screens that ended the dialog instead (a "busy" screen past `max_sessions`).
    pub ended: u64,
    /// How long opening them took.
    pub elapsed: Duration,
}

/// Dials `sessions` subscribers (each a new MSISDN) and never answers their first screen,
/// keeping at most `in_flight` dials waiting for their screen. Returns once every screen has
/// come back or `patience` has passed without progress.
pub async fn hold(
    conns: &[Conn],
    code: &str,
    sessions: u64,
    in_flight: u64,
    patience: Duration,
) -> Held {
    let started = Instant::now();
    let dialogs = Dialogs::new();
    let service = code.trim_start_matches('*').trim_end_matches('#');
    let base = wire::UNROUTED.load(Ordering::Relaxed);
    let ended_base = wire::UNROUTED_ENDED.load(Ordering::Relaxed);
    let opened = || wire::UNROUTED.load(Ordering::Relaxed) - base;
    let mut dialled = 0;
    while dialled < sessions {
        if dialled - opened().min(dialled) >= in_flight {
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        }
        let (msisdn, n, its) = dialogs.allocate();
        if !conns[n % conns.len()]
            .send(&msisdn, service, code, 1, its)
            .await
        {
            break;
        }
        dialled += 1;
    }
    let mut last = (opened(), Instant::now());
    while opened() < dialled && last.1.elapsed() < patience {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if opened() != last.0 {
            last = (opened(), Instant::now());
        }
    }
    Held {
        dialled,
        opened: opened() - (wire::UNROUTED_ENDED.load(Ordering::Relaxed) - ended_base),
        ended: wire::UNROUTED_ENDED.load(Ordering::Relaxed) - ended_base,
        elapsed: started.elapsed(),
    }
}
