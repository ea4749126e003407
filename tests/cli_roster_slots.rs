//! `hotline roster import` and `hotline slots generate`, run as the real binary against a
//! real data directory.

use std::process::Command;

fn hotline(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(args)
        .output()
        .expect("the hotline binary runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn people(dir: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("hotline.sqlite")).expect("store exists");
    conn.query_row("SELECT COUNT(*) FROM person", [], |r| r.get(0))
        .expect("person table exists")
}

const HEADER: &str =
    "national_id,name,birth_date,sex,coverage,paid_through,head_id,region,primary_facility,referrals\n";

#[test]
fn a_good_roster_imports_and_a_bad_row_rolls_back_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let data_arg = data.to_str().expect("utf-8 temp path");
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "{HEADER}0012345679,Ali Rezaei,1980-04-02,M,active,2030-12-31,,ir-thr,ir-thr-1,cardiology;dental\n\
             0045789126,Maryam Rezaei,1984-09-21,F,ended,,0012345679,ir-thr,ir-thr-1,\n"
        ),
    )
    .expect("write csv");
    let (ok, text) = hotline(&[
        "roster",
        "import",
        "--quiet",
        "--data-dir",
        data_arg,
        good.to_str().expect("utf-8"),
    ]);
    assert!(ok, "{text}");
    assert!(text.contains("imported 2 rows"), "{text}");
    assert_eq!(people(&data), 2);

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{HEADER}0077889916,Reza Karimi,1975-01-10,M,active,,,ir-thr,,\n\
             0012345678,Typo,1990-01-01,M,active,,,ir-thr,,\n\
             0023456787,Hassan Moradi,1990-13-30,M,active,,,ir-thr,,\n"
        ),
    )
    .expect("write csv");
    let (ok, text) = hotline(&[
        "roster",
        "import",
        "--quiet",
        "--data-dir",
        data_arg,
        bad.to_str().expect("utf-8"),
    ]);
    assert!(!ok, "{text}");
    assert!(text.contains("bad.csv:3: national_id"), "{text}");
    assert!(text.contains("bad.csv:4: birth_date"), "{text}");
    assert!(!text.contains("0012345678"), "IDs are not echoed: {text}");
    assert_eq!(people(&data), 2, "nothing of the bad file was stored");
}

#[test]
fn slots_generate_adds_only_missing_slots() {
    let dir = tempfile::tempdir().expect("temp dir");
    let today = chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("valid date");
    let config = hotline::config::Config {
        data_dir: dir.path().to_owned(),
        ..hotline::config::Config::default()
    };
    drop(hotline::admission::open(&config, today).expect("demo line opens"));
    let data_arg = dir.path().to_str().expect("utf-8 temp path");
    let args = [
        "slots",
        "generate",
        "--data-dir",
        data_arg,
        "--from",
        "2030-01-10",
        "--days",
        "7",
    ];
    let (ok, text) = hotline(&args);
    assert!(ok, "{text}");
    assert!(!text.starts_with("0 new"), "{text}");
    let (ok, text) = hotline(&args);
    assert!(ok && text.starts_with("0 new"), "{text}");
}
