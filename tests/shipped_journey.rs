//! The shipped journey (`menus/`) walked end to end in every language, through the dialog
//! engine and the real admission actions over a SQLite file with the demo line: every screen
//! a caller sees must fit one USSD screen (160 octets in the encoding it travels in) with
//! real names and dates, not only with the samples `hotline check` measures.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::NaiveDate;
use hotline::admission::{open, Opened};
use hotline::config::Config;
use hotline::dialog::{Dialog, Event, Output};
use hotline::effects::ActionHandler;
use hotline::menus::program::FlowId;
use hotline::menus::render::Medium;
use hotline::menus::{compile_dir, Options, Program};
use hotline_codecs::text::{best_encoding, octet_len, USSD_MAX_OCTETS};

/// 2026-12-03 06:00 UTC: 09:30 on the demo line (+03:30).
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_277_600)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date")
}

struct Line {
    _dir: tempfile::TempDir,
    opened: Opened,
    program: Arc<Program>,
    flow: FlowId,
}

/// A demo line validating IDs under `profile`, serving the shipped menus.
fn line(profile: &str) -> Line {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        data_dir: dir.path().to_owned(),
        id_profile: profile.into(),
        ..Config::default()
    };
    let opened = open(&config, today()).expect("the demo line opens");
    let menus = Path::new(env!("CARGO_MANIFEST_DIR")).join("menus");
    let options = Options {
        id_profile: profile.into(),
        version: 1,
    };
    let compiled = compile_dir(&menus, &options);
    let errors: Vec<String> = compiled.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "menus/ does not compile: {errors:#?}");
    let program = Arc::new(compiled.program.expect("no errors, so a program"));
    let flow = program.flow_for_code("*123#").expect("*123# starts a flow");
    Line {
        _dir: dir,
        opened,
        program,
        flow,
    }
}

/// What the caller sees after an answer.
#[derive(Debug, PartialEq)]
enum Seen {
    Screen(String),
    End(String, Option<String>),
}

impl Seen {
    fn text(&self) -> &str {
        match self {
            Seen::Screen(t) | Seen::End(t, _) => t,
        }
    }
}

/// Session ids: the store keys idempotent writes by session and step.
static SESSIONS: AtomicUsize = AtomicUsize::new(1);

/// Persian digits as the ASCII a keypad sends.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{06F0}'..='\u{06F9}' => char::from_u32(u32::from(c) - 0x06F0 + 0x30).unwrap_or(c),
            _ => c,
        })
        .collect()
}

struct Call<'a> {
    line: &'a Line,
    dialog: Dialog,
}

/// Checks a screen; `SHOW_SCREENS=1 cargo test --test shipped_journey -- --nocapture`
/// prints each one with its size.
fn assert_fits(text: &str) {
    let encoding = best_encoding(text);
    let octets = octet_len(text, encoding).unwrap_or(usize::MAX);
    if std::env::var_os("SHOW_SCREENS").is_some() {
        eprintln!("--- {octets} octets {}\n{text}", encoding.name());
    }
    assert!(
        octets <= USSD_MAX_OCTETS,
        "{octets} octets in {}:\n{text}",
        encoding.name()
    );
    assert!(
        !text.ends_with('…') && !text.ends_with("..."),
        "the renderer cut this screen:\n{text}"
    );
    assert!(!text.trim().is_empty(), "an empty screen");
}

impl<'a> Call<'a> {
    fn dial(line: &'a Line, msisdn: &str) -> (Call<'a>, Seen) {
        let (dialog, out) = Dialog::start(
            Arc::clone(&line.program),
            line.flow,
            &format!("s{}", SESSIONS.fetch_add(1, Ordering::Relaxed)),
            msisdn,
            Medium::text(USSD_MAX_OCTETS),
            "",
            now(),
        );
        let mut call = Call { line, dialog };
        let seen = call.settle(out);
        (call, seen)
    }

    /// Performs actions until the dialog shows a screen or ends.
    fn settle(&mut self, mut out: Output) -> Seen {
        loop {
            match out {
                Output::Perform { request, .. } => {
                    let outcome = self.line.opened.actions.perform(&request);
                    out = self.dialog.step(Event::Outcome(outcome), now());
                }
                Output::Screen { text, .. } => {
                    assert_fits(&text);
                    return Seen::Screen(text);
                }
                Output::End { text, sms } => {
                    assert_fits(&text);
                    return Seen::End(text, sms);
                }
            }
        }
    }

    fn press(&mut self, key: &str) -> Seen {
        let out = self.dialog.step(Event::Input(key), now());
        self.settle(out)
    }

    /// Presses `key` and expects a screen, returning its text.
    fn screen(&mut self, key: &str) -> String {
        match self.press(key) {
            Seen::Screen(text) => text,
            Seen::End(text, _) => panic!("after `{key}` the call ended:\n{text}"),
        }
    }
}

/// Per language: its key on the language menu, the line's ID profile, an eligible demo ID,
/// and a word of its main menu.
const LANGUAGES: &[(&str, &str, &str, &str, &str)] = &[
    ("en", "1", "ir", "0012345679", "Book a visit"),
    ("fa", "2", "ir", "0012345679", "نوبت جدید"),
    ("id", "3", "id", "3171015208900001", "Daftar berobat"),
    ("vi", "4", "vn", "001088012345", "Đặt khám"),
    ("zh", "5", "cn", "110105198503121234", "预约就诊"),
];

#[test]
fn every_language_books_changes_and_cancels_within_one_screen() {
    for &(lang, key, profile, id, word) in LANGUAGES {
        let line = line(profile);
        let msisdn = format!("98912000{key}");

        // First call: choose the language, then book the first slot of the second page.
        let (mut call, first) = Call::dial(&line, &msisdn);
        assert!(first.text().contains("فارسی") && first.text().contains("中文"));
        let main = call.screen(key);
        assert!(main.contains(word), "{lang} main menu:\n{main}");
        assert_eq!(call.dialog.lang(), lang);
        let prompt = call.screen("2");
        assert_eq!(call.dialog.node_name(), "ask", "{lang}: {prompt}");
        call.screen(id);
        assert_eq!(call.dialog.node_name(), "bk_svc_menu", "{lang}");
        call.screen("1");
        assert_eq!(call.dialog.node_name(), "bk_fac_menu", "{lang}");
        let slots = call.screen("1");
        assert_eq!(call.dialog.node_name(), "bk_slot_menu", "{lang}");
        let page2 = call.screen("99");
        assert_ne!(slots, page2, "{lang}: three days of slots are paged");
        assert_eq!(call.screen("98"), slots, "{lang}: 98 goes back a page");
        call.screen("99");
        // The first key of page 2 follows the last item key of page 1.
        let last_of_page1 = ascii_digits(&slots)
            .lines()
            .filter_map(|l| l.split_once(". ")?.0.parse::<u32>().ok())
            .filter(|k| *k < 98)
            .max()
            .expect("page 1 lists slots");
        let confirm = call.screen(&(last_of_page1 + 1).to_string());
        assert_eq!(call.dialog.node_name(), "bk_confirm", "{lang}:\n{confirm}");
        let Seen::End(done, sms) = call.press("1") else {
            panic!("{lang}: booking did not end the call");
        };
        let sms = sms.expect("a booking sends an SMS");
        assert_eq!(call.dialog.node_name(), "bk_done", "{lang}:\n{done}");
        let code = call
            .dialog
            .var("b")
            .and_then(|b| b.get("code"))
            .and_then(|v| v.as_str())
            .expect("the booking code was found")
            .to_owned();
        assert_eq!(code.len(), 6, "{lang}: {code}");
        let shown = if lang == "fa" {
            ascii_digits(&done)
        } else {
            done.clone()
        };
        assert!(shown.contains(&code), "{lang}:\n{done}");
        assert!(ascii_digits(&sms).contains(&code), "{lang}: {sms}");

        // Second call: the language is remembered; change the booking's time.
        let (mut call, main2) = Call::dial(&line, &msisdn);
        assert_eq!(main2.text(), main, "{lang}: remembered language");
        call.screen("3");
        call.screen(id);
        assert_eq!(call.dialog.node_name(), "my_menu", "{lang}");
        call.screen("1");
        assert_eq!(call.dialog.node_name(), "my_item", "{lang}");
        call.screen("2");
        assert_eq!(
            call.dialog.node_name(),
            "rs_fac_menu",
            "{lang}: the booking's service is found by name"
        );
        call.screen("1");
        call.screen("3");
        assert_eq!(call.dialog.node_name(), "rs_confirm", "{lang}");
        let Seen::End(moved, sms) = call.press("1") else {
            panic!("{lang}: the change did not end the call");
        };
        assert!(ascii_digits(&moved).contains(&code), "{lang}: {moved}");
        assert!(sms.is_some_and(|s| ascii_digits(&s).contains(&code)));

        // Third call: cancel it, then check cover reusing the ID given in this call.
        let (mut call, _) = Call::dial(&line, &msisdn);
        call.screen("3");
        call.screen(id);
        call.screen("1");
        call.screen("1");
        assert_eq!(call.dialog.node_name(), "my_cancel", "{lang}");
        call.screen("1");
        assert_eq!(call.dialog.node_name(), "my_cancelled", "{lang}");
        call.screen("1");
        let reuse = call.screen("1");
        assert_eq!(call.dialog.node_name(), "reuse", "{lang}");
        assert!(reuse.contains(&id[id.len() - 4..]), "{lang}: {reuse}");
        call.screen("1");
        assert_eq!(call.dialog.node_name(), "cov_ok_until", "{lang}");
        assert!(matches!(call.press("2"), Seen::Screen(s) if s == main));
    }
}

#[test]
fn wrong_keys_keep_the_whole_menu_on_screen_then_end_politely() {
    for &(lang, key, profile, _, word) in LANGUAGES {
        let line = line(profile);
        let (mut call, _) = Call::dial(&line, "989120000099");
        let main = call.screen(key);
        let options = main.lines().count();
        for _ in 0..3 {
            let again = call.screen("7");
            assert!(again.contains(word), "{lang}:\n{again}");
            assert_eq!(
                again.lines().count(),
                options + 1,
                "{lang}: one message line above the same menu:\n{again}"
            );
        }
        let Seen::End(bye, sms) = call.press("7") else {
            panic!("{lang}: a fourth wrong key must end the call");
        };
        assert_eq!(call.dialog.node_name(), "giveup", "{lang}: {bye}");
        assert_eq!(sms, None);
    }
}

#[test]
fn coverage_outcomes_and_id_retries() {
    let line = line("ir");
    let (mut call, _) = Call::dial(&line, "989120000201");
    call.screen("1");
    call.screen("1");
    let lapsed = call.screen("0077889916");
    assert_eq!(call.dialog.node_name(), "cov_lapsed");
    assert!(lapsed.contains("Your cover ended on Mon 2 Nov"), "{lapsed}");

    // Main menu clears nothing: the next branch offers the lapsed ID; refuse it and type a
    // number with a bad check digit, twice, then one on no roster.
    call.screen("1");
    call.screen("1");
    assert_eq!(call.dialog.node_name(), "reuse");
    call.screen("2");
    let bad = call.screen("0012345678");
    assert!(bad.starts_with("That ID is not valid.\n"), "{bad}");
    let last = call.screen("0012345678");
    assert!(last.starts_with("Not valid. Last try.\n"), "{last}");
    let unknown = call.screen("0055667783");
    assert_eq!(call.dialog.node_name(), "cov_unknown", "{unknown}");

    // "Main menu" there forgets the unknown ID, so the next branch asks afresh; three bad
    // IDs end the call.
    call.screen("1");
    call.screen("1");
    assert_eq!(call.dialog.node_name(), "ask");
    call.screen("0012345678");
    call.screen("0012345678");
    let Seen::End(text, _) = call.press("0012345678") else {
        panic!("three bad IDs must end the call");
    };
    assert!(
        text.starts_with("Sorry, we could not read that ID."),
        "{text}"
    );
}

#[test]
fn complaint_callback_and_survey_give_ticket_numbers() {
    let line = line("ir");
    let (mut call, _) = Call::dial(&line, "989120000301");
    call.screen("2");
    call.screen("4");
    call.screen("1");
    let Seen::End(text, sms) = call.press("3") else {
        panic!("a complaint ends the call");
    };
    assert!(text.starts_with("شکایت ۰۰۰۰۰۱ ثبت شد."), "{text}");
    assert!(sms.is_some_and(|s| s.contains("۰۰۰۰۰۱")));

    let (mut call, _) = Call::dial(&line, "989120000301");
    call.screen("4");
    call.screen("2");
    let Seen::End(text, sms) = call.press("2") else {
        panic!("a callback request ends the call");
    };
    assert!(text.starts_with("درخواست ۰۰۰۰۰۲ ثبت شد."), "{text}");
    assert_eq!(sms, None);

    let (mut call, _) = Call::dial(&line, "989120000301");
    call.screen("5");
    let Seen::End(text, _) = call.press("5") else {
        panic!("a survey answer ends the call");
    };
    assert_eq!(text, "از نظر شما سپاسگزاریم!");
}

#[test]
fn back_and_home_keys() {
    let line = line("ir");
    let (mut call, _) = Call::dial(&line, "989120000401");
    let main = call.screen("1");
    assert_eq!(call.dialog.node_name(), "main", "{main}");
    call.screen("2");
    call.screen("0012345679");
    let services = call.screen("0");
    // Back from the first screen after the ID subflow returns to the main menu.
    assert_eq!(call.dialog.node_name(), "main", "{services}");
    call.screen("2");
    assert_eq!(call.dialog.node_name(), "reuse");
    call.screen("1");
    call.screen("1");
    assert_eq!(call.dialog.node_name(), "bk_fac_menu");
    call.screen("0");
    assert_eq!(call.dialog.node_name(), "bk_svc_menu");
    // Home goes to the flow's `home:`, the main menu, not back to the language menu.
    call.screen("00");
    assert_eq!(call.dialog.node_name(), "main");
}
