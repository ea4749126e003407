//! Hotline: the engine behind automated telephone lines and USSD codes.
//!
//! One step flows channel → sessions → dialog → admission → store (see `ARCHITECTURE.md`
//! in the shared folder). The modules, one line each:
//!
//! - [`admission`]: the domain: national-ID profiles, eligibility, booking.
//! - [`channels`]: SMPP, SIP and HTTP drivers; wire traffic to ingress and back.
//! - [`cli`]: the `hotline` command line (clap); each subcommand in its own file.
//! - [`config`]: `hotline.toml`, with embedded defaults for a demo line on loopback.
//! - [`effects`]: the action request/outcome boundary between dialogs and the domain.
//! - [`pii`]: `Masked<T>`, which keeps personal data out of logs.
//! - [`sessions`]: the channel-neutral ingress and reply, and the engine between them.
//! - [`sync`]: the remote hook: outbox pusher and remote eligibility.
//!
//! Wire formats (SMPP, GSM 03.38 / UCS-2, SIP, SDP, RTP) live in the sans-IO crate
//! [`hotline_codecs`].

pub mod admission;
pub mod channels;
pub mod cli;
pub mod config;
pub mod effects;
pub mod pii;
pub mod sessions;
pub mod sync;
