//! Shared helpers for Hotline's benches and load generator.
//!
//! The criterion micro-benches live in `benches/`; each names the issue figure it measures.
//!
//! - [`load`]: the `hotline-load` generator: concurrent subscribers over SMPP.

pub mod load;
