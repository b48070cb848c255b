//! Stage 1: split the compact serialization (RFC 7515 §7.1) into its three segments.

use crate::base64url;
use crate::verify::header;
use crate::{Error, Header};

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
        // Capped at 4 GiB whatever `max_len` says: JSON offsets are kept as `u32`.
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
        let (Some(header), Some(payload), Some(signing_input), Some(signature)) = (
            token.get(..first),
            token.get(first + 1..last),
            token.get(..last),
            token.get(last + 1..),
        ) else {
            return Err(Error::Malformed);
        };
        let segments = [header, payload, signature];
        if segments
            .iter()
            .any(|s| s.is_empty() || !base64url::is_alphabet(s.as_bytes()))
        {
            return Err(Error::Malformed);
        }
        Ok(Self {
            signing_input,
            header_len: header.len(),
            signature,
        })
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
    /// [`Error::Base64`], JSON errors, [`Error::InvalidHeader`], or [`Error::BufferTooSmall`].
    pub fn danger_unverified_header<'s>(&self, scratch: &'s mut [u8]) -> Result<Header<'s>, Error> {
        Ok(header::read(self.header_b64(), scratch)?.0.header)
    }

    /// Decodes the payload **without checking the MAC** and returns its text (normally JSON).
    /// Anyone can write anything here; use it to display or log, never to decide.
    ///
    /// # Errors
    /// [`Error::Base64`]; [`Error::Json`] when it is not UTF-8; [`Error::BufferTooSmall`].
    pub fn danger_unverified_payload<'s>(&self, scratch: &'s mut [u8]) -> Result<&'s str, Error> {
        Ok(super::decode_text(self.payload_b64(), scratch)?.0)
    }
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
