//! The SQLite backend: one file in WAL mode, one writer thread with group commit, and a
//! pool of read-only connections.
//!
//! - `schema`: numbered migrations.
//! - `writer`: the writer thread and its group commit.
//! - `readers`: the read-only connection pool.
//! - `reads`: lookup queries.
//! - `writes`: bookings, changes, work orders and surveys, each with its outbox row.
//! - `catalog`: services, facilities, slots and roster imports.
//! - `outbox`: the [`Outbox`](crate::sync::outbox::Outbox) the pusher reads.

mod catalog;
mod outbox;
mod readers;
mod reads;
mod schema;
mod writer;
mod writes;

use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};

pub use schema::SCHEMA_VERSION;

use super::StoreError;
use readers::Readers;
use writer::Writer;

/// File name of the database inside the data directory.
pub const FILE_NAME: &str = "hotline.sqlite";

/// How hard a commit presses on the disk (`PRAGMA synchronous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// `FULL`: every group commit is fsynced; survives power loss.
    #[default]
    Full,
    /// `NORMAL`: fsync at checkpoints only; survives a process crash, and a power loss may
    /// drop the last commits (never corrupts).
    Normal,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        }
    }
}

/// Where and how to open the store.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// Directory holding `hotline.sqlite` (created on first run).
    pub data_dir: PathBuf,
    /// Commit durability.
    pub durability: Durability,
    /// Read-only connections for lookups, at most; a lookup waits when all are in use.
    pub readers: usize,
}

impl StoreConfig {
    /// Defaults (`synchronous=FULL`, 4 readers) for a data directory.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            durability: Durability::default(),
            readers: 4,
        }
    }
}

/// The store over one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    // Fields drop in order: the read-only connections close first so that the writer's
    // connection is the last one, which checkpoints the WAL into the database file.
    readers: Readers,
    writer: Writer,
    keys: Arc<Keys>,
    /// Services by id as last read. The catalogue changes only through this store's
    /// `put_service`, which clears it; every eligibility check with a service reads one,
    /// and a read transaction costs file-lock system calls that dominate a lookup.
    services: std::sync::RwLock<std::collections::HashMap<String, crate::store::model::Service>>,
}

/// Per-store secrets kept in `meta`.
#[derive(Debug)]
struct Keys {
    /// Prefix of outbox event ids: random, fixed at creation.
    store_id: String,
    /// Salt of the person keys in outbox rows.
    person_salt: String,
}

impl SqliteStore {
    /// Opens (creating on first run) the database under `config.data_dir`, migrating it.
    pub fn open(config: &StoreConfig) -> Result<Self, StoreError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StoreError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let path = config.data_dir.join(FILE_NAME);
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", config.durability.pragma())?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        let keys = Arc::new(load_keys(&conn)?);
        Ok(Self {
            readers: Readers::new(&path, config.readers.max(1)),
            writer: Writer::start(conn)?,
            path,
            keys,
            services: Default::default(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs a read on a pooled read-only connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.readers.with(f)
    }
}

/// Reads the per-store keys, creating them on first open.
fn load_keys(conn: &Connection) -> Result<Keys, StoreError> {
    let get = |key: &str| -> Result<Option<String>, StoreError> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()?)
    };
    let ensure = |key: &str| -> Result<String, StoreError> {
        if let Some(value) = get(key)? {
            return Ok(value);
        }
        let value = random_hex();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            (key, &value),
        )?;
        Ok(value)
    };
    Ok(Keys {
        store_id: ensure("store_id")?,
        person_salt: ensure("person_salt")?,
    })
}

/// 128 random bits as hex, seeded from the OS through the std hasher's random keys.
fn random_hex() -> String {
    let mut words = [0u64; 2];
    for word in &mut words {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        *word = hasher.finish();
    }
    format!("{:016x}{:016x}", words[0], words[1])
}

mod admission_store {
    use chrono::NaiveDate;

    use super::{catalog, reads, writes, SqliteStore};
    use crate::store::api::{
        AdmissionStore, AttendanceRequest, BookRequest, BookResult, ChangeRequest, ChangeResult,
        ImportOutcome, RosterBatch, SurveyRequest, Ticket, TicketRequest,
    };
    use crate::store::model::{Booking, Facility, FacilityLoad, NewSlot, Person, Service, Slot};
    use crate::store::StoreError;

    impl AdmissionStore for SqliteStore {
        fn person(&self, national_id: &str) -> Result<Option<Person>, StoreError> {
            self.read(|c| reads::person(c, national_id))
        }
        fn service(&self, id: &str) -> Result<Option<Service>, StoreError> {
            let cached = self
                .services
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(id)
                .cloned();
            if let Some(service) = cached {
                return Ok(Some(service));
            }
            let found = self.read(|c| reads::service(c, id))?;
            if let Some(service) = &found {
                self.services
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(id.to_owned(), service.clone());
            }
            Ok(found)
        }
        fn services(&self) -> Result<Vec<Service>, StoreError> {
            self.read(reads::services)
        }
        fn facility(&self, id: &str) -> Result<Option<Facility>, StoreError> {
            self.read(|c| reads::facility(c, id))
        }
        fn facilities_in_region(
            &self,
            region: &str,
            service: &str,
            from: NaiveDate,
            to: NaiveDate,
        ) -> Result<Vec<FacilityLoad>, StoreError> {
            self.read(|c| reads::facilities_in_region(c, region, service, from, to))
        }
        fn slot(&self, id: i64) -> Result<Option<Slot>, StoreError> {
            self.read(|c| reads::slot(c, id))
        }
        fn slots(
            &self,
            facility: &str,
            service: &str,
            from: NaiveDate,
            to: NaiveDate,
        ) -> Result<Vec<Slot>, StoreError> {
            self.read(|c| reads::slots(c, facility, service, from, to))
        }
        fn bookings_of(
            &self,
            national_id: &str,
            from: NaiveDate,
        ) -> Result<Vec<Booking>, StoreError> {
            self.read(|c| reads::bookings_of(c, national_id, from))
        }
        fn held_booking(
            &self,
            national_id: &str,
            service: &str,
            from: NaiveDate,
            to: NaiveDate,
        ) -> Result<Option<String>, StoreError> {
            self.read(|c| reads::held_booking(c, national_id, service, from, to))
        }
        fn caller_language(&self, msisdn: &str) -> Result<Option<String>, StoreError> {
            self.read(|c| reads::caller_language(c, msisdn))
        }
        fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
            self.read(|c| reads::meta(c, key))
        }
        fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
            let (key, value) = (key.to_owned(), value.to_owned());
            self.writer.call(move |c| {
                c.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
                    .execute((key, value))?;
                Ok(())
            })
        }
        fn settled(&self, key: &str) -> Result<bool, StoreError> {
            self.read(|c| reads::settled(c, key))
        }

        fn book(&self, request: BookRequest) -> Result<BookResult, StoreError> {
            let keys = self.keys.clone();
            self.writer.call(move |c| writes::book(c, &keys, &request))
        }
        fn change(&self, request: ChangeRequest) -> Result<ChangeResult, StoreError> {
            let keys = self.keys.clone();
            self.writer
                .call(move |c| writes::change(c, &keys, &request))
        }
        fn mark_attendance(
            &self,
            request: AttendanceRequest,
        ) -> Result<Option<Booking>, StoreError> {
            let keys = self.keys.clone();
            self.writer
                .call(move |c| writes::mark_attendance(c, &keys, &request))
        }
        fn open_ticket(&self, request: TicketRequest) -> Result<Ticket, StoreError> {
            let keys = self.keys.clone();
            self.writer
                .call(move |c| writes::open_ticket(c, &keys, &request))
        }
        fn record_survey(&self, request: SurveyRequest) -> Result<(), StoreError> {
            let keys = self.keys.clone();
            self.writer
                .call(move |c| writes::record_survey(c, &keys, &request))
        }
        fn set_caller_language(&self, msisdn: &str, lang: &str) -> Result<(), StoreError> {
            let (msisdn, lang) = (msisdn.to_owned(), lang.to_owned());
            self.writer
                .call(move |c| writes::set_caller_language(c, &msisdn, &lang))
        }

        fn put_service(&self, service: Service) -> Result<(), StoreError> {
            let result = self.writer.call(move |c| catalog::put_service(c, &service));
            self.services
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clear();
            result
        }
        fn put_facility(&self, facility: Facility) -> Result<(), StoreError> {
            self.writer
                .call(move |c| catalog::put_facility(c, &facility))
        }
        fn put_slots(&self, slots: Vec<NewSlot>) -> Result<u64, StoreError> {
            self.writer.call(move |c| catalog::put_slots(c, &slots))
        }
        fn import_roster(
            &self,
            batches: Box<dyn Iterator<Item = RosterBatch> + Send>,
        ) -> Result<ImportOutcome, StoreError> {
            match self
                .writer
                .call(move |c| catalog::import_roster(c, batches))
            {
                Ok(rows) => Ok(ImportOutcome::Committed { rows }),
                Err(StoreError::ImportAborted) => Ok(ImportOutcome::RolledBack),
                Err(err) => Err(err),
            }
        }
    }
}

mod roster_sink {
    use super::{catalog, reads, SqliteStore};
    use crate::sync::roster::{RosterDelta, RosterSink, SinkError};

    /// The roster puller's pages go through the writer thread, like a roster import: one
    /// job, so a page and its cursor commit together or not at all.
    impl RosterSink for SqliteStore {
        fn cursor(&self) -> Result<Option<String>, SinkError> {
            Ok(self.read(|c| reads::meta(c, catalog::ROSTER_CURSOR_KEY))?)
        }

        fn apply(&self, delta: &RosterDelta) -> Result<(), SinkError> {
            let people: Vec<_> = delta.records.iter().map(|r| r.to_person()).collect();
            let removed: Vec<String> = delta.removed.iter().map(|id| id.expose().clone()).collect();
            let cursor = delta.next_cursor.clone();
            self.writer
                .call(move |c| catalog::apply_roster_delta(c, &people, &removed, &cursor))?;
            Ok(())
        }
    }
}
