//! Stage 4: decode the authenticated payload into the caller's scratch buffer.

use crate::Error;

/// Decodes the payload segment into the front of `scratch`; the rest of it becomes the arena for
/// unescaped strings.
///
/// # Errors
/// [`Error::Base64`] for non-canonical base64url, [`Error::BufferTooSmall`].
pub(crate) fn decode<'s>(
    b64: &str,
    scratch: &'s mut [u8],
) -> Result<(&'s [u8], &'s mut [u8]), Error> {
    super::decode_segment(b64, scratch)
}
