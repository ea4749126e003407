//! When the pusher next reads the outbox and pushes: the pusher's clock and backoff logic,
//! sans-IO. The driver feeds it what happened (`handle_*`, with `now`) and sleeps until
//! [`PushSchedule::poll_timeout`].
//!
//! After a failure the delay is exponential with "equal jitter": half the capped delay
//! fixed, half random, so that engines restarted together do not retry in lockstep and
//! no retry comes sooner than half its step.

use std::time::{Duration, Instant};

/// `now + delay`, or about a year from `now` if a configured delay would overflow the
/// clock (configuration must not be able to panic the engine).
pub(crate) fn later(now: Instant, delay: Duration) -> Instant {
    const YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
    now.checked_add(delay)
        .or_else(|| now.checked_add(YEAR))
        .unwrap_or(now)
}

/// Backoff and polling parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay step after the first failure.
    pub initial: Duration,
    /// The delay never exceeds this.
    pub max: Duration,
    /// How long an idle pusher waits before looking at the outbox again.
    pub idle_poll: Duration,
}

/// The pusher's schedule: due now, after an idle wait, or after a backoff.
#[derive(Debug, Clone)]
pub struct PushSchedule {
    backoff: Backoff,
    failures: u32,
    next: Instant,
    rng: u64,
}

impl PushSchedule {
    /// A schedule due at `now`; `seed` drives the jitter (any value, zero included).
    pub fn new(backoff: Backoff, now: Instant, seed: u64) -> Self {
        Self {
            backoff,
            failures: 0,
            next: now,
            // xorshift must not start at zero.
            rng: seed | 1,
        }
    }

    /// When the next attempt is due.
    pub fn poll_timeout(&self) -> Instant {
        self.next
    }

    /// Whether an attempt is due at `now`.
    pub fn is_due(&self, now: Instant) -> bool {
        now >= self.next
    }

    /// Consecutive failed attempts since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// A batch was delivered and acknowledged. With `more` (the batch was full) the next
    /// one is due at once; otherwise after the idle wait.
    pub fn handle_success(&mut self, now: Instant, more: bool) {
        self.failures = 0;
        self.next = if more {
            now
        } else {
            later(now, self.backoff.idle_poll)
        };
    }

    /// The outbox was empty.
    pub fn handle_idle(&mut self, now: Instant) {
        self.failures = 0;
        self.next = later(now, self.backoff.idle_poll);
    }

    /// The push failed (no answer, not 2xx) or the outbox could not be read or
    /// acknowledged: retry after the backoff for this many consecutive failures.
    pub fn handle_failure(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        let step = self.step(self.failures);
        let half = step / 2;
        let jitter = self.fraction();
        self.next = later(now, half + (step - half).mul_f64(jitter));
    }

    /// New events were committed: due at once, unless backing off from a failure (a
    /// failing remote is not hammered because traffic is high).
    pub fn handle_wake(&mut self, now: Instant) {
        if self.failures == 0 {
            self.next = self.next.min(now);
        }
    }

    /// The capped delay step after `failures` consecutive failures: initial · 2^(n-1).
    fn step(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(31);
        self.backoff
            .initial
            .saturating_mul(1_u32 << exponent)
            .min(self.backoff.max)
    }

    /// A pseudo-random fraction in [0, 1) (xorshift64; jitter needs no better).
    fn fraction(&mut self) -> f64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng >> 11) as f64 / (1_u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::{Backoff, PushSchedule};
    use std::time::{Duration, Instant};

    fn backoff() -> Backoff {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(60),
            idle_poll: Duration::from_secs(1),
        }
    }

    #[test]
    fn due_at_start_then_idle_wait() {
        let t0 = Instant::now();
        let mut s = PushSchedule::new(backoff(), t0, 7);
        assert!(s.is_due(t0));
        s.handle_idle(t0);
        assert!(!s.is_due(t0 + Duration::from_millis(999)));
        assert!(s.is_due(t0 + Duration::from_secs(1)));
    }

    #[test]
    fn failures_back_off_exponentially_within_jitter_bounds_up_to_the_cap() {
        let t0 = Instant::now();
        for seed in [0, 1, 42, u64::MAX] {
            let mut s = PushSchedule::new(backoff(), t0, seed);
            for n in 1..=20_u32 {
                s.handle_failure(t0);
                let step = Duration::from_millis(500)
                    .saturating_mul(1 << (n - 1).min(31))
                    .min(Duration::from_secs(60));
                let delay = s.poll_timeout() - t0;
                assert!(delay >= step / 2 && delay <= step, "n={n} delay={delay:?}");
                assert_eq!(s.failures(), n);
            }
        }
    }

    #[test]
    fn jitter_spreads_retries() {
        let t0 = Instant::now();
        let delays: std::collections::BTreeSet<_> = (0..16_u64)
            .map(|seed| {
                let mut s = PushSchedule::new(backoff(), t0, seed * 7919);
                s.handle_failure(t0);
                s.handle_failure(t0);
                s.poll_timeout() - t0
            })
            .collect();
        assert!(delays.len() > 8, "{delays:?}");
    }

    #[test]
    fn success_resets_and_a_full_batch_goes_again_at_once() {
        let t0 = Instant::now();
        let mut s = PushSchedule::new(backoff(), t0, 3);
        s.handle_failure(t0);
        s.handle_failure(t0);
        let t1 = s.poll_timeout();
        s.handle_success(t1, true);
        assert_eq!(s.failures(), 0);
        assert!(s.is_due(t1));
        s.handle_success(t1, false);
        assert_eq!(s.poll_timeout(), t1 + Duration::from_secs(1));
        s.handle_failure(t1);
        let retry = s.poll_timeout() - t1;
        assert!(
            retry <= Duration::from_millis(500),
            "the step restarted: {retry:?}"
        );
    }

    #[test]
    fn a_wake_shortens_the_idle_wait_but_not_a_backoff() {
        let t0 = Instant::now();
        let mut s = PushSchedule::new(backoff(), t0, 5);
        s.handle_idle(t0);
        let t1 = t0 + Duration::from_millis(10);
        s.handle_wake(t1);
        assert!(s.is_due(t1));
        s.handle_failure(t1);
        let backoff_until = s.poll_timeout();
        s.handle_wake(t1);
        assert_eq!(s.poll_timeout(), backoff_until);
        assert!(!s.is_due(t1));
    }

    #[test]
    fn absurd_configured_delays_do_not_overflow_the_clock() {
        let t0 = Instant::now();
        let huge = Backoff {
            initial: Duration::MAX,
            max: Duration::MAX,
            idle_poll: Duration::MAX,
        };
        let mut s = PushSchedule::new(huge, t0, 1);
        s.handle_failure(t0);
        s.handle_idle(t0);
        s.handle_success(t0, false);
        assert!(!s.is_due(t0 + Duration::from_secs(3600)));
    }
}
