//! Why a SIP message was refused.

/// A message that could not be parsed. The user agent answers 400 when the message still
/// yields the headers a response needs (see [`crate::sip::Headers::scan`]), and drops it
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SipError {
    /// The message is larger than the cap ([`crate::sip::MAX_MESSAGE`]).
    #[error("message of {len} octets exceeds the {max}-octet cap")]
    TooLarge {
        /// Octets received (or announced by `Content-Length`).
        len: usize,
        /// The cap.
        max: usize,
    },
    /// The header section is not UTF-8 text.
    #[error("header section is not UTF-8")]
    NotText,
    /// The header section has no terminating empty line.
    #[error("no empty line ends the header section")]
    Unterminated,
    /// The first line is neither `METHOD uri SIP/2.0` nor `SIP/2.0 code reason`.
    #[error("bad start line: {line:?}")]
    StartLine {
        /// The line as received (cut to 80 characters).
        line: String,
    },
    /// A header line has no `name:` in front.
    #[error("bad header line: {line:?}")]
    HeaderLine {
        /// The line as received (cut to 80 characters).
        line: String,
    },
    /// A header the message must carry is absent.
    #[error("missing {name} header")]
    Missing {
        /// The header's full name.
        name: &'static str,
    },
    /// A header is present but its value does not follow its grammar.
    #[error("bad {name} header: {value:?}")]
    BadHeader {
        /// The header's full name.
        name: &'static str,
        /// The value (cut to 80 characters).
        value: String,
    },
    /// `Content-Length` announces more body than the datagram holds.
    #[error("Content-Length {announced} but only {present} body octets")]
    ShortBody {
        /// The header's value.
        announced: usize,
        /// Octets after the header section.
        present: usize,
    },
    /// A URI does not follow the SIP URI grammar.
    #[error("bad URI: {0:?}")]
    Uri(String),
}

/// Cuts text for an error message so that a hostile datagram cannot flood the logs.
pub(crate) fn cut(s: &str) -> String {
    s.chars().take(80).collect()
}
