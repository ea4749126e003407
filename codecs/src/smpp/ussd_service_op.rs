//! `ussd_service_op` (TLV 0x0501, SMPP 3.4 §5.3.2.44): "indicates the USSD service
//! operation when SMPP is being used as an interface to a (GSM) USSD system".

use std::fmt;

/// A `ussd_service_op` value. Every octet is valid: 0–19 are named by the spec, 32–255 are
/// "reserved for vendor specific USSD operations" (for example 0x81 abort at several
/// gateways), the rest are reserved.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UssdServiceOp(pub u8);

impl UssdServiceOp {
    /// 0: PSSD indication.
    pub const PSSD_INDICATION: Self = Self(0);
    /// 1: PSSR indication (the gateway opens a dialog with the subscriber's dialled string).
    pub const PSSR_INDICATION: Self = Self(1);
    /// 2: USSR request (the application asks the subscriber and keeps the dialog open).
    pub const USSR_REQUEST: Self = Self(2);
    /// 3: USSN request (a notification).
    pub const USSN_REQUEST: Self = Self(3);
    /// 16: PSSD response.
    pub const PSSD_RESPONSE: Self = Self(16);
    /// 17: PSSR response (the application's last screen; the dialog ends).
    pub const PSSR_RESPONSE: Self = Self(17);
    /// 18: USSR confirm (the subscriber's reply).
    pub const USSR_CONFIRM: Self = Self(18);
    /// 19: USSN confirm.
    pub const USSN_CONFIRM: Self = Self(19);

    /// True for 32–255, "reserved for vendor specific USSD operations".
    pub fn is_vendor(self) -> bool {
        self.0 >= 32
    }

    /// The spec name ("PSSR indication"), `None` for vendor and reserved values.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "PSSD indication",
            1 => "PSSR indication",
            2 => "USSR request",
            3 => "USSN request",
            16 => "PSSD response",
            17 => "PSSR response",
            18 => "USSR confirm",
            19 => "USSN confirm",
            _ => return None,
        })
    }
}

impl fmt::Debug for UssdServiceOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for UssdServiceOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None if self.is_vendor() => write!(f, "{} (vendor 0x{:02x})", self.0, self.0),
            None => write!(f, "{} (reserved)", self.0),
        }
    }
}
