//! Shared pieces of the integration tests: a scripted engine whose answers are easy to
//! assert on, and SMPP peers built on the independent `rusmpp` crate (an ESME that binds to
//! Hotline, and a gateway that Hotline binds to).
#![allow(dead_code)]

pub mod rusmpp_peer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hotline::sessions::{Engine, Ingress, IngressEvent, Reply, ReplyFuture, SessionKey};

/// A two-screen journey: the menu, then an end screen. `fa` answers in Persian, `slow`
/// answers after a pause, a deep link is echoed.
#[derive(Default)]
pub struct ScriptedEngine {
    /// Every ingress, in arrival order.
    pub seen: Mutex<Vec<Ingress>>,
    steps: Mutex<HashMap<SessionKey, usize>>,
}

pub const MENU: &str = "Welcome\n1 Book a visit\n2 Exit";
pub const BOOKED: &str = "Booked. Code 123456";
pub const PERSIAN: &str = "نوبت شما ثبت شد. کد ۱۲۳۴۵۶";
pub const SMS: &str = "Your visit is booked. Code 123456.";

impl ScriptedEngine {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    pub fn events(&self) -> Vec<(IngressEvent, String)> {
        self.seen
            .lock()
            .expect("lock")
            .iter()
            .map(|i| (i.event, i.input.clone()))
            .collect()
    }
}

impl Engine for ScriptedEngine {
    fn handle(&self, ingress: Ingress) -> ReplyFuture<'_> {
        Box::pin(async move {
            self.seen.lock().expect("lock").push(ingress.clone());
            let step = {
                let mut steps = self.steps.lock().expect("lock");
                let n = steps.entry(ingress.key.clone()).or_default();
                *n += 1;
                *n
            };
            match (ingress.event, ingress.input.as_str()) {
                (IngressEvent::Abort, _) => Reply {
                    silent: true,
                    ..Reply::default()
                },
                (IngressEvent::Begin, "") => screen(MENU, false),
                (IngressEvent::Begin, link) => screen(&format!("deep:{link}"), true),
                (_, "slow") => {
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    screen("slow done", true)
                }
                (_, "fa") | (_, "۱") => screen(PERSIAN, true),
                (_, "1") => Reply {
                    text: BOOKED.into(),
                    end: true,
                    sms: Some(SMS.into()),
                    silent: false,
                    collect: None,
                },
                (_, "9") => screen(&format!("step {step}"), false),
                (_, other) => screen(&format!("unknown {other}"), true),
            }
        })
    }
}

fn screen(text: &str, end: bool) -> Reply {
    Reply {
        text: text.into(),
        end,
        sms: None,
        silent: false,
        collect: None,
    }
}
