//! A strict, allocation-free serde `Serializer` that writes compact JSON into a `&mut [u8]`.
//!
//! This exists because serde-json-core's serializer is not fit for a security library:
//! it panics (`unreachable!()`) when asked to serialize a `char`, and it silently writes
//! `null` for NaN and the infinities, changing what a claim means without telling anyone.
//! Here every value either gets its exact JSON form or the whole write fails with a
//! [`WriteError`].
//!
//! Output is compact RFC 8259 JSON, byte-for-byte what `serde_json::to_vec` produces for
//! the values we accept: no whitespace, struct fields in declaration order, `None` and
//! unit as `null`, enums externally tagged (`"V"`, `{"V":inner}`, `{"V":[..]}`,
//! `{"V":{..}}`), bytes as an array of numbers, integer map keys quoted. Floats are written in
//! their shortest round-trip form laid out as ryu does (`1.0`, `0.1`, `1e300`); recent
//! `serde_json` writes a positive exponent as `1e+300` instead, and both are valid JSON. Strings escape `"`, `\`
//! and U+0000–U+001F only (short forms `\b \f \n \r \t`, otherwise `\u00xx` in lowercase
//! hex); everything else, including `/`, U+2028 and all non-ASCII, is written raw as UTF-8.
//!
//! No object is written with a repeated member name (RFC 7515 §4, RFC 7519 §4): a verifier that
//! keeps the last of two `exp`s would read another token than one that keeps the first. Each
//! name is compared, as it is written, with the object's earlier names: by a key kept for the
//! first [`KEYS_COMPARED`] (a few integer comparisons for a typical claims set), and beyond them
//! by reading the object's names back from the output, which needs no memory but costs, for an
//! object of `n` names, `n²/2` comparisons: cheap for claims, slow for a map of many thousands.
//!
//! serde_json's `arbitrary_precision` and `raw_value` features encode numbers and raw JSON as
//! structs with private names; with either feature on anywhere in a build (features unify), a
//! naive serializer would write those structs. Here a private number is checked against the
//! RFC 8259 grammar and written as the number it is, as serde_json writes it, and a raw value
//! is refused: this writer does not vouch for JSON it did not write.

use core::fmt::{self, Display};
use serde::ser::{self, Impossible, Serialize};

type Result<T = (), E = WriteError> = core::result::Result<T, E>;

/// Why a value could not be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WriteError {
    /// The output buffer is full. Whatever bytes were produced before it ran out are
    /// an incomplete document; the caller discards them.
    BufferFull,
    /// The value has no faithful JSON form: a NaN or infinite float, a map key that is not
    /// a string, char, integer or unit variant (e.g. a bool, float, `None` or compound key),
    /// serde_json's private raw value, or a user's `Serialize`/`Display` impl reported an error.
    Unsupported,
    /// An object would have the same member name twice.
    DuplicateName,
    /// Arrays and objects nested deeper than [`super::MAX_DEPTH`], which no verifier here reads.
    TooDeep,
}

impl Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BufferFull => "JSON output buffer is full",
            Self::Unsupported => "value has no JSON representation",
            Self::DuplicateName => "an object would repeat a member name",
            Self::TooDeep => "arrays and objects nested too deeply",
        })
    }
}

impl core::error::Error for WriteError {}

impl ser::Error for WriteError {
    // Ignoring the message keeps us allocation-free; the failing impl is the caller's own.
    fn custom<T: Display>(_msg: T) -> Self {
        Self::Unsupported
    }
}

/// How many names of each object the writer compares as it writes them.
pub(crate) const KEYS_COMPARED: usize = 16;

/// Serializes `value` as compact JSON into `out`, returning the number of bytes written.
///
/// On error, `out` may hold a partial document that must not be used.
pub(crate) fn to_slice<T: Serialize + ?Sized>(
    value: &T,
    out: &mut [u8],
) -> Result<usize, WriteError> {
    let mut ser = Serializer {
        out,
        len: 0,
        measure: false,
        depth: 0,
    };
    value.serialize(&mut ser)?;
    Ok(ser.len)
}

/// The number of bytes [`to_slice`] would write for `value`, with no buffer at all: how `sign`
/// tells a caller exactly how large a buffer must be. Names are not compared (there is nothing
/// to compare them in); writing does that.
pub(crate) fn measure<T: Serialize + ?Sized>(value: &T) -> Result<usize, WriteError> {
    let mut ser = Serializer {
        out: &mut [],
        len: 0,
        measure: true,
        depth: 0,
    };
    value.serialize(&mut ser)?;
    Ok(ser.len)
}

/// Cursor over the caller's buffer: `out[..len]` is what has been written so far.
struct Serializer<'b> {
    out: &'b mut [u8],
    len: usize,
    /// Count the bytes instead of writing them.
    measure: bool,
    /// Arrays and objects open around the cursor.
    depth: usize,
}

/// Bytes that cannot appear raw inside a JSON string.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

impl<'b> Serializer<'b> {
    fn push(&mut self, b: u8) -> Result {
        if self.measure {
            self.len += 1;
            return Ok(());
        }
        let slot = self.out.get_mut(self.len).ok_or(WriteError::BufferFull)?;
        *slot = b;
        self.len += 1;
        Ok(())
    }

    fn extend(&mut self, bytes: &[u8]) -> Result {
        let end = self
            .len
            .checked_add(bytes.len())
            .ok_or(WriteError::BufferFull)?;
        if self.measure {
            self.len = end;
            return Ok(());
        }
        let dst = self
            .out
            .get_mut(self.len..end)
            .ok_or(WriteError::BufferFull)?;
        crate::bytes::copy_prefix(dst, bytes);
        self.len = end;
        Ok(())
    }

    /// Writes the escaped contents of a string, without the surrounding quotes.
    fn string_body(&mut self, s: &str) -> Result {
        let mut rest = s.as_bytes();
        loop {
            // Copy the longest run that needs no escaping in one go: for typical claims
            // that is the whole string.
            let run = rest.iter().take_while(|&&b| !needs_escape(b)).count();
            // `run` counts a prefix of `rest`; the checked split keeps panics out of the binary.
            let (plain, tail) = rest.split_at_checked(run).unwrap_or((rest, &[]));
            self.extend(plain)?;
            let Some((&b, tail)) = tail.split_first() else {
                return Ok(());
            };
            // Control characters without a short form become `\u00xx`, lowercase like serde_json.
            let hex = |n: u8| if n < 10 { b'0' + n } else { b'a' + (n - 10) };
            match b {
                b'"' | b'\\' => self.extend(&[b'\\', b]),
                0x08 => self.extend(b"\\b"),
                0x0c => self.extend(b"\\f"),
                b'\n' => self.extend(b"\\n"),
                b'\r' => self.extend(b"\\r"),
                b'\t' => self.extend(b"\\t"),
                _ => self.extend(&[b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 0x0f)]),
            }?;
            rest = tail;
        }
    }

    fn string(&mut self, s: &str) -> Result {
        self.quoted(s, b"")
    }

    /// Writes `"s"` followed by `suffix` (`b":"` after a member name). Strings that need no
    /// escaping — nearly all — take one bounds check and one copy.
    fn quoted(&mut self, s: &str, suffix: &[u8]) -> Result {
        let bytes = s.as_bytes();
        // Folded rather than short-circuited so the compiler can check many bytes at once.
        let plain = bytes
            .iter()
            .fold(true, |plain, &b| plain & !needs_escape(b));
        if !plain || self.measure {
            self.push(b'"')?;
            self.string_body(s)?;
            self.push(b'"')?;
            return self.extend(suffix);
        }
        let end = self.len + bytes.len() + 2 + suffix.len();
        let out = self
            .out
            .get_mut(self.len..end)
            .ok_or(WriteError::BufferFull)?;
        let (open, rest) = out.split_first_mut().ok_or(WriteError::BufferFull)?;
        *open = b'"';
        let (body, rest) = rest
            .split_at_mut_checked(bytes.len())
            .ok_or(WriteError::BufferFull)?;
        crate::bytes::copy_prefix(body, bytes);
        for (d, s) in rest.iter_mut().zip(b"\"".iter().chain(suffix)) {
            *d = *s;
        }
        self.len = end;
        Ok(())
    }

    /// Writes decimal digits without allocation or `core::fmt`.
    fn unsigned(&mut self, n: u128) -> Result {
        // Digits are produced least-significant first, filling from the end; u128::MAX has 39.
        let mut digits = [0u8; 39];
        let mut count = 0;
        let mut rest = Magnitude::from(n);
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + rest.div10();
            count += 1;
            if rest.is_zero() {
                break;
            }
        }
        // `count <= digits.len()` because it counts loop iterations; checked all the same, so
        // no panic path is linked.
        let used = digits
            .get(digits.len().saturating_sub(count)..)
            .unwrap_or(&[]);
        self.extend(used)
    }

    fn signed(&mut self, n: i128) -> Result {
        if n < 0 {
            self.push(b'-')?;
        }
        self.unsigned(n.unsigned_abs())
    }

    /// Writes a float in the shortest form that reads back as the same value, laid out as ryu
    /// (and so serde_json) lays it out: `1.0`, `0.001`, `1e300`, `1.5e-7`. The digits are
    /// core's shortest round-trip digits (`{:e}`); `max_plain` is where plain notation stops
    /// (10^16 for `f64`, 10^13 for `f32`, as in ryu). Non-finite values are refused, never written
    /// as `null`: that would silently change the value's meaning.
    fn float<F: fmt::LowerExp>(&mut self, v: F, finite: bool, max_plain: i32) -> Result {
        use fmt::Write as _;
        if !finite {
            return Err(WriteError::Unsupported);
        }
        let mut text = FloatText::default();
        write!(text, "{v:e}").map_err(|_| WriteError::Unsupported)?;
        let text = text.as_bytes();
        let (negative, text) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let e = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
        let (mantissa, exponent) = text.split_at_checked(e).unwrap_or((text, &[]));
        let exponent = exponent.get(1..).unwrap_or(&[]);
        let (exp_negative, exp_digits) = match exponent.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, exponent),
        };
        let magnitude = exp_digits
            .iter()
            .fold(0i32, |n, d| n * 10 + i32::from(d - b'0'));
        // `d.ddd × 10^exp`, so 10^(point - 1) <= |v| < 10^point.
        let point = if exp_negative { -magnitude } else { magnitude } + 1;
        let mut digits = [0u8; 20];
        let mut count = 0usize;
        for (slot, &d) in digits
            .iter_mut()
            .zip(mantissa.iter().filter(|&&b| b != b'.'))
        {
            *slot = d;
            count += 1;
        }
        let digits = digits.get(..count).unwrap_or(&[]);
        let len = count as i32;
        if negative {
            self.push(b'-')?;
        }
        let zeros = |ser: &mut Self, n: i32| (0..n).try_for_each(|_| ser.push(b'0'));
        if len <= point && point <= max_plain {
            // 1234e7 → 12340000000.0
            self.extend(digits)?;
            zeros(self, point - len)?;
            self.extend(b".0")
        } else if 0 < point && point <= max_plain {
            // 1234e-2 → 12.34
            let (int, frac) = digits
                .split_at_checked(point as usize)
                .unwrap_or((digits, &[]));
            self.extend(int)?;
            self.push(b'.')?;
            self.extend(frac)
        } else if -5 < point && point <= 0 {
            // 1234e-6 → 0.001234
            self.extend(b"0.")?;
            zeros(self, -point)?;
            self.extend(digits)
        } else {
            // 1234e30 → 1.234e33, 1e30 → 1e30
            let (first, rest) = digits.split_at_checked(1).unwrap_or((digits, &[]));
            self.extend(first)?;
            if !rest.is_empty() {
                self.push(b'.')?;
                self.extend(rest)?;
            }
            self.push(b'e')?;
            if point - 1 < 0 {
                self.push(b'-')?;
            }
            self.unsigned(u128::from((point - 1).unsigned_abs()))
        }
    }

    /// Opens one more level of nesting, up to [`super::MAX_DEPTH`], with its opening bracket.
    fn open(&mut self, bracket: u8) -> Result {
        if self.depth >= super::MAX_DEPTH {
            return Err(WriteError::TooDeep);
        }
        self.depth += 1;
        self.push(bracket)
    }

    /// Writes `{"variant":` — the opening of every non-unit enum variant, one level deeper.
    fn variant_open(&mut self, variant: &str) -> Result {
        self.open(b'{')?;
        self.string(variant)?;
        self.push(b':')
    }

    fn compound<'a>(&'a mut self, open: u8, end: &'static [u8]) -> Result<Compound<'a, 'b>> {
        self.open(open)?;
        Ok(Compound::new(self, end, false))
    }

    /// The text written since `start`.
    fn since(&self, start: usize) -> &[u8] {
        self.out.get(start..self.len).unwrap_or(&[])
    }
}

/// A number being written, as the machine divides best: native 64-bit arithmetic where there is
/// some, and on 32-bit cores (no 64-bit division: a 900-byte library routine) as 32-bit limbs
/// divided 16 bits at a time. Nearly every claim (a date, a count) takes the `u32` path anyway.
enum Magnitude {
    Small(u32),
    Wide(u128),
    Limbs([u32; 4]),
}

impl From<u128> for Magnitude {
    fn from(n: u128) -> Self {
        match u32::try_from(n) {
            Ok(small) => Magnitude::Small(small),
            Err(_) if cfg!(target_pointer_width = "64") => Magnitude::Wide(n),
            Err(_) => {
                let [a, b, c, d] = [
                    (n >> 96) as u32,
                    (n >> 64) as u32,
                    (n >> 32) as u32,
                    n as u32,
                ];
                Magnitude::Limbs([a, b, c, d])
            }
        }
    }
}

impl Magnitude {
    /// Divides by 10 and returns the remainder.
    fn div10(&mut self) -> u8 {
        match self {
            Magnitude::Small(n) => {
                let digit = (*n % 10) as u8;
                *n /= 10;
                digit
            }
            Magnitude::Wide(n) => match u64::try_from(*n) {
                Ok(small) => {
                    *n = u128::from(small / 10);
                    (small % 10) as u8
                }
                Err(_) => {
                    let digit = (*n % 10) as u8;
                    *n /= 10;
                    digit
                }
            },
            Magnitude::Limbs(limbs) => {
                let mut rem = 0u32;
                for limb in limbs.iter_mut() {
                    let high = (rem << 16) | (*limb >> 16);
                    let low = ((high % 10) << 16) | (*limb & 0xffff);
                    *limb = ((high / 10) << 16) | (low / 10);
                    rem = low % 10;
                }
                rem as u8
            }
        }
    }

    fn is_zero(&self) -> bool {
        match self {
            Magnitude::Small(n) => *n == 0,
            Magnitude::Wide(n) => *n == 0,
            Magnitude::Limbs(limbs) => limbs.iter().all(|&l| l == 0),
        }
    }
}

/// Room for core's `{:e}` of any float: `-1.7976931348623157e-308` is 24 bytes.
#[derive(Default)]
struct FloatText {
    bytes: [u8; 32],
    len: usize,
}

impl FloatText {
    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl fmt::Write for FloatText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        crate::bytes::copy_prefix(dst, s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// `fmt::Write` adapter for `collect_str`, which serde requires of `no_std` serializers.
/// It is only used by types that opt into `Display`-based serialization, never by plain
/// strings, so the fmt machinery stays out of the common path.
struct DisplayWriter<'s, 'b> {
    ser: &'s mut Serializer<'b>,
    error: Option<WriteError>,
}

impl fmt::Write for DisplayWriter<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.ser.string_body(s).map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }
}

impl Serializer<'_> {
    fn display<T: Display + ?Sized>(&mut self, value: &T) -> Result {
        use fmt::Write as _;
        self.push(b'"')?;
        let mut w = DisplayWriter {
            ser: self,
            error: None,
        };
        if write!(w, "{value}").is_err() {
            // No recorded error means the `Display` impl itself failed.
            return Err(w.error.unwrap_or(WriteError::Unsupported));
        }
        self.push(b'"')
    }
}

/// The ten primitive integer methods, forwarded to `self.signed` / `self.unsigned`.
macro_rules! integer_methods {
    () => {
        integer_methods!(signed: serialize_i8 i8, serialize_i16 i16, serialize_i32 i32, serialize_i64 i64, serialize_i128 i128);
        integer_methods!(unsigned: serialize_u8 u8, serialize_u16 u16, serialize_u32 u32, serialize_u64 u64, serialize_u128 u128);
    };
    ($helper:ident: $($method:ident $ty:ty),*) => {
        $(fn $method(self, v: $ty) -> Result {
            self.$helper(v.into())
        })*
    };
}

impl<'a, 'b> ser::Serializer for &'a mut Serializer<'b> {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'a, 'b>;
    type SerializeTuple = Compound<'a, 'b>;
    type SerializeTupleStruct = Compound<'a, 'b>;
    type SerializeTupleVariant = Compound<'a, 'b>;
    type SerializeMap = Compound<'a, 'b>;
    type SerializeStruct = Compound<'a, 'b>;
    type SerializeStructVariant = Compound<'a, 'b>;

    integer_methods!();

    fn serialize_bool(self, v: bool) -> Result {
        self.extend(if v { b"true" } else { b"false" })
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.float(v, v.is_finite(), 13)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.float(v, v.is_finite(), 16)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        use ser::SerializeSeq as _;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        v.iter().try_for_each(|b| seq.serialize_element(b))?;
        seq.end()
    }
    fn serialize_none(self) -> Result {
        self.extend(b"null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.extend(b"null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.extend(b"null")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.variant_open(variant)?;
        value.serialize(&mut *self)?;
        self.depth -= 1;
        self.push(b'}')
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, 'b>> {
        self.compound(b'[', b"]")
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a, 'b>> {
        self.compound(b'[', b"]")
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 'b>> {
        self.compound(b'[', b"]")
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'b>> {
        self.variant_open(variant)?;
        self.compound(b'[', b"]}")
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, 'b>> {
        self.compound(b'{', b"}")
    }
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Compound<'a, 'b>> {
        match name {
            // No bracket, no level: the struct's one field is written bare.
            PRIVATE_NUMBER => Ok(Compound::new(self, b"", true)),
            PRIVATE_RAW_VALUE => Err(WriteError::Unsupported),
            _ => self.compound(b'{', b"}"),
        }
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a, 'b>> {
        self.variant_open(variant)?;
        self.compound(b'{', b"}}")
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result {
        self.display(value)
    }
}

/// An open array or object; `end` closes it (plus the variant wrapper's `}` if any).
struct Compound<'a, 'b> {
    ser: &'a mut Serializer<'b>,
    /// Where the members start in the output, just after the opening bracket.
    start: usize,
    first: bool,
    end: &'static [u8],
    /// The names of an object, as written.
    keys: Keys,
    /// serde_json's private number struct: its one field is written as a bare number.
    number: bool,
}

/// The first [`KEYS_COMPARED`] names of an object: a key (as the reader's) and where the name's
/// escaped text is in the output. The writer's escaping is canonical, so two names are equal
/// exactly when their escaped texts are.
#[derive(Default)]
struct Keys {
    seen: [(u32, u32, u32); KEYS_COMPARED],
    len: usize,
}

impl<'a, 'b> Compound<'a, 'b> {
    /// The members of what was just opened in `ser`, closed by `end`.
    fn new(ser: &'a mut Serializer<'b>, end: &'static [u8], number: bool) -> Self {
        Self {
            start: ser.len,
            ser,
            first: true,
            end,
            keys: Keys::default(),
            number,
        }
    }

    fn separator(&mut self) -> Result {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.ser.push(b',')
        }
    }
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.separator()?;
        value.serialize(&mut *self.ser)
    }
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        if self.number {
            return value.serialize(RawNumber(&mut *self.ser));
        }
        self.separator()?;
        let start = self.ser.len;
        self.ser.quoted(key, b":")?;
        self.name_written(start, 2)?;
        value.serialize(&mut *self.ser)
    }
    /// Checks the name written from `start` (its quotes and `suffix_len` bytes after them
    /// included) against the object's earlier names.
    fn name_written(&mut self, start: usize, suffix_len: usize) -> Result {
        if self.ser.measure {
            return Ok(());
        }
        let text = self.ser.since(start);
        let name = text
            .get(1..text.len().saturating_sub(suffix_len))
            .unwrap_or(&[]);
        let key = super::string::name_key(name);
        let seen = self.keys.seen.get(..self.keys.len).unwrap_or(&[]);
        for &(k, at, len) in seen {
            let earlier = self.ser.out.get(at as usize..(at + len) as usize);
            if k == key && earlier == Some(name) {
                return Err(WriteError::DuplicateName);
            }
        }
        let (Some(slot), Ok(at), Ok(len)) = (
            self.keys.seen.get_mut(self.keys.len),
            u32::try_from(start + 1),
            u32::try_from(name.len()),
        ) else {
            // Beyond the first names: read the object's names back from the output.
            let members = self.ser.out.get(self.start..start).unwrap_or(&[]);
            if written_names(members).any(|earlier| earlier == name) {
                return Err(WriteError::DuplicateName);
            }
            return Ok(());
        };
        *slot = (key, at, len);
        self.keys.len += 1;
        Ok(())
    }
    fn close(self) -> Result {
        // `end` closes one level, or two for a variant's `]}` or `}}`; none for a raw number.
        self.ser.depth -= self.end.len();
        self.ser.extend(self.end)
    }
}

/// The member names of an object as this writer wrote them (`members`: from just after the
/// opening brace, compact, valid), escaped.
fn written_names(members: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    core::iter::from_fn(move || {
        // At a name's opening quote, or at the comma before it.
        at += usize::from(members.get(at) == Some(&b','));
        let name_end = string_end(members, at + 1)?;
        let name = members.get(at + 1..name_end)?;
        // Past the colon, skip the value: strings whole, brackets counted.
        let mut i = name_end + 2;
        let mut depth = 0usize;
        loop {
            match members.get(i)? {
                b'"' => i = string_end(members, i + 1)?,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => break,
                _ => {}
            }
            i += 1;
            if depth == 0 && members.get(i).is_none_or(|&b| b == b',') {
                break;
            }
        }
        at = i;
        Some(name)
    })
}

/// The index of the closing quote of the written string whose content starts at `from`.
fn string_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        match bytes.get(i)? {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

/// The struct serde_json writes a number as, with `arbitrary_precision` on, and its one field.
const PRIVATE_NUMBER: &str = "$serde_json::private::Number";
/// The struct serde_json writes a `RawValue` as, with `raw_value` on.
const PRIVATE_RAW_VALUE: &str = "$serde_json::private::RawValue";

/// The value of serde_json's private number: a string that must be a JSON number, written bare.
struct RawNumber<'s, 'b>(&'s mut Serializer<'b>);

/// Implements the element-style compound traits by forwarding to `Compound::element`.
macro_rules! element_traits {
    ($($tr:ident :: $method:ident),*) => {$(
        impl ser::$tr for Compound<'_, '_> {
            type Ok = ();
            type Error = WriteError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                self.element(value)
            }
            fn end(self) -> Result {
                self.close()
            }
        }
    )*};
}
element_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Implements the struct-style compound traits by forwarding to `Compound::field`.
macro_rules! field_traits {
    ($($tr:ident),*) => {$(
        impl ser::$tr for Compound<'_, '_> {
            type Ok = ();
            type Error = WriteError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
                self.field(key, value)
            }
            fn end(self) -> Result {
                self.close()
            }
        }
    )*};
}
field_traits!(SerializeStruct, SerializeStructVariant);

// Maps, including the ones serde generates for `#[serde(flatten)]`.
impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = WriteError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.separator()?;
        let start = self.ser.len;
        key.serialize(MapKey(&mut *self.ser))?;
        self.ser.push(b':')?;
        self.name_written(start, 2)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result {
        self.close()
    }
}

/// Serializer for object keys: JSON keys are strings, so strings, chars and unit variants
/// are written as-is, integers are quoted (like `serde_json`), newtype structs are
/// transparent, and everything else is `Unsupported` rather than guessed at.
struct MapKey<'s, 'b>(&'s mut Serializer<'b>);

// Integer keys are quoted, as serde_json does, so that `{1: x}` maps round-trip as `{"1":x}`.
impl MapKey<'_, '_> {
    fn signed(self, n: i128) -> Result {
        self.0.push(b'"')?;
        self.0.signed(n)?;
        self.0.push(b'"')
    }
    fn unsigned(self, n: u128) -> Result {
        self.0.push(b'"')?;
        self.0.unsigned(n)?;
        self.0.push(b'"')
    }
}

/// Key serializer methods that always fail, grouped by signature.
macro_rules! reject {
    ($($method:ident($($arg:ty),*)),*) => {$(
        fn $method(self, $(_: $arg),*) -> Result {
            Err(WriteError::Unsupported)
        }
    )*};
    ($($method:ident($($arg:ty),*) -> $ret:ident),*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<Self::$ret> {
            Err(WriteError::Unsupported)
        }
    )*};
}

type NoCompound = Impossible<(), WriteError>;

/// The part of a `Serializer` impl that writes scalars only: its types, and every compound
/// refused as `Unsupported`.
macro_rules! scalars_only {
    () => {
        type Ok = ();
        type Error = WriteError;
        type SerializeSeq = NoCompound;
        type SerializeTuple = NoCompound;
        type SerializeTupleStruct = NoCompound;
        type SerializeTupleVariant = NoCompound;
        type SerializeMap = NoCompound;
        type SerializeStruct = NoCompound;
        type SerializeStructVariant = NoCompound;

        reject!(serialize_seq(Option<usize>) -> SerializeSeq, serialize_tuple(usize) -> SerializeTuple,
            serialize_tuple_struct(&'static str, usize) -> SerializeTupleStruct,
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> SerializeTupleVariant,
            serialize_map(Option<usize>) -> SerializeMap,
            serialize_struct(&'static str, usize) -> SerializeStruct,
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> SerializeStructVariant);
    };
}

impl ser::Serializer for MapKey<'_, '_> {
    scalars_only!();

    integer_methods!();

    fn serialize_str(self, v: &str) -> Result {
        self.0.string(v)
    }
    fn serialize_char(self, v: char) -> Result {
        self.0.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.0.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result {
        self.0.display(value)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result {
        Err(WriteError::Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(WriteError::Unsupported)
    }
    reject!(
        serialize_bool(bool),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str)
    );
}

impl ser::Serializer for RawNumber<'_, '_> {
    scalars_only!();

    fn serialize_str(self, v: &str) -> Result {
        let number = super::number::scan(v.as_bytes(), 0);
        if number.is_none_or(|(end, _)| end != v.len()) {
            return Err(WriteError::Unsupported);
        }
        self.0.extend(v.as_bytes())
    }

    reject!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str)
    );
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result {
        Err(WriteError::Unsupported)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result {
        Err(WriteError::Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(WriteError::Unsupported)
    }
    fn collect_str<T: Display + ?Sized>(self, _: &T) -> Result {
        Err(WriteError::Unsupported)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use serde::Serialize;
    use serde::ser::{Error as _, SerializeMap as _};
    use std::{collections::BTreeMap, format, string::String, vec::Vec};

    /// Asserts the exact output, and that every shorter buffer fails with `BufferFull`
    /// rather than panicking or reporting a truncated document as written.
    fn written<T: Serialize + ?Sized>(value: &T, expected: &str) {
        let mut buf = [0u8; 256];
        for len in 0..expected.len() {
            let short = buf.get_mut(..len).unwrap_or_default();
            assert_eq!(
                to_slice(value, short),
                Err(WriteError::BufferFull),
                "len {len}"
            );
        }
        let exact = buf.get_mut(..expected.len()).unwrap_or_default();
        assert_eq!(to_slice(value, exact), Ok(expected.len()));
        assert_eq!(buf.get(..expected.len()), Some(expected.as_bytes()));
    }

    /// `written`; `tests/sign_json.rs` checks that serde_json writes the same bytes.
    fn check<T: Serialize + ?Sized>(value: &T, expected: &str) {
        written(value, expected);
    }

    fn fails<T: Serialize + ?Sized>(value: &T) {
        assert_eq!(to_slice(value, &mut [0; 256]), Err(WriteError::Unsupported));
    }

    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Newtype(u8);
    #[derive(Serialize)]
    struct Tuple(u8, &'static str);
    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum E {
        U,
        N(i8),
        T(u8, bool),
        S {
            a: u8,
            b: Option<u8>,
        },
        #[serde(rename = "q\"")]
        Quoted,
    }
    #[derive(Serialize)]
    struct Claims<'a> {
        sub: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        nbf: Option<u64>,
        aud: &'a [&'a str],
        #[serde(flatten)]
        extra: Extra,
    }
    #[derive(Serialize)]
    struct Extra {
        role: char,
        n: i128,
    }

    /// Drives one `Serializer` method directly, for data-model corners derive can't reach.
    enum Raw {
        Bytes,
        FloatKey,
        DisplayKey,
        Custom,
        Display,
        BadDisplay,
    }
    impl Serialize for Raw {
        fn serialize<S: ser::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
            struct Broken;
            impl Display for Broken {
                fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
                    Err(fmt::Error)
                }
            }
            match self {
                Self::Bytes => s.serialize_bytes(&[0, 1, 255]),
                Self::FloatKey | Self::DisplayKey => {
                    let mut map = s.serialize_map(Some(1))?;
                    match self {
                        Self::FloatKey => map.serialize_entry(&1.5, &1)?,
                        _ => map.serialize_entry(&Self::Display, &1)?,
                    }
                    map.end()
                }
                Self::Custom => Err(S::Error::custom("user impl failed")),
                Self::Display => s.collect_str(&format_args!("{}\n{}", 'é', -4)),
                Self::BadDisplay => s.collect_str(&Broken),
            }
        }
    }

    /// `value => "expected"` pairs for `check`; a macro keeps each case on one line.
    macro_rules! cases {
        ($($value:expr => $expected:expr),* $(,)?) => { $(check(&$value, $expected);)* };
    }

    #[test]
    fn scalars() {
        cases! {
            true => "true", false => "false", () => "null", None::<u8> => "null", Some(7u8) => "7",
            'x' => r#""x""#, '😀' => r#""😀""#, "" => r#""""#,
            (0u8, u16::MAX, i8::MIN, -1i32, i64::MIN, u64::MAX)
                => "[0,65535,-128,-1,-9223372036854775808,18446744073709551615]",
            (i128::MIN, u128::MAX) => "[-170141183460469231731687303715884105728,\
                340282366920938463463374607431768211455]",
            (1.0, 0.1f32, -0.0, 1e-7f32, 5e-324, 1e15) => "[1.0,0.1,-0.0,1e-7,5e-324,1000000000000000.0]",
        }
        // ryu omits the `+` that recent serde_json writes in positive exponents; both are JSON.
        written(
            &(1e300, f64::MAX, 1e16f32),
            "[1e300,1.7976931348623157e308,1e16]",
        );
    }

    /// The 32-bit path, which a 64-bit host never takes on its own.
    #[test]
    fn limbs_divide_like_native_arithmetic() {
        for n in [
            0u128,
            9,
            10,
            4_294_967_296,
            u64::MAX.into(),
            u128::MAX,
            1_234_567_890_123_456_789_012,
        ] {
            let mut limbs = Magnitude::Limbs([
                (n >> 96) as u32,
                (n >> 64) as u32,
                (n >> 32) as u32,
                n as u32,
            ]);
            let mut digits = Vec::new();
            loop {
                digits.push(b'0' + limbs.div10());
                if limbs.is_zero() {
                    break;
                }
            }
            digits.reverse();
            assert_eq!(String::from_utf8(digits).unwrap(), format!("{n}"));
        }
    }

    #[test]
    fn non_finite_floats_are_refused() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            fails(&v);
            fails(&[1.0, v]);
        }
        for v in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            fails(&v);
            fails(&Some(v));
        }
    }

    #[test]
    fn string_escapes() {
        for b in 0u8..0x20 {
            let expected = match b {
                0x08 => String::from(r#""\b""#),
                0x0c => String::from(r#""\f""#),
                b'\n' => String::from(r#""\n""#),
                b'\r' => String::from(r#""\r""#),
                b'\t' => String::from(r#""\t""#),
                _ => format!(r#""\u{b:04x}""#),
            };
            check(&char::from(b), &expected);
        }
        cases! {
            '"' => r#""\"""#, '\\' => r#""\\""#,
            "a\"b\\c/d\x7f" => "\"a\\\"b\\\\c/d\x7f\"",
            "\0x\x1f\x1b[0m\n" => r#""\u0000x\u001f\u001b[0m\n""#,
            "héllo \u{2028}\u{2029} 日本 🎉" => "\"héllo \u{2028}\u{2029} 日本 🎉\"",
        }
    }

    #[test]
    fn compounds() {
        cases! {
            Unit => "null", Newtype(3) => "3", Tuple(1, "x") => r#"[1,"x"]"#,
            [E::U, E::N(-1), E::T(2, true), E::Quoted] => r#"["U",{"N":-1},{"T":[2,true]},"q\""]"#,
            E::S { a: 1, b: None } => r#"{"S":{"a":1,"b":null}}"#,
            Raw::Bytes => "[0,1,255]", Vec::<u8>::new() => "[]", [[0u8; 0]; 2] => "[[],[]]",
            BTreeMap::from([("k\n", &[1u8, 2][..]), ("", &[])]) => r#"{"":[],"k\n":[1,2]}"#,
            BTreeMap::<u8, u8>::new() => "{}",
            Raw::Display => r#""é\n-4""#,
        }
    }

    #[test]
    fn flatten_and_skip() {
        let extra = || Extra { role: 'a', n: -5 };
        cases! {
            Claims { sub: "me", nbf: None, aud: &["x", "y"], extra: extra() }
                => r#"{"sub":"me","aud":["x","y"],"role":"a","n":-5}"#,
            Claims { sub: "", nbf: Some(1), aud: &[], extra: extra() }
                => r#"{"sub":"","nbf":1,"aud":[],"role":"a","n":-5}"#,
        }
    }

    #[test]
    fn map_keys() {
        cases! {
            BTreeMap::from([(-3i64, 1u8), (7, 2)]) => r#"{"-3":1,"7":2}"#,
            BTreeMap::from([(u128::MAX, 0)]) => r#"{"340282366920938463463374607431768211455":0}"#,
            BTreeMap::from([('c', 1), ('"', 2)]) => r#"{"\"":2,"c":1}"#,
            BTreeMap::from([(E::U, 1)]) => r#"{"U":1}"#,
            BTreeMap::from([(Newtype(4), 1)]) => r#"{"4":1}"#,
            Raw::DisplayKey => r#"{"é\n-4":1}"#,
        }
        fails(&BTreeMap::from([(true, 1)]));
        fails(&BTreeMap::from([(Some(1), 1)]));
        fails(&BTreeMap::from([((), 1)]));
        fails(&BTreeMap::from([([1], 1)]));
        fails(&BTreeMap::from([(E::N(1), 1)]));
        fails(&Raw::FloatKey);
    }

    #[test]
    fn user_errors_are_unsupported() {
        fails(&Raw::Custom);
        fails(&[Some(Raw::Custom)]);
        fails(&Raw::BadDisplay);
        // A `Display` value that overflows reports the real cause.
        let result = to_slice(&Raw::Display, &mut [0; 3]);
        assert_eq!(result, Err(WriteError::BufferFull));
    }
}
