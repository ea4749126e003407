//! Runs the checked-in fuzz corpus (`codecs/fuzz/corpus/smpp_decode`) through the decoder,
//! so CI exercises it without nightly: decode never panics, and what decodes re-encodes to
//! something that decodes to the same PDU.

use bytes::BytesMut;
use hotline_codecs::smpp::{decode_frame, DEFAULT_MAX_COMMAND_LENGTH};
use std::path::Path;

/// Decodes every frame in `data`; returns how many decoded.
fn exercise(data: &[u8]) -> usize {
    let mut buf = BytesMut::from(data);
    let mut decoded = 0;
    while let Ok(Some(pdu)) = decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH) {
        let mut again = BytesMut::new();
        pdu.encode(&mut again);
        let back = decode_frame(&mut again, DEFAULT_MAX_COMMAND_LENGTH)
            .expect("our encoding decodes")
            .expect("our encoding is a whole frame");
        assert_eq!(back, pdu);
        decoded += 1;
    }
    decoded
}

#[test]
fn corpus_never_panics_and_is_stable() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/smpp_decode");
    let mut files = 0;
    let mut decoded = 0;
    for entry in std::fs::read_dir(dir).expect("corpus directory") {
        let data = std::fs::read(entry.expect("entry").path()).expect("corpus file");
        decoded += exercise(&data);
        for cut in 0..data.len() {
            exercise(data.get(..cut).unwrap_or_default());
        }
        files += 1;
    }
    assert!(files >= 30, "corpus too small: {files}");
    assert!(decoded >= 28, "too few corpus seeds decode: {decoded}");
}

#[test]
fn malformed_seeds_are_typed_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/smpp_decode");
    for name in [
        "bad_length_huge.bin",
        "bad_length_too_small.bin",
        "bad_cstring_no_nul.bin",
    ] {
        let data = std::fs::read(dir.join(name)).expect("seed");
        let mut buf = BytesMut::from(&data[..]);
        let err = decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH).expect_err(name);
        assert!(!err.field.is_empty(), "{name}: {err}");
    }
}
