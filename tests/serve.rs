//! `hotline serve`, run as the real binary in a temporary working directory with every
//! listener on port 0: an ESME on `rusmpp` binds and dials `*123#`, an aggregator posts to
//! `/ussd/at`, `/metrics` shows the step, and SIGTERM drains (the ESME is unbound) and
//! exits with status 0. Also: `hotline.example.toml` is accepted, a broken config is not.

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rusmpp::{Command as SmppCommand, CommandId, CommandStatus, Pdu};
use support::rusmpp_peer::{Peer, Ussd};

const MSISDN: &str = "989121234567";
/// The first screen of the shipped journey for a caller the store has not seen.
const LANGUAGES: &str =
    "Language:\n1. English\n2. فارسی\n3. Bahasa Indonesia\n4. Tiếng Việt\n5. 中文";

const CONFIG: &str = r#"
data_dir = "data"
metrics_listen = "127.0.0.1:0"
drain_timeout = "5s"

[smpp.server]
listen = "127.0.0.1:0"

[[smpp.server.integrators]]
system_id = "demo"
password = "demo"
operator = "demo"

[http]
listen = "127.0.0.1:0"

[[http.routes]]
path = "/ussd/at"
aggregator = "africas_talking"

[http.admin]
listen = "127.0.0.1:0"

[sip]
listen = "127.0.0.1:0"
rtp_port_min = 31000
rtp_port_max = 31999
"#;

/// A running `hotline serve` and the addresses its ready line named.
struct Served {
    child: Child,
    dir: tempfile::TempDir,
    smpp: SocketAddr,
    http: SocketAddr,
    metrics: SocketAddr,
    admin: SocketAddr,
    banner: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_serve(config: &str) -> Served {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("hotline.toml"), config).expect("write config");
    let log = std::fs::File::create(dir.path().join("stderr.log")).expect("log file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(["serve", "--config", "hotline.toml"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("hotline serve starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut banner = String::new();
    loop {
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "no ready line; stdout so far:\n{banner}\nstderr:\n{}",
                    stderr_of(dir.path())
                )
            }
        };
        banner.push_str(&line);
        banner.push('\n');
        if let Some(rest) = line.strip_prefix("hotline ready ") {
            let addr = |key: &str| -> SocketAddr {
                rest.split(' ')
                    .find_map(|kv| kv.strip_prefix(key))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("{key} address in {line:?}"))
            };
            return Served {
                smpp: addr("smpp="),
                http: addr("http="),
                metrics: addr("metrics="),
                admin: addr("admin="),
                child,
                dir,
                banner,
            };
        }
    }
}

fn stderr_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default()
}

/// Waits for the process to exit, for at most `limit`.
fn wait_exit(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_smpp_and_http_then_drains_on_sigterm() {
    let mut served = tokio::task::spawn_blocking(|| spawn_serve(CONFIG))
        .await
        .expect("spawn");
    assert!(
        served.banner.contains("system_id \"demo\""),
        "{}",
        served.banner
    );
    assert!(
        served.banner.contains("ussd_service_op 1"),
        "{}",
        served.banner
    );
    assert!(served.banner.contains("0012345679"), "{}", served.banner);

    let (mut esme, status) = Peer::bind(served.smpp, "demo", "demo").await;
    assert_eq!(status, CommandStatus::EsmeRok);
    let dial = Ussd::text(MSISDN, "*123#", "*123#", 1).its(0x0100);
    assert_eq!(esme.submit(&dial).await, CommandStatus::EsmeRok);
    let screen = esme.screen().await.expect("a screen comes back");
    assert_eq!(screen.decoded(), LANGUAGES);
    assert_eq!(
        screen.op,
        Some(2),
        "the language menu asks for an answer (USSR request)"
    );
    assert_eq!(screen.its, Some(0x0100), "standard echoes its_session_info");
    assert_eq!(screen.dest, MSISDN);

    let client = reqwest::Client::new();
    let body = client
        .post(format!("http://{}/ussd/at", served.http))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("sessionId=s1&phoneNumber=%2B989121234567&serviceCode=*123%23&text=")
        .send()
        .await
        .expect("aggregator callback")
        .text()
        .await
        .expect("body");
    assert_eq!(body, format!("CON {LANGUAGES}"));

    let scrape = client
        .get(format!("http://{}/metrics", served.metrics))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("body");
    assert!(
        scrape.contains("hotline_steps_total{channel=\"http\"} 1"),
        "{scrape}"
    );
    let ready = client
        .get(format!("http://{}/ready", served.admin))
        .send()
        .await
        .expect("admin /ready");
    assert!(ready.status().is_success());

    send(&served.child, "-TERM");
    let unbind = esme
        .next_where(|c| c.id() == CommandId::Unbind)
        .await
        .expect("the drain unbinds the ESME");
    esme.send_command(SmppCommand::new(
        CommandStatus::EsmeRok,
        unbind.sequence_number(),
        Pdu::UnbindResp,
    ))
    .await;
    let status = tokio::task::spawn_blocking(move || {
        let status = wait_exit(&mut served.child, Duration::from_secs(20));
        (status, stderr_of(served.dir.path()), served)
    })
    .await
    .expect("wait");
    let (status, log, served) = status;
    assert_eq!(status.map(|s| s.code()), Some(Some(0)), "{log}");
    assert!(log.contains("store closed"), "{log}");
    let data = served.dir.path().join("data");
    assert!(data.join("hotline.sqlite").exists());
    assert!(
        !data.join("hotline.sqlite-wal").exists(),
        "the closed store has checkpointed its WAL"
    );
}

fn send(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} failed");
}

/// Waits until the log holds `needle`, for at most 20 s.
fn wait_log(dir: &Path, needle: &str) -> bool {
    for _ in 0..400 {
        if stderr_of(dir).contains(needle) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// One Africa's Talking request: `text` is every answer so far, joined by `*`.
async fn at_step(http: SocketAddr, session: &str, text: &str) -> String {
    let body = serde_urlencoded::to_string([
        ("sessionId", session),
        ("phoneNumber", "+989121239999"),
        ("serviceCode", "*123#"),
        ("text", text),
    ])
    .expect("form");
    reqwest::Client::new()
        .post(format!("http://{http}/ussd/at"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("aggregator callback")
        .text()
        .await
        .expect("body")
}

fn metric(scrape: &str, name: &str) -> f64 {
    scrape
        .lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_aggregator_books_a_visit_metrics_count_it_and_the_log_keeps_the_id_masked() {
    let served = spawn_serve(CONFIG);
    // English, book, the demo ID, first service, first clinic, first slot, confirm.
    let answers = ["1", "2", "0012345679", "1", "1", "1", "1"];
    let mut screen = at_step(served.http, "book-1", "").await;
    for n in 1..=answers.len() {
        assert!(screen.starts_with("CON "), "step {n}: {screen}");
        screen = at_step(served.http, "book-1", &answers[..n].join("*")).await;
    }
    assert!(screen.starts_with("END Booked! Code "), "{screen}");
    let scrape = reqwest::get(format!("http://{}/metrics", served.metrics))
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text");
    assert_eq!(
        metric(&scrape, "hotline_bookings_total{channel=\"http\"}"),
        1.0,
        "{scrape}"
    );
    assert_eq!(
        metric(&scrape, "hotline_steps_total{channel=\"http\"}"),
        8.0,
        "{scrape}"
    );
    let started = "hotline_sessions_started_total{channel=\"http\"}";
    assert_eq!(metric(&scrape, started), 1.0, "{scrape}");
    let active = "hotline_sessions_active{channel=\"http\"}";
    assert_eq!(
        metric(&scrape, active),
        0.0,
        "the booked dialog is over: {scrape}"
    );
    let log = stderr_of(served.dir.path());
    assert!(log.contains("dialog begun"), "{log}");
    assert!(
        !log.contains("0012345679"),
        "a national ID in clear in the log:\n{log}"
    );
    assert!(
        !log.contains("989121239999"),
        "an MSISDN in clear in the log:\n{log}"
    );
}

async fn begin_http(http: SocketAddr, session: &str) -> String {
    reqwest::Client::new()
        .post(format!("http://{http}/ussd/at"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "sessionId={session}&phoneNumber=%2B989121230000&serviceCode=*123%23&text="
        ))
        .send()
        .await
        .expect("aggregator callback")
        .text()
        .await
        .expect("body")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edited_menu_goes_live_a_broken_one_does_not_and_sigint_stops_cleanly() {
    let mut served = spawn_serve(CONFIG);
    let file = served.dir.path().join("menus/e-admission.yaml");
    assert!(
        file.exists(),
        "serve writes the shipped menus into a missing menus folder"
    );
    let shipped = std::fs::read_to_string(&file).expect("shipped menu");

    // An ops edit: saved, picked up without a restart.
    std::fs::write(
        &file,
        shipped.replace("en: \"Language:\"", "en: \"Pick a language:\""),
    )
    .expect("edit");
    assert!(
        wait_log(served.dir.path(), "menu files changed: reloaded"),
        "{}",
        stderr_of(served.dir.path())
    );
    let edited = begin_http(served.http, "edit-1").await;
    assert!(
        edited.starts_with("CON Pick a language:\n1. English"),
        "{edited}"
    );

    // A broken edit, then SIGHUP: refused, and the edited version keeps serving.
    std::fs::write(&file, shipped.replace("entry:", "entri:")).expect("break");
    send(&served.child, "-HUP");
    assert!(
        wait_log(served.dir.path(), "SIGHUP: reload refused"),
        "{}",
        stderr_of(served.dir.path())
    );
    let still = begin_http(served.http, "edit-2").await;
    assert!(still.starts_with("CON Pick a language:"), "{still}");
    assert!(
        served.child.try_wait().expect("try_wait").is_none(),
        "SIGHUP must not stop the engine"
    );
    send(&served.child, "-INT");
    let status = wait_exit(&mut served.child, Duration::from_secs(20));
    assert_eq!(
        status.map(|s| s.code()),
        Some(Some(0)),
        "{}",
        stderr_of(served.dir.path())
    );
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("hotline.example.toml")
}

#[test]
fn the_example_config_is_accepted() {
    let config = hotline::config::Config::load(&example()).expect("hotline.example.toml parses");
    assert!(config.smpp.server.is_some());
    assert!(config.http.is_some());
}

#[test]
fn the_example_config_is_the_embedded_demo_line() {
    let example = hotline::config::Config::load(&example()).expect("parses");
    let defaults = hotline::config::Config::default();
    let server = |c: &hotline::config::Config| {
        let s = c.smpp.server.as_ref().expect("server role");
        (
            s.listen,
            s.integrators[0].system_id.clone(),
            s.integrators[0].password.clone(),
        )
    };
    assert_eq!(server(&example), server(&defaults));
    assert_eq!(example.http, defaults.http);
    assert_eq!(example.store, defaults.store);
    assert_eq!(example.admission, defaults.admission);
    assert_eq!(example.operators, defaults.operators);
    assert_eq!(example.metrics_listen, defaults.metrics_listen);
    assert_eq!(example.drain_timeout, defaults.drain_timeout);
    assert_eq!(example.data_dir, defaults.data_dir);
}

#[test]
fn every_example_in_the_config_reference_parses() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/config.md"))
        .expect("docs/config.md");
    let mut blocks = 0;
    for block in doc.split("```toml\n").skip(1) {
        let text = block.split("```").next().expect("a closed block");
        hotline::config::Config::parse(text, Path::new("docs/config.md"))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        blocks += 1;
    }
    assert!(blocks >= 10, "only {blocks} examples");
}

#[test]
fn a_broken_config_is_refused_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("bad.toml"),
        "data_dir = \"d\"\nmax_sesions = 3\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(["serve", "--config", "bad.toml"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("max_sesions"), "{err}");
    assert!(
        !dir.path().join("d").exists(),
        "nothing is created for a refused config"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_binds_out_to_a_gateway_and_unbinds_on_sigterm() {
    let gateway = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("gateway listens");
    let gateway_addr = gateway.local_addr().expect("addr");
    let config = format!(
        "{CONFIG}\n[operators.mno]\n\n[[smpp.clients]]\nname = \"gw\"\naddress = \"{gateway_addr}\"\n\
         system_id = \"hotline\"\npassword = \"pw\"\noperator = \"mno\"\ndialect = \"standard\"\n"
    );
    let mut served = tokio::task::spawn_blocking(move || spawn_serve(&config))
        .await
        .expect("spawn");
    assert!(
        served.banner.contains("SMPP out: binding to"),
        "{}",
        served.banner
    );
    let (stream, _) = tokio::time::timeout(Duration::from_secs(10), gateway.accept())
        .await
        .expect("Hotline connects to the gateway")
        .expect("accept");
    let mut gw = Peer::new(stream);
    assert_eq!(gw.accept_bind().await.as_deref(), Some("hotline"));

    let dial = Ussd::text(MSISDN, "*123#", "*123#", 1).its(0x0200);
    assert_eq!(gw.deliver(&dial).await, CommandStatus::EsmeRok);
    let screen = gw.submitted().await.expect("a screen as submit_sm");
    assert_eq!(screen.decoded(), LANGUAGES);
    assert_eq!(screen.op, Some(2));
    assert_eq!(screen.its, Some(0x0200));
    assert_eq!(screen.dest, MSISDN);

    send(&served.child, "-TERM");
    let unbind = gw
        .next_where(|c| c.id() == CommandId::Unbind)
        .await
        .expect("the drain unbinds from the gateway");
    gw.send_command(SmppCommand::new(
        CommandStatus::EsmeRok,
        unbind.sequence_number(),
        Pdu::UnbindResp,
    ))
    .await;
    let (status, log) = tokio::task::spawn_blocking(move || {
        let status = wait_exit(&mut served.child, Duration::from_secs(20));
        (status, stderr_of(served.dir.path()))
    })
    .await
    .expect("wait");
    assert_eq!(status.map(|s| s.code()), Some(Some(0)), "{log}");
}
