//! A token bucket for an integrator's message rate: `rate` messages per second with a
//! burst of one second's worth. Sans-IO: the caller passes the clock.

use std::time::Instant;

/// Allows `rate` messages per second on average.
#[derive(Debug, Clone)]
pub struct RateLimit {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    /// A full bucket.
    pub fn new(rate: u32, now: Instant) -> Self {
        let rate = f64::from(rate.max(1));
        Self {
            rate,
            tokens: rate,
            last: now,
        }
    }

    /// Takes one token: `false` when the peer is over its rate.
    pub fn try_take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.rate);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_burst_is_one_second_and_tokens_refill() {
        let start = Instant::now();
        let mut limit = RateLimit::new(3, start);
        assert!((0..3).all(|_| limit.try_take(start)));
        assert!(!limit.try_take(start));
        assert!(limit.try_take(start + Duration::from_millis(400)));
        assert!(!limit.try_take(start + Duration::from_millis(400)));
    }
}
