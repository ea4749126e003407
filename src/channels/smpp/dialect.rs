//! USSD-over-SMPP gateway dialects: how a gateway correlates one dialog and how it ends one,
//! as data. The table is `USSD-DIALECTS.md` in the shared folder; a bind's config names a
//! dialect and may override its end op and abort ops.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

/// `ussd_service_op` values a dialect refers to (SMPP 3.4 §5.3.2.44).
pub mod op {
    /// Process SS request indication: the gateway opens a dialog.
    pub const PSSR_INDICATION: u8 = 1;
    /// USSR request: we show a screen and expect an answer.
    pub const USSR_REQUEST: u8 = 2;
    /// PSSR response: our final screen.
    pub const PSSR_RESPONSE: u8 = 17;
    /// USSR confirm: the subscriber's answer.
    pub const USSR_CONFIRM: u8 = 18;
    /// The vendor abort most gateways use.
    pub const VENDOR_ABORT: u8 = 0x81;
}

/// Bit 0 of `its_session_info`: end of session, in the dialects that use it.
const ITS_END_BIT: u16 = 0x0001;

/// How the dialog is told apart from the others on the operator's binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRule {
    /// `its_session_info` as sent.
    Its,
    /// `its_session_info` with bit 0 (the end flag) cleared.
    ItsWithoutEndBit,
    /// `user_message_reference` together with the MSISDN.
    UmrAndMsisdn,
    /// The MSISDN alone (gateways that send no session TLV).
    Msisdn,
}

/// How our final screen is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndMark {
    /// The end op alone.
    Op,
    /// The end op, and bit 0 of the echoed `its_session_info` set.
    OpAndItsBit,
}

/// One gateway dialect: a row of the dialect table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    /// The dialect's name in config files.
    pub name: &'static str,
    /// How the session key is derived.
    pub key: KeyRule,
    /// The op we continue with.
    pub continue_op: u8,
    /// The op we end with (overridable: some gateways want 0x17 where 0x11 was meant).
    pub end_op: u8,
    /// How the end is marked beyond the op.
    pub end_mark: EndMark,
    /// Ops that mean "the network aborted the dialog".
    pub abort_ops: Vec<u8>,
    /// When a USSR confirm (op 18) is really an abort.
    pub confirm_abort: ConfirmAbort,
}

/// When a gateway signals an abort with a USSR confirm rather than an abort op.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmAbort {
    /// Never: op 18 is always the subscriber's answer.
    Never,
    /// When `its_session_info` bit 0 is set.
    EndBit,
    /// When bit 0 is set and the text is empty.
    EndBitAndEmptyText,
}

/// The correlation values a gateway put on one inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Correlation {
    /// `its_session_info`, when present.
    pub its: Option<u16>,
    /// `user_message_reference`, when present.
    pub umr: Option<u16>,
}

/// What an inbound `deliver_sm` means for the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inbound {
    /// A new dialog (op 1).
    Begin,
    /// The subscriber's answer (op 18).
    Input,
    /// The network ended the dialog: send nothing more.
    Abort,
    /// An op this dialect does not use in this direction; answered, then ignored.
    Ignored,
}

/// The TLV values our reply carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplyTlvs {
    /// `ussd_service_op`.
    pub op: u8,
    /// `its_session_info` to send, if any.
    pub its: Option<u16>,
    /// `user_message_reference` to echo, if any.
    pub umr: Option<u16>,
}

impl Dialect {
    /// Classifies an inbound message by its op, its correlation values and its text.
    pub fn classify(&self, op: Option<u8>, corr: Correlation, text_is_empty: bool) -> Inbound {
        let Some(op) = op else { return Inbound::Input };
        let end_bit = corr.its.is_some_and(|its| its & ITS_END_BIT != 0);
        if self.abort_ops.contains(&op) {
            return Inbound::Abort;
        }
        match op {
            op::PSSR_INDICATION => Inbound::Begin,
            op::USSR_CONFIRM => match self.confirm_abort {
                ConfirmAbort::EndBit if end_bit => Inbound::Abort,
                ConfirmAbort::EndBitAndEmptyText if end_bit && text_is_empty => Inbound::Abort,
                _ => Inbound::Input,
            },
            _ => Inbound::Ignored,
        }
    }

    /// The session id within the operator's table, or `None` when the message lacks the
    /// value this dialect correlates on.
    pub fn session_id(&self, corr: Correlation, msisdn: &str) -> Option<String> {
        match self.key {
            KeyRule::Its => corr.its.map(|its| format!("its:{its}")),
            KeyRule::ItsWithoutEndBit => corr.its.map(|its| format!("its:{}", its & !ITS_END_BIT)),
            KeyRule::UmrAndMsisdn => corr.umr.map(|umr| format!("umr:{umr}:{msisdn}")),
            KeyRule::Msisdn => Some(format!("msisdn:{msisdn}")),
        }
    }

    /// The TLVs of our reply to a dialog correlated by `corr`.
    pub fn reply(&self, corr: Correlation, end: bool) -> ReplyTlvs {
        let echo_its = !matches!(self.key, KeyRule::UmrAndMsisdn | KeyRule::Msisdn);
        let its = corr
            .its
            .filter(|_| echo_its)
            .map(|its| match (self.end_mark, end) {
                (EndMark::Op, _) => its,
                (EndMark::OpAndItsBit, true) => its | ITS_END_BIT,
                (EndMark::OpAndItsBit, false) => its & !ITS_END_BIT,
            });
        let umr = corr.umr.filter(|_| self.key == KeyRule::UmrAndMsisdn);
        let op = if end { self.end_op } else { self.continue_op };
        ReplyTlvs { op, its, umr }
    }

    /// Applies a bind's overrides.
    pub fn with_overrides(mut self, end_op: Option<u8>, abort_ops: Option<&[u8]>) -> Self {
        if let Some(end_op) = end_op {
            self.end_op = end_op;
        }
        if let Some(ops) = abort_ops {
            self.abort_ops = ops.to_vec();
        }
        self
    }
}

/// The dialects Hotline ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DialectName {
    /// `its_session_info` echoed; op 17 ends.
    Standard,
    /// `its_session_info` bit 0 ends, with op 2.
    Tata,
    /// `user_message_reference` and MSISDN correlate.
    Mica,
    /// Dialog id in the upper 15 bits of `its_session_info`; op 17 with bit 0 ends.
    Sixdee,
    /// No session TLV: the MSISDN correlates.
    MsisdnOnly,
}

impl DialectName {
    /// Every shipped dialect.
    pub const ALL: [DialectName; 5] = [
        DialectName::Standard,
        DialectName::Tata,
        DialectName::Mica,
        DialectName::Sixdee,
        DialectName::MsisdnOnly,
    ];

    /// The dialect's row of the table.
    pub fn dialect(self) -> Dialect {
        use op::*;
        use ConfirmAbort::*;
        use EndMark::*;
        use KeyRule::*;
        // Every dialect also takes 0x81 as an abort: no gateway uses it for anything else,
        // and ignoring it would leave the dialog to time out.
        let (name, key, end_op, end_mark, confirm_abort) = match self {
            Self::Standard => ("standard", Its, PSSR_RESPONSE, Op, Never),
            Self::Tata => (
                "tata",
                ItsWithoutEndBit,
                USSR_REQUEST,
                OpAndItsBit,
                EndBitAndEmptyText,
            ),
            Self::Mica => ("mica", UmrAndMsisdn, PSSR_RESPONSE, Op, Never),
            Self::Sixdee => (
                "sixdee",
                ItsWithoutEndBit,
                PSSR_RESPONSE,
                OpAndItsBit,
                EndBit,
            ),
            Self::MsisdnOnly => ("msisdn-only", Msisdn, PSSR_RESPONSE, Op, Never),
        };
        Dialect {
            name,
            key,
            continue_op: USSR_REQUEST,
            end_op,
            end_mark,
            abort_ops: vec![VENDOR_ABORT],
            confirm_abort,
        }
    }
}

impl fmt::Display for DialectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dialect().name)
    }
}

/// A dialect name that is not in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown USSD dialect {0:?}: use standard, tata, mica, sixdee or msisdn-only")]
pub struct UnknownDialect(pub String);

impl FromStr for DialectName {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.dialect().name == s)
            .ok_or_else(|| UnknownDialect(s.to_string()))
    }
}

#[cfg(test)]
#[path = "dialect_tests.rs"]
mod tests;
