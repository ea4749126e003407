//! `replace_sm` (SMPP 3.4 §4.10.1): "issued by the ESME to replace a previously submitted
//! short message that is still pending delivery". Its response, `replace_sm_resp`, is
//! header only.

use super::tlv::Tlvs;
use super::types::{COctetString, ShortMessage};
use super::wire::body;

body! {
    /// The `replace_sm` body.
    pub struct ReplaceSm {
        /// "SMSC message ID of the message to be replaced."
        pub message_id: COctetString<65>,
        /// "Type of Number of message originator."
        pub source_addr_ton: u8,
        /// "Numbering Plan Indicator for source address of original message."
        pub source_addr_npi: u8,
        /// "Originating address of the short message to be replaced."
        pub source_addr: COctetString<21>,
        /// "New scheduled delivery time for the short message."
        pub schedule_delivery_time: COctetString<17>,
        /// "New expiration time for the short message."
        pub validity_period: COctetString<17>,
        /// "Indicator to signify if an SMSC delivery receipt or an SME acknowledgement is
        /// required."
        pub registered_delivery: u8,
        /// "Indicates the short message to send from a list of predefined ('canned') short
        /// messages stored on the SMSC."
        pub sm_default_msg_id: u8,
        /// "Up to 254 octets of short message user data." `sm_length` is derived from it.
        pub short_message: ShortMessage,
        /// TLVs (none in the spec; accepted anyway).
        pub tlvs: Tlvs,
    }
}
