//! One `Via` value (RFC 3261 section 20.42, with `rport` from RFC 3581).

use nom::bytes::complete::{tag_no_case, take_while1};
use nom::Parser;

use super::error::{cut, SipError};
use super::grammar::{lws, param, params, token};

/// `SIP/2.0/transport sent-by *(;param)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// `UDP`, `TCP`, `TLS` …, uppercase.
    pub transport: String,
    /// Host of sent-by.
    pub host: String,
    /// Port of sent-by, when given.
    pub port: Option<u16>,
    /// Parameters, names lowercase.
    pub params: Vec<(String, Option<String>)>,
}

impl Via {
    /// Parses one Via element (split a header line with [`crate::sip::Headers::list`]).
    pub fn parse(value: &str) -> Result<Self, SipError> {
        parse(value.trim()).ok_or(SipError::BadHeader {
            name: "Via",
            value: cut(value),
        })
    }

    /// The transaction identifier; RFC 3261 clients start it with `z9hG4bK`.
    pub fn branch(&self) -> Option<&str> {
        param(&self.params, "branch")
    }
}

fn parse(i: &str) -> Option<Via> {
    let (i, _) = (tag_no_case::<_, _, nom::error::Error<&str>>("SIP"), lws)
        .parse(i)
        .ok()?;
    let i = lws(i.strip_prefix('/')?).ok()?.0;
    let (i, version) = take_while1::<_, _, nom::error::Error<&str>>(|c: char| c != '/')
        .parse(i)
        .ok()?;
    if version.trim() != "2.0" {
        return None;
    }
    let i = lws(i.strip_prefix('/')?).ok()?.0;
    let (i, transport) = token(i).ok()?;
    let (i, _) = lws(i).ok()?;
    let (i, sent_by) =
        take_while1::<_, _, nom::error::Error<&str>>(|c: char| c != ';' && c != ' ' && c != '\t')
            .parse(i)
            .ok()?;
    let (host, port) = split_host_port(sent_by)?;
    let (i, params) = params(i).ok()?;
    lws(i).ok().filter(|(r, _)| r.is_empty())?;
    Some(Via {
        transport: transport.to_ascii_uppercase(),
        host,
        port,
        params,
    })
}

fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if s.starts_with('[') {
        let end = s.find(']')?;
        (&s[..=end], s[end + 1..].strip_prefix(':'))
    } else {
        match s.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (s, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    Some((host.to_string(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_by_branch_and_rport() {
        let v = Via::parse("SIP / 2.0 / udp 10.1.1.1:5062;branch=z9hG4bK77;rport").expect("valid");
        assert_eq!(v.transport, "UDP");
        assert_eq!((v.host.as_str(), v.port), ("10.1.1.1", Some(5062)));
        assert_eq!(v.branch(), Some("z9hG4bK77"));
        assert_eq!(super::param(&v.params, "rport"), Some(""));
    }

    #[test]
    fn broken_vias_are_refused() {
        for bad in [
            "SIP/3.0/UDP h",
            "SIP/2.0/UDP",
            "SIP/2.0/UDP h:port",
            "HTTP/2.0/UDP h",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad}");
        }
    }
}
