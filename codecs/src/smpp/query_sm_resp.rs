//! `query_sm_resp` (SMPP 3.4 §4.8.2).

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `query_sm_resp` body.
    pub struct QuerySmResp {
        /// "SMSC Message ID of the message whose state is being queried."
        pub message_id: COctetString<65>,
        /// "Date and time when the queried message reached its final state." NULL if not
        /// final.
        pub final_date: COctetString<17>,
        /// "Specifies the status of the queried short message."
        pub message_state: u8,
        /// "Where appropriate this holds a network error code defining the reason for
        /// failure of message delivery."
        pub error_code: u8,
        /// TLVs (none in the spec; accepted anyway).
        pub tlvs: Tlvs,
    }
}
