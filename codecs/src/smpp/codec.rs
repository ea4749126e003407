//! `tokio_util::codec` glue (feature `tokio-util`): [`SmppCodec`] frames a byte stream
//! into [`Pdu`]s and back.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder};

use super::{decode_frame, DecodeError, Pdu, DEFAULT_MAX_COMMAND_LENGTH};

/// A fatal codec failure: the connection should be closed.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// Reading or writing the socket failed.
    #[error("SMPP transport: {0}")]
    Io(#[from] std::io::Error),
    /// Frame boundaries are lost ([`Resync::Close`](super::Resync::Close)); the error says
    /// what to nack before closing.
    #[error("SMPP framing: {0}")]
    Framing(DecodeError),
}

/// SMPP framing for `Framed`. Items are `Result<Pdu, DecodeError>`: a malformed PDU whose
/// length was sane comes out as `Ok(Err(..))` so the stream lives on and the session can
/// nack it; only lost framing ends the stream.
#[derive(Debug, Clone)]
pub struct SmppCodec {
    max_len: usize,
}

impl SmppCodec {
    /// A codec with the default cap.
    pub fn new() -> Self {
        Self::with_max_len(DEFAULT_MAX_COMMAND_LENGTH)
    }

    /// A codec accepting PDUs of at most `max_len` octets.
    pub fn with_max_len(max_len: usize) -> Self {
        Self { max_len }
    }
}

impl Default for SmppCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder for SmppCodec {
    type Item = Result<Pdu, DecodeError>;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        match decode_frame(src, self.max_len) {
            Ok(Some(pdu)) => Ok(Some(Ok(pdu))),
            Ok(None) => Ok(None),
            Err(e) if e.can_resync() => Ok(Some(Err(e))),
            Err(e) => Err(CodecError::Framing(e)),
        }
    }
}

impl Encoder<&Pdu> for SmppCodec {
    type Error = CodecError;
    fn encode(&mut self, pdu: &Pdu, dst: &mut BytesMut) -> Result<(), Self::Error> {
        pdu.encode(dst);
        Ok(())
    }
}

impl Encoder<Pdu> for SmppCodec {
    type Error = CodecError;
    fn encode(&mut self, pdu: Pdu, dst: &mut BytesMut) -> Result<(), Self::Error> {
        pdu.encode(dst);
        Ok(())
    }
}
