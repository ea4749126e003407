//! Why an input is not a national ID of the chosen profile.

/// The reason an input was refused. Menus branch on [`InvalidId::code`]; ops read the
/// `Display` text. Positions and lengths count characters of the normalised input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidId {
    /// Nothing was left after normalisation: the caller entered no digits at all.
    #[error("no ID was entered")]
    Empty,
    /// Too few or too many characters: the caller dropped or repeated a digit.
    #[error("expected {expected} characters, got {got}")]
    BadLength {
        /// The length the profile requires.
        expected: usize,
        /// The length after normalisation.
        got: usize,
    },
    /// Longer than a `generic` profile accepts, before the pattern is even tried.
    #[error("at most {max} characters are accepted, got {got}")]
    TooLong {
        /// The longest input the profile tries.
        max: usize,
        /// The length after normalisation.
        got: usize,
    },
    /// A character that is not a digit where the profile needs one (1-based position).
    #[error("character {position} is not a digit")]
    NonDigit {
        /// 1-based position in the normalised input, as an operator counts.
        position: usize,
    },
    /// The check digit does not match the others: almost always a typing slip.
    #[error("the check digit does not match")]
    BadCheckDigit,
    /// The embedded birth date does not exist (month 13, 30 February, day 0…).
    #[error("the embedded birth date does not exist")]
    BadDate,
    /// The embedded birth date is after the day of the check.
    #[error("the embedded birth date is in the future")]
    FutureDate,
    /// The region, province or issuing-office code is not one the profile knows.
    #[error("the region code is not known")]
    BadRegion,
    /// The century digit names a century that has not begun (Vietnam's CCCD).
    #[error("the century digit names a century that has not begun")]
    BadCentury,
    /// The serial part is all zeros, which no registry issues (Indonesia's NIK).
    #[error("the sequence number is zero")]
    ZeroSequence,
    /// Every digit is the same (Iran's code melli): a placeholder, not an ID.
    #[error("all digits are the same")]
    RepeatedDigits,
    /// The input does not match the configured pattern of a `generic` profile.
    #[error("the ID does not match the configured pattern")]
    PatternMismatch,
}

impl InvalidId {
    /// A short stable code that menus branch on and translate (`bad_check_digit`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::BadLength { .. } => "bad_length",
            Self::TooLong { .. } => "too_long",
            Self::NonDigit { .. } => "non_digit",
            Self::BadCheckDigit => "bad_check_digit",
            Self::BadDate => "bad_date",
            Self::FutureDate => "future_date",
            Self::BadRegion => "bad_region",
            Self::BadCentury => "bad_century",
            Self::ZeroSequence => "zero_sequence",
            Self::RepeatedDigits => "repeated_digits",
            Self::PatternMismatch => "pattern_mismatch",
        }
    }
}

/// Why a profile name or `generic` pattern could not be used (operator configuration).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The name is not one of `ir`, `cn`, `id`, `vn`, `generic`.
    #[error("unknown ID profile `{name}` (expected ir, cn, id, vn or generic:<regex>)")]
    Unknown {
        /// The name as configured.
        name: String,
    },
    /// `generic` was named without a pattern.
    #[error("the generic ID profile needs a pattern (generic:<regex> or --pattern)")]
    PatternRequired,
    /// The `generic` pattern is not a valid regular expression.
    #[error("the generic ID pattern is not a valid regular expression: {reason}")]
    BadPattern {
        /// The regex crate's explanation.
        reason: String,
    },
}
