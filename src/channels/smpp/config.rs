//! SMPP settings: the server role (integrators and aggregators bind to us), the client role
//! (we bind out to operators' USSD gateways), and where confirmation SMS go.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;
use serde::Deserialize;

use super::dialect::DialectName;

/// All SMPP settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmppConfig {
    /// The server role; `None` (an empty `listen`) disables it.
    pub server: Option<ServerConfig>,
    /// Operator gateways we bind out to.
    pub clients: Vec<ClientConfig>,
    /// Timers and limits shared by every bind.
    pub session: SessionConfig,
    /// Which bind sends confirmation SMS, and from which address.
    pub sms: Option<SmsConfig>,
}

impl Default for SmppConfig {
    fn default() -> Self {
        Self {
            server: Some(ServerConfig::default()),
            clients: Vec::new(),
            session: SessionConfig::default(),
            sms: Some(SmsConfig {
                bind: "demo".into(),
                source_addr: default_sms_source(),
            }),
        }
    }
}

/// A bind as the rest of the config refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BindRef<'a> {
    /// The integrator's `system_id` or the client bind's `name`.
    pub name: &'a str,
    /// The operator whose session table it feeds.
    pub operator: &'a str,
}

impl SmppConfig {
    /// Every configured bind, server-side integrators and client binds alike.
    pub fn binds(&self) -> impl Iterator<Item = BindRef<'_>> {
        let integrators = self.server.iter().flat_map(|s| s.integrators.iter());
        integrators
            .map(|i| BindRef {
                name: &i.system_id,
                operator: &i.operator,
            })
            .chain(self.clients.iter().map(|c| BindRef {
                name: &c.name,
                operator: &c.operator,
            }))
    }
}

/// The server role.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Plain TCP listener.
    pub listen: SocketAddr,
    /// TLS listener, when configured.
    pub tls: Option<TlsConfig>,
    /// Who may bind.
    pub integrators: Vec<IntegratorConfig>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 2775)),
            tls: None,
            integrators: vec![IntegratorConfig::demo()],
        }
    }
}

/// A TLS listener (rustls).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// Where TLS binds are accepted.
    pub listen: SocketAddr,
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

/// Which bind types an integrator may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BindType {
    /// `bind_transmitter`: sends only.
    Transmitter,
    /// `bind_receiver`: receives only.
    Receiver,
    /// `bind_transceiver`: both.
    Transceiver,
}

/// One integrator allowed to bind to the server role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegratorConfig {
    /// `system_id` it binds with (≤ 15 characters).
    pub system_id: String,
    /// `password` it binds with (≤ 8 characters).
    pub password: String,
    /// Source networks it may connect from.
    #[serde(default = "loopback_only")]
    pub allowed_ips: Vec<IpNet>,
    /// Bind types it may use.
    #[serde(default = "all_bind_types")]
    pub bind_types: Vec<BindType>,
    /// Concurrent binds it may hold.
    #[serde(default = "default_max_binds")]
    pub max_binds: usize,
    /// Messages per second it may send before it gets `ESME_RTHROTTLED`.
    #[serde(default = "default_rate")]
    pub rate: u32,
    /// The operator whose session table its dialogs join.
    pub operator: String,
    /// The gateway dialect its USSD traffic follows.
    #[serde(default = "standard")]
    pub dialect: DialectName,
    /// Overrides the dialect's end op (some gateways want 0x17).
    pub end_op: Option<u8>,
    /// Overrides the dialect's abort ops.
    pub abort_ops: Option<Vec<u8>>,
}

impl IntegratorConfig {
    /// The demo integrator of embedded defaults: `demo`/`demo`, loopback only.
    pub fn demo() -> Self {
        Self {
            system_id: "demo".into(),
            password: "demo".into(),
            allowed_ips: loopback_only(),
            bind_types: all_bind_types(),
            max_binds: default_max_binds(),
            rate: default_rate(),
            operator: "demo".into(),
            dialect: DialectName::Standard,
            end_op: None,
            abort_ops: None,
        }
    }
}

/// How we bind out to a gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientBindMode {
    /// One `bind_transceiver`.
    Transceiver,
    /// A `bind_receiver` and a `bind_transmitter` pair.
    Pair,
}

/// One operator gateway we bind out to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// A name for logs and metrics.
    pub name: String,
    /// The gateway's address.
    pub address: SocketAddr,
    /// Our `system_id` at the gateway.
    pub system_id: String,
    /// Our password at the gateway.
    pub password: String,
    /// `system_type`, if the gateway wants one.
    #[serde(default)]
    pub system_type: String,
    /// Transceiver, or a receiver + transmitter pair.
    #[serde(default = "transceiver")]
    pub mode: ClientBindMode,
    /// The operator whose session table its dialogs join.
    pub operator: String,
    /// The gateway dialect.
    #[serde(default = "standard")]
    pub dialect: DialectName,
    /// Overrides the dialect's end op.
    pub end_op: Option<u8>,
    /// Overrides the dialect's abort ops.
    pub abort_ops: Option<Vec<u8>>,
    /// Also listen here for the gateway's `outbind`, if it uses one.
    pub outbind_listen: Option<SocketAddr>,
}

/// Timers and limits for every bind.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// Largest PDU accepted (`command_length` cap).
    pub max_pdu_len: u32,
    /// Outstanding requests per bind before we stop sending (client) or throttle (server).
    pub window: usize,
    /// How often an idle bind sends `enquire_link`.
    #[serde(with = "humantime_serde")]
    pub enquire_link_interval: Duration,
    /// A bind that has received nothing for this long is closed.
    #[serde(with = "humantime_serde")]
    pub inactivity_timeout: Duration,
    /// How long a request waits for its response.
    #[serde(with = "humantime_serde")]
    pub response_timeout: Duration,
    /// Delay before answering a failed bind (slows password guessing).
    #[serde(with = "humantime_serde")]
    pub bind_fail_delay: Duration,
    /// Reconnect backoff bounds for client binds.
    #[serde(with = "humantime_serde")]
    pub reconnect_min: Duration,
    /// Reconnect backoff bounds for client binds.
    #[serde(with = "humantime_serde")]
    pub reconnect_max: Duration,
    /// How long to pause sending after `ESME_RTHROTTLED`.
    #[serde(with = "humantime_serde")]
    pub throttle_pause: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            max_pdu_len: 64 * 1024,
            window: 64,
            enquire_link_interval: Duration::from_secs(30),
            inactivity_timeout: Duration::from_secs(90),
            response_timeout: Duration::from_secs(10),
            bind_fail_delay: Duration::from_secs(1),
            reconnect_min: Duration::from_millis(500),
            reconnect_max: Duration::from_secs(30),
            throttle_pause: Duration::from_millis(500),
        }
    }
}

/// Where confirmation SMS go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// The integrator `system_id` or client bind `name` that sends them.
    pub bind: String,
    /// The sender address (`HOTLINE` when left out).
    #[serde(default = "default_sms_source")]
    pub source_addr: String,
}

fn default_sms_source() -> String {
    "HOTLINE".into()
}

fn loopback_only() -> Vec<IpNet> {
    ["127.0.0.0/8", "::1/128"]
        .iter()
        .filter_map(|net| net.parse().ok())
        .collect()
}

fn all_bind_types() -> Vec<BindType> {
    vec![
        BindType::Transmitter,
        BindType::Receiver,
        BindType::Transceiver,
    ]
}

fn default_max_binds() -> usize {
    8
}

fn default_rate() -> u32 {
    1000
}

fn standard() -> DialectName {
    DialectName::Standard
}

fn transceiver() -> ClientBindMode {
    ClientBindMode::Transceiver
}

#[cfg(test)]
mod sms_tests {
    use super::*;

    #[test]
    fn an_sms_section_may_name_only_the_bind() {
        let sms: SmsConfig = toml::from_str("bind = \"gw\"").expect("parses");
        assert_eq!(
            (sms.bind.as_str(), sms.source_addr.as_str()),
            ("gw", "HOTLINE")
        );
    }
}
