//! `submit_multi_resp` (SMPP 3.4 §4.5.2).

use bytes::{BufMut, BytesMut};

use super::error::{ErrorKind, FieldError};
use super::tlv::Tlvs;
use super::types::COctetString;
use super::wire::{body, Field, FieldValue, Reader};

/// The cap on `no_unsuccess`: one per destination, so 254.
pub const MAX_UNSUCCESS: u8 = 254;

/// One `unsuccess_sme` (§4.5.2.1): a destination the SMSC could not accept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsuccessSme {
    /// "Type of number for destination."
    pub dest_addr_ton: u8,
    /// "Numbering Plan Indicator for destination."
    pub dest_addr_npi: u8,
    /// "Destination Address of SME."
    pub destination_addr: COctetString<21>,
    /// "Indicates the success or failure of the submit_multi request to this SME address"
    /// (a command_status value).
    pub error_status_code: u32,
}

/// `no_unsuccess` then that many `unsuccess_sme` structures; the count is derived.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsuccessSmes(pub Vec<UnsuccessSme>);

impl Field for UnsuccessSmes {
    fn decode(r: &mut Reader<'_>, _name: &'static str) -> Result<Self, FieldError> {
        let count = u8::decode(r, "no_unsuccess")?;
        if count > MAX_UNSUCCESS {
            let kind = ErrorKind::OutOfRange {
                value: count.into(),
                max: MAX_UNSUCCESS.into(),
            };
            return Err(FieldError {
                field: "no_unsuccess",
                kind,
            });
        }
        let mut smes = Vec::with_capacity(count.into());
        for _ in 0..count {
            smes.push(UnsuccessSme {
                dest_addr_ton: u8::decode(r, "dest_addr_ton")?,
                dest_addr_npi: u8::decode(r, "dest_addr_npi")?,
                destination_addr: Field::decode(r, "destination_addr")?,
                error_status_code: u32::decode(r, "error_status_code")?,
            });
        }
        Ok(UnsuccessSmes(smes))
    }

    fn encoded_len(&self) -> usize {
        1 + self
            .0
            .iter()
            .take(MAX_UNSUCCESS.into())
            .map(|s| 6 + s.destination_addr.encoded_len())
            .sum::<usize>()
    }

    fn encode(&self, buf: &mut BytesMut) {
        buf.put_u8(self.0.len().min(MAX_UNSUCCESS.into()) as u8);
        for sme in self.0.iter().take(MAX_UNSUCCESS.into()) {
            buf.put_slice(&[sme.dest_addr_ton, sme.dest_addr_npi]);
            sme.destination_addr.encode(buf);
            buf.put_u32(sme.error_status_code);
        }
    }

    fn visit<'s>(&'s self, _name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
        v(
            "no_unsuccess",
            FieldValue::U8(self.0.len().min(MAX_UNSUCCESS.into()) as u8),
        );
        for sme in self.0.iter().take(MAX_UNSUCCESS.into()) {
            v("dest_addr_ton", FieldValue::U8(sme.dest_addr_ton));
            v("dest_addr_npi", FieldValue::U8(sme.dest_addr_npi));
            sme.destination_addr.visit("destination_addr", v);
            v("error_status_code", FieldValue::U32(sme.error_status_code));
        }
    }
}

body! {
    /// The `submit_multi_resp` body.
    pub struct SubmitMultiResp {
        /// "This field contains the SMSC message ID of the submitted message."
        pub message_id: COctetString<65>,
        /// `no_unsuccess` and the `unsuccess_sme` list (the count is derived).
        pub unsuccess_smes: UnsuccessSmes,
        /// TLVs (none in 3.4; accepted anyway).
        pub tlvs: Tlvs,
    }
}
