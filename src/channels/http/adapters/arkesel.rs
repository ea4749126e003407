//! Arkesel USSD: JSON `sessionID, userID, newSession, msisdn, userData, network`, answered
//! with `{sessionID, userID, msisdn, message, continueSession}`. On a new session `userData`
//! is the dial string; after that, only the latest input.

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::channels::http::wire::{
    lenient_bool, required, split_dial_string, Echo, Malformed, Phase, WireRequest,
};
use crate::sessions::Reply;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[serde(rename = "sessionID")]
    session_id: String,
    #[serde(rename = "userID", default)]
    user_id: String,
    #[serde(deserialize_with = "lenient_bool")]
    new_session: bool,
    msisdn: String,
    #[serde(default)]
    user_data: String,
    #[serde(default)]
    #[allow(dead_code, reason = "parsed so that a wrong type is refused, not used")]
    network: Option<String>,
}

/// Parses one Arkesel request.
pub fn parse(body: &[u8]) -> Result<WireRequest, Malformed> {
    let req: Request = serde_json::from_slice(body)?;
    let (phase, (code, text)) = if req.new_session {
        (Phase::Begin, split_dial_string(&req.user_data))
    } else {
        (Phase::Continue, (None, req.user_data))
    };
    let session_id = required("sessionID", req.session_id)?;
    let msisdn = required("msisdn", req.msisdn)?;
    Ok(WireRequest {
        session_id: session_id.clone(),
        msisdn: msisdn.clone(),
        service_code: code,
        text,
        phase,
        sequence: None,
        echo: Echo::Arkesel {
            session_id,
            user_id: req.user_id,
            msisdn,
        },
    })
}

/// `{sessionID, userID, msisdn, message, continueSession}`.
pub fn render(reply: &Reply, echo: &Echo) -> Response {
    let (session_id, user_id, msisdn) = match echo {
        Echo::Arkesel {
            session_id,
            user_id,
            msisdn,
        } => (session_id.as_str(), user_id.as_str(), msisdn.as_str()),
        _ => ("", "", ""),
    };
    super::json(json!({
        "sessionID": session_id,
        "userID": user_id,
        "msisdn": msisdn,
        "message": reply.text,
        "continueSession": !(reply.end || reply.silent),
    }))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::channels::http::wire::Phase;

    #[test]
    fn new_session_flags_are_read_leniently() {
        let body = br#"{"sessionID":"a1","userID":"acme","newSession":"true","msisdn":"233500000001","userData":"*928#","network":"MTN"}"#;
        let req = parse(body).expect("a well-formed new session");
        assert_eq!((req.phase, req.text.as_str()), (Phase::Begin, ""));
        let next = br#"{"sessionID":"a1","userID":"acme","newSession":false,"msisdn":"233500000001","userData":"2"}"#;
        assert_eq!(parse(next).expect("a continuation").phase, Phase::Continue);
    }
}
