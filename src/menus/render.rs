//! Rendering a node for a channel: USSD/HTTP text paged by the operator's octet limit in the
//! encoding the screen will travel in, or a voice prompt ("For booking, press 1.").

use hotline_codecs::text::{best_encoding, octet_len, split, Encoding};
use serde_json::{Map, Value};

use super::program::{Flow, Kind, Node};
use super::template::localise_digits;
use super::vars::lookup;

/// How the screen travels. Text screens are measured in the encoding the channels choose
/// for them (GSM-7 when every character fits, else UCS-2), as the SMPP channel sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Medium {
    /// Octets one screen may use; `None` for voice (paged by option count instead).
    pub octet_limit: Option<usize>,
}

impl Medium {
    /// Voice prompts.
    pub const VOICE: Medium = Medium { octet_limit: None };

    /// A USSD or HTTP screen of `limit` octets.
    pub fn text(limit: usize) -> Self {
        Medium {
            octet_limit: Some(limit),
        }
    }
}

/// What a choice on a menu leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Static option number `n` of the node.
    Option(usize),
    /// Element `n` of the items list.
    Item(usize),
}

/// One line of a menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key to press.
    pub key: String,
    /// The label, rendered.
    pub label: String,
    /// What it selects.
    pub choice: Choice,
}

/// A rendered screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text of the page asked for.
    pub text: String,
    /// Pages of this screen (1 unless a long menu was paged).
    pub pages: usize,
    /// The encoding it was measured in.
    pub encoding: Encoding,
    /// Octets of `text` in `encoding`.
    pub octets: usize,
}

/// The keys of a menu node's visible choices, in screen order: items first, then options;
/// automatic keys skip the navigation keys and explicit option keys.
pub fn keys(flow: &Flow, node: &Node, vars: &Map<String, Value>) -> Vec<(String, Choice)> {
    let Kind::Menu { options, items } = &node.kind else {
        return Vec::new();
    };
    let visible: Vec<usize> = options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.when.as_ref().is_none_or(|w| w.holds(vars)))
        .map(|(i, _)| i)
        .collect();
    let taken: Vec<&str> = visible
        .iter()
        .filter_map(|i| options[*i].key.as_deref())
        .collect();
    let mut counter = 0u32;
    let mut next_key = || loop {
        counter += 1;
        let key = counter.to_string();
        if !flow.keys.contains(&key) && !taken.contains(&key.as_str()) {
            return key;
        }
    };
    let mut out = Vec::new();
    if let Some(items) = items {
        if let Some(Value::Array(list)) = lookup(vars, &items.from) {
            out.extend((0..list.len()).map(|i| (next_key(), Choice::Item(i))));
        }
    }
    for i in visible {
        let key = options[i].key.clone().unwrap_or_else(&mut next_key);
        out.push((key, Choice::Option(i)));
    }
    out
}

/// The visible entries of a menu node with their labels rendered.
pub fn entries(flow: &Flow, node: &Node, vars: &Map<String, Value>, lang: &str) -> Vec<Entry> {
    let Kind::Menu { options, items } = &node.kind else {
        return Vec::new();
    };
    let list = items
        .as_ref()
        .and_then(|items| match lookup(vars, &items.from) {
            Some(Value::Array(list)) => Some((items, list)),
            _ => None,
        });
    keys(flow, node, vars)
        .into_iter()
        .map(|(key, choice)| {
            let label = match choice {
                Choice::Item(i) => match &list {
                    Some((items, list)) => items
                        .label
                        .get(lang, &flow.fallback)
                        .render_item(vars, &list[i], lang),
                    None => String::new(),
                },
                Choice::Option(i) => options[i].text.get(lang, &flow.fallback).render(vars, lang),
            };
            Entry { key, label, choice }
        })
        .collect()
}

/// Renders `node` (page `page`, 0-based, clamped), with `prefix` (a wrong-answer message)
/// above it.
pub fn render(
    flow: &Flow,
    node: &Node,
    vars: &Map<String, Value>,
    lang: &str,
    prefix: Option<&str>,
    page: usize,
    medium: Medium,
) -> Rendered {
    let mut head = String::new();
    if let Some(p) = prefix {
        head.push_str(p);
    }
    if let Some(text) = &node.text {
        let body = text.get(lang, &flow.fallback).render(vars, lang);
        if !body.is_empty() {
            if !head.is_empty() {
                head.push(medium_separator(medium));
            }
            head.push_str(&body);
        }
    }
    let entries = entries(flow, node, vars, lang);
    let Some(limit) = medium.octet_limit else {
        return voice(flow, vars, lang, head, &entries, page);
    };
    let lines: Vec<String> = entries
        .iter()
        .map(|e| format!("{}. {}", localise_digits(&e.key, lang), e.label))
        .collect();
    let more = flow.keys.next_page.as_ref().map(|k| {
        format!(
            "{}. {}",
            localise_digits(k, lang),
            flow.messages
                .more
                .get(lang, &flow.fallback)
                .render(vars, lang)
        )
    });
    let prev = flow.keys.prev_page.as_ref().map(|k| {
        format!(
            "{}. {}",
            localise_digits(k, lang),
            flow.messages
                .prev
                .get(lang, &flow.fallback)
                .render(vars, lang)
        )
    });
    let mut all = head.clone();
    for l in lines.iter().chain(more.iter()).chain(prev.iter()) {
        all.push('\n');
        all.push_str(l);
    }
    let encoding = best_encoding(&all);
    let measure = |s: &str| octet_len(s, encoding).unwrap_or(usize::MAX);
    let pages = paginate(
        &head,
        &lines,
        more.as_deref(),
        prev.as_deref(),
        limit,
        measure,
    );
    let page = page.min(pages.len().saturating_sub(1));
    let text = fit(&pages[page], encoding, limit);
    Rendered {
        octets: measure(&text),
        text,
        pages: pages.len(),
        encoding,
    }
}

/// Options a voice prompt reads at once: a caller cannot hold more in mind, and a long
/// list (the week's slots) is offered page by page with the paging keys.
const VOICE_PAGE: usize = 5;

fn voice(
    flow: &Flow,
    vars: &Map<String, Value>,
    lang: &str,
    head: String,
    entries: &[Entry],
    page: usize,
) -> Rendered {
    let pages = if entries.len() > VOICE_PAGE + 1 && flow.keys.next_page.is_some() {
        entries.len().div_ceil(VOICE_PAGE)
    } else {
        1
    };
    let page = page.min(pages - 1);
    let shown = if pages == 1 {
        entries
    } else {
        let end = ((page + 1) * VOICE_PAGE).min(entries.len());
        &entries[page * VOICE_PAGE..end]
    };
    let mut text = if page == 0 { head } else { String::new() };
    for e in shown {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&voice_option(lang, &e.label, &e.key));
    }
    let label = |t: &super::program::Text| t.get(lang, &flow.fallback).render(vars, lang);
    let footers = [
        (
            page + 1 < pages,
            &flow.keys.next_page,
            label(&flow.messages.more),
        ),
        (page > 0, &flow.keys.prev_page, label(&flow.messages.prev)),
    ];
    for (wanted, key, what) in footers {
        if let (true, Some(key)) = (wanted, key) {
            text.push(' ');
            text.push_str(&voice_option(lang, &what, key));
        }
    }
    Rendered {
        octets: text.len(),
        text,
        pages,
        encoding: Encoding::Ucs2,
    }
}

fn medium_separator(medium: Medium) -> char {
    if medium.octet_limit.is_some() {
        '\n'
    } else {
        ' '
    }
}

/// Splits a menu into pages: the head on the first page, then as many lines per page as fit
/// with the paging footers the page needs.
fn paginate(
    head: &str,
    lines: &[String],
    more: Option<&str>,
    prev: Option<&str>,
    limit: usize,
    measure: impl Fn(&str) -> usize,
) -> Vec<String> {
    let compose = |base: &str, body: &[String], more_follows: bool, has_prev: bool| {
        let mut s = base.to_owned();
        for l in body {
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(l);
        }
        let footers = [(more_follows, more), (has_prev, prev)];
        for (wanted, footer) in footers {
            if let (true, Some(f)) = (wanted, footer) {
                s.push('\n');
                s.push_str(f);
            }
        }
        s
    };
    let whole = compose(head, lines, false, false);
    if measure(&whole) <= limit || more.is_none() {
        return vec![whole];
    }
    let mut pages = Vec::new();
    let mut i = 0;
    while i < lines.len() || pages.is_empty() {
        let base = if pages.is_empty() { head } else { "" };
        let has_prev = !pages.is_empty() && prev.is_some();
        let mut end = i;
        while end < lines.len() {
            let candidate = compose(base, &lines[i..=end], end + 1 < lines.len(), has_prev);
            // A page holds at least one line, even one that alone is too long.
            if measure(&candidate) > limit && end > i {
                break;
            }
            end += 1;
        }
        pages.push(compose(base, &lines[i..end], end < lines.len(), has_prev));
        i = end;
    }
    pages
}

/// Cuts `text` to `limit` octets, ending with `…` when cut. Screens that are too long are
/// reported by `hotline check`; this only keeps a bad one from being refused by the network.
fn fit(text: &str, encoding: Encoding, limit: usize) -> String {
    if octet_len(text, encoding).is_some_and(|n| n <= limit) {
        return text.to_owned();
    }
    let ellipsis = if encoding == Encoding::Gsm7 {
        "..."
    } else {
        "…"
    };
    let room = limit.saturating_sub(octet_len(ellipsis, encoding).unwrap_or(3));
    match split(text, encoding, room.max(1)) {
        Some(parts) if !parts.is_empty() => format!("{}{ellipsis}", parts[0]),
        _ => String::new(),
    }
}

/// "For booking, press 1." in the session language.
pub fn voice_option(lang: &str, label: &str, key: &str) -> String {
    match lang {
        "fa" => format!("برای {label}، {key} را بزنید."),
        "id" => format!("Untuk {label}, tekan {key}."),
        "vi" => format!("Để chọn {label}, bấm {key}."),
        "zh" => format!("{label}请按{key}。"),
        _ => format!("For {label}, press {key}."),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::json;

    use super::*;
    use crate::menus::compile::{compile_sources, Options};

    const FLOW: &str = r#"
flow:
  name: t
  service_codes: ["*1#"]
  languages: [en]
  entry: init
nodes:
  init:
    kind: set
    set: {list: "", place: ""}
    next: pick
  pick:
    kind: menu
    text: "Pick:"
    items:
      from: list
      label: "{item.name} at {place}"
      store: picked
      next: bye
  bye:
    kind: end
    text: "Bye"
"#;

    #[test]
    fn item_labels_see_item_and_the_other_session_variables() {
        let compiled = compile_sources(
            &[(PathBuf::from("t.yaml"), FLOW.to_owned())],
            &Options::default(),
        );
        assert!(
            compiled.errors().next().is_none(),
            "{:?}",
            compiled.diagnostics
        );
        let program = compiled.program.expect("the test flow compiles");
        let flow = &program.flows[0];
        let node = &flow.nodes[flow.node_named("pick").expect("node pick")];
        let vars = json!({
            "list": [{"name": "A"}, {"name": "B"}],
            "place": "Tehran",
            "item": "stale",
        });
        let Value::Object(vars) = vars else {
            unreachable!("a JSON object literal")
        };
        let labels: Vec<(String, String)> = entries(flow, node, &vars, "en")
            .into_iter()
            .map(|e| (e.key, e.label))
            .collect();
        assert_eq!(
            labels,
            [
                ("1".to_owned(), "A at Tehran".to_owned()),
                ("2".to_owned(), "B at Tehran".to_owned())
            ]
        );
    }
}
