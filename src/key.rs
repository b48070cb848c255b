//! `HmacKey`: a secret, pre-keyed once, bound to one algorithm.

use core::fmt;
use core::marker::PhantomData;

use hmac::Mac;

use crate::Error;
use crate::alg::{Algorithm, MAX_TAG_LEN, sealed::Sealed};
use crate::bytes::copy_prefix;

/// The longest secret [`HmacKey::from_base64url`] decodes, in bytes: twice the largest HMAC block
/// size, far beyond any sensible key.
pub const MAX_ENCODED_KEY_LEN: usize = 256;

/// Overwrites a buffer that held secret bytes, in a way the optimizer may not remove.
pub(crate) fn wipe(buf: &mut [u8]) {
    #[cfg(feature = "zeroize")]
    zeroize::Zeroize::zeroize(buf);
    #[cfg(not(feature = "zeroize"))]
    {
        buf.fill(0);
        core::hint::black_box(buf);
    }
}

/// The longest `kid` a key can carry, in bytes. Bounded so keys stay fixed-size and a hostile
/// header cannot make key selection do unbounded work.
pub const MAX_KID_LEN: usize = 64;

/// An HMAC secret for algorithm `A`, with its key schedule computed once.
///
/// Creating the key runs the HMAC key schedule (hashing the inner and outer pads); every sign and
/// verify afterwards starts from a copy of that state, so no token pays for it again.
///
/// The secret is never printed (`Debug` shows only the algorithm and `kid`) and keys cannot be
/// compared with `==`. With the `zeroize` feature the HMAC state is wiped on drop.
///
/// ```
/// use microjwt::{HmacKey, Hs256};
/// let key = HmacKey::<Hs256>::new(b"a secret of at least thirty-two bytes!")?
///     .with_kid("2026-11")?;
/// assert_eq!(key.kid(), Some("2026-11"));
/// assert!(format!("{key:?}").contains("HS256"));
/// # Ok::<(), microjwt::Error>(())
/// ```
pub struct HmacKey<A: Algorithm> {
    mac: <A as Sealed>::Mac,
    kid: KeyId,
    /// A digest of the issuer this key may speak for, if it is bound to one.
    issuer: Option<[u8; 16]>,
    ops: KeyOps,
    alg: PhantomData<A>,
}

/// What a key may be used for (RFC 7517 §4.3 `key_ops`): both, unless a JWK says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyOps {
    pub(crate) sign: bool,
    pub(crate) verify: bool,
}

impl KeyOps {
    pub(crate) const ALL: KeyOps = KeyOps {
        sign: true,
        verify: true,
    };
}

impl<A: Algorithm> HmacKey<A> {
    /// Makes a key from secret bytes.
    ///
    /// # Errors
    /// [`Error::KeyTooShort`] when `secret` is shorter than the hash output (32, 48 or 64 bytes):
    /// RFC 7518 §3.2 requires "a key of the same size as the hash output or larger".
    pub fn new(secret: &[u8]) -> Result<Self, Error> {
        if secret.len() < A::TAG_LEN {
            return Err(Error::KeyTooShort {
                len: secret.len(),
                min: A::TAG_LEN,
            });
        }
        Ok(Self::danger_from_short_secret(secret))
    }

    /// Makes a key from base64url text, as in a JWK's `k` member (RFC 7518 §6.4.1).
    ///
    /// The secret is decoded with `base64ct`'s constant-time decoder (so its bytes do not steer
    /// table lookups an attacker could time) into a stack buffer that is wiped afterwards.
    ///
    /// ```
    /// use microjwt::{HmacKey, Hs256};
    /// // RFC 7520 §3.5
    /// let key = HmacKey::<Hs256>::from_base64url("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg")?;
    /// # Ok::<(), microjwt::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Base64`] unless `encoded` is canonical unpadded base64url;
    /// [`Error::KeyTooLong`] beyond [`MAX_ENCODED_KEY_LEN`] decoded bytes; otherwise as [`new`](Self::new).
    pub fn from_base64url(encoded: &str) -> Result<Self, Error> {
        Self::decode_secret::<base64ct::Base64UrlUnpadded>(encoded)
    }

    /// Makes a key from standard, padded base64 (RFC 4648 §4): what `openssl rand -base64 32`
    /// prints, without its trailing newline.
    ///
    /// Decoded in constant time into a stack buffer that is wiped afterwards, like
    /// [`from_base64url`](Self::from_base64url).
    ///
    /// ```
    /// use microjwt::{Error, HmacKey, Hs256};
    /// let key = HmacKey::<Hs256>::from_base64("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG+Onbc6mxCcYg=")?;
    /// // The same secret, unpadded or in the URL-safe alphabet, is not standard base64:
    /// assert_eq!(HmacKey::<Hs256>::from_base64("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg").unwrap_err(), Error::Base64);
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Base64`] unless `encoded` is canonical padded standard base64 (a trailing newline
    /// is an error too); otherwise as [`from_base64url`](Self::from_base64url).
    pub fn from_base64(encoded: &str) -> Result<Self, Error> {
        Self::decode_secret::<base64ct::Base64>(encoded)
    }

    fn decode_secret<E: base64ct::Encoding>(encoded: &str) -> Result<Self, Error> {
        let mut buf = [0u8; MAX_ENCODED_KEY_LEN];
        let result = match E::decode(encoded, &mut buf) {
            Ok(secret) => Self::new(secret),
            Err(base64ct::Error::InvalidLength) if encoded.len() / 4 * 3 > MAX_ENCODED_KEY_LEN => {
                Err(Error::KeyTooLong {
                    max: MAX_ENCODED_KEY_LEN,
                })
            }
            Err(_) => Err(Error::Base64),
        };
        wipe(&mut buf);
        result
    }

    /// Makes a key from a secret of any length, including ones RFC 7518 §3.2 forbids.
    ///
    /// Only for test vectors (RFC 4231 uses a 4-byte key) and legacy systems you cannot change:
    /// a short secret can be brute-forced offline from a single token.
    pub fn danger_from_short_secret(secret: &[u8]) -> Self {
        Self {
            mac: A::keyed_mac(secret),
            kid: KeyId::EMPTY,
            issuer: None,
            ops: KeyOps::ALL,
            alg: PhantomData,
        }
    }

    /// Attaches a key id: [`sign`](crate::sign) writes it into the header, and a
    /// [`KeySet`](crate::KeySet) selects this key for tokens carrying it (RFC 7515 §4.1.4).
    ///
    /// # Errors
    /// [`Error::InvalidKeyId`] when `kid` is empty or longer than [`MAX_KID_LEN`].
    pub fn with_kid(mut self, kid: &str) -> Result<Self, Error> {
        self.kid = KeyId::new(kid)?;
        Ok(self)
    }

    /// The key id, if one was attached.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_str()
    }

    /// Binds the key to the one issuer it may speak for: a token it verifies must carry exactly
    /// this `iss`, or [`verify`](crate::verify) fails with [`Error::KeyIssuerMismatch`] (checked
    /// after the MAC, with the other claims). In a [`KeySet`](crate::KeySet) holding the keys of
    /// several tenants, this stops one tenant's key from signing tokens that claim to come from
    /// another (RFC 8725 §3.8).
    ///
    /// The key keeps a 128-bit digest of `issuer` (by the key's own hash), not the string, so
    /// keys stay small and fixed-size.
    ///
    /// ```
    /// use microjwt::{Error, HmacKey, Hs256, KeySet, Validation};
    /// #[derive(serde::Serialize)]
    /// struct Claims<'a> { iss: &'a str, exp: u64 }
    ///
    /// let tenant_a = HmacKey::<Hs256>::new(&[1; 32])?.with_kid("a")?.with_issuer("https://a.example");
    /// let mut buf = [0u8; 160];
    /// // Tenant A's key signs a token claiming to come from tenant B:
    /// let forged = microjwt::sign(&tenant_a, &Claims { iss: "https://b.example", exp: 9 }, &mut buf)?;
    ///
    /// let mut keys = KeySet::<Hs256, 2>::new();
    /// keys.insert(tenant_a)?;
    /// let mut scratch = [0u8; 160];
    /// let v = Validation::new(1).issuer("https://b.example");
    /// let err = microjwt::verify::<()>(&keys, forged, &v, &mut scratch).unwrap_err();
    /// assert_eq!(err, Error::KeyIssuerMismatch);
    /// # Ok::<(), Error>(())
    /// ```
    #[must_use]
    pub fn with_issuer(mut self, issuer: &str) -> Self {
        self.issuer = Some(A::digest128(issuer.as_bytes()));
        self
    }

    /// Whether the key was bound to an issuer with [`with_issuer`](Self::with_issuer).
    pub fn is_bound_to_issuer(&self) -> bool {
        self.issuer.is_some()
    }

    /// Whether a token with this `iss` may have been made with this key.
    pub(crate) fn speaks_for(&self, iss: Option<&str>) -> bool {
        match (self.issuer, iss) {
            (None, _) => true,
            (Some(bound), Some(iss)) => A::digest128(iss.as_bytes()) == bound,
            (Some(_), None) => false,
        }
    }

    pub(crate) const fn ops(&self) -> KeyOps {
        self.ops
    }

    pub(crate) fn with_ops(mut self, ops: KeyOps) -> Self {
        self.ops = ops;
        self
    }

    /// The key, if its `key_ops` allow `verify`.
    pub(crate) fn for_verifying(&self) -> Result<&Self, Error> {
        if self.ops.verify {
            Ok(self)
        } else {
            Err(Error::KeyOperationNotPermitted)
        }
    }

    /// Computes the full-length HMAC of `message`.
    ///
    /// ```
    /// use microjwt::{HmacKey, Hs256};
    /// let key = HmacKey::<Hs256>::new(&[0x0b; 32])?;
    /// let tag = key.mac(b"hello");
    /// assert_eq!(tag.as_bytes().len(), 32);
    /// assert!(key.verify_mac(b"hello", tag.as_bytes()).is_ok());
    /// # Ok::<(), microjwt::Error>(())
    /// ```
    pub fn mac(&self, message: &[u8]) -> Tag<A> {
        let mut mac = self.mac.clone();
        mac.update(message);
        let mut bytes = [0u8; MAX_TAG_LEN];
        copy_prefix(&mut bytes, &mac.finalize().into_bytes());
        Tag {
            bytes,
            alg: PhantomData,
        }
    }

    /// Checks `tag` against the HMAC of `message` in constant time.
    ///
    /// # Errors
    /// [`Error::InvalidSignature`] when the tag differs or is not exactly
    /// [`A::TAG_LEN`](Algorithm::TAG_LEN) bytes long: a truncated tag never verifies.
    pub fn verify_mac(&self, message: &[u8], tag: &[u8]) -> Result<(), Error> {
        self.verify_pieces(&[message], tag)
    }

    /// [`Self::verify_mac`] over the concatenation of `pieces`, without copying them together:
    /// a token's signing input is `header`, `.`, `payload`.
    pub(crate) fn verify_pieces(&self, pieces: &[&[u8]], tag: &[u8]) -> Result<(), Error> {
        let mut mac = self.mac.clone();
        for piece in pieces {
            mac.update(piece);
        }
        // `verify_slice` checks the length and compares in constant time.
        mac.verify_slice(tag).map_err(|_| Error::InvalidSignature)
    }
}

impl<A: Algorithm> Clone for HmacKey<A> {
    fn clone(&self) -> Self {
        Self {
            mac: self.mac.clone(),
            kid: self.kid,
            issuer: self.issuer,
            ops: self.ops,
            alg: PhantomData,
        }
    }
}

impl<A: Algorithm> fmt::Debug for HmacKey<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("HmacKey");
        s.field("alg", &A::NAME).field("kid", &self.kid());
        if self.issuer.is_some() {
            s.field("bound_to_issuer", &true);
        }
        if self.ops != KeyOps::ALL {
            s.field("ops", &self.ops);
        }
        s.finish_non_exhaustive()
    }
}

/// A full-length HMAC tag made by [`HmacKey::mac`]. Not secret, but compare tags with
/// [`HmacKey::verify_mac`], never `==`, so it has no `PartialEq`.
#[derive(Clone, Copy)]
pub struct Tag<A: Algorithm> {
    bytes: [u8; MAX_TAG_LEN],
    alg: PhantomData<A>,
}

impl<A: Algorithm> Tag<A> {
    /// The tag's [`A::TAG_LEN`](Algorithm::TAG_LEN) bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..A::TAG_LEN).unwrap_or(&self.bytes)
    }
}

impl<A: Algorithm> fmt::Debug for Tag<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tag(")?;
        for b in self.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// A bounded key id stored inline, so keys need no heap.
#[derive(Clone, Copy)]
pub(crate) struct KeyId {
    bytes: [u8; MAX_KID_LEN],
    len: u8,
}

impl KeyId {
    const EMPTY: KeyId = KeyId {
        bytes: [0; MAX_KID_LEN],
        len: 0,
    };

    fn new(kid: &str) -> Result<Self, Error> {
        let mut id = Self::EMPTY;
        let dst = id.bytes.get_mut(..kid.len()).ok_or(Error::InvalidKeyId)?;
        if kid.is_empty() {
            return Err(Error::InvalidKeyId);
        }
        copy_prefix(dst, kid.as_bytes());
        id.len = u8::try_from(kid.len()).map_err(|_| Error::InvalidKeyId)?;
        Ok(id)
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        let bytes = self.bytes.get(..usize::from(self.len))?;
        match core::str::from_utf8(bytes) {
            Ok(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Hs256, Hs384, Hs512};

    #[test]
    fn short_keys_are_rejected_with_the_minimum() {
        assert_eq!(
            HmacKey::<Hs256>::new(&[1; 31]).unwrap_err(),
            Error::KeyTooShort { len: 31, min: 32 }
        );
        assert_eq!(
            HmacKey::<Hs384>::new(&[1; 47]).unwrap_err(),
            Error::KeyTooShort { len: 47, min: 48 }
        );
        assert_eq!(
            HmacKey::<Hs512>::new(&[1; 63]).unwrap_err(),
            Error::KeyTooShort { len: 63, min: 64 }
        );
        assert!(HmacKey::<Hs512>::new(&[1; 64]).is_ok());
    }

    #[test]
    fn base64url_keys_decode_in_constant_time_and_strictly() {
        let key = HmacKey::<Hs256>::from_base64url("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg")
            .unwrap();
        let direct = HmacKey::<Hs256>::new(&[
            0x84, 0x9b, 0x57, 0x21, 0x9d, 0xae, 0x48, 0xde, 0x64, 0x6d, 0x07, 0xdb, 0xb5, 0x33,
            0x56, 0x6e, 0x97, 0x66, 0x86, 0x45, 0x7c, 0x14, 0x91, 0xbe, 0x3a, 0x76, 0xdc, 0xea,
            0x6c, 0x42, 0x71, 0x88,
        ])
        .unwrap();
        assert!(direct.verify_mac(b"m", key.mac(b"m").as_bytes()).is_ok());
        for bad in [
            "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg=",
            "hJtX+Z2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg",
        ] {
            assert_eq!(
                HmacKey::<Hs256>::from_base64url(bad).unwrap_err(),
                Error::Base64,
                "{bad}"
            );
        }
        assert_eq!(
            HmacKey::<Hs256>::from_base64url("AAAA").unwrap_err(),
            Error::KeyTooShort { len: 3, min: 32 }
        );
        let long = "A".repeat(400);
        assert_eq!(
            HmacKey::<Hs256>::from_base64url(&long).unwrap_err(),
            Error::KeyTooLong {
                max: MAX_ENCODED_KEY_LEN
            }
        );
    }

    #[test]
    fn kid_is_bounded_and_non_empty() {
        let key = HmacKey::<Hs256>::new(&[1; 32]).unwrap();
        assert_eq!(key.clone().with_kid("").unwrap_err(), Error::InvalidKeyId);
        let long = "k".repeat(MAX_KID_LEN + 1);
        assert_eq!(
            key.clone().with_kid(&long).unwrap_err(),
            Error::InvalidKeyId
        );
        let max = "k".repeat(MAX_KID_LEN);
        assert_eq!(key.with_kid(&max).unwrap().kid(), Some(max.as_str()));
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let key = HmacKey::<Hs256>::new(b"supersecretsupersecretsupersecret").unwrap();
        let shown = std::format!("{key:?}");
        assert!(!shown.contains("supersecret"), "{shown}");
        assert_eq!(shown, "HmacKey { alg: \"HS256\", kid: None, .. }");
    }
}
