//! The SIP golden files (`fixtures/sip/accept`, `fixtures/sip/reject`, in the style of the
//! RFC 4475 torture tests): what must parse and check, what must be refused, and that no
//! prefix or one-byte corruption of any of them panics the parser.

use std::path::{Path, PathBuf};

use hotline_codecs::sdp::SessionDescription;
use hotline_codecs::sip::{dtmf, Message, NameAddr, Request, Via};

fn files(kind: &str) -> Vec<(String, Vec<u8>)> {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/sip")
        .join(kind);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sip"))
        .map(|p| {
            let name = p.file_stem().expect("stem").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("fixture"))
        })
        .collect();
    out.sort();
    out
}

fn request(bytes: &[u8]) -> Request {
    match Message::parse(bytes) {
        Ok(Message::Request(r)) => r,
        other => panic!("expected a request, got {other:?}"),
    }
}

/// Printing what was parsed gives a message that parses to the same print.
fn print_is_stable(msg: &Message) {
    let printed = match msg {
        Message::Request(r) => r.to_bytes(),
        Message::Response(r) => r.to_bytes(),
    };
    let again = Message::parse(&printed).unwrap_or_else(|e| {
        panic!(
            "{e}: {:?} printed from {msg:?}",
            String::from_utf8_lossy(&printed)
        )
    });
    let reprinted = match &again {
        Message::Request(r) => r.to_bytes(),
        Message::Response(r) => r.to_bytes(),
    };
    assert_eq!(printed, reprinted);
}

#[test]
fn every_accept_file_parses_checks_and_prints_stably() {
    let accepted = files("accept");
    assert!(accepted.len() >= 10, "{}", accepted.len());
    for (name, bytes) in &accepted {
        let msg = Message::parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Message::Request(req) = &msg {
            req.check().unwrap_or_else(|e| panic!("{name}: {e}"));
            for via in req.headers.list("Via") {
                Via::parse(via).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            for contact in req.headers.list("Contact") {
                NameAddr::parse(contact, "Contact").unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        print_is_stable(&msg);
    }
}

#[test]
fn accept_files_mean_what_they_say() {
    let get = |name: &str| {
        let (_, bytes) = files("accept")
            .into_iter()
            .find(|(n, _)| n == name)
            .expect("fixture exists");
        bytes
    };
    let compact = request(&get("compact_forms"));
    assert_eq!(compact.call_id(), Ok("cf@10.0.0.9"));
    let offer = SessionDescription::parse(&compact.body).expect("SDP body");
    assert_eq!(offer.negotiate().expect("PCMU").event_pt, Some(101));

    let folded = request(&get("folded_and_multivalue"));
    let vias = folded.headers.list("Via");
    assert_eq!(vias.len(), 3);
    assert_eq!(folded.top_via().expect("via").branch(), Some("z9hG4bK-fm"));
    assert_eq!(
        Via::parse(vias[2]).expect("folded via").branch(),
        Some("z9hG4bK-first")
    );
    assert_eq!(folded.headers.list("Contact").len(), 2);

    let escaped = request(&get("escaped_service_code"));
    assert_eq!(escaped.uri.user.as_deref(), Some("*123#"));
    let from = escaped.from().expect("From");
    assert_eq!(from.display.as_deref(), Some("Ali \"the caller\""));

    let lws = request(&get("lws_around_colons"));
    assert_eq!(lws.cseq().expect("CSeq").seq, 3);
    assert_eq!(lws.top_via().expect("via").branch(), Some("z9hG4bK-lws"));

    let v6 = request(&get("ipv6_hosts"));
    assert_eq!(v6.uri.host, "[2001:db8::1]");
    let ct = v6.headers.get("Content-Type").expect("type");
    assert_eq!(dtmf::info_digit(ct, &v6.body), Some('#'));

    let bare = request(&get("no_content_length_udp"));
    assert_eq!(bare.body, b"5");
    let tel = request(&get("tel_uri_and_bare_addr_spec"));
    assert_eq!(
        tel.from().expect("From").uri.user.as_deref(),
        Some("+982112345678")
    );
    assert_eq!(tel.to().expect("To").tag(), Some("y"));
}

#[test]
fn every_reject_file_is_refused() {
    let rejected = files("reject");
    assert!(rejected.len() >= 15, "{}", rejected.len());
    for (name, bytes) in &rejected {
        let refused = match Message::parse(bytes) {
            Err(_) => true,
            Ok(Message::Request(r)) => r.check().is_err(),
            Ok(Message::Response(_)) => false,
        };
        assert!(refused, "{name} must be refused");
    }
}

#[test]
fn prefixes_and_corruptions_never_panic() {
    for (_, bytes) in files("accept").into_iter().chain(files("reject")) {
        for cut in 0..bytes.len() {
            exercise(&bytes[..cut]);
        }
        for at in 0..bytes.len() {
            for flip in [0x01, 0x20, 0x80, 0xff] {
                let mut broken = bytes.clone();
                broken[at] ^= flip;
                exercise(&broken);
            }
        }
    }
}

fn exercise(bytes: &[u8]) {
    let Ok(msg) = Message::parse(bytes) else {
        return;
    };
    if let Message::Request(req) = &msg {
        let _ = req.check();
        let _ = req.from().map(|f| f.tag().map(str::len));
        let _ = SessionDescription::parse(&req.body).and_then(|s| s.negotiate());
    }
    print_is_stable(&msg);
}
