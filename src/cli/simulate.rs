//! `hotline simulate '*123#'`: a phone in the terminal. Each screen is framed with its
//! language, encoding and octet count; type an answer and press Enter. Actions run against
//! the real store and its demo data (created under `--data-dir` when missing), so what ops
//! staff see is what a caller gets. Answers may also come from `--script` (one per line),
//! which makes a walk repeatable.
//!
//! Special answers: `:timeout` is a caller who stays silent (voice), `:quit` hangs up.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::SystemTime;

use hotline_codecs::text::{best_encoding, octet_len, USSD_MAX_OCTETS};
use serde_json::{Map, Value};

use super::roster::StoreArgs;
use crate::channels::smpp::ussd::split_dialled;
use crate::dialog::{Dialog, Event, Output};
use crate::effects::{ActionHandler, ActionOutcome, ActionRequest};
use crate::menus::render::Medium;
use crate::menus::{compile_dir, Options};

/// Which renderer to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimChannel {
    /// USSD screens paged by octets.
    Ussd,
    /// Voice prompts as text.
    Voice,
}

/// `hotline simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The code to dial; a deep link (`*123*1#`) feeds its answers.
    #[arg(default_value = "*123#")]
    pub code: String,
    /// Start in this language (the caller's remembered language is set to it first).
    #[arg(long)]
    pub lang: Option<String>,
    /// Render as USSD screens or as voice prompts.
    #[arg(long, value_enum, default_value_t = SimChannel::Ussd)]
    pub channel: SimChannel,
    /// The caller's number.
    #[arg(long, default_value = "+989121234567")]
    pub msisdn: String,
    /// The menus folder.
    #[arg(long, default_value = "menus")]
    pub menus: PathBuf,
    /// Octets one USSD screen may use.
    #[arg(long, default_value_t = USSD_MAX_OCTETS)]
    pub octet_limit: usize,
    /// Answers, one per line, instead of the keyboard.
    #[arg(long)]
    pub script: Option<PathBuf>,
    /// Run without a store: every action answers `error`.
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

struct NoStore;

impl ActionHandler for NoStore {
    fn perform(&self, _: &ActionRequest) -> ActionOutcome {
        ActionOutcome::code("error")
    }
}

/// Runs `hotline simulate`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = args.store.config()?;
    let compiled = compile_dir(
        &args.menus,
        &Options {
            id_profile: config.id_profile.clone(),
            version: 1,
        },
    );
    let Some(program) = compiled.program else {
        for d in compiled.errors() {
            eprintln!("{d}");
        }
        anyhow::bail!(
            "the menus do not compile; run `hotline check {}`",
            args.menus.display()
        );
    };
    let program = Arc::new(program);
    // A voice number (`123`) is not a USSD string: it is the code itself.
    let (code, deep_link) = split_dialled(&args.code).unwrap_or((args.code.clone(), String::new()));
    let Some(flow) = program.flow_for_code(&code) else {
        anyhow::bail!("no flow in {} answers {}", args.menus.display(), args.code);
    };
    let handler: Arc<dyn ActionHandler> = if args.no_store {
        Arc::new(NoStore)
    } else {
        let offset = chrono::Duration::minutes(i64::from(config.admission.utc_offset_minutes));
        let today = (chrono::Utc::now() + offset).date_naive();
        let opened = crate::admission::open(&config, today)?;
        println!(
            "store: {}",
            config.data_dir.join("hotline.sqlite").display()
        );
        opened.handler()
    };
    if let Some(lang) = &args.lang {
        if !program.flows[flow].speaks(lang) {
            anyhow::bail!(
                "the flow does not speak `{lang}`; it has {}",
                program.flows[flow].languages.join(", ")
            );
        }
        let mut set = Map::new();
        set.insert("lang".into(), Value::String(lang.clone()));
        handler.perform(&request("caller.set_language", set, &args.msisdn, lang));
    }
    let medium = match args.channel {
        SimChannel::Ussd => Medium::text(args.octet_limit),
        SimChannel::Voice => Medium::VOICE,
    };
    let mut answers: Box<dyn Iterator<Item = String>> = match &args.script {
        Some(path) => {
            let text = std::fs::read_to_string(path)?;
            Box::new(
                text.lines()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
                    .into_iter(),
            )
        }
        None => Box::new(std::io::stdin().lock().lines().map_while(Result::ok)),
    };
    let echo = args.script.is_some() || !std::io::IsTerminal::is_terminal(&std::io::stdin());
    let session = format!("sim-{}", std::process::id());
    let (mut dialog, mut out) = Dialog::start(
        Arc::clone(&program),
        flow,
        &session,
        &args.msisdn,
        medium,
        &deep_link,
        SystemTime::now(),
    );
    loop {
        out = perform_all(&mut dialog, out, handler.as_ref());
        match &out {
            Output::Screen { text, .. } => frame(text, dialog.lang(), args.octet_limit, medium),
            Output::End { text, sms } => {
                frame(text, dialog.lang(), args.octet_limit, medium);
                if let Some(sms) = sms {
                    println!("SMS to {}:\n  {}", args.msisdn, sms.replace('\n', "\n  "));
                }
                println!("(dialog ended)");
                return Ok(ExitCode::SUCCESS);
            }
            Output::Perform { .. } => unreachable!("perform_all runs every action"),
        }
        print!("> ");
        std::io::stdout().flush()?;
        let Some(answer) = answers.next() else {
            println!("\n(hung up)");
            return Ok(ExitCode::SUCCESS);
        };
        if echo {
            println!("{answer}");
        }
        let event = match answer.trim() {
            ":quit" => {
                println!("(hung up)");
                return Ok(ExitCode::SUCCESS);
            }
            ":timeout" => Event::NoInput,
            other => Event::Input(other),
        };
        out = dialog.step(event, SystemTime::now());
    }
}

fn request(action: &str, args: Map<String, Value>, msisdn: &str, lang: &str) -> ActionRequest {
    ActionRequest {
        action: action.to_owned(),
        args,
        idempotency_key: format!("sim-{}-{action}", std::process::id()),
        msisdn: msisdn.to_owned(),
        lang: lang.to_owned(),
        now: SystemTime::now(),
    }
}

fn perform_all(dialog: &mut Dialog, mut out: Output, handler: &dyn ActionHandler) -> Output {
    while let Output::Perform { request, .. } = &out {
        let outcome = handler.perform(request);
        println!("  · {} → {}", request.action, outcome.code);
        out = dialog.step(Event::Outcome(outcome), SystemTime::now());
    }
    out
}

fn frame(text: &str, lang: &str, limit: usize, medium: Medium) {
    let header = if medium == Medium::VOICE {
        format!("─ {lang} · voice prompt ")
    } else {
        let encoding = best_encoding(text);
        let octets = octet_len(text, encoding).unwrap_or(0);
        format!("─ {lang} · {} · {octets}/{limit} octets ", encoding.name())
    };
    println!(
        "┌{header}{}",
        "─".repeat(40usize.saturating_sub(header.chars().count()))
    );
    for line in text.lines() {
        println!("│ {line}");
    }
    println!("└{}", "─".repeat(40));
}
