//! Interoperability with an independent SMPP implementation, the `rusmpp` crate: what we
//! encode it decodes to the same fields, and what it encodes we decode the same way.

use bytes::{Bytes, BytesMut};
use hotline_codecs::smpp::{decode_frame, Pdu, DEFAULT_MAX_COMMAND_LENGTH};
use rusmpp::decode::DecodeWithLength;
use rusmpp::encode::{Encode, Length};
use rusmpp::Command;
use std::path::Path;

fn rusmpp_decode(frame: &[u8]) -> Command {
    let body = frame.get(4..).expect("a frame has a length prefix");
    let mut buf = BytesMut::from(body);
    let (command, _) =
        <Command as DecodeWithLength>::decode(&mut buf, body.len()).expect("rusmpp decodes");
    command
}

fn rusmpp_encode(command: &Command) -> Bytes {
    let mut out = vec![0u8; 4 + command.length()];
    let len = out.len() as u32;
    out[..4].copy_from_slice(&len.to_be_bytes());
    command.encode(&mut out[4..]);
    Bytes::from(out)
}

fn ours_decode(frame: &[u8]) -> Pdu {
    let mut buf = BytesMut::from(frame);
    decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH)
        .expect("we decode")
        .expect("whole frame")
}

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/smpp")
        .join(name);
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let digits: Vec<u8> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.bytes().filter(u8::is_ascii_hexdigit))
        .collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex"))
        .collect()
}

/// PDUs both implementations know; rusmpp re-encodes each to the same bytes we decoded.
const SHARED: &[&str] = &[
    "bind_transmitter.hex",
    "bind_receiver.hex",
    "bind_transceiver_v50.hex",
    "bind_transmitter_resp.hex",
    "outbind.hex",
    "unbind.hex",
    "unbind_resp.hex",
    "enquire_link.hex",
    "enquire_link_resp.hex",
    "generic_nack_invcmdid.hex",
    "submit_sm_ucs2_persian.hex",
    "submit_sm_resp.hex",
    "deliver_sm_real_gateway.hex",
    "deliver_sm_receipt.hex",
    "data_sm_payload_sar.hex",
    "query_sm.hex",
    "query_sm_resp.hex",
    "cancel_sm.hex",
    "cancel_sm_resp.hex",
    "replace_sm_resp.hex",
];

#[test]
fn ours_encode_rusmpp_decodes_same_header_and_bytes() {
    for name in SHARED {
        let pdu = ours_decode(&fixture(name));
        let ours = pdu.to_bytes();
        let theirs = rusmpp_decode(&ours);
        assert_eq!(u32::from(theirs.id()), pdu.command_id().0, "{name}");
        assert_eq!(
            u32::from(theirs.status()),
            pdu.header().command_status.0,
            "{name}"
        );
        assert_eq!(
            theirs.sequence_number(),
            pdu.header().sequence_number,
            "{name}"
        );
        assert_eq!(
            rusmpp_encode(&theirs),
            ours,
            "{name}: rusmpp re-encodes differently"
        );
    }
}

#[test]
fn rusmpp_deliver_sm_fields_match_ours() {
    let frame = fixture("deliver_sm_real_gateway.hex");
    let theirs = rusmpp_decode(&frame);
    let Some(rusmpp::Pdu::DeliverSm(d)) = theirs.pdu() else {
        panic!("rusmpp: {theirs:?}");
    };
    let Pdu::DeliverSm(_, ours) = ours_decode(&rusmpp_encode(&theirs)) else {
        panic!("not a deliver_sm");
    };
    assert_eq!(Some(d.source_addr.as_str()), ours.source_addr.as_str());
    assert_eq!(
        Some(d.destination_addr.as_str()),
        ours.destination_addr.as_str()
    );
    assert_eq!(d.short_message().as_ref(), ours.short_message.as_bytes());
    assert_eq!(u8::from(d.data_coding), ours.data_coding);
    assert_eq!(d.tlvs().len(), ours.tlvs.len());
}
