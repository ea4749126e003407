//! `hotline pdu encode`: builds the PDUs an integrator sends while bringing a bind up (a
//! bind, an `enquire_link`, a USSD `submit_sm` or `deliver_sm`, an `unbind`) from flags, and
//! prints them as hex that `pdu decode`, Wireshark's "copy as hex" or a test script reads.

use clap::{Subcommand, ValueEnum};
use hotline_codecs::smpp::types::{COctetString, ShortMessage};
use hotline_codecs::smpp::{interface_version, Bind, Header, Pdu, SubmitSm};
use hotline_codecs::smpp::{Tlv, Tlvs, UssdServiceOp};
use hotline_codecs::text::encode_best;

/// `hotline pdu encode …`
#[derive(Debug, clap::Args)]
pub struct EncodeArgs {
    #[command(subcommand)]
    pdu: Kind,
    /// The sequence number.
    #[arg(long, global = true, default_value_t = 1)]
    seq: u32,
}

#[derive(Debug, Subcommand)]
enum Kind {
    /// `bind_transceiver` (or `--as receiver|transmitter`).
    Bind {
        /// `system_id`.
        #[arg(long)]
        system_id: String,
        /// `password`.
        #[arg(long)]
        password: String,
        /// Which bind.
        #[arg(long = "as", value_enum, default_value_t = BindAs::Transceiver)]
        bind_as: BindAs,
    },
    /// `enquire_link`.
    EnquireLink,
    /// `unbind`.
    Unbind,
    /// `submit_sm`: what an ESME sends (a subscriber's USSD text when Hotline is the SMSC).
    SubmitSm(Message),
    /// `deliver_sm`: what a USSD gateway sends (a subscriber's text when Hotline binds out).
    DeliverSm(Message),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BindAs {
    Transceiver,
    Receiver,
    Transmitter,
}

#[derive(Debug, clap::Args)]
struct Message {
    /// `source_addr`: the subscriber's MSISDN.
    #[arg(long)]
    source: String,
    /// `destination_addr`: the service code.
    #[arg(long, default_value = "*123#")]
    dest: String,
    /// The text; GSM-7 when every character fits (data_coding 0), else UCS-2 (8).
    #[arg(long)]
    text: String,
    /// `ussd_service_op`: 1 dials (PSSR indication), 18 answers (USSR confirm), 0x81 aborts
    /// at several gateways; decimal or 0x-hex.
    #[arg(long, value_parser = parse_u8)]
    ussd_op: Option<u8>,
    /// `its_session_info`, 2 octets (decimal or 0x-hex): the dialog id.
    #[arg(long, value_parser = parse_u16)]
    its: Option<u16>,
    /// `user_message_reference` (decimal or 0x-hex).
    #[arg(long, value_parser = parse_u16)]
    umr: Option<u16>,
    /// `service_type` (`USSD`, `P2`, …).
    #[arg(long, default_value = "")]
    service_type: String,
}

fn parse_number(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|e| format!("`{text}` is not a number: {e}"))
}

fn parse_u8(text: &str) -> Result<u8, String> {
    u8::try_from(parse_number(text)?).map_err(|_| format!("`{text}` does not fit one octet"))
}

fn parse_u16(text: &str) -> Result<u16, String> {
    u16::try_from(parse_number(text)?).map_err(|_| format!("`{text}` does not fit two octets"))
}

/// Why the flags make no PDU.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// A field is longer than SMPP allows.
    #[error("{field} is too long: {len} octets, at most {max}")]
    TooLong {
        /// The field.
        field: &'static str,
        /// What was given.
        len: usize,
        /// The limit, terminating NUL excluded.
        max: usize,
    },
}

fn c_string<const MAX: usize>(
    field: &'static str,
    value: &str,
) -> Result<COctetString<MAX>, EncodeError> {
    COctetString::new(value.as_bytes().to_vec()).map_err(|_| EncodeError::TooLong {
        field,
        len: value.len(),
        max: MAX - 1,
    })
}

/// Builds the PDU the flags describe.
pub fn build(args: &EncodeArgs) -> Result<Pdu, EncodeError> {
    let header = Header::new(args.seq);
    Ok(match &args.pdu {
        Kind::Bind {
            system_id,
            password,
            bind_as,
        } => {
            let body = Bind {
                system_id: c_string("system_id", system_id)?,
                password: c_string("password", password)?,
                system_type: COctetString::empty(),
                interface_version: interface_version::V34,
                addr_ton: 0,
                addr_npi: 0,
                address_range: COctetString::empty(),
                tlvs: Tlvs::default(),
            };
            match bind_as {
                BindAs::Transceiver => Pdu::BindTransceiver(header, body),
                BindAs::Receiver => Pdu::BindReceiver(header, body),
                BindAs::Transmitter => Pdu::BindTransmitter(header, body),
            }
        }
        Kind::EnquireLink => Pdu::EnquireLink(header),
        Kind::Unbind => Pdu::Unbind(header),
        Kind::SubmitSm(m) => Pdu::SubmitSm(header, message(m)?),
        Kind::DeliverSm(m) => Pdu::DeliverSm(header, message(m)?.into()),
    })
}

/// The subscriber's message: the text in its best encoding (unpacked GSM-7 septets, as
/// SMPP carries them) with the USSD TLVs; `deliver_sm` carries the same fields.
fn message(m: &Message) -> Result<SubmitSm, EncodeError> {
    let encoded = encode_best(&m.text);
    let len = encoded.bytes.len();
    let short_message = ShortMessage::new(encoded.bytes).map_err(|_| EncodeError::TooLong {
        field: "short_message",
        len,
        max: 254,
    })?;
    let mut tlvs = Vec::new();
    if let Some(op) = m.ussd_op {
        tlvs.push(Tlv::UssdServiceOp(UssdServiceOp(op)));
    }
    if let Some(its) = m.its {
        tlvs.push(Tlv::ItsSessionInfo(its));
    }
    if let Some(umr) = m.umr {
        tlvs.push(Tlv::UserMessageReference(umr));
    }
    Ok(SubmitSm {
        service_type: c_string("service_type", &m.service_type)?,
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: c_string("source_addr", &m.source)?,
        dest_addr_ton: 0,
        dest_addr_npi: 0,
        destination_addr: c_string("destination_addr", &m.dest)?,
        esm_class: 0,
        protocol_id: 0,
        priority_flag: 0,
        schedule_delivery_time: COctetString::empty(),
        validity_period: COctetString::empty(),
        registered_delivery: 0,
        replace_if_present_flag: 0,
        data_coding: encoded.data_coding,
        sm_default_msg_id: 0,
        short_message,
        tlvs: Tlvs(tlvs),
    })
}

/// The PDU as spaced hex, one line.
pub fn hex(pdu: &Pdu) -> String {
    pdu.to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
