//! The `http` section of the config: where to listen and one route per service code (each
//! aggregator lets the integrator set a callback URL per code).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

/// Which aggregator convention a route speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregator {
    /// Form-encoded `sessionId, serviceCode, phoneNumber, networkCode, text`; `CON`/`END`.
    AfricasTalking,
    /// JSON `Type, Mobile, SessionId, ServiceCode, Message, Operator, Sequence, ClientState`.
    Hubtel,
    /// JSON `USERID, MSISDN, USERDATA, MSGTYPE, NETWORK, SESSIONID`.
    Nalo,
    /// JSON `sessionID, userID, newSession, msisdn, userData, network`.
    Arkesel,
}

impl Aggregator {
    /// The label used in logs and metrics.
    pub fn label(self) -> &'static str {
        match self {
            Aggregator::AfricasTalking => "africas_talking",
            Aggregator::Hubtel => "hubtel",
            Aggregator::Nalo => "nalo",
            Aggregator::Arkesel => "arkesel",
        }
    }

    /// How this aggregator sends input unless the route says otherwise.
    pub fn default_style(self) -> InputStyle {
        match self {
            Aggregator::AfricasTalking => InputStyle::Cumulative,
            Aggregator::Hubtel | Aggregator::Nalo | Aggregator::Arkesel => InputStyle::Latest,
        }
    }
}

/// How the aggregator's text field relates to what the caller typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputStyle {
    /// Every input so far, joined by `*` (`1*0012345679*2`).
    Cumulative,
    /// Only the input for the current screen.
    Latest,
}

/// The HTTP channel's settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Listen address for aggregator callbacks.
    pub listen: SocketAddr,
    /// Time allowed for a reply before the SMS fallback is sent instead, in milliseconds.
    pub deadline_ms: u64,
    /// Text answered (as a last screen) when the deadline passes.
    pub fallback_text: String,
    /// For latest-only aggregators without a sequence number: an identical input within this
    /// many milliseconds of the previous one is taken as the aggregator's retry.
    pub retry_window_ms: u64,
    /// A dialog with no request for this many seconds is forgotten.
    pub idle_timeout_secs: u64,
    /// One route per callback URL.
    pub routes: Vec<RouteConfig>,
    /// The admin API (live sessions, end, reload, drain, health).
    pub admin: AdminConfig,
}

/// Where the admin API listens and how it is guarded.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AdminConfig {
    /// Listen address; loopback unless a token is set.
    pub listen: SocketAddr,
    /// Bearer token every admin request must carry; required off loopback.
    pub token: Option<String>,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 9180)),
            token: None,
        }
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            deadline_ms: 10_000,
            fallback_text: "Thank you. We will send you the result by SMS.".to_owned(),
            retry_window_ms: 2_000,
            idle_timeout_secs: 300,
            routes: vec![RouteConfig::new("/ussd/at", Aggregator::AfricasTalking)],
            admin: AdminConfig::default(),
        }
    }
}

/// One aggregator callback URL.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// The URL path the aggregator posts to (`/ussd/at`).
    pub path: String,
    /// The convention it speaks.
    pub aggregator: Aggregator,
    /// The session namespace and metrics label; defaults to the path.
    #[serde(default)]
    pub name: Option<String>,
    /// The service code served here. Requests naming another code get 404; aggregators
    /// that do not name one get this code.
    #[serde(default)]
    pub service_code: Option<String>,
    /// Overrides the aggregator's usual input style.
    #[serde(default)]
    pub style: Option<InputStyle>,
    /// Overrides the channel's deadline for this route, in milliseconds.
    #[serde(default)]
    pub deadline_ms: Option<u64>,
    /// Overrides the channel's fallback text for this route.
    #[serde(default)]
    pub fallback_text: Option<String>,
    /// Octets one screen may use; defaults to the USSD 160.
    #[serde(default)]
    pub octet_limit: Option<usize>,
    /// Africa's Talking only: the path of the end-of-session events callback; defaults to
    /// `<path>/events`.
    #[serde(default)]
    pub events_path: Option<String>,
}

impl RouteConfig {
    /// A route with every option at its default.
    pub fn new(path: &str, aggregator: Aggregator) -> Self {
        Self {
            path: path.to_owned(),
            aggregator,
            name: None,
            service_code: None,
            style: None,
            deadline_ms: None,
            fallback_text: None,
            octet_limit: None,
            events_path: None,
        }
    }

    /// The session namespace and metrics label.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.path)
    }

    /// The events path, for aggregators that have one.
    pub fn events_path(&self) -> Option<String> {
        match self.aggregator {
            Aggregator::AfricasTalking => Some(
                self.events_path
                    .clone()
                    .unwrap_or_else(|| format!("{}/events", self.path.trim_end_matches('/'))),
            ),
            _ => None,
        }
    }

    /// The deadline in force on this route.
    pub fn deadline(&self, channel: &HttpConfig) -> Duration {
        Duration::from_millis(self.deadline_ms.unwrap_or(channel.deadline_ms))
    }
}

/// Why an `http` config section was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A path must start with `/` and hold only letters, digits, `/`, `_`, `-` and `.`.
    #[error(
        "route path {path:?} must start with '/' and use only letters, digits, '/', '_', '-', '.'"
    )]
    BadPath {
        /// The path as written.
        path: String,
    },
    /// Two routes (or a route and an events path) use the same path.
    #[error("path {path:?} is used by two routes; give each service code its own path")]
    DuplicatePath {
        /// The repeated path.
        path: String,
    },
    /// A zero deadline would answer every request with the fallback.
    #[error("route {path:?}: the deadline must be at least 1 ms")]
    ZeroDeadline {
        /// The route's path.
        path: String,
    },
    /// The admin API would be reachable off loopback without a bearer token.
    #[error("admin.listen {listen} is not loopback: set admin.token, or listen on 127.0.0.1")]
    AdminExposed {
        /// The configured address.
        listen: SocketAddr,
    },
    /// An empty token would let any request through.
    #[error("admin.token is empty: set a long random value, or remove the key on loopback")]
    EmptyAdminToken,
    /// `events_path` only exists for Africa's Talking.
    #[error("route {path:?}: events_path is only for africas_talking routes")]
    EventsPathNotSupported {
        /// The route's path.
        path: String,
    },
}

impl HttpConfig {
    /// Checks the section before anything binds.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut seen = HashSet::new();
        for route in &self.routes {
            let path = route.path.clone();
            if route.deadline(self).is_zero() {
                return Err(ConfigError::ZeroDeadline { path });
            }
            if route.events_path.is_some() && route.aggregator != Aggregator::AfricasTalking {
                return Err(ConfigError::EventsPathNotSupported { path });
            }
            for p in std::iter::once(route.path.clone()).chain(route.events_path()) {
                if !valid_path(&p) {
                    return Err(ConfigError::BadPath { path: p });
                }
                if !seen.insert(p.clone()) {
                    return Err(ConfigError::DuplicatePath { path: p });
                }
            }
        }
        if self
            .admin
            .token
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(ConfigError::EmptyAdminToken);
        }
        if !self.admin.listen.ip().is_loopback() && self.admin.token.is_none() {
            return Err(ConfigError::AdminExposed {
                listen: self.admin.listen,
            });
        }
        Ok(())
    }
}

/// A literal path axum routes without treating any part as a parameter or wildcard.
fn valid_path(path: &str) -> bool {
    path.starts_with('/')
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::{Aggregator, ConfigError, HttpConfig, RouteConfig};

    #[test]
    fn defaults_serve_africas_talking_on_ussd_at() {
        let cfg: HttpConfig = serde_json::from_str("{}").expect("an empty section is valid");
        assert_eq!(cfg.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(cfg.routes[0].path, "/ussd/at");
        assert_eq!(
            cfg.routes[0].events_path().as_deref(),
            Some("/ussd/at/events")
        );
        assert_eq!(cfg.validate(), Ok(()));
    }

    #[test]
    fn duplicate_paths_and_misplaced_options_are_explained() {
        let mut cfg = HttpConfig::default();
        cfg.routes
            .push(RouteConfig::new("/ussd/at", Aggregator::Hubtel));
        assert!(matches!(
            cfg.validate(),
            Err(ConfigError::DuplicatePath { .. })
        ));
        let mut nalo = RouteConfig::new("/ussd/nalo", Aggregator::Nalo);
        nalo.events_path = Some("/x".into());
        cfg.routes = vec![nalo];
        assert!(matches!(
            cfg.validate(),
            Err(ConfigError::EventsPathNotSupported { .. })
        ));
    }
}
