//! In-band DTMF: recorded-style tone audio (G.711 mu-law, with line noise) through the
//! Goertzel detector, and tones inside a caller's RTP audio reaching the engine as keys
//! when the caller offers no telephone-event.

mod sip_support;

use std::time::Duration;

use hotline::channels::sip::inband::{tone, Detector};
use hotline::sessions::IngressEvent;
use hotline_codecs::g711;
use hotline_codecs::rtp::RtpHeader;
use sip_support::peer::{request, sdp, Peer};
use sip_support::{config, Uas};
use tokio::net::UdpSocket;

/// `keys` as a phone sends them: 80 ms tones, 60 ms gaps, a little noise, through mu-law.
fn recording(keys: &str) -> Vec<u8> {
    let mut linear = Vec::new();
    for key in keys.chars() {
        linear.extend(tone(key, 80, 5_000.0));
        linear.extend(std::iter::repeat_n(0i16, 480));
    }
    linear
        .iter()
        .map(|&s| g711::linear_to_ulaw(s.saturating_add(fastrand::i16(-200..200))))
        .collect()
}

#[test]
fn recorded_tones_decode_to_the_keys() {
    let audio = recording("0012345679#");
    let mut detector = Detector::default();
    let keys: String = audio
        .chunks(160)
        .flat_map(|frame| detector.feed(frame.iter().map(|&b| g711::ulaw_to_linear(b))))
        .collect();
    assert_eq!(keys, "0012345679#");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tones_in_the_callers_audio_are_keys_without_telephone_event() {
    let uas = Uas::start(config(24_000)).await;
    let peer = Peer::new(uas.addr).await;
    let media = UdpSocket::bind("127.0.0.1:0").await.expect("media");
    let offer = sdp(media.local_addr().expect("addr").port(), "0");
    let ct = "Content-Type: application/sdp\r\n";
    peer.send(&request(
        "INVITE",
        peer.local(),
        "tone1",
        "tone1",
        ct,
        &offer,
    ))
    .await;
    let ok = peer.final_response(200).await;
    let body = String::from_utf8_lossy(&ok.body).into_owned();
    assert!(
        body.contains("m=audio") && !body.contains("telephone-event"),
        "{body}"
    );
    let port: u16 = body
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .and_then(|l| l.split(' ').next())
        .and_then(|p| p.parse().ok())
        .expect("port");
    let to = ok.headers.get("To").expect("To").to_string();
    let ack = String::from_utf8(request("ACK", peer.local(), "tone1", "ack", "", ""))
        .expect("text")
        .replace("To: <sip:123@127.0.0.1>", &format!("To: {to}"));
    peer.send(ack.as_bytes()).await;

    let hotline = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut out = Vec::new();
    for (n, frame) in recording("1").chunks(160).enumerate() {
        let n = n as u16;
        let h = RtpHeader {
            marker: n == 0,
            payload_type: 0,
            sequence: n,
            timestamp: u32::from(n) * 160,
            ssrc: 5,
        };
        h.write(frame, &mut out);
        media.send_to(&out, hotline).await.expect("send audio");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let got = uas
        .engine
        .wait_for(3, |s| s.iter().any(|i| i.event == IngressEvent::Input))
        .await;
    assert!(got, "{:?}", uas.engine.events());
    assert_eq!(uas.engine.events()[1], (IngressEvent::Input, "1".into()));
    uas.stop().await;
}
