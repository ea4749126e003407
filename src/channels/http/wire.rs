//! What every aggregator adapter parses a request into, and the typed reasons a body is
//! refused with 400.

use serde::{Deserialize, Deserializer};

/// Where a request stands in its dialog, as the aggregator says it (or does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The aggregator marks this as the first request of the dialog.
    Begin,
    /// The aggregator marks this as an answer to a screen.
    Continue,
    /// The aggregator does not say: the first request for an unknown session begins it
    /// (Africa's Talking).
    Auto,
    /// The aggregator reports that the dialog is over (release, timeout, end notification).
    End,
}

/// One aggregator request, reduced to what the gateway needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// The aggregator's session id.
    pub session_id: String,
    /// The caller's number, in clear; log it only through [`crate::pii::Masked`].
    pub msisdn: String,
    /// The dialled code when the request carries one.
    pub service_code: Option<String>,
    /// The aggregator's text field: the cumulative path, the latest input, or on a begin the
    /// deep-link inputs.
    pub text: String,
    /// Where the request stands.
    pub phase: Phase,
    /// The aggregator's own step counter, when it sends one (Hubtel `Sequence`).
    pub sequence: Option<u64>,
    /// Values the reply must echo back.
    pub echo: Echo,
}

/// Per-aggregator values that go back in the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Echo {
    /// Africa's Talking replies are plain text.
    AfricasTalking,
    /// Hubtel wants its session id and client state back.
    Hubtel {
        /// `SessionId`.
        session_id: String,
        /// `ClientState`, returned untouched.
        client_state: Option<String>,
    },
    /// Nalo wants the user id and MSISDN back.
    Nalo {
        /// `USERID` (the integrator's account, not a person).
        user_id: String,
        /// `MSISDN`.
        msisdn: String,
    },
    /// Arkesel wants the session, user id and MSISDN back.
    Arkesel {
        /// `sessionID`.
        session_id: String,
        /// `userID`.
        user_id: String,
        /// `msisdn`.
        msisdn: String,
    },
}

/// Why a request body was refused; the text goes back in the 400 body.
#[derive(Debug, thiserror::Error)]
pub enum Malformed {
    /// A form-encoded aggregator sent something that is not a form with the expected fields.
    #[error("body is not the expected form: {0}")]
    Form(#[from] serde_urlencoded::de::Error),
    /// A JSON aggregator sent something that is not the expected object.
    #[error("body is not the expected JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A required field is present but empty.
    #[error("field `{field}` is empty")]
    Empty {
        /// The aggregator's field name.
        field: &'static str,
    },
    /// A request-type field holds a value this adapter does not know.
    #[error("field `{field}` has unknown value {value:?}")]
    UnknownType {
        /// The aggregator's field name.
        field: &'static str,
        /// What it held.
        value: String,
    },
}

/// Refuses an empty required field.
pub fn required(field: &'static str, value: String) -> Result<String, Malformed> {
    if value.trim().is_empty() {
        Err(Malformed::Empty { field })
    } else {
        Ok(value)
    }
}

/// Splits a dial string such as `*920*1*2#` into its service code (`*920#`) and deep-link
/// inputs (`1*2`). Anything that is not a dial string is taken as plain input.
pub fn split_dial_string(text: &str) -> (Option<String>, String) {
    let Some(inner) = text.strip_prefix('*').and_then(|t| t.strip_suffix('#')) else {
        return (None, text.to_owned());
    };
    match inner.split_once('*') {
        Some((code, rest)) => (Some(format!("*{code}#")), rest.to_owned()),
        None => (Some(format!("*{inner}#")), String::new()),
    }
}

/// The digits of a service code, so that `*713#` and `713` compare equal.
pub fn normalize_code(code: &str) -> &str {
    code.trim().trim_matches(|c| c == '*' || c == '#')
}

/// A flag that aggregators send as `true`, `"true"`, `1` or `"1"`.
pub fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(u64),
        Text(String),
    }
    match Flag::deserialize(d)? {
        Flag::Bool(b) => Ok(b),
        Flag::Int(n) => Ok(n != 0),
        Flag::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" | "" => Ok(false),
            _ => Err(serde::de::Error::custom(format!("{t:?} is not a flag"))),
        },
    }
}

/// A counter that aggregators send as a number or a numeric string.
pub fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(u64),
        Text(String),
    }
    match Option::<Num>::deserialize(d)? {
        None => Ok(None),
        Some(Num::Int(n)) => Ok(Some(n)),
        Some(Num::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Num::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("{t:?} is not a number"))),
    }
}

#[cfg(test)]
mod tests {
    use super::{normalize_code, split_dial_string};

    #[test]
    fn dial_strings_split_into_code_and_deep_link() {
        assert_eq!(
            split_dial_string("*920*1*2#"),
            (Some("*920#".into()), "1*2".into())
        );
        assert_eq!(
            split_dial_string("*920#"),
            (Some("*920#".into()), String::new())
        );
        assert_eq!(split_dial_string("3"), (None, "3".into()));
        assert_eq!(normalize_code("*713#"), normalize_code("713"));
    }
}
