//! Each aggregator over real HTTP on loopback against the scripted booking: a full dialog,
//! retries, cumulative and latest-only input, the deadline fallback, end notifications and
//! malformed bodies.

mod script;

use std::sync::Arc;
use std::time::Duration;

use hotline::channels::http::config::{Aggregator, HttpConfig, InputStyle, RouteConfig};
use hotline::channels::http::gateway::Gateway;
use hotline::channels::http::{bind, serve};
use script::*;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

const FALLBACK: &str = "Thank you. We will send you the result by SMS.";

struct Line {
    base: String,
    script: Arc<Script>,
    client: reqwest::Client,
    _stop: tokio_util::sync::DropGuard,
}

fn config() -> HttpConfig {
    let mut at_latest = RouteConfig::new("/ussd/at-latest", Aggregator::AfricasTalking);
    at_latest.style = Some(InputStyle::Latest);
    let mut hubtel = RouteConfig::new("/ussd/hubtel", Aggregator::Hubtel);
    hubtel.service_code = Some("*713#".into());
    let mut nalo_cumulative = RouteConfig::new("/ussd/nalo-path", Aggregator::Nalo);
    nalo_cumulative.style = Some(InputStyle::Cumulative);
    let mut slow = RouteConfig::new("/ussd/at-slow", Aggregator::AfricasTalking);
    slow.deadline_ms = Some(300);
    let mut cfg = HttpConfig::default();
    cfg.routes.extend([
        at_latest,
        hubtel,
        RouteConfig::new("/ussd/nalo", Aggregator::Nalo),
        nalo_cumulative,
        RouteConfig::new("/ussd/arkesel", Aggregator::Arkesel),
        slow,
    ]);
    cfg
}

async fn line() -> anyhow::Result<Line> {
    let script = Script::new();
    let cfg = config();
    let gateway = Arc::new(Gateway::new(script.clone(), &cfg));
    let listener = bind("127.0.0.1:0".parse()?).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let stop = CancellationToken::new();
    tokio::spawn(serve(gateway, cfg, listener, stop.clone()));
    Ok(Line {
        base,
        script,
        client: reqwest::Client::new(),
        _stop: stop.drop_guard(),
    })
}

impl Line {
    async fn form(&self, path: &str, session: &str, text: &str) -> anyhow::Result<(u16, String)> {
        let body = serde_urlencoded::to_string([
            ("sessionId", session),
            ("serviceCode", "*384*7#"),
            ("phoneNumber", MSISDN),
            ("networkCode", "63902"),
            ("text", text),
        ])?;
        self.post(path, "application/x-www-form-urlencoded", body)
            .await
    }

    async fn json(&self, path: &str, body: &Value) -> anyhow::Result<(u16, Value)> {
        let (status, text) = self
            .post(path, "application/json", body.to_string())
            .await?;
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok((status, value))
    }

    async fn post(&self, path: &str, ty: &str, body: String) -> anyhow::Result<(u16, String)> {
        let resp = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", ty)
            .body(body)
            .send()
            .await?;
        Ok((resp.status().as_u16(), resp.text().await?))
    }

    async fn wait_abort(&self, id: &str) -> bool {
        for _ in 0..500 {
            if self.script.aborts().iter().any(|a| a == id) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }
}

fn con(text: &str) -> (u16, String) {
    (200, format!("CON {text}"))
}

#[tokio::test]
async fn africas_talking_books_a_visit_with_the_cumulative_path() -> anyhow::Result<()> {
    let l = line().await?;
    let path = "/ussd/at";
    assert_eq!(l.form(path, "AT1", "").await?, con(WELCOME));
    assert_eq!(l.form(path, "AT1", "1").await?, con(ASK_ID));
    let id_path = format!("1*{NATIONAL_ID}");
    assert_eq!(l.form(path, "AT1", &id_path).await?, con(ASK_CLINIC));
    // The aggregator retries: same request, same screen, no second step.
    assert_eq!(l.form(path, "AT1", &id_path).await?, con(ASK_CLINIC));
    assert_eq!(l.script.steps("AT1"), 3);
    assert_eq!(
        l.form(path, "AT1", &format!("{id_path}*1")).await?,
        con(ASK_DAY)
    );
    let done = l.form(path, "AT1", &format!("{id_path}*1*2")).await?;
    assert_eq!(done, (200, format!("END {BOOKED}")));
    assert_eq!(l.script.steps("AT1"), 5);
    // A late retry of the last request still gets the last screen.
    assert_eq!(
        l.form(path, "AT1", &format!("{id_path}*1*2")).await?.1,
        format!("END {BOOKED}")
    );
    assert_eq!(l.script.steps("AT1"), 5);
    Ok(())
}

#[tokio::test]
async fn a_diverging_path_is_answered_from_the_session_not_replayed() -> anyhow::Result<()> {
    let l = line().await?;
    l.form("/ussd/at", "AT2", "").await?;
    l.form("/ussd/at", "AT2", "1").await?;
    // A path that does not extend "1": the session's screen stands, the engine is not run.
    assert_eq!(l.form("/ussd/at", "AT2", "2*5").await?, con(ASK_ID));
    assert_eq!(l.script.steps("AT2"), 2);
    // The aggregator now extends its own path; only the newest input is stepped.
    let next = l
        .form("/ussd/at", "AT2", &format!("2*5*{NATIONAL_ID}"))
        .await?;
    assert_eq!(next, con(ASK_CLINIC));
    Ok(())
}

#[tokio::test]
async fn africas_talking_latest_only_and_deep_links() -> anyhow::Result<()> {
    let l = line().await?;
    let path = "/ussd/at-latest";
    assert_eq!(l.form(path, "AT3", "").await?, con(WELCOME));
    assert_eq!(l.form(path, "AT3", "1").await?, con(ASK_ID));
    assert_eq!(l.form(path, "AT3", NATIONAL_ID).await?, con(ASK_CLINIC));
    assert_eq!(l.form(path, "AT3", "1").await?, con(ASK_DAY));
    assert_eq!(l.form(path, "AT3", "2").await?.1, format!("END {BOOKED}"));
    // A deep link: the first request already carries two inputs.
    assert_eq!(
        l.form("/ussd/at", "AT4", &format!("1*{NATIONAL_ID}"))
            .await?,
        con(ASK_CLINIC)
    );
    Ok(())
}

#[tokio::test]
async fn africas_talking_end_notification_reaches_the_engine_once() -> anyhow::Result<()> {
    let l = line().await?;
    l.form("/ussd/at", "AT5", "").await?;
    let event = "sessionId=AT5&phoneNumber=%2B254711000111&status=Failed&duration=3";
    let ty = "application/x-www-form-urlencoded";
    assert_eq!(l.post("/ussd/at/events", ty, event.into()).await?.0, 200);
    assert_eq!(l.post("/ussd/at/events", ty, event.into()).await?.0, 200);
    assert_eq!(l.script.aborts(), vec!["AT5".to_string()]);
    Ok(())
}

#[tokio::test]
async fn a_slow_step_answers_the_sms_fallback_and_the_session_is_closed() -> anyhow::Result<()> {
    let l = line().await?;
    l.form("/ussd/at-slow", "AT6", "").await?;
    let answer = l.form("/ussd/at-slow", "AT6", "9").await?;
    assert_eq!(answer, (200, format!("END {FALLBACK}")));
    // The retry of the timed-out request gets the fallback again, without a second step.
    l.script.gate.add_permits(1);
    assert!(
        l.wait_abort("AT6").await,
        "the late step is followed by an abort"
    );
    assert_eq!(
        l.form("/ussd/at-slow", "AT6", "9").await?.1,
        format!("END {FALLBACK}")
    );
    assert_eq!(l.script.steps("AT6"), 2);
    Ok(())
}

fn hubtel(kind: &str, session: &str, message: &str, seq: u64) -> Value {
    json!({"Type": kind, "Mobile": MSISDN, "SessionId": session, "ServiceCode": "713",
           "Message": message, "Operator": "mtn", "Sequence": seq, "ClientState": "cs-1"})
}

#[tokio::test]
async fn hubtel_books_a_visit_and_retries_by_sequence() -> anyhow::Result<()> {
    let l = line().await?;
    let p = "/ussd/hubtel";
    let (status, first) = l.json(p, &hubtel("Initiation", "H1", "*713#", 1)).await?;
    assert_eq!(
        (status, &first["Type"], &first["Message"]),
        (200, &json!("Response"), &json!(WELCOME))
    );
    assert_eq!(first["ClientState"], "cs-1");
    l.json(p, &hubtel("Response", "H1", "1", 2)).await?;
    let (_, again) = l.json(p, &hubtel("Response", "H1", "1", 2)).await?;
    assert_eq!(again["Message"], ASK_ID);
    // The same input with a new sequence is a new answer, not a retry.
    let (_, id) = l.json(p, &hubtel("Response", "H1", NATIONAL_ID, 3)).await?;
    assert_eq!(id["Message"], ASK_CLINIC);
    l.json(p, &hubtel("Response", "H1", "1", 4)).await?;
    let (_, done) = l.json(p, &hubtel("Response", "H1", "2", 5)).await?;
    assert_eq!(
        (&done["Type"], &done["Message"]),
        (&json!("Release"), &json!(BOOKED))
    );
    assert_eq!(l.script.steps("H1"), 5);
    Ok(())
}

#[tokio::test]
async fn hubtel_release_and_wrong_codes() -> anyhow::Result<()> {
    let l = line().await?;
    let p = "/ussd/hubtel";
    l.json(p, &hubtel("Initiation", "H2", "*713#", 1)).await?;
    let (status, _) = l.json(p, &hubtel("Release", "H2", "", 2)).await?;
    assert_eq!(status, 200);
    assert_eq!(l.script.aborts(), vec!["H2".to_string()]);
    let mut other = hubtel("Initiation", "H3", "*999#", 1);
    other["ServiceCode"] = json!("999");
    assert_eq!(l.json(p, &other).await?.0, 404);
    assert_eq!(l.script.steps("H3"), 0);
    Ok(())
}

fn nalo(session: &str, data: &str, first: bool) -> Value {
    json!({"USERID": "acme", "MSISDN": MSISDN, "USERDATA": data, "MSGTYPE": first,
           "NETWORK": "MTN", "SESSIONID": session})
}

#[tokio::test]
async fn nalo_books_a_visit_latest_only_and_cumulative() -> anyhow::Result<()> {
    let l = line().await?;
    let steps = [
        ("*920#", true),
        ("1", false),
        (NATIONAL_ID, false),
        ("1", false),
        ("2", false),
    ];
    let mut last = Value::Null;
    for (data, first) in steps {
        last = l.json("/ussd/nalo", &nalo("N1", data, first)).await?.1;
        assert_eq!(last["USERID"], "acme");
    }
    assert_eq!(
        (&last["MSG"], &last["MSGTYPE"]),
        (&json!(BOOKED), &json!(false))
    );
    // A Nalo integration configured for whole paths.
    let p = "/ussd/nalo-path";
    l.json(p, &nalo("N2", "*920#", true)).await?;
    l.json(p, &nalo("N2", "1", false)).await?;
    let (_, id) = l
        .json(p, &nalo("N2", &format!("1*{NATIONAL_ID}"), false))
        .await?;
    assert_eq!(
        (&id["MSG"], &id["MSGTYPE"]),
        (&json!(ASK_CLINIC), &json!(true))
    );
    let (_, retry) = l
        .json(p, &nalo("N2", &format!("1*{NATIONAL_ID}"), false))
        .await?;
    assert_eq!(retry["MSG"], ASK_CLINIC);
    assert_eq!(l.script.steps("N2"), 3);
    Ok(())
}

fn arkesel(session: &str, data: &str, new: bool) -> Value {
    json!({"sessionID": session, "userID": "acme", "newSession": new, "msisdn": MSISDN,
           "userData": data, "network": "MTN"})
}

#[tokio::test]
async fn arkesel_books_a_visit_and_a_quick_repeat_is_a_retry() -> anyhow::Result<()> {
    let l = line().await?;
    let p = "/ussd/arkesel";
    let (_, first) = l.json(p, &arkesel("K1", "*928#", true)).await?;
    assert_eq!(
        (&first["message"], &first["continueSession"]),
        (&json!(WELCOME), &json!(true))
    );
    l.json(p, &arkesel("K1", "1", false)).await?;
    // No sequence number: the identical input inside the retry window is the same request.
    let (_, repeat) = l.json(p, &arkesel("K1", "1", false)).await?;
    assert_eq!(repeat["message"], ASK_ID);
    assert_eq!(l.script.steps("K1"), 2);
    l.json(p, &arkesel("K1", NATIONAL_ID, false)).await?;
    l.json(p, &arkesel("K1", "1", false)).await?;
    let (_, done) = l.json(p, &arkesel("K1", "2", false)).await?;
    assert_eq!(
        (&done["message"], &done["continueSession"]),
        (&json!(BOOKED), &json!(false))
    );
    assert_eq!(done["sessionID"], "K1");
    Ok(())
}

#[tokio::test]
async fn malformed_bodies_get_400_with_a_reason_and_the_line_lives_on() -> anyhow::Result<()> {
    let l = line().await?;
    let ty = "application/x-www-form-urlencoded";
    let (status, why) = l.post("/ussd/at", ty, "text=1".into()).await?;
    assert_eq!(status, 400);
    assert!(why.contains("sessionId"), "reason names the field: {why}");
    let (status, why) = l
        .post(
            "/ussd/at",
            ty,
            "sessionId=&serviceCode=1&phoneNumber=2".into(),
        )
        .await?;
    assert_eq!((status, why.as_str()), (400, "field `sessionId` is empty"));
    let (status, why) = l
        .post("/ussd/hubtel", "application/json", "{\"Type\":".into())
        .await?;
    assert_eq!(status, 400);
    assert!(why.contains("JSON"), "{why}");
    let (status, why) = l
        .json("/ussd/hubtel", &hubtel("Greeting", "H9", "", 1))
        .await?;
    assert_eq!(status, 400);
    assert!(
        why.as_str().is_some_and(|w| w.contains("Greeting")),
        "{why}"
    );
    let (status, _) = l.json("/ussd/arkesel", &json!({"sessionID": 7})).await?;
    assert_eq!(status, 400);
    let (status, _) = l
        .post("/ussd/nalo", "application/json", "x".repeat(20_000))
        .await?;
    assert_eq!(status, 413);
    // The channel still serves.
    assert_eq!(l.form("/ussd/at", "AT9", "").await?, con(WELCOME));
    Ok(())
}
