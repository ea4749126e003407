//! `bind_transmitter`, `bind_receiver` and `bind_transceiver` (SMPP 3.4 §4.1.1, §4.1.3,
//! §4.1.5): "an ESME registers as an SMPP session"; the three share one body.

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

/// `interface_version` values (SMPP 3.4 §5.2.4, 5.0 §4.7.13).
pub mod interface_version {
    /// SMPP 3.3 or earlier.
    pub const V33: u8 = 0x33;
    /// SMPP 3.4.
    pub const V34: u8 = 0x34;
    /// SMPP 5.0.
    pub const V50: u8 = 0x50;
}

body! {
    /// The body of every bind request.
    pub struct Bind {
        /// "Identifies the ESME system requesting to bind as a transmitter with the SMSC."
        pub system_id: COctetString<16>,
        /// "The password may be used by the SMSC to authenticate the ESME requesting to bind."
        pub password: COctetString<9>,
        /// "Identifies the type of ESME system requesting to bind."
        pub system_type: COctetString<13>,
        /// "Indicates the version number of the SMPP protocol supported by the ESME."
        pub interface_version: u8,
        /// "Indicates Type of Number of the ESME address."
        pub addr_ton: u8,
        /// "Numbering Plan Indicator for ESME address."
        pub addr_npi: u8,
        /// "The ESME address. If not known set to NULL."
        pub address_range: COctetString<41>,
        /// TLVs (none in the spec; accepted anyway).
        pub tlvs: Tlvs,
    }
}
