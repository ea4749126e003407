//! Vietnam's CCCD number (Circular 07/2016/TT-BCA): `PPP G YY NNNNNN`, that is the
//! province of birth registration, a digit for century and sex (0/1 = 1900s male/female,
//! 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 2300s), the last two digits of the birth
//! year, and six random digits. It has no check digit.

use chrono::{Datelike, NaiveDate};

use super::{digits, number, require_len, Encoded, InvalidId, Sex};

/// The 63 province codes of the circular (the 2025 mergers did not renumber issued IDs).
const PROVINCES: &[u32] = &[
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// Validates a normalised CCCD number against `today` (the birth year may not be later).
pub(super) fn validate(value: &str, today: NaiveDate) -> Result<Encoded, InvalidId> {
    require_len(value, 12)?;
    let d = digits(value)?;
    let part = |from: usize, to: usize| number(d.get(from..to).unwrap_or_default());
    if !PROVINCES.contains(&part(0, 3)) {
        return Err(InvalidId::BadRegion);
    }
    let code = part(3, 4);
    let century_start = 1900 + 100 * i32::try_from(code / 2).map_err(|_| InvalidId::BadCentury)?;
    if century_start > today.year() {
        return Err(InvalidId::BadCentury);
    }
    let year = century_start + i32::try_from(part(4, 6)).map_err(|_| InvalidId::BadDate)?;
    if year > today.year() {
        return Err(InvalidId::FutureDate);
    }
    Ok(Encoded {
        birth_date: None,
        birth_year: Some(year),
        sex: Some(if code % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        }),
        region: value.get(..3).map(str::to_owned),
    })
}
