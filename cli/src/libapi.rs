//! The library constructors for keys as users hold them (a JWK, a JWK Set, padded base64) and
//! signing, with the library's errors worded for the command line.
//!
//! Every call into those constructors goes through this module. The library decides; `jwk.rs`
//! only reads the public members to choose a key and word messages.

use microjwt::{Algorithm, Error, HmacKey, JwkError, KeySet};
use serde_json::Value;

use crate::failure::{Class, Failure, Result};

/// The most keys a `--jwk` set may hold for one algorithm.
pub const MAX_KEYS: usize = 32;

/// `HmacKey::<A>::from_jwk`.
///
/// # Errors
/// A usage failure saying what is wrong with the key.
pub fn key_from_jwk<A: Algorithm>(json: &str) -> Result<HmacKey<A>> {
    HmacKey::<A>::from_jwk(json).map_err(|e| jwk_failure::<A>(&e, None))
}

/// `KeySet::<A, MAX_KEYS>::from_jwks`: the `oct` keys for `A`, each with its `kid`.
///
/// # Errors
/// A usage failure saying what is wrong with the set, naming the key when one is at fault.
pub fn keys_from_jwks<A: Algorithm>(json: &str) -> Result<KeySet<A, MAX_KEYS>> {
    KeySet::<A, MAX_KEYS>::from_jwks(json).map_err(|e| {
        // The library names no key; find the first member it would load for `A` (or one
        // without `kty`, an error too) that fails on its own.
        let culprit = match crate::jwk::Doc::parse(json) {
            Ok(crate::jwk::Doc::Set(keys)) => keys
                .iter()
                .filter(|k| k.kty.is_none() || k.usable_for(A::NAME))
                .find(|k| HmacKey::<A>::from_jwk(&k.json).is_err())
                .map(|k| k.kid.clone().unwrap_or_else(|| "without kid".to_owned())),
            _ => None,
        };
        jwk_failure::<A>(&e, culprit.as_deref())
    })
}

/// `HmacKey::<A>::from_base64`: standard alphabet, padded, as `openssl rand -base64 32` prints.
///
/// # Errors
/// As the library's: [`Error::Base64`] unless canonical padded base64, else as [`HmacKey::new`].
pub fn key_from_base64<A: Algorithm>(text: &str) -> Result<HmacKey<A>, Error> {
    HmacKey::<A>::from_base64(text)
}

/// `sign_to_string_with_header`; the library refuses keys whose `key_ops` lack `sign`.
///
/// # Errors
/// As the library's.
pub fn sign<A: Algorithm>(
    key: &HmacKey<A>,
    header: &microjwt::HeaderOptions<'_>,
    claims: &serde_json::Map<String, Value>,
) -> Result<String, Error> {
    microjwt::sign_to_string_with_header(key, header, claims)
}

fn jwk_failure<A: Algorithm>(e: &Error, key: Option<&str>) -> Failure {
    let which = key.map(|k| format!("key {k:?}: ")).unwrap_or_default();
    let (kind, detail) = match *e {
        Error::KeyTooShort { len, min, .. } => (
            "key_too_short",
            format!(
                "the secret is {len} bytes, shorter than the {min} bytes {} requires (RFC 7518 §3.2)",
                A::NAME
            ),
        ),
        Error::Base64 => (
            "jwk",
            "\"k\" is not unpadded base64url (RFC 7515 §2)".to_owned(),
        ),
        Error::Jwk(JwkError::Algorithm) => (
            "jwk",
            format!("the key's \"alg\" is not {} (pass --alg to match it)", A::NAME),
        ),
        Error::Jwk(JwkError::KeyType) => (
            "jwk",
            "\"kty\" must be \"oct\" (a symmetric key): only HMAC keys are used here".to_owned(),
        ),
        Error::Jwk(JwkError::Use) => ("jwk", "\"use\" is not \"sig\"".to_owned()),
        Error::Jwk(JwkError::MissingSecret) => ("jwk", "\"k\" (the secret) is missing".to_owned()),
        Error::Jwk(JwkError::NoUsableKey) => (
            "jwk_no_key",
            format!("the JWK Set has no \"oct\" key for {}", A::NAME),
        ),
        Error::InvalidKeyId => (
            "jwk",
            "every key of a JWK Set needs a \"kid\" of 1 to 64 bytes (tokens name the key that made them)"
                .to_owned(),
        ),
        Error::KeySetFull => (
            "jwk",
            format!(
                "two keys share a \"kid\", or the set holds more than {MAX_KEYS} keys for {}",
                A::NAME
            ),
        ),
        _ => {
            let f = Failure::from_error(Class::Usage, e);
            return Failure {
                kind: "jwk".to_owned(),
                message: format!("--jwk: {which}{}", f.message),
                ..f
            };
        }
    };
    Failure::usage(kind, format!("--jwk: {which}{detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use microjwt::{Hs256, Hs512};

    // RFC 7515 Appendix A.1's HS256 key.
    const K: &str =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    #[test]
    fn jwk_errors_are_worded_without_the_secret() {
        let ok = format!(r#"{{"kty":"oct","k":"{K}","kid":"a","use":"sig","alg":"HS256"}}"#);
        assert_eq!(key_from_jwk::<Hs256>(&ok).unwrap().kid(), Some("a"));
        let wrong_alg = key_from_jwk::<Hs512>(&ok).unwrap_err();
        assert!(
            wrong_alg.message.contains("\"alg\" is not HS512"),
            "{}",
            wrong_alg.message
        );
        for (json, says) in [
            (
                format!(r#"{{"kty":"RSA","k":"{K}"}}"#),
                "\"kty\" must be \"oct\"",
            ),
            (format!(r#"{{"k":"{K}"}}"#), "\"kty\" must be \"oct\""),
            (
                format!(r#"{{"kty":"oct","k":"{K}","use":"enc"}}"#),
                "\"use\" is not \"sig\"",
            ),
            (
                r#"{"kty":"oct"}"#.to_owned(),
                "\"k\" (the secret) is missing",
            ),
            (
                format!(r#"{{"kty":"oct","k":"{K}="}}"#),
                "not unpadded base64url",
            ),
            (
                r#"{"kty":"oct","k":"AAAA"}"#.to_owned(),
                "3 bytes, shorter than the 32",
            ),
        ] {
            let e = key_from_jwk::<Hs256>(&json).unwrap_err();
            assert!(e.message.contains(says), "{json}: {}", e.message);
            assert!(e.message.starts_with("--jwk: "), "{}", e.message);
            assert!(!e.message.contains(K), "{}", e.message);
        }
    }

    #[test]
    fn jwks_keeps_the_keys_for_the_algorithm() {
        let set = format!(
            r#"{{"keys":[{{"kty":"oct","k":"{K}","kid":"a"}},{{"kty":"oct","k":"{K}","kid":"b","alg":"HS512"}}]}}"#
        );
        let keys = keys_from_jwks::<Hs256>(&set).unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys.get("a").is_some());
        // A key without `alg` serves every algorithm it is long enough for.
        assert_eq!(keys_from_jwks::<Hs512>(&set).unwrap().len(), 2);
        let short = r#"{"keys":[{"kty":"oct","k":"AAAA","kid":"s"}]}"#;
        let e = keys_from_jwks::<Hs256>(short).unwrap_err();
        assert!(
            e.message
                .starts_with("--jwk: key \"s\": the secret is 3 bytes"),
            "{}",
            e.message
        );
    }

    #[test]
    fn padded_base64() {
        use base64ct::Encoding;
        let text = base64ct::Base64::encode_string(&[7u8; 32]);
        assert!(text.ends_with('='));
        assert!(key_from_base64::<Hs256>(&text).is_ok());
        assert_eq!(
            key_from_base64::<Hs256>(text.trim_end_matches('=')).unwrap_err(),
            Error::Base64
        );
    }
}
