//! A strict RFC 8259 JSON reader over an immutable document, with a bump arena for unescaped
//! strings.
//!
//! Everything the JWT pipeline reads goes through [`Reader`]: the header walk, the registered
//! claims, and the caller's `Deserialize` type (see [`super::de`]). It is strict where
//! serde-json-core 0.7 is lax:
//!
//! - every byte is validated, including values nobody reads (`"x":tru3` is an error);
//! - nesting is bounded by [`MAX_DEPTH`], and skipping a value never recurses, so no input can
//!   overflow the stack;
//! - member names must be unique in every object, compared after unescaping (RFC 7515 §4,
//!   RFC 7519 §4: `"exp"` and `"\u0065xp"` are the same name);
//! - strings are unescaped (RFC 8259 §7), surrogate pairs combined, lone surrogates rejected, so
//!   callers see the real text (RFC 7515 §5.3);
//! - numbers follow the grammar exactly (no `+1`, `01`, `1.`, `.5`, `NaN`).
//!
//! The document is `&str`, so UTF-8 was validated once, up front, by `core::str::from_utf8`.

use crate::Error;

/// How deeply arrays and objects may nest in a header or payload. Deeper input is rejected with
/// [`Error::NestingTooDeep`] before it can use more stack.
pub const MAX_DEPTH: usize = 32;

/// A JSON string literal as it appears in the document, between its quotes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawStr<'de> {
    /// The text between the quotes, escapes included.
    pub(crate) raw: &'de str,
    /// Whether `raw` contains a backslash escape.
    pub(crate) escaped: bool,
}

impl<'de> RawStr<'de> {
    /// Compares the unescaped string with `other` without materializing it.
    pub(crate) fn eq_str(&self, other: &str) -> bool {
        if self.escaped {
            Unescaped::new(self.raw).eq(other.bytes())
        } else {
            self.raw == other
        }
    }

    pub(crate) fn eq_raw(&self, other: &RawStr<'_>) -> bool {
        if self.escaped || other.escaped {
            Unescaped::new(self.raw).eq(Unescaped::new(other.raw))
        } else {
            self.raw == other.raw
        }
    }

    /// FNV-1a over the unescaped bytes, so equal names hash equally however they are escaped.
    fn hash(&self) -> u64 {
        let fnv = |h: u64, b: u8| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        let seed = 0xcbf2_9ce4_8422_2325;
        if self.escaped {
            Unescaped::new(self.raw).fold(seed, fnv)
        } else {
            self.raw.bytes().fold(seed, fnv)
        }
    }
}

/// The duplicate-name detector for one object. It remembers a 64-bit hash of each of the first
/// `EXACT` names exactly, and of later ones in a 32-bit Bloom filter (two bits per name). Only
/// when a name may have been seen — an equal hash, or all its Bloom bits set — are the object's
/// earlier names re-read and compared exactly. Typical objects are thus checked in linear time
/// with no re-reading at all, and hostile ones in at worst quadratic time in the object's size.
///
/// Objects the caller's type reads keep 16 exact hashes; the containers
/// [`Reader::skip_value`] walks through keep only the Bloom filter, so its fixed stack of
/// [`MAX_DEPTH`] levels stays small.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Names<const EXACT: usize = 16> {
    /// Offsets are `u32` (documents are under 4 GiB: `UntrustedToken::parse` caps tokens) so
    /// that the Bloom-only levels `skip_value` keeps on its stack take 12 bytes each.
    start: u32,
    len: u32,
    bloom: u32,
    hashes: [u64; EXACT],
}

impl<const EXACT: usize> Names<EXACT> {
    pub(crate) const fn new(start: usize) -> Self {
        let start = if start > u32::MAX as usize {
            u32::MAX
        } else {
            start as u32
        };
        Self {
            start,
            len: 0,
            bloom: 0,
            hashes: [0; EXACT],
        }
    }

    /// Records `hash`, returning whether a name with this hash may have been seen before.
    fn insert(&mut self, hash: u64) -> bool {
        let known = self.hashes.get(..self.len as usize).unwrap_or(&[]);
        if known.contains(&hash) {
            return true;
        }
        if let Some(slot) = self.hashes.get_mut(self.len as usize) {
            *slot = hash;
            self.len += 1;
            return false;
        }
        let bits = (1u32 << (hash & 31)) | (1u32 << ((hash >> 5) & 31));
        let maybe_seen = self.bloom & bits == bits;
        self.bloom |= bits;
        maybe_seen
    }
}

/// A validating cursor over a JSON document.
#[derive(Debug)]
pub(crate) struct Reader<'de> {
    text: &'de str,
    pos: usize,
    /// Where unescaped strings are written; each one is split off the front and lent out for `'de`.
    arena: &'de mut [u8],
    /// Containers currently open around `pos`.
    depth: usize,
}

impl<'de> Reader<'de> {
    pub(crate) fn new(text: &'de str, arena: &'de mut [u8]) -> Self {
        Self {
            text,
            pos: 0,
            arena,
            depth: 0,
        }
    }

    /// Gives back the unused part of the arena.
    pub(crate) fn into_arena(self) -> &'de mut [u8] {
        self.arena
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn rewind(&mut self, pos: usize) {
        self.pos = pos;
    }

    /// Skips whitespace (RFC 8259 §2: space, tab, LF, CR only) and returns the next byte.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `byte` after optional whitespace.
    pub(crate) fn expect(&mut self, byte: u8) -> Result<(), Error> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Error::Json)
        }
    }

    /// Succeeds when only whitespace remains.
    pub(crate) fn end(&mut self) -> Result<(), Error> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(Error::Json),
        }
    }

    /// Enters an array or object, enforcing [`MAX_DEPTH`].
    pub(crate) fn enter(&mut self) -> Result<(), Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::NestingTooDeep);
        }
        self.depth += 1;
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Reads the next member name of an object, or `None` at its closing brace (left unread).
    ///
    /// `first` says whether this is the object's first member, i.e. no comma is expected.
    /// The name is checked against the object's earlier names.
    pub(crate) fn next_name<const EXACT: usize>(
        &mut self,
        names: &mut Names<EXACT>,
        first: bool,
    ) -> Result<Option<RawStr<'de>>, Error> {
        match (self.peek(), first) {
            (Some(b'}'), _) => return Ok(None),
            (Some(b','), false) => self.pos += 1,
            (Some(b'"'), true) => {}
            _ => return Err(Error::Json),
        }
        if self.peek() != Some(b'"') {
            return Err(Error::Json);
        }
        let at = self.pos;
        let name = self.string()?;
        self.check_unique(names, &name, at)?;
        self.expect(b':')?;
        Ok(Some(name))
    }

    /// Reads the separator before an array element, or `None` at the closing bracket (left
    /// unread).
    pub(crate) fn next_element(&mut self, first: bool) -> Result<bool, Error> {
        match (self.peek(), first) {
            (Some(b']'), _) => Ok(false),
            (Some(b','), false) => {
                self.pos += 1;
                Ok(true)
            }
            (Some(_), true) => Ok(true),
            _ => Err(Error::Json),
        }
    }

    /// Reads an object, handing each member's name to `member`, which must consume the value.
    /// Names are checked for duplicates like everywhere else.
    pub(crate) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, RawStr<'de>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut names = Names::<16>::new(self.position());
        self.expect(b'{')?;
        self.enter()?;
        let mut first = true;
        while let Some(name) = self.next_name(&mut names, first)? {
            first = false;
            member(self, name)?;
        }
        self.leave();
        self.expect(b'}')
    }

    /// Reads an array, calling `element` once per element, which must consume it.
    pub(crate) fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.expect(b'[')?;
        self.enter()?;
        let mut first = true;
        while self.next_element(first)? {
            first = false;
            element(self)?;
        }
        self.leave();
        self.expect(b']')
    }

    /// Reads a string value and returns its unescaped text, or `None` (consuming nothing) when
    /// the next value is not a string.
    pub(crate) fn string_value(&mut self) -> Result<Option<&'de str>, Error> {
        if self.peek() != Some(b'"') {
            return Ok(None);
        }
        let raw = self.string()?;
        self.unescape(raw).map(Some)
    }

    /// Reads a string literal (the cursor must be at its opening quote, after whitespace).
    pub(crate) fn string(&mut self) -> Result<RawStr<'de>, Error> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return Err(Error::Json);
        }
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            i = find_attention(bytes, i);
            match bytes.get(i) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    i = escape_end(bytes, i)?;
                }
                // A raw control character (RFC 8259 §7), or the document ended.
                _ => return Err(Error::Json),
            }
        }
        let raw = self.text.get(start..i).ok_or(Error::Json)?;
        self.pos = i + 1;
        Ok(RawStr { raw, escaped })
    }

    /// Returns the unescaped text of `s`: the document's own bytes when it has no escapes, else a
    /// copy unescaped into the arena.
    pub(crate) fn unescape(&mut self, s: RawStr<'de>) -> Result<&'de str, Error> {
        if !s.escaped {
            return Ok(s.raw);
        }
        let len = self.arena_write(0, s.raw)?;
        core::str::from_utf8(self.arena_take(len)?).map_err(|_| Error::Json)
    }

    /// Writes the unescaped bytes of string content `raw` into the arena at `offset`, without
    /// taking them yet, and returns how many were written. Callers that build one value from
    /// several strings (the audience list) write them one after another, then take them at once.
    ///
    /// A full arena is reported as `BufferTooSmall { needed: 0 }`; `verify` fills in the size.
    pub(crate) fn arena_write(&mut self, offset: usize, raw: &str) -> Result<usize, Error> {
        let full = Error::BufferTooSmall { needed: 0 };
        let free = self.arena.get_mut(offset..).ok_or(full)?;
        let mut slots = free.iter_mut();
        let mut len = 0;
        for byte in Unescaped::new(raw) {
            *slots.next().ok_or(full)? = byte;
            len += 1;
        }
        Ok(len)
    }

    /// Writes one byte into the arena at `offset` (see [`Self::arena_write`]).
    pub(crate) fn arena_write_byte(&mut self, offset: usize, byte: u8) -> Result<(), Error> {
        let slot = self
            .arena
            .get_mut(offset)
            .ok_or(Error::BufferTooSmall { needed: 0 })?;
        *slot = byte;
        Ok(())
    }

    /// Splits the first `len` bytes off the arena and lends them out for `'de`.
    pub(crate) fn arena_take(&mut self, len: usize) -> Result<&'de [u8], Error> {
        let arena = core::mem::take(&mut self.arena);
        let (taken, rest) = arena
            .split_at_mut_checked(len)
            .ok_or(Error::BufferTooSmall { needed: 0 })?;
        self.arena = rest;
        Ok(taken)
    }

    /// Reads a number (the cursor must be at its first character), returning its text.
    pub(crate) fn number(&mut self) -> Result<Number<'de>, Error> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let digits = |i: &mut usize| {
            let from = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > from
        };
        let negative = bytes.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return Err(Error::Json),
        }
        let mut integer = true;
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            integer = false;
            if !digits(&mut i) {
                return Err(Error::Json);
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            integer = false;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digits(&mut i) {
                return Err(Error::Json);
            }
        }
        let text = self.text.get(start..i).ok_or(Error::Json)?;
        self.pos = i;
        Ok(Number {
            text,
            negative,
            integer,
        })
    }

    /// Consumes `literal` (`true`, `false` or `null`).
    pub(crate) fn literal(&mut self, literal: &str) -> Result<(), Error> {
        let end = self.pos + literal.len();
        if self.text.get(self.pos..end) == Some(literal) {
            self.pos = end;
            Ok(())
        } else {
            Err(Error::Json)
        }
    }

    /// Validates and skips one value of any type, without recursion.
    ///
    /// Open containers are tracked in fixed arrays (one bit for "object or array", one
    /// [`Names`] per level), so the stack use is constant whatever the input.
    pub(crate) fn skip_value(&mut self) -> Result<(), Error> {
        let mut names = [Names::<0>::new(0); MAX_DEPTH];
        let mut objects: u64 = 0; // bit d set: the container at level d is an object
        let base = self.depth;
        let result = self.skip_loop(&mut names, &mut objects, base);
        self.depth = base;
        result
    }

    fn skip_loop(
        &mut self,
        names: &mut [Names<0>; MAX_DEPTH],
        objects: &mut u64,
        base: usize,
    ) -> Result<(), Error> {
        loop {
            // A value starts here.
            match self.peek() {
                Some(open @ (b'{' | b'[')) => {
                    let level = self.depth;
                    self.enter()?;
                    let slot = names.get_mut(level).ok_or(Error::NestingTooDeep)?;
                    *slot = Names::new(self.pos);
                    self.pos += 1;
                    let is_object = open == b'{';
                    let bit = 1u64 << level;
                    *objects = if is_object {
                        *objects | bit
                    } else {
                        *objects & !bit
                    };
                    let more = if is_object {
                        self.next_name(slot, true)?.is_some()
                    } else {
                        self.next_element(true)?
                    };
                    if more {
                        continue;
                    }
                    self.pos += 1; // the closing bracket peeked by next_name/next_element
                    self.leave();
                }
                _ => self.skip_scalar()?,
            }
            // A value ended: close containers until one has another element.
            loop {
                if self.depth == base {
                    return Ok(());
                }
                let level = self.depth - 1;
                let more = if *objects & (1u64 << level) != 0 {
                    let slot = names.get_mut(level).ok_or(Error::NestingTooDeep)?;
                    self.next_name(slot, false)?.is_some()
                } else {
                    self.next_element(false)?
                };
                if more {
                    break;
                }
                self.pos += 1;
                self.leave();
            }
        }
    }

    /// Validates and skips a string, number or literal.
    fn skip_scalar(&mut self) -> Result<(), Error> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            _ => Err(Error::Json),
        }
    }

    /// Records `name` (whose opening quote is at `at`) in `names`, failing if the object already
    /// has a member of that name.
    fn check_unique<const EXACT: usize>(
        &self,
        names: &mut Names<EXACT>,
        name: &RawStr<'_>,
        at: usize,
    ) -> Result<(), Error> {
        if names.insert(name.hash()) && self.seen_before(names.start as usize, at, name)? {
            return Err(Error::DuplicateMember);
        }
        Ok(())
    }

    /// Re-reads the already validated members of the object at `start` up to `end`, looking for
    /// `name`.
    fn seen_before(&self, start: usize, end: usize, name: &RawStr<'_>) -> Result<bool, Error> {
        let text = self.text.get(..end).ok_or(Error::Json)?;
        // `start` may sit on whitespace before the brace: expect the brace rather than assume it.
        let mut rescan = Reader {
            text,
            pos: start,
            arena: &mut [],
            depth: 0,
        };
        rescan.expect(b'{')?;
        let mut first = true;
        loop {
            match (rescan.peek(), first) {
                (Some(b'"'), true) => {}
                (Some(b','), false) => rescan.pos += 1,
                _ => return Ok(false), // reached `end`, the name being checked
            }
            first = false;
            if rescan.peek() != Some(b'"') {
                return Ok(false);
            }
            if rescan.string()?.eq_raw(name) {
                return Ok(true);
            }
            rescan.expect(b':')?;
            rescan.skip_validated()?;
        }
    }

    /// Skips a value already known to be valid JSON by counting brackets outside strings.
    fn skip_validated(&mut self) -> Result<(), Error> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.pos += 1;
                }
                Some(b'}' | b']') => {
                    depth = depth.checked_sub(1).ok_or(Error::Json)?;
                    self.pos += 1;
                }
                Some(b',' | b':') if depth > 0 => self.pos += 1,
                _ => self.skip_scalar()?,
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

/// The text of a JSON number, checked against the RFC 8259 §6 grammar.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Number<'de> {
    pub(crate) text: &'de str,
    pub(crate) negative: bool,
    /// No fraction and no exponent.
    pub(crate) integer: bool,
}

impl Number<'_> {
    /// The value, if it is a non-negative integer that fits a `u64`. Up to 19 digits cannot
    /// overflow and are folded directly, faster than the general `str::parse`.
    pub(crate) fn as_u64(&self) -> Option<u64> {
        if !self.integer || self.negative {
            return None;
        }
        if self.text.len() <= 19 {
            return Some(
                self.text
                    .bytes()
                    .fold(0, |n, d| n * 10 + u64::from(d - b'0')),
            );
        }
        self.text.parse().ok()
    }

    /// The value, if it is a negative integer that fits an `i64`.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        if !self.integer || !self.negative {
            return None;
        }
        self.text.parse().ok()
    }
}

/// Bytes that end the fast path of string scanning: the quote, the backslash, control characters.
fn needs_attention(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The index of the first byte at or after `from` that [`needs_attention`], or `bytes.len()`.
///
/// Looks at eight bytes per step ("SWAR"): for each of `"`, `\` and "below 0x20" it computes a
/// word whose lowest set high bit marks the first matching byte. The classic zero-byte trick can
/// also flag bytes *after* a true match (a borrow ripples upward), never before one, so the lowest
/// flag is exact.
fn find_attention(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let rest = bytes.get(from..).unwrap_or(&[]);
    let mut i = from;
    for chunk in rest.as_chunks::<8>().0 {
        let word = u64::from_le_bytes(*chunk);
        let flags = zero_byte(word ^ (ONES * u64::from(b'"')))
            | zero_byte(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
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
fn escape_end(bytes: &[u8], i: usize) -> Result<usize, Error> {
    match bytes.get(i + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
        Some(b'u') => {
            let unit = hex4(bytes, i + 2)?;
            match unit {
                // A high surrogate must be followed by an escaped low surrogate (RFC 8259 §7).
                0xd800..=0xdbff => {
                    if bytes.get(i + 6) != Some(&b'\\') || bytes.get(i + 7) != Some(&b'u') {
                        return Err(Error::Json);
                    }
                    match hex4(bytes, i + 8)? {
                        0xdc00..=0xdfff => Ok(i + 12),
                        _ => Err(Error::Json),
                    }
                }
                0xdc00..=0xdfff => Err(Error::Json),
                _ => Ok(i + 6),
            }
        }
        _ => Err(Error::Json),
    }
}

fn hex4(bytes: &[u8], at: usize) -> Result<u32, Error> {
    let digits = bytes.get(at..at + 4).ok_or(Error::Json)?;
    digits.iter().try_fold(0u32, |acc, &d| {
        let v = char::from(d).to_digit(16).ok_or(Error::Json)?;
        Ok(acc << 4 | v)
    })
}

/// The UTF-8 bytes of an already validated string literal's content, with escapes decoded.
struct Unescaped<'a> {
    bytes: core::slice::Iter<'a, u8>,
    pending: [u8; 4],
    pending_len: u8,
    pending_at: u8,
}

impl<'a> Unescaped<'a> {
    fn new(raw: &'a str) -> Self {
        Self {
            bytes: raw.as_bytes().iter(),
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
                let encoded = c.encode_utf8(&mut self.pending);
                let len = encoded.len();
                self.pending_len = u8::try_from(len).unwrap_or(0);
                self.pending_at = 1;
                return self.pending.first().copied();
            }
            &other => other, // `"`, `\` and `/` stand for themselves
        };
        Some(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(text: &str) -> Result<(), Error> {
        let mut reader = Reader::new(text, &mut []);
        reader.skip_value()?;
        reader.end()
    }

    fn unescape(json: &str, arena: &mut [u8]) -> Result<std::string::String, Error> {
        let mut reader = Reader::new(json, arena);
        let s = reader.string()?;
        reader.unescape(s).map(std::string::String::from)
    }

    #[test]
    fn accepts_valid_json() {
        for ok in [
            "{}",
            "[]",
            " { \"a\" : [ 1 , -0 , 0.5 , 1e3 , 1E-3 , -1.5e+10 , true , false , null ] } ",
            r#"{"a":{"a":{"a":[]}},"b":"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"}"#,
            r#""plain""#,
            "0",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        ] {
            assert_eq!(skip(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_invalid_json_even_where_nobody_reads() {
        for bad in [
            "",
            "{",
            "}",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{,}",
            "{\"a\"}",
            "{\"a\":}",
            "{a:1}",
            "{'a':1}",
            "tru3",
            "nul",
            "01",
            "+1",
            "1.",
            ".5",
            "1e",
            "1e+",
            "-",
            "--1",
            "NaN",
            "Infinity",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"a\tb\"",
            "\"unterminated",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "\u{feff}{}",
            "{}\u{0c}",
            "[\"a\"]]",
            "{\"a\":[}",
            "[{]",
        ] {
            assert_eq!(skip(bad), Err(Error::Json), "{bad:?}");
        }
    }

    #[test]
    fn depth_is_bounded_without_recursion() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(skip(&ok), Ok(()));
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(skip(&deep), Err(Error::NestingTooDeep));
        let bomb = "{\"x\":".repeat(100_000) + "1" + &"}".repeat(100_000);
        assert_eq!(skip(&bomb), Err(Error::NestingTooDeep));
    }

    #[test]
    fn duplicate_names_are_found_at_every_level_after_unescaping() {
        assert_eq!(skip(r#"{"a":1,"a":2}"#), Err(Error::DuplicateMember));
        assert_eq!(
            skip(r#"{"exp":1,"\u0065xp":2}"#),
            Err(Error::DuplicateMember)
        );
        assert_eq!(
            skip(r#"{"x":{"b":[1,{"c":1}],"b":2}}"#),
            Err(Error::DuplicateMember)
        );
        assert_eq!(skip(r#"[{"a":1},{"a":1}]"#), Ok(()));
        assert_eq!(skip(r#"{"a":{"a":{"a":1}}}"#), Ok(()));
        // Many distinct names: Bloom collisions must not be reported as duplicates.
        let mut many = std::string::String::from("{");
        for i in 0..500 {
            many += &std::format!("\"k{i}\":{{\"k{i}\":[{i}]}},");
        }
        many += "\"last\":0}";
        assert_eq!(skip(&many), Ok(()));
        let dup_last = many.replace("\"last\"", "\"k250\"");
        assert_eq!(skip(&dup_last), Err(Error::DuplicateMember));
    }

    #[test]
    fn strings_are_unescaped_into_the_arena() {
        let mut arena = [0u8; 64];
        assert_eq!(unescape(r#""plain""#, &mut []).unwrap(), "plain");
        assert_eq!(
            unescape(r#""a\"b\\c\/d\u00e9\ud83d\ude00\n""#, &mut arena).unwrap(),
            "a\"b\\c/d\u{e9}\u{1f600}\n"
        );
        assert_eq!(
            unescape(r#""\u00e9\u00e9""#, &mut [0u8; 3]),
            Err(Error::BufferTooSmall { needed: 0 })
        );
    }

    #[test]
    fn raw_strings_compare_unescaped() {
        let mut reader = Reader::new(r#""\u0069ss""#, &mut []);
        let s = reader.string().unwrap();
        assert!(s.eq_str("iss"));
        assert!(!s.eq_str("is"));
        assert!(!s.eq_str("isss"));
    }
}
