//! Helpers shared by the integration tests (this package's library): hand-made tokens with exact JSON text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test helpers
#![allow(dead_code)]

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Algorithm, HmacKey, Hs256};

/// The secret of [`key`].
pub const SECRET: &[u8] = b"microjwt test key, 32 bytes long";

/// The HS256 key most tests use.
pub fn key() -> HmacKey<Hs256> {
    HmacKey::new(SECRET).unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// A token with exactly this header and payload text, correctly MAC'd by `key`: every check
/// behind the MAC is reached.
pub fn token_with<A: Algorithm>(key: &HmacKey<A>, header: &str, payload: &str) -> String {
    raw_token(key, &b64(header.as_bytes()), &b64(payload.as_bytes()))
}

/// `header.payload.mac` from already-encoded segments.
pub fn raw_token<A: Algorithm>(key: &HmacKey<A>, header_b64: &str, payload_b64: &str) -> String {
    let signing_input = format!("{header_b64}.{payload_b64}");
    let tag = key.mac(signing_input.as_bytes());
    format!("{signing_input}.{}", b64(tag.as_bytes()))
}

/// An HS256 token with the standard header.
pub fn token(payload: &str) -> String {
    token_with(&key(), r#"{"alg":"HS256","typ":"JWT"}"#, payload)
}
