//! The HMAC algorithms of RFC 7518 §3.2, as zero-sized marker types.
//!
//! The algorithm is a type parameter of the key, never a value read from a token: a key made for
//! [`Hs256`] can only ever verify `"alg":"HS256"` (RFC 8725 §3.1). Because each algorithm is its own
//! type, firmware that only names `Hs256` never links SHA-384 or SHA-512.

use core::fmt::Debug;

/// An HMAC algorithm usable for JWS (RFC 7518 §3.2). Sealed: implemented only by [`Hs256`],
/// [`Hs384`] and [`Hs512`].
pub trait Algorithm: sealed::Sealed + Copy + Default + Debug + Send + Sync + 'static {
    /// The JWS `alg` header value, compared byte for byte (it is case-sensitive).
    const NAME: &'static str;
    /// The MAC length in bytes, which is also the minimum key length (RFC 7518 §3.2).
    const TAG_LEN: usize;
}

/// HMAC using SHA-256 (`"alg":"HS256"`), 32-byte tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Hs256;

/// HMAC using SHA-384 (`"alg":"HS384"`), 48-byte tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Hs384;

/// HMAC using SHA-512 (`"alg":"HS512"`), 64-byte tags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Hs512;

/// The longest tag of any supported algorithm, for stack buffers.
pub(crate) const MAX_TAG_LEN: usize = 64;

macro_rules! algorithm {
    ($ty:ident, $name:literal, $hash:ty, $len:literal, $known:expr) => {
        impl Algorithm for $ty {
            const NAME: &'static str = $name;
            const TAG_LEN: usize = $len;
        }
        impl sealed::Sealed for $ty {
            type Mac = hmac::Hmac<$hash>;
            const KNOWN_HEADERS: [(&'static str, Option<&'static str>); 3] = $known;

            fn keyed_mac(secret: &[u8]) -> Self::Mac {
                use hmac::KeyInit;
                use sha2::Digest;
                // RFC 2104 §2: a key longer than the block is hashed first, then every key is
                // padded with zeros to the block size. Done here, the key has exactly the block
                // size, so the infallible constructor applies and no error path is left.
                let mut block = hmac::digest::Key::<Self::Mac>::default();
                if secret.len() > block.len() {
                    crate::bytes::copy_prefix(&mut block, &<$hash>::digest(secret));
                } else {
                    crate::bytes::copy_prefix(&mut block, secret);
                }
                let mac = <Self::Mac as KeyInit>::new(&block);
                crate::key::wipe(&mut block);
                mac
            }

            fn digest128(data: &[u8]) -> [u8; 16] {
                use sha2::Digest;
                let full = <$hash>::digest(data);
                let mut out = [0u8; 16];
                crate::bytes::copy_prefix(&mut out, &full);
                out
            }
        }
    };
}

// The headers nearly every token carries, by their exact base64url encoding: what this crate and
// PyJWT write (`alg`, then `typ`), what jsonwebtoken writes (`typ`, then `alg`), and a bare `alg`.
// `sign` copies the first instead of serializing it; `verify` recognizes all three without
// decoding (a unit test in `verify/read_header.rs` proves each reads exactly as parsed). Each
// algorithm has its own, so firmware for one links only its three.
algorithm!(
    Hs256,
    "HS256",
    sha2::Sha256,
    32,
    [
        ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", Some("JWT")),
        ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9", Some("JWT")),
        ("eyJhbGciOiJIUzI1NiJ9", None),
    ]
);
algorithm!(
    Hs384,
    "HS384",
    sha2::Sha384,
    48,
    [
        ("eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9", Some("JWT")),
        ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzM4NCJ9", Some("JWT")),
        ("eyJhbGciOiJIUzM4NCJ9", None),
    ]
);
algorithm!(
    Hs512,
    "HS512",
    sha2::Sha512,
    64,
    [
        ("eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9", Some("JWT")),
        ("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9", Some("JWT")),
        ("eyJhbGciOiJIUzUxMiJ9", None),
    ]
);

pub(crate) mod sealed {
    /// Keeps the RustCrypto types out of the public API: only this crate names `Mac`.
    pub trait Sealed {
        type Mac: hmac::Mac + hmac::KeyInit + Clone;

        /// The encodings of the headers nearly every token of this algorithm carries, with
        /// their `typ`: `{"alg":…,"typ":"JWT"}` (the first, which `sign` writes),
        /// `{"typ":"JWT","alg":…}` and `{"alg":…}`.
        const KNOWN_HEADERS: [(&'static str, Option<&'static str>); 3];

        /// The HMAC state keyed with `secret`, of any length.
        fn keyed_mac(secret: &[u8]) -> Self::Mac;

        /// The first 128 bits of this algorithm's hash of `data`: a digest that links no hash
        /// the key does not already use.
        fn digest128(data: &[u8]) -> [u8; 16];
    }
}
