//! The link machine driven by hand: bind states, the window, throttling, keep-alive and
//! sequence numbers, with a fake clock.

use std::time::{Duration, Instant};

use hotline_codecs::smpp::{Bind, COctetString, CommandStatus, Header, Pdu, SequenceNumbers};

use super::*;

fn config() -> LinkConfig {
    LinkConfig {
        window: 2,
        backlog: 4,
        enquire_link_interval: Duration::from_secs(30),
        inactivity_timeout: Duration::from_secs(90),
        response_timeout: Duration::from_secs(10),
        throttle_pause: Duration::from_millis(500),
    }
}

fn bind_body() -> Bind {
    Bind {
        system_id: COctetString::from_static("demo"),
        password: COctetString::from_static("demo"),
        system_type: COctetString::empty(),
        interface_version: 0x34,
        addr_ton: 0,
        addr_npi: 0,
        address_range: COctetString::empty(),
        tlvs: Tlvs::new(),
    }
}

fn bound_server(now: Instant) -> Link {
    let mut link = Link::new(Role::Server, config(), now);
    link.handle_pdu(Pdu::BindTransceiver(Header::new(1), bind_body()), now);
    let Some(LinkEvent::BindRequest {
        sequence_number, ..
    }) = link.poll_event()
    else {
        panic!("expected a bind request");
    };
    link.accept_bind(sequence_number, BindType::Transceiver, "hotline");
    assert!(
        matches!(link.poll_transmit(), Some(Pdu::BindTransceiverResp(h, Some(_))) if h.sequence_number == 1)
    );
    assert_eq!(
        link.poll_event(),
        Some(LinkEvent::Bound(BindType::Transceiver))
    );
    link
}

fn deliver() -> Pdu {
    super::super::ussd::Outgoing {
        msisdn: "989121234567".into(),
        service_addr: "123".into(),
        service_type: bytes::Bytes::new(),
        esm_class: 0,
        data_coding: 0,
        short_message: bytes::Bytes::from_static(b"menu"),
        tlvs: Tlvs::new(),
    }
    .into_pdu(Role::Server)
}

#[test]
fn a_message_before_bind_gets_invalid_bind_status() {
    let now = Instant::now();
    let mut link = Link::new(Role::Server, config(), now);
    link.handle_pdu(deliver(), now);
    let resp = link.poll_transmit().expect("an answer");
    assert_eq!(resp.header().command_status, CommandStatus::ESME_RINVBNDSTS);
    assert!(matches!(resp, Pdu::DeliverSmResp(_, None)));
    assert_eq!(link.poll_event(), None);
}

#[test]
fn a_second_bind_is_already_bound() {
    let now = Instant::now();
    let mut link = bound_server(now);
    link.handle_pdu(Pdu::BindTransmitter(Header::new(2), bind_body()), now);
    let resp = link.poll_transmit().expect("an answer");
    assert_eq!(resp.header().command_status, CommandStatus::ESME_RALYBND);
}

#[test]
fn unknown_commands_get_generic_nack_invalid_command_id() {
    let now = Instant::now();
    let mut link = bound_server(now);
    let raw = Pdu::decode(&bytes::Bytes::from_static(&[
        0, 0, 0, 16, 0, 0, 0x01, 0x11, 0, 0, 0, 0, 0, 0, 0, 9,
    ]))
    .expect("a raw pdu");
    link.handle_pdu(raw, now);
    let nack = link.poll_transmit().expect("an answer");
    assert!(
        matches!(nack, Pdu::GenericNack(h) if h.sequence_number == 9 && h.command_status == CommandStatus::ESME_RINVCMDID)
    );
}

#[test]
fn the_window_holds_requests_until_responses_arrive() {
    let now = Instant::now();
    let mut link = bound_server(now);
    for _ in 0..3 {
        link.send(deliver(), now).expect("room in the backlog");
    }
    let first = link.poll_transmit().expect("first");
    let _second = link.poll_transmit().expect("second");
    assert_eq!(link.poll_transmit(), None, "the window is 2");
    assert_eq!(link.window_in_use(), 2);
    let seq = first.header().sequence_number;
    link.handle_pdu(Pdu::DeliverSmResp(Header::new(seq), None), now);
    assert!(
        matches!(link.poll_event(), Some(LinkEvent::Answered { status, .. }) if status.is_ok())
    );
    assert!(link.poll_transmit().is_some(), "the third goes out");
}

#[test]
fn throttling_pauses_and_resends_the_same_request() {
    let now = Instant::now();
    let mut link = bound_server(now);
    link.send(deliver(), now).expect("room");
    let sent = link.poll_transmit().expect("sent");
    let seq = sent.header().sequence_number;
    link.handle_pdu(
        Pdu::DeliverSmResp(
            Header::with_status(seq, CommandStatus::ESME_RTHROTTLED),
            None,
        ),
        now,
    );
    assert_eq!(link.poll_event(), Some(LinkEvent::Throttled));
    assert_eq!(link.poll_transmit(), None, "paused");
    let later = now + Duration::from_millis(600);
    link.handle_timeout(later);
    let again = link.poll_transmit().expect("re-sent after the pause");
    assert_ne!(again.header().sequence_number, seq);
    let (Pdu::DeliverSm(_, a), Pdu::DeliverSm(_, b)) = (&sent, &again) else {
        panic!("deliver_sm both times");
    };
    assert_eq!(a, b);
}

#[test]
fn keepalive_is_sent_when_idle_and_only_silence_closes() {
    let now = Instant::now();
    let mut link = bound_server(now);
    let t1 = now + Duration::from_secs(31);
    link.handle_timeout(t1);
    let enquire = link.poll_transmit().expect("enquire_link");
    assert!(matches!(enquire, Pdu::EnquireLink(_)));
    // Other traffic arrives, but no enquire_link_resp: the link is alive.
    link.handle_pdu(
        Pdu::EnquireLink(Header::new(77)),
        t1 + Duration::from_secs(1),
    );
    let _resp = link.poll_transmit();
    link.handle_timeout(t1 + Duration::from_secs(11));
    assert_ne!(link.state(), LinkState::Closed);
    // Now silence: the next enquire_link goes unanswered and the link closes.
    let t2 = t1 + Duration::from_secs(32);
    link.handle_timeout(t2);
    assert!(matches!(link.poll_transmit(), Some(Pdu::EnquireLink(_))));
    link.handle_timeout(t2 + Duration::from_secs(11));
    assert_eq!(link.state(), LinkState::Closed);
    assert_eq!(
        link.poll_event(),
        Some(LinkEvent::Closed(CloseReason::KeepaliveLost))
    );
}

#[test]
fn our_sequence_numbers_wrap_to_one() {
    let now = Instant::now();
    let mut link = Link::with_sequence(
        Role::Client,
        config(),
        now,
        SequenceNumbers::starting_at(SequenceNumbers::MAX),
    );
    link.bind(
        BindType::Transceiver,
        Pdu::BindTransceiver(Header::new(0), bind_body()),
    );
    let bind = link.poll_transmit().expect("bind");
    assert_eq!(bind.header().sequence_number, SequenceNumbers::MAX);
    link.handle_pdu(
        Pdu::BindTransceiverResp(Header::new(SequenceNumbers::MAX), None),
        now,
    );
    assert_eq!(
        link.poll_event(),
        Some(LinkEvent::Bound(BindType::Transceiver))
    );
    link.send(deliver_as_client(), now).expect("room");
    assert_eq!(
        link.poll_transmit()
            .expect("submit")
            .header()
            .sequence_number,
        1
    );
}

fn deliver_as_client() -> Pdu {
    super::super::ussd::Outgoing {
        msisdn: "989121234567".into(),
        service_addr: "123".into(),
        service_type: bytes::Bytes::new(),
        esm_class: 0,
        data_coding: 0,
        short_message: bytes::Bytes::from_static(b"1"),
        tlvs: Tlvs::new(),
    }
    .into_pdu(Role::Client)
}

#[test]
fn a_peer_unbind_is_answered_and_closes() {
    let now = Instant::now();
    let mut link = bound_server(now);
    link.handle_pdu(Pdu::Unbind(Header::new(5)), now);
    assert!(matches!(link.poll_transmit(), Some(Pdu::UnbindResp(h)) if h.sequence_number == 5));
    assert_eq!(
        link.poll_event(),
        Some(LinkEvent::Closed(CloseReason::PeerUnbound))
    );
}

#[test]
fn a_lost_frame_boundary_closes_after_a_nack() {
    let now = Instant::now();
    let mut link = bound_server(now);
    let mut buf = bytes::BytesMut::from(&[0u8, 0, 0, 4, 0, 0, 0, 0][..]);
    let err = hotline_codecs::smpp::decode_frame(&mut buf, 1024).expect_err("length 4");
    link.handle_frame(Err(err), now);
    assert!(matches!(link.poll_transmit(), Some(Pdu::GenericNack(_))));
    assert!(matches!(
        link.poll_event(),
        Some(LinkEvent::Closed(CloseReason::Framing(_)))
    ));
}
