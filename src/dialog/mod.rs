//! The dialog engine: a pure state machine over a compiled [`Program`].
//!
//! [`Dialog::start`] and [`Dialog::step`] take the caller's event and the time and return
//! one [`Output`]: a screen to show, the last screen, or an action for the runtime to
//! perform (its outcome comes back as [`Event::Outcome`]). No I/O, no clock, no locks: a
//! journey runs in microseconds in a test, and the same code serves USSD, HTTP and voice.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::admission::national_id::normalise;
use crate::effects::{ActionOutcome, ActionRequest};
use crate::menus::answer;
use crate::menus::program::{Assign, FlowId, InputType, Kind, Node, NodeId, Program, Text};
use crate::menus::render::{self, Choice, Medium};
use crate::sessions::Collect;

/// Most node transitions in one step; a route loop in a menu file ends the dialog instead
/// of spinning.
const MAX_HOPS: usize = 256;

/// What the caller or the runtime did.
#[derive(Debug, Clone, PartialEq)]
pub enum Event<'a> {
    /// The caller answered the screen.
    Input(&'a str),
    /// Voice: the caller let the digit timers run out.
    NoInput,
    /// The action the dialog asked for finished (`timeout` when its deadline passed).
    Outcome(ActionOutcome),
}

/// What the dialog wants next.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Show this and wait for an answer.
    Screen {
        /// The rendered page.
        text: String,
        /// Voice only: how to collect the answer's digits.
        collect: Option<Collect>,
    },
    /// The last screen; the session is over.
    End {
        /// The rendered text.
        text: String,
        /// An SMS to send after it.
        sms: Option<String>,
    },
    /// Perform this and send its outcome back as [`Event::Outcome`].
    Perform {
        /// The request.
        request: ActionRequest,
        /// When the runtime must give up and report `timeout`.
        deadline: Duration,
    },
}

#[derive(Debug, Clone)]
struct Frame {
    flow: FlowId,
    call: NodeId,
    vars: Map<String, Value>,
    history: Vec<NodeId>,
}

/// One live dialog.
#[derive(Debug, Clone)]
pub struct Dialog {
    program: Arc<Program>,
    flow: FlowId,
    node: NodeId,
    vars: Map<String, Value>,
    lang: String,
    session: String,
    msisdn: String,
    medium: Medium,
    failures: u8,
    timeouts: u8,
    page: usize,
    prefix: Option<String>,
    history: Vec<NodeId>,
    frames: Vec<Frame>,
    queued: VecDeque<String>,
    waiting: bool,
    steps: u32,
}

impl Dialog {
    /// Starts `flow` for a caller. `deep_link` holds `*`-separated answers dialled with the
    /// code (`1*0012345679` from `*123*1*0012345679#`), fed in as if typed.
    pub fn start(
        program: Arc<Program>,
        flow: FlowId,
        session: &str,
        msisdn: &str,
        medium: Medium,
        deep_link: &str,
        now: SystemTime,
    ) -> (Dialog, Output) {
        let f = &program.flows[flow];
        let lang = f.fallback.clone();
        let mut vars = Map::new();
        vars.insert("lang".into(), Value::String(lang.clone()));
        vars.insert("msisdn".into(), Value::String(msisdn.to_owned()));
        let node = f.entry;
        let mut dialog = Dialog {
            program,
            flow,
            node,
            vars,
            lang,
            session: session.to_owned(),
            msisdn: msisdn.to_owned(),
            medium,
            failures: 0,
            timeouts: 0,
            page: 0,
            prefix: None,
            history: Vec::new(),
            frames: Vec::new(),
            queued: deep_link
                .split('*')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            waiting: false,
            steps: 0,
        };
        let out = dialog.run(now);
        (dialog, out)
    }

    /// Feeds one event.
    pub fn step(&mut self, event: Event<'_>, now: SystemTime) -> Output {
        self.steps += 1;
        match event {
            Event::Outcome(outcome) => {
                if !std::mem::replace(&mut self.waiting, false) {
                    return self.fail();
                }
                if self.take_outcome(outcome).is_err() {
                    return self.fail();
                }
            }
            Event::Input(_) | Event::NoInput if self.waiting => {
                // The runtime owes an outcome; an answer now cannot be placed.
                return self.fail();
            }
            Event::Input(text) => {
                if self.answer(text, now).is_err() {
                    return self.fail();
                }
            }
            Event::NoInput => {
                if self.no_input().is_err() {
                    return self.fail();
                }
            }
        }
        self.run(now)
    }

    /// The program version this dialog runs on.
    pub fn version(&self) -> u64 {
        self.program.version
    }

    /// The current node's name (for the admin API and logs).
    pub fn node_name(&self) -> &str {
        &self.current().name
    }

    /// The caller's number, as the channel reported it.
    pub fn msisdn(&self) -> &str {
        &self.msisdn
    }

    /// The session language.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// A variable, for tests and the simulator.
    pub fn var(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }

    /// How long the current screen waits before the session times out.
    pub fn screen_timeout(&self) -> Duration {
        self.current().settings.screen_timeout
    }

    /// Changes how screens travel (the subscriber switched to UCS-2).
    pub fn set_medium(&mut self, medium: Medium) {
        self.medium = medium;
    }

    fn current(&self) -> &Node {
        &self.program.flows[self.flow].nodes[self.node]
    }

    fn text(&self, text: &Text) -> String {
        let fallback = &self.program.flows[self.flow].fallback;
        text.get(&self.lang, fallback)
            .render(&self.vars, &self.lang)
    }

    fn goto(&mut self, node: NodeId) {
        if node != self.node {
            self.failures = 0;
            self.timeouts = 0;
        }
        self.page = 0;
        self.node = node;
    }

    fn forward(&mut self, node: NodeId) {
        self.history.push(self.node);
        self.goto(node);
    }

    fn assign(&mut self, assigns: &[(String, Assign)]) {
        for (name, value) in assigns {
            let value = match value {
                Assign::Template(t) => Value::String(t.render(&self.vars, &self.lang)),
                Assign::Literal(v) => v.clone(),
            };
            self.vars.insert(name.clone(), value);
        }
        self.sync_lang();
    }

    /// A `lang` variable the flow speaks becomes the session language.
    fn sync_lang(&mut self) {
        if let Some(Value::String(lang)) = self.vars.get("lang") {
            if self.program.flows[self.flow].speaks(lang) {
                self.lang = lang.clone();
            }
        }
    }

    fn fail(&mut self) -> Output {
        let flow = &self.program.flows[self.flow];
        let text = self.text(&flow.messages.failure.clone());
        Output::End { text, sms: None }
    }

    /// Runs non-interactive nodes until a screen, an end or an action.
    fn run(&mut self, now: SystemTime) -> Output {
        for _ in 0..MAX_HOPS {
            let program = Arc::clone(&self.program);
            let node = &program.flows[self.flow].nodes[self.node];
            match &node.kind {
                Kind::Menu { .. } | Kind::Input { .. } | Kind::Confirm { .. } => {
                    if let Some(queued) = self.queued.pop_front() {
                        let before = (self.flow, self.node);
                        if self.answer(&queued, now).is_err() {
                            return self.fail();
                        }
                        if (self.flow, self.node) == before {
                            // A deep-link answer was refused: show the screen, drop the rest.
                            self.queued.clear();
                        }
                        continue;
                    }
                    return self.screen(node);
                }
                Kind::Route {
                    branches,
                    otherwise,
                } => {
                    let target = branches
                        .iter()
                        .find(|(e, _)| e.holds(&self.vars))
                        .map_or(*otherwise, |(_, to)| *to);
                    self.goto(target);
                }
                Kind::Set { assigns, next } => {
                    self.assign(assigns);
                    self.goto(*next);
                }
                Kind::Action { action, args, .. } => {
                    let args = args
                        .iter()
                        .map(|(k, t)| (k.clone(), Value::String(t.render(&self.vars, &self.lang))))
                        .collect();
                    self.waiting = true;
                    return Output::Perform {
                        request: ActionRequest {
                            action: action.clone(),
                            args,
                            idempotency_key: format!("{}:{}", self.session, self.steps),
                            msisdn: self.msisdn.clone(),
                            lang: self.lang.clone(),
                            now,
                        },
                        deadline: node.settings.action_deadline,
                    };
                }
                Kind::Call { flow, params, .. } => {
                    let mut vars = Map::new();
                    for (k, t) in params {
                        vars.insert(k.clone(), Value::String(t.render(&self.vars, &self.lang)));
                    }
                    vars.insert("lang".into(), Value::String(self.lang.clone()));
                    vars.insert("msisdn".into(), Value::String(self.msisdn.clone()));
                    self.frames.push(Frame {
                        flow: self.flow,
                        call: self.node,
                        vars: std::mem::replace(&mut self.vars, vars),
                        history: std::mem::take(&mut self.history),
                    });
                    self.flow = *flow;
                    self.goto(program.flows[*flow].entry);
                }
                Kind::Return { values } => {
                    let returned: Map<String, Value> = values
                        .iter()
                        .map(|(k, t)| (k.clone(), Value::String(t.render(&self.vars, &self.lang))))
                        .collect();
                    let Some(frame) = self.frames.pop() else {
                        return self.fail();
                    };
                    self.flow = frame.flow;
                    self.vars = frame.vars;
                    self.history = frame.history;
                    self.node = frame.call;
                    let Kind::Call { store, next, .. } =
                        &program.flows[self.flow].nodes[self.node].kind
                    else {
                        return self.fail();
                    };
                    if let Some(store) = store {
                        self.vars.insert(store.clone(), Value::Object(returned));
                    }
                    self.goto(*next);
                }
                Kind::End { sms } => {
                    let text = node.text.as_ref().map(|t| self.text(t)).unwrap_or_default();
                    let sms = sms.as_ref().map(|t| self.text(t));
                    return Output::End { text, sms };
                }
            }
        }
        tracing::error!(node = %self.node_name(), "menu loops without reaching a screen");
        self.fail()
    }

    fn screen(&mut self, node: &Node) -> Output {
        let flow = &self.program.flows[self.flow];
        let prefix = self.prefix.take();
        let rendered = render::render(
            flow,
            node,
            &self.vars,
            &self.lang,
            prefix.as_deref(),
            self.page,
            self.medium,
        );
        Output::Screen {
            text: rendered.text,
            collect: (self.medium == Medium::VOICE).then(|| self.collect(node)),
        }
    }

    fn collect(&self, node: &Node) -> Collect {
        let s = &node.settings;
        let derived = match &node.kind {
            Kind::Menu { .. } => {
                let flow = &self.program.flows[self.flow];
                render::keys(flow, node, &self.vars)
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(1)
            }
            Kind::Input { ty, .. } => match ty {
                InputType::Digits { max, .. } => usize::from(*max),
                InputType::NationalId { .. } => 20,
                InputType::Date => 8,
                InputType::Choice(values) => values.iter().map(|v| v.len()).max().unwrap_or(1),
                InputType::Regex(_) | InputType::Text { .. } => 32,
            },
            _ => 1,
        };
        let millis = |d: Duration| u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
        Collect {
            first_digit_ms: millis(s.first_digit_timeout),
            inter_digit_ms: millis(s.inter_digit_timeout),
            max_digits: if s.max_digits > 0 {
                s.max_digits
            } else {
                u8::try_from(derived).unwrap_or(u8::MAX)
            },
            terminator: s.terminator,
            barge_in: s.barge_in,
        }
    }

    /// Applies an answer to the current screen.
    fn answer(&mut self, raw: &str, now: SystemTime) -> Result<(), Failed> {
        let program = Arc::clone(&self.program);
        let flow = &program.flows[self.flow];
        let node = &flow.nodes[self.node];
        let typed = raw.trim();
        let key = normalise(typed, false);
        let keys = &flow.keys;
        let is = |k: &Option<String>| k.as_deref().is_some_and(|k| k == key);
        if is(&keys.back) {
            if let Some(previous) = self.history.pop() {
                self.goto(previous);
            }
            return Ok(());
        }
        if is(&keys.home) {
            if let Some(home) = flow.home {
                self.history.clear();
                self.goto(home);
            } else if let Some(first) = self.history.first().copied() {
                self.history.clear();
                self.goto(first);
            }
            return Ok(());
        }
        if is(&keys.repeat) {
            return Ok(());
        }
        if matches!(node.kind, Kind::Menu { .. }) && (is(&keys.next_page) || is(&keys.prev_page)) {
            {
                let pages =
                    render::render(flow, node, &self.vars, &self.lang, None, 0, self.medium).pages;
                if is(&keys.next_page) && self.page + 1 < pages {
                    self.page += 1;
                    return Ok(());
                }
                if is(&keys.prev_page) && self.page > 0 {
                    self.page -= 1;
                    return Ok(());
                }
            }
        }
        match &node.kind {
            Kind::Menu { options, items } => {
                let choices = render::keys(flow, node, &self.vars);
                match choices.into_iter().find(|(k, _)| *k == key).map(|(_, c)| c) {
                    Some(Choice::Option(i)) => {
                        self.assign(&options[i].set);
                        self.forward(options[i].next);
                        Ok(())
                    }
                    Some(Choice::Item(i)) => {
                        let Some(items) = items else {
                            return Err(Failed);
                        };
                        let element = crate::menus::vars::lookup(&self.vars, &items.from)
                            .and_then(|v| v.get(i))
                            .cloned()
                            .unwrap_or(Value::Null);
                        self.vars.insert(items.store.clone(), element);
                        self.forward(items.next);
                        Ok(())
                    }
                    None => self.invalid(),
                }
            }
            Kind::Input { ty, store, next } => {
                let today = chrono::DateTime::<chrono::Utc>::from(now).date_naive();
                match answer::parse(ty, typed, today) {
                    Some(value) => {
                        self.vars.insert(store.clone(), value);
                        self.sync_lang();
                        self.forward(*next);
                        Ok(())
                    }
                    None => self.invalid(),
                }
            }
            Kind::Confirm { yes, no } => match key.as_str() {
                "1" => {
                    self.forward(*yes);
                    Ok(())
                }
                "2" => {
                    self.forward(*no);
                    Ok(())
                }
                _ => self.invalid(),
            },
            _ => Err(Failed),
        }
    }

    fn invalid(&mut self) -> Result<(), Failed> {
        self.failures = self.failures.saturating_add(1);
        let node = self.current().clone();
        if self.failures > node.settings.max_failures {
            return self.exhausted(&node);
        }
        self.prefix = pick(&node.on_invalid, self.failures).map(|t| self.text(t));
        Ok(())
    }

    fn no_input(&mut self) -> Result<(), Failed> {
        self.timeouts = self.timeouts.saturating_add(1);
        let node = self.current().clone();
        if self.timeouts > node.settings.max_timeouts {
            return self.exhausted(&node);
        }
        self.prefix = pick(&node.on_timeout, self.timeouts).map(|t| self.text(t));
        Ok(())
    }

    fn exhausted(&mut self, node: &Node) -> Result<(), Failed> {
        match node.settings.on_exhausted {
            Some(target) if target != self.node => {
                self.goto(target);
                Ok(())
            }
            _ => Err(Failed),
        }
    }

    fn take_outcome(&mut self, outcome: ActionOutcome) -> Result<(), Failed> {
        let program = Arc::clone(&self.program);
        let node = &program.flows[self.flow].nodes[self.node];
        let Kind::Action {
            store,
            outcomes,
            default,
            action,
            ..
        } = &node.kind
        else {
            return Err(Failed);
        };
        if let Some(store) = store {
            let mut value = outcome.vars.clone();
            value.insert("outcome".into(), Value::String(outcome.code.clone()));
            self.vars.insert(store.clone(), Value::Object(value));
        }
        match outcomes.get(&outcome.code).or(default.as_ref()) {
            Some(target) => {
                self.goto(*target);
                Ok(())
            }
            None => {
                tracing::warn!(%action, code = %outcome.code, node = %node.name, "outcome has no route");
                Err(Failed)
            }
        }
    }
}

/// The dialog cannot go on; it ends with the flow's failure text.
#[derive(Debug)]
struct Failed;

/// The `count`th message (1-based) of a count-based list; the last one repeats.
fn pick(list: &[Text], count: u8) -> Option<&Text> {
    let i = usize::from(count.max(1) - 1).min(list.len().checked_sub(1)?);
    list.get(i)
}
