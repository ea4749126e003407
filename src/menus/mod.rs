//! Menus: the declarative journeys ops staff write in `menus/*.yaml`, validated and compiled
//! to an immutable [`Program`] the dialog engine runs. The file format is `docs/menus.md`.
//!
//! - [`model`]: the file as serde reads it.
//! - [`compile`]: loader, validator and compiler; every problem is a [`Diagnostic`].
//! - [`diag`]: diagnostics with `file:line:column` and a fix.
//! - [`program`]: the compiled form.
//! - [`render`]: USSD/HTTP text paged by octets in the screen's encoding, and voice prompts.
//! - [`template`]: texts with `{variables|formats}`.
//! - [`expr`]: the safe expressions of routes and option conditions.
//! - [`answer`]: checking a caller's answer against an input's type.
//! - [`graph`]: Mermaid and Graphviz drawings of a flow.
//! - [`shipped`]: the shipped journeys built into the binary, for a fresh machine.
//! - [`vars`]: dotted paths into session variables.
//! - `builtin`: the engine's own texts in the shipped languages.

pub mod answer;
mod builtin;
pub mod compile;
pub mod diag;
pub mod expr;
pub mod graph;
pub mod model;
pub mod program;
pub mod render;
pub mod shipped;
pub mod template;
pub mod vars;

pub use compile::{compile_dir, Compiled, Options};
pub use diag::{Diagnostic, Severity};
pub use program::Program;
