//! The admin API over loopback: probes, the bearer guard, live sessions with masked numbers,
//! ending a session, menu reload (accepted, refused, failed), drain; and `serve` refusing to
//! listen off loopback without a token.

mod script;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hotline::channels::http::admin::{
    self, Admin, LiveSession, MenuReload, ReloadOutcome, SessionsView,
};
use hotline::channels::http::config::{ConfigError, HttpConfig};
use hotline::channels::http::gateway::{Gateway, DRAINING_TEXT};
use hotline::channels::http::{bind, serve, ServeError};
use hotline::metrics as m;
use hotline::pii::Masked;
use hotline::sessions::SessionKey;
use script::*;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "s3cret-token-for-tests";

/// A session table with fixed rows that records which keys were ended.
#[derive(Debug, Default)]
struct FakeSessions {
    ended: Mutex<Vec<SessionKey>>,
}

impl SessionsView for FakeSessions {
    fn live(&self) -> Vec<LiveSession> {
        let ended = self.ended.lock().expect("test lock");
        [
            ("/ussd/at", "ATX1", "ask_id", 12),
            ("smsc1", "77", "pick_day", 3),
        ]
        .into_iter()
        .filter(|(op, id, ..)| !ended.iter().any(|k| &*k.operator == *op && k.id == *id))
        .map(|(op, id, node, secs)| LiveSession {
            channel: if op == "smsc1" { "smpp" } else { "http" },
            operator: op.into(),
            id: id.into(),
            msisdn: Masked::new(MSISDN.to_owned()),
            node: node.into(),
            age: Duration::from_secs(secs),
        })
        .collect()
    }

    fn end(&self, key: &SessionKey) -> bool {
        let known = self
            .live()
            .iter()
            .any(|s| *s.operator == *key.operator && s.id == key.id);
        if known {
            self.ended.lock().expect("test lock").push(key.clone());
        }
        known
    }
}

/// A reloader that plays `0` = accepted, `1` = refused, anything else = panics.
#[derive(Debug, Default)]
struct FakeMenus {
    mode: AtomicUsize,
    calls: AtomicUsize,
}

impl MenuReload for FakeMenus {
    fn reload(&self) -> ReloadOutcome {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.mode.load(Ordering::SeqCst) {
            0 => ReloadOutcome {
                ok: true,
                version: "v8".into(),
                errors: vec![],
            },
            1 => ReloadOutcome {
                ok: false,
                version: "v7".into(),
                errors: vec![
                    "menus/book.yaml:12:5: unknown node `pick_dya`; did you mean `pick_day`?"
                        .into(),
                ],
            },
            _ => panic!("the reloader crashed (scripted)"),
        }
    }
}

struct Ops {
    url: String,
    line: String,
    sessions: Arc<FakeSessions>,
    menus: Arc<FakeMenus>,
    client: reqwest::Client,
    stop: CancellationToken,
}

impl Drop for Ops {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// An aggregator line and its admin API, both on loopback port 0.
async fn ops(token: Option<&str>) -> anyhow::Result<Ops> {
    let cfg = HttpConfig::default();
    let gateway = Arc::new(Gateway::new(Script::new(), &cfg));
    let stop = CancellationToken::new();
    let listener = bind("127.0.0.1:0".parse()?).await?;
    let line = format!("http://{}/ussd/at", listener.local_addr()?);
    tokio::spawn(serve(Arc::clone(&gateway), cfg, listener, stop.clone()));
    let sessions = Arc::new(FakeSessions::default());
    let menus = Arc::new(FakeMenus::default());
    let admin = Admin {
        sessions: sessions.clone(),
        menus: menus.clone(),
        gateway,
        token: token.map(str::to_owned),
    };
    let listener = bind("127.0.0.1:0".parse()?).await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(admin::serve(admin, listener, stop.clone()));
    Ok(Ops {
        url,
        line,
        sessions,
        menus,
        client: reqwest::Client::new(),
        stop,
    })
}

impl Ops {
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
    ) -> anyhow::Result<(u16, String)> {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut req = self.client.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let res = req.send().await?;
        Ok((res.status().as_u16(), res.text().await?))
    }

    async fn dial(&self, session: &str, text: &str) -> anyhow::Result<String> {
        let body = serde_urlencoded::to_string([
            ("sessionId", session),
            ("serviceCode", "*384#"),
            ("phoneNumber", MSISDN),
            ("text", text),
        ])?;
        let res = self
            .client
            .post(&self.line)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await?;
        Ok(res.text().await?)
    }
}

#[tokio::test]
async fn probes_answer_and_sessions_are_listed_masked() -> anyhow::Result<()> {
    let ops = ops(None).await?;
    assert_eq!(ops.call("GET", "/health", None).await?, (200, "ok".into()));
    assert_eq!(
        ops.call("GET", "/ready", None).await?,
        (200, "ready".into())
    );
    let (status, body) = ops.call("GET", "/sessions", None).await?;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.contains(MSISDN) && !body.contains(&MSISDN[1..]),
        "clear MSISDN: {body}"
    );
    let list: Vec<Value> = serde_json::from_str(&body)?;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["msisdn"], "*********0111");
    assert_eq!(list[0]["node"], "ask_id");
    assert_eq!(list[0]["operator"], "/ussd/at");
    assert_eq!(list[0]["age"], 12.0);
    assert_eq!(list[1]["channel"], "smpp");
    Ok(())
}

#[tokio::test]
async fn a_configured_token_guards_everything_but_the_probes() -> anyhow::Result<()> {
    let ops = ops(Some(TOKEN)).await?;
    assert_eq!(ops.call("GET", "/health", None).await?.0, 200);
    assert_eq!(ops.call("GET", "/ready", None).await?.0, 200);
    for (method, path) in [
        ("GET", "/sessions"),
        ("DELETE", "/sessions/smsc1/77"),
        ("POST", "/reload"),
        ("POST", "/drain"),
    ] {
        assert_eq!(
            ops.call(method, path, None).await?.0,
            401,
            "{method} {path}"
        );
        assert_eq!(
            ops.call(method, path, Some("wrong")).await?.0,
            401,
            "{method} {path}"
        );
        assert_eq!(
            ops.call(method, path, Some("s3cret-token-for-test"))
                .await?
                .0,
            401
        );
    }
    assert_eq!(
        ops.menus.calls.load(Ordering::SeqCst),
        0,
        "refused requests reached the reloader"
    );
    assert!(ops.sessions.ended.lock().expect("test lock").is_empty());
    assert_eq!(
        ops.call("GET", "/ready", None).await?.0,
        200,
        "a refused drain drained"
    );
    let res = ops
        .client
        .get(format!("{}/sessions", ops.url))
        .header("authorization", format!("bearer {TOKEN}"))
        .send()
        .await?;
    assert_eq!(res.status().as_u16(), 200, "the scheme is case-insensitive");
    let res = ops
        .client
        .get(format!("{}/sessions", ops.url))
        .send()
        .await?;
    assert_eq!(
        res.headers().get("www-authenticate").map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );
    Ok(())
}

#[tokio::test]
async fn ending_a_session_reaches_the_table_once() -> anyhow::Result<()> {
    let ops = ops(Some(TOKEN)).await?;
    // The HTTP route's operator name is its path: percent-encoded it stays one segment.
    let path = "/sessions/%2Fussd%2Fat/ATX1";
    assert_eq!(ops.call("DELETE", path, Some(TOKEN)).await?.0, 204);
    assert_eq!(ops.call("DELETE", path, Some(TOKEN)).await?.0, 404);
    assert_eq!(
        ops.call("DELETE", "/sessions/smsc1/nope", Some(TOKEN))
            .await?
            .0,
        404
    );
    let ended = ops.sessions.ended.lock().expect("test lock").clone();
    assert_eq!(ended.len(), 1);
    assert_eq!(
        (&*ended[0].operator, ended[0].id.as_str()),
        ("/ussd/at", "ATX1")
    );
    let (_, body) = ops.call("GET", "/sessions", Some(TOKEN)).await?;
    let list: Vec<Value> = serde_json::from_str(&body)?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], "77");
    Ok(())
}

#[tokio::test]
async fn reload_reports_the_version_or_the_validation_errors() -> anyhow::Result<()> {
    let scrape = m::recorder()?;
    let failures = || reload_failures(&scrape.render());
    let ops = ops(None).await?;
    let (status, body) = ops.call("POST", "/reload", None).await?;
    assert_eq!(status, 200, "{body}");
    let ok: Value = serde_json::from_str(&body)?;
    assert_eq!(
        (ok["ok"].as_bool(), ok["version"].as_str()),
        (Some(true), Some("v8"))
    );
    let before = failures();
    ops.menus.mode.store(1, Ordering::SeqCst);
    let (status, body) = ops.call("POST", "/reload", None).await?;
    assert_eq!(status, 422, "{body}");
    let refused: Value = serde_json::from_str(&body)?;
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["version"], "v7", "the old version stays in service");
    assert!(refused["errors"][0]
        .as_str()
        .is_some_and(|e| e.contains("book.yaml:12:5")));
    ops.menus.mode.store(2, Ordering::SeqCst);
    let (status, body) = ops.call("POST", "/reload", None).await?;
    assert_eq!(status, 500, "{body}");
    assert!(
        failures() >= before + 2.0,
        "refused and failed reloads are counted"
    );
    assert_eq!(
        ops.call("GET", "/health", None).await?.0,
        200,
        "a crashed reload leaves the API up"
    );
    assert_eq!(ops.menus.calls.load(Ordering::SeqCst), 3);
    Ok(())
}

fn reload_failures(scrape: &str) -> f64 {
    scrape
        .lines()
        .find(|l| l.starts_with(m::MENU_RELOAD_FAILURES))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn drain_refuses_new_dialogs_and_lets_live_ones_finish() -> anyhow::Result<()> {
    let ops = ops(None).await?;
    assert!(ops.dial("LIVE", "").await?.starts_with("CON Welcome"));
    assert_eq!(ops.call("POST", "/drain", None).await?.0, 202);
    assert_eq!(
        ops.call("GET", "/ready", None).await?,
        (503, "draining".into())
    );
    assert_eq!(
        ops.call("GET", "/health", None).await?.0,
        200,
        "draining is not dead"
    );
    assert_eq!(ops.dial("NEW", "").await?, format!("END {DRAINING_TEXT}"));
    assert_eq!(ops.dial("LIVE", "1").await?, format!("CON {ASK_ID}"));
    Ok(())
}

#[tokio::test]
async fn serve_refuses_to_expose_the_api_without_a_token() -> anyhow::Result<()> {
    let gateway = Arc::new(Gateway::new(Script::new(), &HttpConfig::default()));
    let admin = |token: Option<&str>| Admin {
        sessions: Arc::new(FakeSessions::default()),
        menus: Arc::new(FakeMenus::default()),
        gateway: Arc::clone(&gateway),
        token: token.map(str::to_owned),
    };
    let stop = CancellationToken::new();
    for token in [None, Some("")] {
        let exposed = bind("0.0.0.0:0".parse()?).await?;
        let refused = admin::serve(admin(token), exposed, stop.clone()).await;
        assert!(
            matches!(
                refused,
                Err(ServeError::Config(ConfigError::AdminExposed { .. }))
            ),
            "{token:?}: {refused:?}"
        );
    }
    let exposed = bind("0.0.0.0:0".parse()?).await?;
    let port = exposed.local_addr()?.port();
    let task = tokio::spawn(admin::serve(admin(Some(TOKEN)), exposed, stop.clone()));
    let res = reqwest::get(format!("http://127.0.0.1:{port}/sessions")).await?;
    assert_eq!(res.status().as_u16(), 401, "exposed with a token: guarded");
    stop.cancel();
    task.await??;

    let mut cfg = HttpConfig::default();
    cfg.admin.listen = "0.0.0.0:9180".parse()?;
    assert!(matches!(
        cfg.validate(),
        Err(ConfigError::AdminExposed { .. })
    ));
    cfg.admin.token = Some("  ".into());
    assert_eq!(cfg.validate(), Err(ConfigError::EmptyAdminToken));
    cfg.admin.token = Some(TOKEN.into());
    assert_eq!(cfg.validate(), Ok(()));
    Ok(())
}
