//! Sans-IO wire formats for Hotline. No sockets, no clock, no tokio (except the optional
//! `tokio-util` feature, which adds `Decoder`/`Encoder` impls).
//!
//! - [`g711`]: G.711 mu-law (PCMU) and A-law (PCMA) sample coding.
//! - [`rtp`]: RTP headers (RFC 3550) and RFC 4733 telephone-event payloads.
//! - [`sdp`]: SDP offers (c=, m=, rtpmap, ptime, direction) and the answer a voice line gives.
//! - [`sip`]: SIP requests and responses, URIs, name-addr, Via, CSeq, INFO DTMF bodies.
//! - [`smpp`]: SMPP 3.4 PDUs (with 5.0 TLVs), framing and sequence numbers, written with
//!   nom; zero-copy decode.
//! - [`text`]: GSM 03.38 (unpacked and packed septets), UCS-2/UTF-16BE, Latin-1, the USSD
//!   data coding scheme, and octet counting for screens.

pub mod g711;
pub mod rtp;
pub mod sdp;
pub mod sip;
pub mod smpp;
pub mod text;
