//! The spec's primitive string types, carrying their bounds in the type.
//!
//! SMPP 3.4 §3.1: a *C-Octet String* is "a series of ASCII characters terminated with the NULL
//! character"; the sizes in the PDU tables count that NULL. An *Octet String* is "a series of
//! octets, not necessarily NULL terminated", whose length is given by another field.
//! Both wrap [`Bytes`], so a decoded value is a slice of the received frame (zero-copy).

use std::fmt;

use bytes::Bytes;

/// A value that does not fit its type's spec bounds; returned when building one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The value is longer than the field allows (`max` counts a C-string's NULL).
    #[error("{len} octets do not fit a field of at most {max}")]
    TooLong {
        /// Octets in the offered value (with the NULL for C-strings).
        len: usize,
        /// The field's spec maximum.
        max: usize,
    },
    /// A C-Octet String may not contain NULL before its end.
    #[error("a C-Octet String may not contain a NULL octet (at {at})")]
    InteriorNul {
        /// Offset of the first NULL.
        at: usize,
    },
}

/// A C-Octet String of at most `MAX` octets *including* the terminating NULL, held without
/// the NULL. `COctetString<1>` can only be empty ("NULL" in the spec tables).
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct COctetString<const MAX: usize>(Bytes);

impl<const MAX: usize> COctetString<MAX> {
    /// The empty string, encoded as a single NULL octet.
    pub const fn empty() -> Self {
        Self(Bytes::new())
    }

    /// Checks the bounds and the absence of NULL octets.
    pub fn new(value: impl Into<Bytes>) -> Result<Self, ValueError> {
        let value = value.into();
        if let Some(at) = value.iter().position(|&b| b == 0) {
            return Err(ValueError::InteriorNul { at });
        }
        if value.len() + 1 > MAX {
            return Err(ValueError::TooLong {
                len: value.len() + 1,
                max: MAX,
            });
        }
        Ok(Self(value))
    }

    /// Builds from a literal.
    ///
    /// # Panics
    /// If the literal breaks the bounds: a programming error, never wire or user input.
    pub fn from_static(value: &'static str) -> Self {
        Self::new(Bytes::from_static(value.as_bytes()))
            .expect("a static C-Octet String literal fits its field")
    }

    /// Wraps a slice already checked by the decoder (no NULL, within `MAX`).
    pub(crate) fn from_checked(value: Bytes) -> Self {
        Self(value)
    }

    /// The octets, without the NULL.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The octets as a shared slice (cheap clone).
    pub fn to_bytes(&self) -> Bytes {
        self.0.clone()
    }

    /// The value as text, if it is UTF-8 (the spec says ASCII).
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// Octets without the NULL.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the spec's "NULL" value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<const MAX: usize> fmt::Debug for COctetString<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

impl<const MAX: usize> TryFrom<&str> for COctetString<MAX> {
    type Error = ValueError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(Bytes::copy_from_slice(value.as_bytes()))
    }
}

/// An Octet String of at most `MAX` octets, whose length travels in a separate field
/// (`sm_length` for `short_message`, the TLV length for a TLV value).
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct OctetString<const MAX: usize>(Bytes);

impl<const MAX: usize> OctetString<MAX> {
    /// The empty value.
    pub const fn empty() -> Self {
        Self(Bytes::new())
    }

    /// Checks the bound.
    pub fn new(value: impl Into<Bytes>) -> Result<Self, ValueError> {
        let value = value.into();
        if value.len() > MAX {
            return Err(ValueError::TooLong {
                len: value.len(),
                max: MAX,
            });
        }
        Ok(Self(value))
    }

    /// Builds from a literal.
    ///
    /// # Panics
    /// If the literal is longer than `MAX`: a programming error, never wire or user input.
    pub fn from_static(value: &'static [u8]) -> Self {
        Self::new(Bytes::from_static(value)).expect("a static Octet String literal fits its field")
    }

    /// Wraps a slice already checked by the decoder.
    pub(crate) fn from_checked(value: Bytes) -> Self {
        Self(value)
    }

    /// The octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The octets as a shared slice (cheap clone).
    pub fn to_bytes(&self) -> Bytes {
        self.0.clone()
    }

    /// Number of octets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no octets.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<const MAX: usize> fmt::Debug for OctetString<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x")?;
        for b in self.0.iter() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// `short_message`: "up to 254 octets of short message user data" (SMPP 3.4 §5.2.22),
/// preceded on the wire by `sm_length`, which the encoder derives.
pub type ShortMessage = OctetString<254>;

/// A TLV value or `message_payload`: the TLV length field is two octets.
pub type TlvValue = OctetString<65535>;
