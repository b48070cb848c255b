//! Stage 2: check the MAC over `header.payload` before any JSON is parsed (RFC 7515 §5.2 step 8).

use crate::Error;
use crate::alg::{Algorithm, MAX_TAG_LEN};
use crate::base64url;
use crate::key::HmacKey;
use crate::verify::UntrustedToken;

/// Decodes the signature segment and compares it with the key's MAC in constant time.
///
/// The segment must decode to exactly `A::TAG_LEN` bytes (a truncated or extended tag is
/// [`Error::InvalidSignature`]) and be canonical base64url ([`Error::Base64`]).
pub(crate) fn check<A: Algorithm>(
    key: &HmacKey<A>,
    token: &UntrustedToken<'_>,
) -> Result<(), Error> {
    if token.signature_b64().len() != base64url::encoded_len(A::TAG_LEN) {
        return Err(Error::InvalidSignature);
    }
    let mut tag = [0u8; MAX_TAG_LEN];
    let tag = base64url::decode(token.signature_b64().as_bytes(), &mut tag)?;
    let (header, payload) = (token.header_b64(), token.payload_b64());
    key.verify_pieces(&[header.as_bytes(), b".", payload.as_bytes()], tag)
}
