//! Conveniences for servers with a heap and a clock (feature `std`): owned tokens and claims, and
//! the system time. The allocation-free API is unchanged; these are thin wrappers over it.

use std::string::String;
use std::time::{SystemTime, UNIX_EPOCH};
use std::vec;
use std::vec::Vec;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::alg::Algorithm;
use crate::claims::NumericDate;
use crate::header::HeaderOptions;
use crate::key::HmacKey;
use crate::verify::{VerifyingKeys, scratch_len};
use crate::{Error, Validation};

/// Seconds since the Unix epoch by the system clock (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Validation<'_> {
    /// [`Validation::new`] at the system clock's current time.
    ///
    /// ```
    /// let validation = microjwt::Validation::now_from_system_clock();
    /// assert!(validation.now().unwrap() > 1_700_000_000);
    /// ```
    pub fn now_from_system_clock() -> Self {
        Self::new(unix_now())
    }
}

/// [`sign`](crate::sign) into a `String` of exactly the right size.
///
/// ```
/// use microjwt::{HmacKey, Hs256};
/// let key = HmacKey::<Hs256>::new(b"an example secret, 32 bytes long")?;
/// #[derive(serde::Serialize)]
/// struct Session<'a> { sub: &'a str, exp: u64 }
/// let token = microjwt::sign_to_string(&key, &Session { sub: "ada", exp: 9 })?;
/// assert_eq!(token.matches('.').count(), 2);
/// # Ok::<(), microjwt::Error>(())
/// ```
///
/// # Errors
/// [`Error::Unserializable`] as for [`sign`](crate::sign).
pub fn sign_to_string<A: Algorithm, T: Serialize + ?Sized>(
    key: &HmacKey<A>,
    claims: &T,
) -> Result<String, Error> {
    sign_to_string_with_header(key, &HeaderOptions::new(), claims)
}

/// [`sign_with_header`](crate::sign_with_header) into a `String`.
///
/// # Errors
/// As [`sign_to_string`].
pub fn sign_to_string_with_header<A: Algorithm, T: Serialize + ?Sized>(
    key: &HmacKey<A>,
    header: &HeaderOptions<'_>,
    claims: &T,
) -> Result<String, Error> {
    let mut buf = vec![0u8; crate::sign::token_len(key, header, claims)?];
    let len = crate::sign_with_header(key, header, claims, &mut buf)?.len();
    buf.truncate(len);
    String::from_utf8(buf).map_err(|_| Error::Unserializable)
}

/// A verified token's claims, owned: what [`verify_owned`] returns.
///
/// Like [`Claims`](crate::Claims), only verification makes one (`#[non_exhaustive]` forbids
/// building it elsewhere).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct OwnedClaims<T> {
    /// The caller's claims.
    pub custom: T,
    /// `iss`.
    pub iss: Option<String>,
    /// `sub`.
    pub sub: Option<String>,
    /// `aud`, as a list even when the token had a single string.
    pub aud: Vec<String>,
    /// `exp`.
    pub exp: Option<NumericDate>,
    /// `nbf`.
    pub nbf: Option<NumericDate>,
    /// `iat`.
    pub iat: Option<NumericDate>,
    /// `jti`.
    pub jti: Option<String>,
    /// The header's `kid`.
    pub kid: Option<String>,
}

/// [`verify`](crate::verify) into owned claims, with a scratch buffer allocated for the call.
///
/// ```
/// use microjwt::{HmacKey, Hs256, Validation};
/// #[derive(serde::Deserialize)]
/// struct Session { sub: String, admin: bool }
///
/// let key = HmacKey::<Hs256>::new(b"an example secret, 32 bytes long")?;
/// #[derive(serde::Serialize)]
/// struct Issued<'a> { sub: &'a str, admin: bool, exp: u64 }
/// let token = microjwt::sign_to_string(&key, &Issued { sub: "ada", admin: true, exp: 9 })?;
/// let claims = microjwt::verify_owned::<Session>(&key, &token, &Validation::new(1))?;
/// assert!(claims.custom.admin);
/// assert_eq!(claims.sub.as_deref(), Some("ada"));
/// # Ok::<(), microjwt::Error>(())
/// ```
///
/// # Errors
/// As [`verify`](crate::verify), except [`Error::BufferTooSmall`].
pub fn verify_owned<T: DeserializeOwned>(
    keys: &impl VerifyingKeys,
    token: &str,
    validation: &Validation<'_>,
) -> Result<OwnedClaims<T>, Error> {
    // The length cap first: nothing proportional to an unchecked length is allocated.
    if token.len() > validation.max_len() {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            max: validation.max_len(),
        });
    }
    let mut scratch = vec![0u8; scratch_len(token.len())];
    let claims = crate::verify::<T>(keys, token, validation, &mut scratch)?;
    let registered = *claims.registered();
    let kid = claims.header().kid().map(String::from);
    Ok(OwnedClaims {
        iss: registered.iss().map(String::from),
        sub: registered.sub().map(String::from),
        aud: registered
            .aud()
            .map(|aud| aud.iter().map(String::from).collect())
            .unwrap_or_default(),
        exp: registered.exp(),
        nbf: registered.nbf(),
        iat: registered.iat(),
        jti: registered.jti().map(String::from),
        kid,
        custom: claims.into_custom(),
    })
}
