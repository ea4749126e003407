//! Live dialogs: the channel-neutral ingress every channel produces, the reply it turns back
//! into wire traffic, and the engine that maps one to the other.
//!
//! A channel owns its sockets and nothing else: it builds an [`Ingress`] from wire traffic,
//! hands it to an [`Engine`], and writes the [`Reply`] back (an SMPP `submit_sm`, a `CON …`
//! HTTP body, prompts on RTP). Sessions are keyed per operator, not per bind or connection,
//! because operators spread one USSD dialog over several binds.
//!
//! - [`table`]: the sharded session table with idle deadlines and a size limit.
//! - [`runtime`]: the [`Engine`] over the table, the dialog engine and the action handler.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use hotline_codecs::text::Encoding;

pub mod runtime;
pub mod table;

/// Which kind of channel a dialog arrived on; it picks the renderer and the metrics label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    /// USSD over SMPP.
    Smpp,
    /// A USSD aggregator over HTTP.
    Http,
    /// A voice call over SIP.
    Sip,
}

impl ChannelKind {
    /// The label used in metrics and logs.
    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Smpp => "smpp",
            ChannelKind::Http => "http",
            ChannelKind::Sip => "sip",
        }
    }
}

/// Identifies one dialog: the operator (or aggregator route) and that operator's own
/// correlation value (an `its_session_info`, an aggregator `sessionId`, a SIP Call-ID …).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionKey {
    /// The operator or route name from the config; all of its binds share one table.
    pub operator: Arc<str>,
    /// The operator's correlation value, as the dialect derives it.
    pub id: String,
}

/// What happened on the wire, in channel-neutral terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngressEvent {
    /// The subscriber dialled the service code (`input` may carry a deep link's inputs,
    /// `*`-separated, e.g. `1*0012345679` for `*123*1*0012345679#`).
    Begin,
    /// The subscriber answered a screen.
    Input,
    /// The network or aggregator ended the dialog; nothing more may be sent.
    Abort,
    /// Voice only: the caller let the node's digit timers run out without finishing
    /// an answer (`input` holds any digits pressed before the timer fired).
    NoInput,
}

/// How a screen must be shaped for the channel that will carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    /// Octets one screen may use (160 for USSD; aggregators may set less).
    pub octet_limit: usize,
    /// The encoding the subscriber's own text arrived in, when the channel knows it.
    pub encoding_hint: Option<Encoding>,
}

impl Default for Screen {
    fn default() -> Self {
        Self {
            octet_limit: hotline_codecs::text::USSD_MAX_OCTETS,
            encoding_hint: None,
        }
    }
}

/// One step's worth of input from a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingress {
    /// The dialog this belongs to.
    pub key: SessionKey,
    /// The channel it came in on.
    pub channel: ChannelKind,
    /// The caller's number, as the channel reported it. Never logged in clear.
    pub msisdn: String,
    /// The dialled code (`*123#`) or called number.
    pub service_code: String,
    /// The subscriber's text for this step (empty on a plain `Begin`).
    pub input: String,
    /// What happened.
    pub event: IngressEvent,
    /// How the reply must be shaped.
    pub screen: Screen,
}

/// What the channel sends back for one ingress.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    /// The screen text, already paged to the channel's limit.
    pub text: String,
    /// True when this is the dialog's last screen.
    pub end: bool,
    /// A text message to send the caller after the dialog (a booking confirmation).
    pub sms: Option<String>,
    /// True when nothing may be sent (the ingress was an abort, or the session is gone).
    pub silent: bool,
    /// Voice only: how to collect the answer to this screen (the text channels ignore it).
    pub collect: Option<Collect>,
}

/// How a voice channel collects digits for one screen, from the node's cascaded settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collect {
    /// Milliseconds to wait for the first digit once the prompt has finished.
    pub first_digit_ms: u32,
    /// Milliseconds to wait between digits.
    pub inter_digit_ms: u32,
    /// Most digits in one answer; collection stops at this many.
    pub max_digits: u8,
    /// The key that ends an answer early (`#`), if any; it is not part of the answer.
    pub terminator: Option<char>,
    /// True when a digit may interrupt the prompt.
    pub barge_in: bool,
}

impl Default for Collect {
    fn default() -> Self {
        Self {
            first_digit_ms: 5_000,
            inter_digit_ms: 3_000,
            max_digits: 1,
            terminator: Some('#'),
            barge_in: true,
        }
    }
}

/// A boxed future, so that engines can sit behind `Arc<dyn Engine>`.
pub type ReplyFuture<'a> = Pin<Box<dyn Future<Output = Reply> + Send + 'a>>;

/// Turns ingress into replies: the session table, the dialog engine and the domain behind
/// one call. Channels hold an `Arc<dyn Engine>`.
pub trait Engine: Send + Sync {
    /// Runs one step. Never fails: problems become a polite end screen and a log line.
    fn handle(&self, ingress: Ingress) -> ReplyFuture<'_>;
}
