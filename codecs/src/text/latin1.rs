//! ISO-8859-1 (SMPP `data_coding` 3): each octet is the code point of the same value.

/// Encodes `text`, or returns the index of the first character above U+00FF.
pub fn encode(text: &str) -> Result<Vec<u8>, usize> {
    text.chars()
        .enumerate()
        .map(|(index, ch)| u8::try_from(u32::from(ch)).map_err(|_| index))
        .collect()
}

/// Decodes Latin-1; every octet is valid.
pub fn decode(octets: &[u8]) -> String {
    octets.iter().map(|&b| char::from(b)).collect()
}
