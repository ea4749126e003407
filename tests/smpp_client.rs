//! The client role over loopback: Hotline binds out to a gateway built on `rusmpp`, answers
//! each `deliver_sm` at once, submits screens, resends after `ESME_RTHROTTLED`, and binds
//! again after the gateway restarts.

mod support;

use std::time::Duration;

use hotline::channels::smpp::config::{ClientBindMode, ClientConfig};
use hotline::channels::smpp::dialect::DialectName;
use hotline::channels::smpp::Smpp;
use hotline::config::Config;
use rusmpp::CommandStatus;
use support::rusmpp_peer::{Peer, Ussd};
use support::{ScriptedEngine, BOOKED, MENU};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const MSISDN: &str = "6281234567890";

async fn hotline_bound_to(listener: &TcpListener) -> (Smpp, CancellationToken) {
    let mut config = Config::default();
    config.smpp.server = None;
    config.smpp.sms = None;
    config.smpp.session.reconnect_min = Duration::from_millis(50);
    config.smpp.session.reconnect_max = Duration::from_millis(200);
    config.smpp.session.throttle_pause = Duration::from_millis(100);
    config.smpp.clients = vec![ClientConfig {
        name: "gw".into(),
        address: listener.local_addr().expect("addr"),
        system_id: "hotline".into(),
        password: "pw".into(),
        system_type: String::new(),
        mode: ClientBindMode::Transceiver,
        operator: "demo".into(),
        dialect: DialectName::Standard,
        end_op: None,
        abort_ops: None,
        outbind_listen: None,
    }];
    let shutdown = CancellationToken::new();
    let smpp = Smpp::start(&config, ScriptedEngine::new(), shutdown.clone())
        .await
        .expect("start");
    (smpp, shutdown)
}

async fn accept(listener: &TcpListener) -> Peer {
    let (stream, _) = tokio::time::timeout(Duration::from_secs(5), listener.accept())
        .await
        .expect("Hotline connects")
        .expect("accept");
    let mut gateway = Peer::new(stream);
    assert_eq!(gateway.accept_bind().await.as_deref(), Some("hotline"));
    gateway
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_dialog_through_a_gateway_and_a_reconnect_after_its_restart() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let (_smpp, shutdown) = hotline_bound_to(&listener).await;
    let mut gateway = accept(&listener).await;

    let dial = Ussd::text(MSISDN, "123", "*123#", 1).its(0x0100);
    assert_eq!(gateway.deliver(&dial).await, CommandStatus::EsmeRok);
    let menu = gateway.submitted().await.expect("menu");
    assert_eq!(menu.decoded(), MENU);
    assert_eq!((menu.op, menu.its), (Some(2), Some(0x0100)));
    assert_eq!((menu.source.as_str(), menu.dest.as_str()), ("123", MSISDN));

    // The gateway throttles the end screen once: Hotline pauses and sends it again.
    gateway
        .deliver(&Ussd::text(MSISDN, "123", "1", 18).its(0x0100))
        .await;
    let first = gateway
        .submitted_with(CommandStatus::EsmeRthrottled)
        .await
        .expect("end screen");
    let again = gateway.submitted().await.expect("the same screen again");
    assert_eq!(first, again);
    assert_eq!(again.decoded(), BOOKED);
    assert_eq!(again.op, Some(17));

    // The gateway restarts: Hotline binds again and dialogs work on the new bind.
    drop(gateway);
    let mut gateway = accept(&listener).await;
    gateway
        .deliver(&Ussd::text(MSISDN, "123", "*123#", 1).its(0x0200))
        .await;
    assert_eq!(gateway.submitted().await.expect("menu").its, Some(0x0200));
    shutdown.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_sm_is_answered_at_once_even_while_the_step_runs() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let (_smpp, shutdown) = hotline_bound_to(&listener).await;
    let mut gateway = accept(&listener).await;
    gateway
        .deliver(&Ussd::text(MSISDN, "123", "*123#", 1).its(1))
        .await;
    gateway.submitted().await.expect("menu");
    // "slow" takes 400 ms in the engine; the deliver_sm_resp must not wait for it, so a
    // second subscriber's dial is answered and served in the meantime.
    gateway
        .deliver(&Ussd::text(MSISDN, "123", "slow", 18).its(1))
        .await;
    gateway
        .deliver(&Ussd::text("6289999999999", "123", "*123#", 1).its(2))
        .await;
    let first = gateway.submitted().await.expect("a screen");
    assert_eq!(first.its, Some(2), "the quick dialog's screen comes first");
    let second = gateway.submitted().await.expect("the slow screen");
    assert_eq!(second.decoded(), "slow done");
    shutdown.cancel();
}
