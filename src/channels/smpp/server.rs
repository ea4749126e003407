//! The server role: integrators and aggregators bind to us over TCP. Connections from
//! addresses no integrator may use are closed before a byte is read. On shutdown the
//! listener closes and [`serve`] returns only once every connection has drained and
//! unbound, so that `hotline serve` can wait for the drain.

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use super::auth::ServerAuth;
use super::driver::{self, Binding, SmppContext};

/// Accepts binds on `listener` until shutdown, each connection in its own task, then waits
/// for the connections to drain.
pub async fn serve(listener: TcpListener, auth: Arc<ServerAuth>, ctx: Arc<SmppContext>) {
    let shutdown = ctx.shutdown.clone();
    let connections = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => break,
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
        connections.spawn(async move {
            let (reason, _) = driver::run(stream, binding, ctx).await;
            info!(peer = %peer.ip(), ?reason, "SMPP connection closed");
        });
    }
    drop(listener);
    connections.close();
    connections.wait().await;
}
