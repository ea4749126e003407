//! Reading an action's templated arguments. Menus may pass numbers or strings; anything
//! else, or a missing required argument, is an [`ActionError`], never a panic.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::store::StoreError;

/// Why an action could not be performed (the menu sees `error`).
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The menu did not pass a required argument.
    #[error("missing argument {name}")]
    Missing {
        /// The argument's name in `docs/actions.md`.
        name: &'static str,
    },
    /// An argument has the wrong shape (a date that is not `YYYY-MM-DD`, …).
    #[error("argument {name} is not {expected}")]
    Bad {
        /// The argument's name.
        name: &'static str,
        /// What it should have been.
        expected: &'static str,
    },
    /// The menu named an action this handler does not know.
    #[error("unknown action {0:?}")]
    UnknownAction(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An optional text argument (strings trimmed, numbers printed; empty counts as absent).
pub fn text(args: &Map<String, Value>, name: &'static str) -> Result<Option<String>, ActionError> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ActionError::Bad {
            name,
            expected: "text",
        }),
    }
}

/// A required text argument.
pub fn need(args: &Map<String, Value>, name: &'static str) -> Result<String, ActionError> {
    text(args, name)?.ok_or(ActionError::Missing { name })
}

/// An optional `YYYY-MM-DD` argument.
pub fn date(
    args: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<NaiveDate>, ActionError> {
    text(args, name)?
        .map(|s| {
            NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| ActionError::Bad {
                name,
                expected: "a YYYY-MM-DD date",
            })
        })
        .transpose()
}

/// An optional non-negative integer argument.
pub fn int(args: &Map<String, Value>, name: &'static str) -> Result<Option<i64>, ActionError> {
    text(args, name)?
        .map(|s| {
            s.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or(ActionError::Bad {
                    name,
                    expected: "a whole number",
                })
        })
        .transpose()
}
