//! Hex as integrators paste it: Wireshark's "copy as hex stream", spaced octets, `0x`
//! prefixes, or a commented fixture (`fixtures/smpp/*.hex`, `#` to the end of the line).

/// Why the text is not hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// A character that is neither a hex digit, white space, a separator nor a comment.
    #[error("line {line}, column {column}: {found:?} is not a hex digit")]
    NotHex {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// The character.
        found: char,
    },
    /// An odd number of digits: the last octet is cut in half.
    #[error("{digits} hex digits: an octet needs two (is one digit missing or extra?)")]
    OddDigits {
        /// Digits read.
        digits: usize,
    },
    /// Nothing but white space and comments.
    #[error("no hex digits in the input")]
    Empty,
}

/// The octets spelled by `text`. Ignores white space, `,` `:` `-` separators, a `0x`
/// prefix on any group, and comments from `#` or `//` to the end of the line.
pub fn parse(text: &str) -> Result<Vec<u8>, HexError> {
    let mut digits = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("");
        let code = code.split("//").next().unwrap_or("");
        let mut chars = code.char_indices().peekable();
        let mut column = 0;
        while let Some((_, ch)) = chars.next() {
            column += 1;
            if ch == '0' && matches!(chars.peek(), Some((_, 'x' | 'X'))) {
                chars.next();
                column += 1;
                continue;
            }
            if ch.is_whitespace() || matches!(ch, ',' | ':' | '-') {
                continue;
            }
            match ch.to_digit(16) {
                Some(d) => digits.push(d as u8),
                None => {
                    return Err(HexError::NotHex {
                        line: index + 1,
                        column,
                        found: ch,
                    })
                }
            }
        }
    }
    if digits.is_empty() {
        return Err(HexError::Empty);
    }
    if digits.len() % 2 != 0 {
        return Err(HexError::OddDigits {
            digits: digits.len(),
        });
    }
    Ok(digits.chunks_exact(2).map(|p| p[0] << 4 | p[1]).collect())
}

#[cfg(test)]
mod tests {
    use super::{parse, HexError};

    #[test]
    fn spaces_prefixes_and_comments_are_ignored() {
        assert_eq!(
            parse("0x0000 0010 # len\n0X00,00:00-15"),
            Ok(vec![0, 0, 0, 0x10, 0, 0, 0, 0x15])
        );
        assert_eq!(parse("ab // trailing\n"), Ok(vec![0xab]));
    }

    #[test]
    fn bad_input_is_located() {
        assert_eq!(
            parse("00\n0g"),
            Err(HexError::NotHex {
                line: 2,
                column: 2,
                found: 'g'
            })
        );
        assert_eq!(parse("abc"), Err(HexError::OddDigits { digits: 3 }));
        assert_eq!(parse("# only a comment\n"), Err(HexError::Empty));
    }
}
