//! Data coding: SMPP's `data_coding` octet (SMPP 3.4 §5.2.19) and the cell-broadcast data
//! coding scheme that USSD uses (3GPP TS 23.038 §5), which USSD gateways pass through in
//! `data_coding` (0x0F: GSM 7-bit, language unspecified).

/// The character set a `data_coding` value declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// GSM 03.38, one septet per octet.
    Gsm7,
    /// GSM 03.38 packed into octets. Never declared by SMPP; found by the fallback.
    Gsm7Packed,
    /// IA5 / ASCII (SMPP `data_coding` 1).
    Ascii,
    /// ISO-8859-1 (SMPP `data_coding` 3).
    Latin1,
    /// UCS-2 / UTF-16BE (SMPP 8, or a DCS with the UCS-2 alphabet).
    Ucs2,
    /// 8-bit data or a coding we do not render as text.
    Binary,
}

/// Reads SMPP's `data_coding`. Values SMPP leaves undefined are read as the 3GPP TS 23.038
/// data coding scheme, as USSD gateways use them.
pub fn charset_for_data_coding(data_coding: u8) -> Charset {
    match data_coding {
        0x00 => Charset::Gsm7,
        0x01 => Charset::Ascii,
        0x03 => Charset::Latin1,
        0x08 => Charset::Ucs2,
        0x02 | 0x04 => Charset::Binary,
        // JIS, Cyrillic, Hebrew, pictogram, music codes and Kanji: not rendered as text.
        0x05..=0x07 | 0x09..=0x0E => Charset::Binary,
        dcs => charset_for_cbs_dcs(dcs),
    }
}

/// Reads a 3GPP TS 23.038 §5 cell-broadcast data coding scheme (the USSD DCS).
pub fn charset_for_cbs_dcs(dcs: u8) -> Charset {
    match dcs >> 4 {
        // Language groups, and the GSM-7 form of "language in the first characters".
        0b0000 | 0b0010 | 0b0011 => Charset::Gsm7,
        0b0001 => match dcs & 0x0F {
            0x00 => Charset::Gsm7,
            0x01 => Charset::Ucs2,
            _ => Charset::Gsm7,
        },
        // General data coding and "message with UDH": bits 3..2 name the alphabet.
        0b0100..=0b0111 | 0b1001 => alphabet_bits(dcs),
        // Data coding / message class: bit 2 chooses 8-bit over GSM-7.
        0b1111 if dcs & 0x04 == 0 => Charset::Gsm7,
        0b1111 => Charset::Binary,
        // Reserved groups: §5 says to treat them as GSM 7-bit default alphabet.
        _ => Charset::Gsm7,
    }
}

fn alphabet_bits(dcs: u8) -> Charset {
    if dcs & 0x20 != 0 {
        // Compressed text (TS 23.042) is not supported: show it as data.
        return Charset::Binary;
    }
    match (dcs >> 2) & 0b11 {
        0b00 => Charset::Gsm7,
        0b10 => Charset::Ucs2,
        _ => Charset::Binary,
    }
}
