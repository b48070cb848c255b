//! Conformance vectors nobody on this project wrote: RFC 7515 A.1, RFC 7519 §3.1/§6.1,
//! RFC 7520 §4.4–§4.7, RFC 7797 §4, RFC 4231 §4 and Wycheproof's HMAC and JWS tests, run through
//! the public API only.
//!
//! The vectors live in `tests/data/` (provenance in `tests/data/README.md`), are compiled in with
//! `include_str!` so the tests also run from a packaged crate, and are never edited. Where a
//! label is wrong it is proved wrong here (by recomputing the MAC) and listed in
//! [`JWS_EXCEPTIONS`], whose entries are themselves asserted, so the list cannot rot.

// Test code: a failed unwrap, index or panic is a failed test, which is the point.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{
    Algorithm, Error, HmacKey, Hs256, Hs384, Hs512, NumericDate, UntrustedToken, Validation,
};
use serde::Deserialize;
use serde_json::Value;

use microjwt_tests::{b64, raw_token};

// ---------------------------------------------------------------------------------------------
// RFC 7515 Appendix A.1 / RFC 7519 §3.1: the HS256 example JWT
// ---------------------------------------------------------------------------------------------

/// The RFC 7519 §3.1 claims set, read exactly (no unknown member may be missed or invented).
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct JoeClaims<'a> {
    iss: &'a str,
    exp: u64,
    #[serde(rename = "http://example.com/is_root")]
    is_root: bool,
}

const JOE_EXP: u64 = 1_300_819_380;

#[test]
fn rfc7515_a1_hs256() {
    let doc = json(include_str!("data/rfc/rfc7515_A1_hs256.json"));
    let v = by_id(&doc["vectors"], "rfc7515-A.1");

    // The JWK `k` is the key; the file's hex form must agree with it.
    let secret = b64url(s(&v["key_jwk"]["k"]));
    assert_eq!(secret, hex(s(&v["key_hex"])));
    assert_eq!(secret.len(), 64);
    let key = HmacKey::<Hs256>::new(&secret).unwrap();

    // The segments are the base64url of the exact octets (CRLF and spaces inside the JSON).
    assert_eq!(b64url(s(&v["header_b64u"])), octets(&v["header_octets"]));
    assert_eq!(
        b64url(s(&v["header_b64u"])),
        s(&v["header_utf8"]).as_bytes()
    );
    assert_eq!(b64url(s(&v["payload_b64u"])), octets(&v["payload_octets"]));
    assert_eq!(
        b64url(s(&v["payload_b64u"])),
        s(&v["payload_utf8"]).as_bytes()
    );
    let signing_input = format!("{}.{}", s(&v["header_b64u"]), s(&v["payload_b64u"]));
    assert_eq!(signing_input, s(&v["signing_input"]));

    // The MAC is over the base64url text as received, never over re-serialized JSON.
    let signature = octets(&v["signature_octets"]);
    assert_eq!(signature, hex(s(&v["signature_hex"])));
    assert_eq!(b64url(s(&v["signature_b64u"])), signature);
    assert_eq!(key.mac(signing_input.as_bytes()).as_bytes(), signature);
    assert_eq!(key.verify_mac(signing_input.as_bytes(), &signature), Ok(()));

    let token = s(&v["token"]);
    assert_eq!(
        token,
        format!("{signing_input}.{}", s(&v["signature_b64u"]))
    );
    assert_joe_jwt(&key, token);
}

#[test]
fn rfc7519_3_1_and_6_1() {
    let doc = json(include_str!("data/rfc/rfc7519_3_1_example.json"));

    // §3.1: the same bytes as RFC 7515 A.1, with the A.1 key (RFC 7519 prints no key).
    let example = by_id(&doc["vectors"], "rfc7519-3.1");
    let a1 = json(include_str!("data/rfc/rfc7515_A1_hs256.json"));
    let a1 = by_id(&a1["vectors"], "rfc7515-A.1");
    assert_eq!(example["token"], a1["token"]);
    assert_eq!(example["key_hex"], a1["key_hex"]);
    let key = HmacKey::<Hs256>::new(&hex(s(&example["key_hex"]))).unwrap();
    let token = s(&example["token"]);
    assert_joe_jwt(&key, token);

    // §6.1: the unsecured JWT `{"alg":"none"}.<claims>.` with an empty signature segment. The
    // split stage refuses an empty segment before anything else runs.
    let unsecured = by_id(&doc["vectors"], "rfc7519-6.1-unsecured");
    let none_token = s(&unsecured["token"]);
    let (none_header_b64, rest) = none_token.split_once('.').unwrap();
    let (payload_b64, signature_b64) = rest.split_once('.').unwrap();
    assert_eq!(
        b64url(none_header_b64),
        s(&unsecured["header_utf8"]).as_bytes()
    );
    assert_eq!(b64url(none_header_b64), br#"{"alg":"none"}"#);
    assert_eq!(signature_b64, "");
    assert_eq!(
        UntrustedToken::parse(none_token, 8192).unwrap_err(),
        Error::Malformed
    );
    let before_exp = Validation::new(JOE_EXP - 1);
    assert_eq!(jwt_err(&key, none_token, &before_exp), Error::Malformed);
    assert_eq!(jws(&key, none_token), Err(Error::Malformed));

    // The same header with a forged, well-formed signature (the A.1 one): the MAC is checked
    // before the header is even decoded, so `alg` never gets a say.
    let a1_signature = token.rsplit_once('.').unwrap().1;
    let forged = format!("{none_header_b64}.{payload_b64}.{a1_signature}");
    assert_eq!(jwt_err(&key, &forged, &before_exp), Error::InvalidSignature);
    assert_eq!(jws(&key, &forged), Err(Error::InvalidSignature));

    // `{"alg":"none"}` with a correct HS256 MAC by the key itself: authentic, but the header
    // must name exactly the key's algorithm (RFC 8725 §3.1).
    let maced = raw_token(&key, &b64(br#"{"alg":"none"}"#), payload_b64);
    assert!(maced.starts_with(&format!("{none_header_b64}.{payload_b64}.")));
    assert_eq!(jwt_err(&key, &maced, &before_exp), Error::AlgorithmMismatch);
    assert_eq!(jws(&key, &maced), Err(Error::AlgorithmMismatch));
}

/// The RFC 7519 §3.1 JWT under `key`: valid only before `exp` (RFC 7519 §4.1.4), with exactly
/// the claims of the example.
fn assert_joe_jwt(key: &HmacKey<Hs256>, token: &str) {
    let mut scratch = scratch_for(token);
    let claims =
        microjwt::verify::<JoeClaims>(key, token, &Validation::new(JOE_EXP - 1), &mut scratch)
            .unwrap();
    assert_eq!(
        claims.custom(),
        &JoeClaims {
            iss: "joe",
            exp: JOE_EXP,
            is_root: true,
        }
    );
    let registered = claims.registered();
    assert_eq!(registered.iss(), Some("joe"));
    assert_eq!(registered.exp(), Some(NumericDate::from_secs(JOE_EXP)));
    assert_eq!(registered.sub(), None);
    assert!(registered.aud().is_none());
    assert_eq!(registered.nbf(), None);
    assert_eq!(registered.iat(), None);
    assert_eq!(registered.jti(), None);
    assert_eq!(claims.header().typ(), Some("JWT"));
    assert_eq!(claims.header().cty(), None);
    assert_eq!(claims.header().kid(), None);

    // At exp the token has expired; ever since 2011 it has been expired.
    for now in [JOE_EXP, JOE_EXP + 1, 1_700_000_000] {
        assert_eq!(
            jwt_err(key, token, &Validation::new(now)),
            Error::Expired { exp: JOE_EXP, now },
            "now = {now}"
        );
    }
    // One second of leeway makes `exp` itself acceptable, and not a second more.
    let mut scratch = scratch_for(token);
    let at_exp = Validation::new(JOE_EXP).leeway(1);
    let claims = microjwt::verify::<JoeClaims>(key, token, &at_exp, &mut scratch).unwrap();
    assert_eq!(claims.custom().exp, JOE_EXP);
    assert_eq!(
        jwt_err(key, token, &Validation::new(JOE_EXP + 1).leeway(1)),
        Error::Expired {
            exp: JOE_EXP,
            now: JOE_EXP + 1
        }
    );
}

// ---------------------------------------------------------------------------------------------
// RFC 7520 §4.4–§4.7: HS256 JWS with a plain-text payload
// ---------------------------------------------------------------------------------------------

#[test]
fn rfc7520_hmac_jws() {
    let doc = json(include_str!("data/rfc/rfc7520_hmac_jws.json"));
    let secret = b64url(s(&doc["key_jwk"]["k"]));
    assert_eq!(secret, hex(s(&doc["key_hex"])));
    let key = HmacKey::<Hs256>::new(&secret).unwrap(); // 32 bytes: no exemption needed
    let payload = hex(s(&doc["payload_hex"]));
    assert_eq!(payload, s(&doc["payload_utf8"]).as_bytes());
    assert_eq!(b64url(s(&doc["payload_b64u"])), payload);
    let kid = s(&doc["key_jwk"]["kid"]);
    let anytime = Validation::new(1_700_000_000);

    // §4.4 (Figure 34): a valid JWS. As a JWT it is refused: the payload "It’s a dangerous
    // business, …" is not JSON at all (`I` cannot start a JSON value), so the claims stage
    // reports `Json`; `NotAnObject` is kept for payloads that are valid JSON but not an object.
    // Either way RFC 7519 §7.2 step 10 rejects it.
    let v = by_id(&doc["vectors"], "rfc7520-4.4-compact");
    let token = s(&v["token"]);
    let (header_b64, _) = token.split_once('.').unwrap();
    assert_eq!(b64url(header_b64), s(&v["header_utf8"]).as_bytes());
    assert_eq!(jws(&key, token), Ok(payload.clone()));
    let mut scratch = scratch_for(token);
    let verified = microjwt::verify_jws(&key, token, &Validation::new(0), &mut scratch).unwrap();
    assert_eq!(verified.header().kid(), Some(kid));
    assert_eq!(verified.header().typ(), None);
    assert_eq!(jwt_err(&key, token, &anytime), Error::Json);

    // §4.5 (Figure 41): the detached-content compact form has an empty payload segment, which
    // the split stage refuses. Reattaching the content gives back the §4.4 token.
    let v = by_id(&doc["vectors"], "rfc7520-4.5-detached-compact");
    let detached = s(&v["token"]);
    assert_eq!(jws(&key, detached), Err(Error::Malformed));
    assert_eq!(jwt_err(&key, detached, &anytime), Error::Malformed);
    let (head, signature) = detached.split_once("..").unwrap();
    let reattached = format!("{head}.{}.{signature}", s(&v["detached_payload_b64u"]));
    assert_eq!(reattached, token);

    // §4.6, derived compact form (flagged in the vector file: not RFC text): only
    // `{"alg":"HS256"}` is protected, so the token has no `kid`.
    let v = by_id(&doc["vectors"], "rfc7520-4.6-json-only");
    let derived = s(&v["derived_compact_token_not_in_rfc"]);
    assert!(derived.starts_with(&format!("{}.", s(&v["protected_b64u"]))));
    assert_eq!(jws(&key, derived), Ok(payload.clone()));
    let mut scratch = scratch_for(derived);
    let verified = microjwt::verify_jws(&key, derived, &Validation::new(0), &mut scratch).unwrap();
    assert_eq!(verified.header().kid(), None);
    assert_eq!(jwt_err(&key, derived, &anytime), Error::Json);

    // §4.7, derived compact form (flagged): no protected header, so an empty header segment.
    // The MAC over ".payload" is right, but a compact token without a header is malformed.
    let v = by_id(&doc["vectors"], "rfc7520-4.7-json-only-unprotected");
    let derived = s(&v["derived_compact_token_not_in_rfc"]);
    let signing_input = s(&v["signing_input"]);
    assert_eq!(
        key.verify_mac(signing_input.as_bytes(), &b64url(s(&v["signature_b64u"]))),
        Ok(())
    );
    assert_eq!(jws(&key, derived), Err(Error::Malformed));
    assert_eq!(jwt_err(&key, derived, &anytime), Error::Malformed);
}

// ---------------------------------------------------------------------------------------------
// RFC 7797: the `b64` header parameter, which this crate does not implement
// ---------------------------------------------------------------------------------------------

#[test]
fn rfc7797_b64_crit() {
    let doc = json(include_str!("data/rfc/rfc7797_b64_crit.json"));
    let key = HmacKey::<Hs256>::new(&hex(s(&doc["key_hex"]))).unwrap();
    let anytime = Validation::new(1_700_000_000);

    // §4.1, the control: a valid JWS of the four bytes `$.02`. As a JWT it is refused with
    // `Json`: `$` cannot start a JSON value, so the payload is not JSON, let alone an object.
    let control = by_id(&doc["vectors"], "rfc7797-4.1-control");
    let token = s(&control["token"]);
    assert_eq!(
        jws(&key, token),
        Ok(s(&control["payload_utf8"]).as_bytes().to_vec())
    );
    assert_eq!(jws(&key, token), Ok(b"$.02".to_vec()));
    assert_eq!(jwt_err(&key, token, &anytime), Error::Json);

    // §4.2: `b64:false` with the payload detached. The MAC in the vector is right over the
    // unencoded signing input, but the compact token has an empty payload segment (Malformed),
    // and putting the raw payload back in puts `$` and `.` into it (Malformed again).
    let b64_false = by_id(&doc["vectors"], "rfc7797-4.2-b64false-detached");
    let token = s(&b64_false["token"]);
    let signing_input = s(&b64_false["signing_input"]);
    let (header_b64, signature_b64) = token.split_once("..").unwrap();
    assert_eq!(b64url(header_b64), s(&b64_false["header_utf8"]).as_bytes());
    assert_eq!(
        key.verify_mac(signing_input.as_bytes(), &b64url(signature_b64)),
        Ok(())
    );
    assert_eq!(jws(&key, token), Err(Error::Malformed));
    assert_eq!(jwt_err(&key, token, &anytime), Error::Malformed);
    let inline = format!("{signing_input}.{signature_b64}");
    assert_eq!(jws(&key, &inline), Err(Error::Malformed));

    // The same `{"alg":"HS256","b64":false,"crit":["b64"]}` header over an encoded JSON-object
    // payload, correctly MAC'd by the key: authentic, but `crit` names an extension this crate
    // does not understand, so it must be rejected (RFC 7515 §4.1.11).
    let claims = br#"{"iss":"joe","exp":4102444800}"#;
    let header = s(&b64_false["header_utf8"]).as_bytes();
    let with_crit = raw_token(&key, &b64(header), &b64(claims));
    assert!(with_crit.starts_with(&format!("{header_b64}.")));
    assert_eq!(jwt_err(&key, &with_crit, &anytime), Error::UnsupportedCrit);
    assert_eq!(jws(&key, &with_crit), Err(Error::UnsupportedCrit));
    // Control for the construction: without `b64`/`crit` the same claims verify.
    let plain = raw_token(&key, &b64(br#"{"alg":"HS256"}"#), &b64(claims));
    let mut scratch = scratch_for(&plain);
    let verified = microjwt::verify::<()>(&key, &plain, &anytime, &mut scratch).unwrap();
    assert_eq!(verified.registered().iss(), Some("joe"));
}

// ---------------------------------------------------------------------------------------------
// RFC 4231 §4: HMAC-SHA-256/384/512 test cases 1–7
// ---------------------------------------------------------------------------------------------

#[test]
fn rfc4231_hmac_sha2() {
    let doc = json(include_str!("data/rfc/rfc4231_hmac_sha2.json"));
    let mut counts = Rfc4231Counts::default();
    for case in arr(&doc["cases"]) {
        match s(&case["jws_alg"]) {
            "HS256" => rfc4231_case::<Hs256>(case, &mut counts),
            "HS384" => rfc4231_case::<Hs384>(case, &mut counts),
            "HS512" => rfc4231_case::<Hs512>(case, &mut counts),
            other => panic!("unexpected alg {other}"),
        }
    }
    assert_eq!(
        counts,
        Rfc4231Counts {
            full: 18,
            truncated: 3,
            // Keys of 4, 20 and 25 bytes (cases 1–5) are below every hash length; the 131-byte
            // keys of cases 6 and 7 are above them all.
            key_too_short: 15,
            key_accepted: 6,
        }
    );
}

#[derive(Debug, Default, PartialEq)]
struct Rfc4231Counts {
    full: usize,
    truncated: usize,
    key_too_short: usize,
    key_accepted: usize,
}

fn rfc4231_case<A: Algorithm>(case: &Value, counts: &mut Rfc4231Counts) {
    let id = s(&case["id"]);
    let secret = hex(s(&case["key_hex"]));
    let data = hex(s(&case["data_hex"]));
    let expected = hex(s(&case["mac_hex"]));
    assert_eq!(secret.len() as u64, u(&case["key_len"]), "{id}");
    assert_eq!(data.len() as u64, u(&case["data_len"]), "{id}");

    // RFC 4231 keys are mostly shorter than RFC 7518 §3.2 allows for JWS.
    let key = HmacKey::<A>::danger_from_short_secret(&secret);
    match HmacKey::<A>::new(&secret) {
        Err(e) => {
            assert!(secret.len() < A::TAG_LEN, "{id}");
            assert_eq!(
                e,
                Error::KeyTooShort {
                    len: secret.len(),
                    min: A::TAG_LEN,
                },
                "{id}"
            );
            counts.key_too_short += 1;
        }
        Ok(long) => {
            assert!(secret.len() >= A::TAG_LEN, "{id}");
            assert_eq!(
                long.mac(&data).as_bytes(),
                key.mac(&data).as_bytes(),
                "{id}"
            );
            counts.key_accepted += 1;
        }
    }

    let tag = key.mac(&data);
    let full = tag.as_bytes();
    assert_eq!(full.len(), A::TAG_LEN, "{id}");
    if case["truncated"] == Value::Bool(true) {
        // Case 5: the RFC gives the leftmost 128 bits. They are a prefix of the full MAC, but
        // a JWS verifier uses the full output (RFC 7518 §3.2), so they must not verify.
        assert_eq!(u(&case["truncated_to_bits"]), 128, "{id}");
        assert_eq!(expected.len(), 16, "{id}");
        assert_eq!(&full[..16], expected, "{id}");
        assert_eq!(full, hex(s(&case["full_mac_hex_computed"])), "{id}");
        assert_eq!(
            key.verify_mac(&data, &expected),
            Err(Error::InvalidSignature),
            "{id}"
        );
        assert_eq!(key.verify_mac(&data, full), Ok(()), "{id}");
        counts.truncated += 1;
    } else {
        assert_eq!(full, expected, "{id}");
        assert_eq!(key.verify_mac(&data, &expected), Ok(()), "{id}");
        assert_mac_is_exact(&key, &data, &expected, id);
        counts.full += 1;
    }
}

/// `tag` verifies for `msg`; so no altered, shortened or lengthened copy of it may.
fn assert_mac_is_exact<A: Algorithm>(key: &HmacKey<A>, msg: &[u8], tag: &[u8], what: &str) {
    for (i, bit) in [(0, 0x01), (tag.len() / 2, 0x80), (tag.len() - 1, 0x80)] {
        let mut altered = tag.to_vec();
        altered[i] ^= bit;
        assert_eq!(
            key.verify_mac(msg, &altered),
            Err(Error::InvalidSignature),
            "{what}: byte {i} altered"
        );
    }
    let shorter = &tag[..tag.len() - 1];
    let longer = [tag, &[0]].concat();
    assert_eq!(
        key.verify_mac(msg, shorter),
        Err(Error::InvalidSignature),
        "{what}"
    );
    assert_eq!(
        key.verify_mac(msg, &longer),
        Err(Error::InvalidSignature),
        "{what}"
    );
    assert_eq!(
        key.verify_mac(msg, &[]),
        Err(Error::InvalidSignature),
        "{what}"
    );
}

// ---------------------------------------------------------------------------------------------
// Wycheproof HMAC-SHA-256/384/512
// ---------------------------------------------------------------------------------------------

#[test]
fn wycheproof_hmac_sha256() {
    let counts = wycheproof_mac::<Hs256>(
        include_str!("data/wycheproof/hmac_sha256_test.json"),
        "HMACSHA256",
    );
    assert_eq!(counts, WYCHEPROOF_MAC_COUNTS);
}

#[test]
fn wycheproof_hmac_sha384() {
    let counts = wycheproof_mac::<Hs384>(
        include_str!("data/wycheproof/hmac_sha384_test.json"),
        "HMACSHA384",
    );
    assert_eq!(counts, WYCHEPROOF_MAC_COUNTS);
}

#[test]
fn wycheproof_hmac_sha512() {
    let counts = wycheproof_mac::<Hs512>(
        include_str!("data/wycheproof/hmac_sha512_test.json"),
        "HMACSHA512",
    );
    assert_eq!(counts, WYCHEPROOF_MAC_COUNTS);
}

/// Each of the three files has 174 tests: 87 with the full tag size (33 valid, 54 invalid) and
/// 87 with a truncated one (the same split).
const WYCHEPROOF_MAC_COUNTS: MacCounts = MacCounts {
    full_valid: 33,
    full_invalid: 54,
    truncated_valid: 33,
    truncated_invalid: 54,
};

#[derive(Debug, Default, PartialEq)]
struct MacCounts {
    full_valid: usize,
    full_invalid: usize,
    truncated_valid: usize,
    truncated_invalid: usize,
}

fn wycheproof_mac<A: Algorithm>(text: &str, algorithm: &str) -> MacCounts {
    let doc = json(text);
    assert_eq!(s(&doc["algorithm"]), algorithm);
    let mut counts = MacCounts::default();
    let mut seen = 0;
    for group in arr(&doc["testGroups"]) {
        let key_bits = u(&group["keySize"]);
        let tag_bits = u(&group["tagSize"]);
        let full_size = tag_bits == 8 * A::TAG_LEN as u64;
        assert!(tag_bits <= 8 * A::TAG_LEN as u64);
        for case in arr(&group["tests"]) {
            seen += 1;
            let id = u(&case["tcId"]);
            let secret = hex(s(&case["key"]));
            let msg = hex(s(&case["msg"]));
            let tag = hex(s(&case["tag"]));
            assert_eq!(secret.len() as u64 * 8, key_bits, "tcId {id}");
            assert_eq!(tag.len() as u64 * 8, tag_bits, "tcId {id}");
            let valid = label(case);
            // Some Wycheproof keys (128/192/256 bits) are shorter than the hash output, which
            // `HmacKey::new` rightly refuses for JWS; the primitive is tested regardless.
            let key = HmacKey::<A>::danger_from_short_secret(&secret);
            let computed = key.mac(&msg);
            let outcome = key.verify_mac(&msg, &tag);
            if full_size {
                assert_eq!(computed.as_bytes() == tag, valid, "tcId {id}");
                let expected = if valid {
                    Ok(())
                } else {
                    Err(Error::InvalidSignature)
                };
                assert_eq!(outcome, expected, "tcId {id}");
                if valid {
                    counts.full_valid += 1;
                } else {
                    counts.full_invalid += 1;
                }
            } else {
                // Truncated tags: Wycheproof's label says whether `tag` is the HMAC truncated
                // to `tagSize` bits, a property of the primitive, which we check on a prefix of
                // `mac()`. JWS only ever uses the full output (RFC 7518 §3.2), and `verify_mac`
                // is that check: it must refuse every truncated tag, even a correct one.
                let prefix = &computed.as_bytes()[..tag.len()];
                assert_eq!(prefix == tag, valid, "tcId {id}");
                assert_eq!(outcome, Err(Error::InvalidSignature), "tcId {id}");
                if valid {
                    counts.truncated_valid += 1;
                } else {
                    counts.truncated_invalid += 1;
                }
            }
        }
    }
    assert_eq!(seen, u(&doc["numberOfTests"]));
    counts
}

// ---------------------------------------------------------------------------------------------
// Wycheproof JSON Web Signature, `oct` (HS256) groups
// ---------------------------------------------------------------------------------------------

/// Wycheproof labels this crate disagrees with. Each entry is checked: the crate's outcome is
/// asserted, and so is the proof that the label, not the crate, is wrong.
const JWS_EXCEPTIONS: &[JwsException] = &[
    // "invalidBase64Padding": the token is byte-identical to tcId 357 ("ValidMac", labelled
    // valid, correct MAC) and has no padding at all. One string cannot be both; open upstream
    // as C2SP/wycheproof#236.
    JwsException {
        tc_id: 367,
        label: "invalid",
        outcome: Ok(()),
        proof: Proof::SameBytesAsValid(357),
    },
    // "invalidBase64PaddingInPayload": likewise byte-identical to tcId 357 (C2SP/wycheproof#236).
    JwsException {
        tc_id: 370,
        label: "invalid",
        outcome: Ok(()),
        proof: Proof::SameBytesAsValid(357),
    },
    // "InvalidCharacterInsertedInHeader": tcId 357 with a `?` inserted into the header segment.
    // HMAC-SHA256 over the signing input as received does not match the signature; it matches
    // only once the `?` is dropped, which a strict decoder must not do (RFC 7515 §2 base64url
    // has no `?`; §7.1 segments are base64url). Rejected before the MAC, as not base64url.
    JwsException {
        tc_id: 372,
        label: "valid",
        outcome: Err(Error::Malformed),
        proof: Proof::MacOnlyWithoutStrayChar {
            stray: '?',
            of: 357,
        },
    },
    // "InvalidCharacterInsertedInPayload": the same, with the `?` in the payload segment.
    JwsException {
        tc_id: 373,
        label: "valid",
        outcome: Err(Error::Malformed),
        proof: Proof::MacOnlyWithoutStrayChar {
            stray: '?',
            of: 357,
        },
    },
];

struct JwsException {
    tc_id: u64,
    label: &'static str,
    outcome: Result<(), Error>,
    proof: Proof,
}

enum Proof {
    /// The token is the same string as this tcId, which is labelled valid and whose MAC is
    /// correct.
    SameBytesAsValid(u64),
    /// The MAC does not match the signing input as received; it is this valid tcId's token
    /// with `stray` inserted.
    MacOnlyWithoutStrayChar { stray: char, of: u64 },
}

/// The exact error for every labelled-invalid case that is not an exception. A case the crate
/// rejects for another reason than expected fails the test.
const JWS_REJECTIONS: &[(u64, Error)] = &[
    (2, Error::InvalidSignature),   // modified signature
    (3, Error::Malformed),          // empty signature segment
    (4, Error::Malformed),          // two segments
    (5, Error::InvalidSignature),   // modified payload
    (6, Error::Malformed),          // empty payload segment
    (7, Error::Malformed),          // two segments
    (8, Error::InvalidSignature),   // modified header
    (9, Error::Malformed),          // empty header segment
    (10, Error::Malformed),         // two segments
    (11, Error::Malformed),         // empty header and signature segments
    (12, Error::Malformed),         // one segment
    (13, Error::Malformed),         // empty string
    (14, Error::Malformed),         // four segments, last empty
    (15, Error::Malformed),         // four segments
    (16, Error::Malformed),         // alg none, empty signature segment
    (17, Error::Malformed),         // JSON serialization (see JSON_SERIALIZATION below)
    (360, Error::Malformed),        // spaces in the signature segment
    (361, Error::Malformed),        // `?` in the signature segment
    (362, Error::Malformed),        // `?` in the signature segment
    (363, Error::Malformed),        // `?` in the signature segment
    (364, Error::Malformed),        // `????` in the signature segment
    (365, Error::Malformed),        // spaces in the header segment
    (366, Error::Malformed),        // `####` in the header segment
    (368, Error::Malformed),        // spaces in the payload segment
    (369, Error::Malformed),        // `####` in the payload segment
    (371, Error::Malformed),        // `?` in the payload segment
    (374, Error::InvalidSignature), // payload `AB` (non-canonical), MAC not over it
    (375, Error::Base64),           // payload `AB` MAC'd correctly: non-canonical base64url
];

/// JSON-serialization cases (flag `JsonSerialization`): not compact JWS, which is all this crate
/// verifies, so their label is not compared. They are still strings handed to a compact
/// verifier, which must refuse them; that is asserted through `JWS_REJECTIONS`.
const JSON_SERIALIZATION: &[u64] = &[17];

#[test]
fn wycheproof_json_web_signature_hs256() {
    let doc = json(include_str!("data/wycheproof/json_web_signature_test.json"));
    let all_cases: Vec<&Value> = arr(&doc["testGroups"])
        .iter()
        .flat_map(|group| arr(&group["tests"]))
        .collect();
    assert_eq!(all_cases.len() as u64, u(&doc["numberOfTests"]));
    let case_by_id = |id: u64| {
        *all_cases
            .iter()
            .find(|case| u(&case["tcId"]) == id)
            .unwrap_or_else(|| panic!("no tcId {id}"))
    };

    let mut counts = JwsCounts::default();
    let mut exceptions_seen = Vec::new();
    let mut rejections_seen = Vec::new();
    for group in arr(&doc["testGroups"]) {
        let Some(jwk) = ["private", "public"]
            .iter()
            .map(|k| &group[*k])
            .find(|jwk| jwk["kty"] == "oct")
        else {
            continue; // EC and RSA groups: no asymmetric algorithms here
        };
        counts.groups += 1;
        assert_eq!(s(&jwk["alg"]), "HS256");
        // Every `oct` key in the file is 32 bytes, so `HmacKey::new` takes it as it is.
        let key = HmacKey::<Hs256>::new(&b64url(s(&jwk["k"]))).unwrap();

        for case in arr(&group["tests"]) {
            let id = u(&case["tcId"]);
            let valid = label(case);
            if valid {
                counts.labelled_valid += 1;
            } else {
                counts.labelled_invalid += 1;
            }
            let token = case["jws"].as_str();
            let is_json = arr(&case["flags"]).iter().any(|f| f == "JsonSerialization");
            assert_eq!(is_json, JSON_SERIALIZATION.contains(&id), "tcId {id}");
            let Some(token) = token else {
                panic!("tcId {id}: non-string JWS; this file has none");
            };
            let outcome = jws(&key, token).map(|_| ());
            if outcome.is_ok() {
                counts.accepted += 1;
            }
            if is_json {
                counts.json_serialization += 1;
            }

            if let Some(exception) = JWS_EXCEPTIONS.iter().find(|e| e.tc_id == id) {
                exceptions_seen.push(id);
                assert_eq!(s(&case["result"]), exception.label, "tcId {id}");
                assert_eq!(outcome, exception.outcome, "tcId {id}");
                prove_exception(&key, token, exception, case_by_id);
                continue;
            }
            if valid {
                // Cross-check the crate's verdict with a MAC recomputed over the signing input,
                // and the payload with an independent base64url decoder.
                let (signing_input, signature_b64) = token.rsplit_once('.').unwrap();
                assert_eq!(
                    key.verify_mac(signing_input.as_bytes(), &b64url(signature_b64)),
                    Ok(()),
                    "tcId {id}"
                );
                let payload_b64 = signing_input.split_once('.').unwrap().1;
                assert_eq!(jws(&key, token), Ok(b64url(payload_b64)), "tcId {id}");
                // None of these payloads ("foo", "Test", "T2132568", the RFC 7520 text) is
                // JSON, so none is a JWT.
                let anytime = Validation::new(1_700_000_000);
                assert_eq!(jwt_err(&key, token, &anytime), Error::Json, "tcId {id}");
            } else {
                let expected = JWS_REJECTIONS
                    .iter()
                    .find(|(tc, _)| *tc == id)
                    .unwrap_or_else(|| panic!("tcId {id}: rejected, but no expected error"))
                    .1;
                rejections_seen.push(id);
                assert_eq!(outcome, Err(expected), "tcId {id}: {}", s(&case["comment"]));
            }
        }
    }

    let exception_ids: Vec<u64> = JWS_EXCEPTIONS.iter().map(|e| e.tc_id).collect();
    assert_eq!(
        exceptions_seen, exception_ids,
        "every exception is still needed"
    );
    let rejection_ids: Vec<u64> = JWS_REJECTIONS.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        rejections_seen, rejection_ids,
        "every expected rejection ran"
    );
    assert_eq!(
        counts,
        JwsCounts {
            groups: 4,
            labelled_valid: 10,
            labelled_invalid: 30,
            // 10 labelled valid − 2 exceptions (372, 373) + 2 exceptions (367, 370).
            accepted: 10,
            json_serialization: 1,
        }
    );
}

#[derive(Debug, Default, PartialEq)]
struct JwsCounts {
    groups: usize,
    labelled_valid: usize,
    labelled_invalid: usize,
    accepted: usize,
    json_serialization: usize,
}

/// Asserts the proof recorded for `exception`, whose token is `token`.
fn prove_exception<'a>(
    key: &HmacKey<Hs256>,
    token: &str,
    exception: &JwsException,
    case_by_id: impl Fn(u64) -> &'a Value,
) {
    let id = exception.tc_id;
    let valid_mac = |token: &str| {
        let (signing_input, signature_b64) = token.rsplit_once('.').unwrap();
        key.verify_mac(signing_input.as_bytes(), &b64url(signature_b64))
    };
    match exception.proof {
        Proof::SameBytesAsValid(other) => {
            let other = case_by_id(other);
            assert_eq!(s(&other["result"]), "valid", "tcId {id}");
            assert_eq!(token, s(&other["jws"]), "tcId {id}");
            assert_eq!(valid_mac(token), Ok(()), "tcId {id}");
        }
        Proof::MacOnlyWithoutStrayChar { stray, of } => {
            let (signing_input, signature_b64) = token.rsplit_once('.').unwrap();
            assert_eq!(signing_input.matches(stray).count(), 1, "tcId {id}");
            assert!(!signature_b64.contains(stray), "tcId {id}");
            // Over the signing input as received, the MAC is wrong…
            assert_eq!(
                key.verify_mac(signing_input.as_bytes(), &b64url(signature_b64)),
                Err(Error::InvalidSignature),
                "tcId {id}"
            );
            // …and it is right only over the signing input without the stray character, which
            // is exactly the valid token `of`.
            let cleaned = token.replace(stray, "");
            assert_eq!(cleaned, s(&case_by_id(of)["jws"]), "tcId {id}");
            assert_eq!(valid_mac(&cleaned), Ok(()), "tcId {id}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `verify_jws` with a fresh, sufficient scratch buffer: the payload, or the error.
fn jws<A: Algorithm>(key: &HmacKey<A>, token: &str) -> Result<Vec<u8>, Error> {
    let mut scratch = scratch_for(token);
    microjwt::verify_jws(key, token, &Validation::new(0), &mut scratch)
        .map(|jws| jws.payload().to_vec())
}

/// The error `verify::<()>` returns for `token`; panics if it verifies.
fn jwt_err<A: Algorithm>(key: &HmacKey<A>, token: &str, validation: &Validation<'_>) -> Error {
    let mut scratch = scratch_for(token);
    match microjwt::verify::<()>(key, token, validation, &mut scratch) {
        Ok(claims) => panic!("{token} verified as a JWT: {claims:?}"),
        Err(e) => e,
    }
}

/// A scratch buffer as large as `microjwt::scratch_len` says is always enough.
fn scratch_for(token: &str) -> Vec<u8> {
    vec![0; microjwt::scratch_len(token.len())]
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The element of `vectors` whose `id` is `id`.
fn by_id<'a>(vectors: &'a Value, id: &str) -> &'a Value {
    arr(vectors)
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"))
}

/// Wycheproof's `result`: "valid" or "invalid" (no "acceptable" occurs in the files used).
fn label(case: &Value) -> bool {
    match s(&case["result"]) {
        "valid" => true,
        "invalid" => false,
        other => panic!("tcId {}: unexpected result {other}", case["tcId"]),
    }
}

fn s(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

fn u(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("expected an unsigned integer, got {value}"))
}

fn arr(value: &Value) -> &[Value] {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
}

/// An array of byte values, as RFC 7515 prints octets.
fn octets(value: &Value) -> Vec<u8> {
    arr(value)
        .iter()
        .map(|b| u8::try_from(u(b)).unwrap())
        .collect()
}

/// Unpadded base64url, decoded by `base64ct` (independent of the crate's own decoder).
fn b64url(text: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(text).unwrap_or_else(|e| panic!("{text:?} is not base64url: {e}"))
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
