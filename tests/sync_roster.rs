//! The roster delta puller against a loopback agency stub that serves pages by cursor,
//! checks the request's signature and signs its answers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hotline::sync::roster::{self, PullFailure, PullerConfig, RosterDelta, RosterSink, SinkError};
use hotline::sync::schedule::Backoff;
use hotline::sync::signature::{self, SIGNATURE_HEADER};
use serde_json::{json, Value};

const KEY: &[u8] = b"agency-shared-key";

/// The store's side: the roster by ID and the cursor, changed together.
#[derive(Default)]
struct MemRoster {
    state: Mutex<(BTreeMap<String, String>, Option<String>)>,
}

impl RosterSink for MemRoster {
    fn cursor(&self) -> Result<Option<String>, SinkError> {
        Ok(self.state.lock().map_err(|e| e.to_string())?.1.clone())
    }

    fn apply(&self, delta: &RosterDelta) -> Result<(), SinkError> {
        let mut state = self.state.lock().map_err(|e| e.to_string())?;
        for record in &delta.records {
            let coverage = serde_json::to_value(record.coverage)?;
            let id = record.national_id.expose().clone();
            state
                .0
                .insert(id, coverage.as_str().unwrap_or("?").to_owned());
        }
        for id in &delta.removed {
            state.0.remove(id.expose());
        }
        state.1 = Some(delta.next_cursor.clone());
        Ok(())
    }
}

/// The agency: page `n` of `pages` answers `since=<n>`; records every `since` it saw.
struct Agency {
    pages: Vec<Value>,
    answer_key: Vec<u8>,
    seen: Mutex<Vec<String>>,
    refused: Mutex<usize>,
}

async fn page(
    State(agency): State<Arc<Agency>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let query = query.unwrap_or_default();
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| signature::verify(KEY, query.as_bytes(), s));
    if !signed {
        *agency.refused.lock().expect("not poisoned") += 1;
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let since = query.strip_prefix("since=").unwrap_or_default().to_owned();
    agency
        .seen
        .lock()
        .expect("not poisoned")
        .push(since.clone());
    let index: usize = since.parse().unwrap_or(0);
    let body = match agency.pages.get(index) {
        Some(page) => page.to_string(),
        None => json!({"records": [], "next_cursor": since, "more": false}).to_string(),
    };
    let signature = signature::sign(&agency.answer_key, body.as_bytes());
    (
        StatusCode::OK,
        [(SIGNATURE_HEADER, signature)],
        Bytes::from(body),
    )
        .into_response()
}

fn record(id: &str, coverage: &str) -> Value {
    json!({"national_id": id, "coverage": coverage, "paid_through": "2026-12-31"})
}

fn three_pages() -> Vec<Value> {
    vec![
        json!({"records": [record("1000000001", "active"), record("1000000002", "active")],
               "next_cursor": "1", "more": true}),
        json!({"records": [record("1000000003", "lapsed")], "next_cursor": "2", "more": true}),
        json!({"records": [record("1000000001", "suspended")], "removed": ["1000000002"],
               "next_cursor": "3", "more": false}),
    ]
}

async fn start_agency(agency: Arc<Agency>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the agency stub");
    let addr = listener.local_addr().expect("a bound address");
    let app = Router::new().route("/roster", get(page)).with_state(agency);
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/roster")
}

fn agency(answer_key: &[u8]) -> Arc<Agency> {
    Arc::new(Agency {
        pages: three_pages(),
        answer_key: answer_key.to_vec(),
        seen: Mutex::default(),
        refused: Mutex::default(),
    })
}

fn config(url: String, key: &[u8]) -> PullerConfig {
    PullerConfig {
        url,
        key: key.to_vec(),
        timeout: Duration::from_millis(500),
        backoff: Backoff {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(100),
            idle_poll: Duration::from_secs(3600),
        },
    }
}

async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..1_500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("gave up waiting for {what}");
}

#[tokio::test]
async fn pages_are_applied_in_order_and_a_restart_resumes_at_the_cursor() {
    let agency = agency(KEY);
    let url = start_agency(Arc::clone(&agency)).await;
    let sink = Arc::new(MemRoster::default());
    let handle = roster::spawn(sink.clone(), config(url.clone(), KEY)).expect("starts");
    eventually("three pages", || handle.stats().pages >= 3).await;
    handle.shutdown().await;
    {
        let state = sink.state.lock().expect("not poisoned");
        let roster: Vec<(&str, &str)> = state
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            roster,
            [("1000000001", "suspended"), ("1000000003", "lapsed")]
        );
        assert_eq!(state.1.as_deref(), Some("3"));
    }
    assert_eq!(*agency.seen.lock().expect("not poisoned"), ["", "1", "2"]);

    let again = roster::spawn(sink.clone(), config(url, KEY)).expect("starts");
    eventually("one more pull", || again.stats().pages >= 1).await;
    again.shutdown().await;
    assert_eq!(
        agency
            .seen
            .lock()
            .expect("not poisoned")
            .last()
            .map(String::as_str),
        Some("3"),
        "a restarted puller asks from the stored cursor"
    );
}

#[tokio::test]
async fn an_unsigned_page_is_not_applied_and_a_wrongly_signed_request_is_refused() {
    let impostor = agency(b"impostor");
    let url = start_agency(Arc::clone(&impostor)).await;
    let sink = Arc::new(MemRoster::default());
    let handle = roster::spawn(sink.clone(), config(url.clone(), KEY)).expect("starts");
    eventually("two failed pulls", || handle.stats().failures >= 2).await;
    let stats = handle.stats();
    handle.shutdown().await;
    assert_eq!(stats.last_failure, Some(PullFailure::BadSignature));
    assert_eq!(stats.pages, 0);
    assert!(sink.state.lock().expect("not poisoned").0.is_empty());
    assert_eq!(sink.state.lock().expect("not poisoned").1, None);

    let wrong = roster::spawn(sink.clone(), config(url, b"not-the-key")).expect("starts");
    eventually("a refused pull", || {
        *impostor.refused.lock().expect("not poisoned") >= 1
    })
    .await;
    eventually("the failure recorded", || wrong.stats().failures >= 1).await;
    let stats = wrong.stats();
    wrong.shutdown().await;
    assert_eq!(
        stats.last_failure,
        Some(PullFailure::Status { status: 401 })
    );
}
