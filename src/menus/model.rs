//! The menu file as ops staff write it (`menus/*.yaml`), read by serde. Nothing here is
//! checked beyond its shape: [`super::compile`] validates and compiles it. The reference for
//! every key is `docs/menus.md`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

/// One menu file: a flow, its defaults and its nodes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowFile {
    /// Name, languages, entry node and service codes.
    pub flow: FlowMeta,
    /// Defaults for every node of this flow (a node's own `settings` win).
    #[serde(default)]
    pub settings: SettingsDef,
    /// The global keys (back, home, repeat, paging) of this flow.
    #[serde(default)]
    pub keys: KeysDef,
    /// Shared texts: count-based invalid/timeout messages, paging labels, errors.
    #[serde(default)]
    pub messages: MessagesDef,
    /// The nodes, by name.
    pub nodes: BTreeMap<String, NodeDef>,
}

/// `flow:`: who the flow is and where it starts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowMeta {
    /// Unique across `menus/`; `call` nodes name subflows by it.
    pub name: String,
    /// A label ops staff bump when they change the file; shown by `check` and reload.
    #[serde(default)]
    pub version: Option<String>,
    /// One line for humans.
    #[serde(default)]
    pub description: Option<String>,
    /// USSD codes (`*123#`) and voice numbers (`123`) that start this flow.
    #[serde(default)]
    pub service_codes: Vec<String>,
    /// Every language every text must carry.
    pub languages: Vec<String>,
    /// The language a session starts in, and the one used when a text lacks the session's.
    #[serde(default)]
    pub fallback: Option<String>,
    /// The first node.
    pub entry: String,
    /// Where the home key goes (the main menu); without it, the first screen of the call.
    #[serde(default)]
    pub home: Option<String>,
    /// For subflows: the variables a `call` must pass.
    #[serde(default)]
    pub params: Vec<String>,
}

/// A translated text: one string per language, or one string for every language (numbers,
/// codes, language names that are written in their own script).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TextDef {
    /// The same text in every language.
    Same(String),
    /// Language code to text.
    ByLang(BTreeMap<String, String>),
}

/// Per-node settings; each unset key comes from the flow, then from the engine's defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsDef {
    /// Voice: time for the first digit after the prompt.
    #[serde(default, with = "humantime_serde")]
    pub first_digit_timeout: Option<Duration>,
    /// Voice: time between digits.
    #[serde(default, with = "humantime_serde")]
    pub inter_digit_timeout: Option<Duration>,
    /// Time a screen waits for an answer before the session times out.
    #[serde(default, with = "humantime_serde")]
    pub screen_timeout: Option<Duration>,
    /// Voice: the key that ends an answer early.
    #[serde(default)]
    pub terminator: Option<String>,
    /// Voice: most digits in one answer.
    #[serde(default)]
    pub max_digits: Option<u8>,
    /// Wrong answers allowed before the session goes to `on_exhausted`.
    #[serde(default)]
    pub max_failures: Option<u8>,
    /// Voice: silent timeouts allowed before the session goes to `on_exhausted`.
    #[serde(default)]
    pub max_timeouts: Option<u8>,
    /// Where to go when failures or timeouts run out (an `end` node, usually).
    #[serde(default)]
    pub on_exhausted: Option<String>,
    /// Voice: whether a key press interrupts the prompt.
    #[serde(default)]
    pub barge_in: Option<bool>,
    /// Deadline of `action` nodes.
    #[serde(default, with = "humantime_serde")]
    pub action_deadline: Option<Duration>,
}

/// `keys:`: what the caller presses to navigate. An empty string disables a key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysDef {
    /// Back to the previous screen.
    #[serde(default)]
    pub back: Option<String>,
    /// Back to the flow's first screen.
    #[serde(default)]
    pub home: Option<String>,
    /// Show or say the screen again.
    #[serde(default)]
    pub repeat: Option<String>,
    /// Next page of a long menu.
    #[serde(default)]
    pub next_page: Option<String>,
    /// Previous page of a long menu.
    #[serde(default)]
    pub prev_page: Option<String>,
}

/// `messages:`: texts the engine shows on its own.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessagesDef {
    /// Shown above the screen after a wrong answer: the first, second, third… (the last
    /// repeats).
    #[serde(default)]
    pub invalid: Vec<TextDef>,
    /// Voice: said after a silent timeout, counted the same way.
    #[serde(default)]
    pub timeout: Vec<TextDef>,
    /// The label of the next-page key.
    #[serde(default)]
    pub more: Option<TextDef>,
    /// The label of the previous-page key.
    #[serde(default)]
    pub prev: Option<TextDef>,
    /// The label of the back key on menus.
    #[serde(default)]
    pub back: Option<TextDef>,
    /// The end screen when the engine itself cannot go on.
    #[serde(default)]
    pub failure: Option<TextDef>,
}

/// The node kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// Static options and data-built items.
    Menu,
    /// A typed answer stored in a variable.
    Input,
    /// 1 = yes, 2 = no.
    Confirm,
    /// Branches on expressions.
    Route,
    /// Assigns variables.
    Set,
    /// Calls a domain effect and branches on its outcome.
    Action,
    /// Runs a subflow and takes its return values.
    Call,
    /// Leaves a subflow with values.
    Return,
    /// The last screen, with an optional SMS.
    End,
}

/// One node, every kind's keys in one struct so that a key on the wrong kind gets a clear
/// error from the compiler rather than a serde one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeDef {
    /// What the node does.
    pub kind: NodeKind,
    /// The screen or prompt.
    #[serde(default)]
    pub text: Option<TextDef>,
    /// `menu`: static options.
    #[serde(default)]
    pub options: Vec<OptionDef>,
    /// `menu`: options built from a list variable.
    #[serde(default)]
    pub items: Option<ItemsDef>,
    /// `input`: the answer's type.
    #[serde(default)]
    pub input: Option<InputDef>,
    /// `input`, `action`, `call`: the variable that receives the value.
    #[serde(default)]
    pub store: Option<String>,
    /// The next node (`input`, `set`, `call`).
    #[serde(default)]
    pub next: Option<String>,
    /// `confirm`: where 1 goes.
    #[serde(default)]
    pub yes: Option<String>,
    /// `confirm`: where 2 goes.
    #[serde(default)]
    pub no: Option<String>,
    /// `route`: the branches, first match wins.
    #[serde(default)]
    pub branches: Vec<BranchDef>,
    /// `route`: where to go when no branch matches.
    #[serde(default)]
    pub otherwise: Option<String>,
    /// `set`: variable to template or literal.
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// `action`: the effect's name (see `docs/actions.md`).
    #[serde(default)]
    pub action: Option<String>,
    /// `action`: arguments, each a template.
    #[serde(default)]
    pub args: BTreeMap<String, String>,
    /// `action`: outcome code to node; `default` catches the rest.
    #[serde(default)]
    pub outcomes: BTreeMap<String, String>,
    /// `call`: the subflow's name.
    #[serde(default)]
    pub flow: Option<String>,
    /// `call`: subflow parameter to template.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// `return`: value name to template, handed back to the caller's `store` variable.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// `end`: an SMS to send after the dialog.
    #[serde(default)]
    pub sms: Option<TextDef>,
    /// Count-based messages after a wrong answer, overriding the flow's.
    #[serde(default)]
    pub on_invalid: Vec<TextDef>,
    /// Count-based messages after a silent timeout, overriding the flow's.
    #[serde(default)]
    pub on_timeout: Vec<TextDef>,
    /// This node's own settings.
    #[serde(default)]
    pub settings: SettingsDef,
}

/// One static option of a menu.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    /// The key to press; numbered automatically when absent.
    #[serde(default)]
    pub key: Option<String>,
    /// The label.
    pub text: TextDef,
    /// Where it goes.
    pub next: String,
    /// Variables to set when chosen (the language menu sets `lang`).
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
    /// Show the option only when this expression holds.
    #[serde(default)]
    pub when: Option<String>,
}

/// Menu options built from a list variable (slots, facilities, bookings).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemsDef {
    /// The list variable (`slots.slots`).
    pub from: String,
    /// The label template; `item` is the element (`{item.date|date} {item.time}`).
    pub label: TextDef,
    /// The variable that receives the chosen element.
    pub store: String,
    /// Where a choice goes.
    pub next: String,
}

/// The type of an `input` node's answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum InputDef {
    /// Digits only, with a length range.
    Digits {
        /// Fewest digits.
        #[serde(default = "one")]
        min: u8,
        /// Most digits.
        max: u8,
    },
    /// A national ID, checked under a country profile (`ir`, `cn`, `id`, `vn`); the
    /// engine's configured profile when absent.
    NationalId {
        /// The country profile.
        #[serde(default)]
        profile: Option<String>,
    },
    /// A date typed as `DDMMYYYY` or `YYYYMMDD`, stored as `YYYY-MM-DD`.
    Date,
    /// One of fixed values.
    Choice {
        /// The values accepted.
        values: Vec<String>,
    },
    /// Text matching a regular expression (anchored).
    Regex {
        /// The pattern.
        pattern: String,
    },
    /// Any text up to a length (complaint notes).
    Text {
        /// Most characters kept.
        #[serde(default = "default_text_max")]
        max: u16,
    },
}

fn one() -> u8 {
    1
}

fn default_text_max() -> u16 {
    120
}

/// One branch of a `route` node.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchDef {
    /// The condition (see `docs/menus.md` for the expression language).
    pub when: String,
    /// Where it goes when the condition holds.
    pub next: String,
}
