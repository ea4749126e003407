//! Iran's code melli: ten digits, the first three naming the issuing office, the last a
//! mod-11 check digit over the first nine weighted 10 down to 2.

use super::{digits, require_len, Encoded, InvalidId};

/// Validates a normalised code melli.
pub(super) fn validate(value: &str) -> Result<Encoded, InvalidId> {
    require_len(value, 10)?;
    let d = digits(value)?;
    if d.iter().all(|&x| Some(&x) == d.first()) {
        return Err(InvalidId::RepeatedDigits);
    }
    let (body, check) = d.split_at(9);
    if check.first() != Some(&check_digit(body)) {
        return Err(InvalidId::BadCheckDigit);
    }
    Ok(Encoded {
        region: value.get(..3).map(str::to_owned),
        ..Encoded::default()
    })
}

/// The check digit of nine body digits: remainders 0 and 1 stand for themselves, any
/// other remainder `r` gives `11 - r`.
pub(super) fn check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    match sum % 11 {
        r @ (0 | 1) => r,
        r => 11 - r,
    }
}
