//! China's resident identity number (GB 11643-1999): a six-digit administrative division,
//! the birth date as YYYYMMDD, a three-digit sequence whose last digit is odd for men and
//! even for women, and an ISO 7064 MOD 11-2 check character (`0`–`9` or `X` for ten).

use chrono::NaiveDate;

use super::{digits, require_len, Encoded, InvalidId, Sex};

/// Weights of the 17 body digits: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each remainder of the weighted sum mod 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes (the first two digits), including Taiwan (71), Hong Kong (81),
/// Macao (82) and residence permits for Taiwan residents (83).
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// The earliest birth year accepted: anything before is a typo, not a living person.
const MIN_YEAR: i32 = 1900;

/// Validates a normalised 18-character ID (final `x` already uppercased).
pub(super) fn validate(value: &str, today: NaiveDate) -> Result<Encoded, InvalidId> {
    require_len(value, 18)?;
    let last = value.chars().last().unwrap_or_default();
    let body = value.strip_suffix(last).unwrap_or_default();
    let d = digits(body)?;
    if !(last.is_ascii_digit() || last == 'X') {
        return Err(InvalidId::NonDigit { position: 18 });
    }
    if check_char(&d) != last {
        return Err(InvalidId::BadCheckDigit);
    }
    let province = super::number(d.get(..2).unwrap_or_default());
    if !PROVINCES.contains(&province) {
        return Err(InvalidId::BadRegion);
    }
    let birth = birth_date(d.get(6..14).unwrap_or_default(), today)?;
    let sex_digit = d.get(16).copied().unwrap_or_default();
    Ok(Encoded {
        birth_date: Some(birth),
        birth_year: Some(chrono::Datelike::year(&birth)),
        sex: Some(if sex_digit % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }),
        region: body.get(..6).map(str::to_owned),
    })
}

/// The MOD 11-2 check character of the 17 body digits.
pub(super) fn check_char(body: &[u32]) -> char {
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK[(sum % 11) as usize]
}

/// The YYYYMMDD birth date, which must exist, be after 1900 and not after `today`.
fn birth_date(ymd: &[u32], today: NaiveDate) -> Result<NaiveDate, InvalidId> {
    let (y, rest) = ymd.split_at(4.min(ymd.len()));
    let (m, day) = rest.split_at(2.min(rest.len()));
    let year = i32::try_from(super::number(y)).map_err(|_| InvalidId::BadDate)?;
    let date = NaiveDate::from_ymd_opt(year, super::number(m), super::number(day))
        .filter(|_| year >= MIN_YEAR)
        .ok_or(InvalidId::BadDate)?;
    if date > today {
        return Err(InvalidId::FutureDate);
    }
    Ok(date)
}
