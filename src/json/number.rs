//! Numbers (RFC 8259 §6): the grammar, integers, and the exact seconds of a NumericDate.
//!
//! Nothing here goes through a float: integers are folded digit by digit with checked
//! arithmetic, and a date such as `1.3008193805e9` is read exactly as 1300819380 s and
//! 500 000 000 ns. Only a caller's own `f64` field ever parses a float (in `super::de`).

/// The text of a JSON number, checked against the RFC 8259 §6 grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Number<'s> {
    pub(crate) text: &'s str,
    /// No fraction and no exponent.
    pub(crate) integer: bool,
}

/// Scans the number starting at `bytes[start]` and returns the index just after it and whether
/// it is an integer, or `None` if it breaks the grammar (`+1`, `01`, `1.`, `.5`, `1e`, `-`).
#[cfg_attr(target_pointer_width = "64", inline(always))]
pub(crate) fn scan(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    // A one-digit number, the commonest value there is, needs none of the walk below (on 64-bit
    // targets: elsewhere the flash matters more).
    let continues = |b: &u8| matches!(b, b'0'..=b'9' | b'.' | b'e' | b'E');
    if cfg!(target_pointer_width = "64")
        && bytes.get(start).is_some_and(u8::is_ascii_digit)
        && !bytes.get(start + 1).is_some_and(continues)
    {
        return Some((start + 1, true));
    }
    let digits = |i: &mut usize| {
        let from = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    let mut i = start + usize::from(bytes.get(start) == Some(&b'-'));
    match bytes.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => {
            digits(&mut i);
        }
        _ => return None,
    }
    let mut integer = true;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        integer = false;
        digits(&mut i).then_some(())?;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        integer = false;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        digits(&mut i).then_some(())?;
    }
    Some((i, integer))
}

impl Number<'_> {
    /// The value, if it is a non-negative integer that fits a `u64`.
    pub(crate) fn as_u64(&self) -> Option<u64> {
        if !self.integer || self.text.starts_with('-') {
            return None;
        }
        fold_digits(self.text.as_bytes())
    }

    /// The value, if it is a negative integer that fits an `i64`.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        let magnitude = self.text.strip_prefix('-').filter(|_| self.integer)?;
        let magnitude = fold_digits(magnitude.as_bytes())?;
        0i64.checked_sub_unsigned(magnitude)
    }

    /// The exact value as whole seconds and nanoseconds, for a NumericDate (RFC 7519 §2), or
    /// `None` if it is negative (below zero, not `-0`) or does not fit a `u64` of seconds.
    ///
    /// Fractions finer than a nanosecond round up to the next nanosecond, so that a time
    /// compared against the result is never earlier than the token said.
    pub(crate) fn exact_seconds(&self) -> Option<(u64, u32)> {
        if let Some(secs) = self.as_u64() {
            return Some((secs, 0)); // the common case: whole seconds
        }
        let text = self.text.as_bytes();
        let negative = text.first() == Some(&b'-');
        let e = text.iter().position(|&b| b | 0x20 == b'e');
        let (mantissa, exponent) = text.split_at(e.unwrap_or(text.len()));
        let mantissa = mantissa.get(usize::from(negative)..).unwrap_or(&[]);
        if mantissa.len() > 1 << 30 {
            return None; // keeps the digit positions below in `i32` range; no date has 2^30 digits
        }
        // The decimal point sits `point` digits into the mantissa's digits, once the exponent
        // (clamped: beyond ±100 000 the value is out of range or below a nanosecond) moved it.
        let int_len = mantissa
            .iter()
            .position(|&b| b == b'.')
            .unwrap_or(mantissa.len());
        let point = int_len as i32 + exponent_value(exponent.get(1..).unwrap_or(&[]));
        let (mut secs, mut nanos, mut finer) = (0u64, 0u32, false);
        let mut k = 0i32; // the index of the digit at hand
        for &b in mantissa.iter().filter(|&&b| b != b'.') {
            let d = b.wrapping_sub(b'0');
            let place = k - point; // < 0: seconds; 0..9: nanoseconds; beyond: finer
            if place < 0 {
                secs = secs.checked_mul(10)?.checked_add(u64::from(d))?;
            } else if place < 9 {
                nanos += u32::from(d) * 10u32.pow(8 - place as u32);
            } else {
                finer |= d != 0;
            }
            k += 1;
        }
        // Zeros the exponent adds after the last digit (`1e9`); a 20th always overflows.
        if secs != 0 {
            for _ in 0..(point - k).clamp(0, 20) {
                secs = secs.checked_mul(10)?;
            }
        }
        // Anything below a nanosecond rounds up, which may carry into the seconds.
        nanos += u32::from(finer);
        if nanos == 1_000_000_000 {
            nanos = 0;
            secs = secs.checked_add(1)?;
        }
        if negative && (secs != 0 || nanos != 0) {
            return None;
        }
        Some((secs, nanos))
    }
}

/// Digits (already validated) as a `u64`, or `None` on overflow.
fn fold_digits(digits: &[u8]) -> Option<u64> {
    let fold = |n: u64, d: &u8| n * 10 + u64::from(d.wrapping_sub(b'0'));
    // Nineteen digits are below 10^19 < 2^64: no check needed, which is every date and count.
    if digits.len() <= 19 {
        return Some(digits.iter().fold(0, fold));
    }
    digits.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?
            .checked_add(u64::from(d.wrapping_sub(b'0')))
    })
}

/// The exponent's value (sign and digits, already validated), clamped to ±100 000.
fn exponent_value(text: &[u8]) -> i32 {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, text),
    };
    let magnitude = digits.iter().fold(0i32, |n, &d| {
        (n * 10 + i32::from(d.wrapping_sub(b'0'))).min(100_000)
    });
    sign * magnitude
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number<'_> {
        let (end, integer) = scan(text.as_bytes(), 0).unwrap();
        assert_eq!(end, text.len(), "{text}");
        Number { text, integer }
    }

    fn date(text: &str) -> Option<(u64, u32)> {
        number(text).exact_seconds()
    }

    #[test]
    fn the_grammar_is_exact() {
        for bad in ["+1", ".5", "-", "--1", "1.", "1e", "1e+", "a", "-a"] {
            assert_eq!(scan(bad.as_bytes(), 0), None, "{bad}");
        }
        // A leading zero ends the number: `01` is `0` followed by garbage.
        assert_eq!(scan(b"01", 0), Some((1, true)));
        assert_eq!(scan(b"-0.5e-3,", 0), Some((7, false)));
    }

    #[test]
    fn integers_fold_with_checks() {
        assert_eq!(number("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(number("18446744073709551616").as_u64(), None);
        assert_eq!(number("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert_eq!(number("-9223372036854775809").as_i64(), None);
        assert_eq!(number("-1").as_u64(), None);
        assert_eq!(number("1").as_i64(), None);
        assert_eq!(number("1.0").as_u64(), None);
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
        assert_eq!(date("999.000000001"), Some((999, 1)));
        assert_eq!(date("12.50"), Some((12, 500_000_000)));
    }
}
