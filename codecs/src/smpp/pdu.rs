//! The [`Pdu`] enum: one variant per SMPP 3.4 command, each with its [`Header`] and body,
//! plus [`Pdu::Raw`] for any other `command_id`. Header-only PDUs (`unbind`,
//! `unbind_resp`, `generic_nack`, `enquire_link`, `enquire_link_resp`, `cancel_sm_resp`,
//! `replace_sm_resp`; SMPP 3.4 §4.2–4.3, §4.9.2, §4.10.2, §4.11) carry only the header.

use bytes::{BufMut, Bytes, BytesMut};
use nom::number::complete::be_u32;

use super::error::{DecodeError, ErrorKind, FieldError, Resync};
use super::wire::{Body, FieldValue, Reader};
use super::*;

/// A PDU whose `command_id` this codec does not know (for example an SMPP 5.0 broadcast
/// operation), kept whole so that the session can answer `generic_nack` with
/// `ESME_RINVCMDID` or pass it on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPdu {
    /// The `command_id` as received.
    pub command_id: CommandId,
    /// The body octets after the header.
    pub body: Bytes,
}

macro_rules! pdus {
    (
        bodies { $( $(#[$bm:meta])* $bv:ident = $bid:ident ($bt:ty), )* }
        optional { $( $(#[$om:meta])* $ov:ident = $oid:ident ($ot:ty), )* }
        header_only { $( $(#[$hm:meta])* $hv:ident = $hid:ident, )* }
    ) => {
        /// One SMPP PDU: header fields and typed body. `command_length` is derived and
        /// `command_id` follows from the variant.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Pdu {
            $( $(#[$bm])* $bv(Header, $bt), )*
            $( $(#[$om])* $ov(Header, Option<$ot>), )*
            $( $(#[$hm])* $hv(Header), )*
            /// Any other `command_id`.
            Raw(Header, RawPdu),
        }

        impl Pdu {
            /// The `command_id` this PDU encodes with.
            pub fn command_id(&self) -> CommandId {
                match self {
                    $( Pdu::$bv(..) => CommandId::$bid, )*
                    $( Pdu::$ov(..) => CommandId::$oid, )*
                    $( Pdu::$hv(..) => CommandId::$hid, )*
                    Pdu::Raw(_, raw) => raw.command_id,
                }
            }

            /// The header (status and sequence number).
            pub fn header(&self) -> &Header {
                match self {
                    $( Pdu::$bv(h, _) )|* $( | Pdu::$ov(h, _) )* $( | Pdu::$hv(h) )*
                    | Pdu::Raw(h, _) => h,
                }
            }

            /// The header, to set the status or sequence number.
            pub fn header_mut(&mut self) -> &mut Header {
                match self {
                    $( Pdu::$bv(h, _) )|* $( | Pdu::$ov(h, _) )* $( | Pdu::$hv(h) )*
                    | Pdu::Raw(h, _) => h,
                }
            }

            fn body_len(&self) -> usize {
                match self {
                    $( Pdu::$bv(_, b) => b.encoded_len(), )*
                    $( Pdu::$ov(_, b) => b.as_ref().map_or(0, Body::encoded_len), )*
                    $( Pdu::$hv(_) => 0, )*
                    Pdu::Raw(_, raw) => raw.body.len(),
                }
            }

            fn encode_body(&self, buf: &mut BytesMut) {
                match self {
                    $( Pdu::$bv(_, b) => b.encode(buf), )*
                    $( Pdu::$ov(_, b) => if let Some(b) = b { b.encode(buf) }, )*
                    $( Pdu::$hv(_) => {}, )*
                    Pdu::Raw(_, raw) => buf.put_slice(&raw.body),
                }
            }

            /// Calls `v` with every body field in wire order, named as in the spec (TLVs as
            /// `"tlv"`). The header is not visited.
            pub fn visit_fields<'s>(&'s self, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
                match self {
                    $( Pdu::$bv(_, b) => b.visit(v), )*
                    $( Pdu::$ov(_, b) => if let Some(b) = b { b.visit(v) }, )*
                    $( Pdu::$hv(_) => {}, )*
                    Pdu::Raw(_, raw) => v("body", FieldValue::Octets(&raw.body)),
                }
            }

            fn decode_body(
                id: CommandId,
                header: Header,
                r: &mut Reader<'_>,
            ) -> Result<Pdu, FieldError> {
                Ok(match id {
                    $( CommandId::$bid => Pdu::$bv(header, <$bt as Body>::decode(r)?), )*
                    $(
                        CommandId::$oid if r.remaining().is_empty() => Pdu::$ov(header, None),
                        CommandId::$oid => Pdu::$ov(header, Some(<$ot as Body>::decode(r)?)),
                    )*
                    $( CommandId::$hid => Pdu::$hv(header), )*
                    command_id => {
                        let body = r.share(r.remaining());
                        Pdu::Raw(header, RawPdu { command_id, body })
                    }
                })
            }

            fn is_header_only(id: CommandId) -> bool {
                matches!(id, $( CommandId::$hid )|*)
            }
        }
    };
}

pdus! {
    bodies {
        /// `bind_transmitter` (§4.1.1).
        BindTransmitter = BIND_TRANSMITTER(Bind),
        /// `bind_receiver` (§4.1.3).
        BindReceiver = BIND_RECEIVER(Bind),
        /// `bind_transceiver` (§4.1.5).
        BindTransceiver = BIND_TRANSCEIVER(Bind),
        /// `outbind` (§4.1.7).
        Outbind = OUTBIND(Outbind),
        /// `submit_sm` (§4.4.1).
        SubmitSm = SUBMIT_SM(SubmitSm),
        /// `submit_multi` (§4.5.1).
        SubmitMulti = SUBMIT_MULTI(SubmitMulti),
        /// `deliver_sm` (§4.6.1).
        DeliverSm = DELIVER_SM(DeliverSm),
        /// `data_sm` (§4.7.1).
        DataSm = DATA_SM(DataSm),
        /// `query_sm` (§4.8.1).
        QuerySm = QUERY_SM(QuerySm),
        /// `cancel_sm` (§4.9.1).
        CancelSm = CANCEL_SM(CancelSm),
        /// `replace_sm` (§4.10.1).
        ReplaceSm = REPLACE_SM(ReplaceSm),
        /// `alert_notification` (§4.12.1).
        AlertNotification = ALERT_NOTIFICATION(AlertNotification),
    }
    optional {
        /// `bind_transmitter_resp` (§4.1.2); `None`: no body (error responses).
        BindTransmitterResp = BIND_TRANSMITTER_RESP(BindResp),
        /// `bind_receiver_resp` (§4.1.4); `None`: no body (error responses).
        BindReceiverResp = BIND_RECEIVER_RESP(BindResp),
        /// `bind_transceiver_resp` (§4.1.6); `None`: no body (error responses).
        BindTransceiverResp = BIND_TRANSCEIVER_RESP(BindResp),
        /// `submit_sm_resp` (§4.4.2); `None`: no body (error responses).
        SubmitSmResp = SUBMIT_SM_RESP(SubmitSmResp),
        /// `submit_multi_resp` (§4.5.2); `None`: no body.
        SubmitMultiResp = SUBMIT_MULTI_RESP(SubmitMultiResp),
        /// `deliver_sm_resp` (§4.6.2); `None`: no body.
        DeliverSmResp = DELIVER_SM_RESP(DeliverSmResp),
        /// `data_sm_resp` (§4.7.2); `None`: no body.
        DataSmResp = DATA_SM_RESP(DataSmResp),
        /// `query_sm_resp` (§4.8.2); `None`: no body (error responses).
        QuerySmResp = QUERY_SM_RESP(QuerySmResp),
    }
    header_only {
        /// `unbind` (§4.2.1).
        Unbind = UNBIND,
        /// `unbind_resp` (§4.2.2).
        UnbindResp = UNBIND_RESP,
        /// `generic_nack` (§4.3.1): "a generic negative acknowledgement to an SMPP PDU
        /// submitted with an invalid message header".
        GenericNack = GENERIC_NACK,
        /// `cancel_sm_resp` (§4.9.2).
        CancelSmResp = CANCEL_SM_RESP,
        /// `replace_sm_resp` (§4.10.2).
        ReplaceSmResp = REPLACE_SM_RESP,
        /// `enquire_link` (§4.11.1).
        EnquireLink = ENQUIRE_LINK,
        /// `enquire_link_resp` (§4.11.2).
        EnquireLinkResp = ENQUIRE_LINK_RESP,
    }
}

impl Pdu {
    /// Octets on the wire, header included (the `command_length` it encodes with).
    pub fn encoded_len(&self) -> usize {
        HEADER_LEN + self.body_len()
    }

    /// Appends the PDU to `buf`: one `reserve`, then the fields written in place.
    pub fn encode(&self, buf: &mut BytesMut) {
        let len = self.encoded_len();
        buf.reserve(len);
        let header = self.header();
        buf.put_u32(len as u32);
        buf.put_u32(self.command_id().0);
        buf.put_u32(header.command_status.0);
        buf.put_u32(header.sequence_number);
        self.encode_body(buf);
    }

    /// The encoded PDU in a fresh buffer.
    pub fn to_bytes(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(self.encoded_len());
        self.encode(&mut buf);
        buf.freeze()
    }

    /// Decodes one whole PDU (header included). Octet strings in the result are slices of
    /// `frame`. `command_length` must equal `frame.len()`; use
    /// [`decode_frame`](super::decode_frame) to cut frames out of a stream.
    pub fn decode(frame: &Bytes) -> Result<Pdu, DecodeError> {
        let (command_length, id, header) = read_header(frame)?;
        if command_length as usize != frame.len() {
            return Err(DecodeError {
                command_id: Some(id),
                sequence_number: Some(header.sequence_number),
                field: "command_length",
                kind: ErrorKind::CommandLength {
                    command_length,
                    min: frame.len() as u32,
                    max: frame.len() as u32,
                },
                command_status: CommandStatus::ESME_RINVCMDLEN,
                resync: Resync::SkipFrame,
            });
        }
        let body = frame.get(HEADER_LEN..).unwrap_or_default();
        let in_pdu = |e: FieldError| e.in_pdu(id, header.sequence_number);
        if Self::is_header_only(id) && !body.is_empty() {
            let kind = ErrorKind::UnexpectedBody { len: body.len() };
            return Err(in_pdu(FieldError {
                field: "body",
                kind,
            }));
        }
        let mut reader = Reader::new(frame, body);
        Self::decode_body(id, header, &mut reader).map_err(in_pdu)
    }
}

/// The four header fields, or a close-the-connection error when even those are missing.
fn read_header(frame: &[u8]) -> Result<(u32, CommandId, Header), DecodeError> {
    let fields = (be_u32, be_u32, be_u32, be_u32);
    let parsed: nom::IResult<&[u8], _, nom::error::Error<&[u8]>> =
        nom::Parser::parse(&mut { fields }, frame);
    match parsed {
        Ok((_, (command_length, id, status, sequence_number))) => Ok((
            command_length,
            CommandId(id),
            Header::with_status(sequence_number, CommandStatus(status)),
        )),
        Err(_) => Err(DecodeError {
            command_id: None,
            sequence_number: None,
            field: "command_length",
            kind: ErrorKind::CommandLength {
                command_length: frame.len() as u32,
                min: HEADER_LEN as u32,
                max: u32::MAX,
            },
            command_status: CommandStatus::ESME_RINVCMDLEN,
            resync: Resync::Close,
        }),
    }
}
