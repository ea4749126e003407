//! `deliver_sm` (SMPP 3.4 §4.6.1): "issued by the SMSC to send a message to an ESME". A
//! USSD gateway delivers each subscriber input with it, `ussd_service_op` in its TLVs
//! (which a strict 3.4 reading would refuse; this codec accepts any TLV on any PDU).

use super::tlv::Tlvs;
use super::types::{COctetString, ShortMessage};
use super::wire::body;

body! {
    /// The `deliver_sm` body: the `submit_sm` layout.
    pub struct DeliverSm {
        /// "The service_type parameter can be used to indicate the SMS Application service
        /// associated with the message." USSD gateways often send "USSD" or "P2".
        pub service_type: COctetString<6>,
        /// "Type of number for source address."
        pub source_addr_ton: u8,
        /// "Numbering Plan Indicator for source address."
        pub source_addr_npi: u8,
        /// "Address of SME which originated this message" (for USSD: the subscriber).
        pub source_addr: COctetString<21>,
        /// "Type of number for destination."
        pub dest_addr_ton: u8,
        /// "Numbering Plan Indicator for destination."
        pub dest_addr_npi: u8,
        /// "Destination address of destination SME" (for USSD: the service code).
        pub destination_addr: COctetString<21>,
        /// "Indicates Message Type and enhanced network services."
        pub esm_class: u8,
        /// "Protocol Identifier. Network Specific Field."
        pub protocol_id: u8,
        /// "Designates the priority level of the message."
        pub priority_flag: u8,
        /// "This field is unused for deliver_sm. It must be set to NULL."
        pub schedule_delivery_time: COctetString<17>,
        /// "This field is unused for deliver_sm. It must be set to NULL."
        pub validity_period: COctetString<17>,
        /// "Indicates if an ESME acknowledgement is required."
        pub registered_delivery: u8,
        /// "Not used in deliver_sm. It must be set to NULL."
        pub replace_if_present_flag: u8,
        /// "Indicates the encoding scheme of the short message."
        pub data_coding: u8,
        /// "Unused in deliver_sm. It must be set to NULL."
        pub sm_default_msg_id: u8,
        /// "Up to 254 octets of short message user data." `sm_length` is derived from it.
        pub short_message: ShortMessage,
        /// TLVs: `ussd_service_op`, `its_session_info`, `user_message_reference`,
        /// `receipted_message_id`, `message_state`, `network_error_code`…
        pub tlvs: Tlvs,
    }
}

/// The same message as the SMSC would deliver it: `deliver_sm` and `submit_sm` carry the
/// same fields (§4.4.1, §4.6.1), so a tool that builds one can send either.
impl From<super::SubmitSm> for DeliverSm {
    fn from(m: super::SubmitSm) -> Self {
        Self {
            service_type: m.service_type,
            source_addr_ton: m.source_addr_ton,
            source_addr_npi: m.source_addr_npi,
            source_addr: m.source_addr,
            dest_addr_ton: m.dest_addr_ton,
            dest_addr_npi: m.dest_addr_npi,
            destination_addr: m.destination_addr,
            esm_class: m.esm_class,
            protocol_id: m.protocol_id,
            priority_flag: m.priority_flag,
            schedule_delivery_time: m.schedule_delivery_time,
            validity_period: m.validity_period,
            registered_delivery: m.registered_delivery,
            replace_if_present_flag: m.replace_if_present_flag,
            data_coding: m.data_coding,
            sm_default_msg_id: m.sm_default_msg_id,
            short_message: m.short_message,
            tlvs: m.tlvs,
        }
    }
}
