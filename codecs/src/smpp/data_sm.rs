//! `data_sm` (SMPP 3.4 §4.7.1): "used to transfer data between the SMSC and the ESME"; an
//! alternative to submit_sm and deliver_sm whose user data travels in `message_payload`.

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `data_sm` body.
    pub struct DataSm {
        /// "The service_type parameter can be used to indicate the SMS Application service
        /// associated with the message."
        pub service_type: COctetString<6>,
        /// "Type of Number for source address."
        pub source_addr_ton: u8,
        /// "Numbering Plan Indicator for source address."
        pub source_addr_npi: u8,
        /// "Address of SME which originates this message."
        pub source_addr: COctetString<65>,
        /// "Type of Number for destination."
        pub dest_addr_ton: u8,
        /// "Numbering Plan Indicator for destination."
        pub dest_addr_npi: u8,
        /// "Destination address of this short message."
        pub destination_addr: COctetString<65>,
        /// "Indicates Message Mode & Message Type."
        pub esm_class: u8,
        /// "Indicator to signify if an SMSC delivery receipt or an SME acknowledgement is
        /// required."
        pub registered_delivery: u8,
        /// "Indicates the encoding scheme of the payload data."
        pub data_coding: u8,
        /// TLVs: `message_payload` and the rest.
        pub tlvs: Tlvs,
    }
}
