//! Writes the RFC 4733 event pcap that SIPp's `play_pcap_audio` replays: Ethernet, IPv4,
//! UDP and RTP telephone-event packets with the timing a phone would use.

use hotline_codecs::rtp::{digit_event, RtpHeader, TelephoneEvent};

/// The telephone-event payload type the scenarios offer.
pub const EVENT_PT: u8 = 101;

/// Microseconds per 20 ms packet.
const PACKET_US: u64 = 20_000;

/// A pcap (microsecond, Ethernet link type) with `keys` as RFC 4733 events: each key is
/// 100 ms of updates every 20 ms (marker on the first), three end packets, then 100 ms
/// of pause, starting `lead_ms` into the capture.
pub fn events(keys: &str, lead_ms: u64) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&65_535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    let (mut t_us, mut seq, mut ts) = (lead_ms * 1000, 1000u16, 8_000u32);
    for key in keys.chars() {
        let Some(event) = digit_event(key) else {
            continue;
        };
        for n in 1..=5u16 {
            let e = TelephoneEvent {
                event,
                end: false,
                volume: 10,
                duration: 160 * n,
            };
            record(&mut out, t_us, n == 1, seq, ts, &e);
            (t_us, seq) = (t_us + PACKET_US, seq.wrapping_add(1));
        }
        for _ in 0..3 {
            let e = TelephoneEvent {
                event,
                end: true,
                volume: 10,
                duration: 800,
            };
            record(&mut out, t_us, false, seq, ts, &e);
            seq = seq.wrapping_add(1);
        }
        t_us += 100_000 + PACKET_US;
        ts = ts.wrapping_add(1_760);
    }
    out
}

fn record(out: &mut Vec<u8>, t_us: u64, marker: bool, seq: u16, ts: u32, e: &TelephoneEvent) {
    let mut rtp = Vec::new();
    let header = RtpHeader {
        marker,
        payload_type: EVENT_PT,
        sequence: seq,
        timestamp: ts,
        ssrc: 0x4242_4242,
    };
    header.write(&e.to_bytes(), &mut rtp);
    let udp_len = 8 + rtp.len() as u16;
    let ip_len = 20 + udp_len;
    let mut frame = Vec::new();
    frame.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00]);
    let mut ip = vec![
        0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
    ];
    ip[2..4].copy_from_slice(&ip_len.to_be_bytes());
    let sum = checksum(&ip);
    ip[10..12].copy_from_slice(&sum.to_be_bytes());
    frame.extend_from_slice(&ip);
    frame.extend_from_slice(&6000u16.to_be_bytes());
    frame.extend_from_slice(&6000u16.to_be_bytes());
    frame.extend_from_slice(&udp_len.to_be_bytes());
    frame.extend_from_slice(&0u16.to_be_bytes());
    frame.extend_from_slice(&rtp);
    out.extend_from_slice(&((t_us / 1_000_000) as u32).to_le_bytes());
    out.extend_from_slice(&((t_us % 1_000_000) as u32).to_le_bytes());
    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    out.extend_from_slice(&frame);
}

fn checksum(header: &[u8]) -> u16 {
    let sum: u32 = header
        .chunks_exact(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum();
    let folded = (sum & 0xffff) + (sum >> 16);
    !(((folded & 0xffff) + (folded >> 16)) as u16)
}
