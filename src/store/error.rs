//! Why a store operation failed.

use std::path::PathBuf;

/// A store failure. Callers above `store` treat every variant as "the domain failed, try
/// later" except where a variant says otherwise; operators see the message in logs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be created or read.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// The directory the store was asked to use.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// SQLite refused a statement (locked beyond the busy timeout, disk full, corrupt file…).
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A numbered migration failed; the file stays at the previous version.
    #[error("migration {version} failed: {source}")]
    Migration {
        /// The schema version that could not be reached.
        version: u32,
        /// The statement's error.
        source: rusqlite::Error,
    },
    /// The file was written by a newer Hotline; this build must not touch it.
    #[error("database schema version {found} is newer than this build's {supported}")]
    NewerSchema {
        /// `user_version` found in the file.
        found: u32,
        /// The highest version this build knows.
        supported: u32,
    },
    /// A stored value could not be read back (a date that is not `YYYY-MM-DD`, bad JSON).
    #[error("stored {what} is unreadable: {value:?}")]
    Corrupt {
        /// Which column or record.
        what: &'static str,
        /// The offending stored text (never personal data).
        value: String,
    },
    /// The writer thread has stopped (the store is shutting down or crashed).
    #[error("the store's writer thread is gone")]
    WriterGone,
    /// The group this request was in failed to commit; nothing of it was stored.
    #[error("commit failed: {reason}")]
    CommitFailed {
        /// The commit's error, as text (it is shared by every request of the group).
        reason: String,
    },
    /// A roster import was aborted (or its input ended without `Commit`); nothing of it
    /// was stored. The store turns this into `ImportOutcome::RolledBack`.
    #[error("roster import aborted")]
    ImportAborted,
    /// No free 6-digit confirmation code was found: too many active bookings.
    #[error("no free confirmation code after {attempts} attempts")]
    CodeSpaceExhausted {
        /// How many random codes were tried.
        attempts: u32,
    },
}

impl StoreError {
    /// A `Corrupt` error for a stored value.
    pub(crate) fn corrupt(what: &'static str, value: impl Into<String>) -> Self {
        Self::Corrupt {
            what,
            value: value.into(),
        }
    }
}
