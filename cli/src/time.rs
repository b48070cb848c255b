//! Times and durations on the command line (`now`, `+30m`, `1764547200`, RFC 3339), and dates
//! shown to people (ISO 8601 in UTC, next to the seconds).

use jiff::{SignedDuration, Span, SpanRelativeTo, Timestamp};

/// A time as written on the command line, resolved against "now" later so that one clock
/// reading serves every flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeSpec {
    /// `now`.
    Now,
    /// `+DURATION` or `-DURATION`, in seconds from now.
    Relative(i64),
    /// Unix seconds, or an RFC 3339 timestamp converted to them.
    Absolute(i64),
}

impl TimeSpec {
    /// The time in Unix seconds, given the current time.
    ///
    /// # Errors
    /// When the result is before 1970 (JWT NumericDates are non-negative here) or overflows.
    pub fn resolve(self, now: u64) -> Result<u64, String> {
        let now = i64::try_from(now).map_err(|_| "the current time is out of range".to_owned())?;
        let secs = match self {
            TimeSpec::Now => now,
            TimeSpec::Relative(delta) => now
                .checked_add(delta)
                .ok_or_else(|| "the time is out of range".to_owned())?,
            TimeSpec::Absolute(secs) => secs,
        };
        u64::try_from(secs).map_err(|_| format!("the time {secs} is before 1970"))
    }
}

/// clap value parser for TIME.
///
/// # Errors
/// A message saying what forms are accepted.
pub fn parse_time(text: &str) -> Result<TimeSpec, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(TimeSpec::Now);
    }
    if let Some(rest) = text.strip_prefix('+') {
        return parse_duration(rest).map(TimeSpec::Relative);
    }
    if let Some(rest) = text.strip_prefix('-') {
        return parse_duration(rest).map(|d| TimeSpec::Relative(-d));
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map(TimeSpec::Absolute)
            .map_err(|_| "the number of seconds is too large".to_owned());
    }
    if looks_like_date(text) {
        return parse_timestamp(&format!("{text}T00:00:00Z"));
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) && text.contains('-') {
        return parse_timestamp(text);
    }
    if parse_duration(text).is_ok() {
        return Err(format!(
            "a duration needs a sign to say from when: +{text} (from now) or -{text} (ago)"
        ));
    }
    Err(EXPECTED.to_owned())
}

const EXPECTED: &str = "expected `now`, +DURATION or -DURATION (+30m, +1h30m, +7d, +3600), Unix \
                        seconds (1764547200) or RFC 3339 (2026-12-01T00:00:00Z, 2026-12-01)";

fn looks_like_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

fn parse_timestamp(text: &str) -> Result<TimeSpec, String> {
    match text.parse::<Timestamp>() {
        Ok(ts) => Ok(TimeSpec::Absolute(ts.as_second())),
        Err(e) => {
            let hint = if text.ends_with(|c: char| c.is_ascii_digit())
                && !text.contains('Z')
                && text.matches(['+', '-']).count() <= 2
            {
                " (an RFC 3339 time needs `Z` or an offset such as +02:00)"
            } else {
                ""
            };
            Err(format!("not an RFC 3339 timestamp: {e}{hint}"))
        }
    }
}

/// A duration in whole seconds: plain seconds (`3600`), friendly (`30m`, `1h30m`, `7d`, `2w`,
/// `90 seconds`) or ISO 8601 (`PT30M`, `P1D`). Days are 24 hours; months and years are refused
/// (they have no fixed length).
///
/// # Errors
/// A message saying what forms are accepted.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map_err(|_| "the number of seconds is too large".to_owned());
    }
    let span: Span = text.parse().map_err(|_| {
        format!("`{text}` is not a duration: try 30s, 15m, 1h30m, 7d, 2w, or ISO 8601 PT15M")
    })?;
    if span.get_years() != 0 || span.get_months() != 0 {
        return Err("months and years have no fixed length: use days (e.g. +30d, +365d)".into());
    }
    let duration: SignedDuration = span
        .to_duration(SpanRelativeTo::days_are_24_hours())
        .map_err(|e| format!("`{text}`: {e}"))?;
    if duration.subsec_nanos() != 0 {
        return Err("JWT times here are whole seconds".to_owned());
    }
    Ok(duration.as_secs())
}

/// clap value parser for `--leeway`: a non-negative duration, plain numbers being seconds.
///
/// # Errors
/// As [`parse_duration`], or for a negative value.
pub fn parse_leeway(text: &str) -> Result<u64, String> {
    let secs = parse_duration(text.strip_prefix('+').unwrap_or(text))?;
    u64::try_from(secs).map_err(|_| "the leeway cannot be negative".to_owned())
}

/// The system clock, in Unix seconds.
pub fn system_now() -> u64 {
    microjwt::unix_now()
}

/// `2026-12-01T00:00:00Z` for Unix seconds (fractions shown when present).
pub fn iso(secs: f64) -> Option<String> {
    if !secs.is_finite() {
        return None;
    }
    let whole = secs.floor();
    #[allow(clippy::cast_possible_truncation)] // bounded by the checks around it
    let ts = if (-1e15..1e15).contains(&whole) {
        let nanos = ((secs - whole) * 1e9).round() as i32;
        Timestamp::new(whole as i64, nanos.min(999_999_999)).ok()?
    } else {
        return None;
    };
    Some(ts.to_string())
}

/// `in 14m 59s`, `3h 2m ago`, `now`: the two largest units of the distance from `now`.
pub fn relative(secs: f64, now: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // seconds since 1970 fit an f64 exactly until 2^53
    let delta = secs - now as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let magnitude = delta.abs().round().min(u64::MAX as f64) as u64;
    if magnitude == 0 {
        return "now".to_owned();
    }
    let text = human_duration(magnitude);
    if delta > 0.0 {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// `2d 3h`, `14m 59s`, `45s`: at most the two largest non-zero units.
pub fn human_duration(secs: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (365 * 86_400, "y"),
        (86_400, "d"),
        (3_600, "h"),
        (60, "m"),
        (1, "s"),
    ];
    let mut rest = secs;
    let mut parts = Vec::new();
    for (size, name) in UNITS {
        let count = rest / size;
        if count > 0 {
            parts.push(format!("{count}{name}"));
            rest %= size;
        } else if !parts.is_empty() {
            break; // keep "1h 0m 5s" from reading as precise: stop at the first gap
        }
        if parts.len() == 2 {
            break;
        }
    }
    if parts.is_empty() {
        "0s".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("now"), Ok(TimeSpec::Now));
        assert_eq!(parse_time("+30m"), Ok(TimeSpec::Relative(1800)));
        assert_eq!(parse_time("+1h30m"), Ok(TimeSpec::Relative(5400)));
        assert_eq!(parse_time("+7d"), Ok(TimeSpec::Relative(7 * 86_400)));
        assert_eq!(parse_time("+2w"), Ok(TimeSpec::Relative(14 * 86_400)));
        assert_eq!(parse_time("+3600"), Ok(TimeSpec::Relative(3600)));
        assert_eq!(parse_time("+PT15M"), Ok(TimeSpec::Relative(900)));
        assert_eq!(parse_time("-5m"), Ok(TimeSpec::Relative(-300)));
        assert_eq!(
            parse_time("1764547200"),
            Ok(TimeSpec::Absolute(1_764_547_200))
        );
        assert_eq!(
            parse_time("2025-12-01T00:00:00Z"),
            Ok(TimeSpec::Absolute(1_764_547_200))
        );
        assert_eq!(
            parse_time("2025-12-01T02:00:00+02:00"),
            Ok(TimeSpec::Absolute(1_764_547_200))
        );
        assert_eq!(
            parse_time("2025-12-01"),
            Ok(TimeSpec::Absolute(1_764_547_200))
        );
        let bare = parse_time("30m").unwrap_err();
        assert!(bare.contains("+30m"), "{bare}");
        let months = parse_time("+1y").unwrap_err();
        assert!(months.contains("no fixed length"), "{months}");
        let no_offset = parse_time("2025-12-01T00:00:00").unwrap_err();
        assert!(no_offset.contains("offset"), "{no_offset}");
        assert!(parse_time("soon").unwrap_err().starts_with("expected"));
        assert!(parse_time("+1.5s").is_err());
    }

    #[test]
    fn resolving() {
        assert_eq!(TimeSpec::Now.resolve(10), Ok(10));
        assert_eq!(TimeSpec::Relative(-4).resolve(10), Ok(6));
        assert!(TimeSpec::Relative(-11).resolve(10).is_err());
        assert_eq!(TimeSpec::Absolute(5).resolve(10), Ok(5));
    }

    #[test]
    fn leeway() {
        assert_eq!(parse_leeway("0"), Ok(0));
        assert_eq!(parse_leeway("30"), Ok(30));
        assert_eq!(parse_leeway("2m"), Ok(120));
        assert!(parse_leeway("-2m").is_err());
    }

    #[test]
    fn shown_dates() {
        assert_eq!(
            iso(1_764_547_200.0).as_deref(),
            Some("2025-12-01T00:00:00Z")
        );
        assert_eq!(
            iso(1_764_547_200.5).as_deref(),
            Some("2025-12-01T00:00:00.5Z")
        );
        assert_eq!(iso(f64::NAN), None);
        assert_eq!(iso(1e300), None);
        assert_eq!(relative(100.0, 100), "now");
        assert_eq!(relative(1_000.0, 100), "in 15m");
        assert_eq!(relative(1_001.0, 100), "in 15m 1s");
        assert_eq!(relative(100.0, 100 + 3_600 + 120), "1h 2m ago");
        assert_eq!(human_duration(86_400 * 3 + 5), "3d");
        assert_eq!(human_duration(45), "45s");
    }
}
