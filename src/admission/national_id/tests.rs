//! Valid and invalid vectors for every profile. Valid vectors are built by computing their
//! check digits with the module's own functions; a few are also worked by hand below.

use chrono::NaiveDate;

use super::{cn, ir, InvalidId, Profile, ProfileError, ProfileKind, Sex};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).expect("a real date")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn parse(profile: &Profile, input: &str) -> Result<super::NationalId, InvalidId> {
    profile.parse(input, today())
}

fn digits_of(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// A code melli with the right check digit for nine body digits.
fn ir_with_check(body: &str) -> String {
    format!("{body}{}", ir::check_digit(&digits_of(body)))
}

/// An 18-character Chinese ID with the right check character for 17 body digits.
fn cn_with_check(body: &str) -> String {
    format!("{body}{}", cn::check_char(&digits_of(body)))
}

#[test]
fn ir_hand_worked_vectors() {
    // 0499370899: 0·10+4·9+9·8+9·7+3·6+7·5+0·4+8·3+9·2 = 266; 266 mod 11 = 2 ≥ 2 → 11-2 = 9.
    let id = parse(&Profile::Ir, "0499370899").expect("valid");
    assert_eq!(id.as_str(), "0499370899");
    assert_eq!(id.region(), Some("049"));
    assert_eq!(id.sex(), None);
    // 100000001?: 1·10+1·2 = 12; 12 mod 11 = 1 < 2 → the check digit is 1 itself.
    assert!(parse(&Profile::Ir, "1000000011").is_ok());
    assert_eq!(
        parse(&Profile::Ir, "1000000010"),
        Err(InvalidId::BadCheckDigit)
    );
    // 000000014?: 1·3+4·2 = 11; 11 mod 11 = 0 < 2 → the check digit is 0.
    assert!(parse(&Profile::Ir, "0000000140").is_ok());
    assert_eq!(
        parse(&Profile::Ir, "0000000141"),
        Err(InvalidId::BadCheckDigit)
    );
}

#[test]
fn ir_every_remainder_is_checked() {
    let mut remainders = std::collections::BTreeSet::new();
    for n in 0..200_u32 {
        let body = format!("12345{n:04}");
        let sum: u32 = digits_of(&body)
            .iter()
            .zip((2..=10).rev())
            .map(|(d, w)| d * w)
            .sum();
        remainders.insert(sum % 11);
        let id = ir_with_check(&body);
        assert!(parse(&Profile::Ir, &id).is_ok(), "{id}");
        let good = ir::check_digit(&digits_of(&body));
        let wrong = format!("{body}{}", (good + 1) % 10);
        assert_eq!(parse(&Profile::Ir, &wrong), Err(InvalidId::BadCheckDigit));
    }
    assert_eq!(remainders.len(), 11, "every remainder 0..=10 was exercised");
}

#[test]
fn ir_invalid_vectors() {
    let ir = Profile::Ir;
    assert_eq!(parse(&ir, "   "), Err(InvalidId::Empty));
    let short = Err(InvalidId::BadLength {
        expected: 10,
        got: 9,
    });
    assert_eq!(parse(&ir, "499370899"), short, "never zero-padded");
    assert_eq!(
        parse(&ir, "04993708991")
            .map(|_| ())
            .expect_err("11 digits")
            .code(),
        "bad_length"
    );
    assert_eq!(
        parse(&ir, "04993a0899"),
        Err(InvalidId::NonDigit { position: 6 })
    );
    assert_eq!(parse(&ir, "1111111111"), Err(InvalidId::RepeatedDigits));
    assert_eq!(parse(&ir, "0000000000"), Err(InvalidId::RepeatedDigits));
}

#[test]
fn ir_normalises_persian_digits_and_separators() {
    let id = parse(&Profile::Ir, " ۰۴۹-۹۳۷۰-۸۹۹ ").expect("valid after normalisation");
    assert_eq!(id.as_str(), "0499370899");
    let id = parse(&Profile::Ir, "٠٤٩.٩٣٧.٠٨٩٩").expect("valid after normalisation");
    assert_eq!(id.as_str(), "0499370899");
}

#[test]
fn cn_hand_worked_vector_with_check_x() {
    // 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167;
    // 167 mod 11 = 2 → check character X.
    let id = parse(&Profile::Cn, "11010519491231002x").expect("valid");
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(id.birth_date(), Some(date(1949, 12, 31)));
    assert_eq!(id.sex(), Some(Sex::Female), "sequence 002 is even");
    assert_eq!(id.region(), Some("110105"));
    assert_eq!(
        parse(&Profile::Cn, "110105194912310020"),
        Err(InvalidId::BadCheckDigit)
    );
}

#[test]
fn cn_computed_vectors_cover_every_check_character() {
    let mut seen = std::collections::BTreeSet::new();
    for seq in 1..=60_u32 {
        let id = cn_with_check(&format!("44030419900307{seq:03}"));
        let parsed = parse(&Profile::Cn, &id).expect("valid");
        let sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
        assert_eq!(parsed.sex(), Some(sex));
        seen.insert(id.chars().last());
    }
    assert_eq!(seen.len(), 11, "0-9 and X all occur");
}

#[test]
fn cn_invalid_vectors() {
    let cn = Profile::Cn;
    let bad_len = Err(InvalidId::BadLength {
        expected: 18,
        got: 15,
    });
    assert_eq!(
        parse(&cn, "110105491231002"),
        bad_len,
        "15-digit first generation"
    );
    assert_eq!(
        parse(&cn, "1101051949123100Y2"),
        Err(InvalidId::NonDigit { position: 17 })
    );
    assert_eq!(
        parse(&cn, "11010519491231002Y"),
        Err(InvalidId::NonDigit { position: 18 })
    );
    assert_eq!(
        parse(&cn, "X1010519491231002X"),
        Err(InvalidId::NonDigit { position: 1 })
    );
    assert_eq!(
        parse(&cn, &cn_with_check("99010519491231002")),
        Err(InvalidId::BadRegion)
    );
    assert_eq!(
        parse(&cn, &cn_with_check("11010519490231002")),
        Err(InvalidId::BadDate)
    );
    assert_eq!(
        parse(&cn, &cn_with_check("11010518991231002")),
        Err(InvalidId::BadDate)
    );
    assert_eq!(
        parse(&cn, &cn_with_check("11010520261204002")),
        Err(InvalidId::FutureDate)
    );
    assert!(
        parse(&cn, &cn_with_check("11010520261203002")).is_ok(),
        "born today"
    );
    assert!(
        parse(&cn, &cn_with_check("11010520000229002")).is_ok(),
        "leap day"
    );
    assert_eq!(
        parse(&cn, &cn_with_check("11010519000229002")),
        Err(InvalidId::BadDate)
    );
}

#[test]
fn cn_fullwidth_input() {
    let id = parse(&Profile::Cn, "１１０１０５ １９４９１２３１ ００２ｘ").expect("valid");
    assert_eq!(id.as_str(), "11010519491231002X");
}

#[test]
fn id_male_and_female_days() {
    let id = Profile::Id;
    let man = parse(&id, "3171011201900001").expect("valid");
    assert_eq!(man.birth_date(), Some(date(1990, 1, 12)));
    assert_eq!(man.sex(), Some(Sex::Male));
    assert_eq!(man.region(), Some("317101"));
    let woman = parse(&id, "3171 0152 0190 0001").expect("valid");
    assert_eq!(
        woman.birth_date(),
        Some(date(1990, 1, 12)),
        "day 52 is 12 + 40"
    );
    assert_eq!(woman.sex(), Some(Sex::Female));
    assert!(
        parse(&id, "3171017112990002").is_ok(),
        "31 + 40 = 71 in December"
    );
    assert_eq!(
        parse(&id, "3171017202900001"),
        Err(InvalidId::BadDate),
        "day 72"
    );
    assert_eq!(
        parse(&id, "3171014002900001"),
        Err(InvalidId::BadDate),
        "day 40 is 0"
    );
    assert_eq!(
        parse(&id, "3171010002900001"),
        Err(InvalidId::BadDate),
        "day 0"
    );
    assert_eq!(
        parse(&id, "3171013202900001"),
        Err(InvalidId::BadDate),
        "day 32"
    );
}

#[test]
fn id_february_29() {
    let id = Profile::Id;
    let leap = parse(&id, "3273016902000003").expect("29 Feb 2000, female");
    assert_eq!(leap.birth_date(), Some(date(2000, 2, 29)));
    assert!(parse(&id, "3273012902240003").is_ok(), "29 Feb 2024, male");
    assert_eq!(
        parse(&id, "3273012902230003"),
        Err(InvalidId::BadDate),
        "2023 and 1923"
    );
    assert_eq!(parse(&id, "3273016902010003"), Err(InvalidId::BadDate));
}

#[test]
fn id_century_is_the_latest_not_in_the_future() {
    let id = Profile::Id;
    let old = parse(&id, "3171010512300001").expect("valid");
    assert_eq!(
        old.birth_date(),
        Some(date(1930, 12, 5)),
        "2030 would be in the future"
    );
    let recent = parse(&id, "3171010312260001").expect("valid");
    assert_eq!(recent.birth_date(), Some(date(2026, 12, 3)), "born today");
    let last_century = parse(&id, "3171010412260001").expect("valid");
    assert_eq!(last_century.birth_date(), Some(date(1926, 12, 4)));
}

#[test]
fn id_invalid_vectors() {
    let id = Profile::Id;
    assert_eq!(parse(&id, "3171011201900000"), Err(InvalidId::ZeroSequence));
    assert_eq!(
        parse(&id, "2071011201900001"),
        Err(InvalidId::BadRegion),
        "no province 20"
    );
    assert_eq!(
        parse(&id, "3100011201900001"),
        Err(InvalidId::BadRegion),
        "regency 00"
    );
    assert_eq!(
        parse(&id, "3171001201900001"),
        Err(InvalidId::BadRegion),
        "district 00"
    );
    assert_eq!(
        parse(&id, "31710112019000011"),
        Err(InvalidId::BadLength {
            expected: 16,
            got: 17
        })
    );
    assert_eq!(
        parse(&id, "317101120190000I"),
        Err(InvalidId::NonDigit { position: 16 })
    );
}

#[test]
fn vn_every_century_digit() {
    // 2026: the 1900s (0, 1) and the 2000s (2, 3) have begun; later centuries have not.
    let vn = Profile::Vn;
    let expect = [
        (0, Ok((1999, Sex::Male))),
        (1, Ok((1999, Sex::Female))),
        (2, Err(InvalidId::FutureDate)),
        (3, Err(InvalidId::FutureDate)),
        (4, Err(InvalidId::BadCentury)),
        (5, Err(InvalidId::BadCentury)),
        (6, Err(InvalidId::BadCentury)),
        (7, Err(InvalidId::BadCentury)),
        (8, Err(InvalidId::BadCentury)),
        (9, Err(InvalidId::BadCentury)),
    ];
    for (digit, want) in expect {
        let got = parse(&vn, &format!("079{digit}99123456")).map(|id| {
            assert_eq!(id.region(), Some("079"));
            (
                id.birth_year().unwrap_or_default(),
                id.sex().unwrap_or(Sex::Male),
            )
        });
        assert_eq!(got, want, "century digit {digit}");
    }
    for (digit, sex) in [(2, Sex::Male), (3, Sex::Female)] {
        let id = parse(&vn, &format!("001{digit}26000001")).expect("born this year");
        assert_eq!((id.birth_year(), id.sex()), (Some(2026), Some(sex)));
    }
    let later = NaiveDate::from_ymd_opt(2105, 1, 1).expect("a real date");
    let id = vn
        .parse("001405000001", later)
        .expect("2105: the 2100s have begun");
    assert_eq!((id.birth_year(), id.sex()), (Some(2105), Some(Sex::Male)));
}

#[test]
fn vn_invalid_vectors() {
    let vn = Profile::Vn;
    assert_eq!(
        parse(&vn, "003099123456"),
        Err(InvalidId::BadRegion),
        "no province 003"
    );
    assert_eq!(parse(&vn, "000099123456"), Err(InvalidId::BadRegion));
    assert_eq!(parse(&vn, "097099123456"), Err(InvalidId::BadRegion));
    assert_eq!(
        parse(&vn, "07909912345"),
        Err(InvalidId::BadLength {
            expected: 12,
            got: 11
        })
    );
    assert_eq!(
        parse(&vn, "07909912345６"),
        Ok(parse(&vn, "079099123456").expect("valid"))
    );
    assert_eq!(
        parse(&vn, "0790991234S6"),
        Err(InvalidId::NonDigit { position: 11 })
    );
}

#[test]
fn generic_profile_matches_the_whole_input() {
    let profile = Profile::generic("[A-Z]{2}[0-9]{6}").expect("a valid pattern");
    let id = parse(&profile, "AB-123-456").expect("valid");
    assert_eq!(id.as_str(), "AB123456");
    assert_eq!(id.profile(), ProfileKind::Generic);
    assert_eq!(
        parse(&profile, "AB1234567"),
        Err(InvalidId::PatternMismatch)
    );
    assert_eq!(
        parse(&profile, "xAB123456"),
        Err(InvalidId::PatternMismatch)
    );
    assert_eq!(
        parse(&profile, "ab123456"),
        Err(InvalidId::PatternMismatch),
        "no case folding"
    );
    let long = "A".repeat(65);
    assert_eq!(
        parse(&profile, &long),
        Err(InvalidId::TooLong { max: 64, got: 65 })
    );
}

#[test]
fn generic_pattern_cannot_escape_its_anchors() {
    assert!(matches!(
        Profile::generic("a)|(b"),
        Err(ProfileError::BadPattern { .. })
    ));
    assert!(matches!(
        Profile::generic("("),
        Err(ProfileError::BadPattern { .. })
    ));
}

#[test]
fn profile_names() {
    assert_eq!(
        "ir".parse::<Profile>().map(|p| p.kind()),
        Ok(ProfileKind::Ir)
    );
    assert_eq!(
        "vn".parse::<Profile>().map(|p| p.kind()),
        Ok(ProfileKind::Vn)
    );
    assert_eq!(
        "generic".parse::<Profile>().map(|p| p.kind()),
        Err(ProfileError::PatternRequired)
    );
    let generic = "generic:[0-9]{8}".parse::<Profile>().expect("valid");
    assert!(parse(&generic, "1234 5678").is_ok());
    assert!(matches!(
        "fr".parse::<Profile>(),
        Err(ProfileError::Unknown { .. })
    ));
}

#[test]
fn display_and_debug_mask_the_value() {
    let id = parse(&Profile::Ir, "0499370899").expect("valid");
    assert_eq!(id.to_string(), "******0899");
    let debug = format!("{id:?}");
    assert!(debug.contains("******0899"), "{debug}");
    assert!(!debug.contains("0499370899"), "{debug}");
    let masked = crate::pii::Masked::new(id.clone());
    assert_eq!(format!("{masked:?}"), "Masked(******0899)");
    assert_eq!(masked.expose().as_str(), "0499370899");
}

#[test]
fn every_reason_has_a_distinct_code() {
    let all = [
        InvalidId::Empty,
        InvalidId::BadLength {
            expected: 1,
            got: 2,
        },
        InvalidId::TooLong { max: 1, got: 2 },
        InvalidId::NonDigit { position: 1 },
        InvalidId::BadCheckDigit,
        InvalidId::BadDate,
        InvalidId::FutureDate,
        InvalidId::BadRegion,
        InvalidId::BadCentury,
        InvalidId::ZeroSequence,
        InvalidId::RepeatedDigits,
        InvalidId::PatternMismatch,
    ];
    let codes: std::collections::BTreeSet<_> = all.iter().map(InvalidId::code).collect();
    assert_eq!(codes.len(), all.len());
}
