//! `[sip]`: where the user agent server listens, which trunks may call it, how many calls
//! it carries, and how prompts are rendered.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;
use serde::Deserialize;

/// The SIP voice channel's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipConfig {
    /// The address SIP is received on (UDP, and TCP when `tcp` is on).
    pub listen: SocketAddr,
    /// Also accept SIP over TCP on the `listen` port.
    pub tcp: bool,
    /// The address written into Contact, Via and SDP; defaults to the `listen` address,
    /// and must be set when `listen` is a wildcard (`0.0.0.0`).
    pub advertise: Option<IpAddr>,
    /// The first RTP port a call may use (even ports are used; RTCP would take the odd one).
    pub rtp_port_min: u16,
    /// The last RTP port a call may use.
    pub rtp_port_max: u16,
    /// Concurrent calls; past it, a new INVITE gets 503 with `Retry-After`.
    pub max_calls: usize,
    /// Seconds a refused caller is asked to wait (`Retry-After` of the 503).
    pub retry_after_secs: u32,
    /// Source networks (trunks, PBXs, SBCs) that may send SIP; others get 403.
    pub allowed_ips: Vec<IpNet>,
    /// How long to ring (180 Ringing) before answering; zero answers at once.
    #[serde(with = "humantime_serde")]
    pub ring: Duration,
    /// The longest a call may last before Hotline hangs up.
    #[serde(with = "humantime_serde")]
    pub max_call_duration: Duration,
    /// Listen for DTMF tones in the caller's audio when the caller offers no
    /// telephone-event (trunks that send keys in-band).
    pub inband_dtmf: bool,
    /// Digest authentication (RFC 2617 style, MD5) for INVITEs; absent: none.
    pub auth: Option<DigestAuth>,
    /// How prompt texts become audio.
    pub prompts: PromptConfig,
}

/// One credential a trunk must present in `Authorization`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DigestAuth {
    /// The realm offered in `WWW-Authenticate`.
    pub realm: String,
    /// The user name the trunk authenticates as.
    pub username: String,
    /// Its password.
    pub password: String,
}

/// How prompt texts become 8 kHz audio.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct PromptConfig {
    /// The TTS command and its arguments; it reads the text on stdin and writes a WAV file
    /// (16-bit PCM, any rate) on stdout. `{voice}` is replaced by the voice. Empty: no TTS,
    /// every text plays as a short tone.
    pub tts: Vec<String>,
    /// The voice (language) passed to the TTS command.
    pub voice: String,
    /// Where rendered prompts are kept as `<hash>.wav` (8 kHz, 16-bit); a recorded file
    /// under the same name overrides the rendering. Absent: memory only.
    pub cache_dir: Option<PathBuf>,
    /// The longest one rendering may take.
    #[serde(with = "humantime_serde")]
    pub tts_timeout: Duration,
}

impl Default for PromptConfig {
    fn default() -> Self {
        Self {
            tts: ["espeak-ng", "-v", "{voice}", "--stdout"]
                .map(String::from)
                .to_vec(),
            voice: "en".into(),
            cache_dir: None,
            tts_timeout: Duration::from_secs(10),
        }
    }
}

impl Default for SipConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 5060)),
            tcp: true,
            advertise: None,
            rtp_port_min: 20_000,
            rtp_port_max: 20_999,
            max_calls: 500,
            retry_after_secs: 5,
            allowed_ips: ["127.0.0.0/8", "::1/128"]
                .iter()
                .filter_map(|net| net.parse().ok())
                .collect(),
            ring: Duration::ZERO,
            max_call_duration: Duration::from_secs(15 * 60),
            inband_dtmf: true,
            auth: None,
            prompts: PromptConfig::default(),
        }
    }
}

/// A `[sip]` section whose values do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The RTP range is empty or reversed.
    #[error("sip.rtp_port_min {min} must not exceed sip.rtp_port_max {max}, and both must be above 1023")]
    PortRange {
        /// The configured minimum.
        min: u16,
        /// The configured maximum.
        max: u16,
    },
    /// `listen` is a wildcard and nothing says which address callers should use.
    #[error(
        "sip.listen {listen} is a wildcard address: set sip.advertise to the address callers reach"
    )]
    NoAdvertise {
        /// The configured address.
        listen: SocketAddr,
    },
    /// `max_calls` is zero.
    #[error("sip.max_calls must be at least 1")]
    NoCalls,
}

impl SipConfig {
    /// Checks that the values fit together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.rtp_port_min > self.rtp_port_max || self.rtp_port_min < 1024 {
            return Err(ConfigError::PortRange {
                min: self.rtp_port_min,
                max: self.rtp_port_max,
            });
        }
        if self.listen.ip().is_unspecified() && self.advertise.is_none() {
            return Err(ConfigError::NoAdvertise {
                listen: self.listen,
            });
        }
        if self.max_calls == 0 {
            return Err(ConfigError::NoCalls);
        }
        Ok(())
    }

    /// The address callers are told to use.
    pub fn advertised_ip(&self) -> IpAddr {
        self.advertise.unwrap_or(self.listen.ip())
    }

    /// True when `ip` may send SIP to us.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.allowed_ips.iter().any(|net| net.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_loopback_only() {
        let c = SipConfig::default();
        c.validate().expect("defaults are valid");
        assert!(c.allows("127.0.0.9".parse().expect("ip")));
        assert!(c.allows("::ffff:127.0.0.1".parse().expect("ip")));
        assert!(!c.allows("10.0.0.1".parse().expect("ip")));
    }

    #[test]
    fn a_section_reads_as_operators_write_it_and_typos_are_errors() {
        let text = r#"
listen = "0.0.0.0:5060"
advertise = "192.0.2.10"
rtp_port_min = 30000
rtp_port_max = 30999
allowed_ips = ["192.0.2.0/24"]
ring = "2s"
auth = { realm = "hotline", username = "trunk", password = "secret" }
[prompts]
voice = "fa"
cache_dir = "menus/prompts"
"#;
        let c: SipConfig = toml::from_str(text).expect("valid section");
        c.validate().expect("consistent");
        assert_eq!(c.advertised_ip().to_string(), "192.0.2.10");
        assert_eq!(
            (c.ring, c.prompts.voice.as_str()),
            (Duration::from_secs(2), "fa")
        );
        assert_eq!(
            c.prompts.tts[0], "espeak-ng",
            "unset keys keep their defaults"
        );
        assert!(c.allows("192.0.2.77".parse().expect("ip")));
        let err = toml::from_str::<SipConfig>("max_cals = 5").expect_err("a typo");
        assert!(err.to_string().contains("max_cals"), "{err}");

        let path = std::path::Path::new("hotline.toml");
        let whole =
            crate::config::Config::parse("[sip]\nring = \"1s\"\n", path).expect("valid file");
        assert_eq!(whole.sip.map(|s| s.ring), Some(Duration::from_secs(1)));
        let bad =
            crate::config::Config::parse("[sip]\nmax_calls = 0\n", path).expect_err("no calls");
        assert!(bad.to_string().contains("[sip]"), "{bad}");
    }

    #[test]
    fn bad_combinations_are_named() {
        let c = SipConfig {
            rtp_port_min: 30_000,
            rtp_port_max: 20_000,
            ..SipConfig::default()
        };
        assert!(matches!(c.validate(), Err(ConfigError::PortRange { .. })));
        let c = SipConfig {
            listen: "0.0.0.0:5060".parse().expect("addr"),
            ..SipConfig::default()
        };
        let err = c
            .validate()
            .expect_err("a wildcard needs an advertised address");
        assert!(err.to_string().contains("sip.advertise"), "{err}");
    }
}
