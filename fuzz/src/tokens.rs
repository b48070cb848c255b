//! The fuzz keys and constants, the tokens the targets build around their inputs, and the
//! verdict helpers every target shares. Tokens are assembled with the integration tests' own
//! builders (`microjwt_tests::raw_token`, MACed with `HmacKey::mac`, never with `sign`), so there
//! is one definition of a hand-made token in the repository.

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Algorithm, Error, HmacKey, Hs256, scratch_len};

pub use microjwt_tests::{b64, raw_token};

/// The fixed secret of the `verify_token` and `claims` targets (and key `a` of `header`). The
/// committed corpus is MACed with it (see `seed.py`), so it must not change.
pub const SECRET: &[u8; 32] = b"microjwt fuzzing secret, 32 byte";
/// Key `b` of the `header` target's key set.
pub const SECRET_B: &[u8; 32] = b"another fuzzing secret, 32 bytes";
/// The validation time used wherever a clock is set.
pub const NOW: u64 = 1_700_000_000;
/// `{"alg":"HS256"}`, the header of the `claims` target.
pub const HS256_HEADER: &str = "eyJhbGciOiJIUzI1NiJ9";

pub fn key() -> HmacKey<Hs256> {
    HmacKey::new(SECRET).unwrap()
}

/// Whether `token` carries a MAC that is genuinely right for `key`, decided without microjwt's
/// decoder: three dot-separated parts, the signature decoded by `base64ct`, checked with
/// `HmacKey::verify_mac` over `header.payload`.
pub fn mac_is_genuine<A: Algorithm>(key: &HmacKey<A>, token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return false;
    };
    let Ok(tag) = Base64UrlUnpadded::decode_vec(signature) else {
        return false;
    };
    key.verify_mac(format!("{header}.{payload}").as_bytes(), &tag)
        .is_ok()
}

/// The errors `verify` may return before the MAC has passed (single key).
pub fn pre_mac(e: &Error) -> bool {
    matches!(
        e,
        Error::TokenTooLarge { .. } | Error::Malformed | Error::Base64 | Error::InvalidSignature
    )
}

/// A scratch buffer of the documented sufficient size for `token`.
pub fn scratch_for(token: &str) -> Vec<u8> {
    vec![0u8; scratch_len(token.len())]
}

/// `scratch_len` is documented as always enough, so `BufferTooSmall` from `verify` is a bug.
pub fn no_buffer_error<T>(what: &str, token: &str, r: &Result<T, Error>) {
    if let Err(e @ Error::BufferTooSmall { .. }) = r {
        panic!(
            "{what}: {e:?} with a scratch of scratch_len({}) for {token:?}",
            token.len()
        );
    }
}
