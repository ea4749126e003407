//! [`Runtime`]: the [`Engine`] every channel talks to. It keeps live dialogs in the
//! [`SessionTable`], runs the pure [`Dialog`] for each step, performs the actions a dialog
//! asks for off the I/O threads with the node's deadline, and swaps in new menu versions
//! without touching live dialogs: a session finishes on the program it started on.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;

use super::table::{SessionTable, Take};
use super::{ChannelKind, Engine, Ingress, IngressEvent, Reply, ReplyFuture, SessionKey};
use crate::channels::http::admin::{LiveSession, MenuReload, ReloadOutcome, SessionsView};
use crate::dialog::{Dialog, Event, Output};
use crate::effects::{ActionHandler, ActionOutcome, ActionRequest};
use crate::menus::render::Medium;
use crate::menus::{compile_dir, Diagnostic, Options, Program, Severity};
use crate::pii::Masked;

const UNKNOWN_CODE: &str = "This code is not in service. Please check the number you dialled.";
const BUSY: &str = "The service is busy. Please dial again in a few minutes.";
const EXPIRED: &str = "Your session has ended. Please dial again.";

struct Live {
    dialog: Dialog,
    channel: ChannelKind,
    started: Instant,
}

/// Where a reloadable runtime's menus come from.
struct Source {
    dir: PathBuf,
    id_profile: String,
}

/// The engine behind every channel.
pub struct Runtime {
    program: ArcSwap<Program>,
    /// `None` for a runtime built over a compiled program: it cannot reload.
    source: Option<Source>,
    /// Held while a reload compiles, so that two reloads cannot both take the next version.
    reloading: Mutex<()>,
    table: SessionTable<Live>,
    actions: Arc<dyn ActionHandler>,
    epoch: Instant,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("program", &self.program.load().label())
            .field("live", &self.table.len())
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Loads `menus_dir`; errors refuse to start (the diagnostics say why).
    pub fn load(
        menus_dir: PathBuf,
        id_profile: &str,
        max_sessions: usize,
        actions: Arc<dyn ActionHandler>,
    ) -> Result<Runtime, Vec<Diagnostic>> {
        let options = Options {
            id_profile: id_profile.to_owned(),
            version: 1,
        };
        let compiled = compile_dir(&menus_dir, &options);
        let Some(program) = compiled.program else {
            return Err(compiled.diagnostics);
        };
        for warning in &compiled.diagnostics {
            tracing::warn!("{warning}");
        }
        Ok(Runtime {
            source: Some(Source {
                dir: menus_dir,
                id_profile: options.id_profile,
            }),
            ..Runtime::new(program, max_sessions, actions)
        })
    }

    /// A runtime over an already compiled program (tests, the simulator); it cannot reload.
    pub fn new(program: Program, max_sessions: usize, actions: Arc<dyn ActionHandler>) -> Runtime {
        publish_version(&program);
        Runtime {
            program: ArcSwap::from_pointee(program),
            source: None,
            reloading: Mutex::new(()),
            table: SessionTable::new(max_sessions),
            actions,
            epoch: Instant::now(),
        }
    }

    /// The program new sessions get.
    pub fn program(&self) -> Arc<Program> {
        self.program.load_full()
    }

    /// Recompiles the menus folder. On success new sessions get the new version and live
    /// ones finish on theirs; on errors the current version keeps serving.
    pub fn reload(&self) -> Result<Arc<Program>, Vec<Diagnostic>> {
        let Some(source) = &self.source else {
            return Err(vec![]);
        };
        let _reloading = self.reloading.lock().unwrap_or_else(|e| e.into_inner());
        let options = Options {
            id_profile: source.id_profile.clone(),
            version: self.program.load().version + 1,
        };
        let compiled = compile_dir(&source.dir, &options);
        match compiled.program {
            Some(program) => {
                let program = Arc::new(program);
                publish_version(&program);
                self.program.store(Arc::clone(&program));
                tracing::info!(version = %program.label(), "menus reloaded");
                Ok(program)
            }
            None => {
                let errors: Vec<Diagnostic> = compiled
                    .diagnostics
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect();
                tracing::warn!(
                    errors = errors.len(),
                    "menu reload refused; the current version keeps serving"
                );
                Err(errors)
            }
        }
    }

    /// Live dialogs.
    pub fn live(&self) -> usize {
        self.table.len()
    }

    /// Ends dialogs whose screen waited past its timeout; returns how many.
    pub fn sweep(&self) -> usize {
        let expired = self.table.expire(self.now_ms());
        for (_, live) in &expired {
            dialog_ended(live.channel);
        }
        expired.len()
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn perform(&self, request: ActionRequest, deadline: Duration) -> ActionOutcome {
        if self.actions.is_quick(&request.action) {
            let run = std::panic::AssertUnwindSafe(|| self.actions.perform(&request));
            return std::panic::catch_unwind(run).unwrap_or_else(|_| {
                tracing::error!(action = %request.action, "action panicked");
                ActionOutcome::code("error")
            });
        }
        let actions = Arc::clone(&self.actions);
        let name = request.action.clone();
        let task = tokio::task::spawn_blocking(move || actions.perform(&request));
        match tokio::time::timeout(deadline, task).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(join)) => {
                tracing::error!(action = %name, error = %join, "action panicked");
                ActionOutcome::code("error")
            }
            Err(_) => {
                tracing::warn!(action = %name, ?deadline, "action missed its deadline");
                ActionOutcome::code("timeout")
            }
        }
    }

    /// Runs outputs until the dialog shows a screen or ends, and files the session.
    async fn drive(&self, key: SessionKey, mut live: Live, mut out: Output) -> Reply {
        loop {
            match out {
                Output::Perform { request, deadline } => {
                    let action = request.action.clone();
                    let outcome = self.perform(request, deadline).await;
                    count_outcome(live.channel, &action, &outcome.code);
                    out = live.dialog.step(Event::Outcome(outcome), SystemTime::now());
                }
                Output::Screen { text, collect } => {
                    let deadline = self.now_ms() + millis(live.dialog.screen_timeout());
                    self.table.put_back(&key, live, deadline);
                    return Reply {
                        text,
                        collect,
                        ..Reply::default()
                    };
                }
                Output::End { text, sms } => {
                    self.table.remove(&key);
                    dialog_ended(live.channel);
                    return Reply {
                        text,
                        end: true,
                        sms,
                        ..Reply::default()
                    };
                }
            }
        }
    }

    async fn step(&self, ingress: Ingress) -> Reply {
        let medium = medium(&ingress);
        match ingress.event {
            IngressEvent::Abort => {
                if let Some(live) = self.table.remove(&ingress.key) {
                    dialog_ended(live.channel);
                }
                Reply {
                    end: true,
                    silent: true,
                    ..Reply::default()
                }
            }
            IngressEvent::Begin => {
                let program = self.program.load_full();
                let Some(flow) = program.flow_for_code(&ingress.service_code) else {
                    return end(UNKNOWN_CODE);
                };
                // A second dial with a live dialog's key starts afresh.
                if let Some(old) = self.table.remove(&ingress.key) {
                    dialog_ended(old.channel);
                }
                if self.table.begin(ingress.key.clone()).is_err() {
                    return end(BUSY);
                }
                metrics::counter!(crate::metrics::SESSIONS_STARTED, "channel" => ingress.channel.label())
                    .increment(1);
                metrics::gauge!(crate::metrics::SESSIONS_ACTIVE, "channel" => ingress.channel.label())
                    .increment(1.0);
                let (dialog, out) = Dialog::start(
                    program,
                    flow,
                    &ingress.key.id,
                    &ingress.msisdn,
                    medium,
                    &ingress.input,
                    SystemTime::now(),
                );
                let live = Live {
                    dialog,
                    channel: ingress.channel,
                    started: Instant::now(),
                };
                self.drive(ingress.key, live, out).await
            }
            IngressEvent::Input | IngressEvent::NoInput => match self.table.take(&ingress.key) {
                Take::Idle(mut live) => {
                    live.dialog.set_medium(medium);
                    let event = match ingress.event {
                        IngressEvent::NoInput => Event::NoInput,
                        _ => Event::Input(&ingress.input),
                    };
                    let out = live.dialog.step(event, SystemTime::now());
                    self.drive(ingress.key, live, out).await
                }
                // A gateway retry of a step still running: the first one answers.
                Take::Busy => Reply {
                    silent: true,
                    ..Reply::default()
                },
                Take::Missing => end(EXPIRED),
            },
        }
    }
}

/// One dialog of `channel` is over (ended, aborted, expired or ended by ops staff).
fn dialog_ended(channel: ChannelKind) {
    metrics::gauge!(crate::metrics::SESSIONS_ACTIVE, "channel" => channel.label()).decrement(1.0);
}

/// The domain metrics: what the dialogs achieved, by channel.
fn count_outcome(channel: ChannelKind, action: &str, code: &str) {
    use crate::metrics as m;
    match (action, code) {
        ("booking.create", "booked") => {
            metrics::counter!(m::BOOKINGS, "channel" => channel.label()).increment(1);
        }
        ("booking.cancel", "cancelled") => {
            metrics::counter!(m::CANCELLATIONS, "channel" => channel.label()).increment(1);
        }
        ("eligibility.check", outcome) => {
            metrics::counter!(m::ELIGIBILITY_OUTCOMES, "outcome" => outcome.to_owned())
                .increment(1);
        }
        _ => {}
    }
}

/// Publishes which program version each flow runs.
fn publish_version(program: &Program) {
    for flow in &program.flows {
        metrics::gauge!(crate::metrics::MENU_VERSION, "menu" => flow.name.clone())
            .set(program.version as f64);
    }
}

fn end(text: &str) -> Reply {
    Reply {
        text: text.to_owned(),
        end: true,
        ..Reply::default()
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn medium(ingress: &Ingress) -> Medium {
    match ingress.channel {
        ChannelKind::Sip => Medium::VOICE,
        ChannelKind::Smpp | ChannelKind::Http => Medium::text(ingress.screen.octet_limit),
    }
}

impl Engine for Runtime {
    fn handle(&self, ingress: Ingress) -> ReplyFuture<'_> {
        Box::pin(self.step(ingress))
    }
}

impl SessionsView for Runtime {
    fn live(&self) -> Vec<LiveSession> {
        let mut out = Vec::new();
        self.table.for_each_idle(|key, live| {
            out.push(LiveSession {
                channel: live.channel.label(),
                operator: key.operator.to_string(),
                id: key.id.clone(),
                msisdn: Masked::new(live.dialog.msisdn().to_owned()),
                node: live.dialog.node_name().to_owned(),
                age: live.started.elapsed(),
            });
        });
        out
    }

    fn end(&self, key: &SessionKey) -> bool {
        match self.table.remove(key) {
            Some(live) => {
                dialog_ended(live.channel);
                true
            }
            None => false,
        }
    }
}

impl MenuReload for Runtime {
    fn reload(&self) -> ReloadOutcome {
        match Runtime::reload(self) {
            Ok(program) => ReloadOutcome {
                ok: true,
                version: program.label(),
                errors: Vec::new(),
            },
            Err(errors) => ReloadOutcome {
                ok: false,
                version: self.program.load().label(),
                errors: errors.iter().map(ToString::to_string).collect(),
            },
        }
    }
}
