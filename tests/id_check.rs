//! `hotline id check` as ops run it: the real binary, IDs as arguments and on stdin.

use std::io::Write;
use std::process::{Command, Stdio};

fn hotline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hotline"))
}

#[test]
fn valid_ids_print_what_they_encode_and_exit_0() {
    let out = hotline()
        .args(["id", "check", "--profile", "id", "--today", "2026-12-03"])
        .arg("3171-0152-0190-0001")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim_end(),
        "valid\t3171015201900001\tbirth=1990-01-12\tsex=female\tregion=317101"
    );
}

#[test]
fn any_invalid_id_gives_its_reason_and_exit_1() {
    let out = hotline()
        .args(["id", "check", "--profile", "ir", "0499370899", "0499370898"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("valid\t0499370899"), "{text}");
    assert!(
        lines[1].starts_with("invalid\t0499370898\tbad_check_digit"),
        "{text}"
    );
}

#[test]
fn stdin_json_one_object_per_line() {
    let mut child = hotline()
        .args([
            "id",
            "check",
            "--profile",
            "generic",
            "--pattern",
            "[A-Z]{2}[0-9]{4}",
        ])
        .arg("--json")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin was piped");
    stdin
        .write_all(b"AB-1234\n\nab1234\n")
        .expect("stdin accepts");
    drop(stdin);
    let out = child.wait_with_output().expect("the binary ends");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(rows.len(), 2, "the blank line is skipped");
    assert_eq!(rows[0]["id"], "AB1234");
    assert_eq!(rows[0]["valid"], true);
    assert_eq!(rows[1]["code"], "pattern_mismatch");
}

#[test]
fn generic_without_pattern_is_a_usage_error() {
    let out = hotline()
        .args(["id", "check", "--profile", "generic", "X"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
}
