//! Requests and responses: parsing a datagram (or one framed stream message) and printing.
//! `Content-Length` is derived from the body when printing, never copied.

use std::fmt::Write as _;

use super::cseq::{CSeq, Method};
use super::error::{cut, SipError};
use super::headers::Headers;
use super::name_addr::NameAddr;
use super::uri::Uri;
use super::via::Via;

/// The largest message accepted, over UDP or a stream (RFC 3261 section 18.1.1 expects
/// far less; 64 KiB is the UDP datagram limit).
pub const MAX_MESSAGE: usize = 64 * 1024;

/// A request or a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

/// A SIP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method of the start line.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// The headers.
    pub headers: Headers,
    /// The body, cut to `Content-Length`.
    pub body: Vec<u8>,
}

/// A SIP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code (100..=699).
    pub status: u16,
    /// The reason phrase.
    pub reason: String,
    /// The headers.
    pub headers: Headers,
    /// The body.
    pub body: Vec<u8>,
}

impl Message {
    /// Parses one whole message (a UDP datagram, or a frame cut by [`frame_len`]).
    pub fn parse(bytes: &[u8]) -> Result<Self, SipError> {
        if bytes.len() > MAX_MESSAGE {
            return Err(SipError::TooLarge {
                len: bytes.len(),
                max: MAX_MESSAGE,
            });
        }
        // RFC 3261 section 7.5: CRLFs before the start line are ignored (keepalives).
        let start = bytes
            .iter()
            .position(|&b| b != b'\r' && b != b'\n')
            .unwrap_or(0);
        let bytes = &bytes[start..];
        let (head_len, body_start) = head_end(bytes).ok_or(SipError::Unterminated)?;
        let head = std::str::from_utf8(&bytes[..head_len]).map_err(|_| SipError::NotText)?;
        let lines: Vec<&str> = head.split('\n').map(|l| l.trim_end_matches('\r')).collect();
        let (first, rest) = lines.split_first().ok_or(SipError::Unterminated)?;
        let headers = Headers::parse(rest)?;
        let body = body(&headers, &bytes[body_start..])?;
        start_line(first, headers, body)
    }
}

/// Where the header section ends: (length of the head without the blank line, body offset).
fn head_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|n| (n, n + 4));
    let lf = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|n| (n, n + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 < b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn body(headers: &Headers, rest: &[u8]) -> Result<Vec<u8>, SipError> {
    let Some(value) = headers.get("Content-Length") else {
        return Ok(rest.to_vec());
    };
    let announced: usize = value.trim().parse().map_err(|_| SipError::BadHeader {
        name: "Content-Length",
        value: cut(value),
    })?;
    if announced > MAX_MESSAGE {
        return Err(SipError::TooLarge {
            len: announced,
            max: MAX_MESSAGE,
        });
    }
    rest.get(..announced)
        .map(<[u8]>::to_vec)
        .ok_or(SipError::ShortBody {
            announced,
            present: rest.len(),
        })
}

fn start_line(line: &str, headers: Headers, body: Vec<u8>) -> Result<Message, SipError> {
    let bad = || SipError::StartLine { line: cut(line) };
    if let Some(rest) = line.strip_prefix("SIP/2.0 ") {
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let status: u16 = code.parse().map_err(|_| bad())?;
        if !(100..=699).contains(&status) || code.len() != 3 {
            return Err(bad());
        }
        return Ok(Message::Response(Response {
            status,
            reason: reason.to_string(),
            headers,
            body,
        }));
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some("SIP/2.0"), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let method = Method::parse(method).ok_or_else(bad)?;
    let uri = Uri::parse(uri)?;
    Ok(Message::Request(Request {
        method,
        uri,
        headers,
        body,
    }))
}

/// For a stream transport: the length of the first whole message in `buf`, `Ok(None)` when
/// more bytes are needed. A stream message must carry `Content-Length` (RFC 3261 18.3).
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, SipError> {
    let skip = buf
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    let Some((head_len, body_start)) = head_end(&buf[skip..]) else {
        return if buf.len() > MAX_MESSAGE {
            Err(SipError::TooLarge {
                len: buf.len(),
                max: MAX_MESSAGE,
            })
        } else {
            Ok(None)
        };
    };
    let head = std::str::from_utf8(&buf[skip..skip + head_len]).map_err(|_| SipError::NotText)?;
    let lines: Vec<&str> = head.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let headers = Headers::parse(lines.get(1..).unwrap_or(&[]))?;
    let value = headers.get("Content-Length").ok_or(SipError::Missing {
        name: "Content-Length",
    })?;
    let len: usize = value.trim().parse().map_err(|_| SipError::BadHeader {
        name: "Content-Length",
        value: cut(value),
    })?;
    let total = skip + body_start + len;
    if total > MAX_MESSAGE {
        return Err(SipError::TooLarge {
            len: total,
            max: MAX_MESSAGE,
        });
    }
    Ok((buf.len() >= total).then_some(total))
}

impl Request {
    /// The `Call-ID`.
    pub fn call_id(&self) -> Result<&str, SipError> {
        required(&self.headers, "Call-ID")
    }

    /// The parsed `CSeq`.
    pub fn cseq(&self) -> Result<CSeq, SipError> {
        CSeq::parse(required(&self.headers, "CSeq")?)
    }

    /// The parsed `From`.
    pub fn from(&self) -> Result<NameAddr, SipError> {
        NameAddr::parse(required(&self.headers, "From")?, "From")
    }

    /// The parsed `To`.
    pub fn to(&self) -> Result<NameAddr, SipError> {
        NameAddr::parse(required(&self.headers, "To")?, "To")
    }

    /// The topmost `Via`, which names the transaction (its branch) and where to answer.
    pub fn top_via(&self) -> Result<Via, SipError> {
        let list = self.headers.list("Via");
        Via::parse(list.first().ok_or(SipError::Missing { name: "Via" })?)
    }

    /// Checks what every request must carry (RFC 3261 section 8.1.1) and that the CSeq
    /// method matches the start line.
    pub fn check(&self) -> Result<(), SipError> {
        self.call_id()?;
        self.from()?;
        self.to()?;
        self.top_via()?;
        let cseq = self.cseq()?;
        if cseq.method != self.method {
            return Err(SipError::BadHeader {
                name: "CSeq",
                value: cut(&cseq.to_string()),
            });
        }
        Ok(())
    }

    /// Prints the request.
    pub fn to_bytes(&self) -> Vec<u8> {
        let line = format!("{} {} SIP/2.0", self.method, self.uri);
        print(&line, &self.headers, &self.body)
    }
}

impl Response {
    /// A response to `req` (RFC 3261 section 8.2.6): Via, From, To, Call-ID and CSeq copied;
    /// `to_tag` is added to `To` when it has none.
    pub fn to(req_headers: &Headers, status: u16, reason: &str, to_tag: Option<&str>) -> Self {
        let mut headers = Headers::new();
        for via in req_headers.all("Via") {
            headers.push("Via", via);
        }
        for name in ["From", "To", "Call-ID", "CSeq"] {
            if let Some(value) = req_headers.get(name) {
                let value = match (name, to_tag) {
                    ("To", Some(tag)) if !value.contains(";tag=") => format!("{value};tag={tag}"),
                    _ => value.to_string(),
                };
                headers.push(name, value);
            }
        }
        Self {
            status,
            reason: reason.to_string(),
            headers,
            body: Vec::new(),
        }
    }

    /// Prints the response.
    pub fn to_bytes(&self) -> Vec<u8> {
        let line = format!("SIP/2.0 {} {}", self.status, self.reason);
        print(&line, &self.headers, &self.body)
    }
}

fn required<'a>(headers: &'a Headers, name: &'static str) -> Result<&'a str, SipError> {
    headers
        .get(name)
        .filter(|v| !v.is_empty())
        .ok_or(SipError::Missing { name })
}

fn print(start: &str, headers: &Headers, body: &[u8]) -> Vec<u8> {
    let mut out = String::with_capacity(512 + body.len());
    out.push_str(start);
    out.push_str("\r\n");
    for (name, value) in headers.iter() {
        if !name.eq_ignore_ascii_case("Content-Length") {
            let _ = write!(out, "{name}: {value}\r\n");
        }
    }
    let _ = write!(out, "Content-Length: {}\r\n\r\n", body.len());
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[u8] = b"OPTIONS sip:hotline@127.0.0.1 SIP/2.0\r\n\
v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n\
f: <sip:gw@127.0.0.1>;tag=1\r\nt: <sip:hotline@127.0.0.1>\r\ni: c1\r\n\
CSeq: 7 OPTIONS\r\nl: 0\r\n\r\n";

    #[test]
    fn a_compact_options_parses_and_checks() {
        let Ok(Message::Request(req)) = Message::parse(OPTIONS) else {
            panic!("OPTIONS must parse");
        };
        req.check().expect("complete request");
        assert_eq!(req.call_id(), Ok("c1"));
        let resp = Response::to(&req.headers, 200, "OK", Some("ab"));
        let text = String::from_utf8(resp.to_bytes()).expect("ASCII");
        assert!(text
            .starts_with("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"));
        assert!(
            text.contains("To: <sip:hotline@127.0.0.1>;tag=ab\r\n"),
            "{text}"
        );
        assert!(text.ends_with("Content-Length: 0\r\n\r\n"));
    }

    #[test]
    fn body_is_cut_to_content_length_and_short_bodies_fail() {
        let msg = b"SIP/2.0 200 OK\r\nContent-Length: 3\r\n\r\nabcdef";
        let Ok(Message::Response(r)) = Message::parse(msg) else {
            panic!("must parse");
        };
        assert_eq!(r.body, b"abc");
        let short = b"SIP/2.0 200 OK\r\nContent-Length: 30\r\n\r\nabc";
        assert!(matches!(
            Message::parse(short),
            Err(SipError::ShortBody { .. })
        ));
    }

    #[test]
    fn stream_framing_waits_then_cuts() {
        let msg = b"SIP/2.0 200 OK\r\nl: 3\r\n\r\nabcSIP/2.0";
        assert_eq!(frame_len(&msg[..10]), Ok(None));
        assert_eq!(frame_len(&msg[..26]), Ok(None));
        assert_eq!(frame_len(msg), Ok(Some(27)));
        let huge = vec![b'a'; MAX_MESSAGE + 1];
        assert!(frame_len(&huge).is_err());
    }
}
