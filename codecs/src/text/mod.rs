//! Text on the air: GSM 03.38, UCS-2, Latin-1, and the coding octets that name them.
//!
//! - [`gsm7`]: the default alphabet, the extension table, packing to septets.
//! - [`ucs2`]: UTF-16BE with surrogate pairs.
//! - [`latin1`]: ISO-8859-1, one octet per character.
//! - [`dcs`]: SMPP `data_coding` and the USSD (cell-broadcast) data coding scheme.
//!
//! Choosing an encoding ([`encode_best`]), measuring a screen in octets ([`octet_len`],
//! [`fits`]), and decoding whatever a gateway sends ([`decode_smpp`]) live here.

pub mod dcs;
pub mod gsm7;
pub mod latin1;
pub mod ucs2;

pub use dcs::{charset_for_cbs_dcs, charset_for_data_coding, Charset};

/// The octet limit of one USSD string (3GPP TS 23.038 §6.1.2.3.1: 182 GSM-7 characters).
pub const USSD_MAX_OCTETS: usize = 160;

/// An encoding Hotline can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// GSM 03.38 default alphabet with its extension table.
    Gsm7,
    /// ISO-8859-1.
    Latin1,
    /// UCS-2 / UTF-16BE.
    Ucs2,
}

impl Encoding {
    /// SMPP `data_coding` for an SMS in this encoding (0 is "SMSC default alphabet").
    pub fn smpp_data_coding(self) -> u8 {
        match self {
            Encoding::Gsm7 => 0x00,
            Encoding::Latin1 => 0x03,
            Encoding::Ucs2 => 0x08,
        }
    }

    /// The USSD data coding scheme (TS 23.038 §5) for this encoding. Latin-1 has no USSD
    /// DCS and is sent as 8-bit data.
    pub fn ussd_dcs(self) -> u8 {
        match self {
            Encoding::Gsm7 => 0x0F,
            Encoding::Latin1 => 0x44,
            Encoding::Ucs2 => 0x48,
        }
    }

    /// A short name for screens and logs.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Latin1 => "Latin-1",
            Encoding::Ucs2 => "UCS-2",
        }
    }
}

/// Text encoded for the wire, with the coding octet that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The chosen encoding.
    pub encoding: Encoding,
    /// The SMPP `data_coding` to send with `bytes`.
    pub data_coding: u8,
    /// GSM-7 as unpacked septets, or UTF-16BE.
    pub bytes: Vec<u8>,
}

/// GSM-7 when every character fits it, else UCS-2.
pub fn best_encoding(text: &str) -> Encoding {
    if gsm7::septet_len(text).is_some() {
        Encoding::Gsm7
    } else {
        Encoding::Ucs2
    }
}

/// Encodes `text` in the [`best_encoding`].
pub fn encode_best(text: &str) -> Encoded {
    let encoding = best_encoding(text);
    let bytes = match gsm7::encode_unpacked(text) {
        Ok(septets) => septets,
        Err(_) => ucs2::encode(text),
    };
    Encoded {
        encoding,
        data_coding: encoding.smpp_data_coding(),
        bytes,
    }
}

/// Octets `text` occupies on the air in `encoding` (GSM-7 counted packed), or `None` when the
/// encoding cannot carry it.
pub fn octet_len(text: &str, encoding: Encoding) -> Option<usize> {
    match encoding {
        Encoding::Gsm7 => gsm7::septet_len(text).map(|septets| (septets * 7).div_ceil(8)),
        Encoding::Latin1 => text
            .chars()
            .all(|c| u32::from(c) <= 0xFF)
            .then(|| text.chars().count()),
        Encoding::Ucs2 => Some(ucs2::octet_len(text)),
    }
}

/// Whether `text` fits `limit` octets in `encoding`: `Ok(octets)` or `Err(octets)` when too
/// long. A text the encoding cannot carry never fits (`Err(usize::MAX)`).
pub fn fits(text: &str, encoding: Encoding, limit: usize) -> Result<usize, usize> {
    match octet_len(text, encoding) {
        Some(octets) if octets <= limit => Ok(octets),
        Some(octets) => Err(octets),
        None => Err(usize::MAX),
    }
}

/// Splits `text` into the fewest pieces that each fit `limit` octets in `encoding`, never
/// inside a character (so never between an escape and its septet, nor inside a surrogate
/// pair). Returns `None` when the encoding cannot carry the text or `limit` is below one
/// character.
pub fn split(text: &str, encoding: Encoding, limit: usize) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (offset, ch) in text.char_indices() {
        let cost = char_cost(ch, encoding)?;
        if cost > limit {
            return None;
        }
        if used + cost > limit {
            parts.push(&text[start..offset]);
            start = offset;
            used = 0;
        }
        used += cost;
    }
    if start < text.len() || parts.is_empty() {
        parts.push(&text[start..]);
    }
    Some(parts)
}

/// The cost of one character, in octets for Latin-1/UCS-2 and in septets for GSM-7 (so a
/// GSM-7 `limit` given to [`split`] counts septets, as SMS segments do).
fn char_cost(ch: char, encoding: Encoding) -> Option<usize> {
    match encoding {
        Encoding::Gsm7 => gsm7::lookup(ch).map(gsm7::Septets::count),
        Encoding::Latin1 => (u32::from(ch) <= 0xFF).then_some(1),
        Encoding::Ucs2 => Some(ch.len_utf16() * 2),
    }
}

/// Text decoded from the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with anything unreadable replaced by U+FFFD.
    pub text: String,
    /// How it was actually read.
    pub charset: Charset,
    /// True when the declared coding did not fit the octets and another reading was used,
    /// or when octets had to be repaired.
    pub fell_back: bool,
}

/// Decodes an SMPP `short_message` (or `message_payload`) declared with `data_coding`.
///
/// Never panics and never fails. When the octets contradict the declaration it falls back:
/// "GSM-7" with high-bit octets is read as packed GSM-7; "GSM-7" or Latin-1 whose every
/// other octet is 0x00 is read as UCS-2 (a common mislabelling); odd-length UCS-2 is
/// repaired; binary is shown as Latin-1.
pub fn decode_smpp(octets: &[u8], data_coding: u8) -> Decoded {
    let declared = charset_for_data_coding(data_coding);
    if matches!(declared, Charset::Gsm7 | Charset::Ascii | Charset::Latin1)
        && looks_like_utf16be(octets)
    {
        let (text, _) = ucs2::decode(octets);
        return Decoded {
            text,
            charset: Charset::Ucs2,
            fell_back: true,
        };
    }
    match declared {
        Charset::Gsm7 | Charset::Gsm7Packed if octets.iter().any(|&b| b > 0x7F) => Decoded {
            text: gsm7::decode_unpacked(&gsm7::unpack_ussd(octets)),
            charset: Charset::Gsm7Packed,
            fell_back: declared == Charset::Gsm7,
        },
        Charset::Gsm7 | Charset::Gsm7Packed => plain(gsm7::decode_unpacked(octets), Charset::Gsm7),
        Charset::Ascii if octets.is_ascii() => plain(latin1::decode(octets), Charset::Ascii),
        Charset::Ascii | Charset::Binary => Decoded {
            text: latin1::decode(octets),
            charset: Charset::Latin1,
            fell_back: true,
        },
        Charset::Latin1 => plain(latin1::decode(octets), Charset::Latin1),
        Charset::Ucs2 => {
            let (text, repaired) = ucs2::decode(octets);
            Decoded {
                text,
                charset: Charset::Ucs2,
                fell_back: repaired,
            }
        }
    }
}

fn plain(text: String, charset: Charset) -> Decoded {
    Decoded {
        text,
        charset,
        fell_back: false,
    }
}

/// True when every high octet of each pair is 0x00 and each low octet is printable ASCII:
/// UTF-16BE of Latin text, sent under a single-octet label.
fn looks_like_utf16be(octets: &[u8]) -> bool {
    octets.len() >= 2
        && octets.len() % 2 == 0
        && octets
            .chunks_exact(2)
            .all(|pair| pair[0] == 0x00 && (0x20..0x7F).contains(&pair[1]))
}
