//! Every `fixtures/smpp/*.hex` file decodes and re-encodes byte for byte.

use bytes::BytesMut;
use hotline_codecs::smpp::{decode_frame, Pdu, UssdServiceOp, DEFAULT_MAX_COMMAND_LENGTH};
use std::path::{Path, PathBuf};

/// Hex digits of a fixture, ignoring `#` comments and white space.
fn parse_hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.bytes().filter(u8::is_ascii_hexdigit))
        .collect();
    assert!(digits.len() % 2 == 0, "odd number of hex digits");
    digits
        .chunks(2)
        .map(|p| {
            let s = std::str::from_utf8(p).expect("ascii hex digits");
            u8::from_str_radix(s, 16).expect("hex digits")
        })
        .collect()
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/smpp");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/smpp exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "hex"))
        .collect();
    files.sort();
    files
}

fn decode_fixture(path: &Path) -> (Vec<u8>, Pdu) {
    let bytes = parse_hex(&std::fs::read_to_string(path).expect("readable fixture"));
    let mut buf = BytesMut::from(&bytes[..]);
    let pdu = decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .unwrap_or_else(|| panic!("{}: incomplete", path.display()));
    assert!(buf.is_empty(), "{}: trailing bytes", path.display());
    (bytes, pdu)
}

#[test]
fn every_fixture_round_trips_byte_for_byte() {
    let files = fixtures();
    assert!(files.len() >= 5, "fixtures missing: {files:?}");
    for path in files {
        let (bytes, pdu) = decode_fixture(&path);
        assert_eq!(&pdu.to_bytes()[..], &bytes[..], "{}", path.display());
    }
}

#[test]
fn real_gateway_deliver_sm_fields() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/smpp/deliver_sm_real_gateway.hex");
    let (_, pdu) = decode_fixture(&path);
    let Pdu::DeliverSm(header, body) = pdu else {
        panic!("not a deliver_sm: {pdu:?}");
    };
    assert_eq!(header.sequence_number, 7);
    assert_eq!(body.service_type.as_str(), Some("P2"));
    assert_eq!(body.data_coding, 0x0F);
    assert_eq!(body.short_message.as_bytes(), b"*4006#");
    assert_eq!(
        body.tlvs.ussd_service_op(),
        Some(UssdServiceOp::PSSR_INDICATION)
    );
    assert_eq!(body.tlvs.its_session_info(), None);
}

#[test]
fn typed_tlvs_decode_typed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/smpp");
    let tlvs = |name: &str| match decode_fixture(&dir.join(name)).1 {
        Pdu::DeliverSm(_, b) => b.tlvs,
        Pdu::DataSm(_, b) => b.tlvs,
        Pdu::BindTransmitterResp(_, Some(b)) => b.tlvs,
        other => panic!("{name}: {other:?}"),
    };
    let session = tlvs("deliver_sm_ussd_session.hex");
    assert_eq!(session.ussd_service_op(), Some(UssdServiceOp(18)));
    assert_eq!(session.its_session_info(), Some(0x0A01));
    assert_eq!(session.user_message_reference(), Some(42));
    assert_eq!(session.get(0x1403).map(|t| t.tag()), Some(0x1403));
    let vendor = tlvs("deliver_sm_vendor_ussd_op.hex");
    assert_eq!(vendor.ussd_service_op(), Some(UssdServiceOp(32)));
    let receipt = tlvs("deliver_sm_receipt.hex");
    let id = receipt.receipted_message_id().map(|s| s.as_str());
    assert_eq!(id, Some(Some("ab12")));
    assert_eq!(receipt.message_state(), Some(2));
    assert_eq!(receipt.network_error_code(), Some((3, 1)));
    let data = tlvs("data_sm_payload_sar.hex");
    let payload = data.message_payload().map(|p| p.as_bytes().to_vec());
    assert_eq!(payload, Some(b"hi".to_vec()));
    assert_eq!(data.sar_msg_ref_num(), Some(7));
    assert_eq!(data.sar_total_segments(), Some(2));
    assert_eq!(data.sar_segment_seqnum(), Some(1));
    assert_eq!(data.congestion_state(), Some(80));
    let resp = tlvs("bind_transmitter_resp.hex");
    assert_eq!(resp.sc_interface_version(), Some(0x50));
}
