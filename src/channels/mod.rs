//! Channels own their sockets and nothing else: wire traffic in, [`crate::sessions::Ingress`]
//! out, and [`crate::sessions::Reply`] back to the wire.
//!
//! - [`http`]: USSD aggregators calling over HTTP (Africa's Talking, Hubtel, Nalo, Arkesel).
//! - [`smpp`]: USSD over SMPP, both bind roles, with gateway dialects.

pub mod http;
pub mod smpp;
