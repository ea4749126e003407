//! A small pool of read-only connections. In WAL mode readers never block the writer and
//! always see the last committed state.
//!
//! The pool holds at most `max` connections and a lookup waits for one when all are busy.
//! Opening a connection past the pool and closing it after one lookup (as this pool did)
//! re-reads the schema and re-prepares every statement: under load that was a sixth of the
//! engine's CPU, more than the lookups themselves.

use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OpenFlags};

use crate::store::StoreError;

/// Up to `max` read-only connections, opened on demand and kept.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    pool: Mutex<Pool>,
    returned: Condvar,
    max: usize,
}

#[derive(Debug, Default)]
struct Pool {
    idle: Vec<Connection>,
    /// Connections open, idle or lent out.
    open: usize,
}

/// A lent connection; it goes back to the pool when dropped, even on a panic.
struct Lease<'a> {
    readers: &'a Readers,
    conn: Option<Connection>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.readers.lock().idle.push(conn);
            self.readers.returned.notify_one();
        }
    }
}

impl Readers {
    /// A pool of at most `max` connections over the database file at `path` (which must
    /// exist).
    pub fn new(path: &Path, max: usize) -> Self {
        Self {
            path: path.to_owned(),
            pool: Mutex::new(Pool::default()),
            returned: Condvar::new(),
            max: max.max(1),
        }
    }

    /// Runs `f` on a pooled read-only connection, waiting for one if all are in use.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let lease = self.lease()?;
        match &lease.conn {
            Some(conn) => f(conn),
            None => unreachable!("a lease holds its connection until dropped"),
        }
    }

    fn lease(&self) -> Result<Lease<'_>, StoreError> {
        let mut pool = self.lock();
        loop {
            if let Some(conn) = pool.idle.pop() {
                return Ok(Lease {
                    readers: self,
                    conn: Some(conn),
                });
            }
            if pool.open < self.max {
                pool.open += 1;
                drop(pool);
                return match self.open() {
                    Ok(conn) => Ok(Lease {
                        readers: self,
                        conn: Some(conn),
                    }),
                    Err(err) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(err)
                    }
                };
            }
            pool = self
                .returned
                .wait(pool)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pool> {
        // A panic while holding the lock cannot leave the pool inconsistent.
        self.pool.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use super::*;

    #[test]
    fn never_opens_more_than_max_and_reuses_them() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db.sqlite");
        Connection::open(&path)
            .and_then(|c| c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);"))
            .expect("database");
        let readers = Arc::new(Readers::new(&path, 2));
        let busy = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (readers, busy, peak) = (readers.clone(), busy.clone(), peak.clone());
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let x: i64 = readers
                            .with(|c| {
                                let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                                peak.fetch_max(now, Ordering::SeqCst);
                                std::thread::yield_now();
                                let x = c.query_row("SELECT x FROM t", [], |r| r.get(0))?;
                                busy.fetch_sub(1, Ordering::SeqCst);
                                Ok(x)
                            })
                            .expect("lookup");
                        assert_eq!(x, 1);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("reader thread");
        }
        assert!(
            peak.load(Ordering::SeqCst) <= 2,
            "more than 2 lookups at once"
        );
        let pool = readers.lock();
        assert_eq!(pool.open, 2, "both connections were opened and kept");
        assert_eq!(pool.idle.len(), 2);
    }
}
