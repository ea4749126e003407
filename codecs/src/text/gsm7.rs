//! The GSM 03.38 (3GPP TS 23.038 §6.2.1) default 7-bit alphabet, its extension table, and
//! septet packing.
//!
//! "Unpacked" means one septet per octet (how SMPP `short_message` usually carries GSM text);
//! "packed" means septets laid LSB-first into octets (§6.1.2.1, how USSD strings travel over MAP
//! and how some gateways hand them over).

/// The escape to the extension table. An extension character costs two septets.
pub const ESCAPE: u8 = 0x1B;

/// The default alphabet, indexed by septet. 0x1B (escape) is shown as a space, as the spec
/// asks of receivers that meet an escape they do not understand.
#[rustfmt::skip]
pub const DEFAULT_ALPHABET: [char; 128] = [
    '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
    'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', ' ', 'Æ', 'æ', 'ß', 'É',
    ' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
    '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
    'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
    '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

/// The extension table (§6.2.1.1): the septet that follows an escape, and its character.
pub const EXTENSION_TABLE: [(u8, char); 10] = [
    (0x0A, '\u{000C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// How a character is written in GSM-7: one septet, or an escape and one septet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Septets {
    /// A character of the default alphabet.
    Default(u8),
    /// A character of the extension table, written `ESCAPE, code`.
    Extended(u8),
}

impl Septets {
    /// How many septets the character costs on the air.
    pub fn count(self) -> usize {
        match self {
            Septets::Default(_) => 1,
            Septets::Extended(_) => 2,
        }
    }
}

/// Looks a character up in both tables; `None` when GSM-7 cannot carry it.
pub fn lookup(ch: char) -> Option<Septets> {
    // ASCII letters and digits are the common case and sit at their ASCII codes.
    if ch.is_ascii_alphanumeric() {
        return Some(Septets::Default(ch as u8));
    }
    if let Some(&(code, _)) = EXTENSION_TABLE.iter().find(|&&(_, c)| c == ch) {
        return Some(Septets::Extended(code));
    }
    DEFAULT_ALPHABET
        .iter()
        .enumerate()
        .find(|&(index, &c)| c == ch && index != usize::from(ESCAPE))
        .map(|(index, _)| Septets::Default(index as u8))
}

/// The number of septets `text` needs, or `None` when some character is not in GSM-7.
pub fn septet_len(text: &str) -> Option<usize> {
    text.chars().map(|ch| lookup(ch).map(Septets::count)).sum()
}

/// A character that GSM-7 cannot carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{ch:?} (U+{code:04X}) at character {index} is not in the GSM 03.38 alphabet", code = u32::from(*ch))]
pub struct Unencodable {
    /// The character.
    pub ch: char,
    /// Its index in the text, counted in characters.
    pub index: usize,
}

/// Encodes `text` as unpacked septets (one per octet), escapes included.
pub fn encode_unpacked(text: &str) -> Result<Vec<u8>, Unencodable> {
    let mut out = Vec::with_capacity(text.len());
    for (index, ch) in text.chars().enumerate() {
        match lookup(ch).ok_or(Unencodable { ch, index })? {
            Septets::Default(code) => out.push(code),
            Septets::Extended(code) => out.extend_from_slice(&[ESCAPE, code]),
        }
    }
    Ok(out)
}

/// Decodes unpacked septets. Never fails: the top bit of each octet is ignored, an unknown
/// extension code shows its default-alphabet character (§6.2.1.1), and a dangling escape a
/// space.
pub fn decode_unpacked(septets: &[u8]) -> String {
    let mut out = String::with_capacity(septets.len());
    let mut iter = septets.iter().map(|&b| b & 0x7F);
    while let Some(septet) = iter.next() {
        if septet != ESCAPE {
            out.push(DEFAULT_ALPHABET[usize::from(septet)]);
            continue;
        }
        match iter.next() {
            Some(code) => out.push(extension_char(code)),
            None => out.push(' '),
        }
    }
    out
}

fn extension_char(code: u8) -> char {
    EXTENSION_TABLE
        .iter()
        .find(|&&(c, _)| c == code)
        .map_or(DEFAULT_ALPHABET[usize::from(code & 0x7F)], |&(_, ch)| ch)
}

/// Packs septets LSB-first into octets (§6.1.2.1.1).
pub fn pack(septets: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(septets.len() * 7 / 8 + 1);
    let mut acc: u16 = 0;
    let mut bits = 0u32;
    for &septet in septets {
        acc |= u16::from(septet & 0x7F) << bits;
        bits += 7;
        if bits >= 8 {
            out.push((acc & 0xFF) as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
    if bits > 0 {
        out.push((acc & 0xFF) as u8);
    }
    out
}

/// Packs septets for USSD: when the last octet would leave 7 spare bits, they are filled with
/// CR so the receiver does not read a trailing `@` (3GPP TS 23.038 §6.1.2.3.1).
pub fn pack_ussd(septets: &[u8]) -> Vec<u8> {
    if septets.len() % 8 == 7 {
        let mut padded = septets.to_vec();
        padded.push(0x0D);
        return pack(&padded);
    }
    pack(septets)
}

/// Unpacks `count` septets from packed octets; stops early if the octets run out.
pub fn unpack(octets: &[u8], count: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(count);
    let mut acc: u16 = 0;
    let mut bits = 0u32;
    let mut bytes = octets.iter();
    while out.len() < count {
        if bits < 7 {
            match bytes.next() {
                Some(&b) => {
                    acc |= u16::from(b) << bits;
                    bits += 8;
                }
                None => break,
            }
        }
        out.push((acc & 0x7F) as u8);
        acc >>= 7;
        bits -= 7;
    }
    out
}

/// Unpacks a USSD string whose septet count is implied by its length, dropping the CR that
/// [`pack_ussd`] adds as padding.
pub fn unpack_ussd(octets: &[u8]) -> Vec<u8> {
    let count = octets.len() * 8 / 7;
    let mut septets = unpack(octets, count);
    if octets.len() % 7 == 0 && septets.last() == Some(&0x0D) {
        septets.pop();
    }
    septets
}
