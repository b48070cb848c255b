#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(test, feature = "std"))]
extern crate std;

// In the order data flows: the error type and the key material first, then the stages of
// verification and signing, then what builds on them.
mod error;
mod alg;
mod key;
mod keyset;
mod jwk;
mod bytes;
mod base64url;
mod json;
mod header;
mod claims;
mod validation;
mod verify;
mod sign;
mod replay;
#[cfg(feature = "std")]
mod owned;

pub use alg::{Algorithm, Hs256, Hs384, Hs512};
pub use claims::{Audience, Claims, NumericDate, RegisteredClaims};
pub use error::{Claim, ClaimsError, Error, JsonKind, JwkError};
pub use header::{Header, HeaderOptions};
pub use json::MAX_DEPTH;
pub use key::{HmacKey, MAX_ENCODED_KEY_LEN, MAX_KID_LEN, Tag};
pub use keyset::KeySet;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use owned::{OwnedClaims, sign_to_string, sign_to_string_with_header, unix_now, verify_owned};
pub use replay::ReplayGuard;
pub use sign::{sign, sign_with_header};
pub use validation::{DEFAULT_MAX_TOKEN_LEN, Revocation, Validation};
pub use verify::{Jws, UntrustedToken, VerifyingKeys, scratch_len, verify, verify_jws};
