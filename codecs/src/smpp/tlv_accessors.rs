//! Typed accessors on [`Tlvs`]: each returns the first TLV of its kind that arrived with
//! its spec size (a wrong-sized one stays [`Tlv::Other`] and is not returned here).

use super::tlv::{Tlv, Tlvs};
use super::types::{COctetString, TlvValue};
use super::ussd_service_op::UssdServiceOp;

macro_rules! copy_accessors {
    ( $( $(#[$m:meta])* $name:ident -> $ty:ty = $variant:ident; )* ) => {
        impl Tlvs {
            $(
                $(#[$m])*
                pub fn $name(&self) -> Option<$ty> {
                    self.iter().find_map(|t| match t {
                        Tlv::$variant(v) => Some(*v),
                        _ => None,
                    })
                }
            )*
        }
    };
}

copy_accessors! {
    /// `ussd_service_op` (0x0501): what the USSD gateway asks for or reports.
    ussd_service_op -> UssdServiceOp = UssdServiceOp;
    /// `its_session_info` (0x1383): the USSD session number and end-of-session bit.
    its_session_info -> u16 = ItsSessionInfo;
    /// `user_message_reference` (0x0204): the ESME's reference, echoed back.
    user_message_reference -> u16 = UserMessageReference;
    /// `sar_msg_ref_num` (0x020C): the reference shared by all parts of a message.
    sar_msg_ref_num -> u16 = SarMsgRefNum;
    /// `sar_total_segments` (0x020E): how many parts the message has.
    sar_total_segments -> u8 = SarTotalSegments;
    /// `sar_segment_seqnum` (0x020F): this part's number, from 1.
    sar_segment_seqnum -> u8 = SarSegmentSeqnum;
    /// `message_state` (0x0427): the final state in a receipt.
    message_state -> u8 = MessageState;
    /// `congestion_state` (0x0428, SMPP 5.0): 0 idle … 100 congested.
    congestion_state -> u8 = CongestionState;
    /// `sc_interface_version` (0x0210): the SMPP version the MC supports.
    sc_interface_version -> u8 = ScInterfaceVersion;
}

impl Tlvs {
    /// `message_payload` (0x0424): the message text when it does not fit `short_message`.
    pub fn message_payload(&self) -> Option<&TlvValue> {
        self.iter().find_map(|t| match t {
            Tlv::MessagePayload(v) => Some(v),
            _ => None,
        })
    }

    /// `receipted_message_id` (0x001E): the id of the message a receipt is about.
    pub fn receipted_message_id(&self) -> Option<&COctetString<65>> {
        self.iter().find_map(|t| match t {
            Tlv::ReceiptedMessageId(v) => Some(v),
            _ => None,
        })
    }

    /// `network_error_code` (0x0423): `(network_type, error_code)`.
    pub fn network_error_code(&self) -> Option<(u8, u16)> {
        self.iter().find_map(|t| match *t {
            Tlv::NetworkErrorCode {
                network_type,
                error_code,
            } => Some((network_type, error_code)),
            _ => None,
        })
    }
}
