//! Stage 2: decode the segments into the caller's scratch (RFC 7515 §5.2 steps 2–7), without
//! reading any JSON.
//!
//! Decoding comes before the MAC, in the RFC's order, because the base64url decoder looks at
//! every byte anyway: it is the token's only alphabet check. A foreign byte is
//! [`Error::Malformed`] at once. A header or payload that is merely not canonical (stray bits, a
//! length of 4n+1) is [`Error::Base64`] only once the MAC has passed, so that a forged token is
//! reported as forged and nothing more; a signature's faults are all reported before the MAC,
//! since the MAC cannot be checked without it.

use super::read_header::{self, UntrustedHeader};
use super::split::UntrustedToken;
use crate::Error;
use crate::alg::{Algorithm, MAX_TAG_LEN};
use crate::base64url::{self, DecodeError};
use crate::error::Failure;

/// The header as found: one of the encodings nearly every token carries, recognized without
/// decoding, or decoded text still to be read.
#[derive(Clone, Copy)]
pub(crate) enum HeaderSegment<'s> {
    Known(UntrustedHeader<'static>),
    /// Decoded bytes, not yet known to be UTF-8: that is a JSON matter, for after the MAC.
    Text(&'s [u8]),
}

/// The decoded token, not yet authenticated.
pub(crate) struct Segments<'s> {
    pub(crate) header: HeaderSegment<'s>,
    pub(crate) payload: &'s [u8],
    /// The first non-canonical segment's error, due once the MAC has passed.
    pub(crate) deferred: Option<Error>,
    /// The scratch not used by the decoded segments.
    pub(crate) arena: &'s mut [u8],
}

/// Decodes the header (unless it is a known one) and the payload into the front of `scratch`.
pub(crate) fn segments<'s, A: Algorithm>(
    token: &UntrustedToken<'_>,
    scratch: &'s mut [u8],
) -> Result<Segments<'s>, Failure> {
    let mut deferred = None;
    let (header, scratch) = match read_header::known::<A>(token.header_b64()) {
        Some(known) => (HeaderSegment::Known(known), scratch),
        None => {
            let (bytes, rest) = segment(token.header_b64(), scratch, &mut deferred)?;
            (HeaderSegment::Text(bytes), rest)
        }
    };
    let (payload, arena) = segment(token.payload_b64(), scratch, &mut deferred)?;
    Ok(Segments {
        header,
        payload,
        deferred,
        arena,
    })
}

/// Decodes the signature into `buf`: exactly `tag_len` bytes of canonical base64url.
pub(crate) fn tag<'b>(
    b64: &str,
    buf: &'b mut [u8; MAX_TAG_LEN],
    tag_len: usize,
) -> Result<&'b [u8], Error> {
    match base64url::decode(b64.as_bytes(), buf) {
        Ok(tag) if tag.len() == tag_len => Ok(tag),
        // A truncated or extended tag never verifies; `Full` means a longer tag of valid bytes.
        Ok(_) | Err(DecodeError::Full) => Err(Error::InvalidSignature),
        Err(DecodeError::Alphabet) => Err(Error::Malformed),
        Err(DecodeError::NonCanonical) if b64.len() != base64url::encoded_len(tag_len) => {
            Err(Error::InvalidSignature)
        }
        Err(DecodeError::NonCanonical) => Err(Error::Base64),
    }
}

/// Decodes one segment into the front of `scratch`: its bytes (empty if not canonical, the fault
/// noted in `deferred`) and the rest of `scratch`.
fn segment<'s>(
    b64: &str,
    scratch: &'s mut [u8],
    deferred: &mut Option<Error>,
) -> Result<(&'s [u8], &'s mut [u8]), Failure> {
    let len = match base64url::decode(b64.as_bytes(), scratch) {
        Ok(bytes) => bytes.len(),
        Err(DecodeError::Alphabet) => return Err(Error::Malformed.into()),
        Err(DecodeError::Full) => return Err(Failure::Full),
        Err(DecodeError::NonCanonical) => {
            deferred.get_or_insert(Error::Base64);
            0
        }
    };
    let (bytes, rest) = scratch.split_at_mut_checked(len).ok_or(Failure::Full)?;
    Ok((bytes, rest))
}

/// Decodes a segment, reporting any fault at once (for the `danger_` inspection methods, which
/// check no MAC).
pub(crate) fn bytes<'s>(
    b64: &str,
    scratch: &'s mut [u8],
) -> Result<(&'s [u8], &'s mut [u8]), Failure> {
    let mut fault = None;
    let (bytes, rest) = segment(b64, scratch, &mut fault)?;
    match fault {
        Some(fault) => Err(fault.into()),
        None => Ok((bytes, rest)),
    }
}
