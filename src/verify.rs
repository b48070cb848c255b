//! Verification, as a chain of stages, each in its own file, each returning a value that only it
//! can make and that the next stage needs:
//!
//! ```text
//!  token: &str
//!    │ split           two dots, length capped                          → UntrustedToken
//!    │ decode          base64url into the caller's scratch, no JSON      → Segments
//!    │ authenticate    HMAC over `header.payload`, constant-time compare → Authentic (proof)
//!    │ read_header     strict JSON; alg, crit, typ, cty checked          → CheckedHeader
//!    ▼ read_claims     one strict JSON pass: registered claims checked,  → Claims<T>
//!                      caller's T deserialized, revocation hook last
//! ```
//!
//! With a [`KeySet`](crate::KeySet) the header is read before the MAC, only to pick the key
//! named by `kid` among the caller's own keys (RFC 8725 §3.10); nothing in it is trusted until
//! the MAC has passed, and a header may hold at most [`MAX_HEADER_MEMBERS`] names, so that
//! reading it costs no more than finding `kid` needs.
//!
//! # Cost
//! Every stage is linear in the token's length, before and after the MAC, whatever the input:
//! nothing recurses, and duplicate names are found by sorting, not hashing (see the `json`
//! module), so no input can make two names collide into extra work. The sort is `O(n log n)` at
//! worst (a radix pass, then heapsort within a bucket). Per byte, the most expensive input is an
//! object made only of short distinct names (`{"a":0,"b":0,…}`: one name per six bytes, each
//! read, recorded and sorted); `benches/pipeline.rs` (group `adversarial`) measures it against a
//! harmless token of the same length.

// The stages, in pipeline order.
mod split;
mod decode;
mod authenticate;
mod read_header;
mod read_claims;

pub use read_header::MAX_HEADER_MEMBERS;
pub use split::UntrustedToken;

use serde::Deserialize;

use crate::alg::Algorithm;
use crate::claims::Claims;
use crate::error::Failure;
use crate::header::Header;
use crate::key::HmacKey;
use crate::{Error, Validation};
use authenticate::{Authentic, authenticate};
use decode::HeaderSegment;
use read_header::CheckedHeader;

/// A scratch buffer of this many bytes is always enough to verify a token of `token_len` bytes.
///
/// The decoded header and payload take about ¾ of the token's length. The rest holds the
/// unescaped copies of strings with escapes (never longer than the escaped text) and, while an
/// object is read, 8 bytes per member name; both fit in the decoded length again, plus a fixed
/// 512 B for the frames of nested objects and the rounding of short segments, and on 64-bit
/// targets 2 KiB more, the room to sort the names of a large object quickly. A token whose strings have no escapes needs less: the decoded
/// length plus 8 bytes per name of its largest object.
///
/// ```
/// const SCRATCH: usize = microjwt::scratch_len(1024);
/// let mut scratch = [0u8; SCRATCH];
/// # let _ = &mut scratch;
/// ```
pub const fn scratch_len(token_len: usize) -> usize {
    // Decoded: at most ¾ of the token, plus 2 for the rounding of each of two segments. Then, at
    // one time, unescaped strings and name records: a member costs at least 5 bytes of JSON
    // (`"":0,`) and at most 8 bytes of records plus its unescaped text, which is at most its
    // raw text less the quotes, so both together are at most 8/5 of the decoded length. The
    // frames of open objects (8 bytes each, at most `MAX_DEPTH`) and the sorting room are the
    // constant. Saturating: on a 32-bit target a token above ~1.4 GB would otherwise overflow.
    let decoded = (token_len / 4).saturating_mul(3).saturating_add(4);
    let constant = 8 * crate::MAX_DEPTH + crate::json::SORT_ROOM + 256;
    decoded
        .saturating_mul(2)
        .saturating_add(decoded / 5 * 3)
        .saturating_add(constant)
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
    let needed = scratch_len(token.len());
    run(keys, token, validation, scratch).map_err(|f| f.into_error(needed))
}

fn run<'s, T: Deserialize<'s>, K: VerifyingKeys>(
    keys: &K,
    token: &str,
    validation: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<Claims<'s, T>, Failure> {
    let jws = authenticate_jws(keys, token, validation, scratch)?;
    read_claims::read(
        &jws.proof,
        jws.header,
        jws.payload,
        jws.arena,
        validation,
        jws.key,
    )
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
    let jws = authenticate_jws(keys, token, validation, scratch)
        .map_err(|f| f.into_error(scratch_len(token.len())))?;
    Ok(Jws {
        header: jws.header.header(),
        payload: jws.payload,
    })
}

/// A JWS through every stage but the claims.
struct JwsParts<'s, 'k, A: Algorithm> {
    proof: Authentic,
    header: CheckedHeader<'s>,
    payload: &'s [u8],
    /// The scratch not used by the decoded segments and the header's strings.
    arena: &'s mut [u8],
    /// The key that verified the MAC.
    key: &'k HmacKey<A>,
}

/// The stages every JWS goes through: split, decode, authenticate, read the header.
fn authenticate_jws<'s, 'k, K: VerifyingKeys>(
    keys: &'k K,
    token: &str,
    validation: &Validation<'_>,
    scratch: &'s mut [u8],
) -> Result<JwsParts<'s, 'k, K::Alg>, Failure> {
    let token = split::split(token, validation.max_len())?;
    let segments = decode::segments::<K::Alg>(&token, scratch)?;
    let (header, arena) = match segments.header {
        HeaderSegment::Known(header) => (Some(header), segments.arena),
        // A key set needs `kid`, so the header is read before the MAC (and a header that does
        // not even decode canonically is refused now, since it cannot be read).
        HeaderSegment::Text(text) if K::SELECTS_BY_KID => {
            if let Some(fault) = segments.deferred {
                return Err(fault.into());
            }
            let (header, arena) = read_header::read(text, segments.arena)?;
            (Some(header), arena)
        }
        HeaderSegment::Text(_) => (None, segments.arena),
    };
    let key = keys
        .key_for(header.and_then(|h| h.kid()))?
        .for_verifying()?;
    let proof = authenticate(key, &token)?;
    if let Some(fault) = segments.deferred {
        return Err(fault.into());
    }
    let (header, arena) = match (header, segments.header) {
        (Some(header), _) => (header, arena),
        (None, HeaderSegment::Text(text)) => read_header::read(text, arena)?,
        (None, HeaderSegment::Known(header)) => (header, arena),
    };
    let header = header.check::<K::Alg>(&proof, validation)?;
    Ok(JwsParts {
        proof,
        header,
        payload: segments.payload,
        arena,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::scratch_len;

    #[test]
    fn scratch_len_saturates_instead_of_overflowing() {
        assert_eq!(scratch_len(usize::MAX), usize::MAX);
        assert!(scratch_len(usize::MAX / 2) > usize::MAX / 2);
        assert!(scratch_len(1000) >= 1000 / 4 * 3);
    }
}
