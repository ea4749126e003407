//! The outbox: one row per event, written in the same transaction as the change it
//! describes, and the [`Outbox`] the sync pusher reads it through.

use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Keys, SqliteStore};
use crate::store::StoreError;
use crate::sync::outbox::{Outbox, OutboxError, OutboxEvent};

/// Writes one outbox row. `subject` is the national ID (or, for anonymous work orders,
/// the caller's number); only its salted hash is kept outside the payload.
pub(super) fn emit(
    conn: &Connection,
    keys: &Keys,
    subject: &str,
    kind: &str,
    payload: &Value,
    now_ms: i64,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO outbox (person_key, kind, payload, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
    )?;
    stmt.execute((person_key(keys, subject), kind, payload.to_string(), now_ms))?;
    Ok(())
}

/// 64 bits of SHA-256 over the store's salt and the subject, as hex.
fn person_key(keys: &Keys, subject: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(keys.person_salt.as_bytes());
    hash.update([0u8]);
    hash.update(subject.as_bytes());
    let digest = hash.finalize();
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl SqliteStore {
    fn pending_events(&self, limit: usize) -> Result<Vec<OutboxEvent>, StoreError> {
        let store_id = self.keys.store_id.clone();
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, person_key, kind, payload, created_at_ms FROM outbox
                 WHERE acked = 0 ORDER BY seq LIMIT ?1",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt.query_map([limit], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get::<_, String>(3)?,
                    row.get(4)?,
                ))
            })?;
            let mut events = Vec::new();
            for row in rows {
                let (seq, person_key, kind, payload, created_at_ms) = row?;
                let payload = serde_json::from_str(&payload)
                    .map_err(|_| StoreError::corrupt("outbox.payload", format!("seq {seq}")))?;
                events.push(OutboxEvent {
                    seq,
                    event_id: format!("{store_id}-{seq}"),
                    person_key,
                    kind,
                    payload,
                    created_at_ms,
                });
            }
            Ok(events)
        })
    }

    fn acknowledge_events(&self, seqs: &[i64]) -> Result<(), StoreError> {
        let seqs = seqs.to_vec();
        self.writer.call(move |conn| {
            let mut stmt = conn.prepare_cached("UPDATE outbox SET acked = 1 WHERE seq = ?1")?;
            for seq in seqs {
                stmt.execute([seq])?;
            }
            Ok(())
        })
    }
}

impl Outbox for SqliteStore {
    fn pending(&self, limit: usize) -> Result<Vec<OutboxEvent>, OutboxError> {
        Ok(self.pending_events(limit)?)
    }

    fn acknowledge(&self, seqs: &[i64]) -> Result<(), OutboxError> {
        Ok(self.acknowledge_events(seqs)?)
    }
}
