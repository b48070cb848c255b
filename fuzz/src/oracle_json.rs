//! The JSON oracle: a deliberately simple, recursive, strict RFC 8259 parser, the reference the
//! fuzz targets hold microjwt's streaming reader to. It reports duplicate member names (compared
//! after unescaping) and nesting deeper than [`microjwt::MAX_DEPTH`], which also bounds its
//! recursion; [`agrees_with_serde_json`] checks it against `serde_json` on every input it sees.

use std::collections::HashSet;

use serde_json::Value;

/// A parsed JSON value; numbers keep their text, objects their member order.
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

/// Why a document is not acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bad {
    /// Not RFC 8259 JSON (including invalid UTF-8, lone surrogates, trailing data).
    Syntax,
    /// An object repeats a member name (compared after unescaping).
    Duplicate,
    /// Deeper than `MAX_DEPTH` arrays and objects.
    Depth,
}

pub fn parse(bytes: &[u8]) -> Result<J, Bad> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(Bad::Syntax);
    }
    let mut p = Parser {
        s: bytes,
        i: 0,
        depth: 0,
    };
    let value = p.value()?;
    p.ws();
    if p.i != bytes.len() {
        return Err(Bad::Syntax);
    }
    Ok(value)
}

/// The value a document starts with, whatever follows it (`None` if not UTF-8 or the
/// leading value is itself invalid).
pub fn parse_prefix(bytes: &[u8]) -> Option<J> {
    std::str::from_utf8(bytes).ok()?;
    Parser {
        s: bytes,
        i: 0,
        depth: 0,
    }
    .value()
    .ok()
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Result<(), Bad> {
        self.ws();
        if self.peek() == Some(b) {
            self.i += 1;
            Ok(())
        } else {
            Err(Bad::Syntax)
        }
    }

    fn value(&mut self) -> Result<J, Bad> {
        self.ws();
        match self.peek().ok_or(Bad::Syntax)? {
            b'{' => {
                self.open()?;
                let mut members: Vec<(String, J)> = Vec::new();
                let mut names = HashSet::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let name = self.string()?;
                        if !names.insert(name.clone()) {
                            return Err(Bad::Duplicate);
                        }
                        self.eat(b':')?;
                        let value = self.value()?;
                        members.push((name, value));
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(Bad::Syntax),
                        }
                    }
                }
                self.depth -= 1;
                Ok(J::Obj(members))
            }
            b'[' => {
                self.open()?;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(Bad::Syntax),
                        }
                    }
                }
                self.depth -= 1;
                Ok(J::Arr(items))
            }
            b'"' => self.string().map(J::Str),
            b't' => self.word("true", J::Bool(true)),
            b'f' => self.word("false", J::Bool(false)),
            b'n' => self.word("null", J::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(Bad::Syntax),
        }
    }

    fn open(&mut self) -> Result<(), Bad> {
        self.i += 1;
        self.depth += 1;
        if self.depth > microjwt::MAX_DEPTH {
            return Err(Bad::Depth);
        }
        Ok(())
    }

    fn word(&mut self, word: &str, value: J) -> Result<J, Bad> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(value)
        } else {
            Err(Bad::Syntax)
        }
    }

    fn digits(&mut self) -> usize {
        let from = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - from
    }

    fn number(&mut self) -> Result<J, Bad> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(Bad::Syntax),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return Err(Bad::Syntax);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(Bad::Syntax);
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| Bad::Syntax)?;
        Ok(J::Num(text.to_owned()))
    }

    fn hex4(&mut self) -> Result<u32, Bad> {
        let digits = self.s.get(self.i..self.i + 4).ok_or(Bad::Syntax)?;
        let text = std::str::from_utf8(digits).map_err(|_| Bad::Syntax)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Bad::Syntax);
        }
        self.i += 4;
        u32::from_str_radix(text, 16).map_err(|_| Bad::Syntax)
    }

    fn string(&mut self) -> Result<String, Bad> {
        if self.peek() != Some(b'"') {
            return Err(Bad::Syntax);
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let b = self.peek().ok_or(Bad::Syntax)?;
            self.i += 1;
            match b {
                b'"' => break,
                0x00..=0x1f => return Err(Bad::Syntax),
                b'\\' => {
                    let e = self.peek().ok_or(Bad::Syntax)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let unit = self.hex4()?;
                            let code = match unit {
                                0xd800..=0xdbff => {
                                    if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                                        return Err(Bad::Syntax);
                                    }
                                    self.i += 2;
                                    let low = self.hex4()?;
                                    if !(0xdc00..=0xdfff).contains(&low) {
                                        return Err(Bad::Syntax);
                                    }
                                    0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                                }
                                0xdc00..=0xdfff => return Err(Bad::Syntax),
                                _ => unit,
                            };
                            char::from_u32(code).ok_or(Bad::Syntax)?
                        }
                        _ => return Err(Bad::Syntax),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| Bad::Syntax)
    }
}

/// A JSON number as a serde visitor receives it from a reader that hands out `u64` for
/// non-negative integers, `i64` for negative ones, `f64` otherwise (`None`: not finite).
pub fn number_value(text: &str) -> Option<Value> {
    let integer = !text.contains(['.', 'e', 'E']);
    if integer {
        if text.starts_with('-') {
            if let Ok(v) = text.parse::<i64>() {
                return Some(v.into());
            }
        } else if let Ok(v) = text.parse::<u64>() {
            return Some(v.into());
        }
    }
    let f: f64 = text.parse().ok()?;
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// Whether some number in `j` does not fit an `f64`.
pub fn has_overflowing_number(j: &J) -> bool {
    match j {
        J::Num(t) => number_value(t).is_none(),
        J::Arr(items) => items.iter().any(has_overflowing_number),
        J::Obj(members) => members.iter().any(|(_, v)| has_overflowing_number(v)),
        _ => false,
    }
}

/// `j` as a `serde_json::Value` (`None` when a number overflows).
pub fn to_value(j: &J) -> Option<Value> {
    Some(match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Num(t) => number_value(t)?,
        J::Str(s) => Value::String(s.clone()),
        J::Arr(items) => Value::Array(items.iter().map(to_value).collect::<Option<_>>()?),
        J::Obj(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| Some((k.clone(), to_value(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// Numbers compare by value: exactly when both are integers, else as `f64` within 16 ulps
/// (serde_json's default float parsing, without `float_roundtrip`, is not always correctly
/// rounded: `1.0325553244046657e-47` reads as `…655e-47`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                return x == y;
            }
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                return x == y;
            }
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            x == y
                || (x.is_sign_negative() == y.is_sign_negative()
                    && (x.to_bits() as i64 - y.to_bits() as i64).abs() <= 16)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// The oracle itself is checked against `serde_json` on every document: where serde_json
/// accepts, the oracle accepts too (or objects to a duplicate or the depth, which serde_json
/// allows) and reads the same value; where the oracle accepts, serde_json does too unless a
/// number overflows `f64` (which serde_json refuses).
pub fn agrees_with_serde_json(bytes: &[u8], parsed: &Result<J, Bad>) {
    let theirs = serde_json::from_slice::<Value>(bytes);
    match (parsed, &theirs) {
        (Ok(j), Ok(v)) => {
            let mine = to_value(j).expect("serde_json read a number that overflows f64");
            assert!(same(&mine, v), "oracle {mine:?} vs serde_json {v:?}");
        }
        (Ok(j), Err(e)) => assert!(
            has_overflowing_number(j),
            "oracle accepted what serde_json refuses ({e}): {:?}",
            String::from_utf8_lossy(bytes)
        ),
        (Err(Bad::Syntax), Ok(v)) => {
            panic!("oracle refused what serde_json reads as {v:?}: {bytes:?}")
        }
        (Err(_), _) => {}
    }
}
