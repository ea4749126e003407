//! Opening the admission side of a line from its [`Config`]: the SQLite store under
//! `data_dir` (created and migrated on first run, demo data loaded once when
//! `demo_data` is on), the [`Admission`] services and the [`Actions`] handler.

use std::sync::Arc;

use chrono::NaiveDate;

use super::demo::{self, DemoError};
use super::national_id::{Profile, ProfileError};
use super::{Actions, Admission, AdmissionConfig};
use crate::config::Config;
use crate::effects::ActionHandler;
use crate::store::{AdmissionStore, SqliteStore, StoreConfig, StoreError};
use crate::sync::eligibility::RemoteLookup;
use crate::sync::outbox::Outbox;
use crate::sync::roster::RosterSink;

/// Why the admission side could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// `id_profile` names no known profile.
    #[error("id_profile: {0}")]
    Profile(#[from] ProfileError),
    /// The store could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The demo data could not be loaded.
    #[error("demo data: {0}")]
    Demo(#[from] DemoError),
}

/// The opened store and the handler over it. Clone the `Arc`s to share them.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The SQLite store (also the sync pusher's [`Outbox`]).
    pub store: Arc<SqliteStore>,
    /// The handler serving `docs/actions.md`.
    pub actions: Arc<Actions>,
}

impl Opened {
    /// The handler, as the runtime takes it.
    pub fn handler(&self) -> Arc<dyn ActionHandler> {
        self.actions.clone()
    }

    /// The outbox the sync pusher reads.
    pub fn outbox(&self) -> Arc<dyn Outbox> {
        self.store.clone()
    }

    /// The sink the roster delta puller applies pages to.
    pub fn roster_sink(&self) -> Arc<dyn RosterSink> {
        self.store.clone()
    }
}

/// The store settings a config asks for.
pub fn store_config(config: &Config) -> StoreConfig {
    StoreConfig {
        data_dir: config.data_dir.clone(),
        durability: config.store.synchronous,
        readers: config.store.readers,
    }
}

/// The admission settings a config asks for.
pub fn admission_config(config: &Config) -> Result<AdmissionConfig, ProfileError> {
    Ok(AdmissionConfig {
        profile: config.id_profile.parse::<Profile>()?,
        utc_offset_minutes: config.admission.utc_offset_minutes,
        window_days: config.admission.booking_window_days,
        ticket_due_hours: config.admission.ticket_due_hours,
    })
}

/// Opens the store under `config.data_dir` and the handler over it. `today` is the line's
/// local date (demo slots start on it). Eligibility is decided on the local roster only.
pub fn open(config: &Config, today: NaiveDate) -> Result<Opened, OpenError> {
    open_with_remote(config, today, None)
}

/// [`open`], with admission asking `remote` about valid IDs the local roster does not
/// hold (`hotline serve` passes the `sync.eligibility_url` client here).
pub fn open_with_remote(
    config: &Config,
    today: NaiveDate,
    remote: Option<Arc<dyn RemoteLookup>>,
) -> Result<Opened, OpenError> {
    let settings = admission_config(config)?;
    let store = Arc::new(SqliteStore::open(&store_config(config))?);
    if config.demo_data {
        demo::load_once(store.as_ref(), today)?;
    }
    let dyn_store: Arc<dyn AdmissionStore> = store.clone();
    let mut admission = Admission::new(dyn_store, settings);
    if let Some(remote) = remote {
        admission = admission.with_remote(remote);
    }
    let actions = Arc::new(Actions::new(admission));
    Ok(Opened { store, actions })
}
