//! serde glue: the caller's `Deserialize` type reads straight from the strict [`Reader`], in the
//! same single pass that validates the JSON.
//!
//! Strings borrow from the decoded payload when they have no escapes and from the arena when they
//! do, so `&'de str` fields always see unescaped text. Values the type does not ask for are
//! validated and skipped by [`Reader::skip_value`].

use core::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::read::{Names, Reader};
use crate::{ClaimsError, Error, JsonKind};

/// The error serde sees. Errors from the reader keep their exact [`Error`]; errors the caller's
/// type raises (a missing field, a wrong type) become [`Error::Claims`] with what serde says that
/// needs no allocation (a field's `&'static str` name, the kind of value found), never a message.
#[derive(Debug)]
pub(crate) struct DeError(pub(crate) Error);

impl From<Error> for DeError {
    fn from(e: Error) -> Self {
        DeError(e)
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl core::error::Error for DeError {}

impl DeError {
    pub(crate) const fn claims(detail: ClaimsError) -> Self {
        DeError(Error::Claims(detail))
    }

    const fn invalid_type(found: JsonKind) -> Self {
        Self::claims(ClaimsError::InvalidType { found })
    }
}

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

impl<'de> Reader<'de> {
    /// Reads an integer and hands it to `visitor` as `u64` or `i64`. Kept apart from
    /// [`Self::visit_number`] so that types without float fields never link a float parser
    /// (several KiB of code and tables, and the deepest stack frame, on a microcontroller).
    fn visit_integer<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return self.mismatch();
        }
        let number = self.number()?;
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

    /// Validates and skips a value that does not have the type asked for, then says so: the
    /// document must still be valid JSON for the error to be a type error.
    fn mismatch<T>(&mut self) -> Result<T, DeError> {
        let found = match self.peek() {
            Some(b'n') => JsonKind::Null,
            Some(b't' | b'f') => JsonKind::Bool,
            Some(b'"') => JsonKind::String,
            Some(b'[') => JsonKind::Array,
            Some(b'{') => JsonKind::Object,
            _ => JsonKind::Integer, // refined below: a number's kind is known once it is read
        };
        if found == JsonKind::Integer && matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            let number = self.number()?;
            return Err(DeError::invalid_type(if number.integer {
                JsonKind::Integer
            } else {
                JsonKind::Float
            }));
        }
        self.skip_value()?;
        Err(DeError::invalid_type(found))
    }

    /// Reads a number and hands it to `visitor` as `u64`, `i64` or, when it has a fraction or
    /// exponent or does not fit, `f64`.
    fn visit_number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        let number = self.number()?;
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

    /// Reads an object, handing its members to `visitor`.
    fn visit_object<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        let names = Names::<16>::new(self.position());
        self.expect(b'{')?;
        self.enter()?;
        let value = visitor.visit_map(Members {
            reader: self,
            names,
            first: true,
        })?;
        self.close(b'}')?;
        Ok(value)
    }

    fn visit_array<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, DeError> {
        self.expect(b'[')?;
        self.enter()?;
        let value = visitor.visit_seq(Elements {
            reader: self,
            first: true,
        })?;
        self.close(b']')?;
        Ok(value)
    }

    /// Consumes the closing bracket after a visitor returned. A visitor that stopped early leaves
    /// a comma here instead, which means the value did not fit its type.
    pub(crate) fn close(&mut self, bracket: u8) -> Result<(), DeError> {
        self.leave();
        self.expect(bracket)
            .map_err(|_| DeError::claims(ClaimsError::InvalidLength))
    }
}

/// Implements `Deserializer` methods by calling another one (signed integers go through
/// `deserialize_u64`, which hands out `i64` for negative numbers; serde's visitors check ranges).
macro_rules! forward {
    ($($method:ident => $target:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            self.$target(visitor)
        })*
    };
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(b'{') => self.visit_object(visitor),
            Some(b'[') => self.visit_array(visitor),
            Some(b'"') => {
                let s = self.string()?;
                visitor.visit_borrowed_str(self.unescape(s)?)
            }
            Some(b'-' | b'0'..=b'9') => self.visit_number(visitor),
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
            _ => Err(DeError(Error::Json)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.peek() {
            // A unit variant: "Name".
            Some(b'"') => {
                let s = self.string()?;
                de::Deserializer::deserialize_enum(
                    Scalar::Str(self.unescape(s)?),
                    name,
                    variants,
                    visitor,
                )
            }
            // Externally tagged: {"Name": value}.
            Some(b'{') => {
                let mut names = Names::<16>::new(self.position());
                self.expect(b'{')?;
                self.enter()?;
                let name = self
                    .next_name(&mut names, true)?
                    .ok_or(DeError::claims(ClaimsError::InvalidLength))?;
                let name = self.unescape(name)?;
                let value = visitor.visit_enum(Variant {
                    reader: &mut *self,
                    name,
                })?;
                self.close(b'}')?;
                Ok(value)
            }
            _ => self.mismatch(),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.peek() {
            Some(b't') => {
                self.literal("true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                visitor.visit_bool(false)
            }
            _ => self.mismatch(),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.visit_integer(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() != Some(b'"') {
            return self.mismatch();
        }
        let s = self.string()?;
        visitor.visit_borrowed_str(self.unescape(s)?)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() != Some(b'n') {
            return self.mismatch();
        }
        self.literal("null")?;
        visitor.visit_unit()
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() != Some(b'[') {
            return self.mismatch();
        }
        self.visit_array(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.peek() != Some(b'{') {
            return self.mismatch();
        }
        self.visit_object(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    // The other integer widths, strings and byte arrays take the paths above; only `f32`,
    // `f64` and `any` may meet a float.
    serde::forward_to_deserialize_any! { f32 f64 }

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

/// A value already read (a string, unescaped, or a whole number), handed to a type as it would
/// be by the reader: as itself, as `Some(..)`, as the inside of a newtype, or — a string — as a
/// unit enum variant. serde's own `BorrowedStrDeserializer` does not do `Option` or newtypes.
/// Registered claims are read once and reach the caller's type this way.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'de> {
    Str(&'de str),
    U64(u64),
}

impl<'de> de::Deserializer<'de> for Scalar<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Scalar::Str(s) => visitor.visit_borrowed_str(s),
            Scalar::U64(n) => visitor.visit_u64(n),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self {
            Scalar::Str(s) => visitor.visit_enum(s.into_deserializer()),
            Scalar::U64(_) => Err(DeError::invalid_type(JsonKind::Integer)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// The members of an object, for `visit_map`.
pub(crate) struct Members<'a, 'de> {
    pub(crate) reader: &'a mut Reader<'de>,
    pub(crate) names: Names,
    pub(crate) first: bool,
}

impl<'de> de::MapAccess<'de> for Members<'_, 'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(name) = self.reader.next_name(&mut self.names, self.first)? else {
            return Ok(None);
        };
        self.first = false;
        let name = self.reader.unescape(name)?;
        seed.deserialize(Scalar::Str(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        seed.deserialize(&mut *self.reader)
    }
}

struct Elements<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if !self.reader.next_element(self.first)? {
            return Ok(None);
        }
        self.first = false;
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

/// `{"Name": value}` for `visit_enum`.
struct Variant<'a, 'de> {
    reader: &'a mut Reader<'de>,
    name: &'de str,
}

impl<'a, 'de> de::EnumAccess<'de> for Variant<'a, 'de> {
    type Error = DeError;
    type Variant = &'a mut Reader<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DeError> {
        let name = seed.deserialize(Scalar::Str(self.name))?;
        Ok((name, self.reader))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Reader<'de> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        self.literal("null")?;
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// Deserializes a whole document (`text` followed only by whitespace) as `T`.
#[cfg(test)]
pub(crate) fn from_str<'de, T: de::Deserialize<'de>>(
    text: &'de str,
    arena: &'de mut [u8],
) -> Result<T, Error> {
    let mut reader = Reader::new(text, arena);
    let value = T::deserialize(&mut reader).map_err(|e| e.0)?;
    reader.end()?;
    Ok(value)
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
        C { x: i32 },
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Outer<'a> {
        #[serde(borrow)]
        inner: Inner<'a>,
        big: u64,
        neg: i64,
        float: f64,
        maybe: Option<bool>,
        kinds: (Kind, Kind, Kind),
    }

    #[test]
    fn reads_every_shape_with_borrowed_unescaped_strings() {
        let text = r#"{"inner":{"name":"caf\u00e9 \"x\"","tags":[1,2,3]},"big":18446744073709551615,
            "neg":-9223372036854775808,"float":1.5e3,"maybe":null,"ignored":{"a":[1,{"b":null}]},
            "kinds":["A",{"B":7},{"C":{"x":-1}}]}"#;
        let mut arena = [0u8; 32];
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
        let run = |t: &str| from_str::<S>(t, &mut []).map(|_| ());
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
        assert_eq!(run(r#"{"n":1} x"#), Err(Error::Json));
        assert_eq!(run(r#"{"n":1e400}"#), Err(found(JsonKind::Float)));
        let deep = std::format!(
            r#"{{"n":1,"x":{}{}}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(run(&deep), Err(Error::NestingTooDeep));
    }
}
