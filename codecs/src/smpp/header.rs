//! The 16-octet PDU header (SMPP 3.4 §3.2): `command_length`, `command_id`,
//! `command_status`, `sequence_number`. `command_length` is derived when encoding and
//! `command_id` comes from the [`Pdu`](super::Pdu) variant, so neither is stored here.

use super::CommandStatus;

/// Octets in the header; also the smallest valid `command_length`.
pub const HEADER_LEN: usize = 16;

/// The header fields a PDU carries besides its length and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Header {
    /// "indicates the success or failure of an SMPP request"; `ESME_ROK` in requests.
    pub command_status: CommandStatus,
    /// "a means of uniquely identifying each PDU within an SMPP session"; a response
    /// echoes its request's.
    pub sequence_number: u32,
}

impl Header {
    /// A request header (`ESME_ROK`) or an OK response.
    pub const fn new(sequence_number: u32) -> Self {
        Self {
            command_status: CommandStatus::ESME_ROK,
            sequence_number,
        }
    }

    /// A response header with the given status.
    pub const fn with_status(sequence_number: u32, command_status: CommandStatus) -> Self {
        Self {
            command_status,
            sequence_number,
        }
    }
}
