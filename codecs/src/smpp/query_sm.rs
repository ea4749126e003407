//! `query_sm` (SMPP 3.4 §4.8.1): "used to query the status of a previously submitted short
//! message".

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `query_sm` body.
    pub struct QuerySm {
        /// "Message ID of the message whose state is to be queried."
        pub message_id: COctetString<65>,
        /// "Type of Number of message originator."
        pub source_addr_ton: u8,
        /// "Numbering Plan Identity of message originator."
        pub source_addr_npi: u8,
        /// "Address of message originator."
        pub source_addr: COctetString<21>,
        /// TLVs (none in the spec; accepted anyway).
        pub tlvs: Tlvs,
    }
}
