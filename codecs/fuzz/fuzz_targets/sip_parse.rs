//! SIP parsing never panics, typed headers and SDP never panic, and printing is stable.
//! Seeds: `cargo fuzz run sip_parse ../fixtures/sip/accept ../fixtures/sip/reject`.
#![no_main]

use hotline_codecs::sdp::SessionDescription;
use hotline_codecs::sip::Message;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = Message::parse(data) else { return };
    let printed = match &msg {
        Message::Request(r) => {
            let _ = r.check();
            let _ = r.from();
            let _ = r.top_via();
            let _ = SessionDescription::parse(&r.body).and_then(|s| s.negotiate());
            r.to_bytes()
        }
        Message::Response(r) => r.to_bytes(),
    };
    let again = Message::parse(&printed).expect("our print parses");
    let reprinted = match &again {
        Message::Request(r) => r.to_bytes(),
        Message::Response(r) => r.to_bytes(),
    };
    assert_eq!(printed, reprinted);
});
