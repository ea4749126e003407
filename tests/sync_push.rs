//! The outbox pusher against a real HTTP receiver on loopback, which verifies the HMAC and
//! records each `event_id` once, as `docs/sync.md` asks an agency to.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hotline::sync::batch::{PushBatch, WireEvent};
use hotline::sync::config::SyncConfig;
use hotline::sync::metrics::{OUTBOX_LAG_SECONDS, PUSHED_EVENTS, PUSH_FAILURES};
use hotline::sync::outbox::{Outbox, OutboxError, OutboxEvent};
use hotline::sync::pusher::{self, PushFailure, PusherConfig, PusherHandle};
use hotline::sync::schedule::Backoff;
use hotline::sync::signature::{self, SIGNATURE_HEADER};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use serde_json::json;

const KEY: &[u8] = b"agency-shared-key";

/// The store's side, in memory: pending until acknowledged.
#[derive(Default)]
struct MemOutbox {
    events: Mutex<BTreeMap<i64, OutboxEvent>>,
}

impl MemOutbox {
    fn with_events(count: i64) -> Arc<Self> {
        let outbox = Self::default();
        let mut events = outbox.events.lock().expect("fresh lock");
        for seq in 1..=count {
            let person = seq % 3;
            let event = OutboxEvent {
                seq,
                event_id: format!("evt-{seq:04}"),
                person_key: format!("person-{person}"),
                kind: "booking.created".to_owned(),
                payload: json!({ "booking_code": format!("{:06}", 100_000 + seq) }),
                created_at_ms: 1_764_000_000_000 + seq,
            };
            events.insert(seq, event);
        }
        drop(events);
        Arc::new(outbox)
    }

    fn pending_ids(&self) -> Vec<String> {
        let events = self.events.lock().expect("not poisoned");
        events.values().map(|e| e.event_id.clone()).collect()
    }
}

impl Outbox for MemOutbox {
    fn pending(&self, limit: usize) -> Result<Vec<OutboxEvent>, OutboxError> {
        let events = self.events.lock().map_err(|e| e.to_string())?;
        Ok(events.values().take(limit).cloned().collect())
    }

    fn acknowledge(&self, seqs: &[i64]) -> Result<(), OutboxError> {
        let mut events = self.events.lock().map_err(|e| e.to_string())?;
        seqs.iter().for_each(|seq| {
            events.remove(seq);
        });
        Ok(())
    }
}

/// The agency's side: verifies, dedups by `event_id`, and can misbehave on request.
#[derive(Default)]
struct Receiver {
    key: Vec<u8>,
    state: Mutex<Received>,
}

#[derive(Default)]
struct Received {
    requests: usize,
    refused_signature: usize,
    duplicates: usize,
    seen: HashSet<String>,
    accepted: Vec<WireEvent>,
    /// Record the next N batches, then answer too late for the pusher (a lost response).
    lose_responses: usize,
    /// Refuse batches larger than this with 413.
    max_batch: Option<usize>,
}

async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    let lose = {
        let mut state = rx.state.lock().expect("not poisoned");
        state.requests += 1;
        if !signature.is_some_and(|s| signature::verify(&rx.key, &body, s)) {
            state.refused_signature += 1;
            return StatusCode::UNAUTHORIZED;
        }
        let Ok(batch) = serde_json::from_slice::<PushBatch>(&body) else {
            return StatusCode::BAD_REQUEST;
        };
        if state.max_batch.is_some_and(|max| batch.events.len() > max) {
            return StatusCode::PAYLOAD_TOO_LARGE;
        }
        for event in batch.events {
            if state.seen.insert(event.event_id.clone()) {
                state.accepted.push(event);
            } else {
                state.duplicates += 1;
            }
        }
        let lose = state.lose_responses > 0;
        state.lose_responses = state.lose_responses.saturating_sub(1);
        lose
    };
    if lose {
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
    StatusCode::OK
}

/// Serves `rx` on `addr` (port 0: any free port) and returns the bound address.
async fn start_receiver(addr: SocketAddr, rx: Arc<Receiver>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .expect("bind the receiver");
    let bound = listener.local_addr().expect("a bound address");
    let app = Router::new().route("/push", post(receive)).with_state(rx);
    tokio::spawn(async move { axum::serve(listener, app).await });
    bound
}

fn any_port() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn receiver(key: &[u8]) -> Arc<Receiver> {
    Arc::new(Receiver {
        key: key.to_vec(),
        state: Mutex::default(),
    })
}

fn config(addr: SocketAddr, key: &[u8], batch_size: usize) -> PusherConfig {
    PusherConfig {
        push_url: format!("http://{addr}/push"),
        key: key.to_vec(),
        batch_size,
        push_timeout: Duration::from_millis(500),
        backoff: Backoff {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(200),
            idle_poll: Duration::from_millis(20),
        },
    }
}

fn start_pusher(outbox: &Arc<MemOutbox>, config: PusherConfig) -> PusherHandle {
    let outbox: Arc<dyn Outbox> = outbox.clone();
    pusher::spawn(outbox, config).expect("the pusher starts")
}

/// Waits (bounded) until `done` holds; this is not a timing assertion.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1_500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("gave up waiting for {what}");
}

/// A port that was free a moment ago, for a receiver that starts later.
fn free_port() -> SocketAddr {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a probe");
    probe.local_addr().expect("the probe has an address")
}

/// Reads the pusher's metrics. The debugging recorder resets values on each snapshot, so
/// counters are summed here and gauges keep their last reading.
struct Readings {
    snapshotter: Snapshotter,
    values: BTreeMap<String, f64>,
}

impl Readings {
    fn new(snapshotter: Snapshotter) -> Self {
        Self {
            snapshotter,
            values: BTreeMap::new(),
        }
    }

    /// Takes a snapshot and returns the reading of `name` after it.
    fn read(&mut self, name: &str) -> f64 {
        for (key, _, _, value) in self.snapshotter.snapshot().into_vec() {
            let name = key.key().name().to_owned();
            match value {
                DebugValue::Counter(n) => *self.values.entry(name).or_default() += n as f64,
                DebugValue::Gauge(g) => {
                    self.values.insert(name, g.into_inner());
                }
                DebugValue::Histogram(_) => {}
            }
        }
        self.values.get(name).copied().unwrap_or(f64::NAN)
    }

    fn last(&self, name: &str) -> f64 {
        self.values.get(name).copied().unwrap_or(f64::NAN)
    }
}

fn assert_per_person_order(accepted: &[WireEvent]) {
    let mut last: BTreeMap<&str, i64> = BTreeMap::new();
    for event in accepted {
        let previous = last.insert(&event.person_key, event.seq);
        assert!(
            previous < Some(event.seq),
            "{} after seq {previous:?}",
            event.seq
        );
    }
}

#[tokio::test]
async fn receiver_down_then_up_loses_nothing_and_a_lost_response_is_deduplicated() {
    let addr = free_port();
    let outbox = MemOutbox::with_events(25);
    let all = outbox.pending_ids();
    let recorder = DebuggingRecorder::new();
    let mut metrics = Readings::new(recorder.snapshotter());
    let handle =
        metrics::with_local_recorder(&recorder, || start_pusher(&outbox, config(addr, KEY, 10)));

    eventually("three failed attempts", || handle.stats().failures >= 3).await;
    let stats = handle.stats();
    let lag = metrics.read(OUTBOX_LAG_SECONDS);
    assert!(lag > 0.0, "the lag shows while the receiver is down: {lag}");
    assert!(metrics.last(PUSH_FAILURES) >= 3.0);
    assert!(
        matches!(stats.last_failure, Some(PushFailure::Transport { .. })),
        "{stats:?}"
    );
    assert_eq!(
        outbox.pending_ids(),
        all,
        "nothing is acknowledged while the receiver is down"
    );
    assert_eq!(stats.pending, 10);
    assert!(stats.pending_capped && stats.oldest_pending_age.is_some());

    let rx = receiver(KEY);
    rx.state.lock().expect("not poisoned").lose_responses = 1;
    start_receiver(addr, Arc::clone(&rx)).await;
    eventually("an empty outbox", || outbox.pending_ids().is_empty()).await;

    {
        let state = rx.state.lock().expect("not poisoned");
        let accepted: Vec<String> = state.accepted.iter().map(|e| e.event_id.clone()).collect();
        assert_eq!(
            accepted.len(),
            all.len(),
            "every event exactly once at the receiver"
        );
        assert_eq!(
            accepted.iter().collect::<HashSet<_>>(),
            all.iter().collect::<HashSet<_>>()
        );
        assert!(
            state.duplicates >= 1,
            "the batch whose answer was lost came again"
        );
        assert_per_person_order(&state.accepted);
    }
    eventually("the lag to clear", || handle.stats().pending == 0).await;
    let stats = handle.stats();
    assert_eq!(stats.delivered, 25);
    assert_eq!(stats.oldest_pending_age, None);
    assert_eq!(metrics.read(PUSHED_EVENTS), 25.0);
    assert_eq!(metrics.last(OUTBOX_LAG_SECONDS), 0.0, "the lag clears");
    handle.shutdown().await;
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_the_events_wait_for_the_right_one() {
    let rx = receiver(KEY);
    let addr = start_receiver(any_port(), Arc::clone(&rx)).await;
    let outbox = MemOutbox::with_events(7);
    let all = outbox.pending_ids();

    let wrong = start_pusher(&outbox, config(addr, b"not-the-key", 100));
    eventually("two refused attempts", || {
        rx.state.lock().expect("not poisoned").refused_signature >= 2
    })
    .await;
    let stats = wrong.stats();
    wrong.shutdown().await;
    assert_eq!(
        stats.last_failure,
        Some(PushFailure::Rejected { status: 401 })
    );
    assert_eq!(
        outbox.pending_ids(),
        all,
        "refused events stay in the outbox"
    );
    assert!(rx.state.lock().expect("not poisoned").accepted.is_empty());

    // A restart with the right key delivers what the outbox kept.
    let right = start_pusher(&outbox, config(addr, KEY, 100));
    right.wake();
    eventually("an empty outbox", || outbox.pending_ids().is_empty()).await;
    right.shutdown().await;
    let state = rx.state.lock().expect("not poisoned");
    let accepted: Vec<&str> = state.accepted.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(accepted, all.iter().map(String::as_str).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_tampered_body_is_refused_by_the_receiver() {
    let rx = receiver(KEY);
    let addr = start_receiver(any_port(), Arc::clone(&rx)).await;
    let outbox = MemOutbox::with_events(2);
    let events = outbox.pending(10).expect("in memory");
    let genuine = PushBatch::new(&events, 1).to_body();
    let mut tampered_batch = PushBatch::new(&events, 1);
    tampered_batch.events[0].payload = json!({ "booking_code": "999999" });
    let tampered = tampered_batch.to_body();

    let client = reqwest::Client::new();
    let send = |body: Vec<u8>, signature: String| {
        client
            .post(format!("http://{addr}/push"))
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
    };
    let refused = send(tampered.clone(), signature::sign(KEY, &genuine)).await;
    assert_eq!(refused.expect("an answer").status(), 401);
    let unsigned = send(genuine.clone(), String::new()).await;
    assert_eq!(unsigned.expect("an answer").status(), 401);
    assert!(rx.state.lock().expect("not poisoned").accepted.is_empty());
    let accepted = send(genuine.clone(), signature::sign(KEY, &genuine)).await;
    assert_eq!(accepted.expect("an answer").status(), 200);
    let state = rx.state.lock().expect("not poisoned");
    assert_eq!(state.accepted.len(), 2);
    assert_eq!(state.accepted[0].payload["booking_code"], "100001");
}

#[tokio::test]
async fn a_receiver_that_refuses_large_batches_gets_smaller_ones() {
    let rx = receiver(KEY);
    rx.state.lock().expect("not poisoned").max_batch = Some(3);
    let addr = start_receiver(any_port(), Arc::clone(&rx)).await;
    let outbox = MemOutbox::with_events(20);
    let handle = start_pusher(&outbox, config(addr, KEY, 16));
    eventually("an empty outbox", || outbox.pending_ids().is_empty()).await;
    handle.shutdown().await;
    let state = rx.state.lock().expect("not poisoned");
    assert_eq!(state.accepted.len(), 20);
    assert_per_person_order(&state.accepted);
}

/// Waits (bounded) on a plain thread until `done` holds.
fn eventually_blocking(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1_500 {
        if done() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("gave up waiting for {what}");
}

/// The engine dies (its runtime is torn down) after the receiver recorded a batch but
/// before the answer arrived; the restarted engine, started from `[sync]` as `hotline
/// serve` does, resends it and the receiver keeps one copy.
#[test]
fn a_crash_mid_push_resends_and_the_receiver_keeps_one_copy() {
    let receiver_rt = tokio::runtime::Runtime::new().expect("a runtime");
    let rx = receiver(KEY);
    rx.state.lock().expect("not poisoned").lose_responses = 1;
    let addr = receiver_rt.block_on(start_receiver(any_port(), Arc::clone(&rx)));
    let outbox = MemOutbox::with_events(25);
    let all = outbox.pending_ids();

    let engine = tokio::runtime::Runtime::new().expect("a runtime");
    let mut slow = config(addr, KEY, 10);
    slow.push_timeout = Duration::from_secs(30);
    let first = {
        let _runtime = engine.enter();
        start_pusher(&outbox, slow)
    };
    eventually_blocking("the first batch recorded", || {
        rx.state.lock().expect("not poisoned").accepted.len() >= 10
    });
    engine.shutdown_background();
    drop(first);
    assert_eq!(outbox.pending_ids(), all, "nothing was acknowledged");

    let sync: SyncConfig = toml::from_str(&format!(
        "push_url = \"http://{addr}/push\"\nsecret = \"agency-shared-key\"\nbatch_size = 10\n\
         backoff_initial = \"20ms\"\nbackoff_max = \"200ms\"\npush_interval = \"20ms\"\n"
    ))
    .expect("a valid [sync] section");
    let restarted = tokio::runtime::Runtime::new().expect("a runtime");
    let outbox_dyn: Arc<dyn Outbox> = outbox.clone();
    let second = restarted
        .block_on(async { pusher::start(&sync, outbox_dyn) })
        .expect("the pusher starts")
        .expect("push_url is set");
    eventually_blocking("an empty outbox", || outbox.pending_ids().is_empty());
    restarted.block_on(second.shutdown());

    let state = rx.state.lock().expect("not poisoned");
    assert_eq!(state.accepted.len(), 25, "each event once at the receiver");
    assert!(state.duplicates >= 10, "the unanswered batch came again");
    assert_per_person_order(&state.accepted);
    drop(state);
    let no_url = SyncConfig::default();
    let outbox_dyn: Arc<dyn Outbox> = outbox.clone();
    let none = restarted.block_on(async { pusher::start(&no_url, outbox_dyn) });
    assert!(matches!(none, Ok(None)), "no push_url, no pusher");
}
