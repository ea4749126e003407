//! Africa's Talking: a form post of `sessionId, serviceCode, phoneNumber, networkCode, text`
//! where `text` is every input so far joined by `*`, answered with plain text that starts
//! with `CON ` (more to come) or `END ` (last screen). The end-of-session notification is a
//! separate form post with `sessionId` and `status`.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::channels::http::wire::{required, Echo, Malformed, Phase, WireRequest};
use crate::sessions::Reply;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Callback {
    session_id: String,
    service_code: String,
    phone_number: String,
    #[serde(default)]
    #[allow(dead_code, reason = "parsed so that a wrong type is refused, not used")]
    network_code: Option<String>,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    session_id: String,
    #[serde(default)]
    phone_number: String,
}

/// Parses a session callback.
pub fn parse(body: &[u8]) -> Result<WireRequest, Malformed> {
    let cb: Callback = serde_urlencoded::from_bytes(body)?;
    Ok(WireRequest {
        session_id: required("sessionId", cb.session_id)?,
        msisdn: required("phoneNumber", cb.phone_number)?,
        service_code: Some(required("serviceCode", cb.service_code)?),
        text: cb.text,
        phase: Phase::Auto,
        sequence: None,
        echo: Echo::AfricasTalking,
    })
}

/// Parses an end-of-session notification.
pub fn parse_event(body: &[u8]) -> Result<WireRequest, Malformed> {
    let ev: Event = serde_urlencoded::from_bytes(body)?;
    Ok(WireRequest {
        session_id: required("sessionId", ev.session_id)?,
        msisdn: ev.phone_number,
        service_code: None,
        text: String::new(),
        phase: Phase::End,
        sequence: None,
        echo: Echo::AfricasTalking,
    })
}

/// `CON …` or `END …` as text/plain.
pub fn render(reply: &Reply) -> Response {
    let verb = if reply.end || reply.silent {
        "END"
    } else {
        "CON"
    };
    let body = format!("{verb} {}", reply.text);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::channels::http::wire::Malformed;

    #[test]
    fn a_callback_keeps_the_whole_path_and_missing_fields_are_named() {
        let body = b"sessionId=ATUid_1&serviceCode=%2A384%23&phoneNumber=%2B254711000111&networkCode=63902&text=1%2A0012345679";
        let req = parse(body).expect("a well-formed callback");
        assert_eq!(req.text, "1*0012345679");
        assert_eq!(req.service_code.as_deref(), Some("*384#"));
        let err = parse(b"sessionId=&serviceCode=1&phoneNumber=2").err();
        assert!(matches!(err, Some(Malformed::Empty { field: "sessionId" })));
        assert!(matches!(parse(b"text=1").err(), Some(Malformed::Form(_))));
    }
}
