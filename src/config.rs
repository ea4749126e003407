//! `hotline.toml`: every setting `hotline serve` reads, with embedded defaults so that a bare
//! `hotline serve` runs a demo line on loopback. Every key is documented in `docs/config.md`;
//! unknown keys are errors that name the line and column, so a typo never silently falls
//! back to a default.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::channels::smpp::config::SmppConfig;

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite file and other state live (created on first run).
    pub data_dir: PathBuf,
    /// The folder of menu files (`*.yaml`) to load and watch.
    pub menus_dir: PathBuf,
    /// The country profile national IDs are validated under (`ir`, `cn`, `id`, `vn`).
    pub id_profile: String,
    /// Load the demo roster, facilities and slots when the store is new.
    pub demo_data: bool,
    /// Most live dialogs across all channels; past it, new dialogs get a "busy" screen.
    pub max_sessions: usize,
    /// Per-operator dialog settings, by operator name.
    pub operators: BTreeMap<String, OperatorConfig>,
    /// SMPP binds: the server role (integrators bind to us) and the client role (we bind out).
    pub smpp: SmppConfig,
    /// Where `/metrics` is served.
    pub metrics_listen: SocketAddr,
    /// The embedded store: commit durability and read connections.
    pub store: StoreSettings,
    /// Booking rules of the line: local time, booking window, work-order due time.
    pub admission: AdmissionSettings,
    /// The remote sync hook (`[sync]`, see `docs/sync.md`); absent: no remote at all.
    pub sync: Option<crate::sync::config::SyncConfig>,
    /// USSD aggregators over HTTP (`[http]`); on defaults Africa's Talking at `/ussd/at`.
    pub http: Option<crate::channels::http::config::HttpConfig>,
    /// On SIGTERM, how long steps in flight may take to finish before the engine stops anyway.
    #[serde(with = "humantime_serde")]
    pub drain_timeout: Duration,
    /// The SIP voice channel (`[sip]`); on defaults a UAS on 127.0.0.1:5060.
    pub sip: Option<crate::channels::sip::SipConfig>,
}

/// `[store]`: how the SQLite file under `data_dir` is written and read.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSettings {
    /// `full` (every commit fsynced; survives power loss) or `normal` (survives a crash of
    /// the process; a power cut may drop the last commits).
    pub synchronous: crate::store::Durability,
    /// Idle read-only connections kept for lookups.
    pub readers: usize,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            synchronous: crate::store::Durability::Full,
            readers: 4,
        }
    }
}

/// `[admission]`: the line's booking rules.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct AdmissionSettings {
    /// The line's local time as minutes east of UTC (Tehran 210, Jakarta 420, Hanoi 420,
    /// Beijing 480); dates and times in menus are in it.
    pub utc_offset_minutes: i32,
    /// Days ahead a caller may book, today included.
    pub booking_window_days: u32,
    /// Hours until a complaint or callback request is due (the Jilin line promises 24).
    pub ticket_due_hours: u32,
}

impl AdmissionSettings {
    /// Today on the line's clock.
    pub fn local_today(&self) -> chrono::NaiveDate {
        let offset = chrono::Duration::minutes(i64::from(self.utc_offset_minutes));
        (chrono::Utc::now() + offset).date_naive()
    }
}

impl Default for AdmissionSettings {
    fn default() -> Self {
        Self {
            utc_offset_minutes: 210,
            booking_window_days: 14,
            ticket_due_hours: 24,
        }
    }
}

/// Dialog settings for one operator (or aggregator route).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct OperatorConfig {
    /// The longest a whole dialog may last.
    #[serde(with = "humantime_serde")]
    pub session_timeout: Duration,
    /// How long a screen waits for the subscriber's answer.
    #[serde(with = "humantime_serde")]
    pub screen_timeout: Duration,
    /// Octets one screen may hold (160 on USSD; some gateways allow less).
    pub octet_limit: usize,
}

impl Default for OperatorConfig {
    fn default() -> Self {
        Self {
            session_timeout: Duration::from_secs(180),
            screen_timeout: Duration::from_secs(60),
            octet_limit: hotline_codecs::text::USSD_MAX_OCTETS,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            menus_dir: PathBuf::from("menus"),
            id_profile: "ir".into(),
            demo_data: true,
            max_sessions: 200_000,
            operators: BTreeMap::from([("demo".to_string(), OperatorConfig::default())]),
            smpp: SmppConfig::default(),
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 9100)),
            store: StoreSettings::default(),
            admission: AdmissionSettings::default(),
            sync: None,
            http: Some(crate::channels::http::config::HttpConfig::default()),
            drain_timeout: Duration::from_secs(10),
            sip: Some(crate::channels::sip::SipConfig::default()),
        }
    }
}

/// A config file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema; the message names line and column.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's explanation, with line, column and the offending text.
        message: String,
    },
    /// A value is well-formed but does not make sense with the others.
    #[error("{path}: {problem} (fix: {fix})")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
        /// What to change.
        fix: String,
    },
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses and checks config text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|err| ConfigError::Parse {
            path: path.to_owned(),
            message: err.to_string(),
        })?;
        // The demo integrator of the defaults feeds operator `demo`, so it always exists.
        config.operators.entry("demo".into()).or_default();
        config
            .check()
            .map_err(|(problem, fix)| ConfigError::Invalid {
                path: path.to_owned(),
                problem,
                fix,
            })?;
        Ok(config)
    }

    /// The settings for `operator`, or the defaults when it has no section.
    pub fn operator(&self, operator: &str) -> OperatorConfig {
        self.operators.get(operator).cloned().unwrap_or_default()
    }

    fn check(&self) -> Result<(), (String, String)> {
        if let Some(sync) = &self.sync {
            sync.check().map_err(|e| {
                (
                    e.to_string(),
                    "correct the [sync] section (docs/sync.md)".to_string(),
                )
            })?;
        }
        for bind in self.smpp.binds() {
            if !self.operators.contains_key(bind.operator) {
                return Err((
                    format!(
                        "SMPP bind {:?} names operator {:?}, which has no section",
                        bind.name, bind.operator
                    ),
                    format!(
                        "add [operators.{}] or correct the operator name",
                        bind.operator
                    ),
                ));
            }
        }
        for (name, op) in &self.operators {
            if op.octet_limit < 20 || op.octet_limit > 255 {
                return Err((
                    format!(
                        "operators.{name}.octet_limit = {} is outside 20..=255",
                        op.octet_limit
                    ),
                    "use 160 for standard USSD, or the gateway's documented limit".into(),
                ));
            }
        }
        if let Some(http) = &self.http {
            let fix = "correct the [http] section (see docs/config.md)";
            http.validate()
                .map_err(|e| (e.to_string(), fix.to_string()))?;
        }
        if let Some(sip) = &self.sip {
            sip.validate()
                .map_err(|e| (e.to_string(), "correct the [sip] section".to_string()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("hotline.toml"))
    }

    #[test]
    fn an_empty_file_is_the_embedded_demo_line() {
        let config = parse("").expect("defaults are valid");
        let server = config
            .smpp
            .server
            .as_ref()
            .expect("the demo line has an SMPP server");
        assert_eq!(server.listen.to_string(), "127.0.0.1:2775");
        assert_eq!(server.integrators[0].system_id, "demo");
        assert_eq!(
            config.operator("demo").screen_timeout,
            Duration::from_secs(60)
        );
    }

    #[test]
    fn a_misspelt_key_names_its_line_and_column() {
        let err = parse("data_dir = \"x\"\n\n[operators.demo]\nscreen_timout = \"5s\"\n")
            .expect_err("screen_timout is a typo");
        let message = err.to_string();
        assert!(message.contains("line 4"), "{message}");
        assert!(message.contains("screen_timout"), "{message}");
    }

    #[test]
    fn a_bind_must_name_a_known_operator() {
        let text = r#"
[operators.mno]
[[smpp.clients]]
name = "gw1"
address = "127.0.0.1:2776"
system_id = "hotline"
password = "secret"
operator = "mnoo"
dialect = "tata"
"#;
        let err = parse(text).expect_err("operator mnoo has no section");
        assert!(err.to_string().contains("[operators.mnoo]"), "{err}");
    }

    #[test]
    fn durations_and_dialects_read_as_people_write_them() {
        let text = r#"
[operators.demo]
session_timeout = "3m"
screen_timeout = "45s"
[smpp.session]
enquire_link_interval = "15s"
"#;
        let config = parse(text).expect("valid");
        assert_eq!(
            config.operator("demo").session_timeout,
            Duration::from_secs(180)
        );
        assert_eq!(
            config.smpp.session.enquire_link_interval,
            Duration::from_secs(15)
        );
        let err = parse("[[smpp.server.integrators]]\nsystem_id=\"a\"\npassword=\"b\"\noperator=\"demo\"\ndialect=\"huawei\"\n")
            .expect_err("no such dialect");
        assert!(err.to_string().contains("huawei"), "{err}");
    }
}
