//! The signalling loop: one UDP socket, every datagram parsed once and dispatched. New
//! INVITEs become call tasks; everything in a dialog is forwarded to its call by Call-ID.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hotline_codecs::sdp::{self, SdpError, SessionDescription};
use hotline_codecs::sip::{dtmf, Headers, Message, Method, Request, Response, MAX_MESSAGE};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio_util::sync::CancellationToken;

use super::call::{self, CallEvent, Setup};
use super::config::SipConfig;
use super::media::PortPool;
use super::prompts::PromptStore;
use super::transport::{self, Origin};
use super::wire::{self, ALLOW};
use super::{auth, ServeError};
use crate::sessions::Engine;

/// How long a shutdown waits for calls to hang up.
const DRAIN: Duration = Duration::from_secs(5);

/// A call as the signalling loop knows it.
struct Entry {
    events: UnboundedSender<CallEvent>,
    branch: String,
    to_tag: String,
    sdp: String,
}

/// What the loop and every call share.
pub(crate) struct Shared {
    pub(crate) sip: Arc<UdpSocket>,
    pub(crate) config: SipConfig,
    pub(crate) engine: Arc<dyn Engine>,
    pub(crate) prompts: Arc<PromptStore>,
    /// Our advertised SIP address (Contact, Via of our BYE).
    pub(crate) local: SocketAddr,
    pub(crate) shutdown: CancellationToken,
    calls: Mutex<HashMap<String, Entry>>,
    ports: PortPool,
}

impl Shared {
    pub(crate) fn new(
        sip: Arc<UdpSocket>,
        config: SipConfig,
        engine: Arc<dyn Engine>,
        prompts: Arc<PromptStore>,
        local: SocketAddr,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            ports: PortPool::new(config.rtp_port_min, config.rtp_port_max),
            sip,
            config,
            engine,
            prompts,
            local,
            shutdown,
            calls: Mutex::default(),
        }
    }

    fn calls(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.calls
            .lock()
            .expect("call table lock is never poisoned")
    }

    /// Drops a finished call from the table.
    pub(crate) fn forget(&self, id: &str) {
        self.calls().remove(id);
    }

    /// The event sender of a live call.
    pub(crate) fn sender(&self, id: &str) -> Option<UnboundedSender<CallEvent>> {
        self.calls().get(id).map(|e| e.events.clone())
    }

    /// Live calls.
    pub(crate) fn call_count(&self) -> usize {
        self.calls().len()
    }

    fn forward(&self, id: &str, event: CallEvent) -> bool {
        self.calls()
            .get(id)
            .is_some_and(|e| e.events.send(event).is_ok())
    }

    async fn send(&self, r: &Response, to: &Origin) {
        self.send_bytes(&r.to_bytes(), to).await;
    }

    /// Sends a whole message back the way `to` came.
    pub(crate) async fn send_bytes(&self, bytes: &[u8], to: &Origin) {
        let failed = match to {
            Origin::Udp(addr) => self
                .sip
                .send_to(bytes, addr)
                .await
                .err()
                .map(|e| e.to_string()),
            Origin::Tcp { conn, .. } => conn
                .send(bytes.to_vec())
                .err()
                .map(|_| "connection closed".into()),
        };
        if let Some(error) = failed {
            tracing::debug!(%to, error, "SIP send failed");
        }
    }

    async fn reply(&self, req: &Request, from: &Origin, status: u16, reason: &str) {
        let r = wire::response(&req.headers, from.addr(), status, reason, Some(&tag()));
        self.send(&r, from).await;
    }

    /// 503 with the configured `Retry-After`: no room for this call now.
    async fn busy(&self, req: &Request, from: &Origin) {
        let mut r = wire::response(
            &req.headers,
            from.addr(),
            503,
            "Service Unavailable",
            Some(&tag()),
        );
        r.headers
            .push("Retry-After", self.config.retry_after_secs.to_string());
        self.send(&r, from).await;
    }

    /// Handles one datagram or framed stream message. Never panics on its content.
    pub(crate) async fn incoming(self: &Arc<Self>, bytes: &[u8], from: &Origin) {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match Message::parse(bytes) {
            Ok(Message::Request(req)) => self.request(req, from).await,
            Ok(Message::Response(resp)) => self.response(&resp),
            Err(err) => self.garbled(bytes, from, &err.to_string()).await,
        }
    }

    /// A 400 when the wreck still names the headers a response needs; otherwise a log line.
    async fn garbled(&self, bytes: &[u8], from: &Origin, why: &str) {
        let headers = Headers::scan(bytes);
        let complete = ["Via", "From", "To", "Call-ID", "CSeq"]
            .iter()
            .all(|h| headers.get(h).is_some_and(|v| !v.is_empty()));
        let is_ack = headers.get("CSeq").is_some_and(|c| c.ends_with("ACK"));
        if bytes.starts_with(b"SIP/") || !complete || is_ack {
            tracing::warn!(%from, len = bytes.len(), why, "dropped an unreadable SIP datagram");
            return;
        }
        tracing::warn!(%from, why, "answered a malformed SIP request with 400");
        let r = wire::response(&headers, from.addr(), 400, "Bad Request", Some(&tag()));
        self.send(&r, from).await;
    }

    fn response(&self, resp: &Response) {
        let (Some(id), Some(cseq)) = (resp.headers.get("Call-ID"), resp.headers.get("CSeq")) else {
            return;
        };
        if let Ok(cseq) = hotline_codecs::sip::CSeq::parse(cseq) {
            let event = CallEvent::Response {
                status: resp.status,
                method: cseq.method,
            };
            self.forward(id, event);
        }
    }

    async fn request(self: &Arc<Self>, req: Request, from: &Origin) {
        let ack = req.method == Method::Ack;
        if let Err(err) = req.check() {
            if !ack {
                tracing::warn!(%from, error = %err, "answered an incomplete request with 400");
                let reason = format!("Bad Request ({err})");
                self.reply(&req, from, 400, &reason.replace(['\r', '\n'], " "))
                    .await;
            }
            return;
        }
        if !self.config.allows(from.addr().ip()) {
            if !ack {
                tracing::warn!(%from, method = %req.method, "refused SIP from a source outside allowed_ips");
                self.reply(&req, from, 403, "Forbidden").await;
            }
            return;
        }
        let id = req.call_id().unwrap_or_default().to_string();
        match req.method {
            Method::Invite => self.invite(req, from).await,
            Method::Ack => {
                self.forward(&id, CallEvent::Ack(req.body));
            }
            Method::Bye => self.in_dialog(&req, from, CallEvent::Bye).await,
            Method::Cancel => self.cancel(&req, from).await,
            Method::Options => {
                let mut r = wire::response(&req.headers, from.addr(), 200, "OK", Some(&tag()));
                r.headers.push("Allow", ALLOW);
                r.headers.push(
                    "Accept",
                    "application/sdp, application/dtmf-relay, application/dtmf",
                );
                self.send(&r, from).await;
            }
            Method::Info => self.info(&req, from).await,
            _ => {
                let mut r = wire::response(
                    &req.headers,
                    from.addr(),
                    405,
                    "Method Not Allowed",
                    Some(&tag()),
                );
                r.headers.push("Allow", ALLOW);
                self.send(&r, from).await;
            }
        }
    }

    async fn in_dialog(&self, req: &Request, from: &Origin, event: CallEvent) {
        if self.forward(req.call_id().unwrap_or_default(), event) {
            self.reply(req, from, 200, "OK").await;
        } else {
            self.reply(req, from, 481, "Call/Transaction Does Not Exist")
                .await;
        }
    }

    async fn cancel(&self, req: &Request, from: &Origin) {
        let id = req.call_id().unwrap_or_default();
        let branch = req
            .top_via()
            .ok()
            .and_then(|v| v.branch().map(str::to_string));
        let matches = self
            .calls()
            .get(id)
            .is_some_and(|e| Some(&e.branch) == branch.as_ref());
        if matches && self.forward(id, CallEvent::Cancel) {
            self.reply(req, from, 200, "OK").await;
        } else {
            self.reply(req, from, 481, "Call/Transaction Does Not Exist")
                .await;
        }
    }

    async fn info(&self, req: &Request, from: &Origin) {
        let content_type = req.headers.get("Content-Type").unwrap_or("");
        if req.body.is_empty() {
            let known = self.calls().contains_key(req.call_id().unwrap_or_default());
            let (status, reason) = if known {
                (200, "OK")
            } else {
                (481, "Call/Transaction Does Not Exist")
            };
            return self.reply(req, from, status, reason).await;
        }
        match dtmf::info_digit(content_type, &req.body) {
            Some(key) => self.in_dialog(req, from, CallEvent::Digit(key)).await,
            None if content_type.to_ascii_lowercase().contains("dtmf") => {
                self.reply(req, from, 400, "Bad DTMF Body").await;
            }
            None => {
                let mut r = wire::response(
                    &req.headers,
                    from.addr(),
                    415,
                    "Unsupported Media Type",
                    Some(&tag()),
                );
                r.headers
                    .push("Accept", "application/dtmf-relay, application/dtmf");
                self.send(&r, from).await;
            }
        }
    }

    async fn invite(self: &Arc<Self>, req: Request, from: &Origin) {
        let id = req.call_id().unwrap_or_default().to_string();
        let branch = req
            .top_via()
            .ok()
            .and_then(|v| v.branch().map(str::to_string))
            .unwrap_or_default();
        if let Some(answer) = self.known_invite(&req, &id, &branch, from) {
            if let Some(r) = answer {
                self.send(&r, from).await;
            }
            return;
        }
        if self.shutdown.is_cancelled() || self.call_count() >= self.config.max_calls {
            tracing::info!(%from, "refused a call: at max_calls or shutting down");
            return self.busy(&req, from).await;
        }
        if let Some(creds) = &self.config.auth {
            if let Err(challenge) = auth::check(&req, creds) {
                let mut r =
                    wire::response(&req.headers, from.addr(), 401, "Unauthorized", Some(&tag()));
                r.headers.push("WWW-Authenticate", challenge);
                return self.send(&r, from).await;
            }
        }
        // No body: a late offer. We offer in the 200 and the caller answers in the ACK.
        let offered = !req.body.is_empty();
        let media = match SessionDescription::parse(&req.body).and_then(|s| s.negotiate()) {
            _ if !offered => None,
            Ok(media) => Some(media),
            Err(err @ (SdpError::NoCodec { .. } | SdpError::NoAudio)) => {
                tracing::info!(%from, error = %err, "refused a call: no usable audio offer");
                return self.reply(&req, from, 488, "Not Acceptable Here").await;
            }
            Err(err) => {
                tracing::warn!(%from, error = %err, "refused a call: malformed SDP");
                return self.reply(&req, from, 400, "Bad SDP").await;
            }
        };
        let Some(rtp) = self.ports.bind(self.config.listen.ip()).await else {
            tracing::warn!("refused a call: no free RTP port in the configured range");
            return self.busy(&req, from).await;
        };
        let port = rtp.local_addr().map_or(0, |a| a.port());
        let session_id = fastrand::u64(1..u64::MAX / 2);
        let sdp = match &media {
            Some(media) => sdp::answer(self.local.ip(), port, session_id, media),
            None => sdp::offer(self.local.ip(), port, session_id),
        };
        let to_tag = tag();
        let (events, rx) = unbounded_channel();
        self.calls().insert(
            id.clone(),
            Entry {
                events,
                branch,
                to_tag: to_tag.clone(),
                sdp: sdp.clone(),
            },
        );
        let setup = Setup {
            id,
            invite: req,
            peer: from.clone(),
            to_tag,
            media,
            rtp,
            sdp,
        };
        tokio::spawn(call::run(Arc::clone(self), setup, rx));
    }

    /// An INVITE for a Call-ID we know: a retransmission (the call resends its last
    /// response), a re-INVITE (answered with the same SDP), or a merged request (482).
    /// `None` when the Call-ID is new.
    fn known_invite(
        &self,
        req: &Request,
        id: &str,
        branch: &str,
        from: &Origin,
    ) -> Option<Option<Response>> {
        let calls = self.calls();
        let entry = calls.get(id)?;
        if entry.branch == branch {
            let _ = entry.events.send(CallEvent::InviteAgain);
            return Some(None);
        }
        if req
            .to()
            .ok()
            .and_then(|t| t.tag().map(str::to_string))
            .as_deref()
            == Some(entry.to_tag.as_str())
        {
            let ok = wire::answer(req, from, &entry.to_tag, self.local, &entry.sdp);
            return Some(Some(ok));
        }
        Some(Some(wire::response(
            &req.headers,
            from.addr(),
            482,
            "Loop Detected",
            Some(&tag()),
        )))
    }
}

/// A fresh tag or identifier: 64 random bits in hex.
pub(crate) fn tag() -> String {
    format!("{:016x}", fastrand::u64(..))
}

/// Reads datagrams until `shutdown`, then keeps answering while calls hang up (at most
/// [`DRAIN`]).
pub(crate) async fn run(shared: Arc<Shared>, tcp: Option<TcpListener>) -> Result<(), ServeError> {
    let mut buf = vec![0u8; MAX_MESSAGE + 1];
    let mut drain_until = None;
    loop {
        if let Some(until) = drain_until {
            if shared.call_count() == 0 || tokio::time::Instant::now() >= until {
                return Ok(());
            }
        }
        let tick = tokio::time::sleep(Duration::from_millis(50));
        tokio::select! {
            () = shared.shutdown.cancelled(), if drain_until.is_none() => {
                drain_until = Some(tokio::time::Instant::now() + DRAIN);
            }
            () = tick, if drain_until.is_some() => {}
            r = shared.sip.recv_from(&mut buf) => match r {
                Ok((len, from)) => shared.incoming(&buf[..len], &Origin::Udp(from)).await,
                Err(err) => tracing::debug!(error = %err, "SIP receive error"),
            },
            conn = accept(tcp.as_ref()), if drain_until.is_none() => match conn {
                Ok((stream, addr)) if shared.config.allows(addr.ip()) => {
                    tokio::spawn(transport::connection(Arc::clone(&shared), stream, addr));
                }
                Ok((_, addr)) => tracing::warn!(%addr, "refused a SIP connection from outside allowed_ips"),
                Err(err) => tracing::debug!(error = %err, "SIP accept error"),
            },
        }
    }
}

async fn accept(listener: Option<&TcpListener>) -> std::io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}
