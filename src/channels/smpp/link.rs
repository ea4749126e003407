//! One SMPP connection as a sans-IO machine: the bind state, the window of our outstanding
//! requests, `enquire_link` both ways, inactivity, and the answers the spec requires for
//! PDUs in the wrong state. The driver feeds it decoded frames and the clock, then drains
//! [`Link::poll_transmit`] and [`Link::poll_event`]; it never decides protocol itself.
//!
//! Liveness counts *any* received PDU: an `enquire_link` whose response is late closes the
//! link only when nothing at all arrived since it was sent, which avoids the false
//! keep-alive timeouts of busy binds.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use hotline_codecs::smpp::{
    interface_version, BindResp, COctetString, CommandStatus, DecodeError, DeliverSmResp, Header,
    Pdu, SequenceNumbers, SubmitSmResp, Tlv, Tlvs,
};

use super::config::{BindType, SessionConfig};
use super::ussd::c_octets;

/// Which end of the bind we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We are the message centre: integrators bind to us.
    Server,
    /// We are the ESME: we bind out to an operator's gateway.
    Client,
}

/// Where the bind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Connected, not bound.
    Open,
    /// We sent a bind request (client role).
    Binding(BindType),
    /// Bound.
    Bound(BindType),
    /// We sent `unbind` and wait for its response.
    Unbinding,
    /// Done: the driver closes the socket once the transmit queue is flushed.
    Closed,
}

/// Why a link closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer sent `unbind`.
    PeerUnbound,
    /// Our `unbind` was answered (or timed out).
    Unbound,
    /// Nothing arrived after our `enquire_link` within the response timeout.
    KeepaliveLost,
    /// Nothing arrived for the inactivity timeout.
    Inactive,
    /// Frame boundaries were lost; the error is kept for the log.
    Framing(DecodeError),
    /// The gateway refused our bind.
    BindRefused(CommandStatus),
}

/// What the driver must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// An ESME asks to bind (server role). Answer with [`Link::accept_bind`] or
    /// [`Link::refuse_bind`].
    BindRequest {
        /// To answer with.
        sequence_number: u32,
        /// The bind type asked for.
        bind_type: BindType,
        /// Credentials and address range.
        pdu: Pdu,
    },
    /// The bind is up.
    Bound(BindType),
    /// The peer asks us to bind to it (client role, `outbind`).
    Outbind(Pdu),
    /// A `submit_sm`, `deliver_sm` or `data_sm` that the bind state allows. The driver must
    /// answer it with [`Link::respond`] before it reads further.
    Message(Pdu),
    /// One of our requests was answered (anything but throttling, which re-queues it).
    Answered {
        /// What we sent.
        request: Pdu,
        /// The peer's status.
        status: CommandStatus,
    },
    /// The peer throttled us; sending pauses and the request goes out again.
    Throttled,
    /// A request got no answer in time and was dropped.
    TimedOut(Pdu),
    /// The link is finished.
    Closed(CloseReason),
}

/// Timers and limits of one link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkConfig {
    /// Our outstanding requests at most.
    pub window: usize,
    /// Requests queued behind the window at most; past it, [`Link::send`] refuses.
    pub backlog: usize,
    /// Send `enquire_link` after this long without receiving anything.
    pub enquire_link_interval: Duration,
    /// Close after this long without receiving anything.
    pub inactivity_timeout: Duration,
    /// How long a request waits for its response.
    pub response_timeout: Duration,
    /// Pause after `ESME_RTHROTTLED`.
    pub throttle_pause: Duration,
}

impl From<&SessionConfig> for LinkConfig {
    fn from(c: &SessionConfig) -> Self {
        Self {
            window: c.window.max(1),
            backlog: c.window.max(1).saturating_mul(16),
            enquire_link_interval: c.enquire_link_interval,
            inactivity_timeout: c.inactivity_timeout,
            response_timeout: c.response_timeout,
            throttle_pause: c.throttle_pause,
        }
    }
}

/// A request the link would not queue: the bind cannot send, or its backlog is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the bind cannot take another message now")]
pub struct SendRefused;

#[derive(Debug)]
struct InFlight {
    request: Pdu,
    deadline: Instant,
}

/// One connection's protocol state.
#[derive(Debug)]
pub struct Link {
    role: Role,
    config: LinkConfig,
    state: LinkState,
    sequence: SequenceNumbers,
    transmit: VecDeque<Pdu>,
    events: VecDeque<LinkEvent>,
    backlog: VecDeque<Pdu>,
    window: HashMap<u32, InFlight>,
    last_rx: Instant,
    enquire_sent: Option<(u32, Instant)>,
    paused_until: Option<Instant>,
    unbind_deadline: Option<Instant>,
}

impl Link {
    /// A fresh connection, nothing received yet.
    pub fn new(role: Role, config: LinkConfig, now: Instant) -> Self {
        Self::with_sequence(role, config, now, SequenceNumbers::new())
    }

    /// As [`new`](Self::new), numbering our requests from `sequence` (tests start it near
    /// the top to see it wrap).
    pub fn with_sequence(
        role: Role,
        config: LinkConfig,
        now: Instant,
        sequence: SequenceNumbers,
    ) -> Self {
        Self {
            role,
            config,
            state: LinkState::Open,
            sequence,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            backlog: VecDeque::new(),
            window: HashMap::new(),
            last_rx: now,
            enquire_sent: None,
            paused_until: None,
            unbind_deadline: None,
        }
    }

    /// The bind state.
    pub fn state(&self) -> LinkState {
        self.state
    }

    /// Our requests awaiting a response.
    pub fn window_in_use(&self) -> usize {
        self.window.len()
    }

    /// True when nothing of ours is outstanding or queued.
    pub fn is_idle(&self) -> bool {
        self.window.is_empty() && self.backlog.is_empty()
    }

    /// True when this bind may carry messages from us to the peer: `deliver_sm` to a
    /// receiving ESME (server role), `submit_sm` on a transmitting bind (client role).
    pub fn can_send_messages(&self) -> bool {
        let LinkState::Bound(bind_type) = self.state else {
            return false;
        };
        matches!(
            (self.role, bind_type),
            (_, BindType::Transceiver)
                | (Role::Server, BindType::Receiver)
                | (Role::Client, BindType::Transmitter)
        )
    }

    /// Sends our bind request (client role).
    pub fn bind(&mut self, bind_type: BindType, mut pdu: Pdu) {
        pdu.header_mut().sequence_number = self.sequence.allocate();
        self.transmit.push_back(pdu);
        self.state = LinkState::Binding(bind_type);
    }

    /// Accepts an ESME's bind (server role).
    pub fn accept_bind(&mut self, sequence_number: u32, bind_type: BindType, system_id: &str) {
        let body = BindResp {
            system_id: c_octets(system_id.as_bytes()),
            tlvs: Tlvs::new().with(Tlv::ScInterfaceVersion(interface_version::V34)),
        };
        let header = Header::new(sequence_number);
        let resp = match bind_type {
            BindType::Transmitter => Pdu::BindTransmitterResp(header, Some(body)),
            BindType::Receiver => Pdu::BindReceiverResp(header, Some(body)),
            BindType::Transceiver => Pdu::BindTransceiverResp(header, Some(body)),
        };
        self.transmit.push_back(resp);
        self.state = LinkState::Bound(bind_type);
        self.events.push_back(LinkEvent::Bound(bind_type));
    }

    /// Refuses an ESME's bind with `status`; the link closes once that answer is sent.
    pub fn refuse_bind(
        &mut self,
        sequence_number: u32,
        bind_type: BindType,
        status: CommandStatus,
    ) {
        let header = Header::with_status(sequence_number, status);
        let resp = match bind_type {
            BindType::Transmitter => Pdu::BindTransmitterResp(header, None),
            BindType::Receiver => Pdu::BindReceiverResp(header, None),
            BindType::Transceiver => Pdu::BindTransceiverResp(header, None),
        };
        self.transmit.push_back(resp);
        self.close(CloseReason::BindRefused(status));
    }

    /// Queues an answer the driver built (the response to a [`LinkEvent::Message`]).
    pub fn respond(&mut self, pdu: Pdu) {
        self.transmit.push_back(pdu);
    }

    /// Answers a request with an error status (its own `*_resp`, or `generic_nack`).
    pub fn respond_error(&mut self, request: &Pdu, status: CommandStatus) {
        self.transmit.extend(error_response(request, status));
    }

    /// Queues one of our requests. It goes out when the window has room and sending is not
    /// paused. It is refused when the backlog is full or the bind cannot send.
    pub fn send(&mut self, request: Pdu, now: Instant) -> Result<(), SendRefused> {
        if !self.can_send_messages() || self.backlog.len() >= self.config.backlog {
            return Err(SendRefused);
        }
        self.backlog.push_back(request);
        self.pump(now);
        Ok(())
    }

    /// Starts a graceful unbind (or closes at once when not bound).
    pub fn unbind(&mut self, now: Instant) {
        match self.state {
            LinkState::Bound(_) => {
                let sequence_number = self.sequence.allocate();
                self.transmit
                    .push_back(Pdu::Unbind(Header::new(sequence_number)));
                self.state = LinkState::Unbinding;
                self.unbind_deadline = Some(now + self.config.response_timeout);
            }
            LinkState::Unbinding | LinkState::Closed => {}
            LinkState::Open | LinkState::Binding(_) => self.close(CloseReason::Unbound),
        }
    }

    /// Feeds one decoding result from the stream.
    pub fn handle_frame(&mut self, frame: Result<Pdu, DecodeError>, now: Instant) {
        match frame {
            Ok(pdu) => self.handle_pdu(pdu, now),
            Err(err) => {
                self.last_rx = now;
                self.transmit.push_back(err.generic_nack());
                if !err.can_resync() {
                    self.close(CloseReason::Framing(err));
                }
            }
        }
    }

    /// The next PDU to write.
    pub fn poll_transmit(&mut self) -> Option<Pdu> {
        self.transmit.pop_front()
    }

    /// The next event for the driver.
    pub fn poll_event(&mut self) -> Option<LinkEvent> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.state == LinkState::Closed {
            return None;
        }
        let keepalive = match self.enquire_sent {
            Some((_, sent)) => sent + self.config.response_timeout,
            None => self.last_rx + self.config.enquire_link_interval,
        };
        let keepalive = matches!(self.state, LinkState::Bound(_)).then_some(keepalive);
        [
            keepalive,
            Some(self.last_rx + self.config.inactivity_timeout),
            self.window.values().map(|f| f.deadline).min(),
            self.paused_until,
            self.unbind_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Runs the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.state == LinkState::Closed {
            return;
        }
        if self.unbind_deadline.is_some_and(|d| now >= d) {
            self.close(CloseReason::Unbound);
            return;
        }
        if now >= self.last_rx + self.config.inactivity_timeout {
            self.close(CloseReason::Inactive);
            return;
        }
        self.run_keepalive(now);
        self.expire_requests(now);
        if self.paused_until.is_some_and(|p| now >= p) {
            self.paused_until = None;
        }
        self.pump(now);
    }

    fn run_keepalive(&mut self, now: Instant) {
        if !matches!(self.state, LinkState::Bound(_)) {
            return;
        }
        match self.enquire_sent {
            Some((_, sent)) if now >= sent + self.config.response_timeout => {
                if self.last_rx > sent {
                    self.enquire_sent = None;
                } else {
                    self.close(CloseReason::KeepaliveLost);
                }
            }
            Some(_) => {}
            None if now >= self.last_rx + self.config.enquire_link_interval => {
                let sequence_number = self.sequence.allocate();
                self.transmit
                    .push_back(Pdu::EnquireLink(Header::new(sequence_number)));
                self.enquire_sent = Some((sequence_number, now));
            }
            None => {}
        }
    }

    fn expire_requests(&mut self, now: Instant) {
        let expired: Vec<u32> = self
            .window
            .iter()
            .filter(|(_, f)| now >= f.deadline)
            .map(|(seq, _)| *seq)
            .collect();
        for seq in expired {
            if let Some(flight) = self.window.remove(&seq) {
                self.events.push_back(LinkEvent::TimedOut(flight.request));
            }
        }
    }

    fn pump(&mut self, now: Instant) {
        if self.paused_until.is_some() || !self.can_send_messages() {
            return;
        }
        while self.window.len() < self.config.window {
            let Some(mut request) = self.backlog.pop_front() else {
                break;
            };
            let sequence_number = self.sequence.allocate();
            request.header_mut().sequence_number = sequence_number;
            self.transmit.push_back(request.clone());
            let deadline = now + self.config.response_timeout;
            self.window
                .insert(sequence_number, InFlight { request, deadline });
        }
    }

    fn close(&mut self, reason: CloseReason) {
        if self.state != LinkState::Closed {
            self.state = LinkState::Closed;
            self.events.push_back(LinkEvent::Closed(reason));
        }
    }

    fn handle_pdu(&mut self, pdu: Pdu, now: Instant) {
        self.last_rx = now;
        if self.state == LinkState::Closed {
            return;
        }
        if pdu.command_id().is_response() {
            self.handle_response(pdu, now);
            return;
        }
        let sequence_number = pdu.header().sequence_number;
        match &pdu {
            Pdu::EnquireLink(_) => self
                .transmit
                .push_back(Pdu::EnquireLinkResp(Header::new(sequence_number))),
            Pdu::Unbind(_) => {
                self.transmit
                    .push_back(Pdu::UnbindResp(Header::new(sequence_number)));
                self.close(CloseReason::PeerUnbound);
            }
            Pdu::BindTransmitter(..) | Pdu::BindReceiver(..) | Pdu::BindTransceiver(..) => {
                self.handle_bind_request(pdu)
            }
            Pdu::Outbind(..) if self.role == Role::Client && self.state == LinkState::Open => {
                self.events.push_back(LinkEvent::Outbind(pdu))
            }
            Pdu::Outbind(..) | Pdu::AlertNotification(..) => {}
            Pdu::SubmitSm(..) | Pdu::DeliverSm(..) | Pdu::DataSm(..) => self.handle_message(pdu),
            _ => {
                let status = if matches!(self.state, LinkState::Bound(_)) {
                    refusal_when_bound(&pdu)
                } else {
                    CommandStatus::ESME_RINVBNDSTS
                };
                self.transmit.extend(error_response(&pdu, status));
            }
        }
    }

    fn handle_bind_request(&mut self, pdu: Pdu) {
        let bind_type = match pdu {
            Pdu::BindTransmitter(..) => BindType::Transmitter,
            Pdu::BindReceiver(..) => BindType::Receiver,
            _ => BindType::Transceiver,
        };
        let sequence_number = pdu.header().sequence_number;
        let status = match (self.role, self.state) {
            (Role::Server, LinkState::Open) => {
                self.events.push_back(LinkEvent::BindRequest {
                    sequence_number,
                    bind_type,
                    pdu,
                });
                return;
            }
            (Role::Server, _) => CommandStatus::ESME_RALYBND,
            (Role::Client, _) => CommandStatus::ESME_RINVBNDSTS,
        };
        self.transmit.extend(error_response(&pdu, status));
    }

    fn handle_message(&mut self, pdu: Pdu) {
        let allowed = match (self.role, self.state, &pdu) {
            (Role::Server, LinkState::Bound(t), _) => t != BindType::Receiver,
            (Role::Client, LinkState::Bound(t), Pdu::DeliverSm(..) | Pdu::DataSm(..)) => {
                t != BindType::Transmitter
            }
            _ => false,
        };
        if allowed {
            self.events.push_back(LinkEvent::Message(pdu));
        } else {
            self.transmit
                .extend(error_response(&pdu, CommandStatus::ESME_RINVBNDSTS));
        }
    }

    fn handle_nack(&mut self, header: Header, now: Instant) {
        if let Some(flight) = self.window.remove(&header.sequence_number) {
            self.answered(flight.request, header.command_status, now);
        } else if let LinkState::Binding(_) = self.state {
            self.close(CloseReason::BindRefused(header.command_status));
        }
    }

    fn handle_response(&mut self, pdu: Pdu, now: Instant) {
        let header = *pdu.header();
        let status = header.command_status;
        match (&pdu, self.state) {
            (Pdu::GenericNack(_), _) => self.handle_nack(header, now),
            (
                Pdu::BindTransmitterResp(..)
                | Pdu::BindReceiverResp(..)
                | Pdu::BindTransceiverResp(..),
                LinkState::Binding(bind_type),
            ) => {
                if status.is_ok() {
                    self.state = LinkState::Bound(bind_type);
                    self.events.push_back(LinkEvent::Bound(bind_type));
                    self.pump(now);
                } else {
                    self.close(CloseReason::BindRefused(status));
                }
            }
            (Pdu::UnbindResp(_), LinkState::Unbinding) => self.close(CloseReason::Unbound),
            (Pdu::EnquireLinkResp(_), _) => {
                if self
                    .enquire_sent
                    .is_some_and(|(seq, _)| seq == header.sequence_number)
                {
                    self.enquire_sent = None;
                }
            }
            _ => {
                if let Some(flight) = self.window.remove(&header.sequence_number) {
                    self.answered(flight.request, status, now);
                }
            }
        }
    }

    fn answered(&mut self, request: Pdu, status: CommandStatus, now: Instant) {
        if status == CommandStatus::ESME_RTHROTTLED || status == CommandStatus::ESME_RMSGQFUL {
            self.backlog.push_front(request);
            self.paused_until = Some(now + self.config.throttle_pause);
            self.events.push_back(LinkEvent::Throttled);
        } else {
            self.events
                .push_back(LinkEvent::Answered { request, status });
            self.pump(now);
        }
    }
}

/// The status for a request Hotline does not serve on a bound link.
fn refusal_when_bound(pdu: &Pdu) -> CommandStatus {
    match pdu {
        Pdu::QuerySm(..) => CommandStatus::ESME_RQUERYFAIL,
        Pdu::CancelSm(..) => CommandStatus::ESME_RCANCELFAIL,
        Pdu::ReplaceSm(..) => CommandStatus::ESME_RREPLACEFAIL,
        Pdu::SubmitMulti(..) => CommandStatus::ESME_RSUBMITFAIL,
        _ => CommandStatus::ESME_RINVCMDID,
    }
}

/// The error response to a request: its own `*_resp` when it has one, else `generic_nack`.
/// Requests without any response (`alert_notification`, `outbind`) give `None`.
pub fn error_response(request: &Pdu, status: CommandStatus) -> Option<Pdu> {
    let header = Header::with_status(request.header().sequence_number, status);
    Some(match request {
        Pdu::BindTransmitter(..) => Pdu::BindTransmitterResp(header, None),
        Pdu::BindReceiver(..) => Pdu::BindReceiverResp(header, None),
        Pdu::BindTransceiver(..) => Pdu::BindTransceiverResp(header, None),
        Pdu::SubmitSm(..) => Pdu::SubmitSmResp(header, None),
        Pdu::SubmitMulti(..) => Pdu::SubmitMultiResp(header, None),
        Pdu::DeliverSm(..) => Pdu::DeliverSmResp(header, None),
        Pdu::DataSm(..) => Pdu::DataSmResp(header, None),
        Pdu::QuerySm(..) => Pdu::QuerySmResp(header, None),
        Pdu::CancelSm(..) => Pdu::CancelSmResp(header),
        Pdu::ReplaceSm(..) => Pdu::ReplaceSmResp(header),
        Pdu::Unbind(..) => Pdu::UnbindResp(header),
        Pdu::EnquireLink(..) => Pdu::EnquireLinkResp(header),
        Pdu::AlertNotification(..) | Pdu::Outbind(..) => return None,
        Pdu::Raw(..) => Pdu::GenericNack(Header::with_status(
            request.header().sequence_number,
            CommandStatus::ESME_RINVCMDID,
        )),
        _ => return None,
    })
}

/// The success response to a message, carrying `message_id` where the PDU has one.
pub fn message_response(request: &Pdu, status: CommandStatus, message_id: &str) -> Option<Pdu> {
    let header = Header::with_status(request.header().sequence_number, status);
    if !status.is_ok() {
        return error_response(request, status);
    }
    let id = c_octets(message_id.as_bytes());
    Some(match request {
        Pdu::SubmitSm(..) => Pdu::SubmitSmResp(
            header,
            Some(SubmitSmResp {
                message_id: id,
                tlvs: Tlvs::new(),
            }),
        ),
        Pdu::DeliverSm(..) => Pdu::DeliverSmResp(
            header,
            Some(DeliverSmResp {
                message_id: COctetString::empty(),
                tlvs: Tlvs::new(),
            }),
        ),
        Pdu::DataSm(..) => Pdu::DataSmResp(
            header,
            Some(hotline_codecs::smpp::DataSmResp {
                message_id: id,
                tlvs: Tlvs::new(),
            }),
        ),
        _ => return error_response(request, status),
    })
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
