//! `name-addr / addr-spec` with header parameters: the value of `From`, `To` and `Contact`
//! (RFC 3261 section 20.10, 20.20, 20.39).

use nom::Parser;

use super::error::{cut, SipError};
use super::grammar::{lws, param, params, quoted_tail, token};
use super::uri::{uri, Uri};

/// A display name, a URI and the header parameters after it (`tag`, `expires` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name, unquoted.
    pub display: Option<String>,
    /// The address.
    pub uri: Uri,
    /// Header parameters (outside the angle brackets), names lowercase.
    pub params: Vec<(String, Option<String>)>,
}

impl NameAddr {
    /// Parses a header value; `header` names it in the error.
    pub fn parse(value: &str, header: &'static str) -> Result<Self, SipError> {
        parse(value.trim()).ok_or(SipError::BadHeader {
            name: header,
            value: cut(value),
        })
    }

    /// The `tag` parameter that identifies one side of a dialog.
    pub fn tag(&self) -> Option<&str> {
        param(&self.params, "tag")
    }
}

fn parse(i: &str) -> Option<NameAddr> {
    let (display, rest) = if let Some(q) = i.strip_prefix('"') {
        let (rest, name) = quoted_tail(q).ok()?;
        (Some(name), lws(rest).ok()?.0)
    } else if let Some(lt) = i.find('<') {
        let name = i[..lt].trim();
        if !name
            .split_whitespace()
            .all(|w| token(w).is_ok_and(|(r, _)| r.is_empty()))
        {
            return None;
        }
        ((!name.is_empty()).then(|| name.to_string()), &i[lt..])
    } else {
        (None, i)
    };
    let (rest, uri) = match rest.strip_prefix('<') {
        Some(inner) => {
            let (after, uri) = uri.parse(inner).ok()?;
            (after.strip_prefix('>')?, uri)
        }
        None if display.is_none() => {
            // addr-spec without brackets: `;` starts header parameters, not URI ones.
            let end = rest.find(';').unwrap_or(rest.len());
            let (after, mut uri) = uri.parse(&rest[..end]).ok()?;
            if !after.is_empty() {
                return None;
            }
            uri.params.clear();
            (&rest[end..], uri)
        }
        None => return None,
    };
    let (rest, params) = params(rest).ok()?;
    lws(rest).ok().filter(|(r, _)| r.is_empty())?;
    Some(NameAddr {
        display,
        uri,
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_uri_and_tag() {
        let n = NameAddr::parse(
            "\"Ali \\\"R\\\"\" <sip:+98912@gw;user=phone>;tag=a7",
            "From",
        )
        .expect("valid");
        assert_eq!(n.display.as_deref(), Some("Ali \"R\""));
        assert_eq!(n.uri.user.as_deref(), Some("+98912"));
        assert_eq!(n.uri.param("user"), Some("phone"));
        assert_eq!(n.tag(), Some("a7"));
    }

    #[test]
    fn bare_addr_spec_params_belong_to_the_header() {
        let n = NameAddr::parse("sip:0912@gw;tag=x", "To").expect("valid");
        assert_eq!(n.tag(), Some("x"));
        assert!(n.uri.params.is_empty());
        let t = NameAddr::parse("Bob <sip:bob@b>", "To").expect("valid");
        assert_eq!((t.display.as_deref(), t.tag()), (Some("Bob"), None));
    }

    #[test]
    fn unbalanced_brackets_are_refused() {
        for bad in ["<sip:a@b", "\"x <sip:a@b>", "x y <>", "<sip:a@b> junk"] {
            assert!(NameAddr::parse(bad, "From").is_err(), "{bad}");
        }
    }
}
