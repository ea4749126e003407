//! A scripted engine for channel tests: a five-step clinic booking that a caller would
//! recognise, with counters so that a test can tell how often each dialog was stepped.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the script"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hotline::metrics as m;
use hotline::pii::Masked;
use hotline::sessions::{Engine, Ingress, IngressEvent, Reply, ReplyFuture, SessionKey};
use tokio::sync::{Notify, Semaphore};

/// The national ID the booking accepts (10 digits, as the `ir` profile writes them).
pub const NATIONAL_ID: &str = "0012345679";
/// The caller's number used throughout.
pub const MSISDN: &str = "+254711000111";

pub const WELCOME: &str = "Welcome to the health line\n1. Book a visit\n2. My bookings";
pub const ASK_ID: &str = "Enter your national ID";
pub const ASK_CLINIC: &str = "Choose a clinic\n1. Central\n2. North";
pub const ASK_DAY: &str = "Choose a day\n1. Monday\n2. Tuesday";
pub const BOOKED: &str = "Booked: Central clinic, Tuesday 09:30. Ref HL-0001";

/// Per-dialog inputs and how many steps each dialog saw.
#[derive(Debug)]
pub struct Script {
    inputs: Mutex<HashMap<SessionKey, Vec<String>>>,
    steps: Mutex<HashMap<String, usize>>,
    aborts: Mutex<Vec<String>>,
    /// Signalled on every abort.
    pub aborted: Notify,
    /// Input `9` waits for a permit here: the test decides when a slow step finishes.
    pub gate: Semaphore,
}

impl Script {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            inputs: Mutex::default(),
            steps: Mutex::default(),
            aborts: Mutex::default(),
            aborted: Notify::new(),
            gate: Semaphore::new(0),
        })
    }

    /// How many non-abort steps the dialog `id` has seen.
    pub fn steps(&self, id: &str) -> usize {
        self.steps
            .lock()
            .expect("test lock")
            .get(id)
            .copied()
            .unwrap_or(0)
    }

    /// Dialog ids that were aborted, in order.
    pub fn aborts(&self) -> Vec<String> {
        self.aborts.lock().expect("test lock").clone()
    }

    fn screen(inputs: &[String]) -> Reply {
        let (text, end) = match inputs {
            [] => (WELCOME, false),
            [_] => (ASK_ID, false),
            [_, _] => (ASK_CLINIC, false),
            [_, _, _] => (ASK_DAY, false),
            _ => (BOOKED, true),
        };
        let sms = end.then(|| BOOKED.to_string());
        Reply {
            text: text.into(),
            end,
            sms,
            silent: false,
            collect: None,
        }
    }

    fn step(&self, ingress: &Ingress) -> Reply {
        *self
            .steps
            .lock()
            .expect("test lock")
            .entry(ingress.key.id.clone())
            .or_default() += 1;
        let mut all = self.inputs.lock().expect("test lock");
        let inputs = all.entry(ingress.key.clone()).or_default();
        if ingress.event == IngressEvent::Begin {
            inputs.clear();
        }
        for part in ingress.input.split('*').filter(|p| !p.is_empty()) {
            if inputs.len() == 1 {
                tracing::info!(national_id = %Masked::new(part), "eligibility checked");
                metrics::counter!(m::ELIGIBILITY_OUTCOMES, "outcome" => "eligible").increment(1);
            }
            inputs.push(part.to_owned());
        }
        let reply = Self::screen(inputs);
        if reply.end {
            metrics::counter!(m::BOOKINGS, "channel" => ingress.channel.label()).increment(1);
            all.remove(&ingress.key);
        }
        reply
    }
}

impl Engine for Script {
    fn handle(&self, ingress: Ingress) -> ReplyFuture<'_> {
        Box::pin(async move {
            if ingress.event == IngressEvent::Abort {
                self.inputs.lock().expect("test lock").remove(&ingress.key);
                self.aborts
                    .lock()
                    .expect("test lock")
                    .push(ingress.key.id.clone());
                self.aborted.notify_waiters();
                return Reply {
                    silent: true,
                    ..Reply::default()
                };
            }
            if ingress.input == "9" {
                let permit = self.gate.acquire().await.expect("the gate is never closed");
                permit.forget();
            }
            self.step(&ingress)
        })
    }
}
