//! Where a request came from and how to answer it: a UDP source address, or a TCP
//! connection (whose writer task takes whole messages). Stream framing is by
//! `Content-Length` with the codecs' 64 KiB cap.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use hotline_codecs::sip::frame_len;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use super::server::Shared;

/// The transport a message arrived on, and so the way back.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A UDP datagram from this address.
    Udp(SocketAddr),
    /// A TCP connection from this address; messages sent here are written to it.
    Tcp {
        /// The peer's address.
        addr: SocketAddr,
        /// The connection's writer.
        conn: UnboundedSender<Vec<u8>>,
    },
}

impl Origin {
    /// The peer's address.
    pub fn addr(&self) -> SocketAddr {
        match self {
            Origin::Udp(addr) | Origin::Tcp { addr, .. } => *addr,
        }
    }

    /// True on a reliable transport (no retransmission of non-INVITE requests).
    pub fn reliable(&self) -> bool {
        matches!(self, Origin::Tcp { .. })
    }

    /// The Via transport token.
    pub fn transport(&self) -> &'static str {
        match self {
            Origin::Udp(_) => "UDP",
            Origin::Tcp { .. } => "TCP",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            self.transport().to_ascii_lowercase(),
            self.addr()
        )
    }
}

/// Serves one TCP connection until the peer closes it, framing fails, or shutdown.
pub(crate) async fn connection(shared: Arc<Shared>, stream: TcpStream, addr: SocketAddr) {
    let (mut read, mut write) = stream.into_split();
    let (conn, mut outgoing) = unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        while let Some(bytes) = outgoing.recv().await {
            if write.write_all(&bytes).await.is_err() {
                return;
            }
        }
    });
    let origin = Origin::Tcp { addr, conn };
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = vec![0u8; 16 * 1024];
    'conn: loop {
        loop {
            match frame_len(&buf) {
                Ok(Some(len)) => {
                    let message: Vec<u8> = buf.drain(..len).collect();
                    shared.incoming(&message, &origin).await;
                }
                Ok(None) => break,
                Err(err) => {
                    // Frame boundaries are lost: answer what can be answered, then close.
                    tracing::warn!(%origin, error = %err, "closing a SIP connection that cannot be framed");
                    shared.incoming(&buf, &origin).await;
                    break 'conn;
                }
            }
        }
        tokio::select! {
            n = read.read(&mut chunk) => match n {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            () = shared.shutdown.cancelled() => break,
        }
    }
    drop(origin);
    // Calls may still hold the writer; it ends when the last of them is gone.
    drop(writer);
}
