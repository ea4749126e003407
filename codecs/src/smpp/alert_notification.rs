//! `alert_notification` (SMPP 3.4 §4.12.1): "sent by the SMSC to the ESME, when the SMSC
//! has detected that a particular mobile subscriber has become available". No response.

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The `alert_notification` body.
    pub struct AlertNotification {
        /// "Type of Number for alert SME."
        pub source_addr_ton: u8,
        /// "Numbering Plan Indicator for alert SME."
        pub source_addr_npi: u8,
        /// "Address of alert SME."
        pub source_addr: COctetString<65>,
        /// "Type of Number for ESME address which requested the alert."
        pub esme_addr_ton: u8,
        /// "Numbering Plan Indicator for ESME address which requested the alert."
        pub esme_addr_npi: u8,
        /// "Address for ESME which requested the alert."
        pub esme_addr: COctetString<65>,
        /// TLVs: "ms_availability_status: the status of the mobile station".
        pub tlvs: Tlvs,
    }
}
