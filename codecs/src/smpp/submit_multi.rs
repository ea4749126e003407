//! `submit_multi` (SMPP 3.4 §4.5.1): "used to submit an SMPP message for delivery to
//! multiple recipients or to one or more Distribution Lists".

use bytes::{BufMut, BytesMut};

use super::error::{ErrorKind, FieldError};
use super::tlv::Tlvs;
use super::types::{COctetString, ShortMessage};
use super::wire::{body, Field, FieldValue, Reader};

/// "A maximum of 254 destination addresses are allowed."
pub const MAX_DESTS: u8 = 254;

/// One `dest_address` (§4.5.1.1), chosen by `dest_flag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DestAddress {
    /// `dest_flag` 1: "SME Address".
    SmeAddress {
        /// "Type of Number for destination."
        dest_addr_ton: u8,
        /// "Numbering Plan Indicator for destination."
        dest_addr_npi: u8,
        /// "Destination Address for this short message."
        destination_addr: COctetString<21>,
    },
    /// `dest_flag` 2: "Distribution List Name".
    DistributionList {
        /// "Name of Distribution List."
        dl_name: COctetString<21>,
    },
}

/// `number_of_dests` then that many `dest_address` structures; the count is derived.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DestAddresses(pub Vec<DestAddress>);

impl Field for DestAddresses {
    fn decode(r: &mut Reader<'_>, _name: &'static str) -> Result<Self, FieldError> {
        let count = u8::decode(r, "number_of_dests")?;
        if count > MAX_DESTS {
            let kind = ErrorKind::OutOfRange {
                value: count.into(),
                max: MAX_DESTS.into(),
            };
            return Err(FieldError {
                field: "number_of_dests",
                kind,
            });
        }
        let mut dests = Vec::with_capacity(count.into());
        for _ in 0..count {
            dests.push(match u8::decode(r, "dest_flag")? {
                1 => DestAddress::SmeAddress {
                    dest_addr_ton: u8::decode(r, "dest_addr_ton")?,
                    dest_addr_npi: u8::decode(r, "dest_addr_npi")?,
                    destination_addr: Field::decode(r, "destination_addr")?,
                },
                2 => DestAddress::DistributionList {
                    dl_name: Field::decode(r, "dl_name")?,
                },
                other => {
                    let kind = ErrorKind::InvalidValue {
                        value: other.into(),
                    };
                    return Err(FieldError {
                        field: "dest_flag",
                        kind,
                    });
                }
            });
        }
        Ok(DestAddresses(dests))
    }

    fn encoded_len(&self) -> usize {
        let each = |d: &DestAddress| match d {
            DestAddress::SmeAddress {
                destination_addr, ..
            } => 3 + destination_addr.encoded_len(),
            DestAddress::DistributionList { dl_name } => 1 + dl_name.encoded_len(),
        };
        1 + self
            .0
            .iter()
            .take(MAX_DESTS.into())
            .map(each)
            .sum::<usize>()
    }

    fn encode(&self, buf: &mut BytesMut) {
        buf.put_u8(self.0.len().min(MAX_DESTS.into()) as u8);
        for dest in self.0.iter().take(MAX_DESTS.into()) {
            match dest {
                DestAddress::SmeAddress {
                    dest_addr_ton,
                    dest_addr_npi,
                    destination_addr,
                } => {
                    buf.put_slice(&[1, *dest_addr_ton, *dest_addr_npi]);
                    destination_addr.encode(buf);
                }
                DestAddress::DistributionList { dl_name } => {
                    buf.put_u8(2);
                    dl_name.encode(buf);
                }
            }
        }
    }

    fn visit<'s>(&'s self, _name: &'static str, v: &mut dyn FnMut(&'static str, FieldValue<'s>)) {
        v(
            "number_of_dests",
            FieldValue::U8(self.0.len().min(MAX_DESTS.into()) as u8),
        );
        for dest in self.0.iter().take(MAX_DESTS.into()) {
            match dest {
                DestAddress::SmeAddress {
                    dest_addr_ton,
                    dest_addr_npi,
                    destination_addr,
                } => {
                    v("dest_flag", FieldValue::U8(1));
                    v("dest_addr_ton", FieldValue::U8(*dest_addr_ton));
                    v("dest_addr_npi", FieldValue::U8(*dest_addr_npi));
                    destination_addr.visit("destination_addr", v);
                }
                DestAddress::DistributionList { dl_name } => {
                    v("dest_flag", FieldValue::U8(2));
                    dl_name.visit("dl_name", v);
                }
            }
        }
    }
}

body! {
    /// The `submit_multi` body.
    pub struct SubmitMulti {
        /// "The service_type parameter can be used to indicate the SMS Application service
        /// associated with the message."
        pub service_type: COctetString<6>,
        /// "Type of Number for source address."
        pub source_addr_ton: u8,
        /// "Numbering Plan Indicator for source address."
        pub source_addr_npi: u8,
        /// "Address of SME which originated this message."
        pub source_addr: COctetString<21>,
        /// `number_of_dests` and the `dest_address` list (at most 254; the count is derived).
        pub dest_addresses: DestAddresses,
        /// "Indicates Message Mode & Message Type."
        pub esm_class: u8,
        /// "Protocol Identifier. Network specific field."
        pub protocol_id: u8,
        /// "Designates the priority level of the message."
        pub priority_flag: u8,
        /// "The short message is to be scheduled by the SMSC for delivery."
        pub schedule_delivery_time: COctetString<17>,
        /// "The validity period of this message."
        pub validity_period: COctetString<17>,
        /// "Indicator to signify if an SMSC delivery receipt or an SME acknowledgement is
        /// required."
        pub registered_delivery: u8,
        /// "Reserved."
        pub replace_if_present_flag: u8,
        /// "Indicates the encoding scheme of the short message."
        pub data_coding: u8,
        /// "Indicates the short message to send from a predefined list of messages stored
        /// on SMSC."
        pub sm_default_msg_id: u8,
        /// "Up to 254 octets of short message user data." `sm_length` is derived from it.
        pub short_message: ShortMessage,
        /// TLVs.
        pub tlvs: Tlvs,
    }
}
