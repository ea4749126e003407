//! `command_id` (SMPP 3.4 §5.1.2): "identifies the SMPP operation". Responses have bit 31 set.

use std::fmt;

/// A `command_id` as received: known values have names, any other value is kept as is so
/// that the session can answer `generic_nack` with `ESME_RINVCMDID`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommandId(pub u32);

macro_rules! command_ids {
    ($($name:ident = $value:literal, $spec:literal;)*) => {
        impl CommandId {
            $(
                #[doc = concat!("`", $spec, "`")]
                pub const $name: CommandId = CommandId($value);
            )*

            /// The spec name (`"submit_sm"`), or `None` for an id this codec does not know.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($value => Some($spec),)*
                    _ => None,
                }
            }

            /// Looks an id up by its spec name.
            pub fn from_name(name: &str) -> Option<CommandId> {
                match name {
                    $($spec => Some(Self::$name),)*
                    _ => None,
                }
            }
        }
    };
}

command_ids! {
    GENERIC_NACK = 0x8000_0000, "generic_nack";
    BIND_RECEIVER = 0x0000_0001, "bind_receiver";
    BIND_RECEIVER_RESP = 0x8000_0001, "bind_receiver_resp";
    BIND_TRANSMITTER = 0x0000_0002, "bind_transmitter";
    BIND_TRANSMITTER_RESP = 0x8000_0002, "bind_transmitter_resp";
    QUERY_SM = 0x0000_0003, "query_sm";
    QUERY_SM_RESP = 0x8000_0003, "query_sm_resp";
    SUBMIT_SM = 0x0000_0004, "submit_sm";
    SUBMIT_SM_RESP = 0x8000_0004, "submit_sm_resp";
    DELIVER_SM = 0x0000_0005, "deliver_sm";
    DELIVER_SM_RESP = 0x8000_0005, "deliver_sm_resp";
    UNBIND = 0x0000_0006, "unbind";
    UNBIND_RESP = 0x8000_0006, "unbind_resp";
    REPLACE_SM = 0x0000_0007, "replace_sm";
    REPLACE_SM_RESP = 0x8000_0007, "replace_sm_resp";
    CANCEL_SM = 0x0000_0008, "cancel_sm";
    CANCEL_SM_RESP = 0x8000_0008, "cancel_sm_resp";
    BIND_TRANSCEIVER = 0x0000_0009, "bind_transceiver";
    BIND_TRANSCEIVER_RESP = 0x8000_0009, "bind_transceiver_resp";
    OUTBIND = 0x0000_000B, "outbind";
    ENQUIRE_LINK = 0x0000_0015, "enquire_link";
    ENQUIRE_LINK_RESP = 0x8000_0015, "enquire_link_resp";
    SUBMIT_MULTI = 0x0000_0021, "submit_multi";
    SUBMIT_MULTI_RESP = 0x8000_0021, "submit_multi_resp";
    ALERT_NOTIFICATION = 0x0000_0102, "alert_notification";
    DATA_SM = 0x0000_0103, "data_sm";
    DATA_SM_RESP = 0x8000_0103, "data_sm_resp";
}

impl CommandId {
    /// True for a response (`command_id` bit 31 set, §5.1.2.1).
    pub fn is_response(self) -> bool {
        self.0 & 0x8000_0000 != 0
    }
}

impl fmt::Debug for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for CommandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "command_id 0x{:08x}", self.0),
        }
    }
}
