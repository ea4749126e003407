//! One call, from the INVITE to the last BYE: the INVITE transaction (in [`signalling`]),
//! then the dialog with the engine: play the screen's prompt on RTP, collect the answer,
//! step again.
//!
//! - [`signalling`]: the INVITE server transaction and our BYE.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hotline_codecs::sdp::Negotiated;
use hotline_codecs::sip::{Method, Request};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;
use tokio::time::{interval_at, sleep_until, Instant, Interval, MissedTickBehavior};

use super::collect::{Answer, Collector};
use super::media::{KeySource, RtpOut};
use super::prompts::Prompt;
use super::server::Shared;
use super::transport::Origin;
use crate::sessions::{ChannelKind, Ingress, IngressEvent, Reply, Screen, SessionKey};

pub mod signalling;

/// RFC 3261 T1: the round-trip estimate retransmissions start from.
const T1: Duration = Duration::from_millis(500);
/// RFC 3261 T2: the cap on the retransmission interval.
const T2: Duration = Duration::from_secs(4);
/// The operator name SIP dialogs are keyed under.
pub const OPERATOR: &str = "sip";

/// What the signalling loop tells a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// The caller acknowledged our final response (the body holds its SDP answer when the
    /// INVITE had no offer).
    Ack(Vec<u8>),
    /// The INVITE came again (our response was lost): send the last response again.
    InviteAgain,
    /// The caller abandoned the INVITE (the CANCEL itself has been answered).
    Cancel,
    /// The caller hung up (the BYE itself has been answered).
    Bye,
    /// A key, from SIP INFO or an RFC 4733 event.
    Digit(char),
    /// A response to a request we sent (our BYE).
    Response {
        /// Its status code.
        status: u16,
        /// The method its CSeq names.
        method: Method,
    },
}

/// Why a call stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The caller sent BYE.
    HungUp,
    /// The server is shutting down.
    Shutdown,
    /// The call reached `max_call_duration`.
    TooLong,
}

/// What woke a call up.
enum Wake {
    Digit(char),
    Timer,
    Tick,
    Gone(End),
}

/// Everything the signalling loop decided about a new call.
#[derive(Debug)]
pub(crate) struct Setup {
    /// The Call-ID.
    pub id: String,
    /// The INVITE.
    pub invite: Request,
    /// Where it came from (responses and our BYE go there).
    pub peer: Origin,
    /// Our tag in the dialog.
    pub to_tag: String,
    /// The negotiated media; `None` for a late offer (the answer comes in the ACK).
    pub media: Option<Negotiated>,
    /// The call's RTP socket.
    pub rtp: UdpSocket,
    /// The SDP answer.
    pub sdp: String,
}

/// A live call's state inside its task.
struct Call {
    shared: Arc<Shared>,
    id: String,
    invite: Request,
    peer: Origin,
    to_tag: String,
    media: Negotiated,
    /// True until the ACK brings the caller's answer to our offer.
    awaiting_answer: bool,
    sdp: String,
    msisdn: String,
    service_code: String,
    events: UnboundedReceiver<CallEvent>,
    typeahead: VecDeque<char>,
    rtp: Arc<UdpSocket>,
    remote: Arc<Mutex<SocketAddr>>,
    out: RtpOut,
    last_response: Vec<u8>,
    deadline: Instant,
    buf: Vec<u8>,
}

/// Removes the call from the table and stops its RTP reader however the task ends.
struct Cleanup {
    shared: Arc<Shared>,
    id: String,
    reader: Option<JoinHandle<()>>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            reader.abort();
        }
        self.shared.forget(&self.id);
    }
}

/// Runs a call to its end.
pub(crate) async fn run(shared: Arc<Shared>, setup: Setup, events: UnboundedReceiver<CallEvent>) {
    let Setup {
        id,
        invite,
        peer,
        to_tag,
        media,
        rtp,
        sdp,
    } = setup;
    let mut cleanup = Cleanup {
        shared: Arc::clone(&shared),
        id: id.clone(),
        reader: None,
    };
    let awaiting_answer = media.is_none();
    // Until a late offer is answered, RTP would go to the signalling peer (none is sent).
    let media = media.unwrap_or(Negotiated {
        remote_ip: peer.addr().ip(),
        remote_port: 0,
        audio_pt: hotline_codecs::rtp::PT_PCMU,
        event_pt: Some(hotline_codecs::sdp::OFFER_EVENT_PT),
        ptime: 20,
        direction: hotline_codecs::sdp::Direction::SendRecv,
    });
    let remote = Arc::new(Mutex::new(SocketAddr::new(
        media.remote_ip,
        media.remote_port,
    )));
    let rtp = Arc::new(rtp);
    let now = Instant::now();
    let msisdn = invite
        .from()
        .ok()
        .and_then(|f| f.uri.user)
        .unwrap_or_default();
    let service_code = invite
        .uri
        .user
        .clone()
        .or_else(|| invite.to().ok().and_then(|t| t.uri.user))
        .unwrap_or_default();
    let mut call = Call {
        deadline: now + shared.config.max_call_duration,
        shared,
        id,
        invite,
        peer,
        to_tag,
        media,
        awaiting_answer,
        sdp,
        msisdn,
        service_code,
        events,
        typeahead: VecDeque::new(),
        rtp: Arc::clone(&rtp),
        remote: Arc::clone(&remote),
        out: RtpOut::new(now),
        last_response: Vec::new(),
        buf: Vec::with_capacity(512),
    };
    if !call.answer().await {
        return;
    }
    if let Some(tx) = call.shared.sender(&call.id) {
        let media = call.media;
        let keys = match (media.event_pt, call.shared.config.inband_dtmf) {
            (Some(pt), _) => KeySource::Events(pt),
            (None, true) => KeySource::InBand(media.audio_pt),
            (None, false) => KeySource::Off,
        };
        let reader = super::media::receive(rtp, remote, call.peer.addr().ip(), keys, tx);
        cleanup.reader = Some(tokio::spawn(reader));
    }
    call.dialog().await;
}

impl Call {
    /// Screens until the engine ends the dialog or the call goes.
    async fn dialog(&mut self) {
        let (mut event, mut input) = (IngressEvent::Begin, String::new());
        loop {
            let reply = self.step(event, std::mem::take(&mut input)).await;
            if reply.silent {
                self.hang_up().await;
                return;
            }
            let prompt = self.shared.prompts.prompt(&reply.text).await;
            if reply.end {
                // The engine has closed the dialog: whatever happens now, it is not told.
                match self.play(&prompt, None).await {
                    Err(End::HungUp) => {}
                    _ => self.hang_up().await,
                }
                return;
            }
            let outcome = {
                let mut collector = Collector::new(reply.collect.unwrap_or_default());
                match self.play(&prompt, Some(&mut collector)).await {
                    Ok(Some(answer)) => Ok(answer),
                    Ok(None) => {
                        collector.start(Instant::now());
                        self.collect(&mut collector).await
                    }
                    Err(end) => Err(end),
                }
            };
            match outcome {
                Ok((ev, digits)) => (event, input) = (ev, digits),
                Err(End::HungUp) => {
                    self.step(IngressEvent::Abort, String::new()).await;
                    return;
                }
                Err(end) => {
                    tracing::info!(call = %self.id, ?end, "Hotline ends the call");
                    self.hang_up().await;
                    self.step(IngressEvent::Abort, String::new()).await;
                    return;
                }
            }
        }
    }

    async fn step(&self, event: IngressEvent, input: String) -> Reply {
        let ingress = Ingress {
            key: SessionKey {
                operator: Arc::from(OPERATOR),
                id: self.id.clone(),
            },
            channel: ChannelKind::Sip,
            msisdn: self.msisdn.clone(),
            service_code: self.service_code.clone(),
            input,
            event,
            screen: Screen {
                octet_limit: VOICE_OCTETS,
                encoding_hint: None,
            },
        };
        self.shared.engine.handle(ingress).await
    }

    /// Plays `prompt` at the negotiated ptime. With a collector, a key stops the prompt
    /// when barge-in is on (the answer is returned when that key completes it); without
    /// one, keys are ignored.
    async fn play(
        &mut self,
        prompt: &Prompt,
        mut collector: Option<&mut Collector>,
    ) -> Result<Option<Answer>, End> {
        let ptime = u64::from(self.media.ptime);
        let start = Instant::now();
        self.out.begin_talkspurt(start);
        // Burst: a late tick is caught up at once, so the send clock stays locked to the
        // 8 kHz clock the timestamps claim; Delay would turn every stall into lasting lag.
        let mut ticker = interval_at(start, Duration::from_millis(ptime));
        ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
        let mut frames = prompt.frames(self.media.audio_pt, 8 * ptime as usize);
        loop {
            match self.wake(None, Some(&mut ticker)).await {
                Wake::Tick => match frames.next() {
                    Some(frame) => self.send_rtp(frame).await,
                    None => return Ok(None),
                },
                Wake::Digit(key) => match collector.as_deref_mut() {
                    Some(c) if c.barge_in() => return Ok(c.digit(key, Instant::now())),
                    _ => tracing::debug!(call = %self.id, "key ignored while the prompt plays"),
                },
                Wake::Timer => {}
                Wake::Gone(end) => return Err(end),
            }
        }
    }

    async fn collect(&mut self, collector: &mut Collector) -> Result<Answer, End> {
        loop {
            match self.wake(collector.deadline(), None).await {
                Wake::Digit(key) => {
                    if let Some(answer) = collector.digit(key, Instant::now()) {
                        return Ok(answer);
                    }
                }
                Wake::Timer => {
                    if let Some(answer) = collector.expire(Instant::now()) {
                        return Ok(answer);
                    }
                }
                Wake::Tick => {}
                Wake::Gone(end) => return Err(end),
            }
        }
    }

    async fn send_rtp(&mut self, payload: &[u8]) {
        self.out.packet(self.media.audio_pt, payload, &mut self.buf);
        let to = *self.remote.lock().expect("remote lock is never poisoned");
        if let Err(err) = self.rtp.send_to(&self.buf, to).await {
            tracing::debug!(%to, error = %err, "RTP send failed");
        }
    }

    /// Waits for the next thing that matters to a playing or collecting screen.
    async fn wake(&mut self, timer: Option<Instant>, mut ticker: Option<&mut Interval>) -> Wake {
        if let Some(key) = self.typeahead.pop_front() {
            return Wake::Digit(key);
        }
        loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Some(CallEvent::Digit(key)) => return Wake::Digit(key),
                    Some(CallEvent::Bye) => return Wake::Gone(End::HungUp),
                    Some(CallEvent::InviteAgain) => self.send_sip(&self.last_response).await,
                    Some(_) => {}
                    None => return Wake::Gone(End::Shutdown),
                },
                () = maybe_sleep(timer) => return Wake::Timer,
                () = maybe_tick(ticker.as_deref_mut()) => return Wake::Tick,
                () = self.shared.shutdown.cancelled() => return Wake::Gone(End::Shutdown),
                () = sleep_until(self.deadline) => return Wake::Gone(End::TooLong),
            }
        }
    }
}

/// The screen size the engine is told for voice: no paging, a prompt may be long.
const VOICE_OCTETS: usize = 4_096;

async fn maybe_sleep(at: Option<Instant>) {
    match at {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}

async fn maybe_tick(ticker: Option<&mut Interval>) {
    match ticker {
        Some(t) => {
            t.tick().await;
        }
        None => std::future::pending().await,
    }
}
