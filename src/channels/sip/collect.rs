//! Digit collection for one screen, and RFC 4733 event de-duplication. Both are plain state
//! machines: the driver passes `now` in and sleeps until [`Collector::deadline`].
//!
//! Timers follow VoiceXML: the first-digit timer runs from the end of the prompt; once a
//! digit has arrived, only the inter-digit timer governs (a total timeout firing in the
//! middle of an entry is a known source of caller complaints).

use tokio::time::{Duration, Instant};

use crate::sessions::{Collect, IngressEvent};

/// How an answer ended: `Input` (terminator or max digits) or `NoInput` (timer), with the
/// digits (the terminator is not part of them).
pub type Answer = (IngressEvent, String);

/// Collects one answer.
#[derive(Debug, Clone)]
pub struct Collector {
    collect: Collect,
    digits: String,
    deadline: Option<Instant>,
}

impl Collector {
    /// A collector for `collect`; its timer starts with [`Collector::start`] or the first digit.
    pub fn new(collect: Collect) -> Self {
        Self {
            collect,
            digits: String::new(),
            deadline: None,
        }
    }

    /// The prompt has finished: start the first-digit timer (unless digits already arrived).
    pub fn start(&mut self, now: Instant) {
        if self.deadline.is_none() {
            self.deadline = Some(now + ms(self.collect.first_digit_ms));
        }
    }

    /// True when a key may interrupt the prompt.
    pub fn barge_in(&self) -> bool {
        self.collect.barge_in
    }

    /// When [`Collector::expire`] must be called; `None` while the prompt still plays.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// A key was pressed. Returns the answer when this key completes it.
    pub fn digit(&mut self, key: char, now: Instant) -> Option<Answer> {
        if Some(key) == self.collect.terminator {
            return Some((IngressEvent::Input, std::mem::take(&mut self.digits)));
        }
        self.digits.push(key);
        if self.digits.chars().count() >= usize::from(self.collect.max_digits.max(1)) {
            return Some((IngressEvent::Input, std::mem::take(&mut self.digits)));
        }
        self.deadline = Some(now + ms(self.collect.inter_digit_ms));
        None
    }

    /// The timer may have run out: the answer so far, as `NoInput`.
    pub fn expire(&mut self, now: Instant) -> Option<Answer> {
        match self.deadline {
            Some(d) if now >= d => Some((IngressEvent::NoInput, std::mem::take(&mut self.digits))),
            _ => None,
        }
    }
}

fn ms(v: u32) -> Duration {
    Duration::from_millis(u64::from(v))
}

/// Turns the packets of RFC 4733 events into one key per event. Packets of one event share
/// a timestamp; the key is reported on the first packet with the end bit (its two
/// retransmissions are ignored), or when a new event starts and the old one's end packets
/// were all lost.
#[derive(Debug, Clone, Default)]
pub struct EventDedup {
    current: Option<(u32, char, bool)>,
}

impl EventDedup {
    /// An event packet arrived: `timestamp`, the key, and its end bit.
    pub fn packet(&mut self, timestamp: u32, key: char, end: bool) -> Vec<char> {
        let mut out = Vec::new();
        match &mut self.current {
            Some((ts, _, reported)) if *ts == timestamp => {
                if end && !*reported {
                    *reported = true;
                    out.push(key);
                }
            }
            previous => {
                if let Some((_, old, false)) = previous {
                    out.push(*old);
                }
                *previous = Some((timestamp, key, end));
                if end {
                    out.push(key);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(max: u8) -> Collect {
        Collect {
            first_digit_ms: 5_000,
            inter_digit_ms: 2_000,
            max_digits: max,
            terminator: Some('#'),
            barge_in: true,
        }
    }

    #[test]
    fn first_digit_then_inter_digit_timer_governs() {
        let t0 = Instant::now();
        let mut c = Collector::new(collect(10));
        assert_eq!(c.deadline(), None);
        c.start(t0);
        assert_eq!(c.deadline(), Some(t0 + Duration::from_secs(5)));
        assert_eq!(c.digit('4', t0 + Duration::from_secs(4)), None);
        assert_eq!(c.deadline(), Some(t0 + Duration::from_secs(6)));
        assert_eq!(c.expire(t0 + Duration::from_millis(5_500)), None);
        let answer = c.expire(t0 + Duration::from_secs(6));
        assert_eq!(answer, Some((IngressEvent::NoInput, "4".into())));
    }

    #[test]
    fn terminator_and_max_digits_finish_an_answer() {
        let t0 = Instant::now();
        let mut c = Collector::new(collect(10));
        for key in "00123".chars() {
            assert_eq!(c.digit(key, t0), None);
        }
        assert_eq!(
            c.digit('#', t0),
            Some((IngressEvent::Input, "00123".into()))
        );
        let mut one = Collector::new(collect(1));
        assert_eq!(one.digit('1', t0), Some((IngressEvent::Input, "1".into())));
        let mut nothing = Collector::new(collect(1));
        nothing.start(t0);
        assert_eq!(
            nothing.expire(t0 + Duration::from_secs(5)),
            Some((IngressEvent::NoInput, String::new()))
        );
    }

    #[test]
    fn events_report_once_per_timestamp_even_without_end_packets() {
        let mut d = EventDedup::default();
        assert!(d.packet(160, '5', false).is_empty());
        assert!(d.packet(160, '5', false).is_empty());
        assert_eq!(d.packet(160, '5', true), ['5']);
        assert!(d.packet(160, '5', true).is_empty());
        assert!(d.packet(160, '5', true).is_empty());
        assert!(d.packet(960, '5', false).is_empty());
        // The ends of the second 5 are lost; the next event flushes it.
        assert_eq!(d.packet(1760, '#', true), ['5', '#']);
    }
}
