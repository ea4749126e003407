//! Roster import of 1,000,000 rows (issue 5 goal: under 15 s): generates a CSV in a temp
//! dir, then times `roster::import_csv` (parse, validate every ID, store in one
//! transaction). Plain bench: `cargo bench -p hotline-bench --bench roster_import`.

use std::io::Write;
use std::time::Instant;

use chrono::NaiveDate;
use hotline::admission::national_id::Profile;
use hotline::admission::roster::import_csv;
use hotline::store::{Durability, SqliteStore, StoreConfig};

const ROWS: u64 = 1_000_000;

/// A valid Iranian code melli for `n`.
fn code_melli(n: u64) -> String {
    let body = format!("{:09}", 100_000_000 + n);
    let sum: u32 = body
        .chars()
        .filter_map(|c| c.to_digit(10))
        .zip((2..=10).rev())
        .map(|(d, w)| d * w)
        .sum();
    let check = match sum % 11 {
        r @ (0 | 1) => r,
        r => 11 - r,
    };
    format!("{body}{check}")
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("roster.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(out, "national_id,name,birth_date,sex,coverage,paid_through,head_id,region,primary_facility,referrals")?;
    for n in 0..ROWS {
        let head = if n % 4 == 3 {
            code_melli(n - 1)
        } else {
            String::new()
        };
        let sex = if n % 2 == 0 { "F" } else { "M" };
        writeln!(
            out,
            "{},Person {n},1980-01-{:02},{sex},active,2030-12-31,{head},r{},f{},",
            code_melli(n),
            1 + n % 28,
            n % 30,
            n % 300
        )?;
    }
    out.flush()?;
    drop(out);
    let size = std::fs::metadata(&path)?.len();
    let store = SqliteStore::open(&StoreConfig {
        durability: Durability::Full,
        ..StoreConfig::new(dir.path().join("data"))
    })?;
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let start = Instant::now();
    let file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(&path)?);
    let report = import_csv(&store, &Profile::Ir, today, file, |_, _| {})?;
    let elapsed = start.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.stored == ROWS,
        "stored {} of {ROWS}: {:?}",
        report.stored,
        report.rejected.first()
    );
    println!(
        "roster_import: {ROWS} rows ({} MB) in {elapsed:.2} s ({:.0} rows/s)",
        size / 1_000_000,
        ROWS as f64 / elapsed
    );
    Ok(())
}
