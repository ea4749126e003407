//! The live binds of every operator, so that a screen can leave on any bind of the operator
//! its dialog belongs to (gateways spread one dialog over several binds, and an ESME bound
//! as a transmitter receives our screens on its receiver bind). Confirmation SMS are routed
//! here too, by bind name.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::ussd::Outgoing;

/// Identifies one live bind (one connection).
pub type BindId = u64;

#[derive(Debug)]
struct Entry {
    id: BindId,
    name: Arc<str>,
    tx: mpsc::Sender<Outgoing>,
}

/// The registry of live binds that can carry messages to their peer.
#[derive(Debug, Default)]
pub struct Hub {
    next_id: AtomicU64,
    operators: Mutex<HashMap<Arc<str>, Vec<Entry>>>,
}

/// A bind's registration; dropping it removes the bind from the hub.
#[derive(Debug)]
pub struct Registration {
    hub: Arc<Hub>,
    operator: Arc<str>,
    id: BindId,
}

/// Why a message found no bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// The operator has no bind that can send right now.
    #[error("no live bind can carry the message")]
    NoBind,
}

impl Hub {
    /// A new, empty hub.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A fresh id for a connection, before it is bound.
    pub fn allocate_id(&self) -> BindId {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers a bound link that can send messages to its peer.
    pub fn register(
        self: &Arc<Self>,
        operator: Arc<str>,
        name: Arc<str>,
        id: BindId,
        tx: mpsc::Sender<Outgoing>,
    ) -> Registration {
        let mut operators = self.lock();
        operators
            .entry(operator.clone())
            .or_default()
            .push(Entry { id, name, tx });
        Registration {
            hub: self.clone(),
            operator,
            id,
        }
    }

    /// Sends on the preferred bind when it is live and has room, else on another bind of the
    /// operator.
    pub fn route(
        &self,
        operator: &str,
        preferred: BindId,
        message: Outgoing,
    ) -> Result<(), RouteError> {
        let senders: Vec<mpsc::Sender<Outgoing>> = {
            let operators = self.lock();
            let Some(entries) = operators.get(operator) else {
                return Err(RouteError::NoBind);
            };
            let first = entries.iter().filter(|e| e.id == preferred);
            let rest = entries.iter().filter(|e| e.id != preferred);
            first.chain(rest).map(|e| e.tx.clone()).collect()
        };
        try_each(senders, message)
    }

    /// Sends on the binds registered under `name` (a client bind's name or an integrator's
    /// `system_id`), whatever their operator.
    pub fn route_by_name(&self, name: &str, message: Outgoing) -> Result<(), RouteError> {
        let senders: Vec<mpsc::Sender<Outgoing>> = {
            let operators = self.lock();
            operators
                .values()
                .flatten()
                .filter(|e| &*e.name == name)
                .map(|e| e.tx.clone())
                .collect()
        };
        try_each(senders, message)
    }

    /// Live binds of one operator.
    pub fn binds_of(&self, operator: &str) -> usize {
        self.lock().get(operator).map_or(0, Vec::len)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, Vec<Entry>>> {
        // A panic while holding the lock cannot leave the map inconsistent: every critical
        // section is a single push, retain or read.
        self.operators
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn try_each(senders: Vec<mpsc::Sender<Outgoing>>, mut message: Outgoing) -> Result<(), RouteError> {
    for tx in senders {
        match tx.try_send(message) {
            Ok(()) => return Ok(()),
            Err(mpsc::error::TrySendError::Full(m) | mpsc::error::TrySendError::Closed(m)) => {
                message = m
            }
        }
    }
    Err(RouteError::NoBind)
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut operators = self.hub.lock();
        if let Some(entries) = operators.get_mut(&self.operator) {
            entries.retain(|e| e.id != self.id);
            if entries.is_empty() {
                operators.remove(&self.operator);
            }
        }
    }
}
