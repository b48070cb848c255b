//! The one error type of the crate.
//!
//! Variants are listed in the order the checks run. Until the MAC has been checked the errors are
//! deliberately coarse (an attacker learns nothing from them); after it, they may carry context
//! such as the expiry time, because by then the token is known to come from a key holder.

use core::fmt;

/// A registered claim name (RFC 7519 §4.1), used in errors and in [`Validation::require`].
///
/// [`Validation::require`]: crate::Validation::require
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Claim {
    /// `iss`, the issuer (RFC 7519 §4.1.1).
    Iss,
    /// `sub`, the subject (RFC 7519 §4.1.2).
    Sub,
    /// `aud`, the audience (RFC 7519 §4.1.3).
    Aud,
    /// `exp`, the expiration time (RFC 7519 §4.1.4).
    Exp,
    /// `nbf`, the not-before time (RFC 7519 §4.1.5).
    Nbf,
    /// `iat`, the issued-at time (RFC 7519 §4.1.6).
    Iat,
    /// `jti`, the token identifier (RFC 7519 §4.1.7).
    Jti,
}

impl Claim {
    /// All registered claims, in the order of RFC 7519 §4.1.
    pub const ALL: [Claim; 7] = [
        Claim::Iss,
        Claim::Sub,
        Claim::Aud,
        Claim::Exp,
        Claim::Nbf,
        Claim::Iat,
        Claim::Jti,
    ];

    /// The claim's JSON member name.
    ///
    /// ```
    /// assert_eq!(microjwt::Claim::Exp.name(), "exp");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Claim::Iss => "iss",
            Claim::Sub => "sub",
            Claim::Aud => "aud",
            Claim::Exp => "exp",
            Claim::Nbf => "nbf",
            Claim::Iat => "iat",
            Claim::Jti => "jti",
        }
    }

    pub(crate) const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that can go wrong when making or checking a token.
///
/// `Error` is small and `Copy`. Match on the variants you handle specially (typically
/// [`Error::Expired`] → "log in again") and treat the rest as "unauthorized".
///
/// ```
/// # use microjwt::{HmacKey, Hs256, Validation, Error};
/// let key = HmacKey::<Hs256>::new(&[7; 32])?;
/// let mut scratch = [0u8; 256];
/// let err = microjwt::verify::<()>(&key, "not a token", &Validation::new(0), &mut scratch)
///     .unwrap_err();
/// assert_eq!(err, Error::Malformed);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    // --- before the MAC check: coarse ---
    /// The token is longer than [`Validation::max_token_len`](crate::Validation::max_token_len).
    TokenTooLarge {
        /// The token's length in bytes.
        len: usize,
        /// The configured maximum.
        max: usize,
    },
    /// Not three non-empty dot-separated segments of base64url characters (RFC 7515 §7.1).
    Malformed,
    /// A segment is not canonical unpadded base64url (RFC 7515 §2): padding, `+`/`/`, a
    /// length of 4n+1, or non-zero trailing bits.
    Base64,
    /// The header names a `kid` that is not in the key set.
    UnknownKeyId,
    /// The header has no `kid` and the key set has no default key.
    MissingKeyId,
    /// The MAC does not match, or has the wrong length (RFC 7515 §5.2 step 7). Deliberately
    /// says nothing more.
    InvalidSignature,

    // --- after the MAC check: the issuer made this token ---
    /// A header or payload is not valid RFC 8259 JSON (including invalid UTF-8, a byte order
    /// mark, lone surrogates, or trailing data).
    Json,
    /// JSON nested deeper than [`MAX_DEPTH`](crate::MAX_DEPTH) arrays and objects.
    NestingTooDeep,
    /// An object repeats a member name (RFC 7515 §4, RFC 7519 §4); from `sign`, the claims would
    /// write one twice.
    DuplicateMember,
    /// A header parameter this crate reads (`alg`, `typ`, `cty`, `kid`) is not a string, or the
    /// header is not a JSON object.
    InvalidHeader,
    /// The header's `alg` is missing or is not exactly the key's algorithm (RFC 8725 §3.1).
    AlgorithmMismatch,
    /// The header has a `crit` member: no extension is understood here, so the token must be
    /// rejected (RFC 7515 §4.1.11). This includes RFC 7797 `b64`.
    UnsupportedCrit,
    /// The header's `typ` is not the one the validation expects (RFC 8725 §3.11).
    TypeMismatch,
    /// The header's `cty` says the payload is a nested JWT (RFC 7519 §5.2), which is not
    /// supported.
    NestedToken,
    /// The payload is valid JSON but not an object, so it is not a JWT Claims Set (RFC 7519 §7.2
    /// step 10).
    NotAnObject,
    /// A registered claim has the wrong JSON type or an out-of-range value, e.g. `exp` as a
    /// string, negative, or beyond `u64` seconds.
    InvalidClaim(Claim),
    /// A required claim is absent.
    MissingClaim(Claim),
    /// The validation's clock is unknown but the token carries time claims.
    TimeUnknown,
    /// `now >= exp + leeway` (RFC 7519 §4.1.4).
    Expired {
        /// The token's `exp`, rounded up to whole seconds.
        exp: u64,
        /// The validation time.
        now: u64,
    },
    /// `now + leeway < nbf` (RFC 7519 §4.1.5).
    NotYetValid {
        /// The token's `nbf`, rounded up to whole seconds.
        nbf: u64,
        /// The validation time.
        now: u64,
    },
    /// `iat` is before the validation's issued-after cutoff (everyone was logged out).
    IssuedBeforeCutoff {
        /// The token's `iat` in whole seconds (rounded down: `999.5` is before `1000`).
        iat: u64,
        /// The cutoff.
        cutoff: u64,
    },
    /// The key that verified the token is bound to an issuer
    /// ([`HmacKey::with_issuer`](crate::HmacKey::with_issuer)) and the token's `iss` is absent or
    /// another one: one tenant's key cannot speak for another (RFC 8725 §3.8).
    KeyIssuerMismatch,
    /// `iss` differs from the expected issuer.
    IssuerMismatch,
    /// No `aud` entry matches an expected audience, or the token has an audience and none was
    /// configured (RFC 7519 §4.1.3).
    AudienceMismatch,
    /// `sub` differs from the expected subject.
    SubjectMismatch,
    /// The caller's revocation check rejected the token.
    Revoked,
    /// The token's `jti` was already used (replay guard).
    Replayed,
    /// The replay guard is full of unexpired entries, so it fails closed.
    ReplayCacheFull,
    /// The payload is valid JSON but does not fit the caller's claims type; the detail is what
    /// serde reported (a missing field's name, the kind of value found).
    Claims(ClaimsError),

    // --- caller mistakes ---
    /// The caller's buffer is too small; `needed` bytes are always enough.
    BufferTooSmall {
        /// A buffer size that is sufficient.
        needed: usize,
    },
    /// The HMAC secret is shorter than the hash output (RFC 7518 §3.2).
    KeyTooShort {
        /// The secret's length in bytes.
        len: usize,
        /// The minimum for this algorithm.
        min: usize,
    },
    /// An encoded secret decodes to more than
    /// [`MAX_ENCODED_KEY_LEN`](crate::MAX_ENCODED_KEY_LEN) bytes.
    KeyTooLong {
        /// The maximum.
        max: usize,
    },
    /// A `kid` is empty or longer than [`MAX_KID_LEN`](crate::MAX_KID_LEN).
    InvalidKeyId,
    /// The key set already holds as many keys as it can, or holds this `kid` already.
    KeySetFull,
    /// The key's `key_ops` (RFC 7517 §4.3) do not include this operation: a key loaded with
    /// `"key_ops":["verify"]` cannot sign.
    KeyOperationNotPermitted,
    /// A JSON Web Key or JWK Set is valid JSON but not a usable HMAC key (RFC 7517, RFC 7518 §6.4).
    Jwk(JwkError),
    /// The claims could not be written as JSON (a non-finite float, a non-string map key, or
    /// not a JSON object at the top level).
    Unserializable,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::TokenTooLarge { len, max } => {
                write!(f, "token of {len} bytes exceeds the maximum of {max}")
            }
            Error::Malformed => f.write_str("malformed token: expected three base64url segments"),
            Error::Base64 => f.write_str("invalid base64url encoding"),
            Error::UnknownKeyId => f.write_str("unknown key id"),
            Error::MissingKeyId => f.write_str("token has no key id and no default key is set"),
            Error::InvalidSignature => f.write_str("invalid signature"),
            Error::Json => f.write_str("invalid JSON"),
            Error::NestingTooDeep => f.write_str("JSON nested too deeply"),
            Error::DuplicateMember => f.write_str("duplicate JSON member name"),
            Error::InvalidHeader => f.write_str("invalid header parameter"),
            Error::AlgorithmMismatch => f.write_str("algorithm mismatch"),
            Error::UnsupportedCrit => f.write_str("unsupported critical header parameter"),
            Error::TypeMismatch => f.write_str("unexpected token type"),
            Error::NestedToken => f.write_str("nested tokens are not supported"),
            Error::NotAnObject => f.write_str("payload is not a JSON object"),
            Error::InvalidClaim(c) => write!(f, "claim `{c}` has an invalid type or value"),
            Error::MissingClaim(c) => write!(f, "required claim `{c}` is missing"),
            Error::TimeUnknown => f.write_str("current time unknown, cannot check time claims"),
            Error::Expired { exp, now } => write!(f, "token expired at {exp}, now {now}"),
            Error::NotYetValid { nbf, now } => {
                write!(f, "token not valid before {nbf}, now {now}")
            }
            Error::IssuedBeforeCutoff { iat, cutoff } => {
                write!(f, "token issued at {iat}, before the cutoff {cutoff}")
            }
            Error::KeyIssuerMismatch => {
                f.write_str("the token's issuer is not the one its key is bound to")
            }
            Error::IssuerMismatch => f.write_str("issuer mismatch"),
            Error::AudienceMismatch => f.write_str("audience mismatch"),
            Error::SubjectMismatch => f.write_str("subject mismatch"),
            Error::Revoked => f.write_str("token revoked"),
            Error::Replayed => f.write_str("token already used"),
            Error::ReplayCacheFull => f.write_str("replay cache full"),
            Error::Claims(detail) => write!(f, "claims do not match the expected type: {detail}"),
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes are enough")
            }
            Error::KeyTooShort { len, min } => {
                write!(f, "key of {len} bytes is shorter than the minimum of {min}")
            }
            Error::KeyTooLong { max } => write!(f, "key longer than the maximum of {max} bytes"),
            Error::InvalidKeyId => f.write_str("invalid key id"),
            Error::KeySetFull => f.write_str("key set full or key id already present"),
            Error::KeyOperationNotPermitted => {
                f.write_str("the key's key_ops do not permit this operation")
            }
            Error::Jwk(detail) => write!(f, "unusable JSON Web Key: {detail}"),
            Error::Unserializable => f.write_str("claims cannot be serialized as a JSON object"),
        }
    }
}

impl core::error::Error for Error {}

/// Why a step inside the crate stopped: an [`Error`], or "the caller's buffer is full", which
/// only the public entry points turn into [`Error::BufferTooSmall`], because only they know a
/// size that is really enough (from the token's length). No step ever makes a placeholder size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The scratch (or output) buffer ran out.
    Full,
    /// Anything else, already the error the caller will see.
    Reject(Error),
}

impl Failure {
    /// The public error, `needed` being a buffer size that is always enough.
    pub(crate) const fn into_error(self, needed: usize) -> Error {
        match self {
            Failure::Full => Error::BufferTooSmall { needed },
            Failure::Reject(e) => e,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Reject(e)
    }
}

impl From<crate::json::Full> for Failure {
    fn from(_: crate::json::Full) -> Self {
        Failure::Full
    }
}

/// What serde reported when a payload did not fit the caller's claims type: the part of its
/// message that needs no allocation. Carried by [`Error::Claims`].
///
/// ```
/// # use microjwt::{ClaimsError, Error, HmacKey, Hs256, Validation};
/// #[derive(serde::Serialize)]
/// struct Issued { exp: u64 }
/// #[derive(serde::Deserialize)]
/// #[allow(dead_code)]
/// struct Expected { exp: u64, role: u8 }
/// let key = HmacKey::<Hs256>::new(&[7; 32])?;
/// let mut buf = [0u8; 128];
/// let token = microjwt::sign(&key, &Issued { exp: 9 }, &mut buf)?;
/// let mut scratch = [0u8; 128];
/// let err = microjwt::verify::<Expected>(&key, token, &Validation::new(1), &mut scratch).err();
/// assert_eq!(err, Some(Error::Claims(ClaimsError::MissingField("role"))));
/// assert_eq!(err.unwrap().to_string(), "claims do not match the expected type: missing field `role`");
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ClaimsError {
    /// A field the type requires is absent.
    MissingField(&'static str),
    /// A field appears twice where the type reads it once.
    DuplicateField(&'static str),
    /// A member the type does not know (`#[serde(deny_unknown_fields)]`).
    UnknownField,
    /// A string that is none of an enum's variants.
    UnknownVariant,
    /// A value of another JSON type than the field's.
    InvalidType {
        /// What the payload held.
        found: JsonKind,
    },
    /// A value of the right type out of the field's range (`256` for a `u8`, `1e400`).
    InvalidValue,
    /// An array or object with more or fewer elements than the type takes.
    InvalidLength,
    /// The type's own `Deserialize` impl failed with a message of its own.
    Custom,
}

impl fmt::Display for ClaimsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ClaimsError::MissingField(name) => write!(f, "missing field `{name}`"),
            ClaimsError::DuplicateField(name) => write!(f, "duplicate field `{name}`"),
            ClaimsError::UnknownField => f.write_str("unknown field"),
            ClaimsError::UnknownVariant => f.write_str("unknown variant"),
            ClaimsError::InvalidType { found } => write!(f, "invalid type: found {found}"),
            ClaimsError::InvalidValue => f.write_str("invalid value"),
            ClaimsError::InvalidLength => f.write_str("invalid length"),
            ClaimsError::Custom => f.write_str("rejected by the type's deserializer"),
        }
    }
}

/// The kind of a JSON value, for [`ClaimsError::InvalidType`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number without fraction or exponent.
    Integer,
    /// Any other number.
    Float,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
    /// Something serde's data model has and JSON does not.
    Other,
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonKind::Null => "null",
            JsonKind::Bool => "a boolean",
            JsonKind::Integer => "an integer",
            JsonKind::Float => "a number with a fraction or exponent",
            JsonKind::String => "a string",
            JsonKind::Array => "an array",
            JsonKind::Object => "an object",
            JsonKind::Other => "another value",
        })
    }
}

/// Why a JSON Web Key (RFC 7517) cannot be an HMAC key here. Carried by [`Error::Jwk`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum JwkError {
    /// `kty` is absent (RFC 7517 §4.1 requires it) or is not `oct` (RFC 7518 §6.4).
    KeyType,
    /// The `k` member holding the secret is absent (RFC 7518 §6.4.1).
    MissingSecret,
    /// `alg` names another algorithm than the key's type (RFC 7517 §4.4).
    Algorithm,
    /// `use` is present and is not `sig` (RFC 7517 §4.2).
    Use,
    /// `key_ops` repeats a value, allows neither `sign` nor `verify`, or contradicts `use`
    /// (RFC 7517 §4.3).
    KeyOps,
    /// A member has the wrong JSON type: `kty`, `k`, `kid`, `alg` and `use` are strings,
    /// `key_ops` an array of strings, `keys` an array of objects (RFC 7517 §4, §5).
    MemberType,
    /// A JWK Set has no `keys` array, or no key in it is an HMAC key for this algorithm.
    NoUsableKey,
    /// The JWK needs more room than the 1 KiB this crate gives escaped strings in a key.
    TooLarge,
}

impl fmt::Display for JwkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JwkError::KeyType => "kty must be \"oct\"",
            JwkError::MissingSecret => "no \"k\" member",
            JwkError::Algorithm => "alg names another algorithm",
            JwkError::Use => "use is not \"sig\"",
            JwkError::KeyOps => {
                "key_ops repeat a value, permit neither sign nor verify, or contradict use"
            }
            JwkError::MemberType => "a member has the wrong JSON type",
            JwkError::NoUsableKey => "no HMAC key for this algorithm in the set",
            JwkError::TooLarge => "escaped strings need more than 1 KiB",
        })
    }
}
