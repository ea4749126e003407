//! Shared nom pieces of the RFC 3261 grammar (section 25.1).

use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::char;
use nom::combinator::opt;
use nom::sequence::preceded;
use nom::{IResult, Parser};

/// `token`: the characters a method, header name or parameter name may use.
pub(crate) fn is_token(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-.!%*_+`'~".contains(c)
}

pub(crate) fn token(i: &str) -> IResult<&str, &str> {
    take_while1(is_token).parse(i)
}

/// Linear white space (folding has already been joined by the header splitter).
pub(crate) fn lws(i: &str) -> IResult<&str, &str> {
    take_while(|c| c == ' ' || c == '\t').parse(i)
}

/// A generic parameter value: a token, a host-ish value or a quoted string.
fn param_value(i: &str) -> IResult<&str, String> {
    if let Some(rest) = i.strip_prefix('"') {
        let (rest, s) = quoted_tail(rest)?;
        return Ok((rest, s));
    }
    let (rest, v) =
        take_while1(|c: char| is_token(c) || c == ':' || c == '[' || c == ']').parse(i)?;
    Ok((rest, v.to_string()))
}

/// The rest of a quoted string after its opening quote, with `\x` escapes resolved.
pub(crate) fn quoted_tail(i: &str) -> IResult<&str, String> {
    let mut out = String::new();
    let mut chars = i.char_indices();
    while let Some((n, c)) = chars.next() {
        match c {
            '"' => return Ok((&i[n + 1..], out)),
            '\\' => match chars.next() {
                Some((_, e)) => out.push(e),
                None => break,
            },
            _ => out.push(c),
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(
        i,
        nom::error::ErrorKind::Char,
    )))
}

/// `*( SEMI generic-param )`, names lowercased (parameter names are case-insensitive).
pub(crate) fn params(mut i: &str) -> IResult<&str, Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    loop {
        let (rest, _) = lws(i)?;
        let Some(rest) = rest.strip_prefix(';') else {
            return Ok((i, out));
        };
        let (rest, _) = lws(rest)?;
        let (rest, name) = token(rest)?;
        let (rest, _) = lws(rest)?;
        let (rest, value) = opt(preceded((char('='), lws), param_value)).parse(rest)?;
        out.push((name.to_ascii_lowercase(), value));
        i = rest;
    }
}

/// Looks a parameter up by its lowercase name.
pub(crate) fn param<'a>(params: &'a [(String, Option<String>)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_deref().unwrap_or(""))
}
