//! The server role: integrators and aggregators bind to us over TCP. Connections from
//! addresses no integrator may use are closed before a byte is read.

use std::sync::Arc;

use tokio::net::TcpListener;
use tracing::{info, warn};

use super::auth::ServerAuth;
use super::driver::{self, Binding, SmppContext};

/// Accepts binds on `listener` until shutdown; each connection runs in its own task.
pub async fn serve(listener: TcpListener, auth: Arc<ServerAuth>, ctx: Arc<SmppContext>) {
    let shutdown = ctx.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                warn!(error = %err, "accept failed");
                continue;
            }
        };
        if !auth.allows_address(peer.ip()) {
            warn!(peer = %peer.ip(), "connection from an address no integrator may use");
            continue;
        }
        let _ = stream.set_nodelay(true);
        let binding = Binding::Server {
            auth: auth.clone(),
            peer,
        };
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let (reason, _) = driver::run(stream, binding, ctx).await;
            info!(peer = %peer.ip(), ?reason, "SMPP connection closed");
        });
    }
}
