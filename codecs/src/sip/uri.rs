//! SIP and tel URIs (RFC 3261 section 19.1, RFC 3966): scheme, user, host, port and
//! parameters. The user part is unescaped, so `sip:*123%23@host` has user `*123#`.

use std::fmt;

use nom::branch::alt;
use nom::bytes::complete::{tag_no_case, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::opt;
use nom::sequence::preceded;
use nom::{IResult, Parser};

use super::error::{cut, SipError};
use super::grammar::params;

/// A parsed URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    /// `sip`, `sips` or `tel`, lowercase.
    pub scheme: String,
    /// The unescaped user part (for `tel:`, the number).
    pub user: Option<String>,
    /// Host name, IPv4 address or bracketed IPv6 reference (empty for `tel:`).
    pub host: String,
    /// The port, when given.
    pub port: Option<u16>,
    /// `;name=value` parameters, names lowercase.
    pub params: Vec<(String, Option<String>)>,
}

impl Uri {
    /// Parses a whole URI (no trailing text allowed).
    pub fn parse(s: &str) -> Result<Self, SipError> {
        match uri(s.trim()) {
            Ok(("", u)) => Ok(u),
            _ => Err(SipError::Uri(cut(s))),
        }
    }

    /// A parameter by lowercase name (`Some("")` for a flag such as `;lr`).
    pub fn param(&self, name: &str) -> Option<&str> {
        super::grammar::param(&self.params, name)
    }
}

fn is_user_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'()&=+$,;?/%#".contains(c)
}

fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-.[]:".contains(c)
}

/// `scheme:[user[:password]@]host[:port]*(;param)` with an optional `?headers` tail ignored.
pub(crate) fn uri(i: &str) -> IResult<&str, Uri> {
    let (i, scheme) = alt((
        tag_no_case("sips:"),
        tag_no_case("sip:"),
        tag_no_case("tel:"),
    ))
    .parse(i)?;
    let scheme = scheme.trim_end_matches(':').to_ascii_lowercase();
    if scheme == "tel" {
        let (i, number) = take_while1(|c: char| c != ';' && c != '>' && c != ' ').parse(i)?;
        let (i, params) = params(i)?;
        let uri = Uri {
            scheme,
            user: Some(unescape(number)),
            host: String::new(),
            port: None,
            params,
        };
        return Ok((i, uri));
    }
    let (i, user) = opt(userinfo).parse(i)?;
    let (i, host) = host(i)?;
    let (i, port) = opt(preceded(char(':'), digit1)).parse(i)?;
    let port = match port.map(str::parse::<u16>) {
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => return Err(fail(i)),
        None => None,
    };
    let (i, params) = params(i)?;
    let i = match i.strip_prefix('?') {
        Some(rest) => rest.trim_start_matches(|c: char| c != '>' && c != ' '),
        None => i,
    };
    let uri = Uri {
        scheme,
        user,
        host: host.to_string(),
        port,
        params,
    };
    Ok((i, uri))
}

fn userinfo(i: &str) -> IResult<&str, String> {
    let end = i.find(['@', '>', ' ']).ok_or_else(|| fail(i))?;
    if !i[end..].starts_with('@') {
        return Err(fail(i));
    }
    let info = &i[..end];
    let user = info.split_once(':').map_or(info, |(u, _password)| u);
    if user.is_empty() || !user.chars().all(is_user_char) {
        return Err(fail(i));
    }
    Ok((&i[end + 1..], unescape(user)))
}

fn host(i: &str) -> IResult<&str, &str> {
    if i.starts_with('[') {
        let end = i.find(']').ok_or_else(|| fail(i))?;
        return Ok((&i[end + 1..], &i[..=end]));
    }
    take_while1(|c: char| is_host_char(c) && c != ':' && c != '[' && c != ']').parse(i)
}

fn fail(i: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Verify))
}

/// Resolves `%XX` escapes; a broken escape is kept as written.
fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut n = 0;
    while n < bytes.len() {
        let hex = bytes
            .get(n + 1..n + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[n], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                n += 3;
            }
            (b, _) => {
                out.push(b);
                n += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes every octet outside RFC 3261's `unreserved / user-unreserved` set.
fn escape_user(user: &str) -> String {
    let mut out = String::with_capacity(user.len());
    for &b in user.as_bytes() {
        let c = char::from(b);
        if b.is_ascii_alphanumeric() || "-_.!~*'()&=+$,;?/".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.scheme)?;
        if self.scheme == "tel" {
            write!(f, "{}", self.user.as_deref().unwrap_or(""))?;
        } else {
            if let Some(user) = &self.user {
                write!(f, "{}@", escape_user(user))?;
            }
            write!(f, "{}", self.host)?;
            if let Some(port) = self.port {
                write!(f, ":{port}")?;
            }
        }
        for (name, value) in &self.params {
            match value {
                Some(v) => write!(f, ";{name}={v}")?,
                None => write!(f, ";{name}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_code_user_is_unescaped() {
        let u = Uri::parse("sip:*123%23@10.0.0.1:5060;transport=udp").expect("valid");
        assert_eq!(u.user.as_deref(), Some("*123#"));
        assert_eq!(u.host, "10.0.0.1");
        assert_eq!(u.port, Some(5060));
        assert_eq!(u.param("transport"), Some("udp"));
        assert_eq!(u.to_string(), "sip:*123%23@10.0.0.1:5060;transport=udp");
    }

    #[test]
    fn ipv6_hosts_passwords_and_tel() {
        let u = Uri::parse("sips:alice:secret@[2001:db8::1]:5061;lr").expect("valid");
        assert_eq!(
            (u.user.as_deref(), u.host.as_str()),
            (Some("alice"), "[2001:db8::1]")
        );
        assert_eq!(u.param("lr"), Some(""));
        let t = Uri::parse("tel:+98-21-1234;phone-context=ir").expect("valid");
        assert_eq!(t.user.as_deref(), Some("+98-21-1234"));
    }

    #[test]
    fn garbage_is_refused() {
        for bad in [
            "",
            "http://x",
            "sip:",
            "sip:@host",
            "sip:a@b:99999",
            "sip:a b@c",
        ] {
            assert!(Uri::parse(bad).is_err(), "{bad}");
        }
    }
}
