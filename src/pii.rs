//! Personal data in logs: [`Masked`] wraps a value (an MSISDN, a national ID) so that its
//! `Display` and `Debug` show only the last four characters. Reading it in clear takes an
//! explicit [`Masked::expose`], which is easy to find in review.

use std::fmt;

/// How many trailing characters stay readable: enough for an operator to tell two callers
/// apart, too few to identify anyone.
pub const VISIBLE_TAIL: usize = 4;

/// Masks all but the last [`VISIBLE_TAIL`] characters with `*`; a value of four characters
/// or fewer is masked whole.
pub fn mask(value: &str) -> String {
    let len = value.chars().count();
    if len <= VISIBLE_TAIL {
        return "*".repeat(len);
    }
    let hidden = len - VISIBLE_TAIL;
    value
        .chars()
        .enumerate()
        .map(|(i, c)| if i < hidden { '*' } else { c })
        .collect()
}

/// A value whose formatting is masked. Use it for every field that holds personal data.
/// Serde sees through it (the wire and the store need the clear value).
#[derive(
    Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Masked<T>(T);

impl<T> Masked<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value in clear: only for the store, the wire, or the remote system.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value in clear.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Masked<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: fmt::Display> fmt::Display for Masked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&mask(&self.0.to_string()))
    }
}

impl<T: fmt::Display> fmt::Debug for Masked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Masked({})", mask(&self.0.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::{mask, Masked};

    #[test]
    fn keeps_only_the_last_four() {
        assert_eq!(mask("0499370899"), "******0899");
        assert_eq!(mask("+989121234567"), "*********4567");
        assert_eq!(mask("1234"), "****");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn masked_hides_in_display_and_debug_but_exposes_on_request() {
        let msisdn = Masked::new(String::from("+6281234567890"));
        assert_eq!(msisdn.to_string(), "**********7890");
        assert_eq!(format!("{msisdn:?}"), "Masked(**********7890)");
        assert_eq!(format!("{msisdn:#?}"), "Masked(**********7890)");
        assert_eq!(msisdn.expose(), "+6281234567890");
    }
}
