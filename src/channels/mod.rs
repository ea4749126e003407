//! Channels own their sockets and nothing else: wire traffic in, [`crate::sessions::Ingress`]
//! out, and [`crate::sessions::Reply`] back to the wire.
//!
//! - [`http`]: USSD aggregators calling over HTTP (Africa's Talking, Hubtel, Nalo, Arkesel).
//! - [`sip`]: voice calls over SIP/RTP: prompts played as G.711, keys by RFC 4733 or SIP INFO.
//! - [`smpp`]: USSD over SMPP, both bind roles, with gateway dialects.

pub mod http;
pub mod sip;
pub mod smpp;
