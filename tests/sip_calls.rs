//! Whole calls over loopback with SIPp as the caller: keys by SIP INFO and by RFC 4733
//! events, a hang-up mid-prompt, a CANCEL before answer, an OPTIONS ping. The engine is a
//! scripted three-screen journey that records what the channel gave it.

mod sip_support;

use std::time::Duration;

use hotline::sessions::{ChannelKind, IngressEvent};
use sip_support::{capture, check_stream, config, sipp, Uas, NATIONAL_ID};

async fn run_sipp(
    scenario: &'static str,
    uas: &Uas,
    vars: Vec<(&'static str, String)>,
) -> sip_support::SippRun {
    let addr = uas.addr;
    tokio::task::spawn_blocking(move || sipp(scenario, addr, &vars))
        .await
        .expect("sipp thread")
}

/// What the engine must have seen for the whole booking: dial, "1", the ID.
fn booked() -> Vec<(IngressEvent, String)> {
    vec![
        (IngressEvent::Begin, String::new()),
        (IngressEvent::Input, "1".into()),
        (IngressEvent::Input, NATIONAL_ID.into()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_books_with_sip_info_keys_and_hotline_hangs_up() {
    let uas = Uas::start(config(21_000)).await;
    let (rtp_port, stop, captured) = capture().await;
    let run = run_sipp(
        "info_booking.xml",
        &uas,
        vec![("rtp_port", rtp_port.to_string())],
    )
    .await;
    assert!(run.success, "sipp failed: {}\n{}", run.errors, run.stdout);
    stop.cancel();
    let packets = captured.await.expect("capture task");

    let seen = uas.engine.seen();
    assert_eq!(uas.engine.events(), booked());
    let first = &seen[0];
    assert_eq!(
        (first.channel, first.key.operator.as_ref()),
        (ChannelKind::Sip, "sip")
    );
    assert_eq!(
        (first.msisdn.as_str(), first.service_code.as_str()),
        ("+254711000111", "*123#")
    );

    // PCMA was offered first, so every packet is PCMA; three prompts, three talkspurts.
    let spurts = check_stream(&packets, 8);
    assert_eq!(spurts.len(), 3, "welcome, ask-id and booked prompts");
    let last = spurts.last().cloned().expect("three spurts");
    assert_eq!(
        last.len(),
        25,
        "the goodbye prompt (a 0.5 s tone) plays whole"
    );
    let span = packets[last.end - 1].at - packets[last.start].at;
    assert!(
        span >= Duration::from_millis(240),
        "frames are paced, not burst: {span:?}"
    );
    uas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_books_over_tcp() {
    let uas = Uas::start(config(21_500)).await;
    let (rtp_port, stop, captured) = capture().await;
    let addr = uas.addr;
    let vars = vec![("rtp_port", rtp_port.to_string())];
    let run = tokio::task::spawn_blocking(move || {
        sip_support::sipp_with("info_booking.xml", addr, &vars, &["-t", "t1"])
    })
    .await
    .expect("sipp thread");
    assert!(
        run.success,
        "sipp over TCP failed: {}\n{}",
        run.errors, run.stdout
    );
    stop.cancel();
    assert_eq!(uas.engine.events(), booked());
    check_stream(&captured.await.expect("capture task"), 8);
    uas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_books_with_rfc4733_events() {
    let uas = Uas::start(config(21_100)).await;
    let run = run_sipp("rfc4733_booking.xml", &uas, Vec::new()).await;
    assert!(run.success, "sipp failed: {}\n{}", run.errors, run.stdout);
    assert_eq!(uas.engine.events(), booked());
    assert_eq!(uas.engine.seen()[0].service_code, "123");
    uas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_who_hangs_up_mid_prompt_aborts_the_dialog() {
    let mut cfg = config(21_200);
    cfg.prompts.tts = ["espeak-ng", "-v", "{voice}", "--stdout"]
        .map(String::from)
        .to_vec();
    let uas = Uas::start(cfg.clone()).await;
    let (rtp_port, stop, captured) = capture().await;
    let run = run_sipp(
        "hangup_mid_prompt.xml",
        &uas,
        vec![("rtp_port", rtp_port.to_string())],
    )
    .await;
    assert!(run.success, "sipp failed: {}\n{}", run.errors, run.stdout);
    let aborted = uas
        .engine
        .wait_for(3, |seen| {
            seen.iter().any(|i| i.event == IngressEvent::Abort)
        })
        .await;
    assert!(
        aborted,
        "the engine hears of the hang-up: {:?}",
        uas.engine.events()
    );
    assert_eq!(uas.engine.events()[0].0, IngressEvent::Begin);
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.cancel();
    let packets = captured.await.expect("capture task");
    let prompt = hotline::channels::sip::PromptStore::new(cfg.prompts)
        .prompt(sip_support::WELCOME)
        .await;
    check_stream(&packets, 0);
    assert!(
        !packets.is_empty() && packets.len() < prompt.frame_count(),
        "the prompt ({} frames) stops at the hang-up, {} sent",
        prompt.frame_count(),
        packets.len()
    );
    uas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_before_answer_gets_487_and_never_reaches_the_engine() {
    let mut cfg = config(21_300);
    cfg.ring = Duration::from_secs(3);
    let uas = Uas::start(cfg).await;
    let run = run_sipp("cancel_before_answer.xml", &uas, Vec::new()).await;
    assert!(run.success, "sipp failed: {}\n{}", run.errors, run.stdout);
    assert!(
        uas.engine.seen().is_empty(),
        "no dialog began: {:?}",
        uas.engine.events()
    );
    uas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_options_ping_gets_200_with_allow() {
    let uas = Uas::start(config(21_400)).await;
    let run = run_sipp("options_ping.xml", &uas, Vec::new()).await;
    assert!(run.success, "sipp failed: {}\n{}", run.errors, run.stdout);
    uas.stop().await;
}
