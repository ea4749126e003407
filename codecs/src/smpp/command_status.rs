//! `command_status` (SMPP 3.4 §5.1.3, SMPP 5.0 §4.7.6): "indicates the success or failure
//! of an SMPP request". Zero in every request.

use std::fmt;

/// A `command_status`. Named values cover SMPP 3.4 and 5.0; any other value (vendor codes
/// 0x400–0x4FF, reserved ones) is kept as is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct CommandStatus(pub u32);

macro_rules! statuses {
    ($($name:ident = $value:literal, $desc:literal;)*) => {
        impl CommandStatus {
            $(
                #[doc = $desc]
                pub const $name: CommandStatus = CommandStatus($value);
            )*

            /// The spec name (`"ESME_RINVCMDID"`), or `None` for an unnamed value.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some(stringify!($name)),)*
                    _ => None,
                }
            }

            /// The spec's description of the value.
            pub fn description(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some($desc),)*
                    _ => None,
                }
            }
        }
    };
}

statuses! {
    ESME_ROK = 0x000, "No Error";
    ESME_RINVMSGLEN = 0x001, "Message Length is invalid";
    ESME_RINVCMDLEN = 0x002, "Command Length is invalid";
    ESME_RINVCMDID = 0x003, "Invalid Command ID";
    ESME_RINVBNDSTS = 0x004, "Incorrect BIND Status for given command";
    ESME_RALYBND = 0x005, "ESME Already in Bound State";
    ESME_RINVPRTFLG = 0x006, "Invalid Priority Flag";
    ESME_RINVREGDLVFLG = 0x007, "Invalid Registered Delivery Flag";
    ESME_RSYSERR = 0x008, "System Error";
    ESME_RINVSRCADR = 0x00A, "Invalid Source Address";
    ESME_RINVDSTADR = 0x00B, "Invalid Dest Addr";
    ESME_RINVMSGID = 0x00C, "Message ID is invalid";
    ESME_RBINDFAIL = 0x00D, "Bind Failed";
    ESME_RINVPASWD = 0x00E, "Invalid Password";
    ESME_RINVSYSID = 0x00F, "Invalid System ID";
    ESME_RCANCELFAIL = 0x011, "Cancel SM Failed";
    ESME_RREPLACEFAIL = 0x013, "Replace SM Failed";
    ESME_RMSGQFUL = 0x014, "Message Queue Full";
    ESME_RINVSERTYP = 0x015, "Invalid Service Type";
    ESME_RINVNUMDESTS = 0x033, "Invalid number of destinations";
    ESME_RINVDLNAME = 0x034, "Invalid Distribution List name";
    ESME_RINVDESTFLAG = 0x040, "Destination flag is invalid (submit_multi)";
    ESME_RINVSUBREP = 0x042, "Invalid 'submit with replace' request";
    ESME_RINVESMCLASS = 0x043, "Invalid esm_class field data";
    ESME_RCNTSUBDL = 0x044, "Cannot Submit to Distribution List";
    ESME_RSUBMITFAIL = 0x045, "submit_sm or submit_multi failed";
    ESME_RINVSRCTON = 0x048, "Invalid Source address TON";
    ESME_RINVSRCNPI = 0x049, "Invalid Source address NPI";
    ESME_RINVDSTTON = 0x050, "Invalid Destination address TON";
    ESME_RINVDSTNPI = 0x051, "Invalid Destination address NPI";
    ESME_RINVSYSTYP = 0x053, "Invalid system_type field";
    ESME_RINVREPFLAG = 0x054, "Invalid replace_if_present flag";
    ESME_RINVNUMMSGS = 0x055, "Invalid number of messages";
    ESME_RTHROTTLED = 0x058, "Throttling error (ESME has exceeded allowed message limits)";
    ESME_RINVSCHED = 0x061, "Invalid Scheduled Delivery Time";
    ESME_RINVEXPIRY = 0x062, "Invalid message validity period (Expiry time)";
    ESME_RINVDFTMSGID = 0x063, "Predefined Message Invalid or Not Found";
    ESME_RX_T_APPN = 0x064, "ESME Receiver Temporary App Error Code";
    ESME_RX_P_APPN = 0x065, "ESME Receiver Permanent App Error Code";
    ESME_RX_R_APPN = 0x066, "ESME Receiver Reject Message Error Code";
    ESME_RQUERYFAIL = 0x067, "query_sm request failed";
    ESME_RINVOPTPARSTREAM = 0x0C0, "Error in the optional part of the PDU Body";
    ESME_ROPTPARNOTALLWD = 0x0C1, "Optional Parameter not allowed";
    ESME_RINVPARLEN = 0x0C2, "Invalid Parameter Length";
    ESME_RMISSINGOPTPARAM = 0x0C3, "Expected Optional Parameter missing";
    ESME_RINVOPTPARAMVAL = 0x0C4, "Invalid Optional Parameter Value";
    ESME_RDELIVERYFAILURE = 0x0FE, "Delivery Failure (used for data_sm_resp)";
    ESME_RUNKNOWNERR = 0x0FF, "Unknown Error";
    ESME_RSERTYPUNAUTH = 0x100, "ESME Not authorised to use specified service_type (5.0)";
    ESME_RPROHIBITED = 0x101, "ESME Prohibited from using specified operation (5.0)";
    ESME_RSERTYPUNAVAIL = 0x102, "Specified service_type is unavailable (5.0)";
    ESME_RSERTYPDENIED = 0x103, "Specified service_type is denied (5.0)";
    ESME_RINVDCS = 0x104, "Invalid Data Coding Scheme (5.0)";
    ESME_RINVSRCADDRSUBUNIT = 0x105, "Source Address Sub unit is Invalid (5.0)";
    ESME_RINVDSTADDRSUBUNIT = 0x106, "Destination Address Sub unit is Invalid (5.0)";
}

impl CommandStatus {
    /// True for `ESME_ROK`.
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Debug for CommandStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for CommandStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name} (0x{:08x})", self.0),
            None => write!(f, "command_status 0x{:08x}", self.0),
        }
    }
}
