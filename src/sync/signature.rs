//! The batch signature: `X-Hotline-Signature: sha256=<hex>`, the lowercase hex HMAC-SHA256
//! of the exact request body under the key both sides share. The receiver recomputes it
//! over the bytes it received and refuses the request on any difference.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "X-Hotline-Signature";

/// The scheme prefix of the header value.
const PREFIX: &str = "sha256=";

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length")
}

/// The header value for `body`: `sha256=` and 64 lowercase hex digits.
pub fn sign(key: &[u8], body: &[u8]) -> String {
    let mut mac = mac(key);
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let mut out = String::with_capacity(PREFIX.len() + 2 * tag.len());
    out.push_str(PREFIX);
    for byte in tag {
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte & 0x0f));
    }
    out
}

/// Whether `header` is a valid signature of `body` under `key` (constant-time compare).
pub fn verify(key: &[u8], body: &[u8], header: &str) -> bool {
    let Some(tag) = header.strip_prefix(PREFIX).and_then(decode_hex) else {
        return false;
    };
    let mut mac = mac(key);
    mac.update(body);
    mac.verify_slice(&tag).is_ok()
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).expect("a nibble is below 16")
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = char::from(*pair.first()?).to_digit(16)?;
            let lo = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{sign, verify};

    #[test]
    fn rfc_4231_test_case_2() {
        // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?".
        let expected = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(sign(b"Jefe", b"what do ya want for nothing?"), expected);
    }

    #[test]
    fn the_worked_example_in_docs_sync_md() {
        let body = crate::sync::batch::PushBatch::new(&[], 1_764_752_400_000).to_body();
        assert_eq!(body, br#"{"sent_at_ms":1764752400000,"events":[]}"#);
        assert_eq!(
            sign(b"example-shared-key", &body),
            "sha256=4e276e551833773ec4c5777b04fb172715fd0979f7ed7ce1b1eb304a661d6a7f"
        );
    }

    #[test]
    fn verify_refuses_tampering_and_wrong_keys() {
        let header = sign(b"key", b"{\"events\":[]}");
        assert!(verify(b"key", b"{\"events\":[]}", &header));
        assert!(!verify(b"key", b"{\"events\":[1]}", &header));
        assert!(!verify(b"other", b"{\"events\":[]}", &header));
        assert!(!verify(b"key", b"{\"events\":[]}", "sha1=00"));
        assert!(!verify(b"key", b"{\"events\":[]}", "sha256=zz"));
        assert!(!verify(b"key", b"{\"events\":[]}", "sha256=abc"));
        let upper = header.to_uppercase().replace("SHA256=", "sha256=");
        assert!(
            verify(b"key", b"{\"events\":[]}", &upper),
            "hex case does not matter"
        );
    }
}
