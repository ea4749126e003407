//! The nom parsers for the spec's field types, the [`Field`] trait that ties decode, encode
//! and description together, and the `body!` macro that builds a PDU body from its fields
//! in spec order (so decode, encode and description cannot disagree).

use bytes::{BufMut, Bytes, BytesMut};
use nom::number::complete::{be_u32, be_u8};
use nom::{IResult, Parser};

use super::error::{ErrorKind, FieldError};
use super::tlv::Tlv;
use super::types::{COctetString, ShortMessage};

/// A nom error carrying our [`ErrorKind`]. nom's own failures on complete input are
/// "not enough bytes", hence [`ErrorKind::Truncated`].
#[derive(Debug)]
pub(crate) struct Fault(pub ErrorKind);

impl<I> nom::error::ParseError<I> for Fault {
    fn from_error_kind(_: I, _: nom::error::ErrorKind) -> Self {
        Fault(ErrorKind::Truncated)
    }
    fn append(_: I, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

pub(crate) type Res<'a, T> = IResult<&'a [u8], T, Fault>;

/// A C-Octet String of at most `max` octets with its NULL; scans at most `max` octets.
pub(crate) fn c_octet_string<'a>(max: usize) -> impl Fn(&'a [u8]) -> Res<'a, &'a [u8]> {
    move |input: &'a [u8]| {
        let window = input.get(..max).unwrap_or(input);
        match window.iter().position(|&b| b == 0) {
            Some(n) => Ok((&input[n + 1..], &input[..n])),
            None if input.len() >= max => Err(nom::Err::Failure(Fault(ErrorKind::TooLong { max }))),
            None => Err(nom::Err::Failure(Fault(ErrorKind::MissingNul))),
        }
    }
}

/// Reads one PDU body. Slices it hands out are views of `frame` (no copy).
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    frame: &'a Bytes,
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// `rest` must be a sub-slice of `frame`.
    pub(crate) fn new(frame: &'a Bytes, rest: &'a [u8]) -> Self {
        Self { frame, rest }
    }

    /// The octets not yet read.
    pub(crate) fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    /// Runs a nom parser on the rest of the body, attributing a failure to `field`.
    pub(crate) fn run<O>(
        &mut self,
        field: &'static str,
        mut parser: impl Parser<&'a [u8], Output = O, Error = Fault>,
    ) -> Result<O, FieldError> {
        match parser.parse(self.rest) {
            Ok((rest, out)) => {
                self.rest = rest;
                Ok(out)
            }
            Err(nom::Err::Error(Fault(kind)) | nom::Err::Failure(Fault(kind))) => {
                Err(FieldError { field, kind })
            }
            Err(nom::Err::Incomplete(_)) => Err(FieldError {
                field,
                kind: ErrorKind::Truncated,
            }),
        }
    }

    /// A zero-copy view of `part` (a sub-slice of the frame).
    pub(crate) fn share(&self, part: &[u8]) -> Bytes {
        if part.is_empty() {
            Bytes::new()
        } else {
            self.frame.slice_ref(part)
        }
    }
}

/// One field as the describer sees it, in wire order. Lets the CLI name every field and
/// lets tests rebuild the exact wire bytes field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// A 1-octet Integer.
    U8(u8),
    /// A 4-octet Integer.
    U32(u32),
    /// A C-Octet String, shown without its NULL (one NULL follows on the wire).
    COctet(&'a [u8]),
    /// An Octet String whose length was given by the previous field.
    Octets(&'a [u8]),
    /// One TLV (tag, length, value on the wire).
    Tlv(&'a Tlv),
}

/// A value that knows its spec encoding.
pub(crate) trait Field: Sized {
    fn decode(r: &mut Reader<'_>, name: &'static str) -> Result<Self, FieldError>;
    fn encoded_len(&self) -> usize;
    fn encode(&self, buf: &mut BytesMut);
    fn visit<'s>(&'s self, name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>));
}

impl Field for u8 {
    fn decode(r: &mut Reader<'_>, name: &'static str) -> Result<Self, FieldError> {
        r.run(name, be_u8)
    }
    fn encoded_len(&self) -> usize {
        1
    }
    fn encode(&self, buf: &mut BytesMut) {
        buf.put_u8(*self);
    }
    fn visit<'s>(&'s self, name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
        v(name, FieldValue::U8(*self));
    }
}

impl Field for u32 {
    fn decode(r: &mut Reader<'_>, name: &'static str) -> Result<Self, FieldError> {
        r.run(name, be_u32)
    }
    fn encoded_len(&self) -> usize {
        4
    }
    fn encode(&self, buf: &mut BytesMut) {
        buf.put_u32(*self);
    }
    fn visit<'s>(&'s self, name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
        v(name, FieldValue::U32(*self));
    }
}

impl<const MAX: usize> Field for COctetString<MAX> {
    fn decode(r: &mut Reader<'_>, name: &'static str) -> Result<Self, FieldError> {
        let raw = r.run(name, c_octet_string(MAX))?;
        Ok(COctetString::from_checked(r.share(raw)))
    }
    fn encoded_len(&self) -> usize {
        self.len() + 1
    }
    fn encode(&self, buf: &mut BytesMut) {
        buf.put_slice(self.as_bytes());
        buf.put_u8(0);
    }
    fn visit<'s>(&'s self, name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
        v(name, FieldValue::COctet(self.as_bytes()));
    }
}

/// `sm_length` then `short_message`: the length is derived on encode and bounded (254) on
/// decode.
impl Field for ShortMessage {
    fn decode(r: &mut Reader<'_>, _name: &'static str) -> Result<Self, FieldError> {
        let len = r.run("sm_length", be_u8)?;
        if len > 254 {
            return Err(FieldError {
                field: "sm_length",
                kind: ErrorKind::OutOfRange {
                    value: len.into(),
                    max: 254,
                },
            });
        }
        let raw = r.run("short_message", nom::bytes::complete::take(len))?;
        Ok(ShortMessage::from_checked(r.share(raw)))
    }
    fn encoded_len(&self) -> usize {
        1 + self.len()
    }
    fn encode(&self, buf: &mut BytesMut) {
        buf.put_u8(self.len() as u8);
        buf.put_slice(self.as_bytes());
    }
    fn visit<'s>(&'s self, name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
        v("sm_length", FieldValue::U8(self.len() as u8));
        v(name, FieldValue::Octets(self.as_bytes()));
    }
}

/// A PDU body: its fields in spec order.
pub(crate) trait Body: Sized {
    fn decode(r: &mut Reader<'_>) -> Result<Self, FieldError>;
    fn encoded_len(&self) -> usize;
    fn encode(&self, buf: &mut BytesMut);
    fn visit<'s>(&'s self, v: &mut dyn FnMut(&'static str, FieldValue<'s>));
}

/// Declares a body struct whose fields are named and ordered as in the spec, and derives
/// its decode, encode and description from that single list.
macro_rules! body {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $crate::smpp::wire::Body for $name {
            fn decode(
                r: &mut $crate::smpp::wire::Reader<'_>,
            ) -> Result<Self, $crate::smpp::error::FieldError> {
                Ok(Self {
                    $( $field: $crate::smpp::wire::Field::decode(r, stringify!($field))?, )*
                })
            }
            fn encoded_len(&self) -> usize {
                0 $( + $crate::smpp::wire::Field::encoded_len(&self.$field) )*
            }
            fn encode(&self, buf: &mut bytes::BytesMut) {
                $( $crate::smpp::wire::Field::encode(&self.$field, buf); )*
            }
            fn visit<'s>(
                &'s self,
                v: &mut dyn FnMut(&'static str, $crate::smpp::wire::FieldValue<'s>),
            ) {
                $( $crate::smpp::wire::Field::visit(&self.$field, stringify!($field), v); )*
            }
        }
    };
}
pub(crate) use body;
