//! SMPP 3.4 (with the SMPP 5.0 interface version and TLVs), written with nom. Sans-IO:
//! bytes in, [`Pdu`] out, and back. Decoding is zero-copy (strings are [`bytes::Bytes`]
//! slices of the frame); encoding writes straight into a `BytesMut`, deriving every length.
//!
//! - [`header`]: the 16-octet header; [`command_id`], [`command_status`]: their values.
//! - [`pdu`]: the [`Pdu`] enum, decode and encode.
//! - [`frame`]: length-prefixed stream framing with a cap ([`decode_frame`]).
//! - [`error`]: [`DecodeError`]: command, field, the status to answer, and resync advice.
//! - [`types`]: C-Octet / Octet Strings carrying their spec bounds.
//! - [`tlv`]: TLVs, typed where Hotline uses them (accessors in `tlv_accessors`); [`ussd_service_op`]: its values.
//! - [`sequence_number`]: the sans-IO [`SequenceNumbers`] allocator.
//! - one file per PDU body, named as the spec names it: [`bind`], [`bind_resp`],
//!   [`outbind`], [`submit_sm`], [`submit_sm_resp`], [`submit_multi`], [`submit_multi_resp`],
//!   [`deliver_sm`], [`deliver_sm_resp`], [`data_sm`], [`data_sm_resp`], [`query_sm`],
//!   [`query_sm_resp`], [`cancel_sm`], [`replace_sm`], [`alert_notification`]. The
//!   header-only PDUs are documented on [`Pdu`].
//! - `codec` (feature `tokio-util`): `SmppCodec`, a `Decoder`/`Encoder`.
//! - `wire` (private): the nom field parsers and the `body!` macro.

pub mod alert_notification;
pub mod bind;
pub mod bind_resp;
pub mod cancel_sm;
#[cfg(feature = "tokio-util")]
pub mod codec;
pub mod command_id;
pub mod command_status;
pub mod data_sm;
pub mod data_sm_resp;
pub mod deliver_sm;
pub mod deliver_sm_resp;
pub mod error;
pub mod frame;
pub mod header;
pub mod outbind;
pub mod pdu;
pub mod query_sm;
pub mod query_sm_resp;
pub mod replace_sm;
pub mod sequence_number;
pub mod submit_multi;
pub mod submit_multi_resp;
pub mod submit_sm;
pub mod submit_sm_resp;
pub mod tlv;
mod tlv_accessors;
pub mod types;
pub mod ussd_service_op;
mod wire;

pub use alert_notification::AlertNotification;
pub use bind::{interface_version, Bind};
pub use bind_resp::BindResp;
pub use cancel_sm::CancelSm;
#[cfg(feature = "tokio-util")]
pub use codec::{CodecError, SmppCodec};
pub use command_id::CommandId;
pub use command_status::CommandStatus;
pub use data_sm::DataSm;
pub use data_sm_resp::DataSmResp;
pub use deliver_sm::DeliverSm;
pub use deliver_sm_resp::DeliverSmResp;
pub use error::{DecodeError, ErrorKind, Resync};
pub use frame::{decode_frame, Frame, DEFAULT_MAX_COMMAND_LENGTH};
pub use header::{Header, HEADER_LEN};
pub use outbind::Outbind;
pub use pdu::{Pdu, RawPdu};
pub use query_sm::QuerySm;
pub use query_sm_resp::QuerySmResp;
pub use replace_sm::ReplaceSm;
pub use sequence_number::SequenceNumbers;
pub use submit_multi::{DestAddress, DestAddresses, SubmitMulti};
pub use submit_multi_resp::{SubmitMultiResp, UnsuccessSme, UnsuccessSmes};
pub use submit_sm::SubmitSm;
pub use submit_sm_resp::SubmitSmResp;
pub use tlv::{tag, Tlv, Tlvs};
pub use types::{COctetString, OctetString, ShortMessage, TlvValue, ValueError};
pub use ussd_service_op::UssdServiceOp;
pub use wire::FieldValue;
