//! The `generic` profile: an operator-configured regular expression for schemes that have
//! no built-in validator. It encodes nothing beyond the value.

use regex::Regex;

use super::{Encoded, InvalidId, ProfileError};

/// Longest input the pattern is tried on; longer input is refused before matching.
pub const MAX_LEN: usize = 64;

/// A compiled pattern that must match the whole normalised input.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    regex: Regex,
}

impl Pattern {
    /// Compiles `source`, anchored at both ends.
    pub fn new(source: &str) -> Result<Self, ProfileError> {
        let bad = |e: regex::Error| ProfileError::BadPattern {
            reason: e.to_string(),
        };
        // Compiled alone first, so that a stray `)` cannot escape the anchors added below.
        Regex::new(source).map_err(bad)?;
        let regex = Regex::new(&format!("^(?:{source})$")).map_err(bad)?;
        Ok(Self {
            source: source.to_owned(),
            regex,
        })
    }

    /// The pattern as configured (without the added anchors).
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Validates a normalised value.
    pub(super) fn validate(&self, value: &str) -> Result<Encoded, InvalidId> {
        let got = value.chars().count();
        if got > MAX_LEN {
            return Err(InvalidId::TooLong { max: MAX_LEN, got });
        }
        if !self.regex.is_match(value) {
            return Err(InvalidId::PatternMismatch);
        }
        Ok(Encoded::default())
    }
}
