//! RTP for one call: a socket from the configured port range, the sending side's sequence,
//! timestamp and marker bookkeeping, and the receiving task that learns where the caller's
//! media really comes from (symmetric RTP) and turns RFC 4733 events into keys.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use hotline_codecs::g711;
use hotline_codecs::rtp::{RtpHeader, RtpPacket, TelephoneEvent, PT_PCMA};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use super::call::CallEvent;
use super::collect::EventDedup;
use super::inband::Detector;
use super::prompts::RATE;

/// Hands out RTP sockets from `min..=max`, even ports only, round robin so that a port
/// just released is not reused at once (late packets of the old call would land in the new).
#[derive(Debug)]
pub struct PortPool {
    min: u16,
    max: u16,
    next: Mutex<u16>,
}

impl PortPool {
    /// A pool over `min..=max`.
    pub fn new(min: u16, max: u16) -> Self {
        let first = min + (min & 1);
        Self {
            min: first,
            max,
            next: Mutex::new(first),
        }
    }

    /// Binds the next free even port on `ip`; `None` when every port is taken.
    pub async fn bind(&self, ip: IpAddr) -> Option<UdpSocket> {
        let slots = usize::from((self.max.saturating_sub(self.min)) / 2 + 1);
        for _ in 0..slots {
            let port = {
                let mut next = self.next.lock().expect("port lock is never poisoned");
                let port = *next;
                *next = if port.saturating_add(2) > self.max {
                    self.min
                } else {
                    port + 2
                };
                port
            };
            if let Ok(socket) = UdpSocket::bind(SocketAddr::new(ip, port)).await {
                return Some(socket);
            }
        }
        None
    }
}

/// The sending side of one RTP stream.
#[derive(Debug)]
pub struct RtpOut {
    ssrc: u32,
    sequence: u16,
    base_ts: u32,
    origin: Instant,
    next_ts: u32,
    marker: bool,
}

impl RtpOut {
    /// A stream with random SSRC, first sequence number and timestamp (RFC 3550 5.1).
    pub fn new(origin: Instant) -> Self {
        let base_ts = fastrand::u32(..);
        Self {
            ssrc: fastrand::u32(..),
            sequence: fastrand::u16(..),
            base_ts,
            origin,
            next_ts: base_ts,
            marker: true,
        }
    }

    /// A talkspurt starts now: its first packet carries the marker bit, and its timestamp
    /// jumps to the wall-clock position, so that the silence between prompts is measured.
    pub fn begin_talkspurt(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.origin);
        let samples = (elapsed.as_micros() * u128::from(RATE) / 1_000_000) as u32;
        let ts = self.base_ts.wrapping_add(samples);
        if ts.wrapping_sub(self.next_ts) < u32::MAX / 2 {
            self.next_ts = ts;
        }
        self.marker = true;
    }

    /// Writes the next packet of the talkspurt into `out`.
    pub fn packet(&mut self, payload_type: u8, payload: &[u8], out: &mut Vec<u8>) {
        let header = RtpHeader {
            marker: std::mem::take(&mut self.marker),
            payload_type,
            sequence: self.sequence,
            timestamp: self.next_ts,
            ssrc: self.ssrc,
        };
        header.write(payload, out);
        self.sequence = self.sequence.wrapping_add(1);
        self.next_ts = self.next_ts.wrapping_add(payload.len() as u32);
    }
}

/// Which keys the receiver looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// RFC 4733 events with this payload type.
    Events(u8),
    /// DTMF tones in G.711 audio of this payload type (0 or 8).
    InBand(u8),
    /// None (keys come by SIP INFO only).
    Off,
}

/// Reads the call's RTP until the task is aborted: latches the first source of valid RTP
/// as the address to send to, and sends a [`CallEvent::Digit`] per key found.
///
/// Only a source whose IP is the SDP's or the signalling peer's may be latched (a caller
/// behind NAT sends from the NAT's address, which is the SIP source), so that a stranger
/// cannot take the stream by sending first; media from elsewhere is ignored.
pub async fn receive(
    socket: Arc<UdpSocket>,
    remote: Arc<Mutex<SocketAddr>>,
    sip_peer: IpAddr,
    keys: KeySource,
    events: UnboundedSender<CallEvent>,
) {
    let mut buf = vec![0u8; 2048];
    let announced = remote.lock().expect("remote lock is never poisoned").ip();
    let mut latched = None;
    let mut dedup = EventDedup::default();
    let mut tones = Detector::default();
    loop {
        let Ok((len, from)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let Ok(packet) = RtpPacket::parse(&buf[..len]) else {
            tracing::debug!(%from, len, "dropped a datagram that is not RTP");
            continue;
        };
        match latched {
            None if from.ip() == announced || from.ip() == sip_peer => {
                latched = Some(from);
                let mut to = remote.lock().expect("remote lock is never poisoned");
                if *to != from {
                    tracing::debug!(announced = %*to, actual = %from, "symmetric RTP: sending where the media comes from");
                    *to = from;
                }
            }
            Some(source) if source == from => {}
            _ => {
                tracing::debug!(%from, "ignored RTP from a source that is not the caller");
                continue;
            }
        }
        let pt = packet.header.payload_type;
        let found = match keys {
            KeySource::Events(ev) if pt == ev => match TelephoneEvent::parse(packet.payload) {
                Ok(event) => event
                    .digit()
                    .map(|key| dedup.packet(packet.header.timestamp, key, event.end))
                    .unwrap_or_default(),
                Err(_) => Vec::new(),
            },
            KeySource::InBand(audio) if pt == audio => {
                let decode = if audio == PT_PCMA {
                    g711::alaw_to_linear
                } else {
                    g711::ulaw_to_linear
                };
                tones.feed(packet.payload.iter().map(|&b| decode(b)))
            }
            _ => Vec::new(),
        };
        for key in found {
            if events.send(CallEvent::Digit(key)).is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_follow_frames_then_the_wall_clock_between_prompts() {
        let t0 = Instant::now();
        let mut out = RtpOut::new(t0);
        let mut buf = Vec::new();
        let mut headers = Vec::new();
        out.begin_talkspurt(t0);
        for _ in 0..3 {
            out.packet(0, &[0xff; 160], &mut buf);
            headers.push(RtpPacket::parse(&buf).expect("valid").header);
        }
        out.begin_talkspurt(t0 + std::time::Duration::from_secs(1));
        out.packet(0, &[0xff; 160], &mut buf);
        headers.push(RtpPacket::parse(&buf).expect("valid").header);

        let markers: Vec<bool> = headers.iter().map(|h| h.marker).collect();
        assert_eq!(markers, [true, false, false, true]);
        let steps: Vec<u32> = headers
            .windows(2)
            .map(|w| w[1].timestamp.wrapping_sub(w[0].timestamp))
            .collect();
        assert_eq!(
            steps,
            [160, 160, 8_000 - 320],
            "one second after the first frame"
        );
        let seqs: Vec<u16> = headers
            .windows(2)
            .map(|w| w[1].sequence.wrapping_sub(w[0].sequence))
            .collect();
        assert_eq!(seqs, [1, 1, 1]);
    }

    #[tokio::test]
    async fn the_pool_skips_ports_in_use_and_reports_exhaustion() {
        let pool = PortPool::new(25_001, 25_004);
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        let a = pool.bind(ip).await.expect("25002");
        let b = pool.bind(ip).await.expect("25004");
        let ports = [
            a.local_addr().expect("a").port(),
            b.local_addr().expect("b").port(),
        ];
        assert_eq!(ports, [25_002, 25_004], "even ports only");
        assert!(pool.bind(ip).await.is_none(), "both taken");
        drop(a);
        assert_eq!(
            pool.bind(ip)
                .await
                .and_then(|s| s.local_addr().ok())
                .map(|a| a.port()),
            Some(25_002)
        );
    }
}
