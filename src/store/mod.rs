//! The embedded store. `admission` speaks only to the [`AdmissionStore`] trait, so that a
//! second backend (PostgreSQL, for more than one box) is a swap, not a rewrite.
//!
//! - [`api`]: the [`AdmissionStore`] trait and its request and result types.
//! - [`model`]: the records it keeps (roster people, services, facilities, slots, bookings).
//! - [`sqlite`]: the SQLite backend (WAL, one writer thread with group commit, readers).
//! - `error`: [`StoreError`].

pub mod api;
mod error;
pub mod model;
pub mod sqlite;

pub use api::AdmissionStore;
pub use error::StoreError;
pub use sqlite::{Durability, SqliteStore, StoreConfig};
