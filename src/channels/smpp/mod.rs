//! USSD over SMPP: the bind roles and the gateway dialects.
//!
//! - [`dialect`]: how each gateway dialect correlates and ends a dialog, as data.

pub mod dialect;
