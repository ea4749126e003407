//! USSD carried in SMPP messages: reading a subscriber's message (`deliver_sm` from a
//! gateway, `submit_sm` or `data_sm` from an integrator) into dialog terms, and building our
//! screen back with the dialect's TLVs, the addresses swapped and the data coding following
//! the text.

use bytes::Bytes;
use hotline_codecs::smpp::{COctetString, Header, OctetString, Pdu, Tlv, Tlvs, UssdServiceOp};
use hotline_codecs::text::{self, Charset, Encoding};

use super::dialect::{Correlation, Dialect, Inbound};
use super::link::Role;

/// `esm_class` bits that mark a delivery receipt (SMPP 3.4 §5.2.12): not USSD.
const ESM_CLASS_RECEIPT: u8 = 0x04;
/// `esm_class` bit: the short message starts with a user data header.
pub const ESM_CLASS_UDHI: u8 = 0x40;

/// A subscriber's message, read off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UssdMessage {
    /// The subscriber's number (`source_addr`).
    pub msisdn: String,
    /// Our address as the peer used it (`destination_addr`): echoed as the reply's source.
    pub service_addr: String,
    /// `service_type`, echoed on the reply.
    pub service_type: Bytes,
    /// `ussd_service_op`, when present.
    pub op: Option<u8>,
    /// The correlation TLVs.
    pub correlation: Correlation,
    /// The text, decoded per `data_coding` with safe fallbacks.
    pub text: String,
    /// `data_coding` as received.
    pub data_coding: u8,
    /// What the text turned out to be in.
    pub encoding: Encoding,
}

impl UssdMessage {
    /// Reads a `deliver_sm`, `submit_sm` or `data_sm`. `None` for anything that is not a
    /// subscriber's USSD text, such as a delivery receipt.
    pub fn read(pdu: &Pdu) -> Option<UssdMessage> {
        let (source, dest, service_type, esm_class, data_coding, short, tlvs) = match pdu {
            Pdu::DeliverSm(_, b) => (
                b.source_addr.as_bytes(),
                b.destination_addr.as_bytes(),
                b.service_type.to_bytes(),
                b.esm_class,
                b.data_coding,
                b.short_message.as_bytes(),
                &b.tlvs,
            ),
            Pdu::SubmitSm(_, b) => (
                b.source_addr.as_bytes(),
                b.destination_addr.as_bytes(),
                b.service_type.to_bytes(),
                b.esm_class,
                b.data_coding,
                b.short_message.as_bytes(),
                &b.tlvs,
            ),
            Pdu::DataSm(_, b) => (
                b.source_addr.as_bytes(),
                b.destination_addr.as_bytes(),
                b.service_type.to_bytes(),
                b.esm_class,
                b.data_coding,
                &[][..],
                &b.tlvs,
            ),
            _ => return None,
        };
        if esm_class & ESM_CLASS_RECEIPT != 0 {
            return None;
        }
        let octets = match tlvs.message_payload() {
            Some(payload) if short.is_empty() => payload.as_bytes(),
            _ => short,
        };
        let decoded = text::decode_smpp(octets, data_coding);
        let encoding = match decoded.charset {
            Charset::Ucs2 => Encoding::Ucs2,
            Charset::Latin1 => Encoding::Latin1,
            _ => Encoding::Gsm7,
        };
        Some(UssdMessage {
            msisdn: String::from_utf8_lossy(source).into_owned(),
            service_addr: String::from_utf8_lossy(dest).into_owned(),
            service_type,
            op: tlvs.ussd_service_op().map(|op| op.0),
            correlation: Correlation {
                its: tlvs.its_session_info(),
                umr: tlvs.user_message_reference(),
            },
            text: decoded.text,
            data_coding,
            encoding,
        })
    }

    /// What the message means under `dialect`.
    pub fn classify(&self, dialect: &Dialect) -> Inbound {
        dialect.classify(self.op, self.correlation, self.text.trim().is_empty())
    }
}

/// Splits what a subscriber dialled into the service code and a deep link's inputs:
/// `*123*1*0012345679#` gives `("*123#", "1*0012345679")`. Text that is not a USSD string
/// gives `None`, and the caller falls back on the destination address.
pub fn split_dialled(text: &str) -> Option<(String, String)> {
    let inner = text.trim().strip_prefix('*')?.strip_suffix('#')?;
    let (code, rest) = inner.split_once('*').unwrap_or((inner, ""));
    if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((format!("*{code}#"), rest.to_string()))
}

/// The service code for a dialog whose first message carried no USSD string: the
/// destination address in `*N#` form.
pub fn service_code_from_addr(addr: &str) -> String {
    let digits = addr.trim().trim_start_matches('*').trim_end_matches('#');
    format!("*{digits}#")
}

/// Our screen, ready to wrap as a `deliver_sm` or `submit_sm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The subscriber (`destination_addr`).
    pub msisdn: String,
    /// Our address (`source_addr`).
    pub service_addr: String,
    /// `service_type`.
    pub service_type: Bytes,
    /// `esm_class`.
    pub esm_class: u8,
    /// `data_coding`.
    pub data_coding: u8,
    /// `short_message`.
    pub short_message: Bytes,
    /// The TLVs (the dialect's USSD ones; none for a plain SMS).
    pub tlvs: Tlvs,
}

impl Outgoing {
    /// The screen answering `inbound`: the dialect's op and correlation TLVs, GSM-7 when the
    /// text allows (keeping the gateway's own GSM `data_coding`), UCS-2 otherwise.
    pub fn screen(inbound: &UssdMessage, dialect: &Dialect, text: &str, end: bool) -> Outgoing {
        let tlv = dialect.reply(inbound.correlation, end);
        let mut tlvs = Tlvs::new().with(Tlv::UssdServiceOp(UssdServiceOp(tlv.op)));
        if let Some(its) = tlv.its {
            tlvs.push(Tlv::ItsSessionInfo(its));
        }
        if let Some(umr) = tlv.umr {
            tlvs.push(Tlv::UserMessageReference(umr));
        }
        let encoded = text::encode_best(text);
        let data_coding = match encoded.encoding {
            Encoding::Gsm7 if is_gsm_coding(inbound.data_coding) => inbound.data_coding,
            _ => encoded.data_coding,
        };
        let mut short_message = encoded.bytes;
        short_message.truncate(254);
        Outgoing {
            msisdn: inbound.msisdn.clone(),
            service_addr: inbound.service_addr.clone(),
            service_type: inbound.service_type.clone(),
            esm_class: 0,
            data_coding,
            short_message: Bytes::from(short_message),
            tlvs,
        }
    }

    /// Wraps it in the PDU our role sends: `deliver_sm` to an integrator's ESME,
    /// `submit_sm` to an operator's gateway. The sequence number is set by the link.
    pub fn into_pdu(self, role: Role) -> Pdu {
        let header = Header::new(0);
        let source_addr = c_octets(self.service_addr.as_bytes());
        let destination_addr = c_octets(self.msisdn.as_bytes());
        let service_type = c_octets(&self.service_type);
        let short_message =
            OctetString::new(self.short_message).unwrap_or_else(|_| OctetString::empty());
        match role {
            Role::Server => Pdu::DeliverSm(
                header,
                hotline_codecs::smpp::DeliverSm {
                    service_type,
                    source_addr_ton: 0,
                    source_addr_npi: 0,
                    source_addr,
                    dest_addr_ton: 1,
                    dest_addr_npi: 1,
                    destination_addr,
                    esm_class: self.esm_class,
                    protocol_id: 0,
                    priority_flag: 0,
                    schedule_delivery_time: COctetString::empty(),
                    validity_period: COctetString::empty(),
                    registered_delivery: 0,
                    replace_if_present_flag: 0,
                    data_coding: self.data_coding,
                    sm_default_msg_id: 0,
                    short_message,
                    tlvs: self.tlvs,
                },
            ),
            Role::Client => Pdu::SubmitSm(
                header,
                hotline_codecs::smpp::SubmitSm {
                    service_type,
                    source_addr_ton: 0,
                    source_addr_npi: 0,
                    source_addr,
                    dest_addr_ton: 1,
                    dest_addr_npi: 1,
                    destination_addr,
                    esm_class: self.esm_class,
                    protocol_id: 0,
                    priority_flag: 0,
                    schedule_delivery_time: COctetString::empty(),
                    validity_period: COctetString::empty(),
                    registered_delivery: 0,
                    replace_if_present_flag: 0,
                    data_coding: self.data_coding,
                    sm_default_msg_id: 0,
                    short_message,
                    tlvs: self.tlvs,
                },
            ),
        }
    }
}

/// A C-Octet String of `value`, cut to the field's size. Values reaching us come from
/// fields of the same or a smaller size, or from config checked at load time.
pub fn c_octets<const MAX: usize>(value: &[u8]) -> COctetString<MAX> {
    let end = value
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(value.len())
        .min(MAX.saturating_sub(1));
    COctetString::new(value.get(..end).unwrap_or_default().to_vec()).unwrap_or_default()
}

/// `data_coding` values that mean GSM 03.38 text (SMSC default, or the USSD DCS 0x0F).
fn is_gsm_coding(data_coding: u8) -> bool {
    matches!(data_coding, 0x00 | 0x0F | 0x01)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_split_into_code_and_inputs() {
        assert_eq!(
            split_dialled("*123*1*0012345679#"),
            Some(("*123#".into(), "1*0012345679".into()))
        );
        assert_eq!(
            split_dialled("*123#"),
            Some(("*123#".into(), String::new()))
        );
        assert_eq!(split_dialled("1"), None);
        assert_eq!(split_dialled("*#"), None);
        assert_eq!(split_dialled("*abc#"), None);
        assert_eq!(service_code_from_addr("123"), "*123#");
        assert_eq!(service_code_from_addr("*123#"), "*123#");
    }
}
