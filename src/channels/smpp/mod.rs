//! USSD over SMPP: the bind roles and the gateway dialects.
//!
//! - [`config`]: server, client and SMS settings.
//! - [`dialect`]: how each gateway dialect correlates and ends a dialog, as data.

pub mod config;
pub mod dialect;
