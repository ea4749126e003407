//! The action contract of `docs/actions.md`, served by the admission services over a real
//! SQLite file with the demo line loaded: what a menu sees for each demo person.

use std::time::{Duration, SystemTime};

use chrono::NaiveDate;
use hotline::admission::{open, Opened};
use hotline::config::Config;
use hotline::effects::{ActionHandler, ActionOutcome, ActionRequest};
use serde_json::{json, Map, Value};

/// 2026-12-03 06:00 UTC: 09:30 in Tehran (the demo line's offset is +03:30).
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_277_600)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date")
}

fn line(dir: &std::path::Path, profile: &str) -> Opened {
    let config = Config {
        data_dir: dir.to_owned(),
        id_profile: profile.into(),
        ..Config::default()
    };
    open(&config, today()).expect("the demo line opens")
}

struct Caller<'a> {
    line: &'a Opened,
    step: u32,
}

impl Caller<'_> {
    fn ask(&mut self, action: &str, args: Value) -> ActionOutcome {
        self.step += 1;
        let key = format!("s1:{}", self.step);
        self.ask_with_key(action, args, &key)
    }

    fn ask_with_key(&self, action: &str, args: Value, key: &str) -> ActionOutcome {
        let args = match args {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        self.line.actions.perform(&ActionRequest {
            action: action.into(),
            args,
            idempotency_key: key.into(),
            msisdn: "989120000001".into(),
            lang: "en".into(),
            now: now(),
        })
    }
}

fn var<'a>(outcome: &'a ActionOutcome, name: &str) -> &'a Value {
    outcome.vars.get(name).unwrap_or(&Value::Null)
}

#[test]
fn eligibility_outcomes_for_the_demo_roster() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = line(dir.path(), "ir");
    let mut caller = Caller {
        line: &line,
        step: 0,
    };
    let check = |c: &mut Caller<'_>, id: &str, service: Option<&str>| {
        let mut args = json!({ "national_id": id });
        if let Some(service) = service {
            args["service"] = json!(service);
        }
        c.ask("eligibility.check", args)
    };
    let ali = check(&mut caller, "001-234567-9", None);
    assert_eq!(ali.code, "eligible");
    assert_eq!(var(&ali, "name"), "Ali Rezaei");
    assert_eq!(var(&ali, "primary_facility"), "Tehran Clinic 1");
    assert_eq!(
        check(&mut caller, "0045789126", None).code,
        "eligible",
        "dependant"
    );
    let reza = check(&mut caller, "0077889916", None);
    assert_eq!(reza.code, "lapsed");
    assert_eq!(var(&reza, "paid_through"), "2026-11-02");
    let hassan = check(&mut caller, "0023456787", Some("maternity"));
    assert_eq!(
        (hassan.code.as_str(), var(&hassan, "service")),
        ("not_entitled", &json!("maternity"))
    );
    assert_eq!(
        check(&mut caller, "0023456787", Some("cardiology")).code,
        "referral_required"
    );
    assert_eq!(
        check(&mut caller, "0012345679", Some("cardiology")).code,
        "eligible"
    );
    let typo = check(&mut caller, "0012345678", None);
    assert_eq!(typo.code, "invalid_id");
    assert_eq!(var(&typo, "reason"), "bad_check_digit");
    assert_eq!(check(&mut caller, "0055667783", None).code, "unknown_id");
}

#[test]
fn book_list_reschedule_cancel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = line(dir.path(), "ir");
    let mut caller = Caller {
        line: &line,
        step: 0,
    };
    let ali = json!({ "national_id": "0012345679", "service": "gp" });
    let facilities = caller.ask("facilities.list", ali.clone());
    assert_eq!(facilities.code, "ok");
    assert_eq!(
        var(&facilities, "facilities")[0]["id"],
        "ir-thr-1",
        "primary first"
    );
    let slots = caller.ask(
        "slots.list",
        json!({ "facility": "ir-thr-1", "service": "gp", "days": 2 }),
    );
    assert_eq!(slots.code, "ok");
    let list = var(&slots, "slots").as_array().cloned().unwrap_or_default();
    assert!(list
        .iter()
        .all(|s| s["date"] != "2026-12-03" || s["time"].as_str() > Some("09:30")));
    let first = list.first().cloned().expect("a slot is open");
    let tomorrow = list
        .iter()
        .find(|s| s["date"] == "2026-12-04")
        .cloned()
        .expect("tomorrow has slots");

    let mut args = ali.clone();
    args["slot"] = first["id"].clone();
    let booked = caller.ask_with_key("booking.create", args.clone(), "s1:book");
    assert_eq!(booked.code, "booked", "{booked:?}");
    assert_eq!(var(&booked, "facility_name"), "Tehran Clinic 1");
    let retried = caller.ask_with_key("booking.create", args.clone(), "s1:book");
    assert_eq!(
        retried, booked,
        "a retried request returns the first result"
    );
    let again = caller.ask("booking.create", args);
    assert_eq!(again.code, "already_booked");
    assert_eq!(var(&again, "code"), var(&booked, "code"));
    let code = var(&booked, "code").clone();
    let check = caller.ask("eligibility.check", ali.clone());
    assert_eq!(
        (check.code.as_str(), var(&check, "code")),
        ("already_booked", &code)
    );

    let listed = caller.ask("bookings.list", json!({ "national_id": "0012345679" }));
    assert_eq!(var(&listed, "bookings")[0]["code"], code);
    let moved = caller.ask(
        "booking.reschedule",
        json!({ "national_id": "0012345679", "code": code, "slot": tomorrow["id"] }),
    );
    assert_eq!(moved.code, "rescheduled", "{moved:?}");
    assert_eq!(var(&moved, "date"), "2026-12-04");
    let cancel = json!({ "national_id": "0012345679", "code": code });
    assert_eq!(
        caller.ask("booking.cancel", cancel.clone()).code,
        "cancelled"
    );
    assert_eq!(caller.ask("booking.cancel", cancel).code, "not_found");
    assert_eq!(
        caller
            .ask("bookings.list", json!({ "national_id": "0012345679" }))
            .code,
        "none"
    );
}

#[test]
fn lapsed_and_wrong_facility_cannot_book() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = line(dir.path(), "ir");
    let mut caller = Caller {
        line: &line,
        step: 0,
    };
    let slots = caller.ask(
        "slots.list",
        json!({ "facility": "ir-thr-2", "service": "gp" }),
    );
    let slot = var(&slots, "slots")[0]["id"].clone();
    let reza = caller.ask(
        "booking.create",
        json!({ "national_id": "0077889916", "service": "gp", "slot": slot }),
    );
    assert_eq!(
        (reza.code.as_str(), var(&reza, "reason")),
        ("not_eligible", &json!("lapsed"))
    );
    let bogus = caller.ask(
        "booking.create",
        json!({ "national_id": "0012345679", "service": "gp", "slot": 99_999_999 }),
    );
    assert_eq!(var(&bogus, "reason"), "unknown_slot");
}

#[test]
fn work_orders_surveys_and_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = line(dir.path(), "ir");
    let mut caller = Caller {
        line: &line,
        step: 0,
    };
    assert_eq!(caller.ask("caller.profile", json!({})).code, "new");
    assert_eq!(
        caller
            .ask("caller.set_language", json!({ "lang": "fa" }))
            .code,
        "ok"
    );
    let profile = caller.ask("caller.profile", json!({}));
    assert_eq!(
        (profile.code.as_str(), var(&profile, "lang")),
        ("known", &json!("fa"))
    );
    let complaint = caller.ask(
        "complaint.create",
        json!({ "category": "waiting_time", "national_id": "0012345679" }),
    );
    assert_eq!(complaint.code, "created");
    assert_eq!(
        var(&complaint, "due"),
        "2026-12-04 09:30",
        "24 h later, local time"
    );
    let callback = caller.ask("callback.request", json!({ "topic": "refund" }));
    assert_ne!(var(&callback, "ticket"), var(&complaint, "ticket"));
    let survey = caller.ask("survey.record", json!({ "question": "q1", "answer": 5 }));
    assert_eq!(survey.code, "recorded");
    let pending =
        hotline::sync::outbox::Outbox::pending(line.store.as_ref(), 100).expect("outbox reads");
    let kinds: Vec<_> = pending.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["complaint.created", "callback.requested", "survey.recorded"]
    );
}

#[test]
fn other_profiles_and_a_second_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (profile, id) in [
        ("cn", "110105198503121234"),
        ("id", "3171015208900001"),
        ("vn", "001088012345"),
    ] {
        let line = line(dir.path(), profile);
        let caller = Caller {
            line: &line,
            step: 0,
        };
        let out = caller.ask_with_key("eligibility.check", json!({ "national_id": id }), "k");
        assert_eq!(out.code, "eligible", "{profile}: {out:?}");
    }
    let line = line(dir.path(), "cn");
    let caller = Caller {
        line: &line,
        step: 0,
    };
    let li = caller.ask_with_key(
        "eligibility.check",
        json!({ "national_id": "110105199007082461" }),
        "k2",
    );
    assert_eq!(li.code, "lapsed");
}

#[test]
fn no_arguments_make_any_action_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let line = line(dir.path(), "ir");
    let actions = [
        "caller.profile",
        "caller.set_language",
        "eligibility.check",
        "services.list",
        "facilities.list",
        "slots.list",
        "booking.create",
        "bookings.list",
        "booking.cancel",
        "booking.reschedule",
        "complaint.create",
        "callback.request",
        "survey.record",
        "nope",
    ];
    let names = [
        "national_id",
        "service",
        "date",
        "facility",
        "from",
        "days",
        "slot",
        "code",
        "lang",
        "category",
        "text",
        "topic",
        "question",
        "answer",
        "booking_code",
    ];
    let values = [
        json!(null),
        json!(""),
        json!("0012345679"),
        json!(-1),
        json!(1e300),
        json!(u64::MAX),
        json!([1, 2]),
        json!({ "a": 1 }),
        json!("9999-99-99"),
        json!("2026-12-03"),
        json!("ir-thr-1"),
        json!("gp"),
        json!(true),
        json!("۰۰۱۲۳۴۵۶۷۹"),
        json!("x".repeat(10_000)),
        json!(4_000_000_000u64),
    ];
    let mut rng = fastrand::Rng::with_seed(5);
    for round in 0..3000 {
        let mut args = Map::new();
        for name in names {
            if rng.bool() {
                args.insert(name.into(), values[rng.usize(..values.len())].clone());
            }
        }
        let caller = Caller {
            line: &line,
            step: 0,
        };
        let action = actions[round % actions.len()];
        let out = caller.ask_with_key(action, Value::Object(args), &format!("f:{round}"));
        assert!(!out.code.is_empty());
    }
}
