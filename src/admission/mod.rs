//! Admission: the domain behind eligibility checks and clinic booking.
//!
//! - [`national_id`]: country-profile validators; the only way to build a `NationalId`.
//! - [`eligibility`]: the pure coverage and entitlement rules.
//! - [`service`]: [`Admission`], the services over a store (check, suggest, book).
//! - [`actions`]: [`Actions`], the `ActionHandler` serving `docs/actions.md`.
//! - [`booking`]: reschedule and attendance, checked like a new booking.
//! - [`demo`]: the embedded demo catalogue and roster loaded on first run.
//! - [`slots`]: weekly slot templates.
//! - [`roster`]: roster CSV import, validated per row, all-or-nothing per file.
//! - [`open`]: opening the store and the handler from a `Config`.

pub mod actions;
pub mod booking;
pub mod demo;
pub mod eligibility;
pub mod national_id;
pub mod open;
pub mod roster;
pub mod service;
pub mod slots;

pub use actions::Actions;
pub use booking::Rescheduled;
pub use open::{open, open_with_remote, Opened};
pub use service::{Admission, AdmissionConfig, Check};
