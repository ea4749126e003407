//! Shared helpers for Hotline's benches and load generator.
//!
//! The criterion micro-benches live in `benches/`; each names the issue figure it measures.
