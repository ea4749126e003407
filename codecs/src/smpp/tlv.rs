//! TLVs ("optional parameters" in 3.4, SMPP 5.0 §4.8): tag, length, value. Any TLV is
//! accepted on any PDU; the ones Hotline uses are typed, every other one is kept raw and
//! re-encoded byte for byte, in the order received.

use bytes::{BufMut, BytesMut};
use nom::number::complete::be_u16;

use super::error::{ErrorKind, FieldError};
use super::types::{COctetString, TlvValue};
use super::ussd_service_op::UssdServiceOp;
use super::wire::{Fault, Field, FieldValue, Reader, Res};

macro_rules! tags {
    ($($name:ident = $value:literal, $spec:literal;)*) => {
        /// TLV tags of SMPP 3.4 and 5.0, named as the spec names them.
        pub mod tag {
            $(
                #[doc = concat!("`", $spec, "`")]
                pub const $name: u16 = $value;
            )*

            /// The spec name of a tag, or `None` for a vendor or unknown tag.
            pub fn name(tag: u16) -> Option<&'static str> {
                match tag {
                    $($value => Some($spec),)*
                    _ => None,
                }
            }
        }
    };
}

tags! {
    DEST_ADDR_SUBUNIT = 0x0005, "dest_addr_subunit";
    DEST_NETWORK_TYPE = 0x0006, "dest_network_type";
    DEST_BEARER_TYPE = 0x0007, "dest_bearer_type";
    DEST_TELEMATICS_ID = 0x0008, "dest_telematics_id";
    SOURCE_ADDR_SUBUNIT = 0x000D, "source_addr_subunit";
    SOURCE_NETWORK_TYPE = 0x000E, "source_network_type";
    SOURCE_BEARER_TYPE = 0x000F, "source_bearer_type";
    SOURCE_TELEMATICS_ID = 0x0010, "source_telematics_id";
    QOS_TIME_TO_LIVE = 0x0017, "qos_time_to_live";
    PAYLOAD_TYPE = 0x0019, "payload_type";
    ADDITIONAL_STATUS_INFO_TEXT = 0x001D, "additional_status_info_text";
    RECEIPTED_MESSAGE_ID = 0x001E, "receipted_message_id";
    MS_MSG_WAIT_FACILITIES = 0x0030, "ms_msg_wait_facilities";
    PRIVACY_INDICATOR = 0x0201, "privacy_indicator";
    SOURCE_SUBADDRESS = 0x0202, "source_subaddress";
    DEST_SUBADDRESS = 0x0203, "dest_subaddress";
    USER_MESSAGE_REFERENCE = 0x0204, "user_message_reference";
    USER_RESPONSE_CODE = 0x0205, "user_response_code";
    SOURCE_PORT = 0x020A, "source_port";
    DESTINATION_PORT = 0x020B, "destination_port";
    SAR_MSG_REF_NUM = 0x020C, "sar_msg_ref_num";
    LANGUAGE_INDICATOR = 0x020D, "language_indicator";
    SAR_TOTAL_SEGMENTS = 0x020E, "sar_total_segments";
    SAR_SEGMENT_SEQNUM = 0x020F, "sar_segment_seqnum";
    SC_INTERFACE_VERSION = 0x0210, "sc_interface_version";
    CALLBACK_NUM_PRES_IND = 0x0302, "callback_num_pres_ind";
    CALLBACK_NUM_ATAG = 0x0303, "callback_num_atag";
    NUMBER_OF_MESSAGES = 0x0304, "number_of_messages";
    CALLBACK_NUM = 0x0381, "callback_num";
    DPF_RESULT = 0x0420, "dpf_result";
    SET_DPF = 0x0421, "set_dpf";
    MS_AVAILABILITY_STATUS = 0x0422, "ms_availability_status";
    NETWORK_ERROR_CODE = 0x0423, "network_error_code";
    MESSAGE_PAYLOAD = 0x0424, "message_payload";
    DELIVERY_FAILURE_REASON = 0x0425, "delivery_failure_reason";
    MORE_MESSAGES_TO_SEND = 0x0426, "more_messages_to_send";
    MESSAGE_STATE = 0x0427, "message_state";
    CONGESTION_STATE = 0x0428, "congestion_state";
    USSD_SERVICE_OP = 0x0501, "ussd_service_op";
    BROADCAST_CHANNEL_INDICATOR = 0x0600, "broadcast_channel_indicator";
    BROADCAST_CONTENT_TYPE = 0x0601, "broadcast_content_type";
    BROADCAST_CONTENT_TYPE_INFO = 0x0602, "broadcast_content_type_info";
    BROADCAST_MESSAGE_CLASS = 0x0603, "broadcast_message_class";
    BROADCAST_REP_NUM = 0x0604, "broadcast_rep_num";
    BROADCAST_FREQUENCY_INTERVAL = 0x0605, "broadcast_frequency_interval";
    BROADCAST_AREA_IDENTIFIER = 0x0606, "broadcast_area_identifier";
    BROADCAST_ERROR_STATUS = 0x0607, "broadcast_error_status";
    BROADCAST_AREA_SUCCESS = 0x0608, "broadcast_area_success";
    BROADCAST_END_TIME = 0x0609, "broadcast_end_time";
    BROADCAST_SERVICE_GROUP = 0x060A, "broadcast_service_group";
    BILLING_IDENTIFICATION = 0x060B, "billing_identification";
    SOURCE_NETWORK_ID = 0x060D, "source_network_id";
    DEST_NETWORK_ID = 0x060E, "dest_network_id";
    SOURCE_NODE_ID = 0x060F, "source_node_id";
    DEST_NODE_ID = 0x0610, "dest_node_id";
    DEST_ADDR_NP_RESOLUTION = 0x0611, "dest_addr_np_resolution";
    DEST_ADDR_NP_INFORMATION = 0x0612, "dest_addr_np_information";
    DEST_ADDR_NP_COUNTRY = 0x0613, "dest_addr_np_country";
    DISPLAY_TIME = 0x1201, "display_time";
    SMS_SIGNAL = 0x1203, "sms_signal";
    MS_VALIDITY = 0x1204, "ms_validity";
    ALERT_ON_MESSAGE_DELIVERY = 0x130C, "alert_on_message_delivery";
    ITS_REPLY_TYPE = 0x1380, "its_reply_type";
    ITS_SESSION_INFO = 0x1383, "its_session_info";
}

/// One TLV. A typed variant is used only when the value has the spec's size; otherwise the
/// TLV stays [`Tlv::Other`], so odd gateways are tolerated and re-encoded exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tlv {
    /// `ussd_service_op` (0x0501, 1 octet): "the USSD operation required".
    UssdServiceOp(UssdServiceOp),
    /// `its_session_info` (0x1383, 2 octets): "session control information for Interactive
    /// Teleservice"; octet 1 session number, octet 2 sequence number with bit 0 = end.
    ItsSessionInfo(u16),
    /// `user_message_reference` (0x0204, 2 octets): "ESME assigned message reference".
    UserMessageReference(u16),
    /// `message_payload` (0x0424): "the extended short message user data", up to 64K.
    MessagePayload(TlvValue),
    /// `sar_msg_ref_num` (0x020C, 2 octets): "the reference number for a concatenated short
    /// message".
    SarMsgRefNum(u16),
    /// `sar_total_segments` (0x020E, 1 octet): "the total number of short messages within
    /// the concatenated short message".
    SarTotalSegments(u8),
    /// `sar_segment_seqnum` (0x020F, 1 octet): "the sequence number of a particular short
    /// message fragment within the concatenated short message".
    SarSegmentSeqnum(u8),
    /// `receipted_message_id` (0x001E, C-Octet String max 65): "the SMSC message ID of the
    /// receipted message".
    ReceiptedMessageId(COctetString<65>),
    /// `message_state` (0x0427, 1 octet): "the message state" in a delivery receipt.
    MessageState(u8),
    /// `network_error_code` (0x0423, 3 octets): "a network error code defining the reason
    /// for failure": network type then error code.
    NetworkErrorCode {
        /// 1 ANSI-136, 2 IS-95, 3 GSM, 8 SMPP 5.0 "SMPP Error".
        network_type: u8,
        /// The network-specific error code.
        error_code: u16,
    },
    /// `congestion_state` (0x0428, 1 octet, SMPP 5.0): "congestion state of the ESME or
    /// MC", 0 idle … 100 congested.
    CongestionState(u8),
    /// `sc_interface_version` (0x0210, 1 octet): "the SMPP version supported by the MC".
    ScInterfaceVersion(u8),
    /// Any other TLV, kept as received.
    Other {
        /// The tag.
        tag: u16,
        /// The value octets.
        value: TlvValue,
    },
}

impl Tlv {
    /// The TLV's tag.
    pub fn tag(&self) -> u16 {
        match self {
            Tlv::UssdServiceOp(_) => tag::USSD_SERVICE_OP,
            Tlv::ItsSessionInfo(_) => tag::ITS_SESSION_INFO,
            Tlv::UserMessageReference(_) => tag::USER_MESSAGE_REFERENCE,
            Tlv::MessagePayload(_) => tag::MESSAGE_PAYLOAD,
            Tlv::SarMsgRefNum(_) => tag::SAR_MSG_REF_NUM,
            Tlv::SarTotalSegments(_) => tag::SAR_TOTAL_SEGMENTS,
            Tlv::SarSegmentSeqnum(_) => tag::SAR_SEGMENT_SEQNUM,
            Tlv::ReceiptedMessageId(_) => tag::RECEIPTED_MESSAGE_ID,
            Tlv::MessageState(_) => tag::MESSAGE_STATE,
            Tlv::NetworkErrorCode { .. } => tag::NETWORK_ERROR_CODE,
            Tlv::CongestionState(_) => tag::CONGESTION_STATE,
            Tlv::ScInterfaceVersion(_) => tag::SC_INTERFACE_VERSION,
            Tlv::Other { tag, .. } => *tag,
        }
    }

    /// Octets in the value (the TLV length field).
    pub fn value_len(&self) -> usize {
        match self {
            Tlv::UssdServiceOp(_)
            | Tlv::SarTotalSegments(_)
            | Tlv::SarSegmentSeqnum(_)
            | Tlv::MessageState(_)
            | Tlv::CongestionState(_)
            | Tlv::ScInterfaceVersion(_) => 1,
            Tlv::ItsSessionInfo(_) | Tlv::UserMessageReference(_) | Tlv::SarMsgRefNum(_) => 2,
            Tlv::NetworkErrorCode { .. } => 3,
            Tlv::ReceiptedMessageId(id) => id.len() + 1,
            Tlv::MessagePayload(value) | Tlv::Other { value, .. } => value.len(),
        }
    }

    /// Writes the value octets only (no tag, no length).
    pub fn encode_value(&self, buf: &mut BytesMut) {
        match self {
            Tlv::UssdServiceOp(op) => buf.put_u8(op.0),
            Tlv::SarTotalSegments(v)
            | Tlv::SarSegmentSeqnum(v)
            | Tlv::MessageState(v)
            | Tlv::CongestionState(v)
            | Tlv::ScInterfaceVersion(v) => buf.put_u8(*v),
            Tlv::ItsSessionInfo(v) | Tlv::UserMessageReference(v) | Tlv::SarMsgRefNum(v) => {
                buf.put_u16(*v)
            }
            Tlv::NetworkErrorCode {
                network_type,
                error_code,
            } => {
                buf.put_u8(*network_type);
                buf.put_u16(*error_code);
            }
            Tlv::ReceiptedMessageId(id) => {
                buf.put_slice(id.as_bytes());
                buf.put_u8(0);
            }
            Tlv::MessagePayload(value) | Tlv::Other { value, .. } => {
                buf.put_slice(value.as_bytes())
            }
        }
    }

    /// Types a received TLV when its value has the spec's shape.
    fn from_wire(r: &Reader<'_>, tag: u16, value: &[u8]) -> Tlv {
        let be16 = |v: &[u8]| u16::from_be_bytes([v[0], v[1]]);
        match (tag, value) {
            (tag::USSD_SERVICE_OP, &[op]) => Tlv::UssdServiceOp(UssdServiceOp(op)),
            (tag::ITS_SESSION_INFO, v @ &[_, _]) => Tlv::ItsSessionInfo(be16(v)),
            (tag::USER_MESSAGE_REFERENCE, v @ &[_, _]) => Tlv::UserMessageReference(be16(v)),
            (tag::SAR_MSG_REF_NUM, v @ &[_, _]) => Tlv::SarMsgRefNum(be16(v)),
            (tag::SAR_TOTAL_SEGMENTS, &[n]) => Tlv::SarTotalSegments(n),
            (tag::SAR_SEGMENT_SEQNUM, &[n]) => Tlv::SarSegmentSeqnum(n),
            (tag::MESSAGE_STATE, &[s]) => Tlv::MessageState(s),
            (tag::CONGESTION_STATE, &[s]) => Tlv::CongestionState(s),
            (tag::SC_INTERFACE_VERSION, &[v]) => Tlv::ScInterfaceVersion(v),
            (tag::NETWORK_ERROR_CODE, &[network_type, a, b]) => Tlv::NetworkErrorCode {
                network_type,
                error_code: u16::from_be_bytes([a, b]),
            },
            (tag::MESSAGE_PAYLOAD, v) => Tlv::MessagePayload(TlvValue::from_checked(r.share(v))),
            (tag::RECEIPTED_MESSAGE_ID, [text @ .., 0])
                if text.len() < 65 && !text.contains(&0) =>
            {
                Tlv::ReceiptedMessageId(COctetString::from_checked(r.share(text)))
            }
            (tag, v) => Tlv::Other {
                tag,
                value: TlvValue::from_checked(r.share(v)),
            },
        }
    }
}

/// One TLV's tag and value, or a [`ErrorKind::TlvOverrun`].
fn raw_tlv(input: &[u8]) -> Res<'_, (u16, &[u8])> {
    let overrun = |tag, needed| {
        nom::Err::Failure(Fault(ErrorKind::TlvOverrun {
            tag,
            needed,
            available: input.len(),
        }))
    };
    let Ok((rest, tag)) = be_u16::<_, Fault>(input) else {
        return Err(overrun(0, 4));
    };
    let Ok((rest, len)) = be_u16::<_, Fault>(rest) else {
        return Err(overrun(tag, 4));
    };
    match nom::bytes::complete::take::<_, _, Fault>(len)(rest) {
        Ok((rest, value)) => Ok((rest, (tag, value))),
        Err(_) => Err(overrun(tag, 4 + usize::from(len))),
    }
}

/// The TLVs at the end of a body, in wire order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tlvs(pub Vec<Tlv>);

impl Tlvs {
    /// No TLVs (no allocation).
    pub const fn new() -> Self {
        Tlvs(Vec::new())
    }

    /// Appends a TLV, builder style.
    pub fn with(mut self, tlv: Tlv) -> Self {
        self.0.push(tlv);
        self
    }

    /// Appends a TLV.
    pub fn push(&mut self, tlv: Tlv) {
        self.0.push(tlv);
    }

    /// The TLVs in wire order.
    pub fn iter(&self) -> std::slice::Iter<'_, Tlv> {
        self.0.iter()
    }

    /// Number of TLVs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first TLV with this tag.
    pub fn get(&self, tag: u16) -> Option<&Tlv> {
        self.0.iter().find(|t| t.tag() == tag)
    }
}

impl From<Vec<Tlv>> for Tlvs {
    fn from(tlvs: Vec<Tlv>) -> Self {
        Tlvs(tlvs)
    }
}

impl<'a> IntoIterator for &'a Tlvs {
    type Item = &'a Tlv;
    type IntoIter = std::slice::Iter<'a, Tlv>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// TLVs take the rest of the body.
impl Field for Tlvs {
    fn decode(r: &mut Reader<'_>, _name: &'static str) -> Result<Self, FieldError> {
        let mut tlvs = Vec::new();
        while !r.remaining().is_empty() {
            let (tag, value) = r.run("tlv", raw_tlv)?;
            tlvs.push(Tlv::from_wire(r, tag, value));
        }
        Ok(Tlvs(tlvs))
    }
    fn encoded_len(&self) -> usize {
        self.0.iter().map(|t| 4 + t.value_len()).sum()
    }
    fn encode(&self, buf: &mut BytesMut) {
        for tlv in &self.0 {
            buf.put_u16(tlv.tag());
            buf.put_u16(tlv.value_len() as u16);
            tlv.encode_value(buf);
        }
    }
    fn visit<'s>(&'s self, _name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
        for tlv in &self.0 {
            v("tlv", FieldValue::Tlv(tlv));
        }
    }
}
