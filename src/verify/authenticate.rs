//! Stage 3: check the MAC over `header.payload` in constant time (RFC 7515 §5.2 step 8).

use super::split::UntrustedToken;
use crate::Error;
use crate::alg::{Algorithm, MAX_TAG_LEN};
use crate::key::HmacKey;

/// Proof that a token's MAC was made with one of the caller's keys. Only [`authenticate`] makes
/// one (its field is private to this module), and the stages that read the header and claims as
/// trusted take it.
#[derive(Debug)]
pub(crate) struct Authentic {
    _private: (),
}

/// Decodes the signature and compares it with `key`'s MAC of the signing input.
///
/// # Errors
/// [`Error::Malformed`], [`Error::Base64`] or [`Error::InvalidSignature`] for the signature
/// segment (its length must be exactly `A::TAG_LEN` bytes), then [`Error::InvalidSignature`] if
/// the MAC differs.
// Not inlined: its frame holds a copy of the keyed HMAC state, which must be gone by the time the
// JSON reader runs (the deepest stack of a verify is the claims pass, not the MAC).
#[inline(never)]
pub(crate) fn authenticate<A: Algorithm>(
    key: &HmacKey<A>,
    token: &UntrustedToken<'_>,
) -> Result<Authentic, Error> {
    let mut buf = [0u8; MAX_TAG_LEN];
    let tag = super::decode::tag(token.signature_b64(), &mut buf, A::TAG_LEN)?;
    let (header, payload) = (token.header_b64(), token.payload_b64());
    key.verify_pieces(&[header.as_bytes(), b".", payload.as_bytes()], tag)?;
    Ok(Authentic { _private: () })
}
