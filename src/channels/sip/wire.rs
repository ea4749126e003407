//! The SIP messages the user agent server writes: responses (with the caller's Via stamped
//! with where the request really came from), and the BYE that ends a call from our side.

use std::net::SocketAddr;

use super::transport::Origin;
use hotline_codecs::sip::{Headers, Method, NameAddr, Request, Response, Uri, Via};

/// The methods we answer, for `Allow`.
pub const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO";

/// The `Server` / `User-Agent` value.
pub const AGENT: &str = concat!("hotline/", env!("CARGO_PKG_VERSION"));

/// A response to a request received from `source`. RFC 3261 18.2.1 and RFC 3581: the top
/// Via gets `received` when its host is not the source address, and `rport` is filled in.
pub fn response(
    req: &Headers,
    source: SocketAddr,
    status: u16,
    reason: &str,
    to_tag: Option<&str>,
) -> Response {
    let mut r = Response::to(req, status, reason, to_tag);
    let mut headers = Headers::new();
    for (n, (name, value)) in r.headers.iter().enumerate() {
        // `Response::to` copies the Vias first, so the first header is the top Via.
        if n == 0 && name == "Via" {
            headers.push(name, stamp_via(value, source));
        } else {
            headers.push(name, value);
        }
    }
    headers.push("Server", AGENT);
    r.headers = headers;
    r
}

fn stamp_via(top: &str, source: SocketAddr) -> String {
    let Ok(via) = Via::parse(top) else {
        return top.to_string();
    };
    let mut out = String::new();
    for part in top.split(';') {
        let name = part
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match name.as_str() {
            "rport" => out.push_str(&format!(";rport={}", source.port())),
            "received" => {}
            _ if out.is_empty() => out.push_str(part.trim_end()),
            _ => {
                out.push(';');
                out.push_str(part.trim());
            }
        }
    }
    if via.host.trim_matches(['[', ']']) != source.ip().to_string() {
        out.push_str(&format!(";received={}", source.ip()));
    }
    out
}

/// A 200 OK to an INVITE: `Contact`, `Record-Route` copied, and the SDP answer.
pub fn answer(
    invite: &Request,
    origin: &Origin,
    to_tag: &str,
    local: SocketAddr,
    sdp: &str,
) -> Response {
    let mut r = response(&invite.headers, origin.addr(), 200, "OK", Some(to_tag));
    for rr in invite.headers.all("Record-Route") {
        r.headers.push("Record-Route", rr);
    }
    let contact = match origin {
        Origin::Udp(_) => format!("<sip:hotline@{local}>"),
        Origin::Tcp { .. } => format!("<sip:hotline@{local};transport=tcp>"),
    };
    r.headers.push("Contact", contact);
    r.headers.push("Allow", ALLOW);
    r.headers.push("Content-Type", "application/sdp");
    r.body = sdp.as_bytes().to_vec();
    r
}

/// Our BYE for the dialog `invite` set up: sent to the caller's Contact, From and To swapped,
/// the Record-Route set as Route, our own CSeq.
pub fn bye(
    invite: &Request,
    to_tag: &str,
    local: SocketAddr,
    transport: &str,
    cseq: u32,
) -> Option<Request> {
    let from = invite.headers.get("From")?;
    let to = invite.headers.get("To")?;
    let target = invite
        .headers
        .list("Contact")
        .first()
        .and_then(|c| NameAddr::parse(c, "Contact").ok())
        .map(|c| c.uri)
        .or_else(|| invite.from().ok().map(|f| f.uri))?;
    let mut headers = Headers::new();
    headers.push(
        "Via",
        format!(
            "SIP/2.0/{transport} {local};branch=z9hG4bK{:016x};rport",
            fastrand::u64(..)
        ),
    );
    headers.push("Max-Forwards", "70");
    let ours = if to.contains(";tag=") {
        to.to_string()
    } else {
        format!("{to};tag={to_tag}")
    };
    headers.push("From", ours);
    headers.push("To", from);
    headers.push("Call-ID", invite.call_id().ok()?);
    headers.push("CSeq", format!("{cseq} BYE"));
    for rr in invite.headers.list("Record-Route") {
        headers.push("Route", rr);
    }
    headers.push("User-Agent", AGENT);
    Some(Request {
        method: Method::Bye,
        uri: Uri {
            params: target.params.clone(),
            ..target
        },
        headers,
        body: Vec::new(),
    })
}
