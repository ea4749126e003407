//! The managers' report over a date range, read from the admission store without writing to
//! it: bookings made and cancelled per day, seat fill and no-shows per clinic for the visits
//! in the range, and the complaints and callbacks opened.
//!
//! Days are the line's local days (`utc_offset_minutes` east of UTC): timestamps in the store
//! are UTC milliseconds, visit dates are already local. The store is opened read-only, so the
//! report can run beside `hotline serve` without taking the writer's lock.

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

/// Why a report could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// No store file exists at the path: the line has never run with this data directory.
    #[error("no store at {path}: the line has not run with this data directory yet")]
    NoStore {
        /// Where the file was looked for.
        path: PathBuf,
    },
    /// `from` is after `to`.
    #[error("the range {from}..{to} is empty: --from must not be after --to")]
    EmptyRange {
        /// First day asked for.
        from: NaiveDate,
        /// Last day asked for.
        to: NaiveDate,
    },
    /// The file is not a Hotline store, or one this build cannot read.
    #[error("{path} is not a readable Hotline store: {source}")]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
}

/// One local day of activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayRow {
    /// The local day.
    pub date: NaiveDate,
    /// Bookings made that day (whatever their status is now).
    pub booked: u64,
    /// Bookings cancelled that day.
    pub cancelled: u64,
    /// Complaints and callback requests opened that day.
    pub tickets: u64,
}

/// One clinic's seats for the visits in the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClinicRow {
    /// The facility id.
    pub id: String,
    /// Its name (English when it has one).
    pub name: String,
    /// Seats offered.
    pub capacity: u64,
    /// Seats held by active or attended bookings (and no-shows: the seat was held).
    pub filled: u64,
    /// `filled / capacity`, 0 when nothing was offered.
    pub fill: f64,
    /// Visits marked attended.
    pub attended: u64,
    /// Visits marked no-show.
    pub no_show: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The store read.
    pub store: PathBuf,
    /// First local day.
    pub from: NaiveDate,
    /// Last local day (included).
    pub to: NaiveDate,
    /// Every day of the range, oldest first, zero rows included.
    pub days: Vec<DayRow>,
    /// Clinics with seats in the range, by id.
    pub clinics: Vec<ClinicRow>,
    /// No-shows over visits marked attended or no-show; `None` when none were marked.
    pub no_show_rate: Option<f64>,
    /// Eligibility outcomes are counted by the `/metrics` endpoint, not kept in the store.
    pub eligibility_recorded: bool,
}

impl Report {
    /// Bookings made in the range.
    pub fn booked(&self) -> u64 {
        self.days.iter().map(|d| d.booked).sum()
    }

    /// Bookings cancelled in the range.
    pub fn cancelled(&self) -> u64 {
        self.days.iter().map(|d| d.cancelled).sum()
    }

    /// True when nothing at all happened in the range and no seats were offered.
    pub fn is_empty(&self) -> bool {
        self.clinics.is_empty()
            && self
                .days
                .iter()
                .all(|d| d.booked + d.cancelled + d.tickets == 0)
    }
}

/// The seven local days ending on `to`.
pub fn last_week(to: NaiveDate) -> NaiveDate {
    to.checked_sub_days(Days::new(6)).unwrap_or(to)
}

/// Computes the report for `from..=to` from the store file at `path`.
pub fn compute(
    path: &Path,
    from: NaiveDate,
    to: NaiveDate,
    utc_offset_minutes: i32,
) -> Result<Report, ReportError> {
    if from > to {
        return Err(ReportError::EmptyRange { from, to });
    }
    if !path.is_file() {
        return Err(ReportError::NoStore {
            path: path.to_owned(),
        });
    }
    let sql = |source| ReportError::Sqlite {
        path: path.to_owned(),
        source,
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    let range = Range {
        from: from.to_string(),
        to: to.to_string(),
        offset_secs: i64::from(utc_offset_minutes) * 60,
    };
    let days = days(&conn, &range, from, to).map_err(sql)?;
    let clinics = clinics(&conn, &range).map_err(sql)?;
    let (attended, no_show) = clinics
        .iter()
        .fold((0, 0), |(a, n), c| (a + c.attended, n + c.no_show));
    Ok(Report {
        store: path.to_owned(),
        from,
        to,
        days,
        clinics,
        no_show_rate: (attended + no_show > 0)
            .then(|| no_show as f64 / (attended + no_show) as f64),
        eligibility_recorded: false,
    })
}

struct Range {
    from: String,
    to: String,
    offset_secs: i64,
}

/// `SELECT local_day, count(*)` of a table's millisecond column within the range.
fn per_day(
    conn: &Connection,
    range: &Range,
    table: &str,
    column: &str,
    filter: &str,
) -> rusqlite::Result<Vec<(String, u64)>> {
    let local = format!("date({column} / 1000 + ?3, 'unixepoch')");
    let mut stmt = conn.prepare(&format!(
        "SELECT {local} AS day, count(*) FROM {table}
         WHERE {filter} AND {local} BETWEEN ?1 AND ?2 GROUP BY day"
    ))?;
    let rows = stmt.query_map((&range.from, &range.to, range.offset_secs), |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?.unsigned_abs(),
        ))
    })?;
    rows.collect()
}

fn days(
    conn: &Connection,
    range: &Range,
    from: NaiveDate,
    to: NaiveDate,
) -> rusqlite::Result<Vec<DayRow>> {
    let booked = per_day(conn, range, "booking", "created_at_ms", "1")?;
    let cancelled = per_day(
        conn,
        range,
        "booking",
        "updated_at_ms",
        "status = 'cancelled'",
    )?;
    let tickets = per_day(conn, range, "ticket", "created_at_ms", "1")?;
    let on = |rows: &[(String, u64)], day: &str| {
        rows.iter().find(|(d, _)| d == day).map_or(0, |(_, n)| *n)
    };
    Ok(from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let day = date.to_string();
            DayRow {
                date,
                booked: on(&booked, &day),
                cancelled: on(&cancelled, &day),
                tickets: on(&tickets, &day),
            }
        })
        .collect())
}

fn clinics(conn: &Connection, range: &Range) -> rusqlite::Result<Vec<ClinicRow>> {
    let mut stmt = conn.prepare(
        "SELECT f.id, f.names,
                (SELECT coalesce(sum(s.capacity), 0) FROM slot s
                  WHERE s.facility_id = f.id AND s.date BETWEEN ?1 AND ?2),
                count(b.id) FILTER (WHERE b.status IN ('active', 'attended', 'no_show')),
                count(b.id) FILTER (WHERE b.status = 'attended'),
                count(b.id) FILTER (WHERE b.status = 'no_show')
         FROM facility f
         LEFT JOIN slot s ON s.facility_id = f.id AND s.date BETWEEN ?1 AND ?2
         LEFT JOIN booking b ON b.slot_id = s.id
         GROUP BY f.id ORDER BY f.id",
    )?;
    let rows = stmt.query_map((&range.from, &range.to), |row| {
        let capacity = row.get::<_, i64>(2)?.unsigned_abs();
        let filled = row.get::<_, i64>(3)?.unsigned_abs();
        Ok(ClinicRow {
            id: row.get(0)?,
            name: english_name(&row.get::<_, String>(1)?).unwrap_or_default(),
            capacity,
            filled,
            fill: if capacity == 0 {
                0.0
            } else {
                filled as f64 / capacity as f64
            },
            attended: row.get::<_, i64>(4)?.unsigned_abs(),
            no_show: row.get::<_, i64>(5)?.unsigned_abs(),
        })
    })?;
    let mut out: Vec<ClinicRow> = rows.collect::<rusqlite::Result<_>>()?;
    out.retain(|c| c.capacity > 0 || c.filled > 0);
    for c in &mut out {
        if c.name.is_empty() {
            c.name.clone_from(&c.id);
        }
    }
    Ok(out)
}

/// The `en` name of a names object (`{"en": "…", "fa": "…"}`), else any name.
fn english_name(names: &str) -> Option<String> {
    let map: std::collections::BTreeMap<String, String> = serde_json::from_str(names).ok()?;
    map.get("en").or_else(|| map.values().next()).cloned()
}
