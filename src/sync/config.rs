//! The `[sync]` section of `hotline.toml`. Every key has a default, so an empty section is
//! valid; no URL means no traffic (no pusher, local eligibility only, no roster pull).
//! Durations are written as people write them (`"800ms"`, `"5s"`, `"5m"`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What remote eligibility does when the agency's system is down, slow or answers garbage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DownPolicy {
    /// Decide on the local roster record, as if no remote were configured. Callers keep
    /// being served; a lapse recorded only centrally is missed until the remote is back.
    #[default]
    UseLocal,
    /// Refuse with the outcome `unavailable`, which the menu explains ("try again later").
    /// No one is admitted on stale data; no one is admitted at all while the remote is down.
    Refuse,
}

impl DownPolicy {
    /// `use_local` or `refuse`, as configured.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UseLocal => "use_local",
            Self::Refuse => "refuse",
        }
    }
}

/// The shared HMAC key as written inline in the file. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key given in clear.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// `[sync]` keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// Where outbox batches are POSTed; no pusher runs without it.
    pub push_url: Option<String>,
    /// Where remote eligibility is asked; local data only without it.
    pub eligibility_url: Option<String>,
    /// Where roster deltas are pulled from (`?since=<cursor>`); optional.
    pub roster_url: Option<String>,
    /// The shared HMAC key, inline. Prefer `secret_file` so the file can be shared.
    pub secret: Option<Secret>,
    /// A file whose content (trailing newline dropped) is the shared HMAC key.
    pub secret_file: Option<PathBuf>,
    /// Most events in one pushed batch.
    pub batch_size: usize,
    /// Deadline of one push request, connection to last byte of the answer.
    #[serde(with = "humantime_serde")]
    pub push_timeout: Duration,
    /// First retry delay after a failed push; doubles per consecutive failure.
    #[serde(with = "humantime_serde")]
    pub backoff_initial: Duration,
    /// Longest retry delay.
    #[serde(with = "humantime_serde")]
    pub backoff_max: Duration,
    /// How often an idle pusher looks at the outbox when nobody wakes it.
    #[serde(with = "humantime_serde")]
    pub push_interval: Duration,
    /// Deadline of one eligibility lookup (the caller is waiting on the line).
    #[serde(with = "humantime_serde")]
    pub eligibility_deadline: Duration,
    /// How long a remote answer (found or not found) is reused.
    #[serde(with = "humantime_serde")]
    pub eligibility_ttl: Duration,
    /// Most cached answers; the oldest are dropped first.
    pub eligibility_cache_size: usize,
    /// After a failed lookup, how long further lookups skip the remote and apply the
    /// policy at once, so that an outage does not add the deadline to every call.
    #[serde(with = "humantime_serde")]
    pub eligibility_breaker: Duration,
    /// What to do when the remote does not answer in time.
    pub down_policy: DownPolicy,
    /// How often the roster delta is pulled.
    #[serde(with = "humantime_serde")]
    pub roster_interval: Duration,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            push_url: None,
            eligibility_url: None,
            roster_url: None,
            secret: None,
            secret_file: None,
            batch_size: 100,
            push_timeout: Duration::from_secs(5),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(60),
            push_interval: Duration::from_secs(1),
            eligibility_deadline: Duration::from_millis(800),
            eligibility_ttl: Duration::from_secs(300),
            eligibility_cache_size: 100_000,
            eligibility_breaker: Duration::from_secs(5),
            down_policy: DownPolicy::UseLocal,
            roster_interval: Duration::from_secs(300),
        }
    }
}

/// Why the sync section cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SyncConfigError {
    /// A URL is set but neither `secret` nor `secret_file`: requests could not be signed.
    #[error("sync: a URL is set but no key (set sync.secret_file, or sync.secret)")]
    MissingSecret,
    /// Both `secret` and `secret_file` are set; which one wins would be a guess.
    #[error("sync: both secret and secret_file are set (keep one)")]
    TwoSecrets,
    /// The key is empty (an empty key signs nothing worth verifying).
    #[error("sync: the key is empty")]
    EmptySecret,
    /// `secret_file` could not be read.
    #[error("sync.secret_file {path}: {source}")]
    SecretFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A URL is not `http://` or `https://`.
    #[error("sync.{key} = {url:?} is not an http:// or https:// URL")]
    BadUrl {
        /// `push_url`, `eligibility_url` or `roster_url`.
        key: &'static str,
        /// The value.
        url: String,
    },
    /// `batch_size` is zero.
    #[error("sync.batch_size must be at least 1")]
    ZeroBatch,
}

impl SyncConfig {
    /// Whether any URL is set, so a key is needed.
    pub fn is_enabled(&self) -> bool {
        self.push_url.is_some() || self.eligibility_url.is_some() || self.roster_url.is_some()
    }

    /// Checks what can be checked without reading files: URLs and sizes.
    pub fn check(&self) -> Result<(), SyncConfigError> {
        let urls = [
            ("push_url", &self.push_url),
            ("eligibility_url", &self.eligibility_url),
            ("roster_url", &self.roster_url),
        ];
        for (key, url) in urls {
            if let Some(url) = url {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    let url = url.clone();
                    return Err(SyncConfigError::BadUrl { key, url });
                }
            }
        }
        if self.batch_size == 0 {
            return Err(SyncConfigError::ZeroBatch);
        }
        if self.secret.is_some() && self.secret_file.is_some() {
            return Err(SyncConfigError::TwoSecrets);
        }
        Ok(())
    }

    /// The shared HMAC key, from `secret` or the file `secret_file`.
    pub fn key(&self) -> Result<Vec<u8>, SyncConfigError> {
        self.check()?;
        let key = match (&self.secret, &self.secret_file) {
            (Some(Secret(inline)), None) => inline.clone().into_bytes(),
            (None, Some(path)) => read_key(path)?,
            _ => return Err(SyncConfigError::MissingSecret),
        };
        if key.is_empty() {
            return Err(SyncConfigError::EmptySecret);
        }
        Ok(key)
    }
}

fn read_key(path: &Path) -> Result<Vec<u8>, SyncConfigError> {
    let mut key = std::fs::read(path).map_err(|source| SyncConfigError::SecretFile {
        path: path.to_owned(),
        source,
    })?;
    while key.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        key.pop();
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::{DownPolicy, Secret, SyncConfig, SyncConfigError};
    use std::time::Duration;

    #[test]
    fn an_empty_section_takes_every_default() {
        let config: SyncConfig = toml::from_str("").expect("defaults");
        assert_eq!(config, SyncConfig::default());
        assert_eq!(config.eligibility_deadline, Duration::from_millis(800));
        assert_eq!(config.down_policy, DownPolicy::UseLocal);
        assert!(!config.is_enabled());
    }

    #[test]
    fn durations_policy_and_unknown_keys() {
        let text = "down_policy = \"refuse\"\neligibility_deadline = \"300ms\"\n";
        let config: SyncConfig = toml::from_str(text).expect("valid");
        assert_eq!(config.down_policy, DownPolicy::Refuse);
        assert_eq!(config.eligibility_deadline, Duration::from_millis(300));
        assert!(toml::from_str::<SyncConfig>("push_ulr = \"x\"").is_err());
        assert!(toml::from_str::<SyncConfig>("down_policy = \"guess\"").is_err());
    }

    #[test]
    fn the_key_comes_from_exactly_one_place_and_is_never_printed() {
        let dir = std::env::temp_dir().join(format!("hotline-sync-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("sync.key");
        std::fs::write(&file, "from-file\n").expect("write key");
        let mut config = SyncConfig {
            push_url: Some("https://agency.example/events".into()),
            ..SyncConfig::default()
        };
        assert!(matches!(config.key(), Err(SyncConfigError::MissingSecret)));
        config.secret_file = Some(file.clone());
        assert_eq!(config.key().expect("file key"), b"from-file");
        config.secret = Some(Secret::new("inline"));
        assert!(matches!(config.key(), Err(SyncConfigError::TwoSecrets)));
        config.secret_file = None;
        assert_eq!(config.key().expect("inline key"), b"inline");
        assert!(!format!("{config:?}").contains("inline"));
        config.secret_file = Some(dir.join("missing"));
        config.secret = None;
        assert!(matches!(
            config.key(),
            Err(SyncConfigError::SecretFile { .. })
        ));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn hotline_toml_carries_an_optional_sync_section() {
        let path = std::path::Path::new("hotline.toml");
        let bare = crate::config::Config::parse("", path).expect("defaults");
        assert!(bare.sync.is_none());
        let text = "[sync]\npush_url = \"https://agency.example/events\"\nsecret = \"k\"\nbatch_size = 50\ndown_policy = \"refuse\"\n";
        let config = crate::config::Config::parse(text, path).expect("valid");
        let sync = config.sync.expect("a [sync] section");
        assert_eq!(sync.batch_size, 50);
        assert_eq!(sync.down_policy, DownPolicy::Refuse);
        assert_eq!(sync.key().expect("inline"), b"k");
    }

    #[test]
    fn urls_must_be_http() {
        let config = SyncConfig {
            eligibility_url: Some("ftp://agency".into()),
            ..SyncConfig::default()
        };
        assert!(matches!(
            config.check(),
            Err(SyncConfigError::BadUrl {
                key: "eligibility_url",
                ..
            })
        ));
    }
}
