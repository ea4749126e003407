//! National IDs: one validator per country profile, and the [`NationalId`] it alone builds.
//!
//! Input is normalised first ([`normalise`]), then checked in a fixed order: length,
//! characters, check digit, then what the digits encode (region, date, sequence). A check
//! digit failure is reported before a semantic one because it is the likelier typing slip.
//!
//! - [`error`]: [`InvalidId`] (what a caller can act on) and [`ProfileError`] (configuration).
//! - `normalise`: the forgiving step (spaces, dashes, dots, non-ASCII digits).
//! - `ir`: Iran's code melli (10 digits, mod-11 check digit).
//! - `cn`: China's resident ID (GB 11643, ISO 7064 MOD 11-2 check character).
//! - `nik`: Indonesia's NIK (16 digits with region and birth date).
//! - `vn`: Vietnam's CCCD (12 digits with province, century/sex digit and year).
//! - `generic`: a configured regular expression.

mod cn;
pub mod error;
mod generic;
mod ir;
mod nik;
mod normalise;
mod vn;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

pub use error::{InvalidId, ProfileError};
pub use generic::Pattern;
pub use normalise::normalise;

/// A country profile: which rules an ID must pass.
#[derive(Debug, Clone)]
pub enum Profile {
    /// Iran: code melli.
    Ir,
    /// China: 18-character resident identity number.
    Cn,
    /// Indonesia: NIK (Nomor Induk Kependudukan).
    Id,
    /// Vietnam: CCCD (Căn cước công dân) number.
    Vn,
    /// Any other scheme, described by an anchored regular expression.
    Generic(Pattern),
}

/// The profile an ID was validated under, without the `generic` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileKind {
    /// See [`Profile::Ir`].
    Ir,
    /// See [`Profile::Cn`].
    Cn,
    /// See [`Profile::Id`].
    Id,
    /// See [`Profile::Vn`].
    Vn,
    /// See [`Profile::Generic`].
    Generic,
}

impl ProfileKind {
    /// The profile's configuration name (`ir`, `cn`, `id`, `vn`, `generic`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ir => "ir",
            Self::Cn => "cn",
            Self::Id => "id",
            Self::Vn => "vn",
            Self::Generic => "generic",
        }
    }
}

/// Sex as the ID encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Encoded as male.
    Male,
    /// Encoded as female.
    Female,
}

impl Sex {
    /// `male` or `female`, as rosters and menus spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}

impl Profile {
    /// A `generic` profile from a regular expression that must match the whole input.
    pub fn generic(pattern: &str) -> Result<Self, ProfileError> {
        Pattern::new(pattern).map(Self::Generic)
    }

    /// Which profile this is.
    pub fn kind(&self) -> ProfileKind {
        match self {
            Self::Ir => ProfileKind::Ir,
            Self::Cn => ProfileKind::Cn,
            Self::Id => ProfileKind::Id,
            Self::Vn => ProfileKind::Vn,
            Self::Generic(_) => ProfileKind::Generic,
        }
    }

    /// Normalises `input` and validates it; `today` bounds embedded birth dates.
    pub fn parse(&self, input: &str, today: NaiveDate) -> Result<NationalId, InvalidId> {
        let value = normalise(input, self.kind() == ProfileKind::Cn);
        if value.is_empty() {
            return Err(InvalidId::Empty);
        }
        let encoded = match self {
            Self::Ir => ir::validate(&value)?,
            Self::Cn => cn::validate(&value, today)?,
            Self::Id => nik::validate(&value, today)?,
            Self::Vn => vn::validate(&value, today)?,
            Self::Generic(pattern) => pattern.validate(&value)?,
        };
        Ok(NationalId {
            kind: self.kind(),
            value,
            encoded,
        })
    }
}

impl FromStr for Profile {
    type Err = ProfileError;

    /// `ir`, `cn`, `id`, `vn`, or `generic:<regex>`.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "ir" => Ok(Self::Ir),
            "cn" => Ok(Self::Cn),
            "id" => Ok(Self::Id),
            "vn" => Ok(Self::Vn),
            "generic" => Err(ProfileError::PatternRequired),
            other => match other.strip_prefix("generic:") {
                Some(pattern) => Self::generic(pattern),
                None => Err(ProfileError::Unknown {
                    name: other.to_owned(),
                }),
            },
        }
    }
}

/// What a valid ID encodes besides itself; each is `None` where the profile has no such part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Encoded {
    birth_date: Option<NaiveDate>,
    birth_year: Option<i32>,
    sex: Option<Sex>,
    region: Option<String>,
}

/// A national ID that passed its profile's validator: the only way to build one is
/// [`Profile::parse`]. `Display` and `Debug` mask all but the last four characters; read
/// the clear value with [`NationalId::as_str`] only where it is needed (store, remote).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct NationalId {
    kind: ProfileKind,
    value: String,
    encoded: Encoded,
}

impl NationalId {
    /// The normalised value, in clear.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The profile that validated it.
    pub fn profile(&self) -> ProfileKind {
        self.kind
    }

    /// The full birth date, where the ID encodes one (`cn`, `id`).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.encoded.birth_date
    }

    /// The birth year, where the ID encodes one (`cn`, `id`, `vn`).
    pub fn birth_year(&self) -> Option<i32> {
        self.encoded.birth_year
    }

    /// The sex, where the ID encodes it (`cn`, `id`, `vn`).
    pub fn sex(&self) -> Option<Sex> {
        self.encoded.sex
    }

    /// The region code: issuing office (`ir`), administrative division (`cn`, `id`),
    /// or province (`vn`).
    pub fn region(&self) -> Option<&str> {
        self.encoded.region.as_deref()
    }
}

impl fmt::Display for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::pii::mask(&self.value))
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NationalId")
            .field("profile", &self.kind)
            .field("value", &crate::pii::mask(&self.value))
            .finish_non_exhaustive()
    }
}

/// The ASCII digits of `value` as numbers, or the 1-based position of the first non-digit.
fn digits(value: &str) -> Result<Vec<u32>, InvalidId> {
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            c.to_digit(10)
                .ok_or(InvalidId::NonDigit { position: i + 1 })
        })
        .collect()
}

/// Checks that `value` has exactly `expected` characters.
fn require_len(value: &str, expected: usize) -> Result<(), InvalidId> {
    let got = value.chars().count();
    if got == expected {
        Ok(())
    } else {
        Err(InvalidId::BadLength { expected, got })
    }
}

/// The number written by `digits` in base 10 (at most 9 digits, so it fits).
fn number(digits: &[u32]) -> u32 {
    digits.iter().fold(0, |acc, d| acc * 10 + d)
}

#[cfg(test)]
mod tests;
