//! `cancel_sm` (SMPP 3.4 §4.9.1): "issued by the ESME to cancel one or more previously
//! submitted short messages that are still pending delivery". Its response,
//! `cancel_sm_resp`, is header only.

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `cancel_sm` body.
    pub struct CancelSm {
        /// "Set to indicate SMS Application service, if cancellation of a group of
        /// application service messages is desired."
        pub service_type: COctetString<6>,
        /// "Message ID of the message to be cancelled." NULL to cancel by addresses.
        pub message_id: COctetString<65>,
        /// "Type of Number of message originator."
        pub source_addr_ton: u8,
        /// "Numbering Plan Identity of message originator."
        pub source_addr_npi: u8,
        /// "Source address of message(s) to be cancelled."
        pub source_addr: COctetString<21>,
        /// "Type of number of destination SME address of the message(s) to be cancelled."
        pub dest_addr_ton: u8,
        /// "Numbering Plan Indicator of destination SME address."
        pub dest_addr_npi: u8,
        /// "Destination address of message(s) to be cancelled."
        pub destination_addr: COctetString<21>,
        /// TLVs (none in the spec; accepted anyway).
        pub tlvs: Tlvs,
    }
}
