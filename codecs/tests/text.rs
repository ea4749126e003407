//! The text codecs against the tables of 3GPP TS 23.038 and known wire samples.

use hotline_codecs::text::{
    self, charset_for_cbs_dcs, charset_for_data_coding, gsm7, latin1, ucs2, Charset, Encoding,
};

/// Every default-alphabet septet, written as the spec's table reads, row by row.
const TABLE: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1B}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

#[test]
fn all_128_default_characters_both_ways() {
    let chars: Vec<char> = TABLE.chars().collect();
    assert_eq!(chars.len(), 128);
    for (septet, &ch) in chars.iter().enumerate() {
        let septet = septet as u8;
        if septet == gsm7::ESCAPE {
            assert_eq!(gsm7::lookup('\u{1B}'), None, "ESC is not a character");
            continue;
        }
        assert_eq!(
            gsm7::DEFAULT_ALPHABET[usize::from(septet)],
            ch,
            "table at {septet:#04x}"
        );
        assert_eq!(
            gsm7::lookup(ch),
            Some(gsm7::Septets::Default(septet)),
            "{ch:?}"
        );
        assert_eq!(
            gsm7::encode_unpacked(&ch.to_string()).ok(),
            Some(vec![septet])
        );
        assert_eq!(gsm7::decode_unpacked(&[septet]), ch.to_string());
    }
}

#[test]
fn extension_characters_both_ways() {
    let expected = [
        ('\u{000C}', 0x0A),
        ('^', 0x14),
        ('{', 0x28),
        ('}', 0x29),
        ('\\', 0x2F),
        ('[', 0x3C),
        ('~', 0x3D),
        (']', 0x3E),
        ('|', 0x40),
        ('€', 0x65),
    ];
    for (ch, code) in expected {
        assert_eq!(
            gsm7::encode_unpacked(&ch.to_string()).ok(),
            Some(vec![0x1B, code])
        );
        assert_eq!(gsm7::decode_unpacked(&[0x1B, code]), ch.to_string());
        assert_eq!(gsm7::septet_len(&ch.to_string()), Some(2));
    }
}

#[test]
fn unknown_escape_and_dangling_escape_do_not_fail() {
    // An extension code with no character shows the default character (§6.2.1.1).
    assert_eq!(gsm7::decode_unpacked(&[0x1B, 0x41]), "A");
    assert_eq!(gsm7::decode_unpacked(&[0x41, 0x1B]), "A ");
    // The top bit is ignored rather than indexing out of the table.
    assert_eq!(gsm7::decode_unpacked(&[0xC1]), "A");
}

#[test]
fn characters_outside_gsm7_are_reported_with_their_position() {
    let err = gsm7::encode_unpacked("ok ب").expect_err("Arabic letter is not GSM-7");
    assert_eq!((err.ch, err.index), ('ب', 3));
    assert_eq!(gsm7::septet_len("€uro ✓"), None);
}

#[test]
fn packing_matches_known_samples() {
    let hello = gsm7::encode_unpacked("hello").expect("ASCII letters are GSM-7");
    assert_eq!(gsm7::pack(&hello), [0xE8, 0x32, 0x9B, 0xFD, 0x06]);
    assert_eq!(gsm7::unpack(&[0xE8, 0x32, 0x9B, 0xFD, 0x06], 5), hello);
    // "*4006#" = 2A 34 30 30 36 23; by hand: 2A|0<<7, 34>>1|0<<6, 30>>2, 30>>3|6<<4,
    // 36>>4|23<<3, 23>>5.
    let code = gsm7::encode_unpacked("*4006#").expect("USSD codes are GSM-7");
    let packed = gsm7::pack_ussd(&code);
    assert_eq!(packed, [0x2A, 0x1A, 0x0C, 0x66, 0x1B, 0x01]);
    // "*100#", the sample most USSD documents quote.
    let balance = gsm7::encode_unpacked("*100#").expect("USSD codes are GSM-7");
    assert_eq!(gsm7::pack_ussd(&balance), [0xAA, 0x18, 0x0C, 0x36, 0x02]);
    assert_eq!(gsm7::unpack_ussd(&packed), code);
}

#[test]
fn ussd_padding_with_cr_is_added_and_dropped() {
    let seven = gsm7::encode_unpacked("1234567").expect("digits are GSM-7");
    let packed = gsm7::pack_ussd(&seven);
    assert_eq!(packed.len(), 7);
    assert_eq!(packed[6] >> 1, 0x0D, "the spare 7 bits hold CR");
    assert_eq!(gsm7::unpack_ussd(&packed), seven);
}

#[test]
fn pack_then_unpack_round_trips_every_length() {
    let all: Vec<u8> = (0u8..128).collect();
    for len in 0..all.len() {
        let packed = gsm7::pack(&all[..len]);
        assert_eq!(packed.len(), (len * 7).div_ceil(8));
        assert_eq!(gsm7::unpack(&packed, len), &all[..len]);
    }
}

#[test]
fn ucs2_uses_surrogate_pairs_and_repairs_bad_input() {
    let persian = "سلام";
    let bytes = ucs2::encode(persian);
    assert_eq!(bytes, [0x06, 0x33, 0x06, 0x44, 0x06, 0x27, 0x06, 0x45]);
    assert_eq!(ucs2::decode(&bytes), (persian.to_string(), false));
    let emoji = ucs2::encode("😀");
    assert_eq!(emoji, [0xD8, 0x3D, 0xDE, 0x00]);
    assert_eq!(ucs2::decode(&emoji).0, "😀");
    assert_eq!(
        ucs2::decode(&[0x00, 0x41, 0x00]),
        ("A\u{FFFD}".to_string(), true)
    );
    assert_eq!(ucs2::decode(&[0xD8, 0x3D]), ("\u{FFFD}".to_string(), true));
}

#[test]
fn latin1_round_trips_and_rejects_wide_characters() {
    assert_eq!(
        latin1::encode("café").ok(),
        Some(vec![b'c', b'a', b'f', 0xE9])
    );
    assert_eq!(latin1::decode(&[b'c', b'a', b'f', 0xE9]), "café");
    assert_eq!(latin1::encode("a€"), Err(1));
}

#[test]
fn best_encoding_prefers_gsm7() {
    assert_eq!(
        text::encode_best("Book a visit: 1").encoding,
        Encoding::Gsm7
    );
    assert_eq!(text::encode_best("Price 5€ [x]").bytes.len(), 15);
    let fa = text::encode_best("۱. رزرو نوبت");
    assert_eq!((fa.encoding, fa.data_coding), (Encoding::Ucs2, 0x08));
    let zh = text::encode_best("预约");
    assert_eq!(zh.bytes, [0x98, 0x84, 0x7E, 0xA6]);
}

#[test]
fn screen_limits_in_octets() {
    let gsm_max = "a".repeat(182);
    assert_eq!(text::octet_len(&gsm_max, Encoding::Gsm7), Some(160));
    assert_eq!(text::fits(&gsm_max, Encoding::Gsm7, 160), Ok(160));
    assert!(text::fits(&"a".repeat(183), Encoding::Gsm7, 160).is_err());
    // Extension characters cost two septets.
    assert_eq!(text::octet_len(&"€".repeat(91), Encoding::Gsm7), Some(160));
    assert!(text::fits(&"€".repeat(92), Encoding::Gsm7, 160).is_err());
    let ucs_max = "ب".repeat(80);
    assert_eq!(text::fits(&ucs_max, Encoding::Ucs2, 160), Ok(160));
    assert_eq!(text::fits(&"ب".repeat(81), Encoding::Ucs2, 160), Err(162));
    assert_eq!(text::fits("ب", Encoding::Gsm7, 160), Err(usize::MAX));
    assert_eq!(text::octet_len("é", Encoding::Latin1), Some(1));
}

#[test]
fn split_never_cuts_an_escape_or_a_surrogate_pair() {
    // Limit 3 septets: "a€" costs 3, so the next "€" must start a new part.
    let parts = text::split("a€€b", Encoding::Gsm7, 3).expect("GSM-7 text");
    assert_eq!(parts, ["a€", "€b"]);
    let parts = text::split("😀😀x", Encoding::Ucs2, 4).expect("UCS-2 carries anything");
    assert_eq!(parts, ["😀", "😀", "x"]);
    assert_eq!(text::split("😀", Encoding::Ucs2, 2), None);
    assert_eq!(text::split("", Encoding::Gsm7, 10), Some(vec![""]));
}

#[test]
fn data_coding_octets_name_the_right_charset() {
    assert_eq!(charset_for_data_coding(0x00), Charset::Gsm7);
    assert_eq!(charset_for_data_coding(0x01), Charset::Ascii);
    assert_eq!(charset_for_data_coding(0x03), Charset::Latin1);
    assert_eq!(charset_for_data_coding(0x08), Charset::Ucs2);
    assert_eq!(charset_for_data_coding(0x04), Charset::Binary);
    assert_eq!(charset_for_data_coding(0x0F), Charset::Gsm7);
    assert_eq!(charset_for_data_coding(0x48), Charset::Ucs2);
    assert_eq!(charset_for_cbs_dcs(0x0F), Charset::Gsm7);
    assert_eq!(charset_for_cbs_dcs(0x11), Charset::Ucs2);
    assert_eq!(charset_for_cbs_dcs(0x44), Charset::Binary);
    assert_eq!(charset_for_cbs_dcs(0x68), Charset::Binary, "compressed");
    assert_eq!(charset_for_cbs_dcs(0xF0), Charset::Gsm7);
    assert_eq!(charset_for_cbs_dcs(0xF4), Charset::Binary);
    assert_eq!(charset_for_cbs_dcs(0x99), Charset::Ucs2);
}

#[test]
fn decoding_falls_back_when_the_label_is_wrong() {
    let ok = text::decode_smpp(b"*4006#", 0x0F);
    assert_eq!(
        (ok.text.as_str(), ok.charset, ok.fell_back),
        ("*4006#", Charset::Gsm7, false)
    );
    // UCS-2 sent under a GSM-7 label.
    let mislabelled = text::decode_smpp(&[0x00, 0x48, 0x00, 0x69], 0x00);
    assert_eq!(
        (mislabelled.text.as_str(), mislabelled.fell_back),
        ("Hi", true)
    );
    // Packed GSM-7 sent as if unpacked.
    let packed = text::decode_smpp(&[0xE8, 0x32, 0x9B, 0xFD, 0x06], 0x0F);
    assert_eq!(
        (packed.text.as_str(), packed.charset),
        ("hello", Charset::Gsm7Packed)
    );
    // Odd-length UCS-2 is repaired, not rejected.
    assert!(text::decode_smpp(&[0x06, 0x33, 0x06], 0x08).fell_back);
    assert_eq!(text::decode_smpp(&[0xE9], 0x03).text, "é");
    assert!(text::decode_smpp(&[0xFF, 0x00], 0x04).fell_back);
    assert!(
        text::decode_smpp(&[0xE9], 0x01).fell_back,
        "non-ASCII under an IA5 label"
    );
}

#[test]
fn decoding_arbitrary_octets_never_panics() {
    let mut state: u32 = 0x1234_5678;
    for round in 0..2000 {
        let len = round % 40;
        let octets: Vec<u8> = (0..len)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 24) as u8
            })
            .collect();
        for dc in [0x00, 0x01, 0x03, 0x04, 0x08, 0x0F, 0x48, 0xF4, 0x99] {
            let decoded = text::decode_smpp(&octets, dc);
            assert!(decoded.text.chars().count() <= octets.len() * 8 / 7 + 1);
        }
    }
}
