//! What a verified token carries: the registered claims of RFC 7519 §4.1 and the caller's own.

use core::fmt;

use crate::header::Header;

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

    /// Parses the text of a JSON number already checked against the RFC 8259 grammar.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        // The common case, whole seconds: digits only, at most 19 of them, so no overflow.
        if text.len() <= 19 && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let secs = text.bytes().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            return Some(Self { secs, nanos: 0 });
        }
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (text.get(..at)?, text.get(at + 1..)?),
            None => (text, "0"),
        };
        let (int_digits, frac_digits) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let (int_digits, frac_digits) = (int_digits.as_bytes(), frac_digits.as_bytes());
        let len = i64::try_from(int_digits.len() + frac_digits.len()).ok()?;
        // The digit at index `i` of int_digits ++ frac_digits, zero outside it.
        let digit_at = |i: i64| {
            let i = usize::try_from(i).ok()?;
            let d = match i.checked_sub(int_digits.len()) {
                None => int_digits.get(i),
                Some(j) => frac_digits.get(j),
            };
            d.map(|d| u64::from(d - b'0'))
        };
        // The decimal point sits `point` digits in. The exponent is clamped to ±100 000: beyond
        // that the value is out of range or below a nanosecond whatever the digits are.
        let point = i64::try_from(int_digits.len())
            .ok()?
            .saturating_add(parse_exponent(exponent));

        let mut secs: u64 = 0;
        for i in 0..point.min(len) {
            secs = secs
                .checked_mul(10)?
                .checked_add(digit_at(i).unwrap_or(0))?;
        }
        // Trailing zeros of a positive exponent (`1e9`); once non-zero, 20 steps overflow.
        let mut shift = point - len;
        while shift > 0 && secs != 0 {
            secs = secs.checked_mul(10)?;
            shift -= 1;
        }
        // Nine fraction digits make the nanoseconds; any non-zero digit after them rounds up.
        let mut nanos: u64 = (0..9).fold(0, |n, k| n * 10 + digit_at(point + k).unwrap_or(0));
        if (point.saturating_add(9).max(0)..len).any(|i| digit_at(i).unwrap_or(0) != 0) {
            nanos += 1;
        }
        if nanos >= 1_000_000_000 {
            nanos -= 1_000_000_000;
            secs = secs.checked_add(1)?;
        }
        if negative && (secs != 0 || nanos != 0) {
            return None;
        }
        Some(Self {
            secs,
            nanos: u32::try_from(nanos).ok()?,
        })
    }
}

fn parse_exponent(text: &str) -> i64 {
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1, text.get(1..).unwrap_or("")),
        Some(b'+') => (1, text.get(1..).unwrap_or("")),
        _ => (1, text),
    };
    let magnitude = digits
        .bytes()
        .try_fold(0i64, |acc, d| {
            let next = acc * 10 + i64::from(d - b'0');
            (next <= 100_000).then_some(next)
        })
        .unwrap_or(100_000);
    sign * magnitude
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
    repr: AudienceRepr<'a>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AudienceRepr<'a> {
    One(&'a str),
    /// Unescaped entries, each followed by [`AUDIENCE_SEPARATOR`], which never occurs in UTF-8.
    List(&'a [u8]),
}

/// Ends each entry of a stored audience array; 0xFF is not a byte of any UTF-8 string.
pub(crate) const AUDIENCE_SEPARATOR: u8 = 0xff;

impl<'a> Audience<'a> {
    pub(crate) const fn one(aud: &'a str) -> Self {
        Self {
            repr: AudienceRepr::One(aud),
        }
    }

    pub(crate) const fn list(entries: &'a [u8]) -> Self {
        Self {
            repr: AudienceRepr::List(entries),
        }
    }

    /// The audience entries, in token order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        let (one, list) = match self.repr {
            AudienceRepr::One(aud) => (Some(aud), &[][..]),
            AudienceRepr::List(entries) => (None, entries),
        };
        let entries = list
            .split(|&b| b == AUDIENCE_SEPARATOR)
            .take(list.iter().filter(|&&b| b == AUDIENCE_SEPARATOR).count())
            .filter_map(|entry| core::str::from_utf8(entry).ok());
        one.into_iter().chain(entries)
    }

    /// Whether any entry equals `aud` exactly.
    pub fn contains(&self, aud: &str) -> bool {
        self.iter().any(|entry| entry == aud)
    }
}

impl fmt::Debug for Audience<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr {
            AudienceRepr::One(aud) => fmt::Debug::fmt(aud, f),
            AudienceRepr::List(_) => f.debug_list().entries(self.iter()).finish(),
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

    fn date(text: &str) -> Option<(u64, u32)> {
        NumericDate::parse(text).map(|d| (d.secs(), d.subsec_nanos()))
    }

    #[test]
    fn numeric_dates_parse_exactly() {
        assert_eq!(date("0"), Some((0, 0)));
        assert_eq!(date("-0"), Some((0, 0)));
        assert_eq!(date("-0.0e5"), Some((0, 0)));
        assert_eq!(date("1300819380"), Some((1_300_819_380, 0)));
        assert_eq!(date("1300819380.5"), Some((1_300_819_380, 500_000_000)));
        assert_eq!(date("1.3008193805e9"), Some((1_300_819_380, 500_000_000)));
        assert_eq!(date("13008193805E-1"), Some((1_300_819_380, 500_000_000)));
        assert_eq!(date("1e9"), Some((1_000_000_000, 0)));
        assert_eq!(date("0.000000001"), Some((0, 1)));
        assert_eq!(
            date("0.0000000001"),
            Some((0, 1)),
            "rounds up below a nanosecond"
        );
        assert_eq!(date("1e-20"), Some((0, 1)));
        assert_eq!(date("0e999999999999"), Some((0, 0)));
        assert_eq!(
            date("1.9999999999"),
            Some((2, 0)),
            "rounding up carries into seconds"
        );
        assert_eq!(date("18446744073709551615"), Some((u64::MAX, 0)));
        assert_eq!(date("18446744073709551616"), None);
        assert_eq!(
            date("18446744073709551615.1"),
            Some((u64::MAX, 100_000_000))
        );
        assert_eq!(date("18446744073709551615.9999999999"), None);
        assert_eq!(date("1e20"), None);
        assert_eq!(date("1e400"), None);
        assert_eq!(date("-1"), None);
        assert_eq!(date("-0.5"), None);
        assert_eq!(date("1e-999999999"), Some((0, 1)));
    }

    #[test]
    fn ceil_rounds_fractions_up() {
        assert_eq!(NumericDate::parse("10").unwrap().ceil_secs(), 10);
        assert_eq!(NumericDate::parse("10.000001").unwrap().ceil_secs(), 11);
        assert_eq!(
            NumericDate::parse("18446744073709551615.5")
                .unwrap()
                .ceil_secs(),
            u64::MAX
        );
    }

    #[test]
    fn numeric_dates_display_like_json() {
        assert_eq!(
            std::format!("{}", NumericDate::parse("12.50").unwrap()),
            "12.5"
        );
        assert_eq!(std::format!("{}", NumericDate::from_secs(7)), "7");
        assert_eq!(
            std::format!("{}", NumericDate::parse("1.000000001").unwrap()),
            "1.000000001"
        );
    }

    #[test]
    fn audience_iterates_and_matches() {
        let one = Audience::one("api");
        assert!(one.iter().eq(["api"]));
        let list = Audience::list(b"a\xffb c\xff\xff");
        assert!(list.iter().eq(["a", "b c", ""]));
        assert!(list.contains("b c") && !list.contains("b"));
        assert!(Audience::list(b"").iter().next().is_none());
    }
}
