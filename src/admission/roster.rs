//! Roster files: a CSV with one insured person per row, validated row by row and imported
//! all-or-nothing. Rows stream to the store's writer in batches while the file is read, so
//! memory stays flat; any rejected row makes the whole file roll back.
//!
//! Columns (header required, in any order): `national_id, name, birth_date, sex,
//! coverage, paid_through, head_id, region, primary_facility, referrals`. Dates are
//! `YYYY-MM-DD`; `sex` is `F`/`M`; `coverage` is `active`, `suspended` or `ended`;
//! `paid_through`, `head_id`, `primary_facility` and `referrals` may be empty;
//! `referrals` is a `;`-separated list of service ids.

use std::io::Read;
use std::sync::mpsc;

use chrono::NaiveDate;

use super::national_id::Profile;
use crate::store::api::{ImportOutcome, RosterBatch};
use crate::store::model::{Coverage, Person, Sex};
use crate::store::{AdmissionStore, StoreError};

/// Rows sent to the writer at once.
pub const BATCH_ROWS: usize = 10_000;

/// Rejected rows reported in full; past this only the count grows.
pub const MAX_REPORTED: usize = 1_000;

const COLUMNS: [&str; 10] = [
    "national_id",
    "name",
    "birth_date",
    "sex",
    "coverage",
    "paid_through",
    "head_id",
    "region",
    "primary_facility",
    "referrals",
];

/// One row that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line in the file.
    pub line: u64,
    /// Why, in words an operator can act on (never the ID itself).
    pub reason: String,
}

/// How an import went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// Rows read (header excluded).
    pub rows: u64,
    /// Rows stored: all of them, or 0 when anything was rejected.
    pub stored: u64,
    /// The first [`MAX_REPORTED`] rejected rows.
    pub rejected: Vec<Rejected>,
    /// All rejected rows.
    pub rejected_count: u64,
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The header lacks a required column.
    #[error("the header has no {0:?} column (columns: {cols})", cols = COLUMNS.join(","))]
    MissingColumn(&'static str),
    /// The file is not readable CSV (I/O error, broken quoting, not UTF-8).
    #[error("line {line}: {message}")]
    Csv {
        /// Line of the problem.
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// The store failed; nothing was stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Column positions found in the header.
struct Layout([usize; 10]);

impl Layout {
    fn new(header: &csv::StringRecord) -> Result<Self, RosterError> {
        let mut at = [0; 10];
        for (slot, name) in at.iter_mut().zip(COLUMNS) {
            *slot = header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
                .ok_or(RosterError::MissingColumn(name))?;
        }
        Ok(Self(at))
    }

    fn field<'r>(&self, record: &'r csv::StringRecord, column: usize) -> &'r str {
        self.0
            .get(column)
            .and_then(|&i| record.get(i))
            .map_or("", str::trim)
    }
}

/// Validates one row into a [`Person`].
fn person(
    layout: &Layout,
    record: &csv::StringRecord,
    profile: &Profile,
    today: NaiveDate,
) -> Result<Person, String> {
    let f = |c| layout.field(record, c);
    let id = |col: &str, text: &str| {
        profile
            .parse(text, today)
            .map(|id| id.as_str().to_owned())
            .map_err(|e| format!("{col}: {e}"))
    };
    let date = |col: &str, text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| format!("{col}: {text:?} is not a YYYY-MM-DD date"))
    };
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    let name = f(1);
    if name.is_empty() {
        return Err("name is empty".into());
    }
    let region = f(7);
    if region.is_empty() {
        return Err("region is empty".into());
    }
    Ok(Person {
        national_id: id("national_id", f(0))?,
        name: name.to_owned(),
        birth_date: Some(date("birth_date", f(2))?),
        sex: Some(Sex::parse(f(3)).ok_or_else(|| format!("sex: {:?} is not F or M", f(3)))?),
        coverage: Coverage::parse(f(4))
            .ok_or_else(|| format!("coverage: {:?} is not active, suspended or ended", f(4)))?,
        paid_through: optional(f(5))
            .map(|t| date("paid_through", &t))
            .transpose()?,
        head_id: optional(f(6)).map(|t| id("head_id", &t)).transpose()?,
        region: region.to_owned(),
        primary_facility: optional(f(8)),
        referrals: f(9)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Imports a roster CSV from `input` all-or-nothing. `progress` is called after each
/// batch with the bytes and rows read so far.
pub fn import_csv(
    store: &dyn AdmissionStore,
    profile: &Profile,
    today: NaiveDate,
    input: impl Read,
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportReport, RosterError> {
    let (batches, queue) = mpsc::sync_channel::<RosterBatch>(4);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || store.import_roster(Box::new(queue.into_iter())));
        let read = read_rows(input, profile, today, &batches, &mut progress);
        let last = match &read {
            Ok(report) if report.rejected_count == 0 => RosterBatch::Commit,
            _ => RosterBatch::Abort,
        };
        // The writer may already have stopped on a store error; that error is reported below.
        let _ = batches.send(last);
        drop(batches);
        let stored = writer
            .join()
            .map_err(|_| StoreError::WriterGone)
            .and_then(|r| r)?;
        let mut report = read?;
        report.stored = match stored {
            ImportOutcome::Committed { rows } => rows,
            ImportOutcome::RolledBack => 0,
        };
        Ok(report)
    })
}

fn read_rows(
    input: impl Read,
    profile: &Profile,
    today: NaiveDate,
    batches: &mpsc::SyncSender<RosterBatch>,
    progress: &mut impl FnMut(u64, u64),
) -> Result<ImportReport, RosterError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let csv_error = |e: csv::Error| RosterError::Csv {
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let layout = Layout::new(reader.headers().map_err(csv_error)?)?;
    let mut report = ImportReport::default();
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_error)? {
        report.rows += 1;
        let line = record.position().map_or(0, |p| p.line());
        match person(&layout, &record, profile, today) {
            Ok(p) if report.rejected_count == 0 => batch.push(p),
            Ok(_) => {}
            Err(reason) => {
                report.rejected_count += 1;
                if report.rejected.len() < MAX_REPORTED {
                    report.rejected.push(Rejected { line, reason });
                }
                batch.clear();
            }
        }
        if batch.len() >= BATCH_ROWS {
            let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            if batches.send(RosterBatch::Rows(rows)).is_err() {
                break; // the writer failed; its error is reported by the caller
            }
            progress(reader.position().byte(), report.rows);
        }
    }
    if !batch.is_empty() {
        let _ = batches.send(RosterBatch::Rows(batch));
    }
    progress(reader.position().byte(), report.rows);
    Ok(report)
}
