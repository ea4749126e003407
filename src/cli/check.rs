//! `hotline check [menus/]`: validates the menu files as the engine would load them, prints
//! every error and warning as `file:line:column`, and measures every screen in every
//! language in the octets and encoding it will travel in. Exits 1 when there are errors.

use std::path::PathBuf;
use std::process::ExitCode;

use hotline_codecs::text::{best_encoding, octet_len, Encoding, USSD_MAX_OCTETS};

use crate::menus::diag::Locator;
use crate::menus::program::{Flow, Kind, Node};
use crate::menus::{compile_dir, Diagnostic, Options, Severity};

/// `hotline check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The menus folder.
    #[arg(default_value = "menus")]
    pub dir: PathBuf,
    /// Octets one screen may use (the operator's USSD limit).
    #[arg(long, default_value_t = USSD_MAX_OCTETS)]
    pub octet_limit: usize,
    /// Country profile of `national_id` inputs that name none.
    #[arg(long, default_value = "ir")]
    pub id_profile: String,
    /// Print every screen's size, not only the ones close to the limit.
    #[arg(long)]
    pub screens: bool,
}

/// Runs `hotline check`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        id_profile: args.id_profile.clone(),
        version: 1,
    };
    let compiled = compile_dir(&args.dir, &options);
    let mut diagnostics = compiled.diagnostics;
    let mut largest: Option<(usize, String)> = None;
    let mut screens = 0usize;
    let mut sizes = Vec::new();
    if let Some(program) = &compiled.program {
        for flow in &program.flows {
            let source = std::fs::read_to_string(&flow.file).unwrap_or_default();
            let locator = Locator::new(&flow.file, &source);
            for node in &flow.nodes {
                for lang in &flow.languages {
                    let Some(text) = static_screen(flow, node, lang) else {
                        continue;
                    };
                    screens += 1;
                    let encoding = best_encoding(&text);
                    let octets = octet_len(&text, encoding).unwrap_or(usize::MAX);
                    let what = format!(
                        "node `{}` in `{lang}`: {octets}/{} octets {}",
                        node.name,
                        args.octet_limit,
                        encoding.name()
                    );
                    if largest.as_ref().is_none_or(|(o, _)| octets > *o) {
                        largest = Some((octets, what.clone()));
                    }
                    let near = octets * 10 > args.octet_limit * 9;
                    if octets > args.octet_limit || near {
                        diagnostics.push(measure(
                            &locator,
                            node,
                            octets,
                            args.octet_limit,
                            what,
                            encoding,
                        ));
                    } else if args.screens {
                        sizes.push(format!("{}: {what}", flow.file.display()));
                    }
                }
            }
        }
    }
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    for line in &sizes {
        println!("{line}");
    }
    for d in &diagnostics {
        println!("{d}");
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    match (&compiled.program, errors) {
        (Some(program), 0) => {
            let nodes: usize = program.flows.iter().map(|f| f.nodes.len()).sum();
            println!(
                "ok: {} flow(s), {nodes} nodes, {screens} screens measured, {warnings} warning(s)",
                program.flows.len()
            );
            if let Some((_, what)) = largest {
                println!("largest screen: {what}");
            }
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            println!(
                "{errors} error(s), {warnings} warning(s): the engine would refuse these menus"
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// The finding about a screen that is close to or over the limit; menus page, the rest
/// would be cut.
fn measure(
    locator: &Locator<'_>,
    node: &Node,
    octets: usize,
    limit: usize,
    what: String,
    encoding: Encoding,
) -> Diagnostic {
    let pageable = matches!(node.kind, Kind::Menu { .. });
    let (severity, message, fix) = if octets <= limit {
        (
            Severity::Warning,
            format!("{what} (close to the limit)"),
            None,
        )
    } else if pageable {
        (
            Severity::Warning,
            format!("{what}: the menu will be split into pages"),
            Some("shorten the labels to keep every option on one screen".to_owned()),
        )
    } else {
        (
            Severity::Error,
            format!("{what}: too long for one screen"),
            Some(match encoding {
                Encoding::Ucs2 => {
                    "shorten it: in UCS-2 a screen holds about 80 characters".to_owned()
                }
                _ => "shorten it: in GSM-7 a screen holds 182 characters".to_owned(),
            }),
        )
    };
    locator.at(severity, locator.node(&node.name), message, fix)
}

/// The screen a node shows, with sample values for its variables and its static options
/// (items depend on data and are paged at run time).
fn static_screen(flow: &Flow, node: &Node, lang: &str) -> Option<String> {
    let show = node.is_interactive() || matches!(node.kind, Kind::End { .. });
    if !show {
        return None;
    }
    let mut text = node
        .text
        .as_ref()
        .map(|t| t.get(lang, &flow.fallback).render_sample(lang))
        .unwrap_or_default();
    if let Kind::Menu { options, .. } = &node.kind {
        let mut n = 0;
        for option in options {
            let key = option.key.clone().unwrap_or_else(|| loop {
                n += 1;
                if !flow.keys.contains(&n.to_string()) {
                    break n.to_string();
                }
            });
            let label = option.text.get(lang, &flow.fallback).render_sample(lang);
            text.push_str(&format!("\n{key}. {label}"));
        }
    }
    Some(text)
}
