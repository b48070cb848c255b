//! Strings (RFC 8259 §7): finding their end, validating escapes, unescaping, comparing.
//!
//! The document is `&str`, so its UTF-8 was validated once, up front. A string's content is
//! handed out as it stands when it has no escapes, and unescaped into the arena when it has.

use core::cmp::Ordering;

/// A JSON string literal as it appears in the document, between its quotes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawStr<'s> {
    /// The text between the quotes, escapes included.
    pub(crate) raw: &'s str,
    /// Whether `raw` contains a backslash escape.
    pub(crate) escaped: bool,
}

impl RawStr<'_> {
    /// Compares the unescaped string with `other` without materializing it.
    pub(crate) fn eq_str(&self, other: &str) -> bool {
        if self.escaped {
            Unescaped::new(self.raw).eq(other.bytes())
        } else {
            self.raw == other
        }
    }

    /// Compares two strings by their unescaped bytes.
    pub(crate) fn eq_raw(&self, other: &RawStr<'_>) -> bool {
        if self.escaped || other.escaped {
            Unescaped::new(self.raw).eq(Unescaped::new(other.raw))
        } else {
            self.raw == other.raw
        }
    }
}

/// A member name: the string, and what it is sorted and compared by first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Name<'s> {
    pub(crate) raw: RawStr<'s>,
    /// The first four unescaped bytes, big-endian and zero-padded, mixed (for longer names) with
    /// a hash of the rest: exact for the short names that are matched by it, and telling apart
    /// long names that share a prefix.
    pub(crate) key: u32,
    /// The unescaped length.
    len: usize,
}

impl<'s> Name<'s> {
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    pub(crate) fn new(raw: RawStr<'s>) -> Self {
        if !raw.escaped {
            let bytes = raw.raw.as_bytes();
            let rest = bytes.get(4..).unwrap_or(&[]);
            let key = key_of(bytes);
            return Self {
                raw,
                key: if rest.is_empty() {
                    key
                } else {
                    key ^ hash_rest(rest.iter().copied())
                },
                len: bytes.len(),
            };
        }
        let mut first4 = [0u8; 4];
        for (slot, byte) in first4.iter_mut().zip(Unescaped::new(raw.raw)) {
            *slot = byte;
        }
        Self {
            raw,
            key: u32::from_be_bytes(first4) ^ hash_rest(Unescaped::new(raw.raw).skip(4)),
            len: Unescaped::new(raw.raw).count(),
        }
    }

    /// Whether the name is `name`; names of up to four bytes, such as every registered claim
    /// and header parameter, cost one integer comparison.
    pub(crate) fn is(&self, name: &str) -> bool {
        if name.len() <= 4 {
            self.len == name.len() && self.key == key_of(name.as_bytes())
        } else {
            self.raw.eq_str(name)
        }
    }

    /// The unescaped length.
    pub(crate) const fn len(&self) -> usize {
        self.len
    }
}

/// The key [`Name::new`] gives an unescaped name of these bytes; for the writer, which compares
/// the names it writes by their (canonical) escaped text.
pub(crate) fn name_key(bytes: &[u8]) -> u32 {
    key_of(bytes) ^ hash_rest(bytes.iter().copied().skip(4))
}

/// FNV-1a over the bytes after a name's first four, zero when there are none. Only a sort key:
/// names whose keys agree are compared in full, so what the hash does with any input bounds
/// nothing but the constant factor.
fn hash_rest(bytes: impl Iterator<Item = u8>) -> u32 {
    bytes.fold(0, |h, b| {
        let h = if h == 0 { 0x811c_9dc5 } else { h };
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The first four bytes of `bytes`, big-endian, zero-padded.
pub(crate) const fn key_of(bytes: &[u8]) -> u32 {
    u32::from_be_bytes(match *bytes {
        [a, b, c, d, ..] => [a, b, c, d],
        [a, b, c] => [a, b, c, 0],
        [a, b] => [a, b, 0, 0],
        [a] => [a, 0, 0, 0],
        [] => [0; 4],
    })
}

/// Orders two string contents, each given as the text from its first byte to (at least) its
/// closing quote, by their unescaped bytes: a byte comparison when neither has escapes.
pub(crate) fn cmp_contents(a: &str, b: &str) -> Ordering {
    match (plain_content(a), plain_content(b)) {
        (Some(a), Some(b)) => a.cmp(b),
        _ => Unescaped::new(a).cmp(Unescaped::new(b)),
    }
}

/// The content up to the closing quote, if no escape comes before it.
fn plain_content(text: &str) -> Option<&[u8]> {
    let bytes = text.as_bytes();
    let end = find_attention(bytes, 0);
    (bytes.get(end) == Some(&b'"')).then(|| bytes.get(..end))?
}

/// Scans the string content starting at `bytes[from]` (just after the opening quote) and returns
/// the index of its closing quote and whether it has escapes, or `None` if the string is invalid
/// (a raw control character, a bad escape, a lone surrogate, or no closing quote).
#[cfg_attr(target_pointer_width = "64", inline(always))]
pub(crate) fn scan(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    // Most names and many values end within eight bytes, with no escape: when the first byte
    // there that needs attention is a quote, it is the end, known without reading it again (on
    // 64-bit targets; elsewhere the flash matters more).
    if cfg!(target_pointer_width = "64")
        && let Some(chunk) = bytes.get(from..).and_then(<[u8]>::first_chunk)
    {
        let (quotes, flags) = attention(u64::from_le_bytes(*chunk));
        if flags & flags.wrapping_neg() & quotes != 0 {
            return Some((from + (flags.trailing_zeros() / 8) as usize, false));
        }
    }
    let mut i = from;
    let mut escaped = false;
    loop {
        i = find_attention(bytes, i);
        match bytes.get(i) {
            Some(b'"') => return Some((i, escaped)),
            Some(b'\\') => {
                escaped = true;
                i = escape_end(bytes, i)?;
            }
            // A raw control character (RFC 8259 §7), or the document ended.
            _ => return None,
        }
    }
}

/// Bytes that end the fast path of string scanning: the quote, the backslash, control characters.
const fn needs_attention(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// For eight bytes at once ("SWAR"), a word whose set high bits flag the quotes, and one flagging
/// every byte that [`needs_attention`]. The classic zero-byte trick can also flag bytes *after* a
/// true match (a borrow ripples upward), never before one, so the lowest flag of each is exact:
/// if the lowest of all is a quote's, that byte is a quote.
#[cfg_attr(target_pointer_width = "64", inline(always))]
const fn attention(word: u64) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const fn zero_byte(v: u64) -> u64 {
        v.wrapping_sub(ONES) & !v & HIGHS
    }
    let quotes = zero_byte(word ^ (ONES * b'"' as u64));
    let backslashes = zero_byte(word ^ (ONES * b'\\' as u64));
    let controls = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    (quotes, quotes | backslashes | controls)
}

/// The index of the first byte at or after `from` that [`needs_attention`], or `bytes.len()`,
/// eight bytes per step.
#[cfg_attr(target_pointer_width = "64", inline(always))]
fn find_attention(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    let rest = bytes.get(i..).unwrap_or(&[]);
    for chunk in rest.as_chunks::<8>().0 {
        let (_, flags) = attention(u64::from_le_bytes(*chunk));
        if flags != 0 {
            return i + (flags.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(|&b| !needs_attention(b)) {
        i += 1;
    }
    i
}

/// Validates the escape starting at `bytes[i] == b'\\'` and returns the index after it.
fn escape_end(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(i + 2),
        b'u' => match hex4(bytes, i + 2)? {
            // A high surrogate must be followed by an escaped low surrogate (RFC 8259 §7).
            0xd800..=0xdbff => {
                let low = bytes.get(i + 6..i + 8)? == b"\\u";
                (low && matches!(hex4(bytes, i + 8)?, 0xdc00..=0xdfff)).then_some(i + 12)
            }
            0xdc00..=0xdfff => None,
            _ => Some(i + 6),
        },
        _ => None,
    }
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0u32, |acc, &d| Some(acc << 4 | char::from(d).to_digit(16)?))
}

/// The UTF-8 bytes of an already validated string's content, with escapes decoded. Stops at the
/// closing quote, so it can start on the content of a string within the whole document.
#[derive(Clone)]
pub(crate) struct Unescaped<'a> {
    bytes: core::slice::Iter<'a, u8>,
    pending: [u8; 4],
    pending_len: u8,
    pending_at: u8,
}

impl<'a> Unescaped<'a> {
    pub(crate) fn new(content: &'a str) -> Self {
        Self {
            bytes: content.as_bytes().iter(),
            pending: [0; 4],
            pending_len: 0,
            pending_at: 0,
        }
    }

    fn hex4(&mut self) -> u32 {
        (0..4).fold(0, |acc, _| {
            let digit = self.bytes.next().and_then(|&d| char::from(d).to_digit(16));
            acc << 4 | digit.unwrap_or(0)
        })
    }
}

impl Iterator for Unescaped<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.pending_at < self.pending_len {
            let b = self.pending.get(usize::from(self.pending_at)).copied();
            self.pending_at += 1;
            return b;
        }
        let b = *self.bytes.next()?;
        if b == b'"' {
            // The closing quote: a raw quote never occurs inside validated content.
            self.bytes = [].iter();
            return None;
        }
        if b != b'\\' {
            return Some(b);
        }
        let decoded = match self.bytes.next()? {
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let mut unit = self.hex4();
                if (0xd800..0xdc00).contains(&unit) {
                    self.bytes.nth(1); // the validated `\u` of the low surrogate
                    let low = self.hex4();
                    unit = 0x10000 + ((unit - 0xd800) << 10) + (low.wrapping_sub(0xdc00) & 0x3ff);
                }
                let c = char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER);
                let len = c.encode_utf8(&mut self.pending).len();
                self.pending_len = u8::try_from(len).unwrap_or(0);
                self.pending_at = 1;
                return self.pending.first().copied();
            }
            &other => other, // `"`, `\` and `/` stand for themselves
        };
        Some(decoded)
    }
}

/// One string, or an array of strings, as read from the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StrList<'s> {
    /// A string, unescaped.
    One(&'s str),
    /// An array holding only strings: its text from `[` to `]`, validated, and the unescaped
    /// form of those entries that have escapes, one after another. Entries without escapes are
    /// the document's own bytes, so an array without escapes costs no arena at all.
    Many { raw: &'s str, unescaped: &'s str },
}

impl<'s> StrList<'s> {
    /// The entries, unescaped, in document order.
    pub(crate) fn iter(&self) -> StrListIter<'s> {
        match *self {
            StrList::One(one) => StrListIter {
                one: Some(one),
                raw: "",
                at: 0,
                unescaped: "",
            },
            StrList::Many { raw, unescaped } => StrListIter {
                one: None,
                raw,
                at: 0,
                unescaped,
            },
        }
    }
}

/// Iterator over [`StrList`] entries.
#[derive(Clone, Debug)]
pub(crate) struct StrListIter<'s> {
    one: Option<&'s str>,
    raw: &'s str,
    at: usize,
    unescaped: &'s str,
}

impl<'s> Iterator for StrListIter<'s> {
    type Item = &'s str;

    fn next(&mut self) -> Option<&'s str> {
        if let Some(one) = self.one.take() {
            return Some(one);
        }
        let bytes = self.raw.as_bytes();
        // Between entries there are only brackets, commas and whitespace.
        let open = self.at + bytes.get(self.at..)?.iter().position(|&b| b == b'"')?;
        let (close, escaped) = scan(bytes, open + 1)?;
        self.at = close + 1;
        let content = self.raw.get(open + 1..close)?;
        if !escaped {
            return Some(content);
        }
        let len = Unescaped::new(content).count();
        let (entry, rest) = self.unescaped.split_at_checked(len)?;
        self.unescaped = rest;
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(content: &str) -> RawStr<'_> {
        RawStr {
            raw: content,
            escaped: content.contains('\\'),
        }
    }

    #[test]
    fn scanning_finds_the_end_and_rejects_what_rfc_8259_forbids() {
        let end = |s: &str| scan(s.as_bytes(), 1);
        assert_eq!(end(r#""plain""#), Some((6, false)));
        assert_eq!(end(r#""a\"b""#), Some((5, true)));
        assert_eq!(end(r#""\ud83d\ude00""#), Some((13, true)));
        assert_eq!(
            end(&std::format!("\"{}\"", "x".repeat(100))),
            Some((101, false))
        );
        for bad in [
            r#""\x""#,
            r#""\u12""#,
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            "\"a\tb\"",
            "\"unterminated",
        ] {
            assert_eq!(end(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn scanning_word_wise_agrees_with_scanning_byte_by_byte() {
        // Every string of up to 7 bytes from an alphabet of the bytes that matter, followed by
        // padding or not: the fast first word, the word loop and the tail must all agree with a
        // byte-wise reading.
        fn bytewise(bytes: &[u8]) -> Option<(usize, bool)> {
            let (mut i, mut escaped) = (0, false);
            loop {
                match *bytes.get(i)? {
                    b'"' => return Some((i, escaped)),
                    b'\\' => {
                        escaped = true;
                        i = escape_end(bytes, i)?;
                    }
                    0..0x20 => return None,
                    _ => i += 1,
                }
            }
        }
        const ALPHABET: [u8; 6] = [b'a', b'"', b'\\', 0x01, b'n', 0x7f];
        for len in 0..=7u32 {
            for mut n in 0..6usize.pow(len) {
                let mut text = std::vec::Vec::new();
                for _ in 0..len {
                    text.push(ALPHABET[n % 6]);
                    n /= 6;
                }
                for padding in [&b""[..], b"bbbbbbbbb"] {
                    let padded = [&text[..], padding].concat();
                    assert_eq!(scan(&padded, 0), bytewise(&padded), "{padded:?}");
                }
            }
        }
    }

    #[test]
    fn comparisons_are_by_unescaped_bytes() {
        assert!(raw(r"\u0069ss").eq_str("iss"));
        assert!(!raw(r"\u0069ss").eq_str("is"));
        assert!(raw(r"\u0065xp").eq_raw(&raw("exp")));
        assert_eq!(Name::new(raw(r"\u0065xp")).key, Name::new(raw("exp")).key);
        assert_eq!(Name::new(raw("ab")).key, u32::from_be_bytes(*b"ab\0\0"));
        let long = |name| Name::new(raw(name)).key;
        assert_eq!(long(r"prefix-\u0031"), long("prefix-1"));
        assert_ne!(
            long("prefix-1"),
            long("prefix-2"),
            "a shared prefix, told apart"
        );
        assert!(Name::new(raw(r"\u0065xp")).is("exp"));
        assert!(!Name::new(raw(r"exp\u0000")).is("exp"), "same key, longer");
        assert!(Name::new(raw("key_ops")).is("key_ops"));
        assert!(!Name::new(raw("key_opt")).is("key_ops"));
        assert_eq!(cmp_contents("a\":1", r#"\u0061""#), Ordering::Equal);
        assert_eq!(cmp_contents("a\"", "ab\""), Ordering::Less);
        assert_eq!(cmp_contents(r#"\n""#, "\u{b}\""), Ordering::Less);
    }

    #[test]
    fn string_lists_iterate_unescaped() {
        let list = StrList::Many {
            raw: r#"[ "a" , "b\u0063", "", "\n\"" ]"#,
            unescaped: "bc\n\"",
        };
        assert!(list.iter().eq(["a", "bc", "", "\n\""]));
        let empty = StrList::Many {
            raw: "[ ]",
            unescaped: "",
        };
        assert_eq!(empty.iter().next(), None);
        assert!(StrList::One("ab").iter().eq(["ab"]));
    }
}
