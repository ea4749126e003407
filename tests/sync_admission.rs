//! Remote eligibility wired into admission, and the roster delta pull into the SQLite store,
//! each against a real agency stub on loopback: the `eligibility.check` and
//! `booking.create` actions for a person only the agency knows, the down policies when the
//! agency is unreachable, and roster pages applied to the store across a restart.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use hotline::admission::{open_with_remote, Opened};
use hotline::config::Config;
use hotline::effects::{ActionHandler, ActionOutcome, ActionRequest};
use hotline::store::api::RosterBatch;
use hotline::store::model::{Coverage, Person, Sex};
use hotline::store::{AdmissionStore, SqliteStore, StoreConfig};
use hotline::sync::config::DownPolicy;
use hotline::sync::eligibility::{EligibilityConfig, RemoteEligibility, RemoteLookup};
use hotline::sync::roster::{self, PullerConfig, RosterSink};
use hotline::sync::schedule::Backoff;
use hotline::sync::signature::{self, SIGNATURE_HEADER};
use serde_json::{json, Map, Value};

const KEY: &[u8] = b"agency-shared-key";

/// Known only to the agency: covered, a woman born in 1985, registered at Tehran Clinic 1.
const REMOTE_ONLY: &str = "0499370813";
/// Known only to the agency: a dependant of `REMOTE_HEAD`.
const REMOTE_DEPENDANT: &str = "0499370821";
/// Known only to the agency: a head of household whose contributions lapsed.
const REMOTE_HEAD: &str = "0499370831";
/// Valid, and known to nobody.
const NOBODY: &str = "0499370848";
/// On the demo roster, covered.
const ALI: &str = "0012345679";

/// 2026-12-03 06:00 UTC: 09:30 in Tehran (the demo line's offset is +03:30).
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_277_600)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date")
}

/// The agency: eligibility answers from `records` (404 otherwise), signed; counts hits.
#[derive(Default)]
struct Agency {
    records: HashMap<String, Value>,
    asked: Mutex<Vec<String>>,
}

async fn eligibility(
    State(agency): State<Arc<Agency>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let signed = headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| signature::verify(KEY, &body, s));
    if !signed {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or_default();
    let id = request["national_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    agency.asked.lock().expect("not poisoned").push(id.clone());
    let (status, body) = match agency.records.get(&id) {
        Some(record) => (StatusCode::OK, record.to_string().into_bytes()),
        None => (StatusCode::NOT_FOUND, Vec::new()),
    };
    let signature = signature::sign(KEY, &body);
    (status, [(SIGNATURE_HEADER, signature)], body).into_response()
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the agency stub");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// A loopback URL where nothing listens (the port was bound, then let go).
async fn dead_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a port");
    let addr = listener.local_addr().expect("a bound address");
    drop(listener);
    format!("http://{addr}/eligibility")
}

fn remote(url: String, policy: DownPolicy) -> Arc<dyn RemoteLookup> {
    let config = EligibilityConfig {
        url,
        key: KEY.to_vec(),
        deadline: Duration::from_millis(800),
        ttl: Duration::from_secs(300),
        capacity: 1_000,
        breaker: Duration::from_secs(5),
        policy,
    };
    Arc::new(RemoteEligibility::new(config, tokio::runtime::Handle::current()).expect("client"))
}

/// The demo `ir` line under `dir`, asking `remote` about IDs it does not hold.
fn line(dir: &std::path::Path, remote: Arc<dyn RemoteLookup>) -> Opened {
    let config = Config {
        data_dir: dir.to_owned(),
        id_profile: "ir".into(),
        ..Config::default()
    };
    open_with_remote(&config, today(), Some(remote)).expect("the demo line opens")
}

/// Performs one action on the blocking pool, as the runtime does (remote lookups block).
async fn ask(line: &Opened, step: &str, action: &str, args: Value) -> ActionOutcome {
    let actions = Arc::clone(&line.actions);
    let request = ActionRequest {
        action: action.into(),
        args: match args {
            Value::Object(map) => map,
            _ => Map::new(),
        },
        idempotency_key: format!("s1:{step}"),
        msisdn: "989120000001".into(),
        lang: "en".into(),
        now: now(),
    };
    tokio::task::spawn_blocking(move || actions.perform(&request))
        .await
        .expect("the action finishes")
}

fn var<'a>(outcome: &'a ActionOutcome, name: &str) -> &'a Value {
    outcome.vars.get(name).unwrap_or(&Value::Null)
}

/// The first open `gp` slot at Tehran Clinic 1.
async fn gp_slot(line: &Opened) -> Value {
    let slots = ask(
        line,
        "slots",
        "slots.list",
        json!({ "facility": "ir-thr-1", "service": "gp" }),
    )
    .await;
    assert_eq!(slots.code, "ok", "{slots:?}");
    var(&slots, "slots")[0]["id"].clone()
}

fn agency_records() -> HashMap<String, Value> {
    let mut records = HashMap::new();
    records.insert(
        REMOTE_ONLY.to_owned(),
        json!({
            "national_id": REMOTE_ONLY, "name": "Remote Person", "birth_date": "1985-05-05",
            "sex": "female", "coverage": "active", "paid_through": "2027-12-31",
            "region": "ir-thr", "primary_care_facility": "ir-thr-1"
        }),
    );
    records.insert(
        REMOTE_DEPENDANT.to_owned(),
        json!({
            "national_id": REMOTE_DEPENDANT, "name": "Remote Child", "birth_date": "2015-01-01",
            "sex": "male", "coverage": "active", "head_of_household_id": REMOTE_HEAD,
            "region": "ir-thr"
        }),
    );
    records.insert(
        REMOTE_HEAD.to_owned(),
        json!({
            "national_id": REMOTE_HEAD, "coverage": "lapsed", "paid_through": "2026-10-31",
            "region": "ir-thr"
        }),
    );
    records
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_only_the_agency_knows_is_eligible_and_can_book() {
    let agency = Arc::new(Agency {
        records: agency_records(),
        ..Agency::default()
    });
    let base = serve(
        Router::new()
            .route("/eligibility", post(eligibility))
            .with_state(Arc::clone(&agency)),
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let line = line(
        dir.path(),
        remote(format!("{base}/eligibility"), DownPolicy::Refuse),
    );

    let check = ask(
        &line,
        "1",
        "eligibility.check",
        json!({ "national_id": REMOTE_ONLY, "service": "gp" }),
    )
    .await;
    assert_eq!(check.code, "eligible", "{check:?}");
    assert_eq!(var(&check, "name"), "Remote Person");
    assert_eq!(var(&check, "paid_through"), "2027-12-31");
    assert_eq!(var(&check, "primary_facility"), "Tehran Clinic 1");

    let slot = gp_slot(&line).await;
    let args = json!({ "national_id": REMOTE_ONLY, "service": "gp", "slot": slot });
    let booked = ask(&line, "2", "booking.create", args.clone()).await;
    assert_eq!(booked.code, "booked", "{booked:?}");
    assert_eq!(var(&booked, "facility_name"), "Tehran Clinic 1");
    let again = ask(&line, "3", "booking.create", args).await;
    assert_eq!(again.code, "already_booked", "{again:?}");
    assert_eq!(var(&again, "code"), var(&booked, "code"));
    assert_eq!(
        line.store.person(REMOTE_ONLY).expect("a read"),
        None,
        "a remote answer is not written to the local roster"
    );

    let dependant = ask(
        &line,
        "4",
        "eligibility.check",
        json!({ "national_id": REMOTE_DEPENDANT }),
    )
    .await;
    assert_eq!(
        (dependant.code.as_str(), var(&dependant, "paid_through")),
        ("lapsed", &json!("2026-10-31")),
        "a dependant is covered through the remote head of household"
    );
    let nobody = ask(
        &line,
        "5",
        "eligibility.check",
        json!({ "national_id": NOBODY }),
    )
    .await;
    assert_eq!(nobody.code, "unknown_id");
    let ali = ask(
        &line,
        "6",
        "eligibility.check",
        json!({ "national_id": ALI }),
    )
    .await;
    assert_eq!(ali.code, "eligible");

    let asked = agency.asked.lock().expect("not poisoned").clone();
    assert!(
        !asked.iter().any(|id| id == ALI),
        "a local record is decided locally"
    );
    assert_eq!(
        asked.iter().filter(|id| *id == REMOTE_ONLY).count(),
        1,
        "the check and both bookings share one cached answer: {asked:?}"
    );
    assert!(asked.iter().any(|id| id == REMOTE_HEAD), "{asked:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_agency_down_refuse_is_unavailable_and_use_local_is_unknown() {
    let url = dead_url().await;

    let dir = tempfile::tempdir().expect("temp dir");
    let refusing = line(dir.path(), remote(url.clone(), DownPolicy::Refuse));
    let check = ask(
        &refusing,
        "1",
        "eligibility.check",
        json!({ "national_id": REMOTE_ONLY }),
    )
    .await;
    assert_eq!(check.code, "unavailable", "{check:?}");
    let slot = gp_slot(&refusing).await;
    let booked = ask(
        &refusing,
        "2",
        "booking.create",
        json!({ "national_id": REMOTE_ONLY, "service": "gp", "slot": slot }),
    )
    .await;
    assert_eq!(
        (booked.code.as_str(), var(&booked, "reason")),
        ("not_eligible", &json!("unavailable"))
    );
    let ali = ask(
        &refusing,
        "3",
        "eligibility.check",
        json!({ "national_id": ALI }),
    )
    .await;
    assert_eq!(ali.code, "eligible", "the local roster still decides");
    drop(refusing);

    let dir = tempfile::tempdir().expect("temp dir");
    let local = line(dir.path(), remote(url, DownPolicy::UseLocal));
    let check = ask(
        &local,
        "1",
        "eligibility.check",
        json!({ "national_id": REMOTE_ONLY }),
    )
    .await;
    assert_eq!(check.code, "unknown_id", "{check:?}");
    let slot = gp_slot(&local).await;
    let booked = ask(
        &local,
        "2",
        "booking.create",
        json!({ "national_id": REMOTE_ONLY, "service": "gp", "slot": slot }),
    )
    .await;
    assert_eq!(
        (booked.code.as_str(), var(&booked, "reason")),
        ("not_eligible", &json!("unknown_id"))
    );
}

/// The agency's roster: page `n` answers `since=<n>` (an empty cursor is page 0).
struct Pages {
    pages: Vec<Value>,
    seen: Mutex<Vec<String>>,
}

async fn roster_page(State(pages): State<Arc<Pages>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let since = query.strip_prefix("since=").unwrap_or_default().to_owned();
    pages.seen.lock().expect("not poisoned").push(since.clone());
    let index: usize = since.parse().unwrap_or(0);
    let body = match pages.pages.get(index) {
        Some(page) => page.to_string(),
        None => json!({ "records": [], "next_cursor": since, "more": false }).to_string(),
    };
    let signature = signature::sign(KEY, body.as_bytes());
    (StatusCode::OK, [(SIGNATURE_HEADER, signature)], body).into_response()
}

fn puller_config(url: String) -> PullerConfig {
    PullerConfig {
        url,
        key: KEY.to_vec(),
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

fn local_person(id: &str, referrals: &[&str]) -> Person {
    Person {
        national_id: id.into(),
        name: "Local Person".into(),
        birth_date: NaiveDate::from_ymd_opt(1970, 1, 1),
        sex: Some(Sex::M),
        coverage: Coverage::Active,
        paid_through: None,
        head_id: None,
        region: "ir-thr".into(),
        primary_facility: None,
        referrals: referrals.iter().map(|r| (*r).to_owned()).collect(),
    }
}

/// Opens the store on the blocking pool (its drop joins the writer thread, so it is also
/// dropped there).
async fn open_store(dir: &std::path::Path) -> Arc<SqliteStore> {
    let config = StoreConfig::new(dir);
    tokio::task::spawn_blocking(move || SqliteStore::open(&config))
        .await
        .expect("the opener finishes")
        .map(Arc::new)
        .expect("the store opens")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roster_pages_land_in_the_sqlite_store_and_a_restart_resumes_at_its_cursor() {
    let pages = Arc::new(Pages {
        pages: vec![
            json!({
                "records": [
                    { "national_id": "1000000001", "name": "New Person", "birth_date": "1990-02-03",
                      "sex": "female", "coverage": "active", "paid_through": "2027-01-31",
                      "region": "ir-thr", "primary_care_facility": "ir-thr-1" },
                    { "national_id": "1000000002", "coverage": "active" }
                ],
                "next_cursor": "1", "more": true
            }),
            json!({
                "records": [ { "national_id": "1000000009", "coverage": "suspended",
                               "paid_through": "2026-10-31", "region": "ir-thr" } ],
                "removed": ["1000000002", "1000000008"],
                "next_cursor": "2", "more": false
            }),
        ],
        seen: Mutex::default(),
    });
    let base = serve(
        Router::new()
            .route("/roster", get(roster_page))
            .with_state(Arc::clone(&pages)),
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open_store(dir.path()).await;
    let seeded = Arc::clone(&store);
    tokio::task::spawn_blocking(move || {
        seeded.import_roster(Box::new(
            [
                RosterBatch::Rows(vec![
                    local_person("1000000008", &[]),
                    local_person("1000000009", &["cardiology"]),
                ]),
                RosterBatch::Commit,
            ]
            .into_iter(),
        ))
    })
    .await
    .expect("the import finishes")
    .expect("the import commits");
    assert_eq!(store.cursor().expect("a cursor read"), None);

    let sink: Arc<dyn RosterSink> = store.clone();
    let handle = roster::spawn(sink, puller_config(format!("{base}/roster"))).expect("starts");
    eventually("two pages", || handle.stats().pages >= 2).await;
    let stats = handle.stats();
    handle.shutdown().await;
    assert_eq!((stats.pages, stats.records, stats.failures), (2, 5, 0));
    assert_eq!(*pages.seen.lock().expect("not poisoned"), ["", "1"]);

    let new = store.person("1000000001").expect("a read").expect("pulled");
    assert_eq!(new.name, "New Person");
    assert_eq!(new.birth_date, NaiveDate::from_ymd_opt(1990, 2, 3));
    assert_eq!(new.sex, Some(Sex::F));
    assert_eq!(new.paid_through, NaiveDate::from_ymd_opt(2027, 1, 31));
    assert_eq!(new.primary_facility.as_deref(), Some("ir-thr-1"));
    assert_eq!(store.person("1000000002").expect("a read"), None, "removed");
    assert_eq!(store.person("1000000008").expect("a read"), None, "removed");
    let changed = store.person("1000000009").expect("a read").expect("kept");
    assert_eq!(changed.coverage, Coverage::Suspended);
    assert_eq!(changed.paid_through, NaiveDate::from_ymd_opt(2026, 10, 31));
    assert_eq!(
        (changed.birth_date, changed.sex),
        (None, None),
        "a record replaces the local one"
    );
    assert_eq!(
        changed.referrals,
        ["cardiology"],
        "referrals are local and stay"
    );
    assert_eq!(store.cursor().expect("a cursor read").as_deref(), Some("2"));

    tokio::task::spawn_blocking(move || drop(store))
        .await
        .expect("the store closes");
    let store = open_store(dir.path()).await;
    assert_eq!(
        store.cursor().expect("a cursor read").as_deref(),
        Some("2"),
        "the cursor survives a restart"
    );
    let sink: Arc<dyn RosterSink> = store.clone();
    let again = roster::spawn(sink, puller_config(format!("{base}/roster"))).expect("starts");
    eventually("one more pull", || again.stats().pages >= 1).await;
    again.shutdown().await;
    assert_eq!(
        *pages.seen.lock().expect("not poisoned"),
        ["", "1", "2"],
        "a restarted puller asks from the stored cursor"
    );
    assert!(store.person("1000000001").expect("a read").is_some());
    tokio::task::spawn_blocking(move || drop(store))
        .await
        .expect("the store closes");
}
