//! A voice caller books a visit on the shipped journey: SIPp calls `*123#`, presses keys
//! by SIP INFO as the prompts play (English, book, the national ID and `#`, first service,
//! clinic and time, confirm), and Hotline hangs up after the booked prompt. The booking must
//! be in the SQLite store: the same runtime, menus and admission services as `hotline serve`.

mod sip_support;

use std::path::PathBuf;
use std::sync::Arc;

use hotline::channels::sip::SipServer;
use hotline::config::Config;
use hotline::sessions::runtime::Runtime;
use sip_support::{config, free_port, sipp};
use tokio_util::sync::CancellationToken;

const ID: &str = "0012345679";
const CALLER: &str = "+254711000111";

/// The answers, one group per screen; keys of a group go out 60 ms apart, groups 700 ms
/// apart so that each screen's prompt has begun. The time list has two-digit keys, so its
/// `1` is ended with `#` rather than left to the inter-digit timer.
const ANSWERS: [&str; 7] = ["1", "2", "0012345679#", "1", "1", "1#", "1"];

/// A SIPp scenario that dials, answers [`ANSWERS`] by SIP INFO and waits for our BYE.
fn scenario() -> String {
    let mut keys = String::new();
    let mut cseq = 2;
    for group in ANSWERS {
        keys.push_str("  <pause milliseconds=\"700\"/>\n");
        for key in group.chars() {
            keys.push_str(&format!(
                r#"  <send>
    <![CDATA[
      INFO sip:hotline@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:{CALLER}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: {cseq} INFO
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={key}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>
  <pause milliseconds="60"/>
"#
            ));
            cseq += 1;
        }
    }
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="voice booking on the shipped journey">
  <Global variables="rtp_port"/>
  <send retrans="500">
    <![CDATA[
      INVITE sip:*123%23@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "Caller" <sip:{CALLER}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:*123%23@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:{CALLER}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=caller 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [$rtp_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20
      a=sendrecv
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send>
    <![CDATA[
      ACK sip:hotline@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
    ]]>
  </send>
{keys}  <recv request="BYE" timeout="8000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]>
  </send>
</scenario>
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voice_caller_books_a_visit_with_the_keypad() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = Config {
        data_dir: dir.path().join("data"),
        menus_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menus"),
        ..Config::default()
    };
    let owned = line.clone();
    let opened = tokio::task::spawn_blocking(move || {
        hotline::admission::open(&owned, owned.admission.local_today())
    })
    .await
    .expect("opener")
    .expect("store with demo data");
    let runtime = Arc::new(
        Runtime::load(line.menus_dir.clone(), "ir", 100, opened.handler()).expect("menus load"),
    );
    let server = SipServer::bind(config(25_000)).await.expect("bind SIP");
    let addr = server.local_addr();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(server.serve(runtime.clone(), shutdown.clone()));

    let file = dir.path().join("voice_booking.xml");
    std::fs::write(&file, scenario()).expect("scenario");
    let scenario_path = file.to_string_lossy().into_owned();
    let vars = vec![("rtp_port", free_port().to_string())];
    let run = tokio::task::spawn_blocking(move || sipp(&scenario_path, addr, &vars))
        .await
        .expect("sipp thread");
    let at: Vec<String> = hotline::channels::http::admin::SessionsView::live(runtime.as_ref())
        .into_iter()
        .map(|s| s.node)
        .collect();
    assert!(
        run.success,
        "sipp failed (dialog at {at:?}): {}\n{}",
        run.errors, run.stdout
    );

    let conn = rusqlite::Connection::open(dir.path().join("data/hotline.sqlite")).expect("store");
    let booked: i64 = conn
        .query_row(
            "SELECT count(*) FROM booking WHERE national_id = ?1 AND status = 'active'",
            [ID],
            |row| row.get(0),
        )
        .expect("count");
    assert_eq!(booked, 1, "the call booked one visit");
    assert_eq!(runtime.live(), 0, "the dialog ended with the call");

    shutdown.cancel();
    let _ = task.await;
    drop((runtime, opened));
}
