//! The server role over loopback, with an ESME built on `rusmpp`: binds, full dialogs in
//! each dialect, UCS-2, aborts, malformed PDUs, throttling, wrapping sequence numbers and
//! a drain with a dialog in flight.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hotline::channels::smpp::config::{IntegratorConfig, SmsConfig};
use hotline::channels::smpp::dialect::DialectName;
use hotline::channels::smpp::Smpp;
use hotline::config::Config;
use hotline::sessions::IngressEvent;
use rusmpp::{CommandId, CommandStatus};
use support::rusmpp_peer::{Peer, Ussd};
use support::{ScriptedEngine, BOOKED, MENU, PERSIAN, SMS};
use tokio_util::sync::CancellationToken;

const MSISDN: &str = "989121234567";

struct Line {
    addr: SocketAddr,
    engine: Arc<ScriptedEngine>,
    shutdown: CancellationToken,
    smpp: Option<Smpp>,
}

fn integrator(system_id: &str, dialect: DialectName) -> IntegratorConfig {
    IntegratorConfig {
        system_id: system_id.into(),
        password: "secret".into(),
        dialect,
        ..IntegratorConfig::demo()
    }
}

async fn line(window: usize) -> Line {
    let mut config = Config::default();
    let server = config.smpp.server.as_mut().expect("embedded server");
    server.listen = "127.0.0.1:0".parse().expect("addr");
    server.integrators = vec![
        integrator("std", DialectName::Standard),
        integrator("tata", DialectName::Tata),
        integrator("mica", DialectName::Mica),
        integrator("sixdee", DialectName::Sixdee),
        integrator("msisdn", DialectName::MsisdnOnly),
    ];
    config.smpp.session.window = window;
    config.smpp.session.bind_fail_delay = Duration::from_millis(50);
    config.smpp.sms = Some(SmsConfig {
        bind: "std".into(),
        source_addr: "HOTLINE".into(),
    });
    let engine = ScriptedEngine::new();
    let shutdown = CancellationToken::new();
    let smpp = Smpp::start(&config, engine.clone(), shutdown.clone())
        .await
        .expect("listen");
    Line {
        addr: smpp.server_addr.expect("server runs"),
        engine,
        shutdown,
        smpp: Some(smpp),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_dialog_in_the_standard_dialect_ends_with_an_sms() {
    let line = line(64).await;
    let (mut esme, status) = Peer::bind(line.addr, "std", "secret").await;
    assert_eq!(status, CommandStatus::EsmeRok);

    let dial = Ussd::text(MSISDN, "123", "*123#", 1).its(0x0400);
    assert_eq!(esme.submit(&dial).await, CommandStatus::EsmeRok);
    let menu = esme.screen().await.expect("menu");
    assert_eq!(menu.decoded(), MENU);
    assert_eq!(menu.op, Some(2), "USSR request continues");
    assert_eq!(menu.its, Some(0x0400), "its echoed");
    assert_eq!(
        (menu.source.as_str(), menu.dest.as_str()),
        ("123", MSISDN),
        "addresses swapped"
    );

    let answer = Ussd::text(MSISDN, "123", "1", 18).its(0x0400);
    assert_eq!(esme.submit(&answer).await, CommandStatus::EsmeRok);
    let end = esme.screen().await.expect("end screen");
    assert_eq!(end.decoded(), BOOKED);
    assert_eq!(end.op, Some(17), "PSSR response ends");

    let sms = esme.screen().await.expect("confirmation SMS");
    assert_eq!(sms.decoded(), SMS);
    assert_eq!(sms.op, None, "an SMS carries no USSD op");
    assert_eq!(
        (sms.source.as_str(), sms.dest.as_str()),
        ("HOTLINE", MSISDN)
    );

    let events = line.engine.events();
    assert_eq!(
        events,
        vec![
            (IngressEvent::Begin, String::new()),
            (IngressEvent::Input, "1".into())
        ]
    );
    assert_eq!(
        line.engine.seen.lock().expect("lock")[0].service_code,
        "*123#"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_is_fed_as_inputs() {
    let line = line(64).await;
    let (mut esme, _) = Peer::bind(line.addr, "std", "secret").await;
    esme.submit(&Ussd::text(MSISDN, "123", "*123*1*0012345679#", 1).its(7))
        .await;
    let screen = esme.screen().await.expect("screen");
    assert_eq!(screen.decoded(), "deep:1*0012345679");
    assert_eq!(
        line.engine.seen.lock().expect("lock")[0].service_code,
        "*123#"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persian_dialog_travels_as_ucs2() {
    let line = line(64).await;
    let (mut esme, _) = Peer::bind(line.addr, "std", "secret").await;
    esme.submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(9))
        .await;
    esme.screen().await.expect("menu");
    let persian_one = Ussd {
        data_coding: 8,
        short_message: "۱".encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ..Ussd::text(MSISDN, "123", "", 18).its(9)
    };
    esme.submit(&persian_one).await;
    let end = esme.screen().await.expect("Persian screen");
    assert_eq!(end.data_coding, 8);
    assert_eq!(end.decoded(), PERSIAN);
    let seen = line.engine.seen.lock().expect("lock");
    assert_eq!(seen[1].input, "۱");
    assert_eq!(
        seen[1].screen.encoding_hint,
        Some(hotline_codecs::text::Encoding::Ucs2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_password_is_refused_with_bind_fail() {
    let line = line(64).await;
    let (_, status) = Peer::bind(line.addr, "std", "wrong").await;
    assert_eq!(status, CommandStatus::EsmeRbindfail);
    let (_, status) = Peer::bind(line.addr, "nobody", "secret").await;
    assert_eq!(status, CommandStatus::EsmeRbindfail);
    let (_, status) = Peer::bind(line.addr, "std", "secret").await;
    assert_eq!(
        status,
        CommandStatus::EsmeRok,
        "the right password still works"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abort_ends_the_dialog_without_a_screen() {
    let line = line(64).await;
    let (mut esme, _) = Peer::bind(line.addr, "std", "secret").await;
    esme.submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(5))
        .await;
    esme.screen().await.expect("menu");
    esme.submit(&Ussd::text(MSISDN, "123", "", 0x81).its(5))
        .await;
    // The next thing on the wire is the answer to a fresh dialog, not a screen for the
    // aborted one.
    esme.submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(6))
        .await;
    let next = esme.screen().await.expect("screen");
    assert_eq!(next.its, Some(6));
    assert_eq!(
        line.engine.events()[1],
        (IngressEvent::Abort, String::new())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_pdu_mid_dialog_gets_generic_nack_and_the_dialog_goes_on() {
    let line = line(64).await;
    let (mut esme, _) = Peer::bind(line.addr, "std", "secret").await;
    esme.submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(3))
        .await;
    esme.screen().await.expect("menu");
    // A submit_sm whose body stops inside service_type (no NULL terminator).
    esme.send_raw(&[
        0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 99, b'U', b'S', b'S', b'D',
    ])
    .await;
    let nack = esme
        .next_where(|c| c.id() == CommandId::GenericNack || c.id() == CommandId::SubmitSmResp)
        .await
        .expect("an answer to the broken PDU");
    assert_eq!(nack.sequence_number(), 99);
    assert_ne!(nack.status(), CommandStatus::EsmeRok);
    esme.submit(&Ussd::text(MSISDN, "123", "1", 18).its(3))
        .await;
    assert_eq!(esme.screen().await.expect("end").decoded(), BOOKED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_past_the_window_are_throttled() {
    let line = line(1).await;
    let (mut esme, _) = Peer::bind(line.addr, "std", "secret").await;
    esme.submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(1))
        .await;
    esme.screen().await.expect("menu");
    esme.submit(&Ussd::text("989120000002", "123", "*123#", 1).its(2))
        .await;
    esme.screen().await.expect("menu");
    let slow = esme
        .submit(&Ussd::text(MSISDN, "123", "slow", 18).its(1))
        .await;
    assert_eq!(slow, CommandStatus::EsmeRok);
    let second = esme
        .submit(&Ussd::text("989120000002", "123", "1", 18).its(2))
        .await;
    assert_eq!(
        second,
        CommandStatus::EsmeRthrottled,
        "one step in flight fills a window of 1"
    );
    assert_eq!(
        esme.screen().await.expect("slow screen").decoded(),
        "slow done"
    );
    let retry = esme
        .submit(&Ussd::text("989120000002", "123", "1", 18).its(2))
        .await;
    assert_eq!(
        retry,
        CommandStatus::EsmeRok,
        "room again once the step is done"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_sequence_numbers_wrap_and_are_echoed() {
    let line = line(64).await;
    let (mut esme, _) = Peer::bind(line.addr, "std", "secret").await;
    esme.set_seq(0x7FFF_FFFE);
    let dial = Ussd::text(MSISDN, "123", "*123#", 1).its(8);
    assert_eq!(
        esme.submit(&dial).await,
        CommandStatus::EsmeRok,
        "seq 0x7FFFFFFF"
    );
    esme.screen().await.expect("menu");
    assert_eq!(esme.next_seq(), 1, "the test ESME wrapped");
    esme.set_seq(0);
    assert_eq!(
        esme.submit(&Ussd::text(MSISDN, "123", "9", 18).its(8))
            .await,
        CommandStatus::EsmeRok,
        "seq 1 after the wrap"
    );
    assert_eq!(esme.screen().await.expect("screen").decoded(), "step 2");
}

/// Each dialect's correlation and end, as USSD-DIALECTS.md states them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dialect_correlates_and_ends_its_own_way() {
    let line = line(64).await;

    let (mut tata, _) = Peer::bind(line.addr, "tata", "secret").await;
    tata.submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(0x1200))
        .await;
    let menu = tata.screen().await.expect("menu");
    assert_eq!((menu.op, menu.its), (Some(2), Some(0x1200)));
    tata.submit(&Ussd::text(MSISDN, "123", "1", 18).its(0x1200))
        .await;
    let end = tata.screen().await.expect("end");
    assert_eq!(
        (end.op, end.its),
        (Some(2), Some(0x1201)),
        "tata ends with op 2 and bit 0"
    );

    let (mut mica, _) = Peer::bind(line.addr, "mica", "secret").await;
    mica.submit(&Ussd::text(MSISDN, "123", "*123#", 1).umr(77))
        .await;
    let menu = mica.screen().await.expect("menu");
    assert_eq!((menu.op, menu.umr, menu.its), (Some(2), Some(77), None));
    mica.submit(&Ussd::text(MSISDN, "123", "9", 18).umr(77))
        .await;
    assert_eq!(
        mica.screen().await.expect("same dialog").decoded(),
        "step 2"
    );

    let (mut sixdee, _) = Peer::bind(line.addr, "sixdee", "secret").await;
    sixdee
        .submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(0x0A02))
        .await;
    sixdee.screen().await.expect("menu");
    sixdee
        .submit(&Ussd::text(MSISDN, "123", "1", 18).its(0x0A02))
        .await;
    let end = sixdee.screen().await.expect("end");
    assert_eq!(
        (end.op, end.its),
        (Some(17), Some(0x0A03)),
        "op 17 with bit 0"
    );

    let (mut bare, _) = Peer::bind(line.addr, "msisdn", "secret").await;
    bare.submit(&Ussd::text("989127777777", "123", "*123#", 1))
        .await;
    let menu = bare.screen().await.expect("menu");
    assert_eq!((menu.op, menu.its, menu.umr), (Some(2), None, None));
    bare.submit(&Ussd::text("989127777777", "123", "9", 18))
        .await;
    assert_eq!(
        bare.screen().await.expect("correlated by MSISDN").decoded(),
        "step 2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_finishes_the_step_in_flight_then_unbinds() {
    let mut line = line(64).await;
    let (mut esme, _) = Peer::bind(line.addr, "std", "secret").await;
    esme.submit(&Ussd::text(MSISDN, "123", "*123#", 1).its(4))
        .await;
    esme.screen().await.expect("menu");
    esme.submit(&Ussd::text(MSISDN, "123", "slow", 18).its(4))
        .await;
    line.shutdown.cancel();
    assert_eq!(
        esme.screen()
            .await
            .expect("the step in flight finishes")
            .decoded(),
        "slow done"
    );
    let unbind = esme.next().await.expect("unbind");
    assert_eq!(unbind.id(), CommandId::Unbind);
    esme.send_command(rusmpp::Command::new(
        CommandStatus::EsmeRok,
        unbind.sequence_number(),
        rusmpp::Pdu::UnbindResp,
    ))
    .await;
    if let Some(smpp) = line.smpp.take() {
        tokio::time::timeout(Duration::from_secs(5), smpp.join())
            .await
            .expect("the listener stops once its connections have unbound");
    }
}
