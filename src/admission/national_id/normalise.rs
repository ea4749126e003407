//! The forgiving step before validation. Only what a caller or a roster adds by habit is
//! dropped or mapped; nothing is padded or guessed, since a "fixed" typo could be someone
//! else's ID.

/// Dashes and dots people type between digit groups: ASCII, Unicode dashes, fullwidth forms.
const SEPARATORS: &[char] = &[
    '-', '.', '\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}', '\u{FF0D}', '\u{FF0E}',
];

/// Returns `input` without whitespace, dashes and dots, with Persian (U+06F0–06F9),
/// Arabic-Indic (U+0660–0669) and fullwidth (U+FF10–FF19) digits made ASCII. With
/// `upper_final_x` (China's check character), a final `x` (or fullwidth `ｘ`/`Ｘ`) becomes `X`.
pub fn normalise(input: &str, upper_final_x: bool) -> String {
    let mut out: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !SEPARATORS.contains(c))
        .map(ascii_digit)
        .collect();
    if upper_final_x && matches!(out.chars().last(), Some('x' | '\u{FF58}' | '\u{FF38}')) {
        out.pop();
        out.push('X');
    }
    out
}

/// Maps one non-ASCII decimal digit of the three accepted scripts to ASCII.
fn ascii_digit(c: char) -> char {
    let base = match c {
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{FF10}'..='\u{FF19}' => 0xFF10,
        _ => return c,
    };
    let offset = u32::from(c) - base;
    char::from_digit(offset, 10).expect("offset is 0..=9 by the matched range")
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn drops_spaces_dashes_and_dots() {
        assert_eq!(normalise("  049-937.0899 \t", false), "0499370899");
        assert_eq!(normalise("0499 370 899", false), "0499370899");
        assert_eq!(normalise("049\u{2013}937\u{FF0E}0899", false), "0499370899");
    }

    #[test]
    fn maps_persian_arabic_and_fullwidth_digits() {
        assert_eq!(normalise("۰۴۹۹۳۷۰۸۹۹", false), "0499370899");
        assert_eq!(normalise("٠٤٩٩٣٧٠٨٩٩", false), "0499370899");
        assert_eq!(normalise("１１０１０５", false), "110105");
    }

    #[test]
    fn uppercases_only_a_final_x_and_only_when_asked() {
        assert_eq!(normalise("11010519491231002x", true), "11010519491231002X");
        assert_eq!(normalise("11010519491231002ｘ", true), "11010519491231002X");
        assert_eq!(normalise("11010519491231002x", false), "11010519491231002x");
        assert_eq!(normalise("x1010519491231002", true), "x1010519491231002");
    }

    #[test]
    fn forgives_nothing_else() {
        assert_eq!(normalise("49937089", false), "49937089");
        assert_eq!(normalise("O499370899", false), "O499370899");
        assert_eq!(normalise("0499_370899", false), "0499_370899");
    }
}
