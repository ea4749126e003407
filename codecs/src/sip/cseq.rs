//! `CSeq` (RFC 3261 section 20.16) and request methods.

use std::fmt;

use super::error::{cut, SipError};
use super::grammar::is_token;

/// A request method. Unknown methods are kept so that they can be answered with 405.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// Starts a call.
    Invite,
    /// Confirms the final response to an INVITE.
    Ack,
    /// Ends a call.
    Bye,
    /// Abandons a pending INVITE.
    Cancel,
    /// Asks for capabilities; trunks use it as a keepalive.
    Options,
    /// Mid-call information (DTMF relay).
    Info,
    /// Registration (not served).
    Register,
    /// Any other method token.
    Other(String),
}

impl Method {
    /// Reads a method token (methods are case-sensitive).
    pub fn parse(s: &str) -> Option<Self> {
        if s.is_empty() || !s.chars().all(is_token) {
            return None;
        }
        Some(match s {
            "INVITE" => Self::Invite,
            "ACK" => Self::Ack,
            "BYE" => Self::Bye,
            "CANCEL" => Self::Cancel,
            "OPTIONS" => Self::Options,
            "INFO" => Self::Info,
            "REGISTER" => Self::Register,
            other => Self::Other(other.to_string()),
        })
    }

    /// The method as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Invite => "INVITE",
            Self::Ack => "ACK",
            Self::Bye => "BYE",
            Self::Cancel => "CANCEL",
            Self::Options => "OPTIONS",
            Self::Info => "INFO",
            Self::Register => "REGISTER",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `CSeq: 1*DIGIT LWS Method`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number (below 2**31).
    pub seq: u32,
    /// The method it counts.
    pub method: Method,
}

impl CSeq {
    /// Parses a header value.
    pub fn parse(value: &str) -> Result<Self, SipError> {
        let bad = || SipError::BadHeader {
            name: "CSeq",
            value: cut(value),
        };
        let mut parts = value.split_whitespace();
        let seq: u32 = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let method = parts.next().and_then(Method::parse).ok_or_else(bad)?;
        if parts.next().is_some() || seq >= 1 << 31 {
            return Err(bad());
        }
        Ok(Self { seq, method })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cseq_reads_and_prints() {
        let c = CSeq::parse("  42   INVITE ").expect("valid");
        assert_eq!((c.seq, &c.method), (42, &Method::Invite));
        assert_eq!(c.to_string(), "42 INVITE");
        for bad in [
            "INVITE",
            "1",
            "1 INVITE x",
            "4294967296 BYE",
            "-1 BYE",
            "2147483648 BYE",
        ] {
            assert!(CSeq::parse(bad).is_err(), "{bad}");
        }
    }
}
