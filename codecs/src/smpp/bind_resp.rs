//! `bind_transmitter_resp`, `bind_receiver_resp` and `bind_transceiver_resp` (SMPP 3.4
//! §4.1.2, §4.1.4, §4.1.6). "The body portion of the SMPP bind_transmitter_resp PDU is not
//! returned if the command_status field contains a non-zero value", hence `Option` in
//! [`Pdu`](super::Pdu).

use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::body;

body! {
    /// The body of every bind response.
    pub struct BindResp {
        /// "SMSC identifier. Identifies the SMSC to the ESME requesting to bind."
        pub system_id: COctetString<16>,
        /// TLVs: "sc_interface_version: SMPP version supported by SMSC".
        pub tlvs: Tlvs,
    }
}
