//! Remote eligibility against a real agency stub on loopback: answers, the TTL cache, the
//! deadline against a slow remote, the down policies, and signatures in both directions.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use hotline::admission::national_id::{NationalId, Profile};
use hotline::sync::config::DownPolicy;
use hotline::sync::eligibility::{
    CoverageStatus, EligibilityConfig, RemoteAnswer, RemoteEligibility, RemoteFailure, RemoteLookup,
};
use hotline::sync::signature::{self, SIGNATURE_HEADER};
use serde_json::{json, Value};

const KEY: &[u8] = b"agency-shared-key";

/// The agency's eligibility endpoint: verifies the signature, then answers from `records`
/// after `delay`, signing its answer with `answer_key`.
#[derive(Default)]
struct Agency {
    records: HashMap<String, Value>,
    delay: Duration,
    answer_key: Vec<u8>,
    hits: Mutex<usize>,
    refused_signature: Mutex<usize>,
}

async fn answer(State(agency): State<Arc<Agency>>, headers: HeaderMap, body: Bytes) -> Response {
    *agency.hits.lock().expect("not poisoned") += 1;
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| signature::verify(KEY, &body, s));
    if !signed {
        *agency.refused_signature.lock().expect("not poisoned") += 1;
        return StatusCode::UNAUTHORIZED.into_response();
    }
    tokio::time::sleep(agency.delay).await;
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let id = request["national_id"].as_str().unwrap_or_default();
    let (status, body) = match agency.records.get(id) {
        Some(record) => (StatusCode::OK, record.to_string().into_bytes()),
        None => (StatusCode::NOT_FOUND, Vec::new()),
    };
    let signature = signature::sign(&agency.answer_key, &body);
    let headers = [
        ("content-type", "application/json".to_owned()),
        (SIGNATURE_HEADER, signature),
    ];
    (status, headers, body).into_response()
}

async fn start_agency(agency: Arc<Agency>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the agency stub");
    let addr = listener.local_addr().expect("a bound address");
    let app = Router::new()
        .route("/eligibility", post(answer))
        .with_state(agency);
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn id(digits: &str) -> NationalId {
    let profile = Profile::generic("[0-9]{10}").expect("a valid pattern");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("a real date");
    profile.parse(digits, today).expect("ten digits")
}

fn record(national_id: &str, coverage: &str) -> Value {
    json!({
        "national_id": national_id,
        "name": "Example Person",
        "birth_date": "1980-02-29",
        "sex": "female",
        "coverage": coverage,
        "paid_through": "2026-11-30",
        "region": "THR",
        "primary_care_facility": "PHC-001",
    })
}

fn agency_with(records: &[(&str, Value)], delay: Duration) -> Arc<Agency> {
    Arc::new(Agency {
        records: records
            .iter()
            .map(|(id, r)| ((*id).to_owned(), r.clone()))
            .collect(),
        delay,
        answer_key: KEY.to_vec(),
        ..Agency::default()
    })
}

fn config(addr: SocketAddr, key: &[u8], policy: DownPolicy) -> EligibilityConfig {
    EligibilityConfig {
        url: format!("http://{addr}/eligibility"),
        key: key.to_vec(),
        deadline: Duration::from_millis(300),
        ttl: Duration::from_secs(60),
        capacity: 100,
        breaker: Duration::from_secs(60),
        policy,
    }
}

fn client(config: EligibilityConfig) -> RemoteEligibility {
    RemoteEligibility::new(config, tokio::runtime::Handle::current()).expect("a client")
}

/// Calls the blocking lookup from the blocking pool, as the admission handler does.
async fn blocking_lookup(remote: &RemoteEligibility, digits: &str) -> RemoteAnswer {
    let (remote, id) = (remote.clone(), id(digits));
    tokio::task::spawn_blocking(move || remote.lookup(&id))
        .await
        .expect("the lookup does not panic")
}

fn hits(agency: &Agency) -> usize {
    *agency.hits.lock().expect("not poisoned")
}

#[tokio::test]
async fn answers_are_cached_for_the_ttl_found_or_not() {
    let agency = agency_with(
        &[("1234567890", record("1234567890", "active"))],
        Duration::ZERO,
    );
    let addr = start_agency(Arc::clone(&agency)).await;
    let remote = client(config(addr, KEY, DownPolicy::Refuse));

    let first = blocking_lookup(&remote, "1234567890").await;
    let RemoteAnswer::Found { record, cached } = first else {
        panic!("expected a record, got {first:?}");
    };
    assert!(!cached);
    assert_eq!(record.coverage, CoverageStatus::Active);
    assert_eq!(record.primary_care_facility.as_deref(), Some("PHC-001"));
    assert!(
        !format!("{record:?}").contains("1234567890"),
        "the ID is masked in Debug"
    );

    let again = blocking_lookup(&remote, "1234567890").await;
    assert!(matches!(again, RemoteAnswer::Found { cached: true, .. }));
    assert_eq!(
        blocking_lookup(&remote, "5555555555").await,
        RemoteAnswer::NotFound { cached: false }
    );
    assert_eq!(
        remote.lookup_async(&id("5555555555")).await,
        RemoteAnswer::NotFound { cached: true }
    );
    assert_eq!(hits(&agency), 2, "cached answers do not reach the remote");
}

#[tokio::test]
async fn a_slow_remote_meets_the_deadline_with_the_refuse_policy() {
    let agency = agency_with(
        &[("1234567890", record("1234567890", "active"))],
        Duration::from_secs(5),
    );
    let addr = start_agency(Arc::clone(&agency)).await;
    let remote = client(config(addr, KEY, DownPolicy::Refuse));

    let answer = blocking_lookup(&remote, "1234567890").await;
    assert_eq!(
        answer,
        RemoteAnswer::Unavailable {
            failure: RemoteFailure::Deadline
        }
    );
    // The breaker is open: the next caller gets the policy at once, without a request.
    let next = blocking_lookup(&remote, "1234567890").await;
    assert_eq!(
        next,
        RemoteAnswer::Unavailable {
            failure: RemoteFailure::RecentlyDown
        }
    );
    assert_eq!(hits(&agency), 1);
}

#[tokio::test]
async fn a_slow_remote_meets_the_deadline_with_the_use_local_policy() {
    let agency = agency_with(&[], Duration::from_secs(5));
    let addr = start_agency(Arc::clone(&agency)).await;
    let remote = client(config(addr, KEY, DownPolicy::UseLocal));
    assert_eq!(
        blocking_lookup(&remote, "1234567890").await,
        RemoteAnswer::UseLocal {
            failure: RemoteFailure::Deadline
        }
    );
}

#[tokio::test]
async fn a_remote_that_is_down_gives_the_policy_outcome() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a probe");
    let addr = probe.local_addr().expect("an address");
    drop(probe);
    let remote = client(config(addr, KEY, DownPolicy::UseLocal));
    let answer = blocking_lookup(&remote, "1234567890").await;
    assert!(
        matches!(
            answer,
            RemoteAnswer::UseLocal {
                failure: RemoteFailure::Transport { .. }
            }
        ),
        "{answer:?}"
    );
}

#[tokio::test]
async fn the_agency_refuses_a_request_signed_with_the_wrong_key() {
    let agency = agency_with(
        &[("1234567890", record("1234567890", "active"))],
        Duration::ZERO,
    );
    let addr = start_agency(Arc::clone(&agency)).await;
    let remote = client(config(addr, b"not-the-key", DownPolicy::Refuse));
    assert_eq!(
        blocking_lookup(&remote, "1234567890").await,
        RemoteAnswer::Unavailable {
            failure: RemoteFailure::Status { status: 401 }
        }
    );
    assert_eq!(*agency.refused_signature.lock().expect("not poisoned"), 1);
}

#[tokio::test]
async fn an_answer_not_signed_by_the_agency_is_not_believed() {
    let mut agency = agency_with(
        &[("1234567890", record("1234567890", "active"))],
        Duration::ZERO,
    );
    Arc::get_mut(&mut agency)
        .expect("not shared yet")
        .answer_key = b"impostor".to_vec();
    let addr = start_agency(Arc::clone(&agency)).await;
    let remote = client(config(addr, KEY, DownPolicy::Refuse));
    assert_eq!(
        blocking_lookup(&remote, "1234567890").await,
        RemoteAnswer::Unavailable {
            failure: RemoteFailure::BadSignature
        }
    );
}

#[tokio::test]
async fn a_record_for_another_person_or_garbage_is_not_believed() {
    let agency = agency_with(
        &[
            ("1234567890", record("9999999999", "active")),
            ("1111111111", json!({"coverage": "maybe"})),
        ],
        Duration::ZERO,
    );
    let addr = start_agency(Arc::clone(&agency)).await;
    let mut config = config(addr, KEY, DownPolicy::UseLocal);
    config.breaker = Duration::ZERO;
    let remote = client(config);
    for digits in ["1234567890", "1111111111"] {
        let answer = blocking_lookup(&remote, digits).await;
        assert!(
            matches!(
                answer,
                RemoteAnswer::UseLocal {
                    failure: RemoteFailure::BadAnswer { .. }
                }
            ),
            "{digits}: {answer:?}"
        );
    }
}

#[test]
fn a_plain_thread_can_look_up_and_a_stopped_runtime_gives_the_policy() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let agency = agency_with(
        &[("1234567890", record("1234567890", "lapsed"))],
        Duration::ZERO,
    );
    let addr = runtime.block_on(start_agency(Arc::clone(&agency)));
    let remote = RemoteEligibility::new(
        config(addr, KEY, DownPolicy::Refuse),
        runtime.handle().clone(),
    )
    .expect("a client");
    let answer = std::thread::scope(|s| {
        s.spawn(|| remote.lookup(&id("1234567890")))
            .join()
            .expect("no panic")
    });
    assert!(
        matches!(&answer, RemoteAnswer::Found { record, .. } if record.coverage == CoverageStatus::Lapsed),
        "{answer:?}"
    );
    drop(runtime);
    assert_eq!(
        remote.lookup(&id("5555555555")),
        RemoteAnswer::Unavailable {
            failure: RemoteFailure::Shutdown
        }
    );
}
