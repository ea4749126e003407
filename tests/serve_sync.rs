//! `hotline serve` with `sync.eligibility_url` and `sync.roster_url` set, as the real binary
//! against a loopback agency stub: a caller only the agency knows books a visit over the
//! HTTP channel, the roster puller writes the agency's page into the SQLite file, and
//! SIGTERM stops both cleanly.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hotline::store::{AdmissionStore, SqliteStore, StoreConfig};
use hotline::sync::signature::{self, SIGNATURE_HEADER};
use serde_json::{json, Value};

const KEY: &str = "serve-sync-shared-key";
/// Valid for `ir`, not on the demo roster: only the agency knows this caller.
const REMOTE_ONLY: &str = "0499370813";
/// Valid for `ir`, added to the local roster by the agency's roster page.
const PULLED: &str = "0499370821";

#[derive(Default)]
struct Agency {
    asked: Mutex<Vec<String>>,
    pulls: Mutex<Vec<String>>,
}

fn signed(body: Vec<u8>, status: StatusCode) -> Response {
    let signature = signature::sign(KEY.as_bytes(), &body);
    (status, [(SIGNATURE_HEADER, signature)], body).into_response()
}

async fn eligibility(
    State(agency): State<Arc<Agency>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ok = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| signature::verify(KEY.as_bytes(), &body, s));
    if !ok {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or_default();
    let id = request["national_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    agency.asked.lock().expect("not poisoned").push(id.clone());
    if id != REMOTE_ONLY {
        return signed(Vec::new(), StatusCode::NOT_FOUND);
    }
    let record = json!({
        "national_id": REMOTE_ONLY, "name": "Remote Person", "birth_date": "1985-05-05",
        "sex": "female", "coverage": "active", "region": "ir-thr",
        "primary_care_facility": "ir-thr-1"
    });
    signed(record.to_string().into_bytes(), StatusCode::OK)
}

async fn roster(State(agency): State<Arc<Agency>>, RawQuery(query): RawQuery) -> Response {
    agency
        .pulls
        .lock()
        .expect("not poisoned")
        .push(query.unwrap_or_default());
    let page = json!({
        "records": [{ "national_id": PULLED, "name": "Pulled Person", "coverage": "active",
                      "region": "ir-thr" }],
        "next_cursor": "c1", "more": false
    });
    signed(page.to_string().into_bytes(), StatusCode::OK)
}

async fn start_agency(agency: Arc<Agency>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the agency stub");
    let addr = listener.local_addr().expect("a bound address");
    let app = Router::new()
        .route("/eligibility", post(eligibility))
        .route("/roster", get(roster))
        .with_state(agency);
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

struct Served {
    child: Child,
    http: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_serve(dir: &std::path::Path, agency: SocketAddr) -> Served {
    let config = format!(
        r#"
data_dir = "data"
metrics_listen = "127.0.0.1:0"
drain_timeout = "5s"

[http]
listen = "127.0.0.1:0"

[[http.routes]]
path = "/ussd/at"
aggregator = "africas_talking"

[http.admin]
listen = "127.0.0.1:0"

[smpp.server]
listen = "127.0.0.1:0"

[sip]
listen = "127.0.0.1:0"
rtp_port_min = 32000
rtp_port_max = 32999

[sync]
eligibility_url = "http://{agency}/eligibility"
roster_url = "http://{agency}/roster"
secret = "{KEY}"
down_policy = "refuse"
"#
    );
    std::fs::write(dir.join("hotline.toml"), config).expect("write config");
    let log = std::fs::File::create(dir.join("stderr.log")).expect("log file");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(["serve", "--config", "hotline.toml"])
        .current_dir(dir)
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
    loop {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
            panic!("no ready line; stderr:\n{stderr}");
        };
        if let Some(rest) = line.strip_prefix("hotline ready ") {
            let http = rest
                .split(' ')
                .find_map(|kv| kv.strip_prefix("http="))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("http address in {line:?}"));
            return Served { child, http };
        }
    }
}

/// One Africa's Talking request: `text` is every answer so far, joined by `*`.
async fn at_step(http: SocketAddr, text: &str) -> String {
    let body = serde_urlencoded::to_string([
        ("sessionId", "remote-1"),
        ("phoneNumber", "+989121238888"),
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

async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1_000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("gave up waiting for {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_books_a_caller_only_the_agency_knows_and_pulls_the_roster() {
    let agency = Arc::new(Agency::default());
    let addr = start_agency(Arc::clone(&agency)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut served = spawn_serve(dir.path(), addr);

    // English, book, the remote-only ID, first service, first clinic, first slot, confirm.
    let answers = ["1", "2", REMOTE_ONLY, "1", "1", "1", "1"];
    let mut screen = at_step(served.http, "").await;
    for n in 1..=answers.len() {
        assert!(screen.starts_with("CON "), "step {n}: {screen}");
        screen = at_step(served.http, &answers[..n].join("*")).await;
    }
    assert!(screen.starts_with("END Booked! Code "), "{screen}");
    assert!(agency
        .asked
        .lock()
        .expect("not poisoned")
        .iter()
        .any(|id| id == REMOTE_ONLY));
    eventually("a roster pull", || {
        !agency.pulls.lock().expect("not poisoned").is_empty()
    })
    .await;

    let status = Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut exited = None;
    for _ in 0..200 {
        if let Some(code) = served.child.try_wait().expect("try_wait") {
            exited = Some(code);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(exited.is_some_and(|s| s.success()), "{exited:?}");
    assert_eq!(agency.pulls.lock().expect("not poisoned")[0], "since=");

    let store = SqliteStore::open(&StoreConfig::new(dir.path().join("data"))).expect("reopens");
    let pulled = store.person(PULLED).expect("a read").expect("pulled");
    assert_eq!(pulled.name, "Pulled Person");
    assert_eq!(
        store.meta("sync.roster_cursor").expect("a read").as_deref(),
        Some("c1")
    );
    let bookings = store
        .bookings_of(REMOTE_ONLY, chrono::NaiveDate::MIN)
        .expect("a read");
    assert_eq!(
        bookings.len(),
        1,
        "the remote-only caller's booking is stored"
    );
    assert_eq!(store.person(REMOTE_ONLY).expect("a read"), None);
}
