//! The UAS against a raw UDP peer: garbage and oversized datagrams, the allow-list, the
//! call limit, INVITE retransmissions, codec refusal, unsupported methods and digest
//! authentication. After every abuse the server must still answer.

mod sip_support;

use hotline::channels::sip::DigestAuth;
use hotline_codecs::sip::digest::Credentials;
use sip_support::peer::{invite, request, sdp, Peer};
use sip_support::{config, Uas};

async fn still_alive(peer: &Peer) {
    peer.send(&request("OPTIONS", peer.local(), "alive", "alive", "", ""))
        .await;
    let r = peer.recv(2_000).await.expect("the server still answers");
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn garbage_gets_400_when_answerable_and_is_dropped_otherwise() {
    let uas = Uas::start(config(22_000)).await;
    let peer = Peer::new(uas.addr).await;

    let mut broken = invite(peer.local(), "g1", "g1", "");
    broken[..14].copy_from_slice(b"INVITE <<junk>");
    peer.send(&broken).await;
    let r = peer.recv(2_000).await.expect("a 400");
    assert_eq!((r.status, r.headers.get("Call-ID")), (400, Some("g1")));

    let short = String::from_utf8(invite(peer.local(), "g2", "g2", "")).expect("text");
    peer.send(
        short
            .replace("Content-Length: ", "Content-Length: 9")
            .as_bytes(),
    )
    .await;
    assert_eq!(peer.recv(2_000).await.map(|r| r.status), Some(400));

    peer.send(&request("INVITE", peer.local(), "g3", "g3", "CSeq: x\r\n", "").replace_cseq())
        .await;
    assert_eq!(peer.recv(2_000).await.map(|r| r.status), Some(400));

    let noise: Vec<u8> = (0..1500).map(|_| fastrand::u8(..)).collect();
    peer.send(&noise).await;
    peer.send(&vec![b'A'; 65_000]).await;
    peer.send(b"SIP/2.0 200 OK\r\n\r\n").await;
    assert!(
        peer.recv(300).await.is_none(),
        "unanswerable datagrams are dropped"
    );
    still_alive(&peer).await;
    uas.stop().await;
}

trait ReplaceCseq {
    fn replace_cseq(self) -> Vec<u8>;
}

impl ReplaceCseq for Vec<u8> {
    /// Keeps only the broken CSeq so that the request fails its check.
    fn replace_cseq(self) -> Vec<u8> {
        String::from_utf8(self)
            .expect("text")
            .replace("CSeq: 1 INVITE\r\n", "")
            .into_bytes()
    }
}

#[tokio::test]
async fn a_source_outside_the_allow_list_gets_403() {
    let mut cfg = config(22_100);
    cfg.allowed_ips = vec!["10.0.0.0/8".parse().expect("net")];
    let uas = Uas::start(cfg).await;
    let peer = Peer::new(uas.addr).await;
    peer.send(&invite(peer.local(), "a1", "a1", "")).await;
    assert_eq!(peer.recv(2_000).await.map(|r| r.status), Some(403));
    assert!(uas.engine.seen().is_empty());
    uas.stop().await;
}

#[tokio::test]
async fn retransmits_limits_codecs_and_methods() {
    let mut cfg = config(22_200);
    cfg.max_calls = 1;
    let uas = Uas::start(cfg).await;
    let peer = Peer::new(uas.addr).await;

    peer.send(&invite(peer.local(), "c1", "c1", "")).await;
    let first = peer.final_response(200).await;
    assert_eq!(first.status, 200);
    let to = first.headers.get("To").expect("To").to_string();
    assert!(to.contains(";tag="), "{to}");
    assert!(String::from_utf8_lossy(&first.body).contains("m=audio 22200 RTP/AVP 0 101"));

    peer.send(&invite(peer.local(), "c1", "c1", "")).await;
    let again = peer.final_response(200).await;
    assert_eq!(
        again.headers.get("To"),
        Some(to.as_str()),
        "the same answer, the same tag"
    );

    peer.send(&invite(peer.local(), "c2", "c2", "")).await;
    let busy = peer.final_response(200).await;
    assert_eq!(
        (busy.status, busy.headers.get("Retry-After")),
        (503, Some("5"))
    );

    let g729 = request(
        "INVITE",
        peer.local(),
        "c3",
        "c3",
        "Content-Type: application/sdp\r\n",
        &sdp(4000, "18"),
    );
    peer.send(&g729).await;
    assert!(matches!(peer.final_response(200).await.status, 488 | 503));

    peer.send(&request("SUBSCRIBE", peer.local(), "c4", "c4", "", ""))
        .await;
    let r = peer.recv(2_000).await.expect("405");
    assert_eq!(r.status, 405);
    assert!(r.headers.get("Allow").is_some_and(|a| a.contains("INVITE")));

    peer.send(&request("BYE", peer.local(), "nope", "b0", "", ""))
        .await;
    assert_eq!(peer.recv(2_000).await.map(|r| r.status), Some(481));
    uas.stop().await;
}

#[tokio::test]
async fn digest_auth_challenges_then_accepts_the_right_password() {
    let mut cfg = config(22_300);
    cfg.auth = Some(DigestAuth {
        realm: "hotline".into(),
        username: "trunk".into(),
        password: "s3cret".into(),
    });
    let uas = Uas::start(cfg).await;
    let peer = Peer::new(uas.addr).await;
    peer.send(&invite(peer.local(), "d1", "d1", "")).await;
    let challenge = peer.final_response(200).await;
    assert_eq!(challenge.status, 401);
    let www = challenge
        .headers
        .get("WWW-Authenticate")
        .expect("a challenge")
        .to_string();
    let nonce = www
        .split("nonce=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("nonce");

    let credential = |password: &str| {
        let mut c = Credentials {
            username: "trunk".into(),
            realm: "hotline".into(),
            nonce: nonce.into(),
            uri: "sip:123@127.0.0.1".into(),
            ..Credentials::default()
        };
        c.response = c.expected("INVITE", password);
        format!(
            "Authorization: Digest username=\"trunk\", realm=\"hotline\", nonce=\"{nonce}\", uri=\"{}\", response=\"{}\"\r\n",
            c.uri, c.response
        )
    };
    peer.send(&invite(peer.local(), "d2", "d2", &credential("wrong")))
        .await;
    assert_eq!(peer.final_response(200).await.status, 401);
    peer.send(&invite(peer.local(), "d3", "d3", &credential("s3cret")))
        .await;
    assert_eq!(peer.final_response(200).await.status, 200);
    uas.stop().await;
}

#[tokio::test]
async fn tcp_frames_by_content_length_and_closes_on_garbage() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let uas = Uas::start(config(22_400)).await;
    let mut tcp = tokio::net::TcpStream::connect(uas.addr)
        .await
        .expect("TCP listener");
    let local = tcp.local_addr().expect("addr");
    // Two OPTIONS in one write, the second split across writes.
    let one = request("OPTIONS", local, "t1", "t1", "", "");
    let two = request("OPTIONS", local, "t2", "t2", "", "");
    let mut first = one.clone();
    first.extend_from_slice(&two[..20]);
    tcp.write_all(&first).await.expect("write");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    tcp.write_all(&two[20..]).await.expect("write");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.windows(11).filter(|w| w == b"SIP/2.0 200").count() < 2 {
        let n = tokio::time::timeout(std::time::Duration::from_secs(2), tcp.read(&mut buf))
            .await
            .expect("answers arrive")
            .expect("read");
        assert!(n > 0, "connection stays open");
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got);
    assert!(
        text.contains("Call-ID: t1") && text.contains("Call-ID: t2"),
        "{text}"
    );

    tcp.write_all(b"this is not SIP\r\n\r\n")
        .await
        .expect("write");
    let n = tokio::time::timeout(std::time::Duration::from_secs(2), tcp.read(&mut buf))
        .await
        .expect("the server closes")
        .unwrap_or(0);
    assert_eq!(n, 0, "a stream that cannot be framed is closed");
    let peer = Peer::new(uas.addr).await;
    still_alive(&peer).await;
    uas.stop().await;
}

#[tokio::test]
async fn a_storm_of_corrupted_invites_leaves_the_server_answering() {
    let mut cfg = config(22_500);
    cfg.max_calls = 2;
    let uas = Uas::start(cfg).await;
    let peer = Peer::new(uas.addr).await;
    let good = invite(peer.local(), "storm", "storm", "");
    for n in 0..600 {
        let mut bad = good.clone();
        for _ in 0..1 + n % 4 {
            let at = fastrand::usize(..bad.len());
            bad[at] = fastrand::u8(..);
        }
        if n % 7 == 0 {
            bad.truncate(fastrand::usize(..bad.len()));
        }
        peer.send(&bad).await;
    }
    // Drain whatever was answered, then the server must still answer and still be running.
    while peer.recv_any(200).await.is_some() {}
    still_alive(&peer).await;
    assert!(!uas.task.is_finished(), "the server task is still running");
    uas.stop().await;
}
