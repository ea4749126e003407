//! Loading `menus/`, validating it and compiling it to a [`Program`].
//!
//! Every problem becomes a [`Diagnostic`] with the file, line, column and a fix; errors
//! refuse the whole load (a running engine keeps its last good version), warnings do not.
//! The checks: YAML syntax and unknown keys; unknown, unreachable and misspelt nodes; keys
//! on the wrong kind of node; missing translations; variables read before every path to
//! them sets them; key collisions; unknown actions and outcome codes; subflow parameters;
//! templates, expressions and patterns that do not parse.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::diag::{suggest, Diagnostic, Locator, Severity};
use super::expr::Expr;
use super::model::{
    FlowFile, InputDef, KeysDef, MessagesDef, NodeDef, NodeKind, SettingsDef, TextDef,
};
use super::program::{
    normalise_code, Assign, Flow, FlowId, InputType, Items, Keys, Kind, MenuOption, Messages, Node,
    NodeId, Program, Settings, Text,
};
use super::template::Template;
use crate::effects::{outcomes_of, CATALOGUE, COMMON_OUTCOMES};

/// What the compiler needs from the engine's configuration.
#[derive(Debug, Clone)]
pub struct Options {
    /// The national-ID profile of `national_id` inputs that name none.
    pub id_profile: String,
    /// The version number the program gets.
    pub version: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            id_profile: "ir".into(),
            version: 1,
        }
    }
}

/// The result of a load: the program when there were no errors, and every diagnostic.
#[derive(Debug)]
pub struct Compiled {
    /// `None` when any diagnostic is an error.
    pub program: Option<Program>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}

/// Loads every `*.yaml` / `*.yml` file of `dir` (not recursively) and compiles them as one
/// program.
pub fn compile_dir(dir: &Path, options: &Options) -> Compiled {
    let mut files = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let path = entry.path();
                let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
                if is_yaml && path.is_file() {
                    files.push(path);
                }
            }
        }
        Err(err) => {
            return Compiled {
                program: None,
                diagnostics: vec![Diagnostic {
                    severity: Severity::Error,
                    file: dir.to_owned(),
                    line: 1,
                    column: 1,
                    message: format!("cannot read the menus folder: {err}"),
                    fix: Some("pass the folder that holds the menu files (`menus/`)".into()),
                }],
            }
        }
    }
    files.sort();
    let mut sources = Vec::new();
    let mut diagnostics = Vec::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => sources.push((path, text)),
            Err(err) => diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: path,
                line: 1,
                column: 1,
                message: format!("cannot read the file: {err}"),
                fix: Some("save it as UTF-8 text".into()),
            }),
        }
    }
    if sources.is_empty() && diagnostics.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            file: dir.to_owned(),
            line: 1,
            column: 1,
            message: "no menu files (*.yaml) in this folder".into(),
            fix: Some("add a flow file, e.g. copy menus/e-admission.yaml".into()),
        });
    }
    let mut compiled = compile_sources(&sources, options);
    diagnostics.append(&mut compiled.diagnostics);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        compiled.program = None;
    }
    compiled.diagnostics = diagnostics;
    compiled
}

/// Compiles menu files given as `(path, text)`.
pub fn compile_sources(sources: &[(PathBuf, String)], options: &Options) -> Compiled {
    let mut diags = Vec::new();
    let mut parsed: Vec<(&Path, &str, FlowFile)> = Vec::new();
    for (path, text) in sources {
        match serde_yaml_ng::from_str::<FlowFile>(text) {
            Ok(file) => parsed.push((path, text, file)),
            Err(err) => {
                let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
                diags.push(Diagnostic {
                    severity: Severity::Error,
                    file: path.clone(),
                    line,
                    column,
                    message: yaml_message(&err.to_string()),
                    fix: Some(yaml_fix(&err.to_string())),
                });
            }
        }
    }

    // Flow names and service codes first, so that `call` nodes can name any flow.
    let mut by_name: HashMap<String, FlowId> = HashMap::new();
    let mut by_code: HashMap<String, FlowId> = HashMap::new();
    for (id, (path, text, file)) in parsed.iter().enumerate() {
        let loc = Locator::new(path, text);
        if by_name.insert(file.flow.name.clone(), id).is_some() {
            diags.push(loc.at(
                Severity::Error,
                loc.top("flow"),
                format!("a second flow is named `{}`", file.flow.name),
                Some("give every flow file its own `flow.name`".into()),
            ));
        }
        for code in &file.flow.service_codes {
            let key = normalise_code(code);
            if key.is_empty() {
                diags.push(loc.at(
                    Severity::Error,
                    loc.top("flow"),
                    format!("service code `{code}` has no digits"),
                    Some("write it as the caller dials it, e.g. `*123#`".into()),
                ));
            } else if by_code.insert(key, id).is_some_and(|other| other != id) {
                diags.push(loc.at(
                    Severity::Error,
                    loc.top("flow"),
                    format!("service code `{code}` already starts another flow"),
                    Some("each code may start one flow only".into()),
                ));
            }
        }
    }
    let signatures: HashMap<&str, (FlowId, &[String])> = parsed
        .iter()
        .enumerate()
        .map(|(id, (_, _, f))| (f.flow.name.as_str(), (id, f.flow.params.as_slice())))
        .collect();

    let mut flows = Vec::new();
    for (path, text, file) in &parsed {
        let loc = Locator::new(path, text);
        let mut cx = FlowCx {
            loc: &loc,
            file,
            diags: &mut diags,
            signatures: &signatures,
            options,
        };
        flows.push(cx.flow());
    }
    let ok = !diags.iter().any(|d| d.severity == Severity::Error);
    diags.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Compiled {
        program: ok.then(|| Program {
            version: options.version,
            flows,
            by_name,
            by_code,
        }),
        diagnostics: diags,
    }
}

/// serde_yaml_ng puts " at line L column C" in its messages; the diagnostic has its own.
fn yaml_message(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn yaml_fix(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the key or correct its spelling; `docs/menus.md` lists every key".into()
    } else if message.contains("unknown variant") {
        "use one of the values the message lists".into()
    } else if message.contains("missing field") {
        "add the key; `docs/menus.md` says what it holds".into()
    } else {
        "check the indentation and quoting on that line (quote texts that contain `:` or `#`)"
            .into()
    }
}

struct FlowCx<'a, 'd> {
    loc: &'a Locator<'a>,
    file: &'a FlowFile,
    diags: &'d mut Vec<Diagnostic>,
    signatures: &'a HashMap<&'a str, (FlowId, &'a [String])>,
    options: &'a Options,
}

/// Variable roots every session has.
const BUILTIN_VARS: &[&str] = &["lang", "msisdn"];

impl FlowCx<'_, '_> {
    fn error(&mut self, node: &str, needle: &str, message: String, fix: Option<String>) {
        let place = self.loc.in_node(node, needle);
        self.diags
            .push(self.loc.at(Severity::Error, place, message, fix));
    }

    fn warn(&mut self, node: &str, needle: &str, message: String, fix: Option<String>) {
        let place = self.loc.in_node(node, needle);
        self.diags
            .push(self.loc.at(Severity::Warning, place, message, fix));
    }

    fn flow(&mut self) -> Flow {
        let meta = &self.file.flow;
        let languages = meta.languages.clone();
        if languages.is_empty() {
            let place = self.loc.top("flow");
            self.diags.push(self.loc.at(
                Severity::Error,
                place,
                "`flow.languages` is empty",
                Some("list the languages every text carries, e.g. `[en, fa]`".into()),
            ));
        }
        let fallback = meta
            .fallback
            .clone()
            .or_else(|| languages.first().cloned())
            .unwrap_or_else(|| "en".into());
        if !languages.is_empty() && !languages.contains(&fallback) {
            let place = self.loc.top("flow");
            self.diags.push(self.loc.at(
                Severity::Error,
                place,
                format!("the fallback language `{fallback}` is not in `flow.languages`"),
                Some("add it to `languages` or pick one of them".into()),
            ));
        }
        let node_ids: HashMap<String, NodeId> = self
            .file
            .nodes
            .keys()
            .enumerate()
            .map(|(i, name)| (name.clone(), i))
            .collect();
        let entry = match node_ids.get(&meta.entry) {
            Some(id) => *id,
            None => {
                let place = self.loc.top("flow");
                let fix = suggest(&meta.entry, node_ids.keys().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some("name one of the nodes under `nodes:`".into()));
                self.diags.push(self.loc.at(
                    Severity::Error,
                    place,
                    format!("the entry node `{}` does not exist", meta.entry),
                    fix,
                ));
                0
            }
        };
        let home = meta.home.as_ref().map(|name| match node_ids.get(name) {
            Some(id) => *id,
            None => {
                let place = self.loc.top("flow");
                let fix = suggest(name, node_ids.keys().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"));
                self.diags.push(self.loc.at(
                    Severity::Error,
                    place,
                    format!("the home node `{name}` does not exist"),
                    fix,
                ));
                0
            }
        });
        let keys = self.keys(&self.file.keys);
        let messages = self.messages(&self.file.messages, &languages);
        let mut nodes = Vec::with_capacity(self.file.nodes.len());
        for (name, def) in &self.file.nodes {
            let node = self.node(name, def, &node_ids, &messages, &keys, &languages);
            nodes.push(node);
        }
        let flow = Flow {
            name: meta.name.clone(),
            file: self.loc.file().to_owned(),
            label: meta.version.clone(),
            languages,
            fallback,
            entry,
            home,
            params: meta.params.clone(),
            keys,
            messages,
            nodes,
            node_ids,
        };
        if !flow.nodes.is_empty() {
            self.reachability(&flow);
            self.variables(&flow);
        }
        flow
    }

    fn keys(&mut self, def: &KeysDef) -> Keys {
        let pick = |v: &Option<String>, default: &str| match v.as_deref() {
            None => Some(default.to_owned()),
            Some("") => None,
            Some(k) => Some(k.to_owned()),
        };
        let keys = Keys {
            back: pick(&def.back, "0"),
            home: pick(&def.home, "00"),
            repeat: pick(&def.repeat, "*"),
            next_page: pick(&def.next_page, "99"),
            prev_page: pick(&def.prev_page, "98"),
        };
        let all = keys.all();
        for (i, (role, key)) in all.iter().enumerate() {
            if let Some((other, _)) = all[..i].iter().find(|(_, k)| k == key) {
                let place = self.loc.top("keys");
                self.diags.push(self.loc.at(
                    Severity::Error,
                    place,
                    format!("keys `{other}` and `{role}` are both `{key}`"),
                    Some("give each navigation key its own value".into()),
                ));
            }
        }
        keys
    }

    fn messages(&mut self, def: &MessagesDef, languages: &[String]) -> Messages {
        let builtin = super::builtin::messages();
        let list = |cx: &mut Self, texts: &[TextDef], default: Vec<Text>, what: &str| {
            if texts.is_empty() {
                cx.check_builtin(&default, languages, what);
                default
            } else {
                texts
                    .iter()
                    .map(|t| cx.text_top("messages", t, languages, what))
                    .collect()
            }
        };
        let one = |cx: &mut Self, text: &Option<TextDef>, default: Text, what: &str| match text {
            Some(t) => cx.text_top("messages", t, languages, what),
            None => {
                cx.check_builtin(std::slice::from_ref(&default), languages, what);
                default
            }
        };
        Messages {
            invalid: list(self, &def.invalid, builtin.invalid, "messages.invalid"),
            timeout: list(self, &def.timeout, builtin.timeout, "messages.timeout"),
            more: one(self, &def.more, builtin.more, "messages.more"),
            prev: one(self, &def.prev, builtin.prev, "messages.prev"),
            back: one(self, &def.back, builtin.back, "messages.back"),
            failure: one(self, &def.failure, builtin.failure, "messages.failure"),
        }
    }

    fn check_builtin(&mut self, texts: &[Text], languages: &[String], what: &str) {
        for lang in languages {
            if texts.iter().any(|t| !t.languages().any(|l| l == lang)) {
                let place = self.loc.top("flow");
                self.diags.push(self.loc.at(
                    Severity::Error,
                    place,
                    format!("the engine has no built-in `{what}` in `{lang}`"),
                    Some(format!(
                        "write `{what}` under `messages:` with a `{lang}` text"
                    )),
                ));
            }
        }
    }

    fn text_top(&mut self, section: &str, def: &TextDef, languages: &[String], what: &str) -> Text {
        let place = self.loc.top(section);
        let (text, problems) = compile_text(def, languages);
        for problem in problems {
            self.diags.push(self.loc.at(
                Severity::Error,
                place,
                format!("{what}: {}", problem.0),
                Some(problem.1),
            ));
        }
        text
    }

    fn text(&mut self, node: &str, def: &TextDef, languages: &[String], what: &str) -> Text {
        let (text, problems) = compile_text(def, languages);
        let needle = match def {
            TextDef::Same(s) => s.lines().next().unwrap_or(what).to_owned(),
            TextDef::ByLang(_) => format!("{what}:"),
        };
        for (message, fix) in problems {
            self.error(
                node,
                &needle,
                format!("node `{node}`, {what}: {message}"),
                Some(fix),
            );
        }
        text
    }

    fn template(&mut self, node: &str, source: &str, what: &str) -> Template {
        match Template::parse(source) {
            Ok(t) => t,
            Err(err) => {
                self.error(
                    node,
                    source,
                    format!("node `{node}`, {what}: {err}"),
                    Some("variables are written `{name}` or `{name|date}`".into()),
                );
                Template::parse("").unwrap_or_else(|_| unreachable!())
            }
        }
    }

    fn target(
        &mut self,
        node: &str,
        name: &str,
        ids: &HashMap<String, NodeId>,
        what: &str,
    ) -> NodeId {
        match ids.get(name) {
            Some(id) => *id,
            None => {
                let fix = suggest(name, ids.keys().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| "add the node under `nodes:` or correct the name".into());
                self.error(
                    node,
                    name,
                    format!("node `{node}`: {what} goes to `{name}`, which does not exist"),
                    Some(fix),
                );
                0
            }
        }
    }

    fn require<'v>(&mut self, node: &str, value: &'v Option<String>, key: &str) -> &'v str {
        match value {
            Some(v) => v,
            None => {
                self.error(
                    node,
                    "kind:",
                    format!("node `{node}` needs `{key}:`"),
                    Some(format!("add `{key}:` to the node")),
                );
                ""
            }
        }
    }

    fn assigns(
        &mut self,
        node: &str,
        set: &BTreeMap<String, serde_json::Value>,
    ) -> Vec<(String, Assign)> {
        set.iter()
            .map(|(name, value)| {
                let assign = match value {
                    serde_json::Value::String(s) => Assign::Template(self.template(node, s, name)),
                    other => Assign::Literal(other.clone()),
                };
                (name.clone(), assign)
            })
            .collect()
    }

    fn settings(
        &mut self,
        node: &str,
        own: &SettingsDef,
        ids: &HashMap<String, NodeId>,
    ) -> Settings {
        let flow = &self.file.settings;
        macro_rules! pick {
            ($field:ident, $default:expr) => {
                own.$field
                    .clone()
                    .or_else(|| flow.$field.clone())
                    .unwrap_or($default)
            };
        }
        let terminator_text = own
            .terminator
            .clone()
            .or_else(|| flow.terminator.clone())
            .unwrap_or_else(|| "#".into());
        let mut chars = terminator_text.chars();
        let terminator = match (chars.next(), chars.next()) {
            (None, _) => None,
            (Some(c), None) => Some(c),
            (Some(_), Some(_)) => {
                self.error(
                    node,
                    "terminator",
                    format!("node `{node}`: terminator `{terminator_text}` is more than one key"),
                    Some("use one key such as `#`, or `\"\"` for none".into()),
                );
                None
            }
        };
        let on_exhausted = own
            .on_exhausted
            .clone()
            .or_else(|| flow.on_exhausted.clone())
            .map(|target| self.target(node, &target, ids, "on_exhausted"));
        let settings = Settings {
            first_digit_timeout: pick!(first_digit_timeout, Duration::from_secs(5)),
            inter_digit_timeout: pick!(inter_digit_timeout, Duration::from_secs(3)),
            screen_timeout: pick!(screen_timeout, Duration::from_secs(60)),
            terminator,
            max_digits: pick!(max_digits, 0),
            max_failures: pick!(max_failures, 3),
            max_timeouts: pick!(max_timeouts, 3),
            on_exhausted,
            barge_in: pick!(barge_in, true),
            action_deadline: pick!(action_deadline, Duration::from_secs(2)),
        };
        if settings.max_failures == 0 || settings.max_timeouts == 0 {
            self.error(
                node,
                "max_",
                format!("node `{node}`: max_failures and max_timeouts must be at least 1"),
                Some("1 means the first wrong answer or silence already escalates".into()),
            );
        }
        settings
    }

    fn node(
        &mut self,
        name: &str,
        def: &NodeDef,
        ids: &HashMap<String, NodeId>,
        messages: &Messages,
        keys: &Keys,
        languages: &[String],
    ) -> Node {
        self.forbid_foreign_keys(name, def);
        let text = def
            .text
            .as_ref()
            .map(|t| self.text(name, t, languages, "text"));
        let needs_text = matches!(
            def.kind,
            NodeKind::Menu | NodeKind::Input | NodeKind::Confirm | NodeKind::End
        );
        if needs_text && text.is_none() {
            self.error(
                name,
                "kind:",
                format!("node `{name}` shows a screen but has no `text:`"),
                Some("add `text:` with one entry per language".into()),
            );
        }
        let settings = self.settings(name, &def.settings, ids);
        let on_invalid = if def.on_invalid.is_empty() {
            messages.invalid.clone()
        } else {
            def.on_invalid
                .iter()
                .map(|t| self.text(name, t, languages, "on_invalid"))
                .collect()
        };
        let on_timeout = if def.on_timeout.is_empty() {
            messages.timeout.clone()
        } else {
            def.on_timeout
                .iter()
                .map(|t| self.text(name, t, languages, "on_timeout"))
                .collect()
        };
        let kind = match def.kind {
            NodeKind::Menu => self.menu(name, def, ids, keys, languages),
            NodeKind::Input => {
                let store = self.require(name, &def.store, "store").to_owned();
                let next = self.require(name, &def.next, "next").to_owned();
                let next = self.target(name, &next, ids, "next");
                let ty = self.input_type(name, def.input.as_ref(), keys);
                Kind::Input { ty, store, next }
            }
            NodeKind::Confirm => {
                let yes = self.require(name, &def.yes, "yes").to_owned();
                let no = self.require(name, &def.no, "no").to_owned();
                Kind::Confirm {
                    yes: self.target(name, &yes, ids, "yes"),
                    no: self.target(name, &no, ids, "no"),
                }
            }
            NodeKind::Route => {
                let mut branches = Vec::new();
                for branch in &def.branches {
                    match Expr::parse(&branch.when) {
                        Ok(expr) => {
                            let target = self.target(name, &branch.next, ids, "a branch");
                            branches.push((expr, target));
                        }
                        Err(err) => self.error(
                            name,
                            &branch.when,
                            format!(
                                "node `{name}`: the condition `{}` does not parse: {err}",
                                branch.when
                            ),
                            Some(
                                "conditions look like `result.code == 'eligible' && age >= 18`"
                                    .into(),
                            ),
                        ),
                    }
                }
                let otherwise = self.require(name, &def.otherwise, "otherwise").to_owned();
                Kind::Route {
                    branches,
                    otherwise: self.target(name, &otherwise, ids, "otherwise"),
                }
            }
            NodeKind::Set => {
                let next = self.require(name, &def.next, "next").to_owned();
                Kind::Set {
                    assigns: self.assigns(name, &def.set),
                    next: self.target(name, &next, ids, "next"),
                }
            }
            NodeKind::Action => self.action(name, def, ids),
            NodeKind::Call => {
                let flow_name = self.require(name, &def.flow, "flow").to_owned();
                let next = self.require(name, &def.next, "next").to_owned();
                let next = self.target(name, &next, ids, "next");
                let params = def
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), self.template(name, v, k)))
                    .collect::<Vec<_>>();
                let flow = match self.signatures.get(flow_name.as_str()) {
                    Some((id, wanted)) => {
                        for p in wanted.iter() {
                            if !def.params.contains_key(p) {
                                self.error(
                                    name,
                                    "params",
                                    format!("node `{name}`: subflow `{flow_name}` needs parameter `{p}`"),
                                    Some(format!("add `{p}:` under `params:`")),
                                );
                            }
                        }
                        for p in def.params.keys() {
                            if !wanted.contains(p) {
                                self.error(
                                    name,
                                    p,
                                    format!("node `{name}`: subflow `{flow_name}` takes no parameter `{p}`"),
                                    Some(format!("its parameters are: {}", wanted.join(", "))),
                                );
                            }
                        }
                        *id
                    }
                    None => {
                        let fix = suggest(&flow_name, self.signatures.keys().copied())
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| "name a flow of `menus/` by its `flow.name`".into());
                        self.error(
                            name,
                            &flow_name,
                            format!("node `{name}` calls flow `{flow_name}`, which does not exist"),
                            Some(fix),
                        );
                        0
                    }
                };
                Kind::Call {
                    flow,
                    params,
                    store: def.store.clone(),
                    next,
                }
            }
            NodeKind::Return => Kind::Return {
                values: def
                    .values
                    .iter()
                    .map(|(k, v)| (k.clone(), self.template(name, v, k)))
                    .collect(),
            },
            NodeKind::End => Kind::End {
                sms: def
                    .sms
                    .as_ref()
                    .map(|t| self.text(name, t, languages, "sms")),
            },
        };
        Node {
            name: name.to_owned(),
            kind,
            text,
            settings,
            on_invalid,
            on_timeout,
        }
    }

    fn forbid_foreign_keys(&mut self, name: &str, def: &NodeDef) {
        let kind = def.kind;
        let present: [(&str, bool, &[NodeKind]); 16] = [
            ("options", !def.options.is_empty(), &[NodeKind::Menu]),
            ("items", def.items.is_some(), &[NodeKind::Menu]),
            ("input", def.input.is_some(), &[NodeKind::Input]),
            (
                "store",
                def.store.is_some(),
                &[NodeKind::Input, NodeKind::Action, NodeKind::Call],
            ),
            (
                "next",
                def.next.is_some(),
                &[NodeKind::Input, NodeKind::Set, NodeKind::Call],
            ),
            ("yes", def.yes.is_some(), &[NodeKind::Confirm]),
            ("no", def.no.is_some(), &[NodeKind::Confirm]),
            ("branches", !def.branches.is_empty(), &[NodeKind::Route]),
            ("otherwise", def.otherwise.is_some(), &[NodeKind::Route]),
            ("set", !def.set.is_empty(), &[NodeKind::Set]),
            ("action", def.action.is_some(), &[NodeKind::Action]),
            ("args", !def.args.is_empty(), &[NodeKind::Action]),
            ("outcomes", !def.outcomes.is_empty(), &[NodeKind::Action]),
            (
                "flow",
                def.flow.is_some() || !def.params.is_empty(),
                &[NodeKind::Call],
            ),
            ("values", !def.values.is_empty(), &[NodeKind::Return]),
            ("sms", def.sms.is_some(), &[NodeKind::End]),
        ];
        for (key, is_set, allowed) in present {
            if is_set && !allowed.contains(&kind) {
                self.error(
                    name,
                    &format!("{key}:"),
                    format!(
                        "node `{name}` is {} `{}` node; `{key}` does not apply to it",
                        if matches!(kind, NodeKind::Input | NodeKind::Action) {
                            "an"
                        } else {
                            "a"
                        },
                        kind_name(kind)
                    ),
                    Some(format!(
                        "remove `{key}`, or make the node one of: {}",
                        allowed
                            .iter()
                            .map(|k| kind_name(*k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
    }

    fn menu(
        &mut self,
        name: &str,
        def: &NodeDef,
        ids: &HashMap<String, NodeId>,
        keys: &Keys,
        languages: &[String],
    ) -> Kind {
        if def.options.is_empty() && def.items.is_none() {
            self.error(
                name,
                "kind:",
                format!("menu `{name}` has neither `options` nor `items`"),
                Some("add at least one option".into()),
            );
        }
        let mut options = Vec::new();
        let mut explicit: Vec<&str> = Vec::new();
        for option in &def.options {
            if let Some(key) = option.key.as_deref() {
                if let Some((role, _)) = keys.all().into_iter().find(|(_, k)| *k == key) {
                    self.error(
                        name,
                        &format!("key: \"{key}\""),
                        format!("menu `{name}`: option key `{key}` is also the `{role}` key"),
                        Some(format!("pick another key, or change `keys.{role}`")),
                    );
                }
                if explicit.contains(&key) {
                    self.error(
                        name,
                        key,
                        format!("menu `{name}`: two options use key `{key}`"),
                        Some("give each option its own key".into()),
                    );
                }
                if key.is_empty()
                    || !key
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
                {
                    self.error(
                        name,
                        key,
                        format!("menu `{name}`: option key `{key}` cannot be typed on a keypad"),
                        Some("use digits, `*` or `#`".into()),
                    );
                }
                explicit.push(key);
            }
            let when = option.when.as_ref().and_then(|w| match Expr::parse(w) {
                Ok(e) => Some(e),
                Err(err) => {
                    self.error(
                        name,
                        w,
                        format!("menu `{name}`: the condition `{w}` does not parse: {err}"),
                        Some("conditions look like `bookings.code == 'ok'`".into()),
                    );
                    None
                }
            });
            let text = self.text(name, &option.text, languages, "option text");
            let next = self.target(name, &option.next, ids, "an option");
            let set = self.assigns(name, &option.set);
            options.push(MenuOption {
                key: option.key.clone(),
                text,
                next,
                set,
                when,
            });
        }
        let items = def.items.as_ref().map(|items| Items {
            from: super::vars::path(&items.from),
            label: self.text(name, &items.label, languages, "items.label"),
            store: items.store.clone(),
            next: self.target(name, &items.next, ids, "items"),
        });
        Kind::Menu { options, items }
    }

    fn input_type(&mut self, name: &str, def: Option<&InputDef>, keys: &Keys) -> InputType {
        let Some(def) = def else {
            self.error(
                name,
                "kind:",
                format!("input `{name}` has no `input:` type"),
                Some("add e.g. `input: {type: digits, min: 1, max: 3}`".into()),
            );
            return InputType::Text { max: 120 };
        };
        let ty = match def {
            InputDef::Digits { min, max } => {
                if min > max || *max == 0 {
                    self.error(
                        name,
                        "min",
                        format!("input `{name}`: digits need 1 <= min <= max (got {min}..{max})"),
                        Some("fix `min` and `max`".into()),
                    );
                }
                InputType::Digits {
                    min: *min,
                    max: *max,
                }
            }
            InputDef::NationalId { profile } => {
                let profile = profile
                    .clone()
                    .unwrap_or_else(|| self.options.id_profile.clone());
                if profile
                    .parse::<crate::admission::national_id::Profile>()
                    .is_err()
                {
                    self.error(
                        name,
                        "profile",
                        format!("input `{name}`: unknown national-ID profile `{profile}`"),
                        Some("use ir, cn, id or vn".into()),
                    );
                }
                InputType::NationalId { profile }
            }
            InputDef::Date => InputType::Date,
            InputDef::Choice { values } => {
                if values.is_empty() {
                    self.error(
                        name,
                        "values",
                        format!("input `{name}`: a choice needs `values`"),
                        None,
                    );
                }
                InputType::Choice(values.clone())
            }
            InputDef::Regex { pattern } => match regex::Regex::new(&format!("^(?:{pattern})$")) {
                Ok(re) => InputType::Regex(re),
                Err(err) => {
                    self.error(
                        name,
                        "pattern",
                        format!("input `{name}`: the pattern does not compile: {err}"),
                        Some("write a Rust `regex` pattern; it must match the whole answer".into()),
                    );
                    InputType::Text { max: 120 }
                }
            },
            InputDef::Text { max } => InputType::Text { max: *max },
        };
        for (role, key) in keys.all() {
            if super::answer::accepts(&ty, key) {
                self.warn(
                    name,
                    "input:",
                    format!("input `{name}` accepts `{key}`, which is the `{role}` key: that answer can never be given"),
                    Some(format!("raise the input's minimum, or change `keys.{role}`")),
                );
            }
        }
        ty
    }

    fn action(&mut self, name: &str, def: &NodeDef, ids: &HashMap<String, NodeId>) -> Kind {
        let action = self.require(name, &def.action, "action").to_owned();
        let codes = outcomes_of(&action);
        if codes.is_none() && !action.is_empty() {
            let fix = suggest(&action, CATALOGUE.iter().map(|(n, _)| *n))
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "`docs/actions.md` lists the actions".into());
            self.error(
                name,
                &action,
                format!("node `{name}`: unknown action `{action}`"),
                Some(fix),
            );
        }
        let mut outcomes = HashMap::new();
        let mut default = None;
        for (code, target) in &def.outcomes {
            let id = self.target(name, target, ids, &format!("outcome `{code}`"));
            if code == "default" {
                default = Some(id);
                continue;
            }
            if let Some(codes) = codes {
                if !codes.contains(&code.as_str()) && !COMMON_OUTCOMES.contains(&code.as_str()) {
                    let all: Vec<&str> = codes.iter().chain(COMMON_OUTCOMES).copied().collect();
                    let fix = suggest(code, all.iter().copied())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| {
                            format!("`{action}` ends with one of: {}", all.join(", "))
                        });
                    self.error(
                        name,
                        &format!("{code}:"),
                        format!("node `{name}`: `{action}` has no outcome `{code}`"),
                        Some(fix),
                    );
                }
            }
            outcomes.insert(code.clone(), id);
        }
        if let (Some(codes), None) = (codes, default) {
            let missing: Vec<&str> = codes
                .iter()
                .chain(COMMON_OUTCOMES)
                .filter(|c| !outcomes.contains_key(**c))
                .copied()
                .collect();
            if !missing.is_empty() {
                self.error(
                    name,
                    "outcomes",
                    format!(
                        "node `{name}`: outcomes {} of `{action}` go nowhere",
                        missing.join(", ")
                    ),
                    Some("route each of them, or add `default:` for the rest".into()),
                );
            }
        }
        let args = def
            .args
            .iter()
            .map(|(k, v)| (k.clone(), self.template(name, v, k)))
            .collect();
        Kind::Action {
            action,
            args,
            store: def.store.clone(),
            outcomes,
            default,
        }
    }

    fn reachability(&mut self, flow: &Flow) {
        let mut seen = vec![false; flow.nodes.len()];
        let mut stack = vec![flow.entry];
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id], true) {
                continue;
            }
            stack.extend(successors(&flow.nodes[id]).into_iter().map(|(to, _)| to));
        }
        for (id, node) in flow.nodes.iter().enumerate() {
            if !seen[id] {
                self.warn(
                    &node.name,
                    &node.name,
                    format!(
                        "node `{}` cannot be reached from `{}`",
                        node.name, flow.nodes[flow.entry].name
                    ),
                    Some("link to it from another node, or delete it".into()),
                );
            }
        }
    }

    /// Must-be-set analysis: a variable read at a node must be set on every path from the
    /// entry to it.
    fn variables(&mut self, flow: &Flow) {
        let mut start: BTreeSet<String> = BUILTIN_VARS.iter().map(|s| (*s).to_owned()).collect();
        start.extend(flow.params.iter().cloned());
        let mut set_in: Vec<Option<BTreeSet<String>>> = vec![None; flow.nodes.len()];
        set_in[flow.entry] = Some(start);
        let mut work = vec![flow.entry];
        while let Some(id) = work.pop() {
            let Some(here) = set_in[id].clone() else {
                continue;
            };
            for (to, gen) in successors(&flow.nodes[id]) {
                let mut out = here.clone();
                out.extend(gen);
                let merged = match &set_in[to] {
                    None => out,
                    Some(old) => old.intersection(&out).cloned().collect(),
                };
                if set_in[to].as_ref() != Some(&merged) {
                    set_in[to] = Some(merged);
                    work.push(to);
                }
            }
        }
        for (id, node) in flow.nodes.iter().enumerate() {
            let Some(known) = &set_in[id] else { continue };
            let mut reported = BTreeSet::new();
            for var in reads(node) {
                if !known.contains(&var) && reported.insert(var.clone()) {
                    self.error(
                        &node.name,
                        &var,
                        format!("node `{}` reads `{var}`, which is not set on every path to it", node.name),
                        Some(format!("set `{var}` earlier (an input's or action's `store:`, or a `set` node) on every path")),
                    );
                }
            }
        }
    }
}

fn kind_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Menu => "menu",
        NodeKind::Input => "input",
        NodeKind::Confirm => "confirm",
        NodeKind::Route => "route",
        NodeKind::Set => "set",
        NodeKind::Action => "action",
        NodeKind::Call => "call",
        NodeKind::Return => "return",
        NodeKind::End => "end",
    }
}

/// Compiles a translated text; problems come back as (message, fix).
fn compile_text(def: &TextDef, languages: &[String]) -> (Text, Vec<(String, String)>) {
    let mut problems = Vec::new();
    let pairs: Vec<(String, &str)> = match def {
        TextDef::Same(s) => languages.iter().map(|l| (l.clone(), s.as_str())).collect(),
        TextDef::ByLang(map) => {
            for lang in languages {
                if !map.contains_key(lang) {
                    problems.push((
                        format!("no `{lang}` translation"),
                        format!("add `{lang}: \"…\"` to this text"),
                    ));
                }
            }
            for lang in map.keys() {
                if !languages.contains(lang) {
                    problems.push((
                        format!("`{lang}` is not one of the flow's languages"),
                        "add it to `flow.languages` or remove this translation".into(),
                    ));
                }
            }
            map.iter().map(|(l, s)| (l.clone(), s.as_str())).collect()
        }
    };
    let mut by_lang = Vec::new();
    for (lang, source) in pairs {
        match Template::parse(source) {
            Ok(t) => by_lang.push((lang, t)),
            Err(err) => problems.push((
                format!("`{lang}` text does not parse: {err}"),
                "variables are written `{name}` or `{name|date}`".into(),
            )),
        }
    }
    (Text { by_lang }, problems)
}

/// Each node a node can go to, with the variables that edge sets.
pub(crate) fn successors(node: &Node) -> Vec<(NodeId, Vec<String>)> {
    let mut out = Vec::new();
    match &node.kind {
        Kind::Menu { options, items } => {
            for o in options {
                out.push((o.next, o.set.iter().map(|(k, _)| k.clone()).collect()));
            }
            if let Some(items) = items {
                out.push((items.next, vec![items.store.clone()]));
            }
        }
        Kind::Input { store, next, .. } => out.push((*next, vec![store.clone()])),
        Kind::Confirm { yes, no } => {
            out.push((*yes, vec![]));
            out.push((*no, vec![]));
        }
        Kind::Route {
            branches,
            otherwise,
        } => {
            out.extend(branches.iter().map(|(_, to)| (*to, vec![])));
            out.push((*otherwise, vec![]));
        }
        Kind::Set { assigns, next } => {
            out.push((*next, assigns.iter().map(|(k, _)| k.clone()).collect()));
        }
        Kind::Action {
            store,
            outcomes,
            default,
            ..
        } => {
            let gen: Vec<String> = store.iter().cloned().collect();
            out.extend(outcomes.values().map(|to| (*to, gen.clone())));
            out.extend(default.iter().map(|to| (*to, gen.clone())));
        }
        Kind::Call { store, next, .. } => out.push((*next, store.iter().cloned().collect())),
        Kind::Return { .. } | Kind::End { .. } => {}
    }
    if node.is_interactive() {
        if let Some(to) = node.settings.on_exhausted {
            out.push((to, vec![]));
        }
    }
    out
}

/// The variable roots a node reads.
fn reads(node: &Node) -> Vec<String> {
    let mut roots = Vec::new();
    let from_template = |t: &Template, roots: &mut Vec<String>, skip_item: bool| {
        for path in t.vars() {
            if let Some(first) = path.first() {
                if !(skip_item && first == "item") {
                    roots.push(first.clone());
                }
            }
        }
    };
    let texts = node
        .text
        .iter()
        .chain(node.on_invalid.iter())
        .chain(node.on_timeout.iter());
    for text in texts {
        for t in text.templates() {
            from_template(t, &mut roots, false);
        }
    }
    let from_expr = |e: &Expr, roots: &mut Vec<String>| {
        let mut paths = Vec::new();
        e.vars(&mut paths);
        roots.extend(paths.into_iter().filter_map(|p| p.into_iter().next()));
    };
    match &node.kind {
        Kind::Menu { options, items } => {
            for o in options {
                o.text
                    .templates()
                    .for_each(|t| from_template(t, &mut roots, false));
                if let Some(w) = &o.when {
                    from_expr(w, &mut roots);
                }
                for (_, a) in &o.set {
                    if let Assign::Template(t) = a {
                        from_template(t, &mut roots, false);
                    }
                }
            }
            if let Some(items) = items {
                roots.extend(items.from.first().cloned());
                items
                    .label
                    .templates()
                    .for_each(|t| from_template(t, &mut roots, true));
            }
        }
        Kind::Route { branches, .. } => branches.iter().for_each(|(e, _)| from_expr(e, &mut roots)),
        Kind::Set { assigns, .. } => {
            for (_, a) in assigns {
                if let Assign::Template(t) = a {
                    from_template(t, &mut roots, false);
                }
            }
        }
        Kind::Action { args, .. } => args
            .iter()
            .for_each(|(_, t)| from_template(t, &mut roots, false)),
        Kind::Call { params, .. } => params
            .iter()
            .for_each(|(_, t)| from_template(t, &mut roots, false)),
        Kind::Return { values } => values
            .iter()
            .for_each(|(_, t)| from_template(t, &mut roots, false)),
        Kind::End { sms } => {
            if let Some(sms) = sms {
                sms.templates()
                    .for_each(|t| from_template(t, &mut roots, false));
            }
        }
        Kind::Input { .. } | Kind::Confirm { .. } => {}
    }
    roots
}
