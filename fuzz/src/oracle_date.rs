//! The NumericDate oracle (RFC 7519 §2): the exact value of a JSON number as seconds and
//! nanoseconds, computed in decimal, never through a float, so that microjwt's fast paths and
//! rounding are held to the arithmetic truth.

/// The exact value of a JSON NumericDate (RFC 7519 §2) as (seconds, nanoseconds), the
/// nanoseconds rounded up; `None` when negative (other than zero) or at least 2^64 seconds.
/// Computed in decimal with `u128`, never through a float.
pub fn numeric_date(text: &str) -> Option<(u64, u32)> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, "0"),
    };
    let exponent: i128 = {
        let (sign, digits) = match exponent.as_bytes()[0] {
            b'-' => (-1, &exponent[1..]),
            b'+' => (1, &exponent[1..]),
            _ => (1, exponent),
        };
        let magnitude = digits.bytes().fold(0i128, |acc, d| {
            (acc * 10 + i128::from(d - b'0')).min(1 << 40)
        });
        sign * magnitude
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    // value = digits × 10^(exponent - frac.len()); nanoseconds = value × 10^9, rounded up.
    if digits.is_empty() {
        return Some((0, 0));
    }
    if negative {
        return None;
    }
    let scale = exponent - frac.len() as i128 + 9;
    let ns: u128 = if scale >= 0 {
        if scale > 38 || digits.len() > 38 {
            return None;
        }
        digits
            .parse::<u128>()
            .ok()?
            .checked_mul(10u128.pow(scale as u32))?
    } else {
        let cut = (-scale) as u128;
        if cut >= digits.len() as u128 {
            1
        } else {
            let keep = digits.len() - cut as usize;
            let (q, r) = digits.split_at(keep);
            if q.len() > 38 {
                return None;
            }
            q.parse::<u128>().ok()? + u128::from(r.bytes().any(|d| d != b'0'))
        }
    };
    let limit = (1u128 << 64) * 1_000_000_000;
    if ns >= limit {
        return None;
    }
    Some(((ns / 1_000_000_000) as u64, (ns % 1_000_000_000) as u32))
}
