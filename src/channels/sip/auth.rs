//! Digest authentication of INVITEs against the configured credential. Nonces are
//! stateless: a hash of a per-process secret and the current minute, accepted for two
//! minutes, so that nothing is stored per challenge.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use hotline_codecs::sip::digest::{hex, Credentials};
use hotline_codecs::sip::Request;
use sha2::{Digest, Sha256};

use super::config::DigestAuth;

fn nonce(minute: u64) -> String {
    static SECRET: OnceLock<u64> = OnceLock::new();
    let secret = SECRET.get_or_init(|| fastrand::u64(..));
    let digest = Sha256::new()
        .chain_update(secret.to_le_bytes())
        .chain_update(minute.to_le_bytes())
        .finalize();
    hex(&digest[..16])
}

fn minute() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 60)
}

/// `Ok` when `req` carries a valid credential for `creds`; otherwise the
/// `WWW-Authenticate` challenge to send with a 401.
pub fn check(req: &Request, creds: &DigestAuth) -> Result<(), String> {
    let now = minute();
    let fresh = [nonce(now), nonce(now.saturating_sub(1))];
    let ok = req
        .headers
        .all("Authorization")
        .filter_map(Credentials::parse)
        .any(|c| {
            c.username == creds.username
                && c.realm == creds.realm
                && fresh.contains(&c.nonce)
                && c.expected(req.method.as_str(), &creds.password) == c.response
        });
    if ok {
        return Ok(());
    }
    Err(format!(
        "Digest realm=\"{}\", nonce=\"{}\", algorithm=MD5, qop=\"auth\"",
        creds.realm, fresh[0]
    ))
}
