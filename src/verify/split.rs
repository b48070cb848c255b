//! Stage 1: split the compact serialization (RFC 7515 §7.1) into its three segments.

use crate::error::Failure;
use crate::{Error, Header, base64url};

/// A token split into its segments and nothing more: not authenticated, not parsed.
///
/// It cannot give out claims; only [`verify`](crate::verify) can. For debugging tools it can show
/// the header and payload under names that say they are unverified.
///
/// ```
/// let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln";
/// let untrusted = microjwt::UntrustedToken::parse(token, 8192)?;
/// let mut scratch = [0u8; 64];
/// assert_eq!(untrusted.danger_unverified_payload(&mut scratch)?, r#"{"sub":"ada"}"#);
/// # Ok::<(), microjwt::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct UntrustedToken<'t> {
    signing_input: &'t str,
    header_len: usize,
    signature: &'t str,
}

impl<'t> UntrustedToken<'t> {
    /// Splits `token` into three non-empty segments of base64url characters.
    ///
    /// # Errors
    /// [`Error::TokenTooLarge`] when `token` is longer than `max_len` (checked before anything
    /// else); [`Error::Malformed`] unless there are exactly two dots, no empty segment, and only
    /// base64url characters (so whitespace anywhere is an error).
    pub fn parse(token: &'t str, max_len: usize) -> Result<Self, Error> {
        let split = split(token, max_len)?;
        // `verify` leaves this scan to the base64url decoders, which look at every byte anyway.
        let segments = [split.header_b64(), split.payload_b64(), split.signature];
        if !segments
            .iter()
            .all(|s| base64url::is_alphabet(s.as_bytes()))
        {
            return Err(Error::Malformed);
        }
        Ok(split)
    }

    /// The header segment, still base64url-encoded.
    pub fn header_b64(&self) -> &'t str {
        self.signing_input.get(..self.header_len).unwrap_or("")
    }

    /// The payload segment, still base64url-encoded.
    pub fn payload_b64(&self) -> &'t str {
        self.signing_input.get(self.header_len + 1..).unwrap_or("")
    }

    /// The signature segment, still base64url-encoded.
    pub fn signature_b64(&self) -> &'t str {
        self.signature
    }

    /// `header.payload`, the bytes the MAC covers (RFC 7515 §5.1 step 5).
    pub fn signing_input(&self) -> &'t str {
        self.signing_input
    }

    /// Decodes and parses the header **without checking the MAC**. Anyone can write anything
    /// here; use it to display or log, never to decide.
    ///
    /// # Errors
    /// [`Error::Malformed`] or [`Error::Base64`] for the encoding, JSON errors,
    /// [`Error::InvalidHeader`], or [`Error::BufferTooSmall`] with a size enough for this header.
    pub fn danger_unverified_header<'s>(&self, scratch: &'s mut [u8]) -> Result<Header<'s>, Error> {
        fn read<'s>(b64: &str, scratch: &'s mut [u8]) -> Result<Header<'s>, Failure> {
            let (bytes, arena) = super::decode::bytes(b64, scratch)?;
            Ok(super::read_header::read(bytes, arena)?.0.untrusted())
        }
        let needed = crate::scratch_len(self.header_b64().len());
        read(self.header_b64(), scratch).map_err(|f| f.into_error(needed))
    }

    /// Decodes the payload **without checking the MAC** and returns its text (normally JSON).
    /// Anyone can write anything here; use it to display or log, never to decide.
    ///
    /// # Errors
    /// [`Error::Malformed`] or [`Error::Base64`] for the encoding; [`Error::Json`] when it is
    /// not UTF-8; [`Error::BufferTooSmall`] with a size enough for this payload.
    pub fn danger_unverified_payload<'s>(&self, scratch: &'s mut [u8]) -> Result<&'s str, Error> {
        let needed = base64url::decoded_len(self.payload_b64().len()).unwrap_or(0);
        let (bytes, _) =
            super::decode::bytes(self.payload_b64(), scratch).map_err(|f| f.into_error(needed))?;
        core::str::from_utf8(bytes).map_err(|_| Error::Json)
    }
}

/// Finds the two dots; the base64url decoders check every segment's bytes later, once.
///
/// # Errors
/// [`Error::TokenTooLarge`] beyond `max_len` (capped at 4 GiB: the JSON reader keeps 32-bit
/// offsets), checked first; [`Error::Malformed`] unless there are two dots and no empty segment
/// (a third dot lands in the payload, whose decoder refuses it).
pub(crate) fn split(token: &str, max_len: usize) -> Result<UntrustedToken<'_>, Error> {
    let max_len = max_len.min(u32::MAX as usize);
    if token.len() > max_len {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            max: max_len,
        });
    }
    // Found by hand rather than with `split_once`, whose slicing keeps a panic path.
    let bytes = token.as_bytes();
    let first = bytes
        .iter()
        .position(|&b| b == b'.')
        .ok_or(Error::Malformed)?;
    let last = bytes
        .iter()
        .rposition(|&b| b == b'.')
        .ok_or(Error::Malformed)?;
    let (Some(signing_input), Some(signature)) = (token.get(..last), token.get(last + 1..)) else {
        return Err(Error::Malformed);
    };
    let empty = first == 0 || last <= first + 1 || signature.is_empty();
    if empty {
        return Err(Error::Malformed);
    }
    Ok(UntrustedToken {
        signing_input,
        header_len: first,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_rules() {
        let ok = UntrustedToken::parse("aGk.e30.c2ln", 100).unwrap();
        assert_eq!(
            (ok.header_b64(), ok.payload_b64(), ok.signature_b64()),
            ("aGk", "e30", "c2ln")
        );
        assert_eq!(ok.signing_input(), "aGk.e30");
        for bad in [
            "",
            ".",
            "..",
            "a..c",
            ".b.c",
            "a.b.",
            "a.b",
            "abc",
            "a.b.c.d",
            "a.b.c.d.e",
            "a.b .c",
            "a.b.c\n",
            " a.b.c",
            "a=.b.c",
            "a+.b.c",
            "a/.b.c",
            "a.b.c=",
        ] {
            assert_eq!(
                UntrustedToken::parse(bad, 100).unwrap_err(),
                Error::Malformed,
                "{bad:?}"
            );
        }
        assert_eq!(
            UntrustedToken::parse("a.b.c", 4).unwrap_err(),
            Error::TokenTooLarge { len: 5, max: 4 }
        );
    }
}
