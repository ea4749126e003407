//! One decoded PDU as an integrator reads it: every header field, body field and TLV by
//! its spec name, the raw value, and what the value means (named values, bit fields, the
//! short message decoded per `data_coding`). Text and JSON output both render this model.

use hotline_codecs::smpp::{tag, FieldValue, Pdu, Tlv};
use hotline_codecs::text::{decode_smpp, Charset};
use serde::Serialize;

/// A PDU, explained.
#[derive(Debug, Serialize)]
pub struct Explained {
    /// `command_length` (octets on the wire, header included).
    pub command_length: usize,
    /// `command_id` and its spec name.
    pub command_id: Named,
    /// `command_status` and its spec name.
    pub command_status: Named,
    /// `sequence_number`.
    pub sequence_number: u32,
    /// Body fields in wire order.
    pub fields: Vec<Item>,
    /// TLVs in wire order.
    pub tlvs: Vec<TlvItem>,
}

/// A numeric value with its spec name, when it has one.
#[derive(Debug, Serialize)]
pub struct Named {
    /// The value.
    pub value: u32,
    /// The spec name (`deliver_sm`, `ESME_ROK`).
    pub name: Option<&'static str>,
}

/// One body field.
#[derive(Debug, Serialize)]
pub struct Item {
    /// The spec name of the field.
    pub name: &'static str,
    /// The value: a number, a string (C-Octet Strings) or hex (octet strings).
    pub value: serde_json::Value,
    /// What the value means, when that is more than the value itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// True for C-Octet Strings, which text output shows in quotes.
    #[serde(skip)]
    pub quoted: bool,
}

/// One TLV.
#[derive(Debug, Serialize)]
pub struct TlvItem {
    /// The tag.
    pub tag: u16,
    /// The spec name, `None` for vendor or unknown tags.
    pub name: Option<&'static str>,
    /// The length field (octets of value).
    pub length: usize,
    /// The value octets in hex.
    pub value_hex: String,
    /// What the value means.
    pub meaning: String,
}

/// Explains `pdu` (`command_length` is the frame's length).
pub fn explain(pdu: &Pdu) -> Explained {
    let header = pdu.header();
    let mut data_coding = 0u8;
    let mut esm_class = 0u8;
    let mut fields = Vec::new();
    let mut tlvs = Vec::new();
    pdu.visit_fields(&mut |name, value| match value {
        FieldValue::Tlv(tlv) => tlvs.push(tlv_item(tlv, data_coding)),
        FieldValue::U8(v) => {
            match name {
                "data_coding" => data_coding = v,
                "esm_class" => esm_class = v,
                _ => {}
            }
            fields.push(Item {
                name,
                value: v.into(),
                meaning: u8_meaning(name, v),
                quoted: false,
            });
        }
        FieldValue::U32(v) => fields.push(Item {
            name,
            value: v.into(),
            meaning: None,
            quoted: false,
        }),
        FieldValue::COctet(bytes) => fields.push(Item {
            name,
            value: printable(bytes).into(),
            meaning: None,
            quoted: true,
        }),
        FieldValue::Octets(bytes) => fields.push(Item {
            name,
            value: hex(bytes).into(),
            meaning: octets_meaning(name, bytes, data_coding, esm_class),
            quoted: false,
        }),
    });
    Explained {
        command_length: pdu.encoded_len(),
        command_id: Named {
            value: pdu.command_id().0,
            name: pdu.command_id().name(),
        },
        command_status: Named {
            value: header.command_status.0,
            name: header.command_status.name(),
        },
        sequence_number: header.sequence_number,
        fields,
        tlvs,
    }
}

fn u8_meaning(name: &str, v: u8) -> Option<String> {
    let text = match name {
        n if n.ends_with("_ton") => ton(v).to_owned(),
        n if n.ends_with("_npi") => npi(v).to_owned(),
        "esm_class" => format!("0x{v:02x}: {}", esm_class(v)),
        "registered_delivery" => registered_delivery(v),
        "data_coding" => format!("0x{v:02x}: {}", data_coding(v)),
        "interface_version" | "sc_interface_version" => interface_version(v),
        "dest_flag" => match v {
            1 => "SME address".into(),
            2 => "distribution list name".into(),
            _ => "undefined".into(),
        },
        "message_state" | "final_state" => message_state(v).to_owned(),
        _ => return None,
    };
    Some(text)
}

fn ton(v: u8) -> &'static str {
    match v {
        0 => "unknown",
        1 => "international",
        2 => "national",
        3 => "network specific",
        4 => "subscriber number",
        5 => "alphanumeric",
        6 => "abbreviated",
        _ => "reserved",
    }
}

fn npi(v: u8) -> &'static str {
    match v {
        0 => "unknown",
        1 => "ISDN (E.163/E.164)",
        3 => "data (X.121)",
        4 => "telex (F.69)",
        6 => "land mobile (E.212)",
        8 => "national",
        9 => "private",
        10 => "ERMES",
        14 => "internet (IP)",
        18 => "WAP client id",
        _ => "reserved",
    }
}

fn esm_class(v: u8) -> String {
    let mode = match v & 0b11 {
        0 => "default mode",
        1 => "datagram mode",
        2 => "forward mode",
        _ => "store and forward mode",
    };
    let kind = match (v >> 2) & 0b1111 {
        0b0000 => "normal message",
        0b0001 => "SMSC delivery receipt",
        0b0010 => "SME delivery acknowledgement",
        0b0100 => "SME manual/user acknowledgement",
        0b0110 => "conversation abort",
        0b1000 => "intermediate delivery notification",
        _ => "reserved message type",
    };
    let mut text = format!("{mode}, {kind}");
    if v & 0x40 != 0 {
        text.push_str(", UDH indicator (short_message starts with a user data header)");
    }
    if v & 0x80 != 0 {
        text.push_str(", reply path");
    }
    text
}

fn registered_delivery(v: u8) -> String {
    let receipt = match v & 0b11 {
        0 => "no delivery receipt",
        1 => "delivery receipt on success or failure",
        2 => "delivery receipt on failure",
        _ => "reserved receipt value",
    };
    let mut text = receipt.to_owned();
    if v & 0b1100 != 0 {
        text.push_str(", SME acknowledgement requested");
    }
    if v & 0b1_0000 != 0 {
        text.push_str(", intermediate notification requested");
    }
    text
}

fn data_coding(v: u8) -> String {
    let smpp_defined = matches!(v, 0x00..=0x0E);
    let charset = charset_name(hotline_codecs::text::charset_for_data_coding(v));
    if smpp_defined {
        let label = match v {
            0x00 => "SMSC default alphabet",
            0x01 => "IA5 (ASCII)",
            0x02 | 0x04 => "8-bit binary",
            0x03 => "Latin-1 (ISO-8859-1)",
            0x05 => "JIS",
            0x06 => "Cyrillic (ISO-8859-5)",
            0x07 => "Latin/Hebrew (ISO-8859-8)",
            0x08 => "UCS-2",
            0x09 => "pictogram",
            0x0A => "music codes (ISO-2022-JP)",
            0x0D => "extended Kanji JIS",
            0x0E => "KS C 5601",
            _ => "reserved",
        };
        format!("{label}; read as {charset}")
    } else {
        format!("USSD / cell-broadcast data coding scheme (3GPP TS 23.038); read as {charset}")
    }
}

fn interface_version(v: u8) -> String {
    match v {
        0x00..=0x33 => "SMPP 3.3 or earlier".into(),
        0x34 => "SMPP 3.4".into(),
        0x50 => "SMPP 5.0".into(),
        _ => format!("SMPP {}.{} (unknown)", v >> 4, v & 0x0F),
    }
}

fn message_state(v: u8) -> &'static str {
    match v {
        0 => "SCHEDULED",
        1 => "ENROUTE",
        2 => "DELIVERED",
        3 => "EXPIRED",
        4 => "DELETED",
        5 => "UNDELIVERABLE",
        6 => "ACCEPTED",
        7 => "UNKNOWN",
        8 => "REJECTED",
        9 => "SKIPPED",
        _ => "reserved",
    }
}

fn charset_name(charset: Charset) -> &'static str {
    match charset {
        Charset::Gsm7 => "GSM-7",
        Charset::Gsm7Packed => "GSM-7 packed",
        Charset::Ascii => "ASCII",
        Charset::Latin1 => "Latin-1",
        Charset::Ucs2 => "UCS-2",
        Charset::Binary => "binary",
    }
}

fn octets_meaning(name: &str, bytes: &[u8], data_coding: u8, esm_class: u8) -> Option<String> {
    if name != "short_message" {
        return None;
    }
    if esm_class & 0x40 != 0 {
        if let Some((&udh_len, rest)) = bytes.split_first() {
            let udh_len = usize::from(udh_len);
            if let (Some(udh), Some(text)) = (rest.get(..udh_len), rest.get(udh_len..)) {
                return Some(format!(
                    "UDH {} ({}); text {}",
                    hex(udh),
                    udh_meaning(udh),
                    text_meaning(text, data_coding)
                ));
            }
            return Some(format!(
                "UDH length {udh_len} runs past the message; {}",
                text_meaning(bytes, data_coding)
            ));
        }
    }
    Some(text_meaning(bytes, data_coding))
}

/// The concatenation element of a UDH (IEI 0x00 or 0x08), else the element ids.
fn udh_meaning(udh: &[u8]) -> String {
    match udh {
        [0x00, 3, reference, total, part, ..] => {
            format!("part {part} of {total}, reference {reference}")
        }
        [0x08, 4, r1, r2, total, part, ..] => format!(
            "part {part} of {total}, reference {}",
            u16::from_be_bytes([*r1, *r2])
        ),
        [iei, ..] => format!("information element 0x{iei:02x}"),
        [] => "empty".into(),
    }
}

fn text_meaning(bytes: &[u8], data_coding: u8) -> String {
    let decoded = decode_smpp(bytes, data_coding);
    let mut text = format!("{:?} ({}", decoded.text, charset_name(decoded.charset));
    if decoded.fell_back {
        text.push_str(", not as declared: the octets did not fit the declared coding");
    }
    text.push(')');
    text
}

fn tlv_item(tlv: &Tlv, data_coding: u8) -> TlvItem {
    let mut value = bytes::BytesMut::new();
    tlv.encode_value(&mut value);
    let name = tag::name(tlv.tag());
    TlvItem {
        tag: tlv.tag(),
        name,
        length: tlv.value_len(),
        value_hex: hex(&value),
        meaning: tlv_meaning(tlv, name, data_coding),
    }
}

fn tlv_meaning(tlv: &Tlv, name: Option<&str>, data_coding: u8) -> String {
    match tlv {
        Tlv::UssdServiceOp(op) => format!("{op}{}", ussd_op_role(op.0)),
        Tlv::ItsSessionInfo(v) => its_session_info(*v),
        Tlv::UserMessageReference(v) => format!("reference {v}"),
        Tlv::MessagePayload(value) => text_meaning(value.as_bytes(), data_coding),
        Tlv::SarMsgRefNum(v) => format!("concatenated message reference {v}"),
        Tlv::SarTotalSegments(v) => format!("{v} parts in all"),
        Tlv::SarSegmentSeqnum(v) => format!("part {v}"),
        Tlv::ReceiptedMessageId(id) => format!("message id {:?}", printable(id.as_bytes())),
        Tlv::MessageState(v) => message_state(*v).to_owned(),
        Tlv::NetworkErrorCode {
            network_type,
            error_code,
        } => {
            let network = match network_type {
                1 => "ANSI-136",
                2 => "IS-95",
                3 => "GSM",
                8 => "SMPP error",
                _ => "reserved network type",
            };
            format!("{network} error {error_code}")
        }
        Tlv::CongestionState(v) => congestion(*v),
        Tlv::ScInterfaceVersion(v) => interface_version(*v),
        Tlv::Other { .. } => match name {
            Some(_) => "not typed here (or not the spec's size): kept raw".into(),
            None => format!(
                "vendor or unknown tag 0x{:04x}: kept raw and passed on",
                tlv.tag()
            ),
        },
    }
}

/// What the op means in a USSD dialog (`USSD-DIALECTS.md`).
fn ussd_op_role(op: u8) -> &'static str {
    match op {
        1 => ": the gateway opens a dialog with what the subscriber dialled",
        2 => ": the application shows a screen and keeps the dialog open",
        3 => ": a notification to the subscriber",
        17 => ": the application's last screen; the dialog ends",
        18 => ": the subscriber's answer to a screen",
        0x81 => ": abort at several gateways",
        _ => "",
    }
}

fn its_session_info(v: u16) -> String {
    let [session, second] = v.to_be_bytes();
    let sequence = second >> 1;
    let end = second & 1 == 1;
    format!(
        "session number {session}, sequence number {sequence}, end of session: {} \
         (as a 15-bit dialog id with the end bit, sixdee style: {})",
        if end { "yes" } else { "no" },
        v >> 1
    )
}

fn congestion(v: u8) -> String {
    let band = match v {
        0 => "idle",
        1..=29 => "low load",
        30..=49 => "medium load",
        50..=79 => "high load",
        80..=89 => "optimum load",
        90..=99 => "nearing congestion",
        100 => "congested",
        _ => "out of range",
    };
    format!("{v}% ({band})")
}

fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect()
}

/// Lower-case hex with no separators.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
