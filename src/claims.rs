//! What a verified token carries: the registered claims of RFC 7519 §4.1 and the caller's own.

use core::fmt;

use crate::header::Header;
use crate::json::StrList;

/// A JSON NumericDate (RFC 7519 §2): seconds since the Unix epoch, possibly fractional.
///
/// Parsed exactly from the JSON text, never through a float: `1300819380.5` is 1300819380 s and
/// 500 000 000 ns. Values must be finite, non-negative and below 2^64 seconds; anything else is
/// [`Error::InvalidClaim`](crate::Error::InvalidClaim).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NumericDate {
    secs: u64,
    nanos: u32,
}

impl NumericDate {
    /// A whole number of seconds since the epoch.
    pub const fn from_secs(secs: u64) -> Self {
        Self { secs, nanos: 0 }
    }

    /// Whole seconds since the epoch (the fraction truncated).
    pub const fn secs(self) -> u64 {
        self.secs
    }

    /// The fractional part in nanoseconds, rounded up to the next nanosecond.
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// Whole seconds rounded up: the time checks compare integer `now` against this, so that
    /// `now < exp` and `nbf <= now` hold exactly for fractional `exp` and `nbf`.
    pub(crate) const fn ceil_secs(self) -> u64 {
        if self.nanos == 0 {
            self.secs
        } else {
            self.secs.saturating_add(1)
        }
    }

    /// From the exact value read from the token's JSON number.
    pub(crate) const fn from_parts((secs, nanos): (u64, u32)) -> Self {
        Self { secs, nanos }
    }
}

impl fmt::Display for NumericDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nanos == 0 {
            write!(f, "{}", self.secs)
        } else {
            let frac = trim_nanos(self.nanos);
            write!(f, "{}.{:0width$}", self.secs, frac.0, width = frac.1)
        }
    }
}

/// The nanoseconds without trailing zeros, and how many digits remain.
fn trim_nanos(mut nanos: u32) -> (u32, usize) {
    let mut width = 9;
    while nanos.is_multiple_of(10) && width > 1 {
        nanos /= 10;
        width -= 1;
    }
    (nanos, width)
}

/// The `aud` claim: one string, or an array of strings (RFC 7519 §4.1.3).
///
/// ```
/// # use microjwt::{HmacKey, Hs256, Validation};
/// # let key = HmacKey::<Hs256>::new(&[1; 32])?;
/// # let mut buf = [0u8; 256];
/// #[derive(serde::Serialize)]
/// struct Claims<'a> { aud: &'a [&'a str], exp: u64 }
/// let claims = Claims { aud: &["api", "admin"], exp: 100 };
/// let token = microjwt::sign(&key, &claims, &mut buf)?;
/// let mut scratch = [0u8; 256];
/// let v = Validation::new(10).audience(&["admin"]);
/// let verified = microjwt::verify::<()>(&key, token, &v, &mut scratch)?;
/// let aud = verified.registered().aud().unwrap();
/// assert!(aud.iter().eq(["api", "admin"]));
/// assert!(aud.contains("api"));
/// # Ok::<(), microjwt::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Audience<'a> {
    /// The claim as read: entries without escapes are the token's own bytes.
    list: StrList<'a>,
}

impl<'a> Audience<'a> {
    pub(crate) const fn new(list: StrList<'a>) -> Self {
        Self { list }
    }

    /// The audience entries, unescaped, in token order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.list.iter()
    }

    /// Whether any entry equals `aud` exactly.
    pub fn contains(&self, aud: &str) -> bool {
        self.list.iter().any(|entry| entry == aud)
    }
}

impl fmt::Debug for Audience<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.list {
            StrList::One(one) => fmt::Debug::fmt(one, f),
            StrList::Many { .. } => f.debug_list().entries(self.iter()).finish(),
        }
    }
}

/// The registered claims of RFC 7519 §4.1, as found in a verified token.
///
/// Strings are unescaped and borrow the caller's scratch buffer. Every field is optional in the
/// token; [`Validation`](crate::Validation) decides which must be present.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegisteredClaims<'a> {
    pub(crate) iss: Option<&'a str>,
    pub(crate) sub: Option<&'a str>,
    pub(crate) aud: Option<Audience<'a>>,
    pub(crate) exp: Option<NumericDate>,
    pub(crate) nbf: Option<NumericDate>,
    pub(crate) iat: Option<NumericDate>,
    pub(crate) jti: Option<&'a str>,
}

impl<'a> RegisteredClaims<'a> {
    /// `iss`: who issued the token.
    pub fn iss(&self) -> Option<&'a str> {
        self.iss
    }
    /// `sub`: whom the token is about, e.g. a user id.
    pub fn sub(&self) -> Option<&'a str> {
        self.sub
    }
    /// `aud`: whom the token is meant for.
    pub fn aud(&self) -> Option<Audience<'a>> {
        self.aud
    }
    /// `exp`: when the token expires.
    pub fn exp(&self) -> Option<NumericDate> {
        self.exp
    }
    /// `nbf`: when the token becomes valid.
    pub fn nbf(&self) -> Option<NumericDate> {
        self.nbf
    }
    /// `iat`: when the token was issued.
    pub fn iat(&self) -> Option<NumericDate> {
        self.iat
    }
    /// `jti`: the token's unique id.
    pub fn jti(&self) -> Option<&'a str> {
        self.jti
    }
}

/// A verified token: its header, its registered claims, and the caller's claims type `T`.
///
/// Only [`verify`](crate::verify) makes one, after the MAC and every configured check passed, so
/// holding a `Claims` is proof that the token was authentic and valid at the validation time.
/// An [`UntrustedToken`](crate::UntrustedToken) cannot produce one:
///
/// ```compile_fail
/// let untrusted = microjwt::UntrustedToken::parse("e30.e30.e30", 8192).unwrap();
/// let claims: microjwt::Claims<'_, ()> = untrusted.claims(); // no such method
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Claims<'a, T> {
    pub(crate) header: Header<'a>,
    pub(crate) registered: RegisteredClaims<'a>,
    pub(crate) custom: T,
}

impl<'a, T> Claims<'a, T> {
    /// The protected header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }

    /// The registered claims (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`).
    pub fn registered(&self) -> &RegisteredClaims<'a> {
        &self.registered
    }

    /// The caller's claims, deserialized from the same payload (registered ones included, if the
    /// type names them).
    pub fn custom(&self) -> &T {
        &self.custom
    }

    /// Takes the caller's claims out.
    pub fn into_custom(self) -> T {
        self.custom
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_rounds_fractions_up() {
        assert_eq!(NumericDate::from_parts((10, 0)).ceil_secs(), 10);
        assert_eq!(NumericDate::from_parts((10, 1_000)).ceil_secs(), 11);
        assert_eq!(NumericDate::from_parts((u64::MAX, 5)).ceil_secs(), u64::MAX);
    }

    #[test]
    fn numeric_dates_display_like_json() {
        let show = |parts| std::format!("{}", NumericDate::from_parts(parts));
        assert_eq!(show((12, 500_000_000)), "12.5");
        assert_eq!(show((7, 0)), "7");
        assert_eq!(show((1, 1)), "1.000000001");
    }

    #[test]
    fn audience_iterates_and_matches() {
        let one = Audience::new(StrList::One("api"));
        assert!(one.iter().eq(["api"]));
        assert_eq!(std::format!("{one:?}"), r#""api""#);
        let list = Audience::new(StrList::Many {
            raw: r#"["a","b\u0020c",""]"#,
            unescaped: "b c",
        });
        assert!(list.iter().eq(["a", "b c", ""]));
        assert!(list.contains("b c") && !list.contains("b"));
        assert_eq!(std::format!("{list:?}"), r#"["a", "b c", ""]"#);
        let empty = Audience::new(StrList::Many {
            raw: "[]",
            unescaped: "",
        });
        assert!(empty.iter().next().is_none());
    }
}
