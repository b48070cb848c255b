//! Fuzz target `claims`: `data` is the payload of a token whose MAC is genuine (header
//! `{"alg":"HS256"}`, MACed with the fuzz key by `HmacKey::mac`), so every stage after the MAC is
//! reached.
//!
//! The JSON oracle reads `data` (and is itself checked against `serde_json`); then `verify` under
//! every validation policy, with several claims types, must give exactly the oracles' verdict
//! (see [`check_payload`]): `Ok` exactly when the payload is a valid, duplicate-free, not too deep
//! JSON object whose registered claims have their RFC 7519 types and pass every documented
//! check, with exactly the oracle's registered claims; otherwise one of the errors the oracles
//! found.

use microjwt::Error;
use serde::de::IgnoredAny;

use super::oracle_claims::Policy;
use super::oracle_json;
use super::payload::check_payload;
use super::tokens::{HS256_HEADER, b64, key, raw_token, scratch_for};

pub fn check(data: &[u8]) {
    let token = raw_token(&key(), HS256_HEADER, &b64(data));
    if data.is_empty() {
        // An empty segment is not compact serialization as microjwt documents it.
        let mut scratch = scratch_for(&token);
        let validation = Policy::PERMISSIVE.validation();
        let r = microjwt::verify::<IgnoredAny>(&key(), &token, &validation, &mut scratch);
        assert_eq!(r.err(), Some(Error::Malformed));
        return;
    }
    let parsed = oracle_json::parse(data);
    oracle_json::agrees_with_serde_json(data, &parsed);
    check_payload(&key(), &token, data, &parsed);
}
