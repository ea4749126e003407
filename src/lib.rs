//! Hotline: the engine behind automated telephone lines and USSD codes.
//!
//! One step flows channel → sessions → dialog → admission → store (see `ARCHITECTURE.md`
//! in the shared folder). The modules, one line each:
//!
//! - [`admission`]: the domain: national-ID profiles, eligibility, booking.
//! - [`channels`]: SMPP, SIP and HTTP drivers; wire traffic to ingress and back.
//! - [`cli`]: the `hotline` command line (clap); each subcommand in its own file.
//! - [`config`]: `hotline.toml`, with embedded defaults for a demo line on loopback.
//! - [`dialog`]: the pure dialog state machine over a compiled menu program.
//! - [`effects`]: the action request/outcome boundary between dialogs and the domain.
//! - [`menus`]: the menu file format, validator, compiler and renderers.
//! - [`metrics`]: metric names as constants, their descriptions, the Prometheus exporter.
//! - [`pii`]: `Masked<T>`, which keeps personal data out of logs.
//! - [`report`]: the managers' report (bookings, cancellations, clinic fill) read from the store.
//! - [`sessions`]: the channel-neutral ingress and reply, and the engine between them.
//! - [`store`]: the embedded SQLite store behind the [`store::AdmissionStore`] trait.
//! - [`sync`]: the remote hook: outbox pusher and remote eligibility.
//! - [`telemetry`]: tracing setup (text or JSON) and the per-session span.
//!
//! Wire formats (SMPP, GSM 03.38 / UCS-2, SIP, SDP, RTP) live in the sans-IO crate
//! [`hotline_codecs`].

pub mod admission;
pub mod channels;
pub mod cli;
pub mod config;
pub mod dialog;
pub mod effects;
pub mod menus;
pub mod metrics;
pub mod pii;
pub mod report;
pub mod sessions;
pub mod store;
pub mod sync;
pub mod telemetry;
