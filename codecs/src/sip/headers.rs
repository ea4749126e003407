//! The header list of a message: wire order kept, compact forms expanded to their full
//! names, lookups case-insensitive (RFC 3261 section 7.3).

use super::error::{cut, SipError};
use super::grammar::is_token;

/// RFC 3261 section 7.3.3 and its extensions: compact form to full name.
const COMPACT: &[(char, &str)] = &[
    ('i', "Call-ID"),
    ('m', "Contact"),
    ('e', "Content-Encoding"),
    ('l', "Content-Length"),
    ('c', "Content-Type"),
    ('f', "From"),
    ('s', "Subject"),
    ('k', "Supported"),
    ('t', "To"),
    ('v', "Via"),
    ('o', "Event"),
    ('r', "Refer-To"),
    ('u', "Allow-Events"),
    ('x', "Session-Expires"),
];

/// Headers in the order received. Repeated headers and comma-separated values are both
/// kept; [`Headers::list`] splits the latter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(String, String)>);

impl Headers {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a header (a compact name is expanded).
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push((full_name(name), value.into()));
    }

    /// Replaces every header called `name` with one value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let name = full_name(name);
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.0.push((name, value.into()));
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all(name).next()
    }

    /// Every header line called `name`, in order (not split at commas).
    pub fn all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = full_name(name);
        self.0
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| v.as_str())
    }

    /// Every element of `name` across lines and commas (for `Via`, `Contact`, `Allow` …);
    /// commas inside quotes or angle brackets do not split.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.all(name).flat_map(split_commas).collect()
    }

    /// All headers, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Parses the header lines of a message (after the start line). Folded lines
    /// (starting with a space or tab) continue the previous value.
    pub fn parse(lines: &[&str]) -> Result<Self, SipError> {
        let mut out = Headers::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                match out.0.last_mut() {
                    Some((_, value)) => {
                        value.push(' ');
                        value.push_str(line.trim());
                    }
                    None => return Err(SipError::HeaderLine { line: cut(line) }),
                }
                continue;
            }
            let (name, value) = split_line(line).ok_or(SipError::HeaderLine { line: cut(line) })?;
            out.push(name, value);
        }
        Ok(out)
    }

    /// Finds whatever `Name: value` lines a broken message still has, so that it can be
    /// answered with a 400 when it names its Via, From, To, Call-ID and CSeq.
    pub fn scan(datagram: &[u8]) -> Self {
        let text = String::from_utf8_lossy(datagram);
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        let mut out = Headers::new();
        for line in head.lines().skip(1) {
            if let Some((name, value)) = split_line(line.trim_end_matches('\r')) {
                out.push(name, value);
            }
        }
        out
    }
}

fn split_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    let name = name.trim_end_matches([' ', '\t']);
    if name.is_empty() || !name.chars().all(is_token) {
        return None;
    }
    Some((name, value.trim()))
}

/// The full, conventionally capitalised name for a compact form; other names unchanged.
pub fn full_name(name: &str) -> String {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        let c = c.to_ascii_lowercase();
        if let Some((_, full)) = COMPACT.iter().find(|(k, _)| *k == c) {
            return (*full).to_string();
        }
    }
    name.to_string()
}

/// Splits at commas outside quoted strings and angle brackets.
pub fn split_commas(value: &str) -> Vec<&str> {
    let (mut out, mut start, mut quoted, mut angle) = (Vec::new(), 0, false, false);
    let mut escaped = false;
    for (n, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                out.push(value[start..n].trim());
                start = n + 1;
            }
            _ => {}
        }
    }
    out.push(value[start..].trim());
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_forms_and_case_are_the_same_header() {
        let h = Headers::parse(&["i: abc", "CALL-id: def", "v: SIP/2.0/UDP a, SIP/2.0/UDP b"])
            .expect("valid lines");
        assert_eq!(h.all("Call-ID").collect::<Vec<_>>(), ["abc", "def"]);
        assert_eq!(h.list("via"), ["SIP/2.0/UDP a", "SIP/2.0/UDP b"]);
    }

    #[test]
    fn folded_lines_join_and_quoted_commas_stay() {
        let h = Headers::parse(&["Contact: \"Doe, J\" <sip:j@x>,", "  <sip:k@y>"])
            .expect("valid lines");
        assert_eq!(h.list("m"), ["\"Doe, J\" <sip:j@x>", "<sip:k@y>"]);
    }

    #[test]
    fn a_line_without_a_colon_is_an_error() {
        assert!(Headers::parse(&["Via SIP/2.0/UDP x"]).is_err());
    }
}
