//! `deliver_sm_resp` (SMPP 3.4 §4.6.2). Answer every `deliver_sm` with it at once.

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `deliver_sm_resp` body.
    pub struct DeliverSmResp {
        /// "This field is unused and is set to NULL."
        pub message_id: COctetString<65>,
        /// TLVs (none in 3.4; accepted anyway).
        pub tlvs: Tlvs,
    }
}
