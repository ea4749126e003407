//! Stream framing (SMPP 3.4 §3.2): every PDU starts with its 4-octet `command_length`,
//! header included. The length is checked against a cap before anything else is read, and
//! an incomplete frame costs one 4-octet peek per call: bytes are never rescanned.

use bytes::BytesMut;

use super::error::{DecodeError, ErrorKind, Resync};
use super::{CommandId, CommandStatus, Pdu, HEADER_LEN};

/// A cap that fits any 3.4 PDU with a full 64K `message_payload`.
pub const DEFAULT_MAX_COMMAND_LENGTH: usize = 70 * 1024;

/// Frame boundary checks on the front of a receive buffer.
#[derive(Debug, Clone, Copy)]
pub struct Frame;

impl Frame {
    /// The length of the complete frame at the front of `buf`, `Ok(None)` if more bytes are
    /// needed, or an error ([`Resync::Close`]) when `command_length` is below 16 or above
    /// `max_len`.
    pub fn check(buf: &[u8], max_len: usize) -> Result<Option<usize>, DecodeError> {
        let Some(&[a, b, c, d]) = buf.get(..4) else {
            return Ok(None);
        };
        let command_length = u32::from_be_bytes([a, b, c, d]);
        let len = command_length as usize;
        if len < HEADER_LEN || len > max_len {
            return Err(insane_length(buf, command_length, max_len));
        }
        Ok((buf.len() >= len).then_some(len))
    }
}

/// Takes the next whole PDU off the front of `buf` and decodes it. `Ok(None)`: not enough
/// bytes yet (nothing consumed). On a body error the frame has been consumed
/// ([`Resync::SkipFrame`]); on a length error nothing is consumed ([`Resync::Close`]).
pub fn decode_frame(buf: &mut BytesMut, max_len: usize) -> Result<Option<Pdu>, DecodeError> {
    let Some(len) = Frame::check(buf, max_len)? else {
        return Ok(None);
    };
    let frame = buf.split_to(len).freeze();
    Pdu::decode(&frame).map(Some)
}

fn insane_length(buf: &[u8], command_length: u32, max_len: usize) -> DecodeError {
    let word = |at: usize| {
        buf.get(at..at + 4)
            .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
    };
    DecodeError {
        command_id: word(4).map(CommandId),
        sequence_number: word(12),
        field: "command_length",
        kind: ErrorKind::CommandLength {
            command_length,
            min: HEADER_LEN as u32,
            max: u32::try_from(max_len).unwrap_or(u32::MAX),
        },
        command_status: CommandStatus::ESME_RINVCMDLEN,
        resync: Resync::Close,
    }
}
