//! Verification, as a pipeline of stages, each in its own file, each run only if the one before
//! it passed:
//!
//! ```text
//!  token: &str
//!    │ split      three base64url segments, length capped          → UntrustedToken
//!    │ signature  HMAC over `header.payload`, constant-time compare  (no JSON parsed yet)
//!    │ header     decode + strict JSON; alg, crit, typ, cty          → Header
//!    │ payload    decode into the caller's scratch
//!    ▼ claims     one strict JSON pass: registered claims checked,   → Claims<T>
//!                 caller's T deserialized, revocation hook last
//! ```
//!
//! With a [`KeySet`](crate::KeySet) the header is decoded and parsed before the MAC, only to pick
//! the key named by `kid` among the caller's own keys (RFC 8725 §3.10); nothing in it is trusted
//! until the MAC has passed.

// The stages, in pipeline order.
mod split;
mod signature;
mod header;
mod payload;
mod claims;

pub use split::UntrustedToken;

use serde::Deserialize;

use crate::alg::Algorithm;
use crate::claims::Claims;
use crate::header::Header;
use crate::key::HmacKey;
use crate::{Error, Validation, base64url};

/// A scratch buffer of this many bytes is always enough to verify a token of `token_len` bytes.
///
/// The decoded header and payload take about ¾ of the token's length; strings with escapes are
/// unescaped into the rest. Tokens whose strings have no escapes need only
/// ¾ × `token_len`.
///
/// ```
/// const SCRATCH: usize = microjwt::scratch_len(1024);
/// let mut scratch = [0u8; SCRATCH];
/// # let _ = &mut scratch;
/// ```
pub const fn scratch_len(token_len: usize) -> usize {
    // Decoded header + payload, then at most as much again for unescaped strings (each string
    // is unescaped once, plus the `aud` array a second time when the caller's type reads it too).
    // Saturating: on a 32-bit target a token above ~1.4 GB would otherwise overflow.
    let decoded = (token_len / 4).saturating_mul(3).saturating_add(2);
    decoded.saturating_mul(3)
}

/// Where the key to check a token comes from: one [`HmacKey`] or a [`KeySet`](crate::KeySet).
/// Sealed.
pub trait VerifyingKeys: sealed::Sealed {}

pub(crate) mod sealed {
    use super::{Algorithm, Error, HmacKey};

    pub trait Sealed {
        /// The algorithm of every key.
        type Alg: Algorithm;

        /// Whether the header must be read (untrusted) before the MAC, to find `kid`.
        const SELECTS_BY_KID: bool;

        /// The key for a token with this `kid`.
        fn key_for(&self, kid: Option<&str>) -> Result<&HmacKey<Self::Alg>, Error>;
    }
}

impl<A: Algorithm> VerifyingKeys for HmacKey<A> {}

impl<A: Algorithm> sealed::Sealed for HmacKey<A> {
    type Alg = A;
    const SELECTS_BY_KID: bool = false;

    /// A single key ignores `kid`: the header is not even parsed before the MAC.
    fn key_for(&self, _kid: Option<&str>) -> Result<&HmacKey<A>, Error> {
        Ok(self)
    }
}

/// Verifies a JWS compact-serialized JWT and returns its claims.
///
/// `keys` is an [`HmacKey`] (its type fixes the algorithm) or a [`KeySet`](crate::KeySet).
/// `scratch` receives the decoded header and payload; the returned [`Claims`] borrow it, so `T`
/// may hold `&str` fields. [`scratch_len`] says how large it must be at most. Nothing is
/// allocated.
///
/// ```
/// use microjwt::{HmacKey, Hs256, Validation};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Session<'a> { sub: &'a str, admin: bool, exp: u64 }
///
/// let key = HmacKey::<Hs256>::new(b"an example secret, 32 bytes long")?;
/// let mut buf = [0u8; 256];
/// let token = microjwt::sign(&key, &Session { sub: "ada", admin: false, exp: 2_000 }, &mut buf)?;
///
/// let mut scratch = [0u8; 256];
/// let claims = microjwt::verify::<Session>(&key, token, &Validation::new(1_000), &mut scratch)?;
/// assert_eq!(claims.custom().sub, "ada");
/// assert_eq!(claims.registered().exp().map(|e| e.secs()), Some(2_000));
///
/// // At exp the token has expired (RFC 7519 §4.1.4):
/// let err = microjwt::verify::<Session>(&key, token, &Validation::new(2_000), &mut scratch);
/// assert_eq!(err.unwrap_err(), microjwt::Error::Expired { exp: 2_000, now: 2_000 });
/// # Ok::<(), microjwt::Error>(())
/// ```
///
/// # Errors
/// Any [`Error`] of the verification stages, in pipeline order: the first failing check wins.
/// Before the MAC has passed only [`Error::TokenTooLarge`], [`Error::Malformed`],
/// [`Error::Base64`], [`Error::UnknownKeyId`], [`Error::MissingKeyId`] (plus JSON errors from
/// reading `kid` with a key set) and [`Error::InvalidSignature`] are possible.
/// [`Error::BufferTooSmall`] when `scratch` is too small.
pub fn verify<'s, T: Deserialize<'s>>(
    keys: &impl VerifyingKeys,
    token: &str,
    validation: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<Claims<'s, T>, Error> {
    run(keys, token, validation, scratch).map_err(|e| with_scratch_len(e, token))
}

/// Stages only know that their part of the scratch buffer ran out; the caller needs a size that
/// always works.
fn with_scratch_len(e: Error, token: &str) -> Error {
    match e {
        Error::BufferTooSmall { .. } => Error::BufferTooSmall {
            needed: scratch_len(token.len()),
        },
        e => e,
    }
}

/// A verified JWS whose payload need not be JSON: what [`verify_jws`] returns.
#[derive(Clone, Copy, Debug)]
pub struct Jws<'s> {
    header: Header<'s>,
    payload: &'s [u8],
}

impl<'s> Jws<'s> {
    /// The protected header.
    pub fn header(&self) -> &Header<'s> {
        &self.header
    }

    /// The payload bytes, authenticated but not interpreted.
    pub fn payload(&self) -> &'s [u8] {
        self.payload
    }
}

/// Verifies a JWS in compact serialization (RFC 7515 §5.2) whose payload is arbitrary bytes,
/// not necessarily a JWT: split, MAC, header checks, payload decode — every stage of [`verify`]
/// but the claims. Use [`verify`] for JWTs: this checks no time, issuer or audience.
///
/// ```
/// use microjwt::{HmacKey, Hs256, Validation};
/// // RFC 7797 §4.1: a JWS whose payload is the four bytes `$.02`.
/// let key = HmacKey::<Hs256>::new(&[
///     3, 35, 53, 75, 43, 15, 165, 188, 131, 126, 6, 101, 119, 123, 166, 143, 90, 179, 40, 230,
///     240, 84, 201, 40, 169, 15, 132, 178, 210, 80, 46, 191, 211, 251, 90, 146, 210, 6, 71, 239,
///     150, 138, 180, 195, 119, 98, 61, 34, 61, 46, 33, 114, 5, 46, 79, 8, 192, 205, 154, 245,
///     103, 208, 128, 163,
/// ])?;
/// let token = "eyJhbGciOiJIUzI1NiJ9.JC4wMg.5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ";
/// let mut scratch = [0u8; 64];
/// let jws = microjwt::verify_jws(&key, token, &Validation::new(0), &mut scratch)?;
/// assert_eq!(jws.payload(), b"$.02");
/// # Ok::<(), microjwt::Error>(())
/// ```
///
/// # Errors
/// As [`verify`], up to and including the payload decode; never a JSON error for the payload.
pub fn verify_jws<'s>(
    keys: &impl VerifyingKeys,
    token: &str,
    validation: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<Jws<'s>, Error> {
    let (header, payload, ..) =
        authenticate(keys, token, validation, scratch).map_err(|e| with_scratch_len(e, token))?;
    Ok(Jws { header, payload })
}

fn run<'s, K: VerifyingKeys, T: Deserialize<'s>>(
    keys: &K,
    token: &str,
    validation: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<Claims<'s, T>, Error> {
    let (header, payload, arena, key) = authenticate(keys, token, validation, scratch)?;
    let payload = core::str::from_utf8(payload).map_err(|_| Error::Json)?;
    let (registered, custom) = claims::read(payload, arena, validation, key)?;
    Ok(Claims {
        header,
        registered,
        custom,
    })
}

/// The stages every JWS goes through: split, signature, header, payload decode. Returns the
/// checked header, the decoded payload, the unused rest of `scratch` and the key that verified.
#[allow(clippy::type_complexity)] // replaced by the typed chain of stage values
fn authenticate<'s, 'k, K: VerifyingKeys>(
    keys: &'k K,
    token: &str,
    validation: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<(Header<'s>, &'s [u8], &'s mut [u8], &'k HmacKey<K::Alg>), Error> {
    let token = UntrustedToken::parse(token, validation.max_len())?;
    let (header, arena, key) = if K::SELECTS_BY_KID {
        let (header, arena) = header::read(token.header_b64(), scratch)?;
        let key = keys.key_for(header.header.kid)?.for_verifying()?;
        signature::check(key, &token)?;
        (header, arena, key)
    } else {
        let key = keys.key_for(None)?.for_verifying()?;
        signature::check(key, &token)?;
        let (header, arena) = header::read(token.header_b64(), scratch)?;
        (header, arena, key)
    };
    let header = header::check::<K::Alg>(header, validation)?;
    let (payload, arena) = payload::decode(token.payload_b64(), arena)?;
    Ok((header, payload, arena, key))
}

/// Decodes one base64url segment into the front of `scratch`, returning the bytes and the rest
/// of `scratch`.
fn decode_segment<'s>(b64: &str, scratch: &'s mut [u8]) -> Result<(&'s [u8], &'s mut [u8]), Error> {
    let len = base64url::decode(b64.as_bytes(), scratch)?.len();
    let (bytes, rest) = scratch
        .split_at_mut_checked(len)
        .ok_or(Error::BufferTooSmall { needed: len })?;
    Ok((bytes, rest))
}

/// [`decode_segment`] for segments that must be UTF-8 text (the header).
fn decode_text<'s>(b64: &str, scratch: &'s mut [u8]) -> Result<(&'s str, &'s mut [u8]), Error> {
    let (bytes, rest) = decode_segment(b64, scratch)?;
    Ok((core::str::from_utf8(bytes).map_err(|_| Error::Json)?, rest))
}

#[cfg(test)]
mod tests {
    use super::scratch_len;

    #[test]
    fn scratch_len_saturates_instead_of_overflowing() {
        assert_eq!(scratch_len(usize::MAX), usize::MAX);
        assert_eq!(scratch_len(usize::MAX / 2), usize::MAX);
        assert!(scratch_len(1000) >= 1000 / 4 * 3);
    }
}
