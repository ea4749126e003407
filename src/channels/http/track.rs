//! What the channel remembers of each aggregator dialog so that it never replays a path: the
//! path acknowledged so far, the last sequence, and the last reply (answered again, unchanged,
//! to retries). Pure: time is passed in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::config::InputStyle;
use super::wire::Phase;
use crate::sessions::{IngressEvent, Reply, SessionKey};

/// Ended dialogs are kept this long so that a late retry still gets the last screen.
pub const ENDED_KEEP: Duration = Duration::from_secs(60);

/// What to do with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Run one engine step.
    Step {
        /// Begin or input.
        event: IngressEvent,
        /// The newest input (or the deep-link inputs on a begin).
        input: String,
    },
    /// Answer again with what was already answered, without stepping the engine.
    Replay {
        /// The reply to send.
        reply: Reply,
        /// Why (the metrics outcome).
        why: Replay,
    },
    /// The aggregator ended the dialog.
    End {
        /// False when the dialog had already ended: the engine need not hear of it again.
        notify: bool,
    },
}

/// Why a request was answered from memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// The same request again.
    Retry,
    /// A cumulative path that does not extend the session's: the session's screen stands.
    Diverged,
    /// The dialog has already ended.
    Ended,
}

impl Replay {
    /// The metrics outcome label.
    pub fn label(self) -> &'static str {
        match self {
            Replay::Retry => "retry",
            Replay::Diverged => "diverged",
            Replay::Ended => "ended",
        }
    }
}

/// How a route reads its requests.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Cumulative or latest-only.
    pub style: InputStyle,
    /// Identical latest-only input within this window, without a sequence, is a retry.
    pub retry_window: Duration,
}

/// One dialog as the channel sees it.
#[derive(Debug, Clone)]
pub struct Track {
    path: String,
    sequence: Option<u64>,
    last_input: Option<String>,
    last_reply: Option<Reply>,
    last_at: Instant,
    ended: bool,
    /// The service code given at the begin, for aggregators that only send it then.
    pub service_code: Option<String>,
}

impl Track {
    /// A dialog not yet answered.
    pub fn new(now: Instant) -> Self {
        Self {
            path: String::new(),
            sequence: None,
            last_input: None,
            last_reply: None,
            last_at: now,
            ended: false,
            service_code: None,
        }
    }

    /// Decides what `text` (at `phase`, with the aggregator's `sequence`) means for this dialog.
    pub fn decide(
        &mut self,
        phase: Phase,
        text: &str,
        sequence: Option<u64>,
        policy: Policy,
        now: Instant,
    ) -> Decision {
        if phase == Phase::End {
            let notify = !self.ended && self.last_reply.is_some();
            self.ended = true;
            self.last_at = now;
            return Decision::End { notify };
        }
        if self.ended {
            return self.replay(Replay::Ended);
        }
        if self.last_reply.is_none() {
            return self.begin(phase, text, sequence, now);
        }
        let old_sequence = matches!((sequence, self.sequence), (Some(s), Some(last)) if s <= last);
        if phase == Phase::Begin || old_sequence {
            return self.replay(Replay::Retry);
        }
        if sequence.is_some() {
            self.sequence = sequence;
        }
        let input = match policy.style {
            InputStyle::Cumulative => match self.extend_path(text) {
                Ok(input) => input,
                Err(why) => return self.replay(why),
            },
            InputStyle::Latest => {
                let within = now.saturating_duration_since(self.last_at) < policy.retry_window;
                if sequence.is_none() && within && self.last_input.as_deref() == Some(text) {
                    return self.replay(Replay::Retry);
                }
                text.to_owned()
            }
        };
        self.last_input = Some(input.clone());
        Decision::Step {
            event: IngressEvent::Input,
            input,
        }
    }

    /// The first request: a begin, whatever the aggregator called it. A continuation for a
    /// dialog we never saw (after a restart) starts over at the first screen.
    fn begin(&mut self, phase: Phase, text: &str, sequence: Option<u64>, now: Instant) -> Decision {
        self.sequence = sequence;
        self.last_at = now;
        self.path = text.to_owned();
        let input = if phase == Phase::Continue {
            String::new()
        } else {
            text.to_owned()
        };
        self.last_input = Some(input.clone());
        Decision::Step {
            event: IngressEvent::Begin,
            input,
        }
    }

    /// The newest input of a cumulative path, or why there is none.
    fn extend_path(&mut self, text: &str) -> Result<String, Replay> {
        if text == self.path {
            return Err(Replay::Retry);
        }
        let newest = if self.path.is_empty() {
            Some(text)
        } else {
            text.strip_prefix(self.path.as_str())
                .and_then(|rest| rest.strip_prefix('*'))
        };
        let newest = newest.map(str::to_owned);
        // Either way the aggregator's path is the one its next request will extend.
        self.path = text.to_owned();
        newest.ok_or(Replay::Diverged)
    }

    fn replay(&self, why: Replay) -> Decision {
        let reply = self.last_reply.clone().unwrap_or(Reply {
            end: true,
            ..Reply::default()
        });
        Decision::Replay { reply, why }
    }

    /// Records the reply given to the step just decided.
    pub fn record(&mut self, reply: &Reply, now: Instant) {
        self.last_reply = Some(reply.clone());
        self.last_at = now;
        self.ended = reply.end || reply.silent;
    }

    /// True when the dialog can be forgotten.
    fn expired(&self, now: Instant, idle: Duration) -> bool {
        let keep = if self.ended {
            ENDED_KEEP.min(idle)
        } else {
            idle
        };
        now.saturating_duration_since(self.last_at) >= keep
    }
}

/// What one [`Tracks::sweep`] forgot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Swept {
    /// Dialogs forgotten.
    pub total: usize,
    /// Of those, dialogs that had not ended (the caller walked away mid-dialog).
    pub live: usize,
}

/// Every dialog of the channel, each behind its own lock so that a retry waits for the
/// request it repeats and then answers from its reply.
#[derive(Debug, Default)]
pub struct Tracks {
    map: Mutex<HashMap<SessionKey, Arc<tokio::sync::Mutex<Track>>>>,
}

impl Tracks {
    /// The dialog for `key`, created if new.
    pub fn entry(&self, key: &SessionKey, now: Instant) -> Arc<tokio::sync::Mutex<Track>> {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(track) = map.get(key) {
            return Arc::clone(track);
        }
        let track = Arc::new(tokio::sync::Mutex::new(Track::new(now)));
        map.insert(key.clone(), Arc::clone(&track));
        track
    }

    /// Forgets dialogs idle past `idle` (ended ones sooner); busy ones are kept.
    pub fn sweep(&self, now: Instant, idle: Duration) -> Swept {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        let before = map.len();
        let mut live = 0;
        map.retain(|_, track| match track.try_lock() {
            Ok(t) if t.expired(now, idle) => {
                live += usize::from(!t.ended && t.last_reply.is_some());
                false
            }
            _ => true,
        });
        Swept {
            total: before - map.len(),
            live,
        }
    }

    /// How many dialogs are remembered.
    pub fn len(&self) -> usize {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// True when no dialog is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Decision, Policy, Replay, Track};
    use crate::channels::http::config::InputStyle;
    use crate::channels::http::wire::Phase;
    use crate::sessions::{IngressEvent, Reply};

    const CUMULATIVE: Policy = Policy {
        style: InputStyle::Cumulative,
        retry_window: Duration::ZERO,
    };

    fn screen(text: &str) -> Reply {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }

    fn input(s: &str) -> Decision {
        Decision::Step {
            event: IngressEvent::Input,
            input: s.into(),
        }
    }

    #[test]
    fn cumulative_paths_yield_the_newest_input_and_retries_replay() {
        let now = Instant::now();
        let mut t = Track::new(now);
        let d = t.decide(Phase::Auto, "", None, CUMULATIVE, now);
        assert_eq!(
            d,
            Decision::Step {
                event: IngressEvent::Begin,
                input: String::new()
            }
        );
        t.record(&screen("menu"), now);
        assert_eq!(
            t.decide(Phase::Auto, "1", None, CUMULATIVE, now),
            input("1")
        );
        t.record(&screen("id?"), now);
        assert_eq!(
            t.decide(Phase::Auto, "1*00*12", None, CUMULATIVE, now),
            input("00*12")
        );
        t.record(&screen("day?"), now);
        let retry = t.decide(Phase::Auto, "1*00*12", None, CUMULATIVE, now);
        assert_eq!(
            retry,
            Decision::Replay {
                reply: screen("day?"),
                why: Replay::Retry
            }
        );
    }

    #[test]
    fn a_diverging_path_answers_from_the_session_and_is_adopted() {
        let now = Instant::now();
        let mut t = Track::new(now);
        t.decide(Phase::Auto, "", None, CUMULATIVE, now);
        t.record(&screen("menu"), now);
        t.decide(Phase::Auto, "1", None, CUMULATIVE, now);
        t.record(&screen("id?"), now);
        let d = t.decide(Phase::Auto, "2*7", None, CUMULATIVE, now);
        assert_eq!(
            d,
            Decision::Replay {
                reply: screen("id?"),
                why: Replay::Diverged
            }
        );
        assert_eq!(
            t.decide(Phase::Auto, "2*7*5", None, CUMULATIVE, now),
            input("5")
        );
    }

    #[test]
    fn latest_only_uses_sequence_or_the_retry_window() {
        let now = Instant::now();
        let window = Policy {
            style: InputStyle::Latest,
            retry_window: Duration::from_secs(2),
        };
        let mut t = Track::new(now);
        t.decide(Phase::Begin, "", Some(1), window, now);
        t.record(&screen("menu"), now);
        assert_eq!(
            t.decide(Phase::Continue, "1", Some(2), window, now),
            input("1")
        );
        t.record(&screen("id?"), now);
        let again = t.decide(Phase::Continue, "1", Some(2), window, now);
        assert!(matches!(
            again,
            Decision::Replay {
                why: Replay::Retry,
                ..
            }
        ));
        assert_eq!(
            t.decide(Phase::Continue, "1", Some(3), window, now),
            input("1")
        );
        t.record(&screen("day?"), now);
        let mut u = Track::new(now);
        u.decide(Phase::Begin, "", None, window, now);
        u.record(&screen("menu"), now);
        assert_eq!(
            u.decide(Phase::Continue, "1", None, window, now),
            input("1")
        );
        u.record(&screen("id?"), now);
        let quick = u.decide(Phase::Continue, "1", None, window, now);
        assert!(matches!(
            quick,
            Decision::Replay {
                why: Replay::Retry,
                ..
            }
        ));
        let later = now + Duration::from_secs(3);
        assert_eq!(
            u.decide(Phase::Continue, "1", None, window, later),
            input("1")
        );
    }

    #[test]
    fn after_the_end_everything_replays_and_the_end_is_told_once() {
        let now = Instant::now();
        let mut t = Track::new(now);
        t.decide(Phase::Auto, "", None, CUMULATIVE, now);
        t.record(
            &Reply {
                text: "bye".into(),
                end: true,
                ..Reply::default()
            },
            now,
        );
        let d = t.decide(Phase::Auto, "1", None, CUMULATIVE, now);
        assert!(matches!(
            d,
            Decision::Replay {
                why: Replay::Ended,
                ..
            }
        ));
        assert_eq!(
            t.decide(Phase::End, "", None, CUMULATIVE, now),
            Decision::End { notify: false }
        );
    }
}
