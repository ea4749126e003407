//! Hotline: the engine behind automated telephone lines and USSD codes.
//!
//! One step flows channel → sessions → dialog → admission → store (see `ARCHITECTURE.md`
//! in the shared folder). The modules, one line each:
//!
//! - [`cli`]: the `hotline` command line (clap); each subcommand in its own file.
//! - [`effects`]: the action request/outcome boundary between dialogs and the domain.
//! - [`store`]: the embedded SQLite store behind the [`store::AdmissionStore`] trait.
//! - [`sync`]: the remote hook: outbox pusher and remote eligibility.
//!
//! Wire formats (SMPP, GSM 03.38 / UCS-2, SIP, SDP, RTP) live in the sans-IO crate
//! [`hotline_codecs`].

pub mod cli;
pub mod effects;
pub mod store;
pub mod sync;
