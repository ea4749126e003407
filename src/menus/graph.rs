//! Drawings of a flow for ops staff: Mermaid (renders in GitHub and most wikis) and
//! Graphviz `dot`.

use std::fmt::Write;

use super::compile::successors;
use super::program::{Flow, Kind, Node};

/// The output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Mermaid `flowchart`.
    Mermaid,
    /// Graphviz `digraph`.
    Dot,
}

fn kind_label(node: &Node) -> &'static str {
    match &node.kind {
        Kind::Menu { .. } => "menu",
        Kind::Input { .. } => "input",
        Kind::Confirm { .. } => "confirm",
        Kind::Route { .. } => "route",
        Kind::Set { .. } => "set",
        Kind::Action { .. } => "action",
        Kind::Call { .. } => "call",
        Kind::Return { .. } => "return",
        Kind::End { .. } => "end",
    }
}

/// Edge labels: the option key, outcome code or branch that leads there.
fn edges(node: &Node) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    match &node.kind {
        Kind::Action {
            outcomes, default, ..
        } => {
            let mut codes: Vec<_> = outcomes.iter().collect();
            codes.sort();
            out.extend(codes.into_iter().map(|(code, to)| (*to, code.clone())));
            out.extend(default.iter().map(|to| (*to, "default".to_owned())));
        }
        Kind::Confirm { yes, no } => {
            out.push((*yes, "1 yes".into()));
            out.push((*no, "2 no".into()));
        }
        Kind::Menu { options, items } => {
            for (i, o) in options.iter().enumerate() {
                let label = o.key.clone().unwrap_or_else(|| format!("option {}", i + 1));
                out.push((o.next, label));
            }
            if let Some(items) = items {
                out.push((items.next, format!("item of {}", items.from.join("."))));
            }
        }
        _ => {
            // `successors` already holds the on_exhausted edge of inputs.
            out.extend(
                successors(node)
                    .into_iter()
                    .map(|(to, _)| (to, String::new())),
            );
            return out;
        }
    }
    if node.is_interactive() {
        if let Some(to) = node.settings.on_exhausted {
            out.push((to, "exhausted".into()));
        }
    }
    out
}

/// Draws `flow`.
pub fn draw(flow: &Flow, format: GraphFormat) -> String {
    let mut s = String::new();
    let id = |i: usize| format!("n{i}");
    match format {
        GraphFormat::Mermaid => {
            let _ = writeln!(s, "flowchart TD");
            for (i, node) in flow.nodes.iter().enumerate() {
                let _ = writeln!(s, "  {}[\"{} ({})\"]", id(i), node.name, kind_label(node));
            }
            for (i, node) in flow.nodes.iter().enumerate() {
                for (to, label) in edges(node) {
                    if label.is_empty() {
                        let _ = writeln!(s, "  {} --> {}", id(i), id(to));
                    } else {
                        let _ = writeln!(s, "  {} -->|\"{}\"| {}", id(i), label, id(to));
                    }
                }
            }
        }
        GraphFormat::Dot => {
            let _ = writeln!(s, "digraph \"{}\" {{", flow.name);
            let _ = writeln!(s, "  node [shape=box];");
            for (i, node) in flow.nodes.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "  {} [label=\"{}\\n({})\"];",
                    id(i),
                    node.name,
                    kind_label(node)
                );
            }
            for (i, node) in flow.nodes.iter().enumerate() {
                for (to, label) in edges(node) {
                    let _ = writeln!(s, "  {} -> {} [label=\"{}\"];", id(i), id(to), label);
                }
            }
            let _ = writeln!(s, "}}");
        }
    }
    s
}
