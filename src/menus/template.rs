//! Text templates: `Your visit is on {booking.date|date} at {booking.time|time}.`
//!
//! `{path}` inserts a variable, `{path|format}` formats it for the session language, and
//! `{{` / `}}` are literal braces. The formats are `date` (`YYYY-MM-DD`, Jalali with month
//! names for Persian), `time` (`HH:MM`), `number`, `digits` (the language's own digits) and
//! `mask` (all but the last four characters hidden, for IDs read back to a caller).

use serde_json::{Map, Value};

use super::vars::{display, lookup};

/// A compiled template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(String),
    Var {
        path: Vec<String>,
        format: Option<Format>,
    },
}

/// How a variable is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A calendar date.
    Date,
    /// A clock time.
    Time,
    /// A number in the language's digits.
    Number,
    /// Any text with ASCII digits turned into the language's digits.
    Digits,
    /// Everything but the last four characters masked.
    Mask,
}

/// Why a template did not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{` without its `}`.
    #[error("`{{` at character {0} is not closed; write `{{{{` for a literal brace")]
    Unclosed(usize),
    /// A `}` without a `{`.
    #[error("`}}` at character {0} has no opening brace; write `}}}}` for a literal brace")]
    Stray(usize),
    /// `{}` or `{a..b}`.
    #[error("`{{{0}}}` is not a variable name")]
    BadName(String),
    /// `{x|nope}`.
    #[error("unknown format `{0}`: use date, time, number, digits or mask")]
    UnknownFormat(String),
}

impl Template {
    /// Compiles `source`.
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let mut chars = source.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                    chars.next();
                    lit.push('}');
                }
                '}' => return Err(TemplateError::Stray(at)),
                '{' => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some((_, '}')) => break,
                            Some((_, c)) => inner.push(c),
                            None => return Err(TemplateError::Unclosed(at)),
                        }
                    }
                    if !lit.is_empty() {
                        pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    pieces.push(parse_var(&inner)?);
                }
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        Ok(Template { pieces })
    }

    /// The variable paths the template reads.
    pub fn vars(&self) -> impl Iterator<Item = &[String]> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var { path, .. } => Some(path.as_slice()),
            Piece::Lit(_) => None,
        })
    }

    /// True when the template is plain text.
    pub fn is_literal(&self) -> bool {
        self.vars().next().is_none()
    }

    /// Renders against `vars` in `lang`; a missing variable renders empty.
    pub fn render(&self, vars: &Map<String, Value>, lang: &str) -> String {
        self.render_with(|path| lookup(vars, path), lang)
    }

    /// Renders a menu item's label: `item.…` reads `item`, everything else `vars`.
    pub fn render_item(&self, vars: &Map<String, Value>, item: &Value, lang: &str) -> String {
        self.render_with(
            |path| match path.split_first() {
                Some((first, rest)) if first == "item" => {
                    rest.iter().try_fold(item, |v, seg| match v {
                        Value::Object(map) => map.get(seg),
                        Value::Array(list) => list.get(seg.parse::<usize>().ok()?),
                        _ => None,
                    })
                }
                _ => lookup(vars, path),
            },
            lang,
        )
    }

    fn render_with<'v>(
        &self,
        resolve: impl Fn(&[String]) -> Option<&'v Value>,
        lang: &str,
    ) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Lit(s) => out.push_str(s),
                Piece::Var { path, format } => {
                    let value = resolve(path).map(display).unwrap_or_default();
                    match format {
                        None => out.push_str(&value),
                        Some(f) => out.push_str(&format_value(&value, *f, lang)),
                    }
                }
            }
        }
        out
    }
}

impl Template {
    /// Renders with a typical value in place of every variable, to measure a screen before
    /// any caller reaches it: eight characters of text, or a sample date, time or ID.
    pub fn render_sample(&self, lang: &str) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Lit(s) => out.push_str(s),
                Piece::Var { format, .. } => {
                    let sample = match format {
                        Some(Format::Date) => "2026-12-05",
                        Some(Format::Time) => "09:30",
                        Some(Format::Mask) => "0012345679",
                        Some(Format::Number | Format::Digits) => "12",
                        None => "XXXXXXXX",
                    };
                    match format {
                        Some(f) => out.push_str(&format_value(sample, *f, lang)),
                        None => out.push_str(sample),
                    }
                }
            }
        }
        out
    }
}

fn parse_var(inner: &str) -> Result<Piece, TemplateError> {
    let (name, format) = match inner.split_once('|') {
        Some((name, format)) => (name.trim(), Some(format.trim())),
        None => (inner.trim(), None),
    };
    let path: Vec<String> = name.split('.').map(str::to_owned).collect();
    let valid = |s: &String| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !path.iter().all(valid) {
        return Err(TemplateError::BadName(inner.to_owned()));
    }
    let format = match format {
        None => None,
        Some("date") => Some(Format::Date),
        Some("time") => Some(Format::Time),
        Some("number") => Some(Format::Number),
        Some("digits") => Some(Format::Digits),
        Some("mask") => Some(Format::Mask),
        Some(other) => return Err(TemplateError::UnknownFormat(other.to_owned())),
    };
    Ok(Piece::Var { path, format })
}

/// Formats `value` for `lang`; a value the format cannot read is shown as it is.
pub fn format_value(value: &str, format: Format, lang: &str) -> String {
    match format {
        Format::Date => format_date(value, lang).unwrap_or_else(|| value.to_owned()),
        Format::Time | Format::Number | Format::Digits => localise_digits(value, lang),
        Format::Mask => {
            let count = value.chars().count();
            value
                .chars()
                .enumerate()
                .map(|(i, c)| if i + 4 < count { '*' } else { c })
                .collect()
        }
    }
}

/// ASCII digits in the language's own script (Persian digits for `fa`).
pub fn localise_digits(text: &str, lang: &str) -> String {
    if lang != "fa" {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(0x06F0 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn format_date(value: &str, lang: &str) -> Option<String> {
    // A `YYYY-MM-DD HH:MM` value (a ticket's due time) keeps its time after the date.
    if let Some((day, time)) = value.split_once(' ') {
        let date = format_date(day, lang)?;
        return Some(format!("{date} {}", localise_digits(time, lang)));
    }
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    let (m, d) = (date.month() as usize, date.day());
    let weekday = date.weekday().num_days_from_monday() as usize;
    Some(match lang {
        "fa" => {
            const MONTHS: [&str; 12] = [
                "فروردین",
                "اردیبهشت",
                "خرداد",
                "تیر",
                "مرداد",
                "شهریور",
                "مهر",
                "آبان",
                "آذر",
                "دی",
                "بهمن",
                "اسفند",
            ];
            let (_, jm, jd) = gregorian_to_jalali(date.year(), m as i32, d as i32);
            let month = MONTHS.get((jm - 1) as usize).copied().unwrap_or_default();
            localise_digits(&format!("{jd} {month}"), lang)
        }
        "id" => {
            const DAYS: [&str; 7] = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
            ];
            format!("{} {d} {}", DAYS[weekday], MONTHS[m - 1])
        }
        "vi" => {
            const DAYS: [&str; 7] = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];
            format!("{} {d:02}/{m:02}", DAYS[weekday])
        }
        "zh" => {
            const DAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
            format!("{m}月{d}日周{}", DAYS[weekday])
        }
        _ => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!("{} {d} {}", DAYS[weekday], MONTHS[m - 1])
        }
    })
}

/// The Solar Hijri (Jalali) date of a Gregorian one, by the 33-year arithmetic cycle.
fn gregorian_to_jalali(gy: i32, gm: i32, gd: i32) -> (i32, i32, i32) {
    const BEFORE_MONTH: [i32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let gy2 = if gm > 2 { gy + 1 } else { gy };
    let mut days = 355_666 + 365 * gy + (gy2 + 3) / 4 - (gy2 + 99) / 100
        + (gy2 + 399) / 400
        + gd
        + BEFORE_MONTH[(gm - 1).clamp(0, 11) as usize];
    let mut jy = -1595 + 33 * (days / 12_053);
    days %= 12_053;
    jy += 4 * (days / 1461);
    days %= 1461;
    if days > 365 {
        jy += (days - 1) / 365;
        days = (days - 1) % 365;
    }
    let (jm, jd) = if days < 186 {
        (1 + days / 31, 1 + days % 31)
    } else {
        (7 + (days - 186) / 30, 1 + (days - 186) % 30)
    };
    (jy, jm, jd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_variables_formats_and_braces() {
        let vars = json!({"b": {"date": "2026-12-05", "time": "09:30"}, "id": "0012345679"});
        let vars = vars.as_object().cloned().unwrap_or_default();
        let t = Template::parse("{{ok}} {b.date|date} {b.time|time} {id|mask}")
            .expect("valid template");
        assert_eq!(t.render(&vars, "en"), "{ok} Sat 5 Dec 09:30 ******5679");
        assert_eq!(t.render(&vars, "fa"), "{ok} ۱۴ آذر ۰۹:۳۰ ******5679");
        assert_eq!(t.render(&vars, "zh"), "{ok} 12月5日周六 09:30 ******5679");
        assert_eq!(
            Template::parse("{missing}")
                .expect("valid template")
                .render(&vars, "en"),
            ""
        );
    }

    #[test]
    fn jalali_new_year_falls_on_nowruz() {
        assert_eq!(gregorian_to_jalali(2025, 3, 21), (1404, 1, 1));
        assert_eq!(gregorian_to_jalali(2024, 3, 20), (1403, 1, 1));
        assert_eq!(gregorian_to_jalali(2026, 12, 4), (1405, 9, 13));
    }

    #[test]
    fn rejects_broken_templates() {
        assert_eq!(Template::parse("a {b"), Err(TemplateError::Unclosed(2)));
        assert_eq!(Template::parse("a } b"), Err(TemplateError::Stray(2)));
        assert!(matches!(
            Template::parse("{x|when}"),
            Err(TemplateError::UnknownFormat(_))
        ));
        assert!(matches!(
            Template::parse("{}"),
            Err(TemplateError::BadName(_))
        ));
    }
}
