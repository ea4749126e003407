//! `hotline report`: last week (or `--from/--to`) for managers, as a terminal table with text
//! bars, or `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::{Datelike, NaiveDate};

use crate::config::Config;
use crate::report::{self, Report, ReportError};

/// `hotline report [--from DAY] [--to DAY] [--data-dir DIR] [--config FILE] [--json]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// First local day (YYYY-MM-DD); defaults to six days before --to.
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last local day, included (YYYY-MM-DD); defaults to today on the line's clock.
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// The line's config (for data_dir); embedded defaults without it.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Directory holding hotline.sqlite; overrides the config's data_dir.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// The line's local time as minutes east of UTC (Tehran 210, Jakarta 420); defaults to
    /// the config's `admission.utc_offset_minutes`.
    #[arg(long, allow_negative_numbers = true)]
    pub utc_offset_minutes: Option<i32>,
    /// Print the report as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Width of the longest bar.
const BAR: usize = 30;

/// Computes and prints the report; exit 1 when there is no store to read.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let mut clock = config.admission.clone();
    if let Some(offset) = args.utc_offset_minutes {
        clock.utc_offset_minutes = offset;
    }
    let offset = clock.utc_offset_minutes;
    let data_dir = args.data_dir.unwrap_or(config.data_dir);
    let path = data_dir.join(crate::store::sqlite::FILE_NAME);
    let to = args.to.unwrap_or_else(|| clock.local_today());
    let from = args.from.unwrap_or_else(|| report::last_week(to));
    let report = match report::compute(&path, from, to, offset) {
        Ok(report) => report,
        Err(err @ ReportError::NoStore { .. }) => {
            eprintln!("hotline report: {err}; pass --data-dir or --config");
            return Ok(ExitCode::from(1));
        }
        Err(err) => return Err(err).context("hotline report"),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// The report as a terminal page.
pub fn render(r: &Report) -> String {
    let mut out = format!(
        "Hotline report {} .. {}  ({})\n\n",
        r.from,
        r.to,
        r.store.display()
    );
    if r.is_empty() {
        out.push_str("No bookings, cancellations, tickets or seats in this range.\n");
        return out;
    }
    out.push_str(&days(r));
    out.push('\n');
    out.push_str(&clinics(r));
    out.push('\n');
    match r.no_show_rate {
        Some(rate) => out.push_str(&format!("No-show rate: {:.1}%\n", rate * 100.0)),
        None => out.push_str("No-show rate: no visit in the range was marked yet\n"),
    }
    if !r.eligibility_recorded {
        out.push_str("Eligibility outcomes: not kept in the store (see hotline_eligibility_outcomes_total on /metrics)\n");
    }
    out
}

fn days(r: &Report) -> String {
    let peak = r.days.iter().map(|d| d.booked).max().unwrap_or(0);
    let mut out = format!(
        "{:<15} {:<w$} {:>7} {:>9} {:>7}\n",
        "day",
        "bookings made",
        "booked",
        "cancelled",
        "tickets",
        w = BAR
    );
    for d in &r.days {
        out.push_str(&format!(
            "{} {:<4} {:<w$} {:>7} {:>9} {:>7}\n",
            d.date,
            d.date.weekday(),
            bar(d.booked, peak, '#'),
            d.booked,
            d.cancelled,
            d.tickets,
            w = BAR
        ));
    }
    let tickets: u64 = r.days.iter().map(|d| d.tickets).sum();
    out.push_str(&format!(
        "{:<15} {:<w$} {:>7} {:>9} {:>7}\n",
        "total",
        "",
        r.booked(),
        r.cancelled(),
        tickets,
        w = BAR
    ));
    out
}

fn clinics(r: &Report) -> String {
    if r.clinics.is_empty() {
        return "Clinic fill: no seats offered for visits in this range\n".into();
    }
    let name_w = r
        .clinics
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = format!(
        "{:<name_w$} {:<w$} {:>12} {:>6} {:>8} {:>7}\n",
        "clinic",
        "seat fill (visits in range)",
        "filled/seats",
        "fill",
        "attended",
        "no-show",
        w = BAR
    );
    for c in &r.clinics {
        let filled = bar(c.filled, c.capacity.max(c.filled), '#');
        out.push_str(&format!(
            "{:<name_w$} {:<w$} {:>12} {:>5.1}% {:>8} {:>7}\n",
            c.name,
            format!("{filled:.<BAR$}"),
            format!("{}/{}", c.filled, c.capacity),
            c.fill * 100.0,
            c.attended,
            c.no_show,
            w = BAR
        ));
    }
    out
}

/// `value` of `max` as a bar of `BAR` cells (at least one cell for a non-zero value).
fn bar(value: u64, max: u64, cell: char) -> String {
    if max == 0 || value == 0 {
        return String::new();
    }
    let cells = (value.saturating_mul(BAR as u64) / max).clamp(1, BAR as u64);
    std::iter::repeat_n(cell, usize::try_from(cells).unwrap_or(BAR)).collect()
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_to_the_peak_and_show_small_values() {
        assert_eq!(bar(0, 10, '#'), "");
        assert_eq!(bar(10, 10, '#').len(), 30);
        assert_eq!(bar(5, 10, '#').len(), 15);
        assert_eq!(bar(1, 1000, '#').len(), 1);
        assert_eq!(bar(7, 0, '#'), "");
    }
}
