//! Load client for the Africa's Talking route: full five-step booking dialogs over HTTP/1.1
//! keep-alive against `hotline::channels::http::serve` with a scripted engine, the server in
//! a child process so that its CPU time can be read apart from the client's.
//!
//! ```text
//! cargo run --release -p hotline-bench --bin at_load -- [--secs 5] [--conns 32] [--server-threads 1]
//! ```
//!
//! Prints dialogs/s, requests/s, request latency p50/p99 and the server's CPU time per dialog
//! (its `/proc/<pid>/stat` user + system time over the dialogs completed). Linux only.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use hotline::channels::http::config::HttpConfig;
use hotline::channels::http::gateway::Gateway;
use hotline::sessions::{Engine, Ingress, IngressEvent, Reply, ReplyFuture, SessionKey};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

/// The journey's screens: welcome, national ID, clinic, day, booked.
const SCREENS: [&str; 5] = [
    "Welcome to the health line\n1. Book a visit\n2. My bookings",
    "Enter your national ID",
    "Choose a clinic\n1. Central\n2. North",
    "Choose a day\n1. Monday\n2. Tuesday",
    "Booked: Central clinic, Tuesday 09:30. Ref HL-0001",
];
/// The cumulative `text` of each request.
const PATHS: [&str; 5] = [
    "",
    "1",
    "1*0012345679",
    "1*0012345679*1",
    "1*0012345679*1*2",
];
const SHARDS: usize = 64;

/// Counts each dialog's steps and answers the screen for that depth.
#[derive(Debug)]
struct Scripted {
    depth: Vec<Mutex<HashMap<SessionKey, usize>>>,
}

impl Engine for Scripted {
    fn handle(&self, ingress: Ingress) -> ReplyFuture<'_> {
        let shard = ingress
            .key
            .id
            .bytes()
            .fold(0usize, |h, b| h.wrapping_mul(31) + usize::from(b));
        let mut map = self.depth[shard % SHARDS]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let reply = if ingress.event == IngressEvent::Abort {
            map.remove(&ingress.key);
            Reply {
                silent: true,
                ..Reply::default()
            }
        } else {
            let depth = map.entry(ingress.key.clone()).or_default();
            let at = (*depth).min(SCREENS.len() - 1);
            *depth += 1;
            let end = at == SCREENS.len() - 1;
            if end {
                map.remove(&ingress.key);
            }
            Reply {
                text: SCREENS[at].into(),
                end,
                sms: None,
                silent: false,
                collect: None,
            }
        };
        Box::pin(std::future::ready(reply))
    }
}

fn arg(name: &str, default: u64) -> anyhow::Result<u64> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == name) {
        Some(i) => Ok(args.get(i + 1).context("missing value")?.parse()?),
        None => Ok(default),
    }
}

/// The child: serves the default config's `/ussd/at` on port 0, prints the port, runs until
/// stdin closes.
fn server(threads: usize) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    rt.block_on(async {
        let stop = CancellationToken::new();
        hotline::metrics::install("127.0.0.1:0".parse()?, stop.clone()).await?;
        let cfg = HttpConfig::default();
        let engine = Arc::new(Scripted {
            depth: (0..SHARDS).map(|_| Mutex::default()).collect(),
        });
        let gateway = Arc::new(Gateway::new(engine, &cfg));
        let listener = hotline::channels::http::bind("127.0.0.1:0".parse()?).await?;
        println!("{}", listener.local_addr()?.port());
        std::io::stdout().flush()?;
        let served = tokio::spawn(hotline::channels::http::serve(
            gateway,
            cfg,
            listener,
            stop.clone(),
        ));
        tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new())).await??;
        stop.cancel();
        served.await??;
        anyhow::Ok(())
    })
}

/// User + system CPU of `pid` in seconds (`/proc/<pid>/stat` fields 14 and 15, in USER_HZ = 100).
fn cpu_secs(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let after = stat.rsplit_once(')').context("stat format")?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11).context("utime")?.parse::<u64>()?
        + fields.get(12).context("stime")?.parse::<u64>()?;
    Ok(ticks as f64 / 100.0)
}

/// One keep-alive connection playing dialogs back to back until `until`.
async fn connection(port: u16, conn: u64, until: Instant) -> anyhow::Result<(u64, Vec<u32>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    stream.set_nodelay(true)?;
    let mut buf = vec![0u8; 4096];
    let mut latencies = Vec::with_capacity(200_000);
    let mut dialogs = 0u64;
    while Instant::now() < until {
        let session = format!("B{conn}-{dialogs}");
        for (i, path) in PATHS.iter().enumerate() {
            let body = format!("sessionId={session}&serviceCode=*384%23&phoneNumber=%2B254711000111&networkCode=63902&text={}", path.replace('*', "%2A"));
            let req = format!("POST /ussd/at HTTP/1.1\r\nhost: bench\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\n\r\n{body}", body.len());
            let sent = Instant::now();
            stream.write_all(req.as_bytes()).await?;
            let text = response(&mut stream, &mut buf).await?;
            latencies.push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
            let want = if i == PATHS.len() - 1 { "END " } else { "CON " };
            if !text.starts_with(want) {
                bail!("dialog {session} step {i}: unexpected answer {text:?}");
            }
        }
        dialogs += 1;
    }
    Ok((dialogs, latencies))
}

/// Reads one response with a `content-length` body; returns the body.
async fn response(stream: &mut TcpStream, buf: &mut [u8]) -> anyhow::Result<String> {
    let mut len = 0;
    loop {
        let n = stream
            .read(buf.get_mut(len..).context("response too large")?)
            .await?;
        if n == 0 {
            bail!("server closed the connection");
        }
        len += n;
        let head_end = buf[..len].windows(4).position(|w| w == b"\r\n\r\n");
        if let Some(end) = head_end {
            let head = std::str::from_utf8(&buf[..end])?;
            let body_len: usize = head
                .lines()
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                })
                .context("no content-length")?
                .1
                .trim()
                .parse()?;
            if len >= end + 4 + body_len {
                return Ok(String::from_utf8_lossy(&buf[end + 4..end + 4 + body_len]).into_owned());
            }
        }
    }
}

fn spawn_server(threads: u64) -> anyhow::Result<(Child, u16)> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--serve", "--server-threads", &threads.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let out = child.stdout.take().context("child stdout")?;
    let mut line = String::new();
    BufReader::new(out).read_line(&mut line)?;
    Ok((child, line.trim().parse().context("server port")?))
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |v| f64::from(*v) / 1000.0)
}

fn main() -> anyhow::Result<()> {
    let threads = arg("--server-threads", 1)?;
    if std::env::args().any(|a| a == "--serve") {
        return server(usize::try_from(threads)?);
    }
    let secs = arg("--secs", 5)?.clamp(1, 60);
    let conns = arg("--conns", 32)?.clamp(1, 1024);
    let (mut child, port) = spawn_server(threads)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(async {
        // Warm-up: one second of load, not counted.
        let warm = Instant::now() + Duration::from_secs(1);
        let tasks: Vec<_> = (0..conns)
            .map(|c| tokio::spawn(connection(port, 1_000 + c, warm)))
            .collect();
        for t in tasks {
            t.await??;
        }
        let cpu_before = cpu_secs(child.id())?;
        let started = Instant::now();
        let until = started + Duration::from_secs(secs);
        let tasks: Vec<_> = (0..conns)
            .map(|c| tokio::spawn(connection(port, c, until)))
            .collect();
        let (mut dialogs, mut lat) = (0u64, Vec::new());
        for t in tasks {
            let (d, l) = t.await??;
            dialogs += d;
            lat.extend(l);
        }
        let wall = started.elapsed().as_secs_f64();
        let cpu = cpu_secs(child.id())? - cpu_before;
        anyhow::Ok((dialogs, lat, wall, cpu))
    });
    drop(child.stdin.take());
    let _ = child.wait();
    let (dialogs, mut lat, wall, cpu) = result?;
    lat.sort_unstable();
    println!("at_load: {conns} keep-alive connections, {secs} s, server worker threads {threads}");
    println!(
        "dialogs/s   {:>10.0}   ({dialogs} five-step bookings in {wall:.2} s)",
        dialogs as f64 / wall
    );
    println!("requests/s  {:>10.0}", lat.len() as f64 / wall);
    println!(
        "request p50 {:>10.3} ms   p99 {:.3} ms",
        percentile(&lat, 0.50),
        percentile(&lat, 0.99)
    );
    println!(
        "server CPU  {:>10.4} ms per dialog ({cpu:.2} s over {dialogs} dialogs)",
        cpu * 1000.0 / dialogs.max(1) as f64
    );
    Ok(())
}
