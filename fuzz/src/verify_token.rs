//! Fuzz target `verify_token`: `data` (if UTF-8) is a token, verified against the fixed HS256
//! key with a strict and a permissive validation and several claims types.
//!
//! Never a panic; `Ok` only when the MAC is genuinely right (decided independently:
//! `base64ct` decodes the signature, `HmacKey::verify_mac` checks it) and the header is one the
//! oracle accepts; a wrong MAC only ever yields a pre-MAC error (`TokenTooLarge`, `Malformed`,
//! `Base64`, `InvalidSignature`), a right one never `InvalidSignature`; `scratch_len` is always
//! enough. A genuine token with the `{"alg":"HS256"}` header also gets the whole `claims` check.

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Error, HmacKey, Hs256};
use serde::de::IgnoredAny;

use super::borrowed::Borrowed;
use super::oracle_claims::Policy;
use super::oracle_header::assert_header_acceptable;
use super::oracle_json;
use super::payload::check_payload;
use super::tokens::{
    HS256_HEADER, b64, key, mac_is_genuine, no_buffer_error, pre_mac, scratch_for,
};

pub fn check(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let key = key();
    let genuine = mac_is_genuine(&key, token);
    // The strict policy with `IgnoredAny` alone: the claims type matters only after the MAC.
    let strict = Policy::STRICT.validation();
    let mut s = scratch_for(token);
    let r = microjwt::verify::<IgnoredAny>(&key, token, &strict, &mut s);
    no_buffer_error("verify::<IgnoredAny>", token, &r);
    verdict(genuine, token, r.map(drop));

    let permissive = Policy::PERMISSIVE.validation();
    let mut s = scratch_for(token);
    let r = microjwt::verify::<()>(&key, token, &permissive, &mut s);
    no_buffer_error("verify::<()>", token, &r);
    verdict(genuine, token, r.map(drop));
    let mut s = scratch_for(token);
    let r = microjwt::verify::<IgnoredAny>(&key, token, &permissive, &mut s);
    no_buffer_error("verify::<IgnoredAny>", token, &r);
    verdict(genuine, token, r.map(drop));
    let mut s = scratch_for(token);
    let r = microjwt::verify::<Borrowed<'_>>(&key, token, &permissive, &mut s);
    no_buffer_error("verify::<Borrowed>", token, &r);
    verdict(genuine, token, r.map(drop));
    let mut s = scratch_for(token);
    let r = microjwt::verify_jws(&key, token, &permissive, &mut s);
    no_buffer_error("verify_jws", token, &r);
    if let Ok(jws) = &r {
        let payload = token.split('.').nth(1).unwrap_or("");
        let decoded = Base64UrlUnpadded::decode_vec(payload).ok();
        assert_eq!(
            decoded.as_deref(),
            Some(jws.payload()),
            "verify_jws payload of {token:?}"
        );
    }
    verdict(genuine, token, r.map(drop));

    if genuine {
        claims_of_genuine(&key, token);
    }
}

/// What any `verify` may say, given whether the MAC is genuinely right.
fn verdict(genuine: bool, token: &str, r: Result<(), Error>) {
    match r {
        Ok(()) => {
            assert!(genuine, "Ok for a token whose MAC is wrong: {token:?}");
            assert_header_acceptable(token);
        }
        Err(e) if !genuine => assert!(pre_mac(&e), "{e:?} before the MAC passed: {token:?}"),
        Err(e) => assert_ne!(
            e,
            Error::InvalidSignature,
            "genuine MAC rejected: {token:?}"
        ),
    }
}

/// A genuine token with the plain `{"alg":"HS256"}` header and a canonical payload segment gets
/// the full claims oracle (a non-canonical segment is microjwt's `Base64`, checked above).
fn claims_of_genuine(key: &HmacKey<Hs256>, token: &str) {
    let mut parts = token.split('.');
    if parts.next() != Some(HS256_HEADER) {
        return;
    }
    let segment = parts.next().unwrap_or("");
    let Ok(payload) = Base64UrlUnpadded::decode_vec(segment) else {
        return;
    };
    if b64(&payload) == segment {
        let parsed = oracle_json::parse(&payload);
        oracle_json::agrees_with_serde_json(&payload, &parsed);
        check_payload(key, token, &payload, &parsed);
    }
}
