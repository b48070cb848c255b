//! The library constructors for keys as users hold them: a JWK, a JWK Set, padded base64.
//!
//! Every call into those constructors goes through this module, so the rest of the tool does not
//! care how they are spelled.
//!
//! INTERIM: `HmacKey::from_jwk`, `KeySet::from_jwks` and `HmacKey::from_base64` are being added
//! to the library on main. Until they land these functions do the same checks here (RFC 7517
//! §4, §6.4: `kty` `oct`, `k` base64url, `alg` the key's, `use` `sig`, `kid` attached); after
//! `git merge main` each body becomes the one library call named in its doc.

use base64ct::Encoding;
use microjwt::{Algorithm, Error, HmacKey, KeySet};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::failure::{Failure, Result};

/// The most keys a `--jwk` set may hold for one algorithm.
pub const MAX_KEYS: usize = 32;

/// `HmacKey::<A>::from_jwk(json)`.
///
/// # Errors
/// A usage failure naming the member that is wrong.
pub fn key_from_jwk<A: Algorithm>(json: &str) -> Result<HmacKey<A>> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| jwk_error(&format!("not JSON: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| jwk_error("not a JSON object"))?;
    let member = |name: &str| -> Result<Option<&str>> {
        match object.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(jwk_error(&format!("\"{name}\" must be a string"))),
        }
    };
    match member("kty")? {
        Some("oct") => {}
        Some(other) => {
            return Err(jwk_error(&format!(
                "\"kty\" is {other:?}: only symmetric \"oct\" keys work with HMAC"
            )));
        }
        None => return Err(jwk_error("\"kty\" is missing (expected \"oct\")")),
    }
    if let Some(alg) = member("alg")?
        && alg != A::NAME
    {
        return Err(jwk_error(&format!(
            "the key's \"alg\" is {alg:?}, not {}",
            A::NAME
        )));
    }
    if let Some(usage) = member("use")?
        && usage != "sig"
    {
        return Err(jwk_error(&format!(
            "\"use\" is {usage:?}: only \"sig\" keys sign and verify"
        )));
    }
    if let Some(ops) = object.get("key_ops")
        && !ops
            .as_array()
            .is_some_and(|ops| ops.iter().all(Value::is_string))
    {
        return Err(jwk_error("\"key_ops\" must be an array of strings"));
    }
    let k = member("k")?.ok_or_else(|| jwk_error("\"k\" (the secret) is missing"))?;
    let key = HmacKey::<A>::from_base64url(k).map_err(|e| match e {
        Error::Base64 => jwk_error("\"k\" is not unpadded base64url (RFC 7515 §2)"),
        Error::KeyTooShort { len, min, .. } => Failure::usage(
            "key_too_short",
            format!(
                "the JWK's secret is {len} bytes, shorter than the {min} bytes {} requires (RFC 7518 §3.2)",
                A::NAME
            ),
        ),
        e => Failure::from_error(crate::failure::Class::Usage, &e),
    })?;
    match member("kid")? {
        Some(kid) => key
            .with_kid(kid)
            .map_err(|_| jwk_error("\"kid\" is empty or longer than 64 bytes")),
        None => Ok(key),
    }
}

/// `KeySet::<A, MAX_KEYS>::from_jwks(json)`: the `oct` keys for `A`, each with its `kid`.
///
/// # Errors
/// A usage failure for a set that is not JSON, a key for `A` that does not load, or more keys
/// than fit.
pub fn keys_from_jwks<A: Algorithm>(json: &str) -> Result<KeySet<A, MAX_KEYS>> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| jwk_error(&format!("not JSON: {e}")))?;
    let keys = value
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| jwk_error("a JWK Set needs a \"keys\" array"))?;
    let mut set = KeySet::new();
    for key in keys {
        let is_for_alg = key.get("kty").and_then(Value::as_str) == Some("oct")
            && key
                .get("alg")
                .and_then(Value::as_str)
                .is_none_or(|alg| alg == A::NAME);
        if !is_for_alg {
            continue;
        }
        let loaded = key_from_jwk::<A>(&key.to_string()).map_err(|mut f| {
            if let Some(kid) = key.get("kid").and_then(Value::as_str) {
                let detail = f.message.strip_prefix("--jwk: ").unwrap_or(&f.message);
                f.message = format!("--jwk: key {kid:?}: {detail}");
            }
            f
        })?;
        if loaded.kid().is_none() {
            return Err(jwk_error(
                "every key of a JWK Set needs a \"kid\" (tokens name the key that made them)",
            ));
        }
        set.insert(loaded).map_err(|_| {
            jwk_error(&format!(
                "two keys share a \"kid\", or the set holds more than {MAX_KEYS} keys for {}",
                A::NAME
            ))
        })?;
    }
    Ok(set)
}

/// `HmacKey::<A>::from_base64(text)`: standard alphabet, padded, as `openssl rand -base64 32`
/// prints.
///
/// # Errors
/// [`Error::Base64`] unless `text` is canonical padded base64; otherwise as [`HmacKey::new`].
pub fn key_from_base64<A: Algorithm>(text: &str) -> Result<HmacKey<A>, Error> {
    let secret = Zeroizing::new(base64ct::Base64::decode_vec(text).map_err(|_| Error::Base64)?);
    HmacKey::new(&secret)
}

/// `sign_to_string_with_header`, where the library refuses keys whose `key_ops` lack `sign`.
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

fn jwk_error(detail: &str) -> Failure {
    Failure::usage("jwk", format!("--jwk: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use microjwt::{Hs256, Hs512};

    // RFC 7515 Appendix A.1's HS256 key.
    const K: &str =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

    #[test]
    fn jwk_members_are_checked() {
        let ok = format!(r#"{{"kty":"oct","k":"{K}","kid":"a","use":"sig","alg":"HS256"}}"#);
        assert_eq!(key_from_jwk::<Hs256>(&ok).unwrap().kid(), Some("a"));
        let wrong_alg = key_from_jwk::<Hs512>(&ok).unwrap_err();
        assert!(
            wrong_alg.message.contains("\"HS256\", not HS512"),
            "{}",
            wrong_alg.message
        );
        for (json, says) in [
            (
                format!(r#"{{"kty":"RSA","k":"{K}"}}"#),
                "\"kty\" is \"RSA\"",
            ),
            (format!(r#"{{"k":"{K}"}}"#), "\"kty\" is missing"),
            (
                format!(r#"{{"kty":"oct","k":"{K}","use":"enc"}}"#),
                "\"use\" is \"enc\"",
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
                format!(r#"{{"kty":"oct","k":"{K}","key_ops":"sign"}}"#),
                "array of strings",
            ),
            (
                r#"{"kty":"oct","k":"AAAA"}"#.to_owned(),
                "3 bytes, shorter than the 32",
            ),
        ] {
            let e = key_from_jwk::<Hs256>(&json).unwrap_err();
            assert!(e.message.contains(says), "{json}: {}", e.message);
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
        assert!(e.message.starts_with("--jwk: key \"s\":"), "{}", e.message);
    }

    #[test]
    fn padded_base64() {
        let text = base64ct::Base64::encode_string(&[7u8; 32]);
        assert!(text.ends_with('='));
        assert!(key_from_base64::<Hs256>(&text).is_ok());
        assert_eq!(
            key_from_base64::<Hs256>(text.trim_end_matches('=')).unwrap_err(),
            Error::Base64
        );
    }
}
