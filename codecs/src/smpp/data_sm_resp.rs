//! `data_sm_resp` (SMPP 3.4 §4.7.2).

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `data_sm_resp` body.
    pub struct DataSmResp {
        /// "This field contains the SMSC assigned message ID of the short message."
        pub message_id: COctetString<65>,
        /// TLVs: `delivery_failure_reason`, `network_error_code`,
        /// `additional_status_info_text`, `dpf_result`.
        pub tlvs: Tlvs,
    }
}
