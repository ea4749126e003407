//! Sans-IO wire formats for Hotline. No sockets, no clock, no tokio (except the optional
//! `tokio-util` feature, which adds `Decoder`/`Encoder` impls).
//!
//! - [`smpp`]: SMPP 3.4 PDUs (with 5.0 TLVs), framing and sequence numbers, written with
//!   nom; zero-copy decode.
//! - [`text`]: GSM 03.38 (unpacked and packed septets), UCS-2/UTF-16BE, Latin-1, the USSD
//!   data coding scheme, and octet counting for screens.

pub mod smpp;
pub mod text;
