//! `hotline pdu decode`, run as the real binary on the golden fixtures and on broken input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/smpp")
        .join(name)
}

fn hotline(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hotline binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(pipe);
    child.wait_with_output().expect("hotline finishes")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_ussd_deliver_sm_fixture_is_explained_field_by_field() {
    let path = fixture("deliver_sm_ussd_session.hex");
    let out = hotline(
        &["pdu", "decode", "--file", path.to_str().expect("utf-8")],
        None,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    for expected in [
        "deliver_sm (78 octets)",
        "ESME_ROK",
        "sequence_number                    11",
        "\"989121234567\"",
        "\"*123#\"",
        "\"1\" (GSM-7)",
        "18 (USSR confirm)",
        "session number 10, sequence number 0, end of session: yes",
        "reference 42",
        "vendor or unknown tag 0x1403",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn the_real_gateway_fixture_reads_from_stdin_and_names_the_op() {
    let hex = std::fs::read_to_string(fixture("deliver_sm_real_gateway.hex")).expect("fixture");
    let out = hotline(&["pdu", "decode", "-"], Some(&hex));
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(text.contains("\"*4006#\" (GSM-7)"), "{text}");
    assert!(text.contains("1 (PSSR indication)"), "{text}");
    assert!(text.contains("\"P2\""), "{text}");
}

#[test]
fn ucs2_persian_text_is_decoded_per_data_coding() {
    let path = fixture("submit_sm_ucs2_persian.hex");
    let out = hotline(
        &["pdu", "decode", "-f", path.to_str().expect("utf-8")],
        None,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("\"سلام\" (UCS-2)"), "{text}");
}

#[test]
fn json_output_carries_the_typed_tlvs() {
    let path = fixture("deliver_sm_ussd_session.hex");
    let out = hotline(
        &[
            "pdu",
            "decode",
            "--json",
            "--file",
            path.to_str().expect("utf-8"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert!(doc["error"].is_null());
    let pdu = &doc["pdus"][0];
    assert_eq!(pdu["command_id"]["name"], "deliver_sm");
    assert_eq!(pdu["sequence_number"], 11);
    assert_eq!(pdu["tlvs"][0]["name"], "ussd_service_op");
    assert_eq!(pdu["tlvs"][0]["value_hex"], "12");
    assert_eq!(pdu["tlvs"][1]["tag"], 0x1383);
}

#[test]
fn every_fixture_decodes_with_exit_status_zero() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/smpp");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("fixtures/smpp") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "hex") {
            continue;
        }
        let out = hotline(
            &["pdu", "decode", "--file", path.to_str().expect("utf-8")],
            None,
        );
        assert!(out.status.success(), "{}: {}", path.display(), stderr(&out));
        assert!(
            stdout(&out).contains("command_status"),
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 30, "only {seen} fixtures");
}

#[test]
fn back_to_back_pdus_are_explained_in_turn() {
    let out = hotline(
        &[
            "pdu",
            "decode",
            "0x00000010 00000015 00000000 00000001",
            "00000010 80000015 00000000 00000001",
        ],
        None,
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("enquire_link (16 octets)"), "{text}");
    assert!(text.contains("enquire_link_resp (16 octets)"), "{text}");
}

#[test]
fn a_malformed_pdu_gives_the_typed_error_and_a_failure_status() {
    // submit_sm whose service_type has no NULL terminator.
    let out = hotline(
        &[
            "pdu",
            "decode",
            "00000014 00000004 00000000 00000002 55535344",
        ],
        None,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("command:          submit_sm"), "{err}");
    assert!(err.contains("field:            service_type"), "{err}");
    assert!(err.contains("ESME_RINVSERTYP"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_malformed_pdu_in_json_names_the_field_and_status() {
    let out = hotline(
        &[
            "pdu",
            "decode",
            "--json",
            "00000005 00000015 00000000 00000001",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["error"]["field"], "command_length");
    assert_eq!(doc["error"]["command_status_name"], "ESME_RINVCMDLEN");
    assert_eq!(doc["error"]["resync"], false);
}

#[test]
fn truncated_and_non_hex_input_are_refused_without_a_panic() {
    let out = hotline(&["pdu", "decode", "0000004e00000005"], None);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("command_length says 78 octets, 8 given"),
        "{err}"
    );

    let out = hotline(&["pdu", "decode", "00 zz"], None);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("column 4: 'z' is not a hex digit"), "{err}");

    let out = hotline(&["pdu", "decode", "abc"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("3 hex digits"));
}

#[test]
fn an_encoded_ussd_submit_sm_decodes_to_the_flags_it_was_built_from() {
    let built = hotline(
        &[
            "pdu",
            "encode",
            "submit-sm",
            "--source",
            "989121234567",
            "--text",
            "سلام",
            "--ussd-op",
            "1",
            "--its",
            "0x0100",
            "--seq",
            "7",
        ],
        None,
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let hex = stdout(&built);
    let decoded = hotline(&["pdu", "decode", "--json", "-"], Some(&hex));
    assert!(decoded.status.success(), "{}", stderr(&decoded));
    let json: serde_json::Value = serde_json::from_str(&stdout(&decoded)).expect("json");
    let text = json.to_string();
    for wanted in ["submit_sm", "989121234567", "سلام", "PSSR indication"] {
        assert!(text.contains(wanted), "{wanted} missing from {text}");
    }
    let bind = hotline(
        &[
            "pdu",
            "encode",
            "bind",
            "--system-id",
            "demo",
            "--password",
            "demo",
        ],
        None,
    );
    assert!(
        stdout(&bind).starts_with("00 00 00 1f 00 00 00 09"),
        "{}",
        stdout(&bind)
    );
    let refused = hotline(
        &[
            "pdu",
            "encode",
            "bind",
            "--system-id",
            "a-system-id-that-is-far-too-long",
            "--password",
            "x",
        ],
        None,
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("system_id is too long"),
        "{}",
        stderr(&refused)
    );
}
