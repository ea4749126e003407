//! Indonesia's NIK (Nomor Induk Kependudukan): `PP KK CC DDMMYY SSSS`, that is province,
//! regency/city and district codes, the birth date with 40 added to a woman's day, and a
//! non-zero registration sequence. The year has two digits: the latest century that does
//! not put the birth after the day of the check is taken.

use chrono::{Datelike, NaiveDate};

use super::{digits, number, require_len, Encoded, InvalidId, Sex};

/// Province codes (Kemendagri), including the Papuan provinces created in 2022 (93–96).
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// Added to the day of birth of women.
const FEMALE_DAY_OFFSET: u32 = 40;

/// Validates a normalised NIK. NIK has no check digit.
pub(super) fn validate(value: &str, today: NaiveDate) -> Result<Encoded, InvalidId> {
    require_len(value, 16)?;
    let d = digits(value)?;
    let part = |from: usize, to: usize| number(d.get(from..to).unwrap_or_default());
    let (province, regency, district) = (part(0, 2), part(2, 4), part(4, 6));
    if !PROVINCES.contains(&province) || regency == 0 || district == 0 {
        return Err(InvalidId::BadRegion);
    }
    let (sex, day) = match part(6, 8) {
        day if day > FEMALE_DAY_OFFSET => (Sex::Female, day - FEMALE_DAY_OFFSET),
        day => (Sex::Male, day),
    };
    let birth = birth_date(part(10, 12), part(8, 10), day, today)?;
    if part(12, 16) == 0 {
        return Err(InvalidId::ZeroSequence);
    }
    Ok(Encoded {
        birth_date: Some(birth),
        birth_year: Some(birth.year()),
        sex: Some(sex),
        region: value.get(..6).map(str::to_owned),
    })
}

/// The birth date for a two-digit year: this century's reading unless it would be after
/// `today`, else the previous century's.
fn birth_date(yy: u32, month: u32, day: u32, today: NaiveDate) -> Result<NaiveDate, InvalidId> {
    let century = today.year() / 100 * 100;
    let yy = i32::try_from(yy).map_err(|_| InvalidId::BadDate)?;
    [century + yy, century - 100 + yy]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date <= today)
        .ok_or(InvalidId::BadDate)
}
