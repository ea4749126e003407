//! What a load run measured: completed dialogs and steps, per-step latency percentiles and
//! errors by kind.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// One worker's tally; tallies are merged at the end of the run.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Dialogs that reached their final screen.
    pub dialogs: u64,
    /// Screens received.
    pub steps: u64,
    /// Step latencies in microseconds.
    pub latencies_us: Vec<u32>,
    /// Errors by kind.
    pub errors: BTreeMap<&'static str, u64>,
    /// The first unexpected screen seen for an error kind, to tell why it happened.
    pub samples: BTreeMap<&'static str, String>,
}

impl Tally {
    /// Counts one error.
    pub fn error(&mut self, kind: &'static str) {
        *self.errors.entry(kind).or_default() += 1;
    }

    /// Keeps `what` as the example of `kind` unless one is kept already.
    pub fn sample(&mut self, kind: &'static str, what: String) {
        self.samples.entry(kind).or_insert(what);
    }

    /// Records one screen's latency.
    pub fn step(&mut self, latency: Duration) {
        self.steps += 1;
        self.latencies_us
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
    }

    /// Adds another worker's tally.
    pub fn merge(&mut self, other: Tally) {
        self.dialogs += other.dialogs;
        self.steps += other.steps;
        self.latencies_us.extend(other.latencies_us);
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        for (kind, what) in other.samples {
            self.samples.entry(kind).or_insert(what);
        }
    }
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Report {
    /// What was measured.
    pub label: String,
    /// Wall time of the measured window.
    pub elapsed: Duration,
    /// The merged tally.
    pub tally: Tally,
    /// CPU seconds the engine used during the window, when known.
    pub engine_cpu: Option<f64>,
    /// The engine's resident set at the end, when known.
    pub engine_rss: Option<u64>,
}

impl Report {
    /// Completed dialogs per second.
    pub fn dialogs_per_sec(&self) -> f64 {
        self.tally.dialogs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Screens per second.
    pub fn steps_per_sec(&self) -> f64 {
        self.tally.steps as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency at quantile `q` (0..=1), in milliseconds.
    pub fn latency_ms(&self, q: f64) -> f64 {
        let mut sorted = self.tally.latencies_us.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return 0.0;
        }
        let at = ((sorted.len() - 1) as f64 * q).round() as usize;
        f64::from(sorted[at.min(sorted.len() - 1)]) / 1000.0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "== {} ({:.1} s)", self.label, self.elapsed.as_secs_f64())?;
        writeln!(
            f,
            "dialogs: {} ({:.0}/s)   steps: {} ({:.0}/s)",
            self.tally.dialogs,
            self.dialogs_per_sec(),
            self.tally.steps,
            self.steps_per_sec()
        )?;
        writeln!(
            f,
            "step latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}",
            self.latency_ms(0.5),
            self.latency_ms(0.9),
            self.latency_ms(0.99),
            self.latency_ms(0.999)
        )?;
        if self.tally.errors.is_empty() {
            writeln!(f, "errors: none")?;
        } else {
            let list: Vec<String> = self
                .tally
                .errors
                .iter()
                .map(|(k, n)| format!("{k}={n}"))
                .collect();
            writeln!(f, "errors: {}", list.join(" "))?;
            for (kind, what) in &self.tally.samples {
                writeln!(f, "  {kind}, first seen {what}")?;
            }
        }
        if let Some(cpu) = self.engine_cpu {
            let per_dialog = cpu * 1000.0 / (self.tally.dialogs.max(1) as f64);
            writeln!(f, "engine CPU: {cpu:.2} s ({per_dialog:.3} ms per dialog)")?;
        }
        if let Some(rss) = self.engine_rss {
            writeln!(f, "engine RSS: {:.1} MiB", rss as f64 / (1024.0 * 1024.0))?;
        }
        Ok(())
    }
}

/// CPU seconds (user + system) and resident bytes of a process, from `/proc` (Linux).
pub fn process_usage(pid: u32) -> Option<(f64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    let ticks = 100.0; // USER_HZ on Linux
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(((utime + stime) / ticks, rss_kb * 1024))
}
