//! USSD over SMPP: the bind roles and the gateway dialects.
//!
//! - [`auth`]: who may bind to the server role.
//! - [`client`]: the client role: binding out to operators' gateways, with reconnects.
//! - [`config`]: server, client and SMS settings.
//! - [`dialect`]: how each gateway dialect correlates and ends a dialog, as data.
//! - [`driver`]: the task that runs one connection in either role.
//! - [`hub`]: the live binds of each operator, for routing screens and SMS.
//! - [`link`]: one connection's protocol state, sans-IO.
//! - [`rate`]: the token bucket behind `ESME_RTHROTTLED`.
//! - [`server`]: the server role's listener.
//! - [`sms`]: confirmation SMS, concatenated when long.
//! - [`ussd`]: subscriber messages to dialog terms, and our screens back.

pub mod auth;
pub mod client;
pub mod config;
pub mod dialect;
pub mod driver;
pub mod hub;
pub mod link;
pub mod rate;
pub mod server;
pub mod sms;
pub mod ussd;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::sessions::Engine;
use auth::ServerAuth;
use driver::SmppContext;

/// The running SMPP side: its tasks and where the server role listens.
#[derive(Debug)]
pub struct Smpp {
    /// The server role's address, when it runs (the real port when configured as 0).
    pub server_addr: Option<SocketAddr>,
    /// The shared context (the hub of live binds).
    pub context: Arc<SmppContext>,
    tasks: JoinSet<()>,
}

impl Smpp {
    /// Binds the server listener and starts every client bind. Fails only when the listen
    /// address cannot be bound.
    pub async fn start(
        config: &Config,
        engine: Arc<dyn Engine>,
        shutdown: CancellationToken,
    ) -> std::io::Result<Smpp> {
        let smpp = &config.smpp;
        let context = SmppContext::new(engine, smpp.session.clone(), smpp.sms.clone(), shutdown);
        let mut tasks = JoinSet::new();
        let mut server_addr = None;
        if let Some(server) = &smpp.server {
            let listener = TcpListener::bind(server.listen).await?;
            server_addr = Some(listener.local_addr()?);
            let auth = Arc::new(ServerAuth::new(
                server.integrators.clone(),
                config.operators.clone(),
            ));
            tasks.spawn(server::serve(listener, auth, context.clone()));
        }
        for client in &smpp.clients {
            let operator = config
                .operators
                .get(&client.operator)
                .cloned()
                .unwrap_or_default();
            tasks.spawn(client::run(client.clone(), operator, context.clone()));
        }
        Ok(Smpp {
            server_addr,
            context,
            tasks,
        })
    }

    /// Waits for every listener and client task to finish (after shutdown is cancelled).
    pub async fn join(mut self) {
        while self.tasks.join_next().await.is_some() {}
    }
}
