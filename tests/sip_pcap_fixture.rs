//! The RFC 4733 pcap that SIPp replays is generated, and the committed fixture must be what
//! the generator writes (set `HOTLINE_REGEN=1` to rewrite it).

mod sip_support;

use hotline::channels::sip::collect::EventDedup;
use hotline_codecs::rtp::{RtpPacket, TelephoneEvent};

const FIXTURE: &str = "dtmf_1_0012345679_hash.pcap";

#[test]
fn the_event_pcap_fixture_is_the_generators_output() {
    let generated = sip_support::pcap::events("10012345679#", 300);
    let path = sip_support::fixture(FIXTURE);
    if std::env::var_os("HOTLINE_REGEN").is_some() {
        std::fs::write(&path, &generated).expect("write fixture");
    }
    let committed = std::fs::read(&path).expect("fixture exists");
    assert!(
        committed == generated,
        "{FIXTURE} is stale: run with HOTLINE_REGEN=1"
    );
}

#[test]
fn the_pcap_decodes_to_the_keys_once_each() {
    let pcap = sip_support::pcap::events("10012345679#", 300);
    let mut at = 24;
    let mut dedup = EventDedup::default();
    let mut keys = String::new();
    while at + 16 <= pcap.len() {
        let len =
            u32::from_le_bytes([pcap[at + 8], pcap[at + 9], pcap[at + 10], pcap[at + 11]]) as usize;
        let frame = &pcap[at + 16..at + 16 + len];
        let rtp = RtpPacket::parse(&frame[42..]).expect("RTP after Ethernet, IPv4, UDP");
        let e = TelephoneEvent::parse(rtp.payload).expect("telephone-event");
        let key = e.digit().expect("a DTMF key");
        keys.extend(dedup.packet(rtp.header.timestamp, key, e.end));
        at += 16 + len;
    }
    assert_eq!(keys, "10012345679#");
}
