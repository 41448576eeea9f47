//! Turning what a widget sends into a [`Voter`], per the item's eligibility
//! policy. Raw credentials are never stored: device tokens and household
//! codes are kept as keyed hashes, host users by a hash of their subject.
//!
//! Headers:
//! * `X-Tongxin-Device`: a random token the widget keeps in localStorage
//!   (16–128 characters of `A–Z a–z 0–9 _ -`);
//! * `X-Tongxin-Code`: a household code as printed (`7KQ2-M9XD-4T`); case,
//!   spaces and dashes are ignored;
//! * `X-Tongxin-Voter`: a JWT (compact, `alg` HS256) signed by the host site
//!   with the shared voter secret; claims `sub` and `exp` (seconds) are
//!   required, `aud` and `iss` are checked when the server is configured
//!   with them. The subject is stored only as a keyed hash.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tongxin_core::eligibility::Eligibility;

use crate::error::ApiError;
use crate::storage::Voter;

/// Device token header.
pub const DEVICE_HEADER: &str = "x-tongxin-device";
/// Household code header.
pub const CODE_HEADER: &str = "x-tongxin-code";
/// Host-signed voter token header.
pub const VOTER_HEADER: &str = "x-tongxin-voter";

/// Alphabet of household codes: no 0/O, 1/I/L, U.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

fn keyed(pepper: &str, domain: &str, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(pepper.as_bytes()).expect("hmac takes any key");
    mac.update(domain.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    crate::hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Normalises a household code as typed (or scanned).
pub use tongxin_core::paper::normalise_code;

/// The stored hash of a household code.
pub fn code_hash(pepper: &str, raw: &str) -> String {
    keyed(pepper, "code", &normalise_code(raw))
}

/// `N` random bytes from the operating system.
fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "no randomness available",
        )
    })?;
    Ok(bytes)
}

/// A fresh household code, `XXXX-XXXX-XX` (10 symbols, ~49 bits).
pub fn new_code() -> Result<String, ApiError> {
    let bytes = random::<10>()?;
    let s: String = bytes
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect();
    Ok(format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..10]))
}

/// The voter a household code stands for, online or keyed from a slip.
pub fn code_voter(pepper: &str, raw: &str) -> Voter {
    let hash = code_hash(pepper, raw);
    Voter {
        key: format!("code:{hash}"),
        code_hash: Some(hash),
    }
}

/// A fresh voter for a slip keyed without a code (an item open to all):
/// it never matches another answer, so it is counted per unit only.
pub fn uncoded_voter() -> Result<Voter, ApiError> {
    Ok(Voter {
        key: format!("paper:{}", crate::hex::encode(&random::<16>()?)),
        code_hash: None,
    })
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Refuses malformed identity headers whatever the item's policy: a header
/// that is sent must be well formed (empty, oversized, or a device token
/// outside its alphabet is 400), so a client bug never passes silently.
pub fn check_headers(h: &HeaderMap) -> Result<(), ApiError> {
    for (name, max) in [(CODE_HEADER, 64), (VOTER_HEADER, 4096)] {
        if let Some(v) = h.get(name) {
            let ok = v
                .to_str()
                .ok()
                .map(str::trim)
                .is_some_and(|v| !v.is_empty() && v.len() <= max);
            if !ok {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid-header",
                    format!("{name} must be 1–{max} visible characters"),
                ));
            }
        }
    }
    match h.get(DEVICE_HEADER) {
        Some(_) if !header(h, DEVICE_HEADER).is_some_and(is_device_token) => {
            Err(device_token_error())
        }
        _ => Ok(()),
    }
}

/// 16–128 characters of `A–Z a–z 0–9 _ -`.
fn is_device_token(t: &str) -> bool {
    (16..=128).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn device_token_error() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid-device-token",
        "X-Tongxin-Device must be 16–128 characters of A–Z, a–z, 0–9, _ and -",
    )
}

/// The device token's voter, if a well-formed token was sent.
pub fn device_voter(pepper: &str, h: &HeaderMap) -> Result<Option<Voter>, ApiError> {
    let Some(t) = header(h, DEVICE_HEADER) else {
        return Ok(None);
    };
    if !is_device_token(t) {
        return Err(device_token_error());
    }
    Ok(Some(Voter {
        key: format!("device:{}", keyed(pepper, "device", t)),
        code_hash: None,
    }))
}

/// What a voter token must say besides its signature.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenRules<'a> {
    /// Required `aud`, when set.
    pub audience: Option<&'a str>,
    /// Required `iss`, when set.
    pub issuer: Option<&'a str>,
}

/// Verifies a host-signed voter token and returns its subject.
pub fn verify_voter_token(
    secret: &str,
    token: &str,
    now_secs: i64,
) -> Result<String, &'static str> {
    verify_voter_token_with(secret, token, now_secs, TokenRules::default())
}

/// [`verify_voter_token`] with `aud`/`iss` rules.
pub fn verify_voter_token_with(
    secret: &str,
    token: &str,
    now_secs: i64,
    rules: TokenRules<'_>,
) -> Result<String, &'static str> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("not a compact JWT");
    };
    let header: serde_json::Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("bad header")?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err("alg must be HS256");
    }
    let sig = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| "bad signature encoding")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac takes any key");
    mac.update(h.as_bytes());
    mac.update(b".");
    mac.update(p.as_bytes());
    mac.verify_slice(&sig)
        .map_err(|_| "signature does not match")?;
    let claims: serde_json::Value = URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("bad claims")?;
    let exp = claims
        .get("exp")
        .ok_or("exp missing")?
        .as_i64()
        .ok_or("exp must be a number")?;
    if exp <= now_secs {
        return Err("token expired");
    }
    if let Some(aud) = rules.audience {
        let ok = match claims.get("aud") {
            Some(serde_json::Value::String(a)) => a == aud,
            Some(serde_json::Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(aud)),
            _ => false,
        };
        if !ok {
            return Err("aud does not match");
        }
    }
    if let Some(iss) = rules.issuer
        && claims.get("iss").and_then(|i| i.as_str()) != Some(iss)
    {
        return Err("iss does not match");
    }
    let sub = claims
        .get("sub")
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty() && s.len() <= 256)
        .ok_or("sub missing")?;
    Ok(sub.to_string())
}

/// Signs a voter token (used by tests and by host sites written in Rust).
pub fn sign_voter_token(secret: &str, sub: &str, exp: Option<i64>) -> String {
    let mut claims = serde_json::json!({ "sub": sub });
    if let Some(e) = exp {
        claims["exp"] = e.into();
    }
    sign_claims(secret, &claims)
}

/// Signs any claims as a compact HS256 JWT.
pub fn sign_claims(secret: &str, claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac takes any key");
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    format!(
        "{header}.{payload}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

/// Establishes the voter for an item with `policy`. `required` is false for
/// reads, where a missing credential just means "someone unknown".
pub fn voter_for(
    policy: Eligibility,
    h: &HeaderMap,
    pepper: &str,
    voter_secret: Option<&str>,
    rules: TokenRules<'_>,
    now_ms: i64,
) -> Result<Option<Voter>, ApiError> {
    match policy {
        Eligibility::Open => device_voter(pepper, h),
        Eligibility::Code => Ok(header(h, CODE_HEADER).map(|raw| code_voter(pepper, raw))),
        Eligibility::Token => {
            let Some(token) = header(h, VOTER_HEADER) else {
                return Ok(None);
            };
            let Some(secret) = voter_secret else {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "token-not-configured",
                    "this server has no voter secret configured",
                ));
            };
            let sub =
                verify_voter_token_with(secret, token, now_ms / 1000, rules).map_err(|why| {
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "invalid-voter-token",
                        format!("the voter token is not valid: {why}"),
                    )
                })?;
            Ok(Some(Voter {
                key: format!("user:{}", keyed(pepper, "user", &sub)),
                code_hash: None,
            }))
        }
    }
}

/// Like [`voter_for`] but a missing credential is an error that says what to send.
pub fn require_voter(
    policy: Eligibility,
    h: &HeaderMap,
    pepper: &str,
    voter_secret: Option<&str>,
    rules: TokenRules<'_>,
    now_ms: i64,
) -> Result<Voter, ApiError> {
    voter_for(policy, h, pepper, voter_secret, rules, now_ms)?.ok_or_else(|| match policy {
        Eligibility::Open => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "device-token-required",
            "send a device token in the X-Tongxin-Device header",
        ),
        Eligibility::Code => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "code-required",
            "this item needs a household code (X-Tongxin-Code)",
        ),
        Eligibility::Token => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "voter-token-required",
            "this item is for signed-in residents of the host site (X-Tongxin-Voter)",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_expire() {
        let t = sign_voter_token("s3cret", "resident-42", Some(2_000));
        assert_eq!(
            verify_voter_token("s3cret", &t, 1_000),
            Ok("resident-42".into())
        );
        assert_eq!(
            verify_voter_token("s3cret", &t, 2_000),
            Err("token expired")
        );
        assert_eq!(
            verify_voter_token("other", &t, 1_000),
            Err("signature does not match")
        );
        assert!(verify_voter_token("s3cret", "a.b", 0).is_err());
        let forever = sign_voter_token("s3cret", "resident-42", None);
        assert_eq!(
            verify_voter_token("s3cret", &forever, 0),
            Err("exp missing")
        );
        assert!(verify_voter_token("s3cret", "", 0).is_err());
        let none_alg = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"sub":"x"}"#)
        );
        assert_eq!(
            verify_voter_token("s3cret", &none_alg, 0),
            Err("alg must be HS256")
        );
    }

    #[test]
    fn codes_normalise_and_hash_stably() {
        assert_eq!(normalise_code(" 7kq2-m9xd 4t "), "7KQ2M9XD4T");
        assert_eq!(code_hash("p", "7kq2-m9xd-4t"), code_hash("p", "7KQ2M9XD4T"));
        assert_ne!(code_hash("p", "7KQ2M9XD4T"), code_hash("q", "7KQ2M9XD4T"));
        let c = new_code().unwrap();
        assert_eq!(c.len(), 12);
        assert_ne!(new_code().unwrap(), c);
    }

    #[test]
    fn device_tokens_are_checked() {
        let mut h = HeaderMap::new();
        assert_eq!(device_voter("p", &h).unwrap(), None);
        h.insert(DEVICE_HEADER, "short".parse().unwrap());
        assert!(device_voter("p", &h).is_err());
        h.insert(DEVICE_HEADER, "abcdefghijklmnop-123".parse().unwrap());
        let v = device_voter("p", &h).unwrap().unwrap();
        assert!(v.key.starts_with("device:") && !v.key.contains("abcdefghijklmnop"));
    }
}

#[cfg(test)]
mod rule_tests {
    use super::*;

    fn signed(claims: serde_json::Value) -> String {
        sign_claims("k", &claims)
    }

    #[test]
    fn audience_and_issuer_are_checked_when_configured() {
        let rules = TokenRules {
            audience: Some("tongxin"),
            issuer: Some("https://host.example"),
        };
        let good = signed(
            serde_json::json!({"sub": "a", "exp": 10, "aud": ["x", "tongxin"], "iss": "https://host.example"}),
        );
        assert_eq!(
            verify_voter_token_with("k", &good, 1, rules),
            Ok("a".into())
        );
        let wrong_aud = signed(
            serde_json::json!({"sub": "a", "exp": 10, "aud": "other", "iss": "https://host.example"}),
        );
        assert_eq!(
            verify_voter_token_with("k", &wrong_aud, 1, rules),
            Err("aud does not match")
        );
        let no_iss = signed(serde_json::json!({"sub": "a", "exp": 10, "aud": "tongxin"}));
        assert_eq!(
            verify_voter_token_with("k", &no_iss, 1, rules),
            Err("iss does not match")
        );
        assert_eq!(verify_voter_token("k", &no_iss, 1), Ok("a".into()));
    }
}
