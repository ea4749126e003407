//! SMPP decode never panics, and decode -> encode -> decode is stable.
#![no_main]

use bytes::BytesMut;
use hotline_codecs::smpp::{decode_frame, DEFAULT_MAX_COMMAND_LENGTH};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    while let Ok(Some(pdu)) = decode_frame(&mut buf, DEFAULT_MAX_COMMAND_LENGTH) {
        let mut again = BytesMut::new();
        pdu.encode(&mut again);
        let back = decode_frame(&mut again, DEFAULT_MAX_COMMAND_LENGTH);
        assert!(matches!(back, Ok(Some(ref p)) if *p == pdu), "unstable: {pdu:?}");
    }
});
