//! Keypresses carried in SIP INFO bodies: `application/dtmf-relay` (`Signal=5` and
//! `Duration=160` lines, as Cisco and most PBXs send it) and `application/dtmf` (the bare
//! key).

/// The key in an INFO body of `content_type`, when the type is a DTMF one and the body
/// names one of `0-9 * # A-D` (or the event numbers 10 and 11 for `*` and `#`).
pub fn info_digit(content_type: &str, body: &[u8]) -> Option<char> {
    let media = content_type.split(';').next()?.trim().to_ascii_lowercase();
    let text = std::str::from_utf8(body).ok()?;
    let raw = match media.as_str() {
        "application/dtmf-relay" => text.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("signal")
                .then(|| value.trim())
        })?,
        "application/dtmf" => text.trim(),
        _ => return None,
    };
    key(raw)
}

fn key(raw: &str) -> Option<char> {
    match raw {
        "10" => return Some('*'),
        "11" => return Some('#'),
        _ => {}
    }
    let mut chars = raw.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if matches!(c, '0'..='9' | '*' | '#' | 'A'..='D' | 'a'..='d') => {
            Some(c.to_ascii_uppercase())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_and_bare_bodies() {
        assert_eq!(
            info_digit("application/dtmf-relay", b"Signal=5\r\nDuration=160\r\n"),
            Some('5')
        );
        assert_eq!(
            info_digit("Application/DTMF-Relay", b"signal= #\n"),
            Some('#')
        );
        assert_eq!(info_digit("application/dtmf", b"11"), Some('#'));
        assert_eq!(info_digit("application/dtmf", b"*\r\n"), Some('*'));
    }

    #[test]
    fn other_bodies_are_no_digit() {
        assert_eq!(info_digit("application/sdp", b"Signal=5"), None);
        assert_eq!(info_digit("application/dtmf-relay", b"Signal=55"), None);
        assert_eq!(info_digit("application/dtmf-relay", b"Duration=160"), None);
        assert_eq!(info_digit("application/dtmf", &[0xff, 0xfe]), None);
    }
}
