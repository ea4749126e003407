//! The session table: live dialogs keyed by [`SessionKey`], sharded so that steps of
//! different dialogs never wait on one lock, with idle deadlines and a size limit.
//!
//! A step *takes* its session out (the slot stays, marked busy), runs, and *puts it back*
//! with its next deadline. A second message for a busy dialog (a gateway retry) sees
//! [`Take::Busy`] instead of a half-updated state.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::SessionKey;

const SHARDS: usize = 32;

/// What [`SessionTable::take`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Take<S> {
    /// The session, now marked busy until it is put back or removed.
    Idle(S),
    /// Another step of this dialog is running.
    Busy,
    /// No such dialog (never begun, ended, or expired).
    Missing,
}

/// The table is at its configured size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the session table is full ({limit} live dialogs)")]
pub struct TableFull {
    /// The configured limit.
    pub limit: usize,
}

#[derive(Debug)]
struct Slot<S> {
    /// `None` while a step holds the state.
    state: Option<S>,
    /// Milliseconds on the runtime's clock after which an idle session expires.
    deadline_ms: u64,
}

/// Live dialogs of every channel and operator.
#[derive(Debug)]
pub struct SessionTable<S> {
    shards: Vec<Mutex<HashMap<SessionKey, Slot<S>>>>,
    len: AtomicUsize,
    limit: usize,
}

impl<S> SessionTable<S> {
    /// An empty table that holds at most `limit` dialogs.
    pub fn new(limit: usize) -> Self {
        let shards = (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect();
        Self {
            shards,
            len: AtomicUsize::new(0),
            limit,
        }
    }

    /// Live dialogs, busy ones included.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// True when no dialog is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts a dialog in the busy state (the caller is running its first step), replacing
    /// any dialog with the same key. Fails when the table is full.
    pub fn begin(&self, key: SessionKey) -> Result<(), TableFull> {
        let mut shard = self.shard(&key);
        if !shard.contains_key(&key) {
            if self.len() >= self.limit {
                return Err(TableFull { limit: self.limit });
            }
            self.len.fetch_add(1, Ordering::Relaxed);
        }
        shard.insert(
            key,
            Slot {
                state: None,
                deadline_ms: u64::MAX,
            },
        );
        Ok(())
    }

    /// Takes a dialog's state for one step.
    pub fn take(&self, key: &SessionKey) -> Take<S> {
        match self.shard(key).get_mut(key) {
            None => Take::Missing,
            Some(slot) => slot.state.take().map_or(Take::Busy, Take::Idle),
        }
    }

    /// Puts a state back after a step, with the deadline at which it expires if idle.
    /// Does nothing if the dialog was removed meanwhile (ended by an admin or a drain).
    pub fn put_back(&self, key: &SessionKey, state: S, deadline_ms: u64) {
        if let Some(slot) = self.shard(key).get_mut(key) {
            *slot = Slot {
                state: Some(state),
                deadline_ms,
            };
        }
    }

    /// Ends a dialog. Returns its state if it was idle.
    pub fn remove(&self, key: &SessionKey) -> Option<S> {
        let slot = self.shard(key).remove(key)?;
        self.len.fetch_sub(1, Ordering::Relaxed);
        slot.state
    }

    /// Removes and returns every idle dialog whose deadline is at or before `now_ms`.
    pub fn expire(&self, now_ms: u64) -> Vec<(SessionKey, S)> {
        let mut expired = Vec::new();
        for shard in &self.shards {
            let mut shard = lock(shard);
            let due: Vec<SessionKey> = shard
                .iter()
                .filter(|(_, slot)| slot.state.is_some() && slot.deadline_ms <= now_ms)
                .map(|(key, _)| key.clone())
                .collect();
            for key in due {
                if let Some(Slot {
                    state: Some(state), ..
                }) = shard.remove(&key)
                {
                    self.len.fetch_sub(1, Ordering::Relaxed);
                    expired.push((key, state));
                }
            }
        }
        expired
    }

    /// Calls `f` on every idle dialog (for the admin listing); busy ones are skipped.
    pub fn for_each_idle(&self, mut f: impl FnMut(&SessionKey, &S)) {
        for shard in &self.shards {
            for (key, slot) in lock(shard).iter() {
                if let Some(state) = &slot.state {
                    f(key, state);
                }
            }
        }
    }

    fn shard(&self, key: &SessionKey) -> MutexGuard<'_, HashMap<SessionKey, Slot<S>>> {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let index = (hasher.finish() % SHARDS as u64) as usize;
        lock(&self.shards[index])
    }
}

/// Locks a shard. A panic while a shard was held cannot leave a slot half-written (every
/// update is one assignment), so a poisoned lock is still safe to use.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> SessionKey {
        SessionKey {
            operator: "mno".into(),
            id: id.into(),
        }
    }

    #[test]
    fn a_step_takes_and_puts_back() {
        let table = SessionTable::new(10);
        table.begin(key("a")).expect("room for one");
        assert_eq!(table.take(&key("a")), Take::Busy, "the first step holds it");
        table.put_back(&key("a"), 7u32, 100);
        assert_eq!(table.take(&key("a")), Take::Idle(7));
        assert_eq!(table.take(&key("b")), Take::Missing);
        assert_eq!(table.len(), 1);
    }

    #[test]
    fn the_limit_counts_live_dialogs_and_a_restart_replaces() {
        let table = SessionTable::<u32>::new(2);
        table.begin(key("a")).expect("room");
        table.begin(key("b")).expect("room");
        assert_eq!(table.begin(key("c")), Err(TableFull { limit: 2 }));
        table
            .begin(key("a"))
            .expect("a new Begin for a live key replaces it");
        assert_eq!(table.len(), 2);
        table.remove(&key("b"));
        table.begin(key("c")).expect("room again");
    }

    #[test]
    fn only_idle_sessions_past_their_deadline_expire() {
        let table = SessionTable::new(10);
        for (id, deadline) in [("early", 10), ("late", 50)] {
            table.begin(key(id)).expect("room");
            table.put_back(&key(id), id, deadline);
        }
        table.begin(key("busy")).expect("room");
        let expired = table.expire(20);
        assert_eq!(expired, vec![(key("early"), "early")]);
        assert_eq!(table.len(), 2);
        assert!(table
            .expire(u64::MAX - 1)
            .iter()
            .all(|(k, _)| k != &key("busy")));
    }

    #[test]
    fn putting_back_a_removed_session_does_not_revive_it() {
        let table = SessionTable::new(10);
        table.begin(key("a")).expect("room");
        table.remove(&key("a"));
        table.put_back(&key("a"), 1u8, 5);
        assert_eq!(table.take(&key("a")), Take::Missing);
        assert!(table.is_empty());
    }
}
