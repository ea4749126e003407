//! Admission: the domain behind eligibility checks and clinic booking.
//!
//! - [`national_id`]: country-profile validators; the only way to build a `NationalId`.

pub mod national_id;
