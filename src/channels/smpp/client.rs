//! The client role: we bind out to an operator's USSD gateway, as one transceiver or as a
//! receiver and transmitter pair, reconnecting with exponential backoff and jitter. A
//! gateway that prefers to call us sends `outbind` to our listener, and we bind on that
//! connection.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hotline_codecs::smpp::{interface_version, Bind, COctetString, Header, Pdu, Tlvs};
use tokio::net::{TcpListener, TcpStream};
use tracing::{info, warn};

use super::config::{BindType, ClientBindMode, ClientConfig};
use super::driver::{self, Binding, Endpoint, SmppContext};
use super::ussd::c_octets;
use crate::config::OperatorConfig;

/// Runs every bind of one gateway until shutdown.
pub async fn run(config: ClientConfig, operator: OperatorConfig, ctx: Arc<SmppContext>) {
    let endpoint = Endpoint {
        operator: config.operator.as_str().into(),
        name: config.name.as_str().into(),
        dialect: Arc::new(
            config
                .dialect
                .dialect()
                .with_overrides(config.end_op, config.abort_ops.as_deref()),
        ),
        octet_limit: operator.octet_limit,
        rate: None,
    };
    let types: &[BindType] = match config.mode {
        ClientBindMode::Transceiver => &[BindType::Transceiver],
        ClientBindMode::Pair => &[BindType::Receiver, BindType::Transmitter],
    };
    let mut tasks = tokio::task::JoinSet::new();
    for &bind_type in types {
        tasks.spawn(keep_bound(
            config.clone(),
            endpoint.clone(),
            bind_type,
            ctx.clone(),
        ));
    }
    if let Some(listen) = config.outbind_listen {
        tasks.spawn(accept_outbinds(
            listen,
            config.clone(),
            endpoint,
            ctx.clone(),
        ));
    }
    while tasks.join_next().await.is_some() {}
}

async fn keep_bound(
    config: ClientConfig,
    endpoint: Endpoint,
    bind_type: BindType,
    ctx: Arc<SmppContext>,
) {
    let min = ctx.session.reconnect_min;
    let max = ctx.session.reconnect_max.max(min);
    let mut backoff = min;
    while !ctx.shutdown.is_cancelled() {
        match TcpStream::connect(config.address).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                let binding = Binding::Client {
                    endpoint: endpoint.clone(),
                    bind: (bind_type, Box::new(bind_pdu(&config, bind_type))),
                    on_outbind: false,
                };
                let (reason, was_bound) = driver::run(stream, binding, ctx.clone()).await;
                info!(bind = %config.name, ?bind_type, ?reason, "bind to gateway ended");
                if was_bound {
                    backoff = min;
                }
            }
            Err(err) => warn!(bind = %config.name, error = %err, "cannot reach the gateway"),
        }
        let pause = with_jitter(backoff);
        backoff = (backoff * 2).min(max);
        tokio::select! {
            _ = ctx.shutdown.cancelled() => return,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

async fn accept_outbinds(
    listen: std::net::SocketAddr,
    config: ClientConfig,
    endpoint: Endpoint,
    ctx: Arc<SmppContext>,
) {
    let listener = match TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => {
            warn!(bind = %config.name, %listen, error = %err, "cannot listen for outbind");
            return;
        }
    };
    loop {
        let accepted = tokio::select! {
            _ = ctx.shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        if peer.ip() != config.address.ip() {
            warn!(bind = %config.name, peer = %peer.ip(), "outbind from an unknown address");
            continue;
        }
        let binding = Binding::Client {
            endpoint: endpoint.clone(),
            bind: (
                BindType::Receiver,
                Box::new(bind_pdu(&config, BindType::Receiver)),
            ),
            on_outbind: true,
        };
        tokio::spawn(driver::run(stream, binding, ctx.clone()));
    }
}

/// Our bind request.
pub fn bind_pdu(config: &ClientConfig, bind_type: BindType) -> Pdu {
    let body = Bind {
        system_id: c_octets(config.system_id.as_bytes()),
        password: c_octets(config.password.as_bytes()),
        system_type: c_octets(config.system_type.as_bytes()),
        interface_version: interface_version::V34,
        addr_ton: 0,
        addr_npi: 0,
        address_range: COctetString::empty(),
        tlvs: Tlvs::new(),
    };
    let header = Header::new(0);
    match bind_type {
        BindType::Transmitter => Pdu::BindTransmitter(header, body),
        BindType::Receiver => Pdu::BindReceiver(header, body),
        BindType::Transceiver => Pdu::BindTransceiver(header, body),
    }
}

/// `base` plus up to half of it again, so that many binds do not reconnect in step.
fn with_jitter(base: Duration) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let fraction = f64::from(nanos % 1000) / 2000.0;
    base + base.mul_f64(fraction)
}
