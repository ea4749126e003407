//! HTTP digest authentication as SIP uses it (RFC 2617 with MD5, RFC 3261 section 22):
//! the `Authorization` parameters and the expected `response` value. MD5 is written out
//! from RFC 1321 because it is all SIP trunks speak; it is not used for anything else.

use super::headers::split_commas;

/// The parameters of a `Digest` credential, as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    /// `username`.
    pub username: String,
    /// `realm`.
    pub realm: String,
    /// `nonce`, as we issued it.
    pub nonce: String,
    /// `uri`, the digest URI.
    pub uri: String,
    /// `response`, 32 hex digits.
    pub response: String,
    /// `qop` (`auth`) when the client used it.
    pub qop: Option<String>,
    /// `nc`, the nonce count, with `qop`.
    pub nc: Option<String>,
    /// `cnonce`, with `qop`.
    pub cnonce: Option<String>,
}

impl Credentials {
    /// Parses an `Authorization` value; `None` unless it is a `Digest` credential with the
    /// parameters a response needs.
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.trim();
        let (scheme, params) = rest.split_once([' ', '\t'])?;
        if !scheme.eq_ignore_ascii_case("digest") {
            return None;
        }
        let mut c = Self::default();
        for item in split_commas(params) {
            let (name, v) = item.split_once('=')?;
            let v = v.trim().trim_matches('"').to_string();
            match name.trim().to_ascii_lowercase().as_str() {
                "username" => c.username = v,
                "realm" => c.realm = v,
                "nonce" => c.nonce = v,
                "uri" => c.uri = v,
                "response" => c.response = v.to_ascii_lowercase(),
                "qop" => c.qop = Some(v),
                "nc" => c.nc = Some(v),
                "cnonce" => c.cnonce = Some(v),
                _ => {}
            }
        }
        (!c.username.is_empty() && !c.nonce.is_empty() && c.response.len() == 32).then_some(c)
    }

    /// The `response` a client knowing `password` would send for `method`.
    pub fn expected(&self, method: &str, password: &str) -> String {
        let ha1 = hex(&md5(format!(
            "{}:{}:{}",
            self.username, self.realm, password
        )
        .as_bytes()));
        let ha2 = hex(&md5(format!("{method}:{}", self.uri).as_bytes()));
        let input = match (&self.qop, &self.nc, &self.cnonce) {
            (Some(qop), Some(nc), Some(cnonce)) => {
                format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", self.nonce)
            }
            _ => format!("{ha1}:{}:{ha2}", self.nonce),
        };
        hex(&md5(input.as_bytes()))
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const SHIFTS: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/// MD5 of `data` (RFC 1321).
pub fn md5(data: &[u8]) -> [u8; 16] {
    let k: Vec<u32> = (0..64)
        .map(|i| ((f64::from(i + 1)).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut state = [0x6745_2301u32, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
    for chunk in msg.chunks_exact(64) {
        let m: Vec<u32> = chunk
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(SHIFTS[(i / 16) * 4 + i % 4]));
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 16];
    for (o, s) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&s.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_1321_test_suite() {
        let cases: [(&str, &str); 4] = [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ];
        for (input, digest) in cases {
            assert_eq!(hex(&md5(input.as_bytes())), digest, "{input:?}");
        }
    }

    #[test]
    fn rfc_2617_example_response() {
        let value = r#"Digest username="Mufasa", realm="testrealm@host.com",
            nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth,
            nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1",
            opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
        let c = Credentials::parse(&value.replace('\n', " ")).expect("valid credential");
        assert_eq!(c.expected("GET", "Circle Of Life"), c.response);
        assert_eq!(Credentials::parse("Basic abc"), None);
    }
}
