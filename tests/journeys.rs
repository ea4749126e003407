//! Journey transcripts: every `fixtures/journeys/*.yaml` is dialled through the dialog
//! engine against scripted action outcomes, and every screen must match exactly.
//!
//! ```yaml
//! name: what the journey shows
//! menus: menus            # the folder to load (default `menus`)
//! dial: "*123#"           # a deep link such as "*123*1#" feeds its answers
//! msisdn: "+989121234567"
//! channel: ussd           # or voice (no paging by octets)
//! octet_limit: 160
//! actions:                # outcomes each action returns, in order of calls
//!   caller.profile: [{code: new}]
//!   slots.list: [{code: ok, vars: {slots: [...]}}, {timeout: true}]
//! steps:
//!   - screen: "first screen, after dialling"
//!   - input: "1"          # or `no_input: true` (voice silence)
//!     screen: "the next screen"
//!   - input: "2"
//!     end: "the last screen"
//!     sms: "the SMS it sends"
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use hotline::channels::smpp::ussd::split_dialled;
use hotline::dialog::{Dialog, Event, Output};
use hotline::effects::{ActionOutcome, ActionRequest};
use hotline::menus::render::Medium;
use hotline::menus::{compile_dir, Options, Program};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Journey {
    name: String,
    #[serde(default = "default_menus")]
    menus: PathBuf,
    dial: String,
    #[serde(default = "default_msisdn")]
    msisdn: String,
    #[serde(default)]
    channel: Channel,
    #[serde(default = "default_limit")]
    octet_limit: usize,
    #[serde(default)]
    actions: BTreeMap<String, Vec<Scripted>>,
    steps: Vec<Step>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Channel {
    #[default]
    Ussd,
    Voice,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scripted {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    vars: Map<String, Value>,
    /// The action misses its deadline.
    #[serde(default)]
    timeout: bool,
    /// Arguments the request must carry.
    #[serde(default)]
    args: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    #[serde(default)]
    input: Option<String>,
    #[serde(default)]
    no_input: bool,
    #[serde(default)]
    screen: Option<String>,
    #[serde(default)]
    end: Option<String>,
    #[serde(default)]
    sms: Option<String>,
}

fn default_menus() -> PathBuf {
    "menus".into()
}
fn default_msisdn() -> String {
    "+989121234567".into()
}
fn default_limit() -> usize {
    160
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Script {
    queues: HashMap<String, VecDeque<Scripted>>,
}

impl Script {
    fn answer(&mut self, journey: &str, req: &ActionRequest) -> ActionOutcome {
        let next = self
            .queues
            .get_mut(&req.action)
            .and_then(VecDeque::pop_front)
            .unwrap_or_else(|| panic!("{journey}: no scripted outcome left for `{}`", req.action));
        for (k, v) in &next.args {
            assert_eq!(
                req.args.get(k),
                Some(v),
                "{journey}: `{}` argument `{k}` (request: {:?})",
                req.action,
                req.args
            );
        }
        if next.timeout {
            return ActionOutcome::code("timeout");
        }
        ActionOutcome {
            code: next.code.unwrap_or_else(|| "ok".into()),
            vars: next.vars,
        }
    }
}

/// Performs actions until the dialog shows something.
fn settle(journey: &str, dialog: &mut Dialog, mut out: Output, script: &mut Script) -> Output {
    while let Output::Perform { request, .. } = &out {
        let outcome = script.answer(journey, request);
        out = dialog.step(Event::Outcome(outcome), SystemTime::now());
    }
    out
}

fn program_for(dir: &Path, cache: &mut HashMap<PathBuf, Arc<Program>>) -> Arc<Program> {
    cache
        .entry(dir.to_owned())
        .or_insert_with(|| {
            let compiled = compile_dir(&root().join(dir), &Options::default());
            let errors: Vec<String> = compiled.errors().map(ToString::to_string).collect();
            Arc::new(compiled.program.unwrap_or_else(|| {
                panic!("{} does not compile:\n{}", dir.display(), errors.join("\n"))
            }))
        })
        .clone()
}

fn run(path: &Path, cache: &mut HashMap<PathBuf, Arc<Program>>) {
    let text = std::fs::read_to_string(path).expect("readable journey");
    let journey: Journey =
        serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = format!("{} ({})", journey.name, path.display());
    let program = program_for(&journey.menus, cache);
    // A voice number (`500`) is not a USSD string: it is the code itself.
    let (code, deep_link) =
        split_dialled(&journey.dial).unwrap_or((journey.dial.clone(), String::new()));
    let flow = program
        .flow_for_code(&code)
        .unwrap_or_else(|| panic!("{name}: no flow answers {code}"));
    let medium = match journey.channel {
        Channel::Ussd => Medium::text(journey.octet_limit),
        Channel::Voice => Medium::VOICE,
    };
    let mut script = Script {
        queues: journey
            .actions
            .into_iter()
            .map(|(k, v)| (k, v.into()))
            .collect(),
    };
    let (mut dialog, out) = Dialog::start(
        program,
        flow,
        "journey",
        &journey.msisdn,
        medium,
        &deep_link,
        SystemTime::now(),
    );
    let mut out = settle(&name, &mut dialog, out, &mut script);
    for (i, step) in journey.steps.iter().enumerate() {
        let at = format!("{name}, step {}", i + 1);
        if i > 0 || step.input.is_some() || step.no_input {
            let event = match (&step.input, step.no_input) {
                (Some(input), false) => Event::Input(input),
                (None, true) => Event::NoInput,
                _ => panic!("{at}: give `input` or `no_input: true`"),
            };
            assert!(
                matches!(out, Output::Screen { .. }),
                "{at}: the dialog had already ended: {out:?}"
            );
            let next = dialog.step(event, SystemTime::now());
            out = settle(&name, &mut dialog, next, &mut script);
        }
        match (&step.screen, &step.end, &out) {
            (Some(want), None, Output::Screen { text, .. }) => {
                assert_eq!(text.trim_end(), want.trim_end(), "{at}: screen");
                if medium != Medium::VOICE {
                    let encoding = hotline_codecs::text::best_encoding(text);
                    let octets = hotline_codecs::text::octet_len(text, encoding);
                    assert!(
                        octets.is_some_and(|n| n <= journey.octet_limit),
                        "{at}: {octets:?} octets in {encoding:?} do not fit {}",
                        journey.octet_limit
                    );
                }
            }
            (None, Some(want), Output::End { text, sms }) => {
                assert_eq!(text.trim_end(), want.trim_end(), "{at}: end screen");
                assert_eq!(
                    sms.as_deref().map(str::trim_end),
                    step.sms.as_deref().map(str::trim_end),
                    "{at}: sms"
                );
            }
            _ => panic!(
                "{at}: expected {}, got {out:?}",
                if step.end.is_some() {
                    "the end"
                } else {
                    "a screen"
                }
            ),
        }
    }
    assert!(
        script.queues.values().all(VecDeque::is_empty),
        "{name}: scripted outcomes left unused: {:?}",
        script
            .queues
            .iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(k, _)| k)
            .collect::<Vec<_>>()
    );
}

#[test]
fn every_journey_transcript_plays_as_written() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/journeys"))
        .expect("fixtures/journeys exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no journeys found");
    let mut cache = HashMap::new();
    for path in &paths {
        run(path, &mut cache);
    }
}

#[test]
fn every_shipped_menu_file_compiles_without_errors() {
    let compiled = compile_dir(&root().join("menus"), &Options::default());
    let errors: Vec<String> = compiled.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let program = compiled.program.expect("compiles");
    assert!(
        program.flow_for_code("*123#").is_some(),
        "*123# starts a flow"
    );
}
