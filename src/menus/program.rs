//! The compiled, immutable form of `menus/`: every flow, node names resolved to indices,
//! texts and expressions parsed, settings cascaded. A running engine holds one `Arc<Program>`
//! per version; a session keeps the version it started on until it ends.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use super::expr::Expr;
use super::template::Template;

/// Index of a flow in [`Program::flows`].
pub type FlowId = usize;
/// Index of a node in [`Flow::nodes`].
pub type NodeId = usize;

/// Every flow of one load of `menus/`.
#[derive(Debug)]
pub struct Program {
    /// Counts loads in this process: 1 for the first, +1 per successful reload.
    pub version: u64,
    /// The flows.
    pub flows: Vec<Flow>,
    pub(crate) by_name: HashMap<String, FlowId>,
    pub(crate) by_code: HashMap<String, FlowId>,
}

impl Program {
    /// The flow a dialled code or called number starts (`*123#` and `123` both match a
    /// flow that lists either).
    pub fn flow_for_code(&self, code: &str) -> Option<FlowId> {
        self.by_code.get(&normalise_code(code)).copied()
    }

    /// A flow by name.
    pub fn flow_named(&self, name: &str) -> Option<FlowId> {
        self.by_name.get(name).copied()
    }

    /// One line naming each flow with its file label, for logs and the admin API.
    pub fn label(&self) -> String {
        let mut parts: Vec<String> = self
            .flows
            .iter()
            .map(|f| match &f.label {
                Some(label) => format!("{}@{label}", f.name),
                None => f.name.clone(),
            })
            .collect();
        parts.sort();
        format!("v{} ({})", self.version, parts.join(", "))
    }
}

/// A service code without `*`, `#` and spaces, so that `*123#` and `123` are one key.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// One flow: a file's nodes and defaults.
#[derive(Debug)]
pub struct Flow {
    /// The flow's name.
    pub name: String,
    /// The file it came from.
    pub file: PathBuf,
    /// The file's own `version:` label.
    pub label: Option<String>,
    /// Languages every text carries.
    pub languages: Vec<String>,
    /// The language a session starts in and falls back to.
    pub fallback: String,
    /// The first node.
    pub entry: NodeId,
    /// Where the home key goes; `None`: the first screen of the call.
    pub home: Option<NodeId>,
    /// The parameters a `call` passes.
    pub params: Vec<String>,
    /// Navigation keys.
    pub keys: Keys,
    /// Engine texts.
    pub messages: Messages,
    /// The nodes.
    pub nodes: Vec<Node>,
    pub(crate) node_ids: HashMap<String, NodeId>,
}

impl Flow {
    /// A node by name.
    pub fn node_named(&self, name: &str) -> Option<NodeId> {
        self.node_ids.get(name).copied()
    }

    /// True when `lang` is one of the flow's languages.
    pub fn speaks(&self, lang: &str) -> bool {
        self.languages.iter().any(|l| l == lang)
    }
}

/// A text in each language, compiled.
#[derive(Debug, Clone)]
pub struct Text {
    pub(crate) by_lang: Vec<(String, Template)>,
}

impl Text {
    /// The template for `lang`, else for `fallback`, else the first one.
    pub fn get(&self, lang: &str, fallback: &str) -> &Template {
        self.by_lang
            .iter()
            .find(|(l, _)| l == lang)
            .or_else(|| self.by_lang.iter().find(|(l, _)| l == fallback))
            .or_else(|| self.by_lang.first())
            .map(|(_, t)| t)
            .unwrap_or(&EMPTY)
    }

    /// The languages present.
    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.by_lang.iter().map(|(l, _)| l.as_str())
    }

    /// Every template, for analysis.
    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.by_lang.iter().map(|(_, t)| t)
    }
}

static EMPTY: std::sync::LazyLock<Template> =
    std::sync::LazyLock::new(|| Template::parse("").unwrap_or_else(|_| unreachable!()));

/// Navigation keys; `None` is disabled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    /// Previous screen.
    pub back: Option<String>,
    /// The flow's first screen.
    pub home: Option<String>,
    /// This screen again.
    pub repeat: Option<String>,
    /// Next page.
    pub next_page: Option<String>,
    /// Previous page.
    pub prev_page: Option<String>,
}

impl Keys {
    /// Every enabled key with its role's name.
    pub fn all(&self) -> Vec<(&'static str, &str)> {
        [
            ("back", &self.back),
            ("home", &self.home),
            ("repeat", &self.repeat),
            ("next_page", &self.next_page),
            ("prev_page", &self.prev_page),
        ]
        .into_iter()
        .filter_map(|(role, key)| key.as_deref().map(|k| (role, k)))
        .collect()
    }

    /// True when `key` is one of them.
    pub fn contains(&self, key: &str) -> bool {
        self.all().iter().any(|(_, k)| *k == key)
    }
}

/// Texts the engine shows on its own.
#[derive(Debug, Clone)]
pub struct Messages {
    /// After the first, second, … wrong answer (the last repeats).
    pub invalid: Vec<Text>,
    /// After the first, second, … silent timeout.
    pub timeout: Vec<Text>,
    /// Next-page label.
    pub more: Text,
    /// Previous-page label.
    pub prev: Text,
    /// Back label.
    pub back: Text,
    /// When the engine cannot go on.
    pub failure: Text,
}

/// Settings after the global → flow → node cascade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Voice: first-digit timer.
    pub first_digit_timeout: Duration,
    /// Voice: inter-digit timer.
    pub inter_digit_timeout: Duration,
    /// How long a screen waits before the session ends.
    pub screen_timeout: Duration,
    /// Voice: the key that ends an answer.
    pub terminator: Option<char>,
    /// Voice: most digits in one answer.
    pub max_digits: u8,
    /// Wrong answers allowed.
    pub max_failures: u8,
    /// Silent timeouts allowed.
    pub max_timeouts: u8,
    /// Where to go when they run out; `None` ends with the failure text.
    pub on_exhausted: Option<NodeId>,
    /// Voice: a key interrupts the prompt.
    pub barge_in: bool,
    /// An action's deadline.
    pub action_deadline: Duration,
}

/// One compiled node.
#[derive(Debug, Clone)]
pub struct Node {
    /// Its name in the file.
    pub name: String,
    /// What it does.
    pub kind: Kind,
    /// Its screen text.
    pub text: Option<Text>,
    /// Cascaded settings.
    pub settings: Settings,
    /// Count-based wrong-answer messages (the flow's when the node has none).
    pub on_invalid: Vec<Text>,
    /// Count-based timeout messages.
    pub on_timeout: Vec<Text>,
}

impl Node {
    /// True for nodes that show a screen and wait for the caller.
    pub fn is_interactive(&self) -> bool {
        matches!(
            self.kind,
            Kind::Menu { .. } | Kind::Input { .. } | Kind::Confirm { .. }
        )
    }
}

/// A variable assignment: a template when the file gave text, else a literal value.
#[derive(Debug, Clone)]
pub enum Assign {
    /// Text, rendered at run time.
    Template(Template),
    /// A number, boolean, list or map as written.
    Literal(Value),
}

/// What a node does, compiled.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Options and items.
    Menu {
        /// Static options.
        options: Vec<MenuOption>,
        /// Options built from a list.
        items: Option<Items>,
    },
    /// A typed answer.
    Input {
        /// The answer's type.
        ty: InputType,
        /// Where it is stored.
        store: String,
        /// Where it goes.
        next: NodeId,
    },
    /// Yes (1) or no (2).
    Confirm {
        /// On 1.
        yes: NodeId,
        /// On 2.
        no: NodeId,
    },
    /// First matching branch.
    Route {
        /// Condition and target.
        branches: Vec<(Expr, NodeId)>,
        /// When none matches.
        otherwise: NodeId,
    },
    /// Assignments.
    Set {
        /// Variable and value.
        assigns: Vec<(String, Assign)>,
        /// Where it goes.
        next: NodeId,
    },
    /// A domain effect.
    Action {
        /// Its name.
        action: String,
        /// Argument templates.
        args: Vec<(String, Template)>,
        /// Where the outcome's values go.
        store: Option<String>,
        /// Outcome code to node.
        outcomes: HashMap<String, NodeId>,
        /// For codes not listed.
        default: Option<NodeId>,
    },
    /// A subflow.
    Call {
        /// The subflow.
        flow: FlowId,
        /// Parameter templates.
        params: Vec<(String, Template)>,
        /// Where the returned values go.
        store: Option<String>,
        /// Where it goes after the subflow returns.
        next: NodeId,
    },
    /// Back to the caller of this subflow.
    Return {
        /// Values handed back.
        values: Vec<(String, Template)>,
    },
    /// The last screen.
    End {
        /// An SMS to send after it.
        sms: Option<Text>,
    },
}

/// A static menu option.
#[derive(Debug, Clone)]
pub struct MenuOption {
    /// An explicit key; `None` is numbered at render time.
    pub key: Option<String>,
    /// The label.
    pub text: Text,
    /// Where it goes.
    pub next: NodeId,
    /// Assignments on choosing it.
    pub set: Vec<(String, Assign)>,
    /// Shown only when this holds.
    pub when: Option<Expr>,
}

/// Options built from a list variable.
#[derive(Debug, Clone)]
pub struct Items {
    /// The list's path.
    pub from: Vec<String>,
    /// The label, with `item` bound to the element.
    pub label: Text,
    /// The variable that receives the chosen element.
    pub store: String,
    /// Where a choice goes.
    pub next: NodeId,
}

/// An input's type.
#[derive(Debug, Clone)]
pub enum InputType {
    /// Digits with a length range.
    Digits {
        /// Fewest.
        min: u8,
        /// Most.
        max: u8,
    },
    /// A national ID under a country profile.
    NationalId {
        /// The profile (`ir`, `cn`, `id`, `vn`).
        profile: String,
    },
    /// A date.
    Date,
    /// One of fixed values.
    Choice(Vec<String>),
    /// An anchored pattern.
    Regex(regex::Regex),
    /// Free text up to a length.
    Text {
        /// Most characters.
        max: u16,
    },
}
