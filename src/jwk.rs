//! JSON Web Keys holding HMAC secrets: `{"kty":"oct","k":"…"}` (RFC 7517, RFC 7518 §6.4), one at
//! a time or as a JWK Set (RFC 7517 §5), read by the crate's own strict JSON reader with no heap.

use crate::alg::Algorithm;
use crate::error::Failure;
use crate::json::{RawStr, Reader};
use crate::key::{HmacKey, KeyOps};
use crate::keyset::KeySet;
use crate::{Error, JwkError};

/// Room for the unescaped text of a key's strings; JWK members are short base64url and names,
/// so only an absurdly escaped key runs out ([`JwkError::TooLarge`]).
const ARENA: usize = 1024;

impl<A: Algorithm> HmacKey<A> {
    /// Makes a key from a JSON Web Key of type `oct` (RFC 7517, RFC 7518 §6.4), such as
    /// `jose`'s `exportJWK` or PyJWT's `HMACAlgorithm.to_jwk` write.
    ///
    /// - `kty` must be `oct`; `k` holds the secret as unpadded base64url, decoded in constant
    ///   time ([`HmacKey::from_base64url`]), and must be at least as long as the hash output.
    /// - `alg`, if present, must be this key's algorithm (RFC 7517 §4.4).
    /// - `use`, if present, must be `sig` (§4.2).
    /// - `key_ops`, if present (§4.3), decides what the key may do: without `"sign"`,
    ///   [`sign`](crate::sign) refuses it with [`Error::KeyOperationNotPermitted`]; without
    ///   `"verify"`, [`verify`](crate::verify) does. Repeated values, or values that contradict
    ///   `use`, are rejected.
    /// - `kid`, if present, is attached ([`HmacKey::with_kid`]). Other members are ignored.
    ///
    /// ```
    /// use microjwt::{HmacKey, Hs256};
    /// let jwk = r#"{"kty":"oct","kid":"2026-11","alg":"HS256",
    ///               "k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"}"#;
    /// let key = HmacKey::<Hs256>::from_jwk(jwk)?;
    /// assert_eq!(key.kid(), Some("2026-11"));
    /// # Ok::<(), microjwt::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Json`] (and the other JSON errors) unless `jwk` is one strict JSON object;
    /// [`Error::Jwk`] with the reason the key is unusable; [`Error::Base64`],
    /// [`Error::KeyTooShort`], [`Error::KeyTooLong`] for the secret; [`Error::InvalidKeyId`] for
    /// an empty or over-long `kid`.
    pub fn from_jwk(jwk: &str) -> Result<Self, Error> {
        fn read<'a>(
            jwk: &'a str,
            arena: &'a mut [u8],
            problem: &mut Option<Error>,
        ) -> Result<Fields<'a>, Failure> {
            let mut reader = Reader::new(jwk, arena)?;
            let fields = read_jwk(&mut reader, problem)?;
            reader.end()?;
            Ok(fields)
        }
        let mut arena = [0u8; ARENA];
        let mut problem = None;
        let fields = read(jwk, &mut arena, &mut problem).map_err(too_large)?;
        match problem {
            Some(problem) => Err(problem),
            None => fields.into_key(),
        }
    }
}

impl<A: Algorithm, const N: usize> KeySet<A, N> {
    /// Makes a key set from a JWK Set (RFC 7517 §5): every key of `keys` that is an `oct` key for
    /// this algorithm becomes a key of the set, read as [`HmacKey::from_jwk`] reads one and
    /// chosen by its `kid`, which it must have.
    ///
    /// Keys of another type (`RSA`, `EC`, …), for another `alg`, or for another `use` or
    /// `key_ops` are skipped: a set may serve several algorithms. A key meant for this one that
    /// is broken is an error, never skipped.
    ///
    /// ```
    /// use microjwt::{HmacKey, Hs256, KeySet};
    /// let jwks = r#"{"keys":[
    ///   {"kty":"oct","kid":"old","k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"},
    ///   {"kty":"oct","kid":"new","alg":"HS256","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr8"},
    ///   {"kty":"oct","kid":"other","alg":"HS512","k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"},
    ///   {"kty":"EC","kid":"p256","crv":"P-256","x":"…","y":"…"}
    /// ]}"#;
    /// let keys = KeySet::<Hs256, 4>::from_jwks(jwks)?;
    /// assert_eq!(keys.len(), 2);
    /// assert!(keys.get("new").is_some() && keys.get("other").is_none());
    /// # Ok::<(), microjwt::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`HmacKey::from_jwk`] for each key for this algorithm; [`Error::InvalidKeyId`] when
    /// one has no `kid`; [`Error::KeySetFull`] beyond `N` keys or for a repeated `kid`;
    /// [`Error::Jwk`] with [`JwkError::NoUsableKey`] when there is no `keys` array or no key in
    /// it for this algorithm, [`JwkError::KeyType`] for a key without `kty`.
    pub fn from_jwks(jwks: &str) -> Result<Self, Error> {
        let mut arena = [0u8; ARENA];
        let mut set = Self::new();
        let mut saw_keys = false;
        // The whole document is read before any key is judged: a broken key followed by invalid
        // JSON is a JSON error, as everywhere in this crate.
        let mut problem = None;
        let mut read = || {
            let mut reader = Reader::new(jwks, &mut arena)?;
            reader.object(|reader, name| {
                if !name.is("keys") {
                    return reader.skip_value();
                }
                saw_keys = true;
                if reader.peek() != Some(b'[') {
                    return wrong_type(reader, &mut problem);
                }
                reader.array(|reader| {
                    let fields = read_jwk(reader, &mut problem)?;
                    let key = match fields.kty {
                        None => Err(Error::Jwk(JwkError::KeyType)),
                        Some(_) if !fields.is_for::<A>() => return Ok(()),
                        Some(_) => fields.into_key().and_then(|key| set.insert(key)),
                    };
                    if let Err(e) = key {
                        problem.get_or_insert(e);
                    }
                    Ok(())
                })
            })?;
            reader.end()
        };
        read().map_err(too_large)?;
        if let Some(problem) = problem {
            return Err(problem);
        }
        if !saw_keys || set.is_empty() {
            return Err(Error::Jwk(JwkError::NoUsableKey));
        }
        Ok(set)
    }
}

/// The members of a JWK this crate looks at, as read (RFC 7517 §4).
#[derive(Default)]
struct Fields<'a> {
    kty: Option<&'a str>,
    k: Option<&'a str>,
    kid: Option<&'a str>,
    alg: Option<&'a str>,
    usage: Option<&'a str>,
    ops: Option<Ops>,
}

/// `key_ops` as read: the two operations an HMAC key can do, and whether it named others.
#[derive(Clone, Copy)]
struct Ops {
    allowed: KeyOps,
    others: bool,
}

impl Fields<'_> {
    /// Whether a set's key is meant for HMAC with `A` and for signatures at all; keys that are
    /// not are someone else's and are skipped.
    fn is_for<A: Algorithm>(&self) -> bool {
        self.kty == Some("oct")
            && self.alg.is_none_or(|alg| alg == A::NAME)
            && self.usage.is_none_or(|usage| usage == "sig")
            && self
                .ops
                .is_none_or(|ops| ops.allowed.sign || ops.allowed.verify)
    }

    fn into_key<A: Algorithm>(self) -> Result<HmacKey<A>, Error> {
        let reject = |why| Err(Error::Jwk(why));
        if self.kty != Some("oct") {
            return reject(JwkError::KeyType);
        }
        if self.alg.is_some_and(|alg| alg != A::NAME) {
            return reject(JwkError::Algorithm);
        }
        if self.usage.is_some_and(|usage| usage != "sig") {
            return reject(JwkError::Use);
        }
        let allowed = match self.ops {
            None => KeyOps::ALL,
            // RFC 7517 §4.3: `use` and `key_ops` must agree when both are given.
            Some(ops) if ops.others && self.usage.is_some() => return reject(JwkError::KeyOps),
            Some(ops) if !ops.allowed.sign && !ops.allowed.verify => {
                return reject(JwkError::KeyOps);
            }
            Some(ops) => ops.allowed,
        };
        let Some(secret) = self.k else {
            return reject(JwkError::MissingSecret);
        };
        let key = HmacKey::from_base64url(secret)?.with_ops(allowed);
        match self.kid {
            Some(kid) => key.with_kid(kid),
            None => Ok(key),
        }
    }
}

/// Reads one JWK object. A member of the wrong type is noted in `problem` (the first one wins)
/// and the walk goes on, so that the rest of the document is still checked as JSON.
fn read_jwk<'a>(
    reader: &mut Reader<'a>,
    problem: &mut Option<Error>,
) -> Result<Fields<'a>, Failure> {
    let mut fields = Fields::default();
    if reader.peek() != Some(b'{') {
        wrong_type(reader, problem)?;
        return Ok(fields);
    }
    reader.object(|reader, name| {
        let slot = match () {
            () if name.is("kty") => &mut fields.kty,
            () if name.is("k") => &mut fields.k,
            () if name.is("kid") => &mut fields.kid,
            () if name.is("alg") => &mut fields.alg,
            () if name.is("use") => &mut fields.usage,
            () if name.is("key_ops") => {
                fields.ops = read_ops(reader, problem)?;
                return Ok(());
            }
            () => return reader.skip_value(),
        };
        match reader.string_value()? {
            Some(value) => *slot = Some(value),
            None => wrong_type(reader, problem)?,
        }
        Ok(())
    })?;
    Ok(fields)
}

/// Reads `key_ops`: an array of distinct strings (RFC 7517 §4.3). Values beyond `sign` and
/// `verify` are allowed and noted; at most eight are kept for the duplicate check, as many as
/// the RFC registers.
fn read_ops(reader: &mut Reader<'_>, problem: &mut Option<Error>) -> Result<Option<Ops>, Failure> {
    if reader.peek() != Some(b'[') {
        wrong_type(reader, problem)?;
        return Ok(None);
    }
    let mut seen: [Option<RawStr<'_>>; 8] = [None; 8];
    let mut ops = Ops {
        allowed: KeyOps {
            sign: false,
            verify: false,
        },
        others: false,
    };
    reader.array(|reader| {
        if reader.peek() != Some(b'"') {
            return wrong_type(reader, problem);
        }
        let value = reader.string()?;
        match seen
            .iter_mut()
            .find(|slot| slot.is_none_or(|earlier| earlier.eq_raw(&value)))
        {
            Some(slot @ None) => *slot = Some(value),
            // A repeated value, or more values than there are registered operations.
            _ => {
                problem.get_or_insert(Error::Jwk(JwkError::KeyOps));
            }
        }
        match () {
            () if value.eq_str("sign") => ops.allowed.sign = true,
            () if value.eq_str("verify") => ops.allowed.verify = true,
            () => ops.others = true,
        }
        Ok(())
    })?;
    Ok(Some(ops))
}

/// Skips (and so validates) a value of the wrong JSON type, noting the problem.
fn wrong_type(reader: &mut Reader<'_>, problem: &mut Option<Error>) -> Result<(), Failure> {
    reader.skip_value()?;
    problem.get_or_insert(Error::Jwk(JwkError::MemberType));
    Ok(())
}

/// The reader's arena is this module's own fixed buffer, not the caller's: running out of it says
/// the key is too large, not that a buffer the caller passed is too small.
fn too_large(failure: Failure) -> Error {
    match failure {
        Failure::Full => Error::Jwk(JwkError::TooLarge),
        Failure::Reject(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Hs256, Hs512};

    const K: &str = "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg";

    fn jwk(members: &str) -> Result<HmacKey<Hs256>, Error> {
        HmacKey::from_jwk(&std::format!(r#"{{"kty":"oct","k":"{K}"{members}}}"#))
    }

    #[test]
    fn members_are_respected() {
        let plain = HmacKey::<Hs256>::from_base64url(K).unwrap();
        let key = jwk(r#","kid":"a","alg":"HS256","use":"sig","ext":true"#).unwrap();
        assert_eq!(key.kid(), Some("a"));
        assert!(plain.verify_mac(b"m", key.mac(b"m").as_bytes()).is_ok());
        assert_eq!(key.ops(), KeyOps::ALL);
        let verify_only = jwk(r#","key_ops":["verify"]"#).unwrap();
        assert_eq!(
            verify_only.ops(),
            KeyOps {
                sign: false,
                verify: true
            }
        );
        let jwk_error = |why| Err(Error::Jwk(why));
        let only = |r: Result<HmacKey<Hs256>, Error>| r.map(|_| ());
        assert_eq!(
            only(jwk(r#","alg":"HS512""#)),
            jwk_error(JwkError::Algorithm)
        );
        assert_eq!(only(jwk(r#","use":"enc""#)), jwk_error(JwkError::Use));
        assert_eq!(
            only(jwk(r#","key_ops":["sign","sign"]"#)),
            jwk_error(JwkError::KeyOps)
        );
        assert_eq!(
            only(jwk(r#","key_ops":["encrypt"]"#)),
            jwk_error(JwkError::KeyOps)
        );
        assert_eq!(
            only(jwk(r#","use":"sig","key_ops":["sign","encrypt"]"#)),
            jwk_error(JwkError::KeyOps)
        );
        assert_eq!(only(jwk(r#","kid":7"#)), jwk_error(JwkError::MemberType));
        assert_eq!(only(jwk(r#","kid":"""#)), Err(Error::InvalidKeyId));
        assert_eq!(only(jwk(r#","k":"x""#)), Err(Error::DuplicateMember));
        let from = |text: &str| HmacKey::<Hs256>::from_jwk(text).map(|_| ());
        assert_eq!(
            from(r#"{"kty":"RSA","k":"AAAA"}"#),
            jwk_error(JwkError::KeyType)
        );
        assert_eq!(from(r#"{"k":"AAAA"}"#), jwk_error(JwkError::KeyType));
        assert_eq!(from(r#"{"kty":"oct"}"#), jwk_error(JwkError::MissingSecret));
        assert_eq!(
            from(r#"{"kty":"oct","k":"AAAA"}"#),
            Err(Error::KeyTooShort { len: 3, min: 32 })
        );
        assert_eq!(from(r#"{"kty":"oct","k":"AA=="}"#), Err(Error::Base64));
        assert_eq!(from(r#"{"kty":"oct","k":tru}"#), Err(Error::Json));
        assert_eq!(from(r#"{"kty":"oct"} x"#), Err(Error::Json));
        assert_eq!(from(r#"{"kid":7,"kty":"oct","x":[}"#), Err(Error::Json));
        assert_eq!(from(r#"[]"#), jwk_error(JwkError::MemberType));
        // Escapes are JSON like any other: `k` spelled with `\u` escapes is the same key.
        let escaped = std::format!(r#"{{"kty":"o\u0063t","\u006b":"{K}"}}"#);
        assert!(HmacKey::<Hs256>::from_jwk(&escaped).is_ok());
    }

    #[test]
    fn sets_take_the_keys_for_their_algorithm() {
        let set =
            |keys: &str| KeySet::<Hs256, 2>::from_jwks(&std::format!(r#"{{"keys":[{keys}]}}"#));
        let a = std::format!(r#"{{"kty":"oct","kid":"a","k":"{K}"}}"#);
        let b512 = std::format!(r#"{{"kty":"oct","kid":"b","alg":"HS512","k":"{K}"}}"#);
        let enc = std::format!(r#"{{"kty":"oct","kid":"e","use":"enc","k":"{K}"}}"#);
        let rsa = r#"{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}"#;
        let keys = set(&std::format!("{a},{b512},{enc},{rsa}")).unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys.get("a").is_some());
        let no_kid = std::format!(r#"{{"kty":"oct","k":"{K}"}}"#);
        assert_eq!(set(&no_kid).map(|_| ()), Err(Error::InvalidKeyId));
        assert_eq!(
            set(&std::format!("{a},{a}")).map(|_| ()),
            Err(Error::KeySetFull)
        );
        let none = Err(Error::Jwk(JwkError::NoUsableKey));
        assert_eq!(set(rsa).map(|_| ()), none);
        assert_eq!(KeySet::<Hs256, 2>::from_jwks("{}").map(|_| ()), none);
        assert_eq!(
            set(r#"{"kid":"x"}"#).map(|_| ()),
            Err(Error::Jwk(JwkError::KeyType))
        );
        let broken = r#"{"kty":"oct","kid":"s","k":"AAAA"}"#;
        assert_eq!(
            set(broken).map(|_| ()),
            Err(Error::KeyTooShort { len: 3, min: 32 })
        );
        assert_eq!(
            set(&std::format!("{broken},[")).map(|_| ()),
            Err(Error::Json)
        );
        let hs512 = KeySet::<Hs512, 2>::from_jwks(&std::format!(r#"{{"keys":[{b512}]}}"#));
        assert_eq!(
            hs512.map(|_| ()),
            Err(Error::KeyTooShort { len: 32, min: 64 })
        );
    }
}
