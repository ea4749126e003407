//! The eligibility rules, as pure functions of roster records, a service and the visit
//! date: covered on the visit date (dependants through their head of household), then the
//! service's age, sex and referral rules.

use chrono::{Datelike, NaiveDate};

use crate::store::model::{Coverage, Person, Service};

/// What the rules say about one person, service and day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Covered and entitled.
    Eligible,
    /// Not covered on the visit date; `paid_through` is the covering record's last paid day
    /// (`None` when the record is open-ended but suspended or ended, or the head is missing).
    Lapsed {
        /// Last day contributions covered.
        paid_through: Option<NaiveDate>,
    },
    /// Covered, but this service's age or sex rule excludes the person (or the service
    /// is primary-care only and the person has no primary-care facility).
    NotEntitled,
    /// Covered and entitled, but a referral must be on file first.
    ReferralRequired,
}

/// The record whose coverage counts: the head of household's for a dependant.
/// `head` is the roster record of `person.head_id`, when there is one.
pub fn covering<'a>(person: &'a Person, head: Option<&'a Person>) -> Option<&'a Person> {
    match &person.head_id {
        Some(head_id) if *head_id != person.national_id => head,
        _ => Some(person),
    }
}

/// Whether `record` is covered on `day`.
pub fn covered_on(record: &Person, day: NaiveDate) -> bool {
    record.coverage == Coverage::Active && record.paid_through.is_none_or(|last| day <= last)
}

/// Age in whole years on `day` (0 before the first birthday, and for dates before birth).
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Whether the service's age and sex rules admit the person on `day`. An unknown birth
/// date or sex fails a rule that needs it: the rule cannot be shown to hold.
pub fn entitled(person: &Person, service: &Service, day: NaiveDate) -> bool {
    let age = person.birth_date.map(|birth| age_on(birth, day));
    let age_ok = match (service.min_age, service.max_age) {
        (None, None) => true,
        (min, max) => age.is_some_and(|age| {
            min.is_none_or(|min| age >= min) && max.is_none_or(|max| age <= max)
        }),
    };
    age_ok && service.sex.is_none_or(|sex| person.sex == Some(sex))
}

/// Judges a person for a visit on `day`, for one service or for coverage alone.
pub fn assess(
    person: &Person,
    head: Option<&Person>,
    service: Option<&Service>,
    day: NaiveDate,
) -> Verdict {
    let record = covering(person, head);
    if !record.is_some_and(|r| covered_on(r, day)) {
        let paid_through = record.and_then(|r| r.paid_through);
        return Verdict::Lapsed { paid_through };
    }
    let Some(service) = service else {
        return Verdict::Eligible;
    };
    if !entitled(person, service, day)
        || (service.primary_care_only && person.primary_facility.is_none())
    {
        return Verdict::NotEntitled;
    }
    if service.referral_required && !person.referrals.contains(&service.id) {
        return Verdict::ReferralRequired;
    }
    Verdict::Eligible
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::model::{Names, Sex};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(date(2000, 6, 15), date(2030, 6, 14)), 29);
        assert_eq!(age_on(date(2000, 6, 15), date(2030, 6, 15)), 30);
        assert_eq!(age_on(date(2031, 1, 1), date(2030, 6, 15)), 0);
    }

    #[test]
    fn sex_rule_excludes() {
        let person = Person {
            national_id: "1".into(),
            name: "A".into(),
            birth_date: Some(date(1990, 1, 1)),
            sex: Some(Sex::M),
            coverage: Coverage::Active,
            paid_through: None,
            head_id: None,
            region: "r".into(),
            primary_facility: None,
            referrals: vec![],
        };
        let service = Service {
            id: "maternity".into(),
            names: Names::default(),
            min_age: None,
            max_age: None,
            sex: Some(Sex::F),
            referral_required: false,
            primary_care_only: false,
        };
        assert_eq!(
            assess(&person, None, Some(&service), date(2030, 1, 1)),
            Verdict::NotEntitled
        );
        let unknown = Person {
            sex: None,
            ..person.clone()
        };
        assert_eq!(
            assess(&unknown, None, Some(&service), date(2030, 1, 1)),
            Verdict::NotEntitled
        );
        let woman = Person {
            sex: Some(Sex::F),
            ..person.clone()
        };
        assert_eq!(
            assess(&woman, None, Some(&service), date(2030, 1, 1)),
            Verdict::Eligible
        );
        let adults = Service {
            sex: None,
            min_age: Some(18),
            ..service
        };
        let no_birth = Person {
            birth_date: None,
            ..person
        };
        assert_eq!(
            assess(&no_birth, None, Some(&adults), date(2030, 1, 1)),
            Verdict::NotEntitled
        );
    }
}
