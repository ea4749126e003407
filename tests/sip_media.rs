//! Media and timers against a raw UDP caller: symmetric RTP, RFC 4733 redundancy, and a
//! caller who presses nothing (NoInput, then Hotline's own BYE).

mod sip_support;

use std::time::Duration;

use hotline::sessions::IngressEvent;
use hotline_codecs::rtp::{RtpHeader, RtpPacket, TelephoneEvent};
use hotline_codecs::sip::{Message, Method, Response};
use sip_support::peer::{request, sdp, Peer};
use sip_support::{config, Uas};
use tokio::net::UdpSocket;

/// INVITE with RTP announced at `rtp_port`, ACK the 200; returns the 200.
async fn call(peer: &Peer, call_id: &str, rtp_port: u16) -> Response {
    let offer = sdp(rtp_port, "0 101\r\na=rtpmap:101 telephone-event/8000");
    let invite = request(
        "INVITE",
        peer.local(),
        call_id,
        call_id,
        "Content-Type: application/sdp\r\n",
        &offer,
    );
    peer.send(&invite).await;
    let ok = peer.final_response(200).await;
    assert_eq!(ok.status, 200);
    let to = ok.headers.get("To").expect("To");
    let ack = String::from_utf8(request("ACK", peer.local(), call_id, "ack", "", ""))
        .expect("text")
        .replace("To: <sip:123@127.0.0.1>", &format!("To: {to}"));
    peer.send(ack.as_bytes()).await;
    ok
}

fn rtp_port_of(answer: &Response) -> u16 {
    let sdp = String::from_utf8_lossy(&answer.body).into_owned();
    sdp.lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .and_then(|l| l.split(' ').next())
        .and_then(|p| p.parse().ok())
        .expect("the answer has an audio port")
}

async fn send_key(socket: &UdpSocket, to: std::net::SocketAddr, seq: &mut u16, ts: u32, key: u8) {
    let mut out = Vec::new();
    for n in 1..=3u16 {
        let e = TelephoneEvent {
            event: key,
            end: false,
            volume: 10,
            duration: 160 * n,
        };
        RtpHeader {
            marker: n == 1,
            payload_type: 101,
            sequence: *seq,
            timestamp: ts,
            ssrc: 9,
        }
        .write(&e.to_bytes(), &mut out);
        socket.send_to(&out, to).await.expect("send event");
        *seq = seq.wrapping_add(1);
    }
    for _ in 0..3 {
        let e = TelephoneEvent {
            event: key,
            end: true,
            volume: 10,
            duration: 480,
        };
        RtpHeader {
            marker: false,
            payload_type: 101,
            sequence: *seq,
            timestamp: ts,
            ssrc: 9,
        }
        .write(&e.to_bytes(), &mut out);
        socket.send_to(&out, to).await.expect("send end");
        *seq = seq.wrapping_add(1);
    }
    tokio::time::sleep(Duration::from_millis(40)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rtp_follows_the_caller_and_redundant_events_count_once() {
    let uas = Uas::start(config(23_000)).await;
    let peer = Peer::new(uas.addr).await;
    let decoy = UdpSocket::bind("127.0.0.1:0").await.expect("decoy");
    let media = UdpSocket::bind("127.0.0.1:0").await.expect("media");
    let ok = call(&peer, "sym1", decoy.local_addr().expect("addr").port()).await;
    let hotline_rtp = std::net::SocketAddr::from(([127, 0, 0, 1], rtp_port_of(&ok)));

    // RTP from another port than the SDP said: Hotline must answer there.
    let mut seq = 1u16;
    let mut out = Vec::new();
    RtpHeader {
        marker: true,
        payload_type: 0,
        sequence: seq,
        timestamp: 0,
        ssrc: 9,
    }
    .write(&[0xff; 160], &mut out);
    media.send_to(&out, hotline_rtp).await.expect("send audio");
    seq += 1;
    let mut buf = [0u8; 2048];
    let mut got = 0;
    while got < 5 {
        let (len, _) = tokio::time::timeout(Duration::from_secs(2), media.recv_from(&mut buf))
            .await
            .expect("Hotline's RTP reaches the real source")
            .expect("recv");
        assert_eq!(
            RtpPacket::parse(&buf[..len])
                .expect("RTP")
                .header
                .payload_type,
            0
        );
        got += 1;
    }

    send_key(&media, hotline_rtp, &mut seq, 1_000, 1).await;
    let first = uas
        .engine
        .wait_for(3, |s| s.iter().any(|i| i.event == IngressEvent::Input))
        .await;
    assert!(first, "the key arrives: {:?}", uas.engine.events());
    send_key(&media, hotline_rtp, &mut seq, 2_000, 5).await;
    send_key(&media, hotline_rtp, &mut seq, 3_000, 5).await;
    send_key(&media, hotline_rtp, &mut seq, 4_000, 11).await;
    let second = uas.engine.wait_for(3, |s| s.len() >= 3).await;
    assert!(second, "{:?}", uas.engine.events());
    assert_eq!(
        uas.engine.events()[1..3],
        [
            (IngressEvent::Input, "1".into()),
            (IngressEvent::Input, "55".into())
        ]
    );
    uas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silence_is_no_input_and_hotline_hangs_up_with_bye() {
    let uas = Uas::start(config(23_100)).await;
    let peer = Peer::new(uas.addr).await;
    let media = UdpSocket::bind("127.0.0.1:0").await.expect("media");
    let ok = call(&peer, "quiet1", media.local_addr().expect("addr").port()).await;
    let our_tag = ok
        .headers
        .get("To")
        .and_then(|t| t.split(";tag=").nth(1))
        .expect("tag")
        .to_string();

    let bye = loop {
        match peer.recv_any(8_000).await.expect("Hotline's BYE") {
            Message::Request(r) if r.method == Method::Bye => break r,
            _ => {}
        }
    };
    bye.check().expect("a complete BYE");
    assert_eq!(bye.call_id(), Ok("quiet1"));
    assert_eq!(bye.from().expect("From").tag(), Some(our_tag.as_str()));
    assert_eq!(bye.to().expect("To").tag(), Some("p1"));
    assert_eq!(
        bye.uri.user.as_deref(),
        Some("0912000111"),
        "sent to the caller's Contact"
    );
    let r = hotline::channels::sip::wire::response(&bye.headers, uas.addr, 200, "OK", None);
    peer.send(&r.to_bytes()).await;

    assert_eq!(
        uas.engine.events(),
        [
            (IngressEvent::Begin, String::new()),
            (IngressEvent::NoInput, String::new())
        ]
    );
    uas.stop().await;
}

#[tokio::test]
async fn the_200_is_retransmitted_until_the_ack_and_a_reinvite_gets_the_same_answer() {
    let uas = Uas::start(config(23_200)).await;
    let peer = Peer::new(uas.addr).await;
    let offer = sdp(40_000, "0 101\r\na=rtpmap:101 telephone-event/8000");
    let ct = "Content-Type: application/sdp\r\n";
    peer.send(&request("INVITE", peer.local(), "rt1", "rt1", ct, &offer))
        .await;
    let first = peer.final_response(200).await;
    let again = peer.final_response(200).await;
    assert_eq!(
        (first.status, again.status),
        (200, 200),
        "timer G resends the 200"
    );
    assert_eq!(first.body, again.body);

    let to = first.headers.get("To").expect("To").to_string();
    let reinvite = String::from_utf8(request("INVITE", peer.local(), "rt1", "re1", ct, &offer))
        .expect("text")
        .replace("To: <sip:123@127.0.0.1>", &format!("To: {to}"))
        .replace("CSeq: 1 INVITE", "CSeq: 2 INVITE");
    peer.send(reinvite.as_bytes()).await;
    let answer = loop {
        let r = peer.final_response(200).await;
        if r.headers.get("CSeq") == Some("2 INVITE") {
            break r;
        }
    };
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, first.body, "the session is unchanged");
    uas.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_barge_in_a_key_during_the_prompt_is_ignored() {
    let uas = Uas::start(config(23_300)).await;
    uas.engine
        .barge_in
        .store(false, std::sync::atomic::Ordering::Relaxed);
    let peer = Peer::new(uas.addr).await;
    let media = UdpSocket::bind("127.0.0.1:0").await.expect("media");
    let ok = call(&peer, "nb1", media.local_addr().expect("addr").port()).await;
    let to = ok.headers.get("To").expect("To").to_string();
    let began = uas.engine.wait_for(3, |s| !s.is_empty()).await;
    assert!(began);
    let info = String::from_utf8(request(
        "INFO",
        peer.local(),
        "nb1",
        "info1",
        "Content-Type: application/dtmf-relay\r\n",
        "Signal=1\r\nDuration=160\r\n",
    ))
    .expect("text")
    .replace("To: <sip:123@127.0.0.1>", &format!("To: {to}"))
    .replace("CSeq: 1 INFO", "CSeq: 2 INFO");
    peer.send(info.as_bytes()).await;
    let no_input = uas.engine.wait_for(6, |s| s.len() >= 2).await;
    assert!(no_input, "{:?}", uas.engine.events());
    assert_eq!(
        uas.engine.events()[1],
        (IngressEvent::NoInput, String::new()),
        "the key was not taken"
    );
    uas.stop().await;
}

/// An ACK for `ok` carrying `body` (an SDP answer, or nothing).
fn ack_with(peer: &Peer, call_id: &str, ok: &Response, body: &str) -> Vec<u8> {
    let to = ok.headers.get("To").expect("To");
    let extra = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    String::from_utf8(request("ACK", peer.local(), call_id, "ack", extra, body))
        .expect("text")
        .replace("To: <sip:123@127.0.0.1>", &format!("To: {to}"))
        .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_offer_is_answered_in_the_ack_and_an_ack_without_answer_ends_the_call() {
    let uas = Uas::start(config(23_400)).await;
    let peer = Peer::new(uas.addr).await;
    let media = UdpSocket::bind("127.0.0.1:0").await.expect("media");
    peer.send(&request("INVITE", peer.local(), "late1", "late1", "", ""))
        .await;
    let ok = peer.final_response(200).await;
    let offer = String::from_utf8_lossy(&ok.body).into_owned();
    assert!(offer.contains("RTP/AVP 0 8 101"), "Hotline offers: {offer}");
    let answer = sdp(
        media.local_addr().expect("addr").port(),
        "8 101\r\na=rtpmap:101 telephone-event/8000",
    );
    peer.send(&ack_with(&peer, "late1", &ok, &answer)).await;
    let mut buf = [0u8; 2048];
    let (len, _) = tokio::time::timeout(Duration::from_secs(3), media.recv_from(&mut buf))
        .await
        .expect("RTP goes where the ACK's answer says")
        .expect("recv");
    assert_eq!(
        RtpPacket::parse(&buf[..len])
            .expect("RTP")
            .header
            .payload_type,
        8,
        "the answered codec"
    );

    peer.send(&request("INVITE", peer.local(), "late2", "late2", "", ""))
        .await;
    let ok = loop {
        let r = peer.final_response(200).await;
        if r.headers.get("Call-ID") == Some("late2") {
            break r;
        }
    };
    peer.send(&ack_with(&peer, "late2", &ok, "")).await;
    let bye = loop {
        match peer
            .recv_any(3_000)
            .await
            .expect("a BYE for the unanswered offer")
        {
            Message::Request(r) if r.method == Method::Bye => break r,
            _ => {}
        }
    };
    assert_eq!(bye.call_id(), Ok("late2"));
    let r = hotline::channels::sip::wire::response(&bye.headers, uas.addr, 200, "OK", None);
    peer.send(&r.to_bytes()).await;
    uas.stop().await;
}
