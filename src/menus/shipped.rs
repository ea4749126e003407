//! The shipped journeys, built into the binary so that `hotline serve` on a fresh machine
//! has menus to run: when the menus folder does not exist, they are written into it for ops
//! staff to edit. An existing folder is never touched.

use std::io;
use std::path::Path;

/// The shipped files, by name.
pub const FILES: &[(&str, &str)] = &[
    (
        "e-admission.yaml",
        include_str!("../../menus/e-admission.yaml"),
    ),
    ("ask-id.yaml", include_str!("../../menus/ask-id.yaml")),
];

/// Creates `dir` with the shipped files when it does not exist; returns true when it did.
pub fn install_if_missing(dir: &Path) -> io::Result<bool> {
    if dir.exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(dir)?;
    for (name, text) in FILES {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(true)
}
