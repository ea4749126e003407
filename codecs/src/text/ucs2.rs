//! UCS-2 as operators deploy it today: UTF-16BE, with surrogate pairs for characters outside
//! the Basic Multilingual Plane.

/// Encodes `text` as UTF-16BE.
pub fn encode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2);
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// The octets `text` needs in UTF-16BE.
pub fn octet_len(text: &str) -> usize {
    text.encode_utf16().count() * 2
}

/// Decodes UTF-16BE. Returns the text and whether anything was repaired: an odd trailing
/// octet or an unpaired surrogate becomes U+FFFD.
pub fn decode(octets: &[u8]) -> (String, bool) {
    let units = octets
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
    let mut repaired = octets.len() % 2 != 0;
    let mut text: String = char::decode_utf16(units)
        .map(|unit| {
            unit.unwrap_or_else(|_| {
                repaired = true;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    if octets.len() % 2 != 0 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    (text, repaired)
}
