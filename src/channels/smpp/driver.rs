//! The task that runs one SMPP connection in either role: a `select!` over the socket, the
//! link's next deadline, screens routed to this bind, and shutdown. Protocol decisions are
//! the [`Link`]'s; dialog decisions are the [`Engine`]'s. Every `deliver_sm` or `submit_sm`
//! is answered before the next read, and its step runs in its own task, so a slow step
//! never holds the bind.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::BytesMut;
use hotline_codecs::smpp::{decode_frame, CommandStatus, Pdu};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::auth::{Admission, ServerAuth};
use super::config::{BindType, SessionConfig, SmsConfig};
use super::dialect::{Dialect, Inbound};
use super::hub::{BindId, Hub, Registration};
use super::link::{message_response, CloseReason, Link, LinkConfig, LinkEvent, LinkState, Role};
use super::rate::RateLimit;
use super::ussd::{service_code_from_addr, split_dialled, Outgoing, UssdMessage};
use crate::pii::Masked;
use crate::sessions::{ChannelKind, Engine, Ingress, IngressEvent, Screen, SessionKey};

/// Everything the binds of one process share.
pub struct SmppContext {
    /// The dialog engine.
    pub engine: Arc<dyn Engine>,
    /// The live binds, for routing screens and SMS.
    pub hub: Arc<Hub>,
    /// Timers and limits.
    pub session: SessionConfig,
    /// Where confirmation SMS go.
    pub sms: Option<SmsConfig>,
    /// Cancelled on SIGTERM: binds drain, then unbind.
    pub shutdown: CancellationToken,
    sms_reference: AtomicU64,
}

impl std::fmt::Debug for SmppContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmppContext")
            .field("hub", &self.hub)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

impl SmppContext {
    /// A context over `engine`.
    pub fn new(
        engine: Arc<dyn Engine>,
        session: SessionConfig,
        sms: Option<SmsConfig>,
        shutdown: CancellationToken,
    ) -> Arc<Self> {
        Arc::new(Self {
            engine,
            hub: Hub::new(),
            session,
            sms,
            shutdown,
            sms_reference: AtomicU64::new(1),
        })
    }

    fn send_sms(&self, msisdn: &str, text: &str) {
        let Some(sms) = &self.sms else { return };
        let reference = self.sms_reference.fetch_add(1, Ordering::Relaxed) as u8;
        for part in super::sms::messages(msisdn, &sms.source_addr, text, reference) {
            if self.hub.route_by_name(&sms.bind, part).is_err() {
                warn!(bind = %sms.bind, "confirmation SMS dropped: its bind is down");
                return;
            }
        }
    }
}

/// The USSD side of a bound link: whose sessions it feeds and how its gateway talks.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The operator whose session table the dialogs join.
    pub operator: Arc<str>,
    /// The integrator's `system_id` or the client bind's name.
    pub name: Arc<str>,
    /// The gateway dialect.
    pub dialect: Arc<Dialect>,
    /// Octets per screen for this operator.
    pub octet_limit: usize,
    /// Messages per second the peer may send (server role).
    pub rate: Option<u32>,
}

/// How a connection gets bound.
#[derive(Debug)]
pub enum Binding {
    /// Server role: the ESME binds; check it against the integrators.
    Server {
        /// The integrators and their bind counts.
        auth: Arc<ServerAuth>,
        /// The ESME's address.
        peer: SocketAddr,
    },
    /// Client role: we bind (at once, or when the gateway sends `outbind`).
    Client {
        /// Where our dialogs go.
        endpoint: Endpoint,
        /// Our bind type and bind PDU.
        bind: (BindType, Box<Pdu>),
        /// Wait for `outbind` before binding.
        on_outbind: bool,
    },
}

/// Steps in flight on one bind, for throttling and for draining.
#[derive(Default)]
struct InFlight {
    count: AtomicUsize,
    done: Notify,
}

struct StepGuard(Arc<InFlight>);

/// Holds [`crate::metrics::BINDS_UP`] at 1 for a bind while it is bound.
struct BindUp(String);

impl BindUp {
    fn new(bind: String) -> Self {
        metrics::gauge!(crate::metrics::BINDS_UP, "bind" => bind.clone()).set(1.0);
        Self(bind)
    }
}

impl Drop for BindUp {
    fn drop(&mut self) {
        metrics::gauge!(crate::metrics::BINDS_UP, "bind" => self.0.clone()).set(0.0);
    }
}

impl Drop for StepGuard {
    fn drop(&mut self) {
        self.0.count.fetch_sub(1, Ordering::AcqRel);
        self.0.done.notify_one();
    }
}

struct Conn {
    ctx: Arc<SmppContext>,
    link: Link,
    role: Role,
    id: BindId,
    endpoint: Option<Endpoint>,
    rate: Option<RateLimit>,
    registration: Option<Registration>,
    bind_up: Option<BindUp>,
    admission: Option<Admission>,
    out_tx: mpsc::Sender<Outgoing>,
    in_flight: Arc<InFlight>,
    draining: bool,
    message_ids: u64,
}

/// Runs one connection to its end and says why it ended. `true` in the result: the link
/// was bound at some point (client reconnect backoff resets on it).
pub async fn run<S>(stream: S, binding: Binding, ctx: Arc<SmppContext>) -> (CloseReason, bool)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let now = Instant::now();
    let role = match binding {
        Binding::Server { .. } => Role::Server,
        Binding::Client { .. } => Role::Client,
    };
    let (out_tx, out_rx) = mpsc::channel(1024);
    let mut conn = Conn {
        link: Link::new(role, LinkConfig::from(&ctx.session), now),
        id: ctx.hub.allocate_id(),
        ctx,
        role,
        endpoint: None,
        rate: None,
        registration: None,
        bind_up: None,
        admission: None,
        out_tx,
        in_flight: Arc::default(),
        draining: false,
        message_ids: 0,
    };
    let mut server_auth = None;
    let mut pending_bind = None;
    match binding {
        Binding::Server { auth, peer } => server_auth = Some((auth, peer)),
        Binding::Client {
            endpoint,
            bind,
            on_outbind,
        } => {
            conn.endpoint = Some(endpoint);
            if on_outbind {
                pending_bind = Some(bind);
            } else {
                conn.link.bind(bind.0, *bind.1);
            }
        }
    }
    conn.drive(stream, out_rx, server_auth, pending_bind).await
}

impl Conn {
    async fn drive<S>(
        &mut self,
        mut stream: S,
        mut out_rx: mpsc::Receiver<Outgoing>,
        server_auth: Option<(Arc<ServerAuth>, SocketAddr)>,
        mut pending_bind: Option<(BindType, Box<Pdu>)>,
    ) -> (CloseReason, bool)
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let max_len = self.ctx.session.max_pdu_len as usize;
        let mut rx = BytesMut::with_capacity(16 * 1024);
        let mut tx = BytesMut::with_capacity(16 * 1024);
        let mut was_bound = false;
        let shutdown = self.ctx.shutdown.clone();
        let in_flight = self.in_flight.clone();
        loop {
            while let Some(event) = self.link.poll_event() {
                match event {
                    LinkEvent::BindRequest {
                        sequence_number,
                        bind_type,
                        pdu,
                    } => {
                        if let Some((auth, peer)) = &server_auth {
                            self.bind_request(auth, *peer, sequence_number, bind_type, &pdu)
                                .await;
                        }
                    }
                    LinkEvent::Bound(bind_type) => {
                        was_bound = true;
                        self.bound(bind_type);
                    }
                    LinkEvent::Outbind(_) => {
                        if let Some((bind_type, pdu)) = pending_bind.take() {
                            self.link.bind(bind_type, *pdu);
                        }
                    }
                    LinkEvent::Message(pdu) => self.message(pdu),
                    LinkEvent::Answered { request, status } if !status.is_ok() => {
                        warn!(command = %request.command_id(), %status, "peer refused our message");
                    }
                    LinkEvent::Answered { .. } => {}
                    LinkEvent::Throttled => debug!("peer throttled us; pausing"),
                    LinkEvent::TimedOut(request) => {
                        warn!(command = %request.command_id(), "no response in time; dropped")
                    }
                    LinkEvent::Closed(reason) => {
                        self.flush(&mut stream, &mut tx).await;
                        return (reason, was_bound);
                    }
                }
            }
            if !self.flush(&mut stream, &mut tx).await {
                return (CloseReason::Inactive, was_bound);
            }
            // A finished step queues its screen before it leaves `in_flight`: unbind only
            // once that screen has been handed to the link as well.
            if self.draining
                && matches!(self.link.state(), LinkState::Bound(_) | LinkState::Open)
                && in_flight.count.load(Ordering::Acquire) == 0
                && out_rx.is_empty()
                && self.link.is_idle()
            {
                self.link.unbind(Instant::now());
                continue;
            }
            let deadline = self.link.poll_timeout().map(tokio::time::Instant::from_std);
            tokio::select! {
                _ = shutdown.cancelled(), if !self.draining => {
                    self.draining = true;
                    info!(bind = self.name(), "draining: finishing steps in flight");
                }
                read = stream.read_buf(&mut rx) => match read {
                    Ok(0) | Err(_) => return (CloseReason::Inactive, was_bound),
                    Ok(_) => self.decode(&mut rx, max_len),
                },
                Some(out) = out_rx.recv() => {
                    if self.link.send(out.into_pdu(self.role), Instant::now()).is_err() {
                        warn!(bind = self.name(), "backlog full: screen dropped");
                    }
                }
                _ = in_flight.done.notified(), if self.draining => {}
                _ = sleep_until(deadline) => self.link.handle_timeout(Instant::now()),
            }
        }
    }

    fn name(&self) -> &str {
        self.endpoint.as_ref().map_or("-", |e| &e.name)
    }

    fn decode(&mut self, rx: &mut BytesMut, max_len: usize) {
        let now = Instant::now();
        loop {
            match decode_frame(rx, max_len) {
                Ok(Some(pdu)) => self.link.handle_frame(Ok(pdu), now),
                Ok(None) => return,
                Err(err) => {
                    warn!(bind = self.name(), error = %err, "malformed PDU");
                    let lost = !err.can_resync();
                    self.link.handle_frame(Err(err), now);
                    if lost {
                        return;
                    }
                }
            }
        }
    }

    /// Writes what the link queued. `false`: the socket is gone.
    async fn flush<S: AsyncWrite + Unpin>(&mut self, stream: &mut S, tx: &mut BytesMut) -> bool {
        while let Some(pdu) = self.link.poll_transmit() {
            pdu.encode(tx);
        }
        if tx.is_empty() {
            return true;
        }
        let ok = stream.write_all(tx).await.is_ok();
        tx.clear();
        ok
    }

    async fn bind_request(
        &mut self,
        auth: &ServerAuth,
        peer: SocketAddr,
        sequence_number: u32,
        bind_type: BindType,
        pdu: &Pdu,
    ) {
        match auth.admit(peer.ip(), bind_type, pdu) {
            Ok(admission) => {
                self.endpoint = Some(admission.endpoint.clone());
                self.rate = admission
                    .endpoint
                    .rate
                    .map(|r| RateLimit::new(r, Instant::now()));
                let system_id = admission.endpoint.name.clone();
                self.admission = Some(admission);
                self.link
                    .accept_bind(sequence_number, bind_type, &system_id);
            }
            Err(refusal) => {
                warn!(peer = %peer.ip(), reason = %refusal, "bind refused");
                metrics::counter!(crate::metrics::BIND_FAILURES).increment(1);
                tokio::time::sleep(self.ctx.session.bind_fail_delay).await;
                self.link
                    .refuse_bind(sequence_number, bind_type, CommandStatus::ESME_RBINDFAIL);
            }
        }
    }

    fn bound(&mut self, bind_type: BindType) {
        let Some(endpoint) = &self.endpoint else {
            return;
        };
        info!(bind = %endpoint.name, operator = %endpoint.operator, ?bind_type, "bound");
        self.bind_up = Some(BindUp::new(endpoint.name.to_string()));
        if self.link.can_send_messages() {
            self.registration = Some(self.ctx.hub.register(
                endpoint.operator.clone(),
                endpoint.name.clone(),
                self.id,
                self.out_tx.clone(),
            ));
        }
    }

    fn message(&mut self, pdu: Pdu) {
        let now = Instant::now();
        let Some(endpoint) = self.endpoint.clone() else {
            self.link
                .respond_error(&pdu, CommandStatus::ESME_RINVBNDSTS);
            return;
        };
        let window = self.ctx.session.window;
        let over_rate = self.rate.as_mut().is_some_and(|r| !r.try_take(now));
        if self.role == Role::Server
            && (over_rate || self.in_flight.count.load(Ordering::Acquire) >= window)
        {
            metrics::counter!(crate::metrics::THROTTLES, "bind" => endpoint.name.to_string())
                .increment(1);
            self.link
                .respond_error(&pdu, CommandStatus::ESME_RTHROTTLED);
            return;
        }
        self.message_ids += 1;
        let message_id = format!("{:x}-{:x}", self.id, self.message_ids);
        if let Some(resp) = message_response(&pdu, CommandStatus::ESME_ROK, &message_id) {
            self.link.respond(resp);
        }
        let Some(message) = UssdMessage::read(&pdu) else {
            return;
        };
        self.start_step(endpoint, message);
    }

    fn start_step(&mut self, endpoint: Endpoint, message: UssdMessage) {
        let event = match message.classify(&endpoint.dialect) {
            Inbound::Begin => IngressEvent::Begin,
            Inbound::Input => IngressEvent::Input,
            Inbound::Abort => IngressEvent::Abort,
            Inbound::Ignored => return,
        };
        let Some(session_id) = endpoint
            .dialect
            .session_id(message.correlation, &message.msisdn)
        else {
            warn!(bind = %endpoint.name, "message without the dialect's session value; ignored");
            return;
        };
        let (service_code, input) = match event {
            IngressEvent::Begin => split_dialled(&message.text)
                .unwrap_or_else(|| (service_code_from_addr(&message.service_addr), String::new())),
            IngressEvent::Input | IngressEvent::NoInput => (
                service_code_from_addr(&message.service_addr),
                message.text.clone(),
            ),
            IngressEvent::Abort => (service_code_from_addr(&message.service_addr), String::new()),
        };
        if self.draining && event == IngressEvent::Begin {
            let busy = "The service is restarting. Please dial again in a minute.";
            let out = Outgoing::screen(&message, &endpoint.dialect, busy, true);
            let _ = self.link.send(out.into_pdu(self.role), Instant::now());
            return;
        }
        let ingress = Ingress {
            key: SessionKey {
                operator: endpoint.operator.clone(),
                id: session_id,
            },
            channel: ChannelKind::Smpp,
            msisdn: message.msisdn.clone(),
            service_code,
            input,
            event,
            screen: Screen {
                octet_limit: endpoint.octet_limit,
                encoding_hint: Some(message.encoding),
            },
        };
        debug!(msisdn = %Masked::new(&message.msisdn), ?event, "step");
        self.in_flight.count.fetch_add(1, Ordering::AcqRel);
        let guard = StepGuard(self.in_flight.clone());
        let ctx = self.ctx.clone();
        let preferred = self.id;
        tokio::spawn(async move {
            let _guard = guard;
            let started = Instant::now();
            let reply = ctx.engine.handle(ingress).await;
            metrics::counter!(crate::metrics::STEPS, "channel" => ChannelKind::Smpp.label())
                .increment(1);
            metrics::histogram!(crate::metrics::STEP_DURATION, "channel" => ChannelKind::Smpp.label())
                .record(started.elapsed().as_secs_f64());
            if reply.silent {
                return;
            }
            let out = Outgoing::screen(&message, &endpoint.dialect, &reply.text, reply.end);
            if ctx.hub.route(&endpoint.operator, preferred, out).is_err() {
                warn!(operator = %endpoint.operator, "screen dropped: no live bind can send it");
            }
            if let (true, Some(sms)) = (reply.end, &reply.sms) {
                ctx.send_sms(&message.msisdn, sms);
            }
        });
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
