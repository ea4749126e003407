//! The answer cache and the outage breaker of remote eligibility, sans-IO: `now` is passed
//! in. Answers expire after a fixed TTL, so insertion order is expiry order and the oldest
//! entry is always at the front of the queue.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::sync::schedule::later;

/// Remembers answers for `ttl`, at most `capacity` of them.
#[derive(Debug)]
pub struct AnswerCache<V> {
    ttl: Duration,
    capacity: usize,
    entries: HashMap<String, (Instant, V)>,
    order: VecDeque<(String, Instant)>,
}

impl<V: Clone> AnswerCache<V> {
    /// An empty cache; a zero `capacity` or `ttl` caches nothing.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// The answer for `key`, if it has not expired at `now`.
    pub fn get(&self, key: &str, now: Instant) -> Option<V> {
        match self.entries.get(key) {
            Some((expires, value)) if now < *expires => Some(value.clone()),
            _ => None,
        }
    }

    /// Stores `value` for `key` until `now + ttl`, dropping expired and, when full, the
    /// oldest entries.
    pub fn insert(&mut self, key: String, value: V, now: Instant) {
        if self.capacity == 0 || self.ttl.is_zero() {
            return;
        }
        self.expire(now);
        while self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            if !self.pop_oldest() {
                break;
            }
        }
        let expires = later(now, self.ttl);
        self.order.push_back((key.clone(), expires));
        self.entries.insert(key, (expires, value));
    }

    /// Answers held, expired or not.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn expire(&mut self, now: Instant) {
        while self
            .order
            .front()
            .is_some_and(|(_, expires)| *expires <= now)
        {
            self.pop_oldest();
        }
    }

    /// Drops the front of the queue, and its entry unless a newer answer replaced it.
    fn pop_oldest(&mut self) -> bool {
        let Some((key, expires)) = self.order.pop_front() else {
            return false;
        };
        if self.entries.get(&key).is_some_and(|(e, _)| *e == expires) {
            self.entries.remove(&key);
        }
        true
    }
}

/// Skips the remote for a while after a failure, so an outage does not add the whole
/// deadline to every caller's step.
#[derive(Debug, Clone)]
pub struct Breaker {
    open_for: Duration,
    open_until: Option<Instant>,
}

impl Breaker {
    /// A closed breaker that opens for `open_for` after each failure (zero: never opens).
    pub fn new(open_for: Duration) -> Self {
        Self {
            open_for,
            open_until: None,
        }
    }

    /// Whether the remote should be skipped at `now`.
    pub fn is_open(&self, now: Instant) -> bool {
        self.open_until.is_some_and(|until| now < until)
    }

    /// The remote failed at `now`.
    pub fn handle_failure(&mut self, now: Instant) {
        if !self.open_for.is_zero() {
            self.open_until = Some(later(now, self.open_for));
        }
    }

    /// The remote answered.
    pub fn handle_success(&mut self) {
        self.open_until = None;
    }
}

#[cfg(test)]
mod tests {
    use super::{AnswerCache, Breaker};
    use std::time::{Duration, Instant};

    const TTL: Duration = Duration::from_secs(60);

    #[test]
    fn answers_expire_after_the_ttl() {
        let t0 = Instant::now();
        let mut cache = AnswerCache::new(TTL, 10);
        cache.insert("a".into(), 1, t0);
        assert_eq!(cache.get("a", t0 + Duration::from_secs(59)), Some(1));
        assert_eq!(cache.get("a", t0 + TTL), None);
        assert_eq!(cache.get("b", t0), None);
    }

    #[test]
    fn a_full_cache_drops_the_oldest() {
        let t0 = Instant::now();
        let mut cache = AnswerCache::new(TTL, 2);
        cache.insert("a".into(), 1, t0);
        cache.insert("b".into(), 2, t0 + Duration::from_secs(1));
        cache.insert("c".into(), 3, t0 + Duration::from_secs(2));
        assert_eq!(cache.len(), 2);
        let now = t0 + Duration::from_secs(3);
        assert_eq!(
            (
                cache.get("a", now),
                cache.get("b", now),
                cache.get("c", now)
            ),
            (None, Some(2), Some(3))
        );
    }

    #[test]
    fn refreshing_a_key_keeps_the_queue_bounded() {
        let t0 = Instant::now();
        let mut cache = AnswerCache::new(TTL, 4);
        for i in 0..1_000_u32 {
            cache.insert("a".into(), i, t0 + TTL * i);
        }
        assert_eq!(cache.get("a", t0 + TTL * 999), Some(999));
        assert!(cache.order.len() <= 2, "{}", cache.order.len());
        cache.insert("a".into(), 5, t0 + TTL * 999 + Duration::from_secs(1));
        cache.insert("b".into(), 6, t0 + TTL * 999 + Duration::from_secs(2));
        let now = t0 + TTL * 999 + Duration::from_secs(3);
        assert_eq!(
            (cache.get("a", now), cache.get("b", now)),
            (Some(5), Some(6))
        );
    }

    #[test]
    fn zero_capacity_caches_nothing() {
        let t0 = Instant::now();
        let mut cache = AnswerCache::new(TTL, 0);
        cache.insert("a".into(), 1, t0);
        assert!(cache.is_empty());
    }

    #[test]
    fn breaker_opens_after_a_failure_and_closes_on_time_or_success() {
        let t0 = Instant::now();
        let mut breaker = Breaker::new(Duration::from_secs(5));
        assert!(!breaker.is_open(t0));
        breaker.handle_failure(t0);
        assert!(breaker.is_open(t0 + Duration::from_secs(4)));
        assert!(!breaker.is_open(t0 + Duration::from_secs(5)));
        breaker.handle_failure(t0);
        breaker.handle_success();
        assert!(!breaker.is_open(t0));
        let mut never = Breaker::new(Duration::ZERO);
        never.handle_failure(t0);
        assert!(!never.is_open(t0));
    }
}
