//! SIP load against the voice channel in this process, with SIPp as the caller.
//!
//! ```text
//! cargo run --release -p hotline-bench --bin sip_load -- cps  [--rate 500] [--calls 5000]
//! cargo run --release -p hotline-bench --bin sip_load -- hold [--calls 500] [--hold-ms 10000]
//! ```
//!
//! `cps`: SIPp places short calls (answer, 200 ms of prompt, caller BYE) at `--rate` per
//! second; prints completed calls per second and the server's CPU time per call.
//! `hold`: `--calls` concurrent calls each hear a long prompt while a capture socket here
//! receives all their RTP; prints RTP packets, inter-arrival jitter p50/p99/max against the
//! 20 ms ptime, and server CPU per 100 calls. Linux only (reads `/proc/self/stat`).

use std::collections::HashMap;
use std::net::UdpSocket as StdUdpSocket;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use hotline::channels::sip::{wav, PromptConfig, PromptStore, SipConfig, SipServer};
use hotline::sessions::{Collect, Engine, Ingress, IngressEvent, Reply, ReplyFuture};
use tokio_util::sync::CancellationToken;

const PROMPT: &str = "Welcome to the health line. For booking, press 1.";

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// Calls per second.
    Cps {
        #[arg(long, default_value_t = 500)]
        rate: u32,
        #[arg(long, default_value_t = 5000)]
        calls: u32,
    },
    /// Concurrent calls with prompts playing.
    Hold {
        #[arg(long, default_value_t = 500)]
        calls: u32,
        #[arg(long, default_value_t = 10_000)]
        hold_ms: u64,
    },
}

/// One screen that waits for a key; aborts are answered silently.
struct OneScreen;

impl Engine for OneScreen {
    fn handle(&self, ingress: Ingress) -> ReplyFuture<'_> {
        Box::pin(async move {
            if ingress.event == IngressEvent::Abort {
                return Reply {
                    silent: true,
                    ..Reply::default()
                };
            }
            Reply {
                text: PROMPT.into(),
                collect: Some(Collect {
                    first_digit_ms: 60_000,
                    ..Collect::default()
                }),
                ..Reply::default()
            }
        })
    }
}

/// Server user + system CPU seconds so far (this process: the SIP channel only).
fn cpu_secs() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let after = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .context("stat format")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(StdUdpSocket::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn sipp(
    scenario: &str,
    target: std::net::SocketAddr,
    extra: &[String],
) -> anyhow::Result<(u64, u64)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new("sipp")
        .arg(target.to_string())
        .arg("-sf")
        .arg(root.join("fixtures/sip").join(scenario))
        .args(["-i", "127.0.0.1", "-nostdin", "-timeout", "300"])
        .args([
            "-p",
            &free_port()?.to_string(),
            "-mp",
            &free_port()?.to_string(),
        ])
        .args(extra)
        .output()
        .context("run sipp (Debian package sip-tester)")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let count = |label: &str| {
        text.lines()
            .rev()
            .find(|l| l.contains(label))
            .and_then(|l| l.split('|').nth(2))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok((count("Successful call"), count("Failed call")))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let cache = tempfile_dir()?;
    // A 120 s "recording" under the prompt's key: the store serves it without TTS.
    let tone: Vec<i16> = (0..8_000 * 120)
        .map(|n| {
            ((f64::from(n) * 2.0 * std::f64::consts::PI * 425.0 / 8000.0).sin() * 6000.0) as i16
        })
        .collect();
    std::fs::write(
        cache.join(format!("{}.wav", PromptStore::key("en", PROMPT))),
        wav::encode(8000, &tone),
    )?;
    let config = SipConfig {
        listen: "127.0.0.1:0".parse()?,
        rtp_port_min: 30_000,
        rtp_port_max: 49_998,
        max_calls: 20_000,
        prompts: PromptConfig {
            tts: Vec::new(),
            cache_dir: Some(cache.clone()),
            ..PromptConfig::default()
        },
        ..SipConfig::default()
    };
    let server = SipServer::bind(config).await?;
    let target = server.local_addr();
    let shutdown = CancellationToken::new();
    let serving = tokio::spawn(server.serve(Arc::new(OneScreen), shutdown.clone()));
    let cpu0 = cpu_secs()?;
    let started = Instant::now();
    match args.mode {
        Mode::Cps { rate, calls } => {
            let extra = [
                "-r".into(),
                rate.to_string(),
                "-m".into(),
                calls.to_string(),
                "-l".into(),
                (rate * 2).to_string(),
            ];
            let (ok, failed) =
                tokio::task::spawn_blocking(move || sipp("load_call.xml", target, &extra))
                    .await??;
            let secs = started.elapsed().as_secs_f64();
            let cpu = cpu_secs()? - cpu0;
            println!(
                "calls: {ok} ok, {failed} failed in {secs:.2} s = {:.0} calls/s (offered {rate}/s)",
                ok as f64 / secs
            );
            println!(
                "server CPU: {cpu:.2} s = {:.0} us per call",
                cpu * 1e6 / ok.max(1) as f64
            );
        }
        Mode::Hold { calls, hold_ms } => {
            let capture = StdUdpSocket::bind("127.0.0.1:0")?;
            capture.set_read_timeout(Some(Duration::from_millis(500)))?;
            let rtp_port = capture.local_addr()?.port();
            let until = Instant::now() + Duration::from_millis(hold_ms + 20_000);
            let reader = std::thread::spawn(move || jitter(&capture, until));
            let rate = (calls / 5).max(50);
            let extra = [
                "-r".into(),
                rate.to_string(),
                "-m".into(),
                calls.to_string(),
                "-l".into(),
                calls.to_string(),
                "-d".into(),
                hold_ms.to_string(),
                "-set".into(),
                "rtp_port".into(),
                rtp_port.to_string(),
            ];
            let (ok, failed) =
                tokio::task::spawn_blocking(move || sipp("hold_call.xml", target, &extra))
                    .await??;
            let cpu = cpu_secs()? - cpu0;
            let secs = started.elapsed().as_secs_f64();
            let (packets, mut gaps, mut streams) = reader
                .join()
                .map_err(|_| anyhow::anyhow!("capture thread"))?;
            gaps.sort_by(f64::total_cmp);
            streams.sort_by(f64::total_cmp);
            println!("calls: {ok} ok, {failed} failed; {calls} concurrent for {hold_ms} ms");
            println!("RTP: {packets} packets; |inter-arrival - 20 ms| p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
                percentile(&gaps, 0.5), percentile(&gaps, 0.99), gaps.last().copied().unwrap_or(f64::NAN));
            println!(
                "RFC 3550 jitter per stream: p50 {:.3} ms, p99 {:.3} ms over {} streams",
                percentile(&streams, 0.5),
                percentile(&streams, 0.99),
                streams.len()
            );
            println!(
                "server CPU: {cpu:.2} s over {secs:.1} s wall = {:.1}% of one core per 100 calls",
                cpu / secs * 100.0 * 100.0 / f64::from(calls)
            );
        }
    }
    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(10), serving).await;
    if std::fs::remove_dir_all(&cache).is_err() {
        bail!("cannot remove {}", cache.display());
    }
    Ok(())
}

/// Receives RTP until `until` or 3 s of silence; per SSRC, how far each consecutive
/// packet's arrival is from 20 ms after the previous one (ms), and each stream's final
/// RFC 3550 interarrival jitter estimate (ms).
fn jitter(socket: &StdUdpSocket, until: Instant) -> (u64, Vec<f64>, Vec<f64>) {
    let mut last: HashMap<u32, (u16, Instant)> = HashMap::new();
    let mut rfc3550: HashMap<u32, f64> = HashMap::new();
    let (mut packets, mut gaps, mut quiet) = (0u64, Vec::new(), 0);
    let mut buf = [0u8; 2048];
    while Instant::now() < until && quiet < 6 {
        let Ok(len) = socket.recv(&mut buf) else {
            if packets > 0 {
                quiet += 1;
            }
            continue;
        };
        quiet = 0;
        let now = Instant::now();
        let Ok(p) = hotline_codecs::rtp::RtpPacket::parse(&buf[..len]) else {
            continue;
        };
        packets += 1;
        let h = p.header;
        if let Some((seq, at)) = last.insert(h.ssrc, (h.sequence, now)) {
            if h.sequence == seq.wrapping_add(1) && !h.marker {
                let d = ((now - at).as_secs_f64() * 1000.0 - 20.0).abs();
                gaps.push(d);
                let j = rfc3550.entry(h.ssrc).or_insert(0.0);
                *j += (d - *j) / 16.0;
            }
        }
    }
    (packets, gaps, rfc3550.into_values().collect())
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("hotline-sip-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
