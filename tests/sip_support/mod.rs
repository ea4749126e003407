//! Shared pieces of the SIP tests: a scripted voice engine that records what it was given,
//! a running UAS on loopback, a SIPp runner, an RTP capture socket and the RFC 4733 pcap
//! generator.

#![allow(dead_code, reason = "each test binary uses a different part")]

pub mod pcap;
pub mod peer;

use std::net::{SocketAddr, UdpSocket as StdUdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hotline::channels::sip::{PromptConfig, SipConfig, SipServer};
use hotline::sessions::{Collect, Engine, Ingress, IngressEvent, Reply, ReplyFuture};
use tokio::net::UdpSocket;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const WELCOME: &str = "Welcome to the health line. For booking, press 1.";
pub const ASK_ID: &str = "Enter your national ID, then press the hash key.";
pub const BOOKED: &str = "Your visit is booked. Goodbye.";
pub const NOT_HEARD: &str = "Sorry, we did not hear you. Goodbye.";
/// The national ID the callers key in.
pub const NATIONAL_ID: &str = "0012345679";

/// A three-screen voice journey that records every ingress.
#[derive(Debug)]
pub struct VoiceScript {
    seen: Mutex<Vec<Ingress>>,
    /// Signalled on every ingress.
    pub stepped: Notify,
    /// Clear to make every screen play to its end whatever is pressed.
    pub barge_in: std::sync::atomic::AtomicBool,
}

impl VoiceScript {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            seen: Mutex::default(),
            stepped: Notify::new(),
            barge_in: std::sync::atomic::AtomicBool::new(true),
        })
    }

    /// Every ingress so far.
    pub fn seen(&self) -> Vec<Ingress> {
        self.seen.lock().expect("test lock").clone()
    }

    /// The (event, input) pairs so far.
    pub fn events(&self) -> Vec<(IngressEvent, String)> {
        self.seen()
            .into_iter()
            .map(|i| (i.event, i.input))
            .collect()
    }

    /// Waits until `done` holds for the recorded ingress, at most `secs` seconds.
    pub async fn wait_for(&self, secs: u64, done: impl Fn(&[Ingress]) -> bool) -> bool {
        let until = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let notified = self.stepped.notified();
            if done(&self.seen()) {
                return true;
            }
            if tokio::time::timeout_at(until, notified).await.is_err() {
                return done(&self.seen());
            }
        }
    }

    fn reply(&self, seen: &[Ingress], now: &Ingress) -> Reply {
        let barge_in = self.barge_in.load(std::sync::atomic::Ordering::Relaxed);
        let answers = seen
            .iter()
            .filter(|i| i.key == now.key && i.event == IngressEvent::Input)
            .count();
        let collect = |max_digits| {
            Some(Collect {
                first_digit_ms: 3_000,
                inter_digit_ms: 2_000,
                max_digits,
                terminator: Some('#'),
                barge_in,
            })
        };
        let (text, end, collect) = match (now.event, answers) {
            (IngressEvent::NoInput, _) => (NOT_HEARD, true, None),
            (_, 0) => (WELCOME, false, collect(1)),
            (_, 1) => (ASK_ID, false, collect(12)),
            _ => (BOOKED, true, None),
        };
        Reply {
            text: text.into(),
            end,
            collect,
            ..Reply::default()
        }
    }
}

impl Engine for VoiceScript {
    fn handle(&self, ingress: Ingress) -> ReplyFuture<'_> {
        Box::pin(async move {
            let reply = {
                let mut seen = self.seen.lock().expect("test lock");
                seen.push(ingress.clone());
                match ingress.event {
                    IngressEvent::Abort => Reply {
                        silent: true,
                        ..Reply::default()
                    },
                    _ => self.reply(&seen, &ingress),
                }
            };
            self.stepped.notify_waiters();
            reply
        })
    }
}

/// A UAS serving a [`VoiceScript`] on loopback.
pub struct Uas {
    pub addr: SocketAddr,
    pub engine: Arc<VoiceScript>,
    pub shutdown: CancellationToken,
    pub task: JoinHandle<()>,
}

/// A config for tests: port 0, its own RTP range, and tone prompts (no TTS) unless changed.
pub fn config(rtp_base: u16) -> SipConfig {
    SipConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        rtp_port_min: rtp_base,
        rtp_port_max: rtp_base + 98,
        prompts: PromptConfig {
            tts: Vec::new(),
            ..PromptConfig::default()
        },
        ..SipConfig::default()
    }
}

impl Uas {
    pub async fn start(config: SipConfig) -> Self {
        let server = SipServer::bind(config).await.expect("bind SIP on loopback");
        let addr = server.local_addr();
        let engine = VoiceScript::new();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn({
            let engine: Arc<dyn Engine> = engine.clone();
            let shutdown = shutdown.clone();
            async move {
                server
                    .serve(engine, shutdown)
                    .await
                    .expect("SIP server runs");
            }
        });
        Self {
            addr,
            engine,
            shutdown,
            task,
        }
    }

    pub async fn stop(self) {
        self.shutdown.cancel();
        let _ = tokio::time::timeout(Duration::from_secs(8), self.task).await;
    }
}

/// A UDP port free right now (bound then released).
pub fn free_port() -> u16 {
    StdUdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map(|a| a.port())
        .expect("an ephemeral UDP port")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sip")
        .join(name)
}

/// What a SIPp run reported.
#[derive(Debug)]
pub struct SippRun {
    pub success: bool,
    pub errors: String,
    pub stdout: String,
}

/// Runs one call of `scenario` against `target` with SIPp; `vars` become `-set` variables
/// (`[$name]` in the scenario). Blocks a thread, so call it with `spawn_blocking`.
pub fn sipp(scenario: &str, target: SocketAddr, vars: &[(&str, String)]) -> SippRun {
    sipp_with(scenario, target, vars, &[])
}

/// [`sipp`] with extra SIPp arguments (e.g. `-t t1` for TCP).
pub fn sipp_with(
    scenario: &str,
    target: SocketAddr,
    vars: &[(&str, String)],
    extra: &[&str],
) -> SippRun {
    let dir = tempfile::tempdir().expect("temp dir");
    let error_file = dir.path().join("errors.log");
    let mut cmd = Command::new("sipp");
    cmd.arg(target.to_string())
        .arg("-sf")
        .arg(fixture(scenario))
        .args([
            "-m",
            "1",
            "-i",
            "127.0.0.1",
            "-timeout",
            "9",
            "-timeout_error",
            "-nostdin",
        ])
        .args([
            "-p",
            &free_port().to_string(),
            "-mp",
            &free_port().to_string(),
        ])
        .arg("-trace_err")
        .arg("-error_file")
        .arg(&error_file)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for (name, value) in vars {
        cmd.args(["-set", name, value]);
    }
    cmd.args(extra);
    let out = cmd
        .output()
        .expect("sipp must be installed (Debian package sip-tester; .ci/run installs it)");
    SippRun {
        success: out.status.success(),
        errors: std::fs::read_to_string(&error_file).unwrap_or_default(),
        stdout: String::from_utf8_lossy(&out.stdout)
            .chars()
            .rev()
            .take(3000)
            .collect::<String>()
            .chars()
            .rev()
            .collect(),
    }
}

/// One RTP packet as captured, with its arrival time.
#[derive(Debug, Clone, Copy)]
pub struct Captured {
    pub at: tokio::time::Instant,
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    pub payload_len: usize,
}

/// Collects RTP on a loopback socket until the returned handle is awaited after `stop`.
pub async fn capture() -> (u16, CancellationToken, JoinHandle<Vec<Captured>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind capture");
    let port = socket.local_addr().expect("addr").port();
    let stop = CancellationToken::new();
    let task = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut out = Vec::new();
            let mut buf = [0u8; 2048];
            loop {
                tokio::select! {
                    () = stop.cancelled() => return out,
                    r = socket.recv_from(&mut buf) => {
                        let Ok((len, _)) = r else { continue };
                        if let Ok(p) = hotline_codecs::rtp::RtpPacket::parse(&buf[..len]) {
                            out.push(Captured {
                                at: tokio::time::Instant::now(),
                                marker: p.header.marker,
                                payload_type: p.header.payload_type,
                                sequence: p.header.sequence,
                                timestamp: p.header.timestamp,
                                ssrc: p.header.ssrc,
                                payload_len: p.payload.len(),
                            });
                        }
                    }
                }
            }
        }
    });
    (port, stop, task)
}

/// Checks the RTP rules every stream must keep: one SSRC, sequence +1 per packet, timestamp
/// +160 per 20 ms frame inside a talkspurt and forward jumps at each marker. Returns the
/// talkspurts (as index ranges).
pub fn check_stream(packets: &[Captured], payload_type: u8) -> Vec<std::ops::Range<usize>> {
    assert!(!packets.is_empty(), "no RTP arrived");
    let mut spurts = Vec::new();
    let mut start = 0;
    assert!(packets[0].marker, "the first packet starts a talkspurt");
    for (n, pair) in packets.windows(2).enumerate() {
        let (a, b) = (pair[0], pair[1]);
        assert_eq!(b.payload_type, payload_type, "packet {}", n + 1);
        assert_eq!((b.ssrc, b.payload_len), (a.ssrc, 160), "packet {}", n + 1);
        assert_eq!(
            b.sequence,
            a.sequence.wrapping_add(1),
            "sequence at packet {}",
            n + 1
        );
        let step = b.timestamp.wrapping_sub(a.timestamp);
        if b.marker {
            assert!(
                (160..u32::MAX / 2).contains(&step),
                "timestamp must move on at a new talkspurt: {step}"
            );
            spurts.push(start..n + 1);
            start = n + 1;
        } else {
            assert_eq!(step, 160, "timestamp step at packet {}", n + 1);
        }
    }
    spurts.push(start..packets.len());
    spurts
}
