//! Decode errors: every one names the command, the field, and the `command_status` that a
//! session should answer with, and says whether the byte stream is still in step.

use super::{CommandId, CommandStatus, Header, Pdu};

/// What a session can do after a decode error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resync {
    /// `command_length` was sane: the bad frame has been consumed and the next frame starts
    /// at the next byte. Answer (usually `generic_nack`) and carry on.
    SkipFrame,
    /// `command_length` is outside the accepted range: frame boundaries are lost and the
    /// connection must be closed (after a best-effort `generic_nack`).
    Close,
}

/// What was wrong with the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// `command_length` is below the 16-octet header or above the configured cap.
    #[error("command_length {command_length} is outside {min}..={max}")]
    CommandLength {
        /// The value read from the wire.
        command_length: u32,
        /// The header size (16).
        min: u32,
        /// The configured cap.
        max: u32,
    },
    /// The body ended inside a fixed-size field (or a length-prefixed value ran past it).
    #[error("the PDU body ends inside the field")]
    Truncated,
    /// A C-Octet String reached the end of the body without its NULL terminator.
    #[error("C-Octet String without NULL terminator")]
    MissingNul,
    /// A C-Octet String has no NULL within the field's spec maximum.
    #[error("C-Octet String longer than its maximum of {max} octets (with NULL)")]
    TooLong {
        /// The spec maximum, counting the NULL.
        max: usize,
    },
    /// A length or count field exceeds its spec bound.
    #[error("{value} exceeds the spec maximum of {max}")]
    OutOfRange {
        /// The value read.
        value: u32,
        /// The spec bound.
        max: u32,
    },
    /// A field holds a value the spec does not define (for example `dest_flag` 3).
    #[error("invalid value {value}")]
    InvalidValue {
        /// The value read.
        value: u32,
    },
    /// A TLV header or value runs past the end of the PDU.
    #[error("TLV 0x{tag:04x} needs {needed} octets, {available} left")]
    TlvOverrun {
        /// The TLV tag, or 0 when even the tag could not be read.
        tag: u16,
        /// Octets the TLV claims (header plus value).
        needed: usize,
        /// Octets left in the PDU.
        available: usize,
    },
    /// A header-only PDU (enquire_link, unbind, generic_nack…) carries a body.
    #[error("{len} octets of body where the PDU has none")]
    UnexpectedBody {
        /// Octets after the header.
        len: usize,
    },
}

/// A PDU that could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {field}: {kind} (answer {command_status})", DisplayCommand(*.command_id))]
pub struct DecodeError {
    /// The PDU's `command_id`, when the header could be read.
    pub command_id: Option<CommandId>,
    /// The PDU's `sequence_number`, when the header could be read: nack with it.
    pub sequence_number: Option<u32>,
    /// The spec name of the offending field (`"source_addr"`, `"command_length"`, `"tlv"`).
    pub field: &'static str,
    /// What was wrong.
    pub kind: ErrorKind,
    /// The `command_status` a session should answer with.
    pub command_status: CommandStatus,
    /// Whether the stream is still in step.
    pub resync: Resync,
}

struct DisplayCommand(Option<CommandId>);

impl std::fmt::Display for DisplayCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(id) => write!(f, "{id}"),
            None => f.write_str("PDU"),
        }
    }
}

impl DecodeError {
    /// The `generic_nack` a session should send for this error (sequence number 0 when it
    /// could not be read, as the spec's examples do).
    pub fn generic_nack(&self) -> Pdu {
        Pdu::GenericNack(Header {
            command_status: self.command_status,
            sequence_number: self.sequence_number.unwrap_or(0),
        })
    }

    /// True when the stream is still in step (see [`Resync`]).
    pub fn can_resync(&self) -> bool {
        self.resync == Resync::SkipFrame
    }
}

/// A body-level error before the header context is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub field: &'static str,
    pub kind: ErrorKind,
}

impl FieldError {
    /// Attaches the header context; the frame was consumed so the stream can resync.
    pub(crate) fn in_pdu(self, command_id: CommandId, sequence_number: u32) -> DecodeError {
        DecodeError {
            command_status: status_for(self.field, &self.kind),
            command_id: Some(command_id),
            sequence_number: Some(sequence_number),
            field: self.field,
            kind: self.kind,
            resync: Resync::SkipFrame,
        }
    }
}

/// The `command_status` that answers a bad field: the field's own status when the spec has
/// one (a bad `source_addr` is `ESME_RINVSRCADR`), else a structural one.
fn status_for(field: &str, kind: &ErrorKind) -> CommandStatus {
    if let ErrorKind::Truncated = kind {
        return match field {
            "short_message" | "sm_length" => CommandStatus::ESME_RINVMSGLEN,
            _ => CommandStatus::ESME_RINVCMDLEN,
        };
    }
    match field {
        "system_id" => CommandStatus::ESME_RINVSYSID,
        "password" => CommandStatus::ESME_RINVPASWD,
        "system_type" => CommandStatus::ESME_RINVSYSTYP,
        "service_type" => CommandStatus::ESME_RINVSERTYP,
        "source_addr" | "esme_addr" => CommandStatus::ESME_RINVSRCADR,
        "destination_addr" => CommandStatus::ESME_RINVDSTADR,
        "dl_name" => CommandStatus::ESME_RINVDLNAME,
        "message_id" => CommandStatus::ESME_RINVMSGID,
        "schedule_delivery_time" => CommandStatus::ESME_RINVSCHED,
        "validity_period" => CommandStatus::ESME_RINVEXPIRY,
        "sm_length" | "short_message" => CommandStatus::ESME_RINVMSGLEN,
        "number_of_dests" => CommandStatus::ESME_RINVNUMDESTS,
        "dest_flag" => CommandStatus::ESME_RINVDESTFLAG,
        "tlv" => CommandStatus::ESME_RINVOPTPARSTREAM,
        "command_length" | "body" => CommandStatus::ESME_RINVCMDLEN,
        _ => CommandStatus::ESME_RSYSERR,
    }
}
