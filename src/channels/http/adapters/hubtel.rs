//! Hubtel programmable USSD: JSON with `Type` (`Initiation`, `Response`, `Release`,
//! `Timeout`), `Mobile`, `SessionId`, `ServiceCode`, `Message`, `Operator`, `Sequence` and
//! `ClientState`, answered with `{Type: Response|Release, Message, ClientState}`. Only the
//! latest input is sent; on initiation `Message` is the dial string.

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::channels::http::wire::{
    lenient_u64, required, split_dial_string, Echo, Malformed, Phase, WireRequest,
};
use crate::sessions::Reply;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    #[serde(rename = "Type")]
    kind: String,
    mobile: String,
    session_id: String,
    #[serde(default)]
    service_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    #[allow(dead_code, reason = "parsed so that a wrong type is refused, not used")]
    operator: Option<String>,
    #[serde(default, deserialize_with = "lenient_u64")]
    sequence: Option<u64>,
    #[serde(default)]
    client_state: Option<String>,
}

/// Parses one Hubtel request.
pub fn parse(body: &[u8]) -> Result<WireRequest, Malformed> {
    let req: Request = serde_json::from_slice(body)?;
    let phase = match req.kind.trim().to_ascii_lowercase().as_str() {
        "initiation" => Phase::Begin,
        "response" => Phase::Continue,
        "release" | "timeout" => Phase::End,
        _ => {
            return Err(Malformed::UnknownType {
                field: "Type",
                value: req.kind,
            })
        }
    };
    let message = req.message.unwrap_or_default();
    let (dialled, text) = match phase {
        Phase::Begin => split_dial_string(&message),
        _ => (None, message),
    };
    let session_id = required("SessionId", req.session_id)?;
    Ok(WireRequest {
        session_id: session_id.clone(),
        msisdn: required("Mobile", req.mobile)?,
        service_code: req
            .service_code
            .filter(|c| !c.trim().is_empty())
            .or(dialled),
        text,
        phase,
        sequence: req.sequence,
        echo: Echo::Hubtel {
            session_id,
            client_state: req.client_state,
        },
    })
}

/// `{Type, Message, ClientState}`.
pub fn render(reply: &Reply, echo: &Echo) -> Response {
    let kind = if reply.end || reply.silent {
        "Release"
    } else {
        "Response"
    };
    let (session_id, state) = match echo {
        Echo::Hubtel {
            session_id,
            client_state,
        } => (session_id.as_str(), client_state.as_deref()),
        _ => ("", None),
    };
    super::json(json!({
        "SessionId": session_id,
        "Type": kind,
        "Message": reply.text,
        "ClientState": state.unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::channels::http::wire::{Malformed, Phase};

    #[test]
    fn initiation_splits_the_dial_string_and_unknown_types_are_refused() {
        let body = br#"{"Type":"Initiation","Mobile":"233200000001","SessionId":"h1","ServiceCode":"713","Message":"*713*2#","Operator":"mtn","Sequence":1,"ClientState":""}"#;
        let req = parse(body).expect("a well-formed initiation");
        assert_eq!(req.phase, Phase::Begin);
        assert_eq!(req.text, "2");
        assert_eq!(req.sequence, Some(1));
        let bad = br#"{"Type":"Hello","Mobile":"1","SessionId":"h1"}"#;
        assert!(matches!(
            parse(bad).err(),
            Some(Malformed::UnknownType { field: "Type", .. })
        ));
    }
}
