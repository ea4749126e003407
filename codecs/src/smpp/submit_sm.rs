//! `submit_sm` (SMPP 3.4 §4.4.1): "used by an ESME to submit a short message to the SMSC
//! for onward transmission to a specified short message entity (SME)". Hotline sends each
//! USSD screen with it.

use super::tlv::Tlvs;
use super::types::{COctetString, ShortMessage};
use super::wire::body;

body! {
    /// The `submit_sm` body.
    pub struct SubmitSm {
        /// "The service_type parameter can be used to indicate the SMS Application service
        /// associated with the message." NULL for the default.
        pub service_type: COctetString<6>,
        /// "Type of Number for source address."
        pub source_addr_ton: u8,
        /// "Numbering Plan Indicator for source address."
        pub source_addr_npi: u8,
        /// "Address of SME which originated this message."
        pub source_addr: COctetString<21>,
        /// "Type of Number for destination."
        pub dest_addr_ton: u8,
        /// "Numbering Plan Indicator for destination."
        pub dest_addr_npi: u8,
        /// "Destination address of this short message."
        pub destination_addr: COctetString<21>,
        /// "Indicates Message Mode & Message Type."
        pub esm_class: u8,
        /// "Protocol Identifier. Network specific field."
        pub protocol_id: u8,
        /// "Designates the priority level of the message."
        pub priority_flag: u8,
        /// "The short message is to be scheduled by the SMSC for delivery." NULL: immediate.
        pub schedule_delivery_time: COctetString<17>,
        /// "The validity period of this message." NULL: the SMSC default.
        pub validity_period: COctetString<17>,
        /// "Indicator to signify if an SMSC delivery receipt or an SME acknowledgement is
        /// required."
        pub registered_delivery: u8,
        /// "Flag indicating if submitted message should replace an existing message."
        pub replace_if_present_flag: u8,
        /// "Defines the encoding scheme of the short message user data."
        pub data_coding: u8,
        /// "Indicates the short message to send from a list of pre-defined ('canned') short
        /// messages stored on the SMSC."
        pub sm_default_msg_id: u8,
        /// "Up to 254 octets of short message user data." `sm_length` is derived from it.
        pub short_message: ShortMessage,
        /// TLVs: `ussd_service_op`, `its_session_info`, `message_payload`, `sar_*`…
        pub tlvs: Tlvs,
    }
}
