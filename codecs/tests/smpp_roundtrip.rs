//! Round trips and framing edge cases for the SMPP codec through its public API.

use bytes::BytesMut;
use hotline_codecs::smpp::{
    decode_frame, COctetString, CommandId, CommandStatus, DeliverSm, Header, OctetString, Pdu,
    SequenceNumbers, Tlv, Tlvs, UssdServiceOp, DEFAULT_MAX_COMMAND_LENGTH,
};

fn ussd_deliver_sm() -> Pdu {
    let body = DeliverSm {
        service_type: COctetString::from_static("P2"),
        source_addr: COctetString::from_static("989121234567"),
        destination_addr: COctetString::from_static("4006"),
        data_coding: 0x0F,
        short_message: OctetString::from_static(b"*4006#"),
        tlvs: Tlvs::default().with(Tlv::UssdServiceOp(UssdServiceOp::PSSR_INDICATION)),
        ..DeliverSm::default()
    };
    Pdu::DeliverSm(Header::new(7), body)
}

fn round_trip(pdu: &Pdu) -> Pdu {
    let mut buf = BytesMut::new();
    pdu.encode(&mut buf);
    assert_eq!(buf.len(), pdu.encoded_len());
    let back = decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH)
        .expect("our own encoding decodes")
        .expect("a whole frame is present");
    assert!(buf.is_empty(), "the frame is consumed");
    back
}

#[test]
fn deliver_sm_with_ussd_tlv_round_trips() {
    let pdu = ussd_deliver_sm();
    let back = round_trip(&pdu);
    assert_eq!(back, pdu);
    let Pdu::DeliverSm(_, body) = back else {
        panic!("decoded as {back:?}");
    };
    assert_eq!(body.tlvs.ussd_service_op(), Some(UssdServiceOp(1)));
    assert_eq!(body.short_message.as_bytes(), b"*4006#");
}

#[test]
fn header_only_pdus_round_trip() {
    for pdu in [
        Pdu::EnquireLink(Header::new(1)),
        Pdu::EnquireLinkResp(Header::new(1)),
        Pdu::Unbind(Header::new(2)),
        Pdu::UnbindResp(Header::new(2)),
        Pdu::GenericNack(Header::with_status(3, CommandStatus::ESME_RINVCMDID)),
    ] {
        assert_eq!(round_trip(&pdu), pdu);
    }
}

#[test]
fn incomplete_input_is_not_yet() {
    let bytes = ussd_deliver_sm().to_bytes();
    for cut in 0..bytes.len() {
        let mut buf = BytesMut::from(&bytes[..cut]);
        let got = decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH);
        assert!(matches!(got, Ok(None)), "cut at {cut}: {got:?}");
    }
}

#[test]
fn unknown_command_id_is_raw() {
    let mut buf = BytesMut::from(&[0, 0, 0, 16, 0, 0, 0x01, 0x11, 0, 0, 0, 0, 0, 0, 0, 9][..]);
    let pdu = decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH)
        .expect("unknown ids are not errors")
        .expect("whole frame");
    assert!(matches!(pdu, Pdu::Raw(..)), "{pdu:?}");
    assert_eq!(pdu.command_id(), CommandId(0x0111));
    assert_eq!(pdu.header().sequence_number, 9);
}

#[test]
fn over_cap_length_is_an_error_with_a_status() {
    let mut buf = BytesMut::from(&[0, 1, 0, 0, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1][..]);
    let err = decode_frame(&mut buf, 1024).expect_err("length above the cap");
    assert_eq!(err.command_status, CommandStatus::ESME_RINVCMDLEN);
}

#[test]
fn sequence_numbers_wrap_to_one() {
    let mut seq = SequenceNumbers::starting_at(SequenceNumbers::MAX);
    assert_eq!(seq.allocate(), SequenceNumbers::MAX);
    assert_eq!(seq.allocate(), 1);
}
