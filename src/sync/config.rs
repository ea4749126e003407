//! The `sync` section of the engine configuration. Every key has a default, so an empty
//! section is valid and turns the hook off (no URL, no traffic).

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

/// `sync.*` keys. Durations are in milliseconds (`_ms`) or seconds (`_s`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// Where outbox batches are POSTed; no pusher runs without it.
    pub push_url: Option<String>,
    /// Where remote eligibility is asked; local data only without it.
    pub eligibility_url: Option<String>,
    /// Where roster deltas are pulled from (`?since=<cursor>`); optional.
    pub roster_url: Option<String>,
    /// The environment variable that holds the shared HMAC key (never the key itself, so
    /// configuration files can be shared and logged).
    pub secret_env: String,
    /// Most events in one pushed batch.
    pub batch_size: usize,
    /// Deadline of one push request, connection to last byte of the answer.
    pub push_timeout_ms: u64,
    /// First retry delay after a failed push; doubles per consecutive failure.
    pub backoff_initial_ms: u64,
    /// Longest retry delay.
    pub backoff_max_ms: u64,
    /// How often an idle pusher looks at the outbox when nobody wakes it.
    pub idle_poll_ms: u64,
    /// Deadline of one eligibility lookup (the caller is waiting on the line).
    pub eligibility_deadline_ms: u64,
    /// How long a remote answer (found or not found) is reused.
    pub eligibility_cache_ttl_s: u64,
    /// Most cached answers; the oldest are dropped first.
    pub eligibility_cache_capacity: usize,
    /// After a failed lookup, how long further lookups skip the remote and apply the
    /// policy at once, so that an outage does not add the deadline to every call.
    pub eligibility_breaker_ms: u64,
    /// What to do when the remote does not answer in time.
    pub eligibility_down_policy: DownPolicy,
    /// How often the roster delta is pulled.
    pub roster_poll_s: u64,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            push_url: None,
            eligibility_url: None,
            roster_url: None,
            secret_env: "HOTLINE_SYNC_SECRET".to_owned(),
            batch_size: 100,
            push_timeout_ms: 5_000,
            backoff_initial_ms: 500,
            backoff_max_ms: 60_000,
            idle_poll_ms: 1_000,
            eligibility_deadline_ms: 800,
            eligibility_cache_ttl_s: 300,
            eligibility_cache_capacity: 100_000,
            eligibility_breaker_ms: 5_000,
            eligibility_down_policy: DownPolicy::UseLocal,
            roster_poll_s: 300,
        }
    }
}

/// Why the sync section cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The variable named by `secret_env` is unset or empty: pushes could not be signed.
    #[error("sync.secret_env names `{var}`, which is not set (the HMAC key goes there)")]
    MissingSecret {
        /// The variable's name.
        var: String,
    },
}

impl SyncConfig {
    /// The shared HMAC key, read from the environment variable `secret_env`.
    pub fn secret(&self) -> Result<Vec<u8>, ConfigError> {
        match std::env::var_os(&self.secret_env) {
            Some(value) if !value.is_empty() => Ok(value.into_encoded_bytes()),
            _ => Err(ConfigError::MissingSecret {
                var: self.secret_env.clone(),
            }),
        }
    }

    /// `push_timeout_ms` as a duration.
    pub fn push_timeout(&self) -> Duration {
        Duration::from_millis(self.push_timeout_ms)
    }

    /// `eligibility_deadline_ms` as a duration.
    pub fn eligibility_deadline(&self) -> Duration {
        Duration::from_millis(self.eligibility_deadline_ms)
    }

    /// `eligibility_cache_ttl_s` as a duration.
    pub fn eligibility_cache_ttl(&self) -> Duration {
        Duration::from_secs(self.eligibility_cache_ttl_s)
    }

    /// `eligibility_breaker_ms` as a duration.
    pub fn eligibility_breaker(&self) -> Duration {
        Duration::from_millis(self.eligibility_breaker_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::{DownPolicy, SyncConfig};

    #[test]
    fn an_empty_section_takes_every_default() {
        let config: SyncConfig = serde_json::from_str("{}").expect("defaults");
        assert_eq!(config, SyncConfig::default());
        assert_eq!(config.eligibility_deadline_ms, 800);
        assert_eq!(config.eligibility_down_policy, DownPolicy::UseLocal);
    }

    #[test]
    fn policy_and_unknown_keys() {
        let config: SyncConfig =
            serde_json::from_str(r#"{"eligibility_down_policy": "refuse"}"#).expect("valid");
        assert_eq!(config.eligibility_down_policy, DownPolicy::Refuse);
        assert!(serde_json::from_str::<SyncConfig>(r#"{"push_ulr": "x"}"#).is_err());
        let bad = r#"{"eligibility_down_policy": "guess"}"#;
        assert!(serde_json::from_str::<SyncConfig>(bad).is_err());
    }
}
