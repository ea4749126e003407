//! Confirmation SMS: a plain text message to the caller after the dialog, split into
//! concatenated parts with a user data header (3GPP TS 23.040 §9.2.3.24.1) when it does not
//! fit one message.

use bytes::{BufMut, Bytes, BytesMut};
use hotline_codecs::smpp::Tlvs;
use hotline_codecs::text::{self, Encoding};

use super::ussd::{Outgoing, ESM_CLASS_UDHI};

/// Octets of a single SMS's user data (160 GSM-7 characters packed, or 70 UCS-2).
const SINGLE_OCTETS: usize = 140;
/// Room left by the 6-octet concatenation header: 153 septets or 134 UCS-2 octets.
const PART_SEPTETS: usize = 153;
const PART_UCS2_OCTETS: usize = 134;
/// At most this many parts; the rest of an over-long text is dropped.
const MAX_PARTS: usize = 255;

/// The messages that carry `text` from `source_addr` to `msisdn`. `reference` tells one
/// concatenated message from another on the handset.
pub fn messages(msisdn: &str, source_addr: &str, text: &str, reference: u8) -> Vec<Outgoing> {
    let encoding = text::best_encoding(text);
    let part = match encoding {
        Encoding::Gsm7 => PART_SEPTETS,
        _ => PART_UCS2_OCTETS,
    };
    let parts = if text::fits(text, encoding, SINGLE_OCTETS).is_ok() {
        vec![text]
    } else {
        text::split(text, encoding, part).unwrap_or_else(|| vec![text])
    };
    let total = parts.len().min(MAX_PARTS);
    parts
        .into_iter()
        .take(total)
        .enumerate()
        .map(|(i, part)| {
            let body = match encoding {
                Encoding::Gsm7 => text::gsm7::encode_unpacked(part).unwrap_or_default(),
                _ => text::ucs2::encode(part),
            };
            let data_coding = encoding.smpp_data_coding();
            let (esm_class, short_message) = if total == 1 {
                (0, Bytes::from(body))
            } else {
                let mut udh = BytesMut::with_capacity(6 + body.len());
                // UDH length 5; IE 0x00 (concatenation, 8-bit reference), IE length 3.
                udh.put_slice(&[5, 0x00, 3, reference, total as u8, (i + 1) as u8]);
                udh.put_slice(&body);
                (ESM_CLASS_UDHI, udh.freeze())
            };
            Outgoing {
                msisdn: msisdn.to_string(),
                service_addr: source_addr.to_string(),
                service_type: Bytes::new(),
                esm_class,
                data_coding,
                short_message,
                tlvs: Tlvs::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_is_one_message_without_header() {
        let parts = messages("989121234567", "HOTLINE", "Booking 123456 confirmed", 7);
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].esm_class, 0);
        assert_eq!(&parts[0].short_message[..7], b"Booking");
    }

    #[test]
    fn a_long_persian_text_is_concatenated_with_headers() {
        let text = "نوبت شما ثبت شد. ".repeat(10);
        let parts = messages("989121234567", "HOTLINE", &text, 9);
        assert!(parts.len() > 1);
        for (i, part) in parts.iter().enumerate() {
            assert_eq!(part.esm_class, ESM_CLASS_UDHI);
            assert_eq!(part.data_coding, 0x08);
            assert_eq!(
                &part.short_message[..6],
                &[5, 0, 3, 9, parts.len() as u8, i as u8 + 1]
            );
            assert!(part.short_message.len() <= 140);
        }
    }
}
