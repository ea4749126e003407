//! Nalo Solutions: JSON `USERID, MSISDN, USERDATA, MSGTYPE, NETWORK, SESSIONID`, where
//! `MSGTYPE` is true on the first request of a dialog (whose `USERDATA` is the dial string)
//! and false after. The reply echoes `USERID` and `MSISDN` with `MSG` and `MSGTYPE`, true to
//! keep the dialog open. Only the latest input is sent.

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use crate::channels::http::wire::{
    lenient_bool, required, split_dial_string, Echo, Malformed, Phase, WireRequest,
};
use crate::sessions::Reply;

#[derive(Deserialize)]
#[serde(rename_all = "UPPERCASE")]
struct Request {
    userid: String,
    msisdn: String,
    #[serde(default)]
    userdata: String,
    #[serde(deserialize_with = "lenient_bool")]
    msgtype: bool,
    #[serde(default)]
    #[allow(dead_code, reason = "parsed so that a wrong type is refused, not used")]
    network: Option<String>,
    sessionid: String,
}

/// Parses one Nalo request.
pub fn parse(body: &[u8]) -> Result<WireRequest, Malformed> {
    let req: Request = serde_json::from_slice(body)?;
    let (phase, (code, text)) = if req.msgtype {
        (Phase::Begin, split_dial_string(&req.userdata))
    } else {
        (Phase::Continue, (None, req.userdata))
    };
    let msisdn = required("MSISDN", req.msisdn)?;
    Ok(WireRequest {
        session_id: required("SESSIONID", req.sessionid)?,
        msisdn: msisdn.clone(),
        service_code: code,
        text,
        phase,
        sequence: None,
        echo: Echo::Nalo {
            user_id: req.userid,
            msisdn,
        },
    })
}

/// `{USERID, MSISDN, MSG, MSGTYPE}`.
pub fn render(reply: &Reply, echo: &Echo) -> Response {
    let (user_id, msisdn) = match echo {
        Echo::Nalo { user_id, msisdn } => (user_id.as_str(), msisdn.as_str()),
        _ => ("", ""),
    };
    super::json(json!({
        "USERID": user_id,
        "MSISDN": msisdn,
        "MSG": reply.text,
        "MSGTYPE": !(reply.end || reply.silent),
    }))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::channels::http::wire::{Malformed, Phase};

    #[test]
    fn the_first_request_carries_the_dial_string() {
        let body = br#"{"USERID":"acme","MSISDN":"233244000001","USERDATA":"*920*1#","MSGTYPE":true,"NETWORK":"MTN","SESSIONID":"n1"}"#;
        let req = parse(body).expect("a well-formed first request");
        assert_eq!((req.phase, req.text.as_str()), (Phase::Begin, "1"));
        assert_eq!(req.service_code.as_deref(), Some("*920#"));
        let bad = br#"{"USERID":"acme","MSISDN":"1","MSGTYPE":"maybe","SESSIONID":"n1"}"#;
        assert!(matches!(parse(bad).err(), Some(Malformed::Json(_))));
    }
}
