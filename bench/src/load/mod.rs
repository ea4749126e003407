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

use std::sync::atomic::{AtomicBool, Ordering};
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

/// Runs `plan` over `conns` and returns the merged tally and the measured wall time.
pub async fn run(plan: Arc<Plan>, conns: Vec<Conn>) -> (Tally, Duration) {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..plan.subscribers {
        let conn = conns[n % conns.len()].clone();
        let plan = plan.clone();
        let stop = stop.clone();
        tasks.spawn(subscriber(n, conn, plan, stop));
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

async fn subscriber(n: usize, conn: Conn, plan: Arc<Plan>, stop: Arc<AtomicBool>) -> Tally {
    let msisdn = format!("98912{:07}", n);
    let mut screens = conn.subscribe(&msisdn);
    let mut tally = Tally::default();
    let mut dialog: u16 = 0;
    while !stop.load(Ordering::Relaxed) {
        dialog = dialog.wrapping_add(2);
        let its = ((n as u16) << 1) ^ dialog.rotate_left(8);
        let id = plan
            .ids
            .get(n % plan.ids.len().max(1))
            .cloned()
            .unwrap_or_default();
        match one_dialog(&conn, &mut screens, &plan, &msisdn, &id, its, &mut tally).await {
            Ok(()) => tally.dialogs += 1,
            Err(kind) => {
                tally.error(kind);
                if kind == "closed" {
                    break;
                }
                // Let a timed-out dialog's late screen drain before the next one.
                tokio::time::sleep(Duration::from_millis(50)).await;
                while screens.try_recv().is_ok() {}
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
        match (ended, last) {
            (true, true) => return Ok(()),
            (true, false) => return Err("early_end"),
            (false, true) => return Err("no_end"),
            (false, false) => {}
        }
        text = plan.inputs[step].replace("{id}", id);
        op = 18;
    }
    Ok(())
}
