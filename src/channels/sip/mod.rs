//! Voice lines over SIP: a user agent server on UDP and TCP that answers calls from a trunk, PBX
//! or SBC, plays each screen of the dialog as a prompt over RTP (PCMU or PCMA at 20 ms)
//! and reads the caller's keys from RFC 4733 telephone-events or SIP INFO.
//!
//! Start with [`SipServer::bind`] (to learn the bound address, e.g. on port 0 in tests)
//! then [`SipServer::serve`], or with [`serve`] in one go. Each call is one task; the
//! signalling loop forwards its dialog's requests to it by Call-ID. A call talks to the
//! rest of the engine only through [`Engine::handle`](crate::sessions::Engine::handle).
//!
//! - [`auth`]: digest authentication of INVITEs with stateless nonces.
//! - [`call`]: one call: the INVITE transaction ([`call::signalling`]), then prompts and
//!   digit collection.
//! - [`collect`]: digit timers (VoiceXML semantics) and RFC 4733 event de-duplication.
//! - [`config`]: the `[sip]` section.
//! - [`inband`]: Goertzel detection of DTMF tones in the caller's audio (fallback).
//! - [`media`]: RTP ports, sequence/timestamp/marker bookkeeping, symmetric RTP, events in.
//! - [`prompts`]: text to 8 kHz G.711 frames through a TTS command, cached by content hash.
//! - [`server`]: the signalling loop: parse, allow-list, limits, dispatch.
//! - [`transport`]: UDP sources and TCP connections (framed by Content-Length).
//! - [`wav`]: WAV parsing and writing, resampling to 8 kHz.
//! - [`wire`]: the responses and BYE we write.

pub mod auth;
pub mod call;
pub mod collect;
pub mod config;
pub mod inband;
pub mod media;
pub mod prompts;
pub mod server;
pub mod transport;
pub mod wav;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, UdpSocket};
use tokio_util::sync::CancellationToken;

pub use self::config::{ConfigError, DigestAuth, PromptConfig, SipConfig};
pub use self::prompts::{Prompt, PromptStore};
use crate::sessions::Engine;

/// Why the SIP channel could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The `[sip]` section does not validate.
    #[error("sip config: {0}")]
    Config(#[from] ConfigError),
    /// The SIP address could not be bound.
    #[error("cannot listen for SIP on {addr}: {source}")]
    Bind {
        /// The configured address.
        addr: SocketAddr,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// A bound SIP socket, not yet serving.
#[derive(Debug)]
pub struct SipServer {
    socket: Arc<UdpSocket>,
    tcp: Option<TcpListener>,
    config: SipConfig,
    prompts: Arc<PromptStore>,
}

impl SipServer {
    /// Checks `config` and binds its `listen` address for UDP, and for TCP on the same port
    /// when `tcp` is on (port 0 picks a free port).
    pub async fn bind(config: SipConfig) -> Result<Self, ServeError> {
        config.validate()?;
        // With port 0 the OS picks a UDP port whose TCP twin may be taken (an ephemeral
        // port of some connection): pick again a few times rather than fail.
        let attempts = if config.listen.port() == 0 && config.tcp {
            16
        } else {
            1
        };
        let mut attempt = 0;
        let (socket, tcp) = loop {
            attempt += 1;
            let socket =
                UdpSocket::bind(config.listen)
                    .await
                    .map_err(|source| ServeError::Bind {
                        addr: config.listen,
                        source,
                    })?;
            if !config.tcp {
                break (socket, None);
            }
            // TCP shares the UDP port (which `listen` may have left to the OS).
            let addr = socket.local_addr().unwrap_or(config.listen);
            match TcpListener::bind(addr).await {
                Ok(listener) => break (socket, Some(listener)),
                Err(err) if err.kind() == std::io::ErrorKind::AddrInUse && attempt < attempts => {
                    continue
                }
                Err(source) => return Err(ServeError::Bind { addr, source }),
            }
        };
        let prompts = Arc::new(PromptStore::new(config.prompts.clone()));
        Ok(Self {
            socket: Arc::new(socket),
            tcp,
            config,
            prompts,
        })
    }

    /// Shares a prompt store (e.g. one already warmed with every menu text).
    pub fn with_prompts(mut self, prompts: Arc<PromptStore>) -> Self {
        self.prompts = prompts;
        self
    }

    /// The bound SIP address.
    pub fn local_addr(&self) -> SocketAddr {
        self.socket.local_addr().unwrap_or(self.config.listen)
    }

    /// Answers calls until `shutdown`; then hangs up live calls (sending BYE) and returns
    /// once they are gone or after a few seconds.
    pub async fn serve(
        self,
        engine: Arc<dyn Engine>,
        shutdown: CancellationToken,
    ) -> Result<(), ServeError> {
        let local = SocketAddr::new(self.config.advertised_ip(), self.local_addr().port());
        tracing::info!(%local, "SIP voice channel listening");
        let shared = Arc::new(server::Shared::new(
            self.socket,
            self.config,
            engine,
            self.prompts,
            local,
            shutdown,
        ));
        server::run(shared, self.tcp).await
    }
}

/// Binds `config.listen` and answers calls until `shutdown`.
pub async fn serve(
    config: SipConfig,
    engine: Arc<dyn Engine>,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    SipServer::bind(config).await?.serve(engine, shutdown).await
}
