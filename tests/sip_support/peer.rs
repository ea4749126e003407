//! A raw UDP SIP peer for tests that need exact control over what is sent.

use std::net::SocketAddr;
use std::time::Duration;

use hotline_codecs::sip::{Message, Response};
use tokio::net::UdpSocket;

pub struct Peer {
    pub socket: UdpSocket,
    pub uas: SocketAddr,
}

impl Peer {
    pub async fn new(uas: SocketAddr) -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind peer");
        Self { socket, uas }
    }

    pub fn local(&self) -> SocketAddr {
        self.socket.local_addr().expect("addr")
    }

    pub async fn send(&self, bytes: &[u8]) {
        self.socket.send_to(bytes, self.uas).await.expect("send");
    }

    /// The next response, or `None` after `ms` milliseconds of silence.
    pub async fn recv(&self, ms: u64) -> Option<Response> {
        let mut buf = vec![0u8; 70_000];
        let wait = tokio::time::timeout(Duration::from_millis(ms), self.socket.recv_from(&mut buf));
        let (len, _) = wait.await.ok()?.expect("recv");
        match Message::parse(&buf[..len]) {
            Ok(Message::Response(r)) => Some(r),
            other => panic!("expected a response, got {other:?}"),
        }
    }

    /// The next message of any kind, or `None` after `ms` milliseconds of silence.
    pub async fn recv_any(&self, ms: u64) -> Option<Message> {
        let mut buf = vec![0u8; 70_000];
        let wait = tokio::time::timeout(Duration::from_millis(ms), self.socket.recv_from(&mut buf));
        let (len, _) = wait.await.ok()?.expect("recv");
        Some(Message::parse(&buf[..len]).expect("Hotline writes valid SIP"))
    }

    /// The first response with a status of at least `min`, skipping provisional ones.
    pub async fn final_response(&self, min: u16) -> Response {
        loop {
            let r = self.recv(3_000).await.expect("a response");
            if r.status >= min {
                return r;
            }
        }
    }
}

pub fn request(
    method: &str,
    peer: SocketAddr,
    call_id: &str,
    branch: &str,
    extra: &str,
    body: &str,
) -> Vec<u8> {
    format!(
        "{method} sip:123@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {peer};branch=z9hG4bK{branch}\r\n\
         From: <sip:0912000111@127.0.0.1>;tag=p1\r\nTo: <sip:123@127.0.0.1>\r\nCall-ID: {call_id}\r\n\
         CSeq: 1 {method}\r\nContact: <sip:0912000111@{peer}>\r\nMax-Forwards: 70\r\n{extra}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub fn sdp(port: u16, formats: &str) -> String {
    format!("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP {formats}\r\n")
}

pub fn invite(peer: SocketAddr, call_id: &str, branch: &str, extra: &str) -> Vec<u8> {
    let ct = format!("Content-Type: application/sdp\r\n{extra}");
    request(
        "INVITE",
        peer,
        call_id,
        branch,
        &ct,
        &sdp(40_000, "0 101\r\na=rtpmap:101 telephone-event/8000"),
    )
}
