//! serde glue: the caller's `Deserialize` type reads straight from the strict [`Reader`], in the
//! same single pass that validates the JSON.
//!
//! Strings borrow from the decoded payload when they have no escapes and from the arena when they
//! do, so `&'s str` fields always see unescaped text. Values the type does not ask for are
//! validated and skipped by [`Reader::skip_value`]. Numbers are read by type: an integer field
//! never parses a float, so firmware without `f64` fields links no float parser.

use core::fmt;

use serde::de::{self, DeserializeSeed, Visitor};

use super::cursor::Reader;
use super::number::Number;
use super::string::{StrList, StrListIter};
use crate::error::Failure;
use crate::{ClaimsError, Error, JsonKind};

/// The error serde sees. Errors from the reader keep their exact [`Failure`]; errors the caller's
/// type raises (a missing field, a wrong type) become [`Error::Claims`] with what serde says that
/// needs no allocation (a field's `&'static str` name, the kind of value found), never a message.
#[derive(Debug)]
pub(crate) struct DeError(pub(crate) Failure);

impl DeError {
    pub(crate) const fn claims(detail: ClaimsError) -> Self {
        DeError(Failure::Reject(Error::Claims(detail)))
    }

    const fn invalid_type(found: JsonKind) -> Self {
        Self::claims(ClaimsError::InvalidType { found })
    }
}

impl From<Failure> for DeError {
    fn from(f: Failure) -> Self {
        DeError(f)
    }
}

impl From<Error> for DeError {
    fn from(e: Error) -> Self {
        DeError(Failure::Reject(e))
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.into_error(0), f)
    }
}

impl core::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Self::claims(ClaimsError::Custom)
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, _expected: &dyn de::Expected) -> Self {
        use de::Unexpected as U;
        Self::invalid_type(match unexpected {
            U::Bool(_) => JsonKind::Bool,
            U::Unsigned(_) | U::Signed(_) => JsonKind::Integer,
            U::Float(_) => JsonKind::Float,
            U::Char(_) | U::Str(_) => JsonKind::String,
            U::Unit | U::Option => JsonKind::Null,
            U::Seq => JsonKind::Array,
            U::Map => JsonKind::Object,
            _ => JsonKind::Other,
        })
    }

    fn invalid_value(_unexpected: de::Unexpected<'_>, _expected: &dyn de::Expected) -> Self {
        Self::claims(ClaimsError::InvalidValue)
    }

    fn invalid_length(_len: usize, _expected: &dyn de::Expected) -> Self {
        Self::claims(ClaimsError::InvalidLength)
    }

    fn unknown_variant(_variant: &str, _expected: &'static [&'static str]) -> Self {
        Self::claims(ClaimsError::UnknownVariant)
    }

    fn unknown_field(_field: &str, _expected: &'static [&'static str]) -> Self {
        Self::claims(ClaimsError::UnknownField)
    }

    fn missing_field(field: &'static str) -> Self {
        Self::claims(ClaimsError::MissingField(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Self::claims(ClaimsError::DuplicateField(field))
    }
}

type Result<T, E = DeError> = core::result::Result<T, E>;

impl<'s> Reader<'s> {
    /// Validates and skips a value that does not have the type asked for, then says what it
    /// was: the document must still be valid JSON for the error to be a type error.
    fn mismatch(&mut self) -> DeError {
        let found = match self.peek() {
            Some(b'n') => JsonKind::Null,
            Some(b't' | b'f') => JsonKind::Bool,
            Some(b'"') => JsonKind::String,
            Some(b'[') => JsonKind::Array,
            Some(b'{') => JsonKind::Object,
            Some(b'-' | b'0'..=b'9') => {
                return match self.number() {
                    Ok(number) => DeError::invalid_type(kind(&number)),
                    Err(failure) => DeError(failure),
                };
            }
            _ => JsonKind::Other, // not JSON: skip_value reports it
        };
        match self.skip_value() {
            Ok(()) => DeError::invalid_type(found),
            Err(failure) => DeError(failure),
        }
    }

    /// Consumes the closing bracket after a visitor returned. A visitor that stopped early leaves
    /// a comma here instead: the value did not fit its type.
    fn finish(&mut self) -> Result<()> {
        if !self.at_close() {
            return Err(DeError::claims(ClaimsError::InvalidLength));
        }
        Ok(self.close()?)
    }

    /// Reads an object, handing its members to `visitor`.
    fn visit_object<V: Visitor<'s>>(&mut self, visitor: V) -> Result<V::Value> {
        self.open_object()?;
        let value = visitor.visit_map(Members { reader: self })?;
        self.finish()?;
        Ok(value)
    }

    fn visit_array<V: Visitor<'s>>(&mut self, visitor: V) -> Result<V::Value> {
        self.open_array()?;
        let value = visitor.visit_seq(Elements { reader: self })?;
        self.finish()?;
        Ok(value)
    }
}

fn kind(number: &Number<'_>) -> JsonKind {
    if number.integer {
        JsonKind::Integer
    } else {
        JsonKind::Float
    }
}

/// Hands an integer to `visitor` as `u64` or `i64`. Kept apart from [`visit_number`] so that
/// types without float fields never link a float parser (several KiB of code and tables, and
/// the deepest stack frame, on a microcontroller).
fn visit_integer<'s, V: Visitor<'s>>(number: Number<'s>, visitor: V) -> Result<V::Value> {
    if let Some(v) = number.as_u64() {
        visitor.visit_u64(v)
    } else if let Some(v) = number.as_i64() {
        visitor.visit_i64(v)
    } else if number.integer {
        Err(DeError::claims(ClaimsError::InvalidValue))
    } else {
        Err(DeError::invalid_type(JsonKind::Float))
    }
}

/// Hands a number to `visitor` as `u64`, `i64` or, when it has a fraction or exponent or does
/// not fit, `f64`.
fn visit_number<'s, V: Visitor<'s>>(number: Number<'s>, visitor: V) -> Result<V::Value> {
    if let Some(v) = number.as_u64() {
        return visitor.visit_u64(v);
    }
    if let Some(v) = number.as_i64() {
        return visitor.visit_i64(v);
    }
    match number.text.parse::<f64>() {
        // `1e400` parses as infinity: reject it rather than hand out a number JSON cannot hold.
        Ok(v) if v.is_finite() => visitor.visit_f64(v),
        _ => Err(DeError::claims(ClaimsError::InvalidValue)),
    }
}

/// Implements `Deserializer` methods by calling another one (signed integers go through
/// `deserialize_u64`, which hands out `i64` for negative numbers; serde's visitors check ranges).
macro_rules! forward {
    ($($method:ident => $target:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
            self.$target(visitor)
        })*
    };
}

impl<'s> de::Deserializer<'s> for &mut Reader<'s> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'{') => self.visit_object(visitor),
            Some(b'[') => self.visit_array(visitor),
            Some(b'"') => {
                let s = self.string()?;
                visitor.visit_borrowed_str(self.unescape(s)?)
            }
            Some(b'-' | b'0'..=b'9') => visit_number(self.number()?, visitor),
            Some(b't') => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                visitor.visit_unit()
            }
            _ => Err(DeError(Failure::Reject(Error::Json))),
        }
    }

    fn deserialize_option<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'s>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'s>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.peek() {
            // A unit variant: "Name".
            Some(b'"') => {
                let s = self.string()?;
                visitor.visit_enum(UnitVariant(self.unescape(s)?))
            }
            // Externally tagged: {"Name": value}.
            Some(b'{') => {
                self.open_object()?;
                let name = self
                    .next_member()?
                    .ok_or(DeError::claims(ClaimsError::InvalidLength))?;
                let name = self.unescape(name.raw)?;
                let value = visitor.visit_enum(Variant {
                    reader: &mut *self,
                    name,
                })?;
                self.finish()?;
                Ok(value)
            }
            _ => Err(self.mismatch()),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    fn deserialize_bool<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b't') => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            _ => Err(self.mismatch()),
        }
    }

    fn deserialize_u64<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => visit_integer(self.number()?, visitor),
            _ => Err(self.mismatch()),
        }
    }

    fn deserialize_str<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        match self.string_value()? {
            Some(s) => visitor.visit_borrowed_str(s),
            None => Err(self.mismatch()),
        }
    }

    fn deserialize_unit<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        if self.peek() != Some(b'n') {
            return Err(self.mismatch());
        }
        self.literal("null")?;
        visitor.visit_unit()
    }

    fn deserialize_seq<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        if self.peek() != Some(b'[') {
            return Err(self.mismatch());
        }
        self.visit_array(visitor)
    }

    fn deserialize_map<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        if self.peek() != Some(b'{') {
            return Err(self.mismatch());
        }
        self.visit_object(visitor)
    }

    fn deserialize_struct<V: Visitor<'s>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_map(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'s>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'s>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'s>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_seq(visitor)
    }

    // The other integer widths, strings and byte arrays take the paths above; only `f32`,
    // `f64` and `any` may meet a float.
    serde::forward_to_deserialize_any! { <W: Visitor<'s>> f32 f64 }

    forward! {
        deserialize_i8 => deserialize_u64, deserialize_i16 => deserialize_u64,
        deserialize_i32 => deserialize_u64, deserialize_i64 => deserialize_u64,
        deserialize_i128 => deserialize_u64, deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64, deserialize_u32 => deserialize_u64,
        deserialize_u128 => deserialize_u64, deserialize_char => deserialize_str,
        deserialize_string => deserialize_str, deserialize_identifier => deserialize_str,
        deserialize_bytes => deserialize_seq, deserialize_byte_buf => deserialize_seq,
    }
}

/// A value already read and checked — a string (unescaped), a whole number, any number, an
/// array of strings — handed to a type as the reader would hand it: as itself, as `Some(..)`,
/// as the inside of a newtype, or (a string) as a unit enum variant. Registered claims are read
/// once, for their check, and reach the caller's type this way, never read twice.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'s> {
    Str(&'s str),
    U64(u64),
    Number(Number<'s>),
    List(StrList<'s>),
}

impl<'s> Scalar<'s> {
    /// Hands the value to `visitor` without ever parsing a float: a number that is not an
    /// integer is a type error here, since only `f32`, `f64` and `any` fields take one.
    fn visit<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Scalar::Str(s) => visitor.visit_borrowed_str(s),
            Scalar::U64(n) => visitor.visit_u64(n),
            Scalar::Number(number) => visit_integer(number, visitor),
            Scalar::List(list) => visitor.visit_seq(ListAccess(list.iter())),
        }
    }
}

/// Implements `Deserializer` methods with [`Scalar::visit`].
macro_rules! scalar_visit {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method<V: Visitor<'s>>(self, $(_: $arg,)* visitor: V) -> Result<V::Value> {
            self.visit(visitor)
        })*
    };
}

impl<'s> de::Deserializer<'s> for Scalar<'s> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        match self {
            Scalar::Number(number) => visit_number(number, visitor),
            other => other.visit(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'s>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit() // already read and checked
    }

    fn deserialize_enum<V: Visitor<'s>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self {
            Scalar::Str(s) => visitor.visit_enum(UnitVariant(s)),
            Scalar::U64(_) => Err(DeError::invalid_type(JsonKind::Integer)),
            Scalar::Number(number) => Err(DeError::invalid_type(kind(&number))),
            Scalar::List(_) => Err(DeError::invalid_type(JsonKind::Array)),
        }
    }

    serde::forward_to_deserialize_any! { <W: Visitor<'s>> f32 f64 }

    scalar_visit! {
        deserialize_bool(), deserialize_i8(), deserialize_i16(), deserialize_i32(),
        deserialize_i64(), deserialize_i128(), deserialize_u8(), deserialize_u16(),
        deserialize_u32(), deserialize_u64(), deserialize_u128(), deserialize_char(),
        deserialize_str(), deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_unit(), deserialize_unit_struct(&'static str), deserialize_seq(),
        deserialize_tuple(usize), deserialize_tuple_struct(&'static str, usize), deserialize_map(),
        deserialize_struct(&'static str, &'static [&'static str]), deserialize_identifier(),
    }
}

/// An array of strings already read, for `visit_seq`.
struct ListAccess<'s>(StrListIter<'s>);

impl<'s> de::SeqAccess<'s> for ListAccess<'s> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'s>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        self.0
            .next()
            .map(|entry| seed.deserialize(Scalar::Str(entry)))
            .transpose()
    }
}

/// The members of an object, for `visit_map`.
struct Members<'a, 's> {
    reader: &'a mut Reader<'s>,
}

impl<'s> de::MapAccess<'s> for Members<'_, 's> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'s>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(name) = self.reader.next_member()? else {
            return Ok(None);
        };
        let name = self.reader.unescape(name.raw)?;
        seed.deserialize(Scalar::Str(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'s>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.reader)
    }
}

struct Elements<'a, 's> {
    reader: &'a mut Reader<'s>,
}

impl<'s> de::SeqAccess<'s> for Elements<'_, 's> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'s>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.reader.next_element()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

/// `"Name"` for `visit_enum`: only unit variants can be written as a bare string.
struct UnitVariant<'s>(&'s str);

impl<'s> de::EnumAccess<'s> for UnitVariant<'s> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'s>>(self, seed: V) -> Result<(V::Value, Self)> {
        Ok((seed.deserialize(Scalar::Str(self.0))?, self))
    }
}

impl<'s> de::VariantAccess<'s> for UnitVariant<'s> {
    type Error = DeError;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'s>>(self, _seed: T) -> Result<T::Value> {
        Err(DeError::invalid_type(JsonKind::String))
    }

    fn tuple_variant<V: Visitor<'s>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(DeError::invalid_type(JsonKind::String))
    }

    fn struct_variant<V: Visitor<'s>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(DeError::invalid_type(JsonKind::String))
    }
}

/// `{"Name": value}` for `visit_enum`.
struct Variant<'a, 's> {
    reader: &'a mut Reader<'s>,
    name: &'s str,
}

impl<'a, 's> de::EnumAccess<'s> for Variant<'a, 's> {
    type Error = DeError;
    type Variant = &'a mut Reader<'s>;

    fn variant_seed<V: DeserializeSeed<'s>>(self, seed: V) -> Result<(V::Value, Self::Variant)> {
        let name = seed.deserialize(Scalar::Str(self.name))?;
        Ok((name, self.reader))
    }
}

impl<'s> de::VariantAccess<'s> for &mut Reader<'s> {
    type Error = DeError;

    fn unit_variant(self) -> Result<()> {
        if self.peek() != Some(b'n') {
            return Err(self.mismatch());
        }
        Ok(self.literal("null")?)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'s>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'s>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'s>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// Deserializes a whole document (`text` followed only by whitespace) as `T`. When `T` gives up
/// on a value it does not fit, the rest of the document is still read, so that invalid JSON (a
/// syntax error, a duplicate name) is reported rather than the type error, as in `verify`.
#[cfg(test)]
pub(crate) fn from_str<'s, T: de::Deserialize<'s>>(
    text: &'s str,
    arena: &'s mut [u8],
) -> core::result::Result<T, Error> {
    fn read<'s, T: de::Deserialize<'s>>(
        text: &'s str,
        arena: &'s mut [u8],
    ) -> core::result::Result<T, Failure> {
        let mut reader = Reader::new(text, arena)?;
        let value = match T::deserialize(&mut reader) {
            Ok(value) => value,
            Err(DeError(Failure::Reject(e @ Error::Claims(_)))) => {
                reader.recover(0)?;
                reader.end()?;
                return Err(e.into());
            }
            Err(DeError(other)) => return Err(other),
        };
        reader.end()?;
        Ok(value)
    }
    read(text, arena).map_err(|f| f.into_error(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Inner<'a> {
        name: &'a str,
        tags: [u8; 3],
    }

    #[derive(Deserialize, Debug, PartialEq)]
    enum Kind {
        A,
        B(u8),
        C { x: i8 },
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Outer<'a> {
        #[serde(borrow)]
        inner: Inner<'a>,
        big: u64,
        neg: i64,
        float: f64,
        maybe: Option<u8>,
        kinds: (Kind, Kind, Kind),
    }

    #[test]
    fn reads_nested_types_and_unescaped_strings() {
        let text = r#"{"inner":{"name":"caf\u00e9 \"x\"","tags":[1,2,3]},"big":18446744073709551615,
            "neg":-9223372036854775808,"float":1.5e3,"maybe":null,"ignored":{"a":[1,{"b":null}]},
            "kinds":["A",{"B":7},{"C":{"x":-1}}]}"#;
        let mut arena = [0u8; 128];
        let outer: Outer<'_> = from_str(text, &mut arena).unwrap();
        assert_eq!(
            outer,
            Outer {
                inner: Inner {
                    name: "caf\u{e9} \"x\"",
                    tags: [1, 2, 3]
                },
                big: u64::MAX,
                neg: i64::MIN,
                float: 1500.0,
                maybe: None,
                kinds: (Kind::A, Kind::B(7), Kind::C { x: -1 }),
            }
        );
    }

    #[test]
    fn type_errors_are_claims_errors_and_json_errors_stay_exact() {
        #[derive(Deserialize, Debug)]
        #[allow(dead_code)]
        struct S {
            n: u8,
        }
        let mut arena = [0u8; 256];
        let mut run = |t: &str| from_str::<S>(t, &mut arena).map(|_| ());
        let claims = Error::Claims;
        assert_eq!(run(r#"{"n":256}"#), Err(claims(ClaimsError::InvalidValue)));
        let found = |found| claims(ClaimsError::InvalidType { found });
        assert_eq!(run(r#"{"n":"1"}"#), Err(found(JsonKind::String)));
        assert_eq!(run(r#"{"n":1.0}"#), Err(found(JsonKind::Float)));
        assert_eq!(run(r#"{"n":null}"#), Err(found(JsonKind::Null)));
        assert_eq!(run(r#"{"n":[1]}"#), Err(found(JsonKind::Array)));
        assert_eq!(run(r#"{}"#), Err(claims(ClaimsError::MissingField("n"))));
        assert_eq!(run(r#"{"n":1,"x":tru3}"#), Err(Error::Json));
        assert_eq!(run(r#"{"n":1,"n":2}"#), Err(Error::DuplicateMember));
        assert_eq!(
            run(r#"{"n":"x","y":tru}"#),
            Err(Error::Json),
            "JSON errors come first"
        );
        assert_eq!(run(r#"{"n":1} x"#), Err(Error::Json));
        assert_eq!(run(r#"{"n":1e400}"#), Err(found(JsonKind::Float)));
        let deep = std::format!(
            r#"{{"n":1,"x":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(run(&deep), Err(Error::NestingTooDeep));
        let mut small = [0u8; 16];
        assert_eq!(
            from_str::<(u8, u8)>("[1,2,3]", &mut small),
            Err(claims(ClaimsError::InvalidLength))
        );
    }
}
