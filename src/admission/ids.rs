//! The one place where admission turns caller or roster input into a normalised national
//! ID, through the configured country profile. Everything else handles only the output.
//!
//! Interim: until `national_id` lands, this normalises (drops spaces, dashes and dots;
//! maps Persian, Arabic-Indic and fullwidth digits to ASCII; uppercases a final `x`) and
//! checks the shape only (6 to 20 ASCII digits, a final `X` allowed).

use chrono::NaiveDate;

/// The country profile IDs are validated with (`ir`, `cn`, `id`, `vn`, `generic`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdProfile {
    name: String,
}

impl IdProfile {
    /// The profile called `name`, or `None` for an unknown name.
    pub fn named(name: &str) -> Option<Self> {
        matches!(name, "ir" | "cn" | "id" | "vn" | "generic").then(|| Self { name: name.into() })
    }

    /// The profile's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Why an ID was refused, as a code a menu or an operator can act on (`bad_length`,
/// `non_digit`, `bad_check_digit`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdRejected {
    /// The reason code.
    pub reason: String,
}

/// Validates `input` with `profile` on `today`, returning the normalised ID.
pub fn normalise_id(profile: &IdProfile, input: &str, today: NaiveDate) -> Result<String, IdRejected> {
    let _ = (profile, today);
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            ' ' | '\t' | '-' | '.' => {}
            '0'..='9' | 'X' => out.push(c),
            'x' => out.push('X'),
            '\u{06F0}'..='\u{06F9}' => out.push(shift(c, '\u{06F0}')),
            '\u{0660}'..='\u{0669}' => out.push(shift(c, '\u{0660}')),
            '\u{FF10}'..='\u{FF19}' => out.push(shift(c, '\u{FF10}')),
            _ => return Err(rejected("non_digit")),
        }
    }
    if out.strip_suffix('X').unwrap_or(&out).contains('X') {
        return Err(rejected("non_digit"));
    }
    if !(6..=20).contains(&out.len()) {
        return Err(rejected("bad_length"));
    }
    Ok(out)
}

fn shift(c: char, zero: char) -> char {
    let offset = u32::from(c) - u32::from(zero);
    char::from_digit(offset, 10).unwrap_or('?')
}

fn rejected(reason: &str) -> IdRejected {
    IdRejected {
        reason: reason.into(),
    }
}
