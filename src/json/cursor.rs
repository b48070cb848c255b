//! The cursor: a strict RFC 8259 reader over an immutable document, token by token.
//!
//! Everything the crate reads goes through [`Reader`]: the JOSE header, the claims (with the
//! caller's `Deserialize` type on top, see [`super::de`]), JSON Web Keys. It is strict where
//! serde-json-core is lax: every byte is validated, including values nobody reads (`"x":tru3`
//! is an error); nesting is bounded by [`MAX_DEPTH`]; names are unique in every object
//! ([`super::names`]).
//!
//! Nothing recurses: which containers are open is a bit per level and a frame per object in the
//! arena, so [`Reader::skip_value`] and [`Reader::recover`] walk any input in constant stack.

use super::arena::Arena;
use super::names;
use super::number::{self, Number};
use super::string::{self, Name, RawStr, StrList, Unescaped};
use crate::Error;
use crate::error::Failure;

/// How deeply arrays and objects may nest in a header or payload. Deeper input is rejected with
/// [`Error::NestingTooDeep`] before it can use more stack.
pub const MAX_DEPTH: usize = 32;

const SYNTAX: Failure = Failure::Reject(Error::Json);

/// A validating cursor over a JSON document.
#[derive(Debug)]
pub(crate) struct Reader<'s> {
    text: &'s str,
    pos: usize,
    arena: Arena<'s>,
    /// Containers open around `pos`.
    depth: usize,
    /// Bit `d` is set when the container at depth `d + 1` is an object.
    objects: u32,
    /// Where the innermost open object's name records start in the arena.
    frame: usize,
    /// Member names still allowed, for documents whose size is bounded by design (the header).
    names_left: usize,
}

impl<'s> Reader<'s> {
    /// A reader over `text`, writing into `arena`. Documents must be under 4 GiB (name records
    /// keep 32-bit offsets): a longer one is [`Failure::Full`].
    pub(crate) fn new(text: &'s str, arena: &'s mut [u8]) -> Result<Self, Failure> {
        if u32::try_from(text.len()).is_err() {
            return Err(Failure::Full);
        }
        Ok(Self {
            text,
            pos: 0,
            arena: Arena::new(arena),
            depth: 0,
            objects: 0,
            frame: 0,
            names_left: usize::MAX,
        })
    }

    /// Allows at most `limit` member names in the whole document; more are `too_many`.
    pub(crate) const fn with_name_limit(mut self, limit: usize) -> Self {
        self.names_left = limit;
        self
    }

    /// Gives back the part of the arena not lent out.
    pub(crate) fn into_arena(self) -> &'s mut [u8] {
        self.arena.into_free()
    }

    /// Skips whitespace (RFC 8259 §2: space, tab, LF, CR only) and returns the next byte.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !is_whitespace(b) {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// The last byte before the cursor that is not whitespace. At a member or element boundary
    /// it is the opening bracket exactly when no member or element has been read yet, which is
    /// how the reader knows whether a comma is due without anyone keeping a flag.
    #[inline]
    fn previous(&self) -> Option<u8> {
        let before = self.text.as_bytes().get(..self.pos)?;
        before.iter().rev().copied().find(|&b| !is_whitespace(b))
    }

    /// Consumes `byte` after optional whitespace.
    pub(crate) fn expect(&mut self, byte: u8) -> Result<(), Failure> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(SYNTAX)
        }
    }

    /// Succeeds when only whitespace remains.
    pub(crate) fn end(&mut self) -> Result<(), Failure> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(SYNTAX),
        }
    }

    /// Consumes `{` and opens a frame for its names.
    pub(crate) fn open_object(&mut self) -> Result<(), Failure> {
        self.expect(b'{')?;
        self.enter(true)?;
        self.frame = names::open(&mut self.arena, self.frame)?;
        Ok(())
    }

    /// Consumes `[`.
    pub(crate) fn open_array(&mut self) -> Result<(), Failure> {
        self.expect(b'[')?;
        self.enter(false)
    }

    fn enter(&mut self, object: bool) -> Result<(), Failure> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::NestingTooDeep.into());
        }
        let bit = 1u32 << self.depth;
        self.objects = if object {
            self.objects | bit
        } else {
            self.objects & !bit
        };
        self.depth += 1;
        Ok(())
    }

    #[inline]
    fn in_object(&self) -> bool {
        self.depth > 0 && self.objects & (1u32 << (self.depth - 1)) != 0
    }

    /// Whether the innermost container's closing bracket is next.
    pub(crate) fn at_close(&mut self) -> bool {
        let close = if self.in_object() { b'}' } else { b']' };
        self.peek() == Some(close)
    }

    /// Consumes the innermost container's closing bracket; for an object, its names are checked
    /// for duplicates and its frame is popped.
    pub(crate) fn close(&mut self) -> Result<(), Failure> {
        if self.in_object() {
            self.expect(b'}')?;
            self.frame = names::close(&mut self.arena, self.frame, self.text)?;
        } else {
            self.expect(b']')?;
        }
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }

    /// At a member boundary of the innermost object: reads the next name and its colon, or
    /// returns `None` at the closing brace (left unread). The name is checked against the
    /// object's other names.
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    pub(crate) fn next_member(&mut self) -> Result<Option<Name<'s>>, Failure> {
        let first = self.previous() == Some(b'{');
        match (self.peek(), first) {
            (Some(b'}'), _) => return Ok(None),
            (Some(b','), false) => {
                self.pos += 1;
                if self.peek() != Some(b'"') {
                    return Err(SYNTAX);
                }
            }
            (Some(b'"'), true) => {}
            _ => return Err(SYNTAX),
        }
        self.names_left = self
            .names_left
            .checked_sub(1)
            .ok_or(Failure::Reject(Error::InvalidHeader))?;
        let at = self.pos + 1;
        let name = Name::new(self.string()?);
        names::add(&mut self.arena, self.frame, self.text, &name, at)?;
        self.expect(b':')?;
        Ok(Some(name))
    }

    /// At an element boundary of the innermost array: consumes the comma before the next
    /// element and returns `true`, or returns `false` at the closing bracket (left unread).
    pub(crate) fn next_element(&mut self) -> Result<bool, Failure> {
        let first = self.previous() == Some(b'[');
        match (self.peek(), first) {
            (Some(b']'), _) => Ok(false),
            (Some(b','), false) => {
                self.pos += 1;
                Ok(true)
            }
            (Some(_), true) => Ok(true),
            _ => Err(SYNTAX),
        }
    }

    /// Reads a string literal (the cursor must be at its opening quote, after whitespace).
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    pub(crate) fn string(&mut self) -> Result<RawStr<'s>, Failure> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return Err(SYNTAX);
        }
        let start = self.pos + 1;
        let (end, escaped) = string::scan(bytes, start).ok_or(SYNTAX)?;
        let raw = self.text.get(start..end).ok_or(SYNTAX)?;
        self.pos = end + 1;
        Ok(RawStr { raw, escaped })
    }

    /// The unescaped text of `s`: the document's own bytes when it has no escapes, else a copy
    /// unescaped into the arena, lent out for `'s`.
    pub(crate) fn unescape(&mut self, s: RawStr<'s>) -> Result<&'s str, Failure> {
        if !s.escaped {
            return Ok(s.raw);
        }
        let len = self.arena.write_at(0, Unescaped::new(s.raw))?;
        utf8(self.arena.take(len)?)
    }

    /// Reads a string value and returns its unescaped text, or `None` (consuming nothing) when
    /// the next value is not a string.
    pub(crate) fn string_value(&mut self) -> Result<Option<&'s str>, Failure> {
        if self.peek() != Some(b'"') {
            return Ok(None);
        }
        let raw = self.string()?;
        self.unescape(raw).map(Some)
    }

    /// Reads a string or an array (the cursor at `"` or `[`) as a [`StrList`], or `None` when
    /// it is an array holding anything but strings (the whole array is still validated).
    pub(crate) fn string_list(&mut self) -> Result<Option<StrList<'s>>, Failure> {
        if let Some(one) = self.string_value()? {
            return Ok(Some(StrList::One(one)));
        }
        let start = self.pos;
        self.open_array()?;
        let mut written = 0;
        let mut strings_only = true;
        while self.next_element()? {
            if strings_only && self.peek() == Some(b'"') {
                let entry = self.string()?;
                if entry.escaped {
                    written += self.arena.write_at(written, Unescaped::new(entry.raw))?;
                }
            } else {
                // Skipping may push name records over the pending bytes: they are not needed
                // any more once the list is known not to be one of strings.
                strings_only = false;
                self.skip_value()?;
            }
        }
        self.close()?;
        if !strings_only {
            return Ok(None);
        }
        let raw = self.text.get(start..self.pos).ok_or(SYNTAX)?;
        let unescaped = utf8(self.arena.take(written)?)?;
        Ok(Some(StrList::Many { raw, unescaped }))
    }

    /// Reads a number (the cursor at its first character).
    pub(crate) fn number(&mut self) -> Result<Number<'s>, Failure> {
        let (end, integer) = number::scan(self.text.as_bytes(), self.pos).ok_or(SYNTAX)?;
        let text = self.text.get(self.pos..end).ok_or(SYNTAX)?;
        self.pos = end;
        Ok(Number { text, integer })
    }

    /// Consumes `literal` (`true`, `false` or `null`).
    pub(crate) fn literal(&mut self, literal: &str) -> Result<(), Failure> {
        let end = self.pos + literal.len();
        if self.text.get(self.pos..end) == Some(literal) {
            self.pos = end;
            Ok(())
        } else {
            Err(SYNTAX)
        }
    }

    /// Reads an object, handing each member's name to `member`, which must consume the value.
    pub(crate) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, Name<'s>) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.open_object()?;
        while let Some(name) = self.next_member()? {
            member(self, name)?;
        }
        self.close()
    }

    /// Reads an array, calling `element` once per element, which must consume it.
    pub(crate) fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        self.open_array()?;
        while self.next_element()? {
            element(self)?;
        }
        self.close()
    }

    /// Validates and skips one value of any type.
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    pub(crate) fn skip_value(&mut self) -> Result<(), Failure> {
        match self.peek() {
            Some(b'{' | b'[') => {
                let base = self.depth;
                self.walk(base, true)
            }
            next => self.skip_scalar(next),
        }
    }

    /// Finishes whatever value the cursor is in the middle of — after a caller's type gave up
    /// on it half way — validating the rest, until it is back at a boundary at depth `base`.
    pub(crate) fn recover(&mut self, base: usize) -> Result<(), Failure> {
        let expecting_value = matches!(self.previous(), Some(b':' | b','));
        self.walk(base, expecting_value)
    }

    /// The one loop that skips: from a value (`value`) or a boundary, until a boundary at depth
    /// `base`. Containers are opened and closed as the cursor passes them, so names are checked
    /// for duplicates in skipped objects too.
    fn walk(&mut self, base: usize, mut value: bool) -> Result<(), Failure> {
        loop {
            if value {
                match self.peek() {
                    Some(b'{') => self.open_object()?,
                    Some(b'[') => self.open_array()?,
                    next => self.skip_scalar(next)?,
                }
            }
            if self.depth <= base {
                return Ok(());
            }
            value = if self.in_object() {
                self.next_member()?.is_some()
            } else {
                self.next_element()?
            };
            if !value {
                self.close()?;
            }
        }
    }

    /// Validates and skips a string, number or literal starting with `next` (just peeked).
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn skip_scalar(&mut self, next: Option<u8>) -> Result<(), Failure> {
        let bytes = self.text.as_bytes();
        let end = match next {
            Some(b'"') => string::scan(bytes, self.pos + 1).map(|(end, _)| end + 1),
            Some(b'-' | b'0'..=b'9') => number::scan(bytes, self.pos).map(|(end, _)| end),
            Some(b't') => return self.literal("true"),
            Some(b'f') => return self.literal("false"),
            Some(b'n') => return self.literal("null"),
            _ => None,
        };
        self.pos = end.ok_or(SYNTAX)?;
        Ok(())
    }
}

const fn is_whitespace(b: u8) -> bool {
    // Most bytes are above the space: one comparison rejects them.
    b <= b' ' && matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Unescaped text is valid UTF-8 by construction (valid input, validated escapes); checked all
/// the same, since `&str` cannot be had without `unsafe` otherwise.
fn utf8(bytes: &[u8]) -> Result<&str, Failure> {
    core::str::from_utf8(bytes).map_err(|_| SYNTAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(text: &str) -> Result<(), Error> {
        let mut arena = [0u8; 4096];
        let mut run = || {
            let mut reader = Reader::new(text, &mut arena)?;
            reader.skip_value()?;
            reader.end()
        };
        run().map_err(|f| f.into_error(0))
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
            "[{},{}, [ ] ,{ }]",
            // One-digit numbers take a shortcut; what follows them still counts.
            "[0,1,9]",
            "{\"a\":0,\"b\":7}",
            "[5 ]",
            "[0.5,1e3,2E1]",
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
            "[01]",
            "{\"a\":05}",
            "[7.]",
            "[3e]",
            "{\"a\":3x}",
            "[7-]",
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
            "[}",
            "{]",
            "{\"a\" 1}",
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
        assert_eq!(
            skip(r#" {"alg":"none","alg":"HS256"}"#),
            Err(Error::DuplicateMember)
        );
        // Many distinct names, beyond the pairwise checks: sorted at the close.
        let mut many = std::string::String::from("{");
        for i in 0..500 {
            many += &std::format!("\"k{i}\":{{\"k{i}\":[{i}]}},");
        }
        many += "\"last\":0}";
        assert_eq!(skip(&many), Ok(()));
        let dup_last = many.replace("\"last\"", "\"k250\"");
        assert_eq!(skip(&dup_last), Err(Error::DuplicateMember));
        let dup_escaped = many.replace("\"last\"", "\"k\\u0032\\u00350\"");
        assert_eq!(skip(&dup_escaped), Err(Error::DuplicateMember));
        // Names that share their first four bytes are told apart in full.
        let prefix: std::string::String = (0..40).map(|i| std::format!("\"abcd{i}\":0,")).collect();
        assert_eq!(skip(&std::format!("{{{prefix}\"abcd\":0}}")), Ok(()));
        assert_eq!(
            skip(&std::format!("{{{prefix}\"abcd7\":0}}")),
            Err(Error::DuplicateMember)
        );
    }

    #[test]
    fn strings_are_unescaped_into_the_arena() {
        let mut arena = [0u8; 64];
        let mut reader = Reader::new(r#"["plain","a\"b\u00e9\ud83d\ude00"]"#, &mut arena).unwrap();
        reader.open_array().unwrap();
        assert!(reader.next_element().unwrap());
        assert_eq!(reader.string_value(), Ok(Some("plain")));
        assert!(reader.next_element().unwrap());
        assert_eq!(reader.string_value(), Ok(Some("a\"b\u{e9}\u{1f600}")));
        let mut small = [0u8; 3];
        let mut reader = Reader::new(r#""\u00e9\u00e9""#, &mut small).unwrap();
        assert_eq!(reader.string_value(), Err(Failure::Full));
    }

    #[test]
    fn recovery_finishes_a_half_read_value() {
        let text = r#"{"a":{"b":[1,{"c":2}],"d":3},"e":4}"#;
        let mut arena = [0u8; 256];
        let mut reader = Reader::new(text, &mut arena).unwrap();
        reader.open_object().unwrap();
        assert!(reader.next_member().unwrap().unwrap().is("a"));
        reader.open_object().unwrap();
        assert!(reader.next_member().unwrap().unwrap().is("b"));
        reader.open_array().unwrap();
        assert!(reader.next_element().unwrap());
        // A caller's type gives up here, having read `1`.
        reader.number().unwrap();
        reader.recover(1).unwrap();
        assert!(reader.next_member().unwrap().unwrap().is("e"));
        // And gives up again right after the colon, before the value.
        reader.recover(1).unwrap();
        assert!(reader.next_member().unwrap().is_none());
        reader.close().unwrap();
        reader.end().unwrap();
    }
}
