//! Fuzz target `roundtrip`: `data` decodes (by [`Gen`]) to an algorithm, a secret, a key `kid`,
//! header options and claims covering every serde shape; `sign` then `verify` must give them
//! back.
//!
//! `HmacKey::new` fails only below the tag length, `with_kid` only for an empty or too long kid;
//! `sign_with_header` fails only with `BufferTooSmall` (then a buffer of exactly `needed` bytes
//! works) or `Unserializable`, exactly when a float is not finite. The token's header is `alg,
//! typ, cty, kid` in that order, its payload what serde_json writes, its MAC genuine. `verify`
//! gives back exactly the claims (owned, borrowed, registered claims as `Option`s), the
//! registered claims and the header, through a single key and a key set, or `NestedToken` for
//! `cty: JWT`; one flipped bit anywhere is rejected before the MAC passes.

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Algorithm, Error, HeaderOptions, HmacKey, Hs256, Hs384, Hs512, KeySet, Validation};
use serde::de::IgnoredAny;
use serde_json::Value;

use super::decoder::Gen;
use super::oracle_claims::Registered;
use super::oracle_header::same_media_type;
use super::oracle_json::{self, J};
use super::roundtrip_case::{Aud, OptRegistered, RtCase, RtClaims, RtClaimsRef, Typ};
use super::tokens::{mac_is_genuine, pre_mac, scratch_for};

pub fn check(data: &[u8]) {
    let case = Gen::new(data).case();
    match case.alg {
        0 => check_with::<Hs256>(&case),
        1 => check_with::<Hs384>(&case),
        _ => check_with::<Hs512>(&case),
    }
}

fn check_with<A: Algorithm>(case: &RtCase) {
    let Some(key) = make_key::<A>(case) else {
        return;
    };
    let Some(token) = sign(&key, case) else {
        return;
    };
    let expected = Expected::of(case, key.kid());
    check_written::<A>(&key, case, &token, &expected);
    verify_back(&key, case, &token, &expected);
    through_key_set(&key, &token, &expected);
    tampered(&key, case, &token);
}

/// The key, or `None` after checking that `HmacKey::new` refused a too-short secret. A `kid`
/// that `with_kid` refuses (empty or too long) leaves the key without one.
fn make_key<A: Algorithm>(case: &RtCase) -> Option<HmacKey<A>> {
    let key = match HmacKey::<A>::new(&case.secret) {
        Ok(key) => key,
        Err(e) => {
            assert!(case.secret.len() < A::TAG_LEN, "{e:?} for {case:?}");
            let min = A::TAG_LEN;
            assert_eq!(
                e,
                Error::KeyTooShort {
                    len: case.secret.len(),
                    min
                }
            );
            return None;
        }
    };
    assert!(case.secret.len() >= A::TAG_LEN);
    let Some(kid) = &case.key_kid else {
        return Some(key);
    };
    let valid_kid = !kid.is_empty() && kid.len() <= microjwt::MAX_KID_LEN;
    match key.clone().with_kid(kid) {
        Ok(k) => {
            assert!(valid_kid, "{kid:?} accepted");
            assert_eq!(k.kid(), Some(kid.as_str()));
            Some(k)
        }
        Err(e) => {
            assert_eq!(e, Error::InvalidKeyId);
            assert!(!valid_kid, "{kid:?} refused");
            Some(key)
        }
    }
}

/// Signs the case, first into a buffer that may be too small; `None` after checking that
/// `Unserializable` was right (a non-finite float).
fn sign<A: Algorithm>(key: &HmacKey<A>, case: &RtCase) -> Option<String> {
    let mut options = HeaderOptions::new();
    options = match &case.typ {
        Typ::Default => options,
        Typ::Removed => options.typ(None),
        Typ::Set(t) => options.typ(Some(t)),
    };
    if let Some(cty) = &case.cty {
        options = options.cty(cty);
    }
    if let Some(kid) = &case.kid {
        options = options.kid(kid);
    }
    let claims = &case.claims;
    let unserializable = !claims.ratio.is_finite() || !claims.small.is_finite();
    let mut buf = vec![0u8; case.first_buf];
    let signed = match microjwt::sign_with_header(key, &options, claims, &mut buf) {
        Err(Error::BufferTooSmall { needed }) => {
            assert!(
                needed > case.first_buf,
                "BufferTooSmall {{ {needed} }} for {}",
                buf.len()
            );
            let mut buf = vec![0u8; needed];
            microjwt::sign_with_header(key, &options, claims, &mut buf).map(str::to_owned)
        }
        r => r.map(str::to_owned),
    };
    let token = match signed {
        Ok(token) => token,
        Err(Error::Unserializable) => {
            assert!(unserializable, "Unserializable for {case:?}");
            return None;
        }
        Err(e) => panic!("sign: {e:?} for {case:?}"),
    };
    assert!(!unserializable, "non-finite float signed: {token}");
    // The same token from the plain `sign` when the options are the defaults.
    if matches!(case.typ, Typ::Default) && case.cty.is_none() && case.kid.is_none() {
        let mut buf = vec![0u8; token.len()];
        assert_eq!(microjwt::sign(key, claims, &mut buf), Ok(token.as_str()));
    }
    Some(token)
}

/// What verifying the signed token must give back.
struct Expected<'c> {
    claims: &'c RtClaims,
    registered: Registered,
    typ: Option<&'c str>,
    cty: Option<&'c str>,
    /// The header's kid: the options' kid, else the key's.
    kid: Option<String>,
    /// `cty` says the payload is a nested JWT: every verify must say `NestedToken`.
    nested: bool,
}

impl<'c> Expected<'c> {
    fn of(case: &'c RtCase, key_kid: Option<&str>) -> Self {
        let claims = &case.claims;
        Expected {
            claims,
            registered: Registered {
                iss: claims.iss.clone(),
                sub: claims.sub.clone(),
                aud: claims.aud.as_ref().map(|a| match a {
                    Aud::One(s) => vec![s.clone()],
                    Aud::Many(v) => v.clone(),
                }),
                exp: claims.exp.map(|s| (s, 0)),
                nbf: claims.nbf.map(|s| (s, 0)),
                iat: claims.iat.map(|s| (s, 0)),
                jti: claims.jti.clone(),
            },
            typ: match &case.typ {
                Typ::Default => Some("JWT"),
                Typ::Removed => None,
                Typ::Set(t) => Some(t.as_str()),
            },
            cty: case.cty.as_deref(),
            kid: case.kid.as_deref().or(key_kid).map(str::to_owned),
            nested: case
                .cty
                .as_deref()
                .is_some_and(|c| same_media_type(c, "JWT")),
        }
    }

    /// A verify of the token into [`RtClaims`] is exactly this.
    fn check(&self, r: Result<microjwt::Claims<'_, RtClaims>, Error>, how: &str, token: &str) {
        match r {
            Err(Error::NestedToken) if self.nested => {}
            Ok(c) if !self.nested => {
                assert_eq!(c.custom(), self.claims, "{how}: claims of {token}");
                self.registered.assert_same(c.registered(), &(how, token));
                assert_eq!(c.header().typ(), self.typ, "{how}");
                assert_eq!(c.header().cty(), self.cty, "{how}");
                assert_eq!(c.header().kid(), self.kid.as_deref(), "{how}");
            }
            other => panic!("{how}: {other:?} for {token}"),
        }
    }
}

/// What was signed: the header's members in the documented order, the payload what serde_json
/// writes for the claims (floats compared after parsing), a genuine MAC.
fn check_written<A: Algorithm>(key: &HmacKey<A>, case: &RtCase, token: &str, e: &Expected<'_>) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    assert!(mac_is_genuine(key, token), "sign made a wrong MAC: {token}");
    let mut header = vec![("alg".to_owned(), J::Str(A::NAME.to_owned()))];
    for (name, value) in [("typ", e.typ), ("cty", e.cty), ("kid", e.kid.as_deref())] {
        if let Some(v) = value {
            header.push((name.to_owned(), J::Str(v.to_owned())));
        }
    }
    let header_bytes = Base64UrlUnpadded::decode_vec(parts[0]).unwrap();
    let parsed = oracle_json::parse(&header_bytes);
    assert_eq!(parsed, Ok(J::Obj(header)), "header of {case:?}");
    let payload = Base64UrlUnpadded::decode_vec(parts[1]).unwrap();
    let mut written: Value = serde_json::from_slice(&payload).unwrap();
    let mut expected = serde_json::to_value(&case.claims).unwrap();
    for field in ["ratio", "small"] {
        written.as_object_mut().unwrap().remove(field);
        expected.as_object_mut().unwrap().remove(field);
    }
    assert_eq!(written, expected, "payload of {case:?}");
}

/// The validation of every verify here: no clock, no audience, so any claims verify.
fn validation() -> Validation<'static> {
    Validation::time_unknown()
        .danger_skip_time_checks()
        .danger_ignore_audience()
}

/// Single key: owned claims, registered claims as `Option`s, borrowed claims.
fn verify_back<A: Algorithm>(key: &HmacKey<A>, case: &RtCase, token: &str, e: &Expected<'_>) {
    let mut scratch = scratch_for(token);
    let r = microjwt::verify::<RtClaims>(key, token, &validation(), &mut scratch);
    e.check(r, "single key", token);

    let mut scratch = scratch_for(token);
    let r = microjwt::verify::<OptRegistered>(key, token, &validation(), &mut scratch);
    let claims = &case.claims;
    let want = OptRegistered {
        iss: claims.iss.clone(),
        sub: claims.sub.clone(),
        aud: claims.aud.clone(),
        jti: claims.jti.clone(),
    };
    match r {
        Err(Error::NestedToken) if e.nested => {}
        Ok(c) if !e.nested => assert_eq!(c.custom(), &want, "Option<_> registered claims"),
        other => panic!("verify::<OptRegistered>: {other:?}, expected Ok({want:?}); {token}"),
    }

    let mut scratch = scratch_for(token);
    match microjwt::verify::<RtClaimsRef<'_>>(key, token, &validation(), &mut scratch) {
        Err(Error::NestedToken) if e.nested => {}
        Ok(c) if !e.nested => assert_eq!(&c.custom().to_owned(), claims, "borrowed claims"),
        other => panic!("borrowed: {other:?} for {case:?} as {token}"),
    }
}

/// A key set holding the key under the token's kid (or as the default), beside a decoy.
fn through_key_set<A: Algorithm>(key: &HmacKey<A>, token: &str, e: &Expected<'_>) {
    let mut keys = KeySet::<A, 2>::new();
    let decoy = HmacKey::<A>::new(&[0x5a; 64]).unwrap();
    let mut scratch = scratch_for(token);
    match e.kid.as_deref() {
        Some(kid) if kid.len() <= microjwt::MAX_KID_LEN && !kid.is_empty() => {
            keys.insert(key.clone().with_kid(kid).unwrap()).unwrap();
            let decoy_kid = if kid == "decoy" { "decoy2" } else { "decoy" };
            keys.insert(decoy.with_kid(decoy_kid).unwrap()).unwrap();
            keys.set_default(decoy_kid).unwrap();
            let r = microjwt::verify::<RtClaims>(&keys, token, &validation(), &mut scratch);
            e.check(r, "key set", token);
        }
        Some(kid) => {
            // A kid no key can have (empty or too long): never found, whatever the default.
            keys.insert(key.clone().with_kid("k").unwrap()).unwrap();
            keys.set_default("k").unwrap();
            let r = microjwt::verify::<RtClaims>(&keys, token, &validation(), &mut scratch);
            assert_eq!(r.err(), Some(Error::UnknownKeyId), "kid {kid:?}");
        }
        None => {
            keys.insert(decoy.with_kid("decoy").unwrap()).unwrap();
            keys.insert(key.clone().with_kid("mine").unwrap()).unwrap();
            keys.set_default("mine").unwrap();
            let r = microjwt::verify::<RtClaims>(&keys, token, &validation(), &mut scratch);
            e.check(r, "key set default", token);
        }
    }
}

/// One flipped bit anywhere makes the token fail, before the MAC passes.
fn tampered<A: Algorithm>(key: &HmacKey<A>, case: &RtCase, token: &str) {
    let mut tampered = token.as_bytes().to_vec();
    let bit = case.flip % (tampered.len() * 8);
    tampered[bit / 8] ^= 1 << (bit % 8);
    if let Ok(tampered) = std::str::from_utf8(&tampered) {
        let mut scratch = scratch_for(tampered);
        let r = microjwt::verify::<IgnoredAny>(key, tampered, &validation(), &mut scratch);
        assert!(
            r.is_err(),
            "bit {bit} flipped and still accepted: {tampered}"
        );
        assert!(r.is_err_and(|e| pre_mac(&e)), "bit {bit} of {token}");
    }
}
