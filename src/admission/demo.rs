//! The demo line loaded on first run when `demo_data` is on: services, facilities in four
//! regions (Tehran, Beijing, Jakarta, Hanoi), a weekly template for the coming 14 days, and
//! a roster with people for every country profile. `docs/demo-data.md` lists the IDs.

use chrono::{Days, NaiveDate};

use super::slots::{TemplateError, WeeklyTemplate};
use crate::store::api::{ImportOutcome, RosterBatch};
use crate::store::model::{Coverage, Facility, Names, Person, Service, Sex};
use crate::store::{AdmissionStore, StoreError};

/// `meta` key set once the demo data is in, so a restart never loads it twice.
pub const LOADED_KEY: &str = "demo_loaded";

/// Days of slots the demo creates, today included.
pub const DEMO_DAYS: u32 = 14;

/// Why the demo data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The store refused a write.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The embedded template is broken (a bug in this build).
    #[error("embedded demo template: {0}")]
    Template(#[from] TemplateError),
}

/// The embedded weekly template: every demo facility, every day, two sessions.
pub const TEMPLATE: &str = include_str!("demo_template.toml");

/// The demo services, with their entitlement rules.
#[rustfmt::skip]
pub fn services() -> Vec<Service> {
    let svc = |id: &str, names: &[(&str, &str)]| Service {
        id: id.into(),
        names: Names::from_pairs(names),
        min_age: None,
        max_age: None,
        sex: None,
        referral_required: false,
        primary_care_only: false,
    };
    vec![
        svc("gp", &[("en", "General practice"), ("fa", "پزشک عمومی"), ("id", "Dokter umum"), ("vi", "Khám tổng quát"), ("zh", "全科")]),
        svc("dental", &[("en", "Dentistry"), ("fa", "دندانپزشکی"), ("id", "Gigi"), ("vi", "Nha khoa"), ("zh", "牙科")]),
        Service {
            referral_required: true,
            ..svc("cardiology", &[("en", "Cardiology"), ("fa", "قلب"), ("id", "Jantung"), ("vi", "Tim mạch"), ("zh", "心内科")])
        },
        Service {
            sex: Some(Sex::F),
            min_age: Some(15),
            max_age: Some(55),
            ..svc("maternity", &[("en", "Maternity"), ("fa", "مامایی"), ("id", "Kebidanan"), ("vi", "Sản khoa"), ("zh", "产科")])
        },
    ]
}

/// The demo facilities: two per region.
#[rustfmt::skip]
pub fn facilities() -> Vec<Facility> {
    let fac = |id: &str, region: &str, services: &[&str], names: &[(&str, &str)]| Facility {
        id: id.into(),
        names: Names::from_pairs(names),
        region: region.into(),
        services: services.iter().map(|s| (*s).to_owned()).collect(),
    };
    let all = ["gp", "dental", "cardiology", "maternity"];
    let primary = ["gp", "dental", "maternity"];
    vec![
        fac("ir-thr-1", "ir-thr", &all, &[("en", "Tehran Clinic 1"), ("fa", "درمانگاه تهران ۱"), ("id", "Klinik Teheran 1"), ("vi", "Phòng khám Tehran 1"), ("zh", "德黑兰诊所一")]),
        fac("ir-thr-2", "ir-thr", &primary, &[("en", "Tehran Clinic 2"), ("fa", "درمانگاه تهران ۲"), ("id", "Klinik Teheran 2"), ("vi", "Phòng khám Tehran 2"), ("zh", "德黑兰诊所二")]),
        fac("cn-bj-1", "cn-bj", &primary, &[("en", "Chaoyang Community Health Centre"), ("fa", "مرکز بهداشت چائویانگ"), ("id", "Puskesmas Chaoyang"), ("vi", "Trạm y tế Triều Dương"), ("zh", "朝阳社区卫生服务中心")]),
        fac("cn-bj-2", "cn-bj", &["gp", "cardiology"], &[("en", "Beijing District Hospital"), ("fa", "بیمارستان منطقه پکن"), ("id", "RS Distrik Beijing"), ("vi", "Bệnh viện quận Bắc Kinh"), ("zh", "北京区医院")]),
        fac("id-jkt-1", "id-jkt", &primary, &[("en", "Menteng Health Centre"), ("fa", "مرکز بهداشت منتنگ"), ("id", "Puskesmas Menteng"), ("vi", "Trung tâm y tế Menteng"), ("zh", "门腾卫生所")]),
        fac("id-jkt-2", "id-jkt", &["gp", "cardiology"], &[("en", "Jakarta Regional Hospital"), ("fa", "بیمارستان منطقه‌ای جاکارتا"), ("id", "RSUD Jakarta"), ("vi", "Bệnh viện khu vực Jakarta"), ("zh", "雅加达地区医院")]),
        fac("vn-hn-1", "vn-hn", &primary, &[("en", "Ba Dinh Health Station"), ("fa", "ایستگاه بهداشت با دین"), ("id", "Pos Kesehatan Ba Dinh"), ("vi", "Trạm Y tế Ba Đình"), ("zh", "巴亭卫生站")]),
        fac("vn-hn-2", "vn-hn", &["gp", "cardiology"], &[("en", "Hanoi General Hospital"), ("fa", "بیمارستان عمومی هانوی"), ("id", "RS Umum Hanoi"), ("vi", "Bệnh viện Đa khoa Hà Nội"), ("zh", "河内综合医院")]),
    ]
}

/// One demo roster line: (id, name, birth, sex, coverage, paid-through offset in days
/// from today, head, region, primary facility, referrals).
type DemoPerson = (
    &'static str,
    &'static str,
    (i32, u32, u32),
    Sex,
    Coverage,
    i64,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// The demo roster, as documented in `docs/demo-data.md`. Paid-through dates are relative
/// to the day of loading: +365 is covered, -31 has lapsed.
#[rustfmt::skip]
const ROSTER: &[DemoPerson] = &[
    ("0012345679", "Ali Rezaei", (1980, 4, 2), Sex::M, Coverage::Active, 365, None, "ir-thr", "ir-thr-1", &["cardiology"]),
    ("0045789126", "Maryam Rezaei", (1984, 9, 21), Sex::F, Coverage::Ended, -400, Some("0012345679"), "ir-thr", "ir-thr-1", &[]),
    ("0077889916", "Reza Karimi", (1975, 1, 10), Sex::M, Coverage::Active, -31, None, "ir-thr", "ir-thr-2", &[]),
    ("0023456787", "Hassan Moradi", (1990, 6, 30), Sex::M, Coverage::Active, 365, None, "ir-thr", "ir-thr-2", &[]),
    ("110105198503121234", "Wang Wei", (1985, 3, 12), Sex::M, Coverage::Active, 365, None, "cn-bj", "cn-bj-1", &[]),
    ("110105199007082461", "Li Na", (1990, 7, 8), Sex::F, Coverage::Active, -31, None, "cn-bj", "cn-bj-1", &[]),
    ("3171015208900001", "Siti Rahayu", (1990, 8, 12), Sex::F, Coverage::Active, 365, None, "id-jkt", "id-jkt-1", &[]),
    ("3171011503850002", "Budi Santoso", (1985, 3, 15), Sex::M, Coverage::Active, 365, None, "id-jkt", "id-jkt-1", &["cardiology"]),
    ("001088012345", "Nguyen Van An", (1988, 5, 20), Sex::M, Coverage::Active, 365, None, "vn-hn", "vn-hn-1", &[]),
    ("001195003210", "Tran Thi Binh", (1995, 11, 2), Sex::F, Coverage::Active, 365, None, "vn-hn", "vn-hn-1", &[]),
];

/// The demo roster for a load on `today`.
pub fn roster(today: NaiveDate) -> Vec<Person> {
    ROSTER
        .iter()
        .map(
            |&(id, name, (y, m, d), sex, coverage, paid, head, region, primary, refs)| Person {
                national_id: id.into(),
                name: name.into(),
                birth_date: NaiveDate::from_ymd_opt(y, m, d),
                sex: Some(sex),
                coverage,
                paid_through: shift(today, paid),
                head_id: head.map(str::to_owned),
                region: region.into(),
                primary_facility: Some(primary.into()),
                referrals: refs.iter().map(|r| (*r).to_owned()).collect(),
            },
        )
        .collect()
}

fn shift(today: NaiveDate, days: i64) -> Option<NaiveDate> {
    let n = Days::new(days.unsigned_abs());
    if days >= 0 {
        today.checked_add_days(n)
    } else {
        today.checked_sub_days(n)
    }
}

/// Loads the demo data unless it was loaded before; returns whether it loaded now.
pub fn load_once(store: &dyn AdmissionStore, today: NaiveDate) -> Result<bool, DemoError> {
    if store.meta(LOADED_KEY)?.is_some() {
        return Ok(false);
    }
    for service in services() {
        store.put_service(service)?;
    }
    for facility in facilities() {
        store.put_facility(facility)?;
    }
    let slots = WeeklyTemplate::parse(TEMPLATE)?.generate(today, DEMO_DAYS)?;
    store.put_slots(slots)?;
    let batches = vec![RosterBatch::Rows(roster(today)), RosterBatch::Commit];
    if let ImportOutcome::RolledBack = store.import_roster(Box::new(batches.into_iter()))? {
        return Err(StoreError::ImportAborted.into());
    }
    store.set_meta(LOADED_KEY, &today.format("%Y-%m-%d").to_string())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::national_id::Profile;

    #[test]
    fn every_demo_id_passes_its_country_profile() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date");
        for person in roster(today) {
            let profile = match person.region.get(..2) {
                Some("ir") => Profile::Ir,
                Some("cn") => Profile::Cn,
                Some("id") => Profile::Id,
                _ => Profile::Vn,
            };
            let parsed = profile.parse(&person.national_id, today);
            assert!(parsed.is_ok(), "{}: {parsed:?}", person.name);
        }
    }

    #[test]
    fn the_embedded_template_is_valid() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date");
        let slots = WeeklyTemplate::parse(TEMPLATE)
            .and_then(|t| t.generate(today, DEMO_DAYS))
            .expect("the embedded template is valid");
        assert!(slots.len() > 1000, "{} slots", slots.len());
    }
}
