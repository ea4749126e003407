//! SMPP peers on `rusmpp`, an implementation independent of Hotline's codec: what Hotline
//! sends must make sense to it, and what it sends must make sense to Hotline.

use std::str::FromStr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use rusmpp::pdus::{
    BindTransceiver, BindTransceiverResp, DeliverSm, DeliverSmResp, SubmitSm, SubmitSmResp,
};
use rusmpp::tlvs::{MessageDeliveryRequestTlvValue, MessageSubmissionRequestTlvValue, TlvValue};
use rusmpp::tokio_codec::CommandCodec;
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{DataCoding, ItsSessionInfo, UserMessageReference, UssdServiceOp};
use rusmpp::{Command, CommandId, CommandStatus, Pdu};
use tokio::net::TcpStream;
use tokio_util::codec::Framed;

/// A USSD message in plain terms, whichever PDU carried it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ussd {
    pub source: String,
    pub dest: String,
    pub data_coding: u8,
    pub short_message: Vec<u8>,
    pub op: Option<u8>,
    pub its: Option<u16>,
    pub umr: Option<u16>,
    pub esm_class: u8,
}

impl Ussd {
    /// A subscriber's message with GSM text.
    pub fn text(msisdn: &str, code: &str, text: &str, op: u8) -> Self {
        Self {
            source: msisdn.into(),
            dest: code.into(),
            data_coding: 0,
            short_message: text.as_bytes().to_vec(),
            op: Some(op),
            ..Self::default()
        }
    }

    pub fn its(mut self, its: u16) -> Self {
        self.its = Some(its);
        self
    }

    pub fn umr(mut self, umr: u16) -> Self {
        self.umr = Some(umr);
        self
    }

    /// The text, decoded per data coding (GSM as ASCII suffices for the tests, UCS-2 in full).
    pub fn decoded(&self) -> String {
        if self.data_coding == 8 {
            let units: Vec<u16> = self
                .short_message
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            hotline_codecs::text::decode_smpp(&self.short_message, self.data_coding).text
        }
    }
}

fn its_value(its: u16) -> ItsSessionInfo {
    ItsSessionInfo::new((its >> 8) as u8, its as u8)
}

fn cstr<const MIN: usize, const MAX: usize>(s: &str) -> COctetString<MIN, MAX> {
    COctetString::from_str(s).expect("test address fits")
}

/// One side of an SMPP connection.
pub struct Peer {
    framed: Framed<TcpStream, CommandCodec>,
    seq: u32,
}

const WAIT: Duration = Duration::from_secs(5);

impl Peer {
    pub fn new(stream: TcpStream) -> Self {
        Self {
            framed: Framed::new(stream, CommandCodec::new()),
            seq: 0,
        }
    }

    /// Connects and binds as a transceiver; returns the bind's status.
    pub async fn bind(
        addr: std::net::SocketAddr,
        system_id: &str,
        password: &str,
    ) -> (Peer, CommandStatus) {
        let stream = TcpStream::connect(addr).await.expect("connect");
        let mut peer = Peer::new(stream);
        let bind = BindTransceiver::builder()
            .system_id(cstr(system_id))
            .password(cstr(password))
            .build();
        peer.send(bind).await;
        let resp = peer
            .next_where(|c| c.id() == CommandId::BindTransceiverResp)
            .await;
        (peer, resp.expect("bind response").status())
    }

    pub fn next_seq(&mut self) -> u32 {
        self.seq = if self.seq >= 0x7FFF_FFFF {
            1
        } else {
            self.seq + 1
        };
        self.seq
    }

    pub fn set_seq(&mut self, seq: u32) {
        self.seq = seq;
    }

    pub async fn send(&mut self, pdu: impl Into<Pdu>) -> u32 {
        let seq = self.next_seq();
        self.send_command(Command::new(CommandStatus::EsmeRok, seq, pdu))
            .await;
        seq
    }

    pub async fn send_command(&mut self, command: Command) {
        self.framed.send(command).await.expect("send");
    }

    /// Writes raw bytes (for malformed PDUs).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        use tokio::io::AsyncWriteExt;
        self.framed.get_mut().write_all(bytes).await.expect("write");
    }

    /// The next command, or `None` on close or after 5 s. Answers `enquire_link` itself.
    pub async fn next(&mut self) -> Option<Command> {
        loop {
            let command = tokio::time::timeout(WAIT, self.framed.next())
                .await
                .ok()??
                .ok()?;
            if command.id() == CommandId::EnquireLink {
                let resp = Command::new(
                    CommandStatus::EsmeRok,
                    command.sequence_number(),
                    Pdu::EnquireLinkResp,
                );
                self.send_command(resp).await;
                continue;
            }
            return Some(command);
        }
    }

    /// The next command matching `pred`, skipping others.
    pub async fn next_where(&mut self, pred: impl Fn(&Command) -> bool) -> Option<Command> {
        loop {
            let command = self.next().await?;
            if pred(&command) {
                return Some(command);
            }
        }
    }

    /// As an ESME: sends a subscriber's message as `submit_sm`; returns the response status.
    pub async fn submit(&mut self, ussd: &Ussd) -> CommandStatus {
        let seq = self.submit_no_wait(ussd).await;
        let resp = self
            .next_where(|c| c.id() == CommandId::SubmitSmResp && c.sequence_number() == seq)
            .await
            .expect("submit_sm_resp");
        resp.status()
    }

    pub async fn submit_no_wait(&mut self, ussd: &Ussd) -> u32 {
        let mut tlvs = Vec::new();
        if let Some(op) = ussd.op {
            tlvs.push(MessageSubmissionRequestTlvValue::UssdServiceOp(
                UssdServiceOp::from(op),
            ));
        }
        if let Some(its) = ussd.its {
            tlvs.push(MessageSubmissionRequestTlvValue::ItsSessionInfo(its_value(
                its,
            )));
        }
        if let Some(umr) = ussd.umr {
            tlvs.push(MessageSubmissionRequestTlvValue::UserMessageReference(
                UserMessageReference { value: umr },
            ));
        }
        let pdu = SubmitSm::builder()
            .source_addr(cstr(&ussd.source))
            .destination_addr(cstr(&ussd.dest))
            .data_coding(DataCoding::from(ussd.data_coding))
            .short_message(OctetString::from_slice(&ussd.short_message).expect("fits"))
            .tlvs(tlvs)
            .build();
        self.send(pdu).await
    }

    /// As a gateway: sends a subscriber's message as `deliver_sm`; returns the response status.
    pub async fn deliver(&mut self, ussd: &Ussd) -> CommandStatus {
        let mut tlvs = Vec::new();
        if let Some(op) = ussd.op {
            tlvs.push(MessageDeliveryRequestTlvValue::UssdServiceOp(
                UssdServiceOp::from(op),
            ));
        }
        if let Some(its) = ussd.its {
            tlvs.push(MessageDeliveryRequestTlvValue::ItsSessionInfo(its_value(
                its,
            )));
        }
        if let Some(umr) = ussd.umr {
            tlvs.push(MessageDeliveryRequestTlvValue::UserMessageReference(
                UserMessageReference { value: umr },
            ));
        }
        let pdu = DeliverSm::builder()
            .source_addr(cstr(&ussd.source))
            .destination_addr(cstr(&ussd.dest))
            .data_coding(DataCoding::from(ussd.data_coding))
            .short_message(OctetString::from_slice(&ussd.short_message).expect("fits"))
            .tlvs(tlvs)
            .build();
        let seq = self.send(pdu).await;
        let resp = self
            .next_where(|c| c.id() == CommandId::DeliverSmResp && c.sequence_number() == seq)
            .await
            .expect("deliver_sm_resp");
        resp.status()
    }

    /// As an ESME: the next screen Hotline delivers, answered with `deliver_sm_resp`.
    pub async fn screen(&mut self) -> Option<Ussd> {
        let command = self.next_where(|c| c.id() == CommandId::DeliverSm).await?;
        let seq = command.sequence_number();
        let Some(Pdu::DeliverSm(d)) = command.pdu() else {
            return None;
        };
        let ussd = from_delivery(d);
        self.send_command(Command::new(
            CommandStatus::EsmeRok,
            seq,
            DeliverSmResp::default(),
        ))
        .await;
        Some(ussd)
    }

    /// As a gateway: the next screen Hotline submits, answered with `submit_sm_resp`.
    pub async fn submitted(&mut self) -> Option<Ussd> {
        self.submitted_with(CommandStatus::EsmeRok).await
    }

    /// As a gateway: the next `submit_sm`, answered with `status`.
    pub async fn submitted_with(&mut self, status: CommandStatus) -> Option<Ussd> {
        let command = self.next_where(|c| c.id() == CommandId::SubmitSm).await?;
        let seq = command.sequence_number();
        let Some(Pdu::SubmitSm(s)) = command.pdu() else {
            return None;
        };
        let ussd = from_submission(s);
        let resp = SubmitSmResp::builder().message_id(cstr("m1")).build();
        self.send_command(Command::new(status, seq, resp)).await;
        Some(ussd)
    }

    /// As a gateway: waits for Hotline's bind and accepts it.
    pub async fn accept_bind(&mut self) -> Option<String> {
        let command = self
            .next_where(|c| c.id() == CommandId::BindTransceiver)
            .await?;
        let Some(Pdu::BindTransceiver(b)) = command.pdu() else {
            return None;
        };
        let system_id = c_string(b.system_id.as_ref());
        let resp = BindTransceiverResp::builder().system_id(cstr("gw")).build();
        self.send_command(Command::new(
            CommandStatus::EsmeRok,
            command.sequence_number(),
            resp,
        ))
        .await;
        Some(system_id)
    }
}

fn tlv_fields<'a>(values: impl Iterator<Item = Option<&'a TlvValue>>, ussd: &mut Ussd) {
    for value in values.flatten() {
        match value {
            TlvValue::UssdServiceOp(op) => ussd.op = Some(u8::from(*op)),
            TlvValue::ItsSessionInfo(its) => {
                ussd.its = Some(u16::from(its.session_number) << 8 | u16::from(its.sequence_number))
            }
            TlvValue::UserMessageReference(umr) => ussd.umr = Some(umr.value),
            _ => {}
        }
    }
}

fn from_delivery(d: &DeliverSm) -> Ussd {
    let mut ussd = Ussd {
        source: c_string(d.source_addr.as_ref()),
        dest: c_string(d.destination_addr.as_ref()),
        data_coding: u8::from(d.data_coding),
        short_message: d.short_message().as_ref().to_vec(),
        esm_class: u8::from(d.esm_class),
        ..Ussd::default()
    };
    tlv_fields(d.tlvs().iter().map(|t| t.value()), &mut ussd);
    ussd
}

fn from_submission(s: &SubmitSm) -> Ussd {
    let mut ussd = Ussd {
        source: c_string(s.source_addr.as_ref()),
        dest: c_string(s.destination_addr.as_ref()),
        data_coding: u8::from(s.data_coding),
        short_message: s.short_message().as_ref().to_vec(),
        esm_class: u8::from(s.esm_class),
        ..Ussd::default()
    };
    tlv_fields(s.tlvs().iter().map(|t| t.value()), &mut ussd);
    ussd
}

/// rusmpp's C-Octet Strings include their NULL terminator.
fn c_string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes.strip_suffix(&[0]).unwrap_or(bytes)).into_owned()
}
