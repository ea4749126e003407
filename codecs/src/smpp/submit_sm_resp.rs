//! `submit_sm_resp` (SMPP 3.4 §4.4.2). "The submit_sm_resp PDU Body is not returned if the
//! command_status field contains a non-zero value", hence `Option` in [`Pdu`](super::Pdu).

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `submit_sm_resp` body.
    pub struct SubmitSmResp {
        /// "This field contains the SMSC message ID of the submitted message."
        pub message_id: COctetString<65>,
        /// TLVs (none in 3.4; 5.0 adds several).
        pub tlvs: Tlvs,
    }
}
