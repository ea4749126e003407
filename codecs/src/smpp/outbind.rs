//! `outbind` (SMPP 3.4 §4.1.7): "used by the SMSC to signal an ESME to originate a
//! bind_receiver request to the SMSC".

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `outbind` body.
    pub struct Outbind {
        /// "SMSC identifier."
        pub system_id: COctetString<16>,
        /// "The password may be used by the ESME for security reasons to authenticate the
        /// SMSC originating the outbind."
        pub password: COctetString<9>,
        /// TLVs (none in the spec; accepted anyway).
        pub tlvs: Tlvs,
    }
}
