//! `hotline-load`: plays N concurrent subscribers through a USSD journey over SMPP and
//! reports dialogs/s, steps/s, per-step latency percentiles, errors, and the engine's CPU
//! and RSS. `--with-baseline` first runs the same traffic against the in-process echo
//! responder and reports Hotline as a ratio of it.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use hotline_bench::load::{self, echo, stats, wire::Conn, Plan};
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(
    name = "hotline-load",
    about = "Load generator for Hotline's USSD over SMPP"
)]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Bind to an SMPP server (`hotline serve`) as an ESME and send `submit_sm`.
    Esme {
        /// The server's address.
        #[arg(long, default_value = "127.0.0.1:2775")]
        target: String,
        /// `system_id` to bind with.
        #[arg(long, default_value = "demo")]
        system_id: String,
        /// Password to bind with.
        #[arg(long, default_value = "demo")]
        password: String,
        /// First run the same traffic against the echo baseline and print the ratio.
        #[arg(long)]
        with_baseline: bool,
        #[command(flatten)]
        traffic: Traffic,
    },
    /// Play the operator's gateway: wait for Hotline to bind here and send `deliver_sm`.
    Gateway {
        /// Where to listen for Hotline's binds.
        #[arg(long, default_value = "127.0.0.1:2776")]
        listen: String,
        #[command(flatten)]
        traffic: Traffic,
    },
    /// Only the echo baseline: the physical limit of loopback plus framing.
    Echo {
        #[command(flatten)]
        traffic: Traffic,
    },
    /// Open many dialogs that are never answered, and report the engine's RSS per open
    /// dialog. Bind with an integrator whose dialect keys on the MSISDN (`msisdn-only`):
    /// `its_session_info` has only 65,536 values.
    Hold {
        /// The server's address.
        #[arg(long, default_value = "127.0.0.1:2775")]
        target: String,
        /// `system_id` to bind with.
        #[arg(long, default_value = "demo")]
        system_id: String,
        /// Password to bind with.
        #[arg(long, default_value = "demo")]
        password: String,
        /// SMPP binds to spread the dials over.
        #[arg(long, default_value_t = 2)]
        binds: usize,
        /// Dialogs to open.
        #[arg(long, default_value_t = 100_000)]
        sessions: u64,
        /// Dials waiting for their first screen at once.
        #[arg(long, default_value_t = 500)]
        in_flight: u64,
        /// The dialled code.
        #[arg(long, default_value = "*123#")]
        code: String,
        /// How long to wait after the last screen before reading the RSS.
        #[arg(long, default_value = "3s", value_parser = humantime::parse_duration)]
        settle: Duration,
        /// The engine's process id (required: the figure is its RSS).
        #[arg(long)]
        engine_pid: u32,
    },
}

#[derive(Debug, Args)]
struct Traffic {
    /// Concurrent subscribers.
    #[arg(long, default_value_t = 200)]
    subscribers: usize,
    /// SMPP binds to spread them over.
    #[arg(long, default_value_t = 2)]
    binds: usize,
    /// How long to measure.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// The dialled code.
    #[arg(long, default_value = "*123#")]
    code: String,
    /// Answers after the first screen, comma-separated; `{id}` is a national ID.
    #[arg(long, default_value = "1,{id},1,1,1")]
    inputs: String,
    /// A file of national IDs, one per line (default: the demo roster's eligible ID).
    #[arg(long)]
    ids_file: Option<PathBuf>,
    /// The engine's process id, for its CPU time and RSS.
    #[arg(long)]
    engine_pid: Option<u32>,
}

impl Traffic {
    fn plan(&self) -> anyhow::Result<Arc<Plan>> {
        let ids = match &self.ids_file {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            None => vec!["0012345679".to_string()],
        };
        Ok(Arc::new(Plan {
            subscribers: self.subscribers.max(1),
            code: self.code.clone(),
            inputs: self
                .inputs
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            ids,
            duration: self.duration,
            step_timeout: Duration::from_secs(5),
        }))
    }
}

async fn measure(
    label: &str,
    plan: Arc<Plan>,
    conns: Vec<Conn>,
    pid: Option<u32>,
) -> stats::Report {
    let before = pid.and_then(stats::process_usage);
    let (tally, elapsed) = load::run(plan, conns).await;
    let after = pid.and_then(stats::process_usage);
    let throttled = load::wire::THROTTLED.swap(0, Ordering::Relaxed);
    let mut tally = tally;
    if throttled > 0 {
        *tally.errors.entry("throttled").or_default() += throttled;
    }
    let sms = load::wire::SMS.swap(0, Ordering::Relaxed);
    let late = load::wire::UNROUTED.swap(0, Ordering::Relaxed);
    if sms > 0 || late > 0 {
        println!("({label}: {sms} confirmation SMS received; {late} screens came after their dialog had given up)");
    }
    stats::Report {
        label: label.to_string(),
        elapsed,
        tally,
        engine_cpu: before.zip(after).map(|((c0, _), (c1, _))| c1 - c0),
        engine_rss: after.map(|(_, rss)| rss),
    }
}

async fn bind_all(addr: &str, id: &str, pw: &str, binds: usize) -> anyhow::Result<Vec<Conn>> {
    let mut conns = Vec::new();
    for _ in 0..binds.max(1) {
        conns.push(Conn::bind(addr, id, pw).await?);
    }
    Ok(conns)
}

async fn baseline(traffic: &Traffic, plan: Arc<Plan>) -> anyhow::Result<stats::Report> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let server = tokio::spawn(echo::serve(listener, plan.inputs.len() + 1));
    let conns = bind_all(&addr, "echo", "echo", traffic.binds).await?;
    let report = measure("echo baseline", plan, conns, Some(std::process::id())).await;
    server.abort();
    Ok(report)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().mode {
        Mode::Esme {
            target,
            system_id,
            password,
            with_baseline,
            traffic,
        } => {
            let plan = traffic.plan()?;
            let base = if with_baseline {
                let report = baseline(&traffic, plan.clone()).await?;
                println!("{report}");
                Some(report)
            } else {
                None
            };
            let conns = bind_all(&target, &system_id, &password, traffic.binds).await?;
            let report = measure("hotline (ESME role)", plan, conns, traffic.engine_pid).await;
            println!("{report}");
            if let Some(base) = base {
                println!(
                    "ratio to baseline: {:.1}% of its steps/s",
                    100.0 * report.steps_per_sec() / base.steps_per_sec().max(1e-9)
                );
            }
        }
        Mode::Gateway { listen, traffic } => {
            let plan = traffic.plan()?;
            let listener = TcpListener::bind(&listen)
                .await
                .with_context(|| format!("cannot listen on {listen}"))?;
            println!(
                "waiting for {} bind(s) from Hotline on {listen}",
                traffic.binds
            );
            let mut conns = Vec::new();
            while conns.len() < traffic.binds.max(1) {
                let (stream, _) = listener.accept().await?;
                conns.push(Conn::accept_bind(stream).await?);
            }
            let report = measure("hotline (gateway role)", plan, conns, traffic.engine_pid).await;
            println!("{report}");
        }
        Mode::Hold {
            target,
            system_id,
            password,
            binds,
            sessions,
            in_flight,
            code,
            settle,
            engine_pid,
        } => {
            let conns = bind_all(&target, &system_id, &password, binds).await?;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let (_, before) = stats::process_usage(engine_pid)
                .with_context(|| format!("cannot read /proc/{engine_pid}"))?;
            let held =
                load::hold(&conns, &code, sessions, in_flight, Duration::from_secs(10)).await;
            tokio::time::sleep(settle).await;
            let (_, after) = stats::process_usage(engine_pid)
                .with_context(|| format!("cannot read /proc/{engine_pid}"))?;
            let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
            println!(
                "== held dialogs ({:.1} s to open)",
                held.elapsed.as_secs_f64()
            );
            println!(
                "dialled: {}   open (first screen received): {} ({:.0}/s)",
                held.dialled,
                held.opened,
                held.opened as f64 / held.elapsed.as_secs_f64().max(1e-9)
            );
            println!(
                "engine RSS: {:.1} MiB before, {:.1} MiB with them open: {:.0} bytes per open dialog",
                mib(before),
                mib(after),
                after.saturating_sub(before) as f64 / held.opened.max(1) as f64
            );
            let throttled = load::wire::THROTTLED.load(Ordering::Relaxed);
            if throttled > 0 || held.ended > 0 {
                println!("errors: throttled={throttled} ended_at_once={}", held.ended);
            }
        }
        Mode::Echo { traffic } => {
            let plan = traffic.plan()?;
            println!("{}", baseline(&traffic, plan).await?);
        }
    }
    Ok(())
}
