//! SIP (RFC 3261) messages over UDP or a stream: parsing and printing of requests and
//! responses, the URI and name-addr grammar, and the typed headers a user agent server needs.
//!
//! Parsing is syntactic and owned: a [`Message`] holds its start line, its headers in wire
//! order (compact forms expanded, folded lines joined) and its body cut to `Content-Length`.
//! Typed views ([`Via`], [`NameAddr`], [`CSeq`]) are parsed on demand from header values.
//!
//! - [`error`]: why a message was refused, and whether it can still be answered with a 400.
//! - [`headers`]: the header list, compact names, comma-separated lists.
//! - [`message`]: requests, responses, framing by `Content-Length` with a 64 KiB cap.
//! - [`uri`]: `sip:`/`sips:`/`tel:` URIs with escaped user parts.
//! - [`name_addr`]: `From`, `To` and `Contact` values (display name, URI, tag).
//! - [`via`]: `Via` values (transport, sent-by, branch, rport, received).
//! - [`cseq`]: `CSeq` and the request methods.
//! - [`digest`]: digest authentication credentials and MD5 (RFC 2617).
//! - [`dtmf`]: SIP INFO bodies that carry keypresses (`application/dtmf-relay`, `application/dtmf`).

pub mod cseq;
pub mod digest;
pub mod dtmf;
pub mod error;
pub mod headers;
pub mod message;
pub mod name_addr;
pub mod uri;
pub mod via;

pub use cseq::{CSeq, Method};
pub use error::SipError;
pub use headers::Headers;
pub use message::{frame_len, Message, Request, Response, MAX_MESSAGE};
pub use name_addr::NameAddr;
pub use uri::Uri;
pub use via::Via;

mod grammar;
