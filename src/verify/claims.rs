//! Stage 5: the claims, in one strict pass over the payload.
//!
//! The caller's type `T` drives deserialization of the top-level object, but every member name
//! passes through [`ClaimsMembers`] first: registered claims (RFC 7519 §4.1) are read and
//! type-checked there, and when the object ends — before `T` can return — the validation runs.
//! So an expired token is reported as expired even if `T` would not have fit it, and a `T` that
//! stops reading early still cannot skip a check.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, Visitor};

use crate::alg::Algorithm;
use crate::claims::{AUDIENCE_SEPARATOR, Audience, NumericDate, RegisteredClaims};
use crate::json::{DeError, Names, RawStr, Reader, Scalar};
use crate::key::HmacKey;
use crate::{Claim, Error, Validation};

/// Reads the payload `text`: registered claims into [`RegisteredClaims`] (validated), the whole
/// object into `T`.
pub(crate) fn read<'s, T: Deserialize<'s>, A: Algorithm>(
    text: &'s str,
    arena: &'s mut [u8],
    validation: &Validation<'_>,
    key: &HmacKey<A>,
) -> Result<(RegisteredClaims<'s>, T), Error> {
    let mut reader = Reader::new(text, arena);
    if reader.peek() != Some(b'{') {
        return Err(not_an_object(text));
    }
    let mut state = State {
        registered: RegisteredClaims::default(),
        names: Names::<16>::new(reader.position()),
        first: true,
        checked: false,
        validation,
        key,
    };
    let custom = T::deserialize(TopLevel {
        reader: &mut reader,
        state: &mut state,
    })
    .map_err(|e| e.0)?;
    if !state.checked {
        // Unreachable with serde's own impls, which read whole objects; a hand-written
        // `Deserialize` that stopped early must not return unvalidated claims.
        return Err(Error::Claims(crate::ClaimsError::InvalidLength));
    }
    reader.end()?;
    Ok((state.registered, custom))
}

/// Tells a payload that is valid JSON but not an object from one that is not JSON at all.
fn not_an_object(text: &str) -> Error {
    let mut reader = Reader::new(text, &mut []);
    match reader.skip_value().and_then(|()| reader.end()) {
        Ok(()) => Error::NotAnObject,
        Err(e) => e,
    }
}

/// What the top-level walk has found so far; outlives the `MapAccess` given to `T`.
struct State<'s, 'v, A: Algorithm> {
    registered: RegisteredClaims<'s>,
    names: Names,
    first: bool,
    /// The object ended and the validation passed.
    checked: bool,
    validation: &'v Validation<'v>,
    /// The key that verified the MAC, for its issuer binding.
    key: &'v HmacKey<A>,
}

/// The payload as a `Deserializer`: only object-shaped types fit, plus `()` and `IgnoredAny`
/// for callers that want the registered claims alone.
struct TopLevel<'a, 's, 'v, A: Algorithm> {
    reader: &'a mut Reader<'s>,
    state: &'a mut State<'s, 'v, A>,
}

impl<'s, A: Algorithm> TopLevel<'_, 's, '_, A> {
    fn visit_members<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.reader.expect(b'{')?;
        self.reader.enter()?;
        let members = ClaimsMembers {
            reader: &mut *self.reader,
            state: &mut *self.state,
            pending: None,
        };
        let value = visitor.visit_map(members)?;
        // A visitor may stop before seeing the end; finish the walk so every claim is checked.
        let mut rest = ClaimsMembers {
            reader: &mut *self.reader,
            state: &mut *self.state,
            pending: None,
        };
        while de::MapAccess::next_key::<IgnoredAny>(&mut rest)?.is_some() {
            de::MapAccess::next_value::<IgnoredAny>(&mut rest)?;
        }
        self.reader.close(b'}')?;
        Ok(value)
    }
}

impl<'s, A: Algorithm> de::Deserializer<'s> for TopLevel<'_, 's, '_, A> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.visit_members(visitor)
    }

    fn deserialize_unit<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.visit_members(UnitVisitor)?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'s>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_option<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'s>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        <W: Visitor<'s>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        seq tuple tuple_struct map struct enum identifier
    }
}

/// Accepts any map by skipping it, for `T = ()`.
struct UnitVisitor;

impl<'s> Visitor<'s> for UnitVisitor {
    type Value = ();

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: de::MapAccess<'s>>(self, _map: M) -> Result<(), M::Error> {
        Ok(()) // `visit_members` drains what is left
    }
}

/// The top-level members, with registered claims intercepted on the way to `T`.
struct ClaimsMembers<'a, 's, 'v, A: Algorithm> {
    reader: &'a mut Reader<'s>,
    state: &'a mut State<'s, 'v, A>,
    /// A registered claim's value already read, to hand to `T` as the member's value.
    pending: Option<Scalar<'s>>,
}

impl<'s, A: Algorithm> de::MapAccess<'s> for ClaimsMembers<'_, 's, '_, A> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'s>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.state.checked {
            return Ok(None);
        }
        let Some(name) = self
            .reader
            .next_name(&mut self.state.names, self.state.first)?
        else {
            let registered = &self.state.registered;
            let key_speaks_for_issuer = self.state.key.speaks_for(registered.iss);
            self.state
                .validation
                .check(registered, key_speaks_for_issuer)?;
            self.state.checked = true;
            return Ok(None);
        };
        self.state.first = false;
        if let Some(claim) = registered(&name) {
            self.read_registered(claim)?;
        }
        let name = self.reader.unescape(name)?;
        seed.deserialize(Scalar::Str(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'s>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some(value) => seed.deserialize(value),
            None => seed.deserialize(&mut *self.reader),
        }
    }
}

impl<'s, A: Algorithm> ClaimsMembers<'_, 's, '_, A> {
    /// Reads the value of registered claim `claim` with the type RFC 7519 §4.1 gives it. A wrong
    /// type is [`Error::InvalidClaim`], never "absent" (the mistake behind CVE-2026-25537).
    ///
    /// Strings and whole-second numbers are consumed and kept in `pending` for `T`; fractional
    /// numbers and the `aud` array are read ahead and the cursor put back, so `T` reads them as
    /// usual.
    fn read_registered(&mut self, claim: Claim) -> Result<(), Error> {
        let invalid = Error::InvalidClaim(claim);
        let start = self.reader.position();
        let first = self.reader.peek();
        let registered = &mut self.state.registered;
        match claim {
            Claim::Exp | Claim::Nbf | Claim::Iat => {
                if !matches!(first, Some(b'-' | b'0'..=b'9')) {
                    return Err(invalid);
                }
                let number = self.reader.number()?;
                let date = NumericDate::parse(number.text).ok_or(invalid)?;
                let slot = match claim {
                    Claim::Exp => &mut registered.exp,
                    Claim::Nbf => &mut registered.nbf,
                    _ => &mut registered.iat,
                };
                *slot = Some(date);
                // Whole seconds (the usual case) go to `T` as they are; anything else is read
                // again, so `T` sees the exact JSON number.
                match number.as_u64() {
                    Some(secs) => self.pending = Some(Scalar::U64(secs)),
                    None => self.reader.rewind(start),
                }
            }
            Claim::Iss | Claim::Sub | Claim::Jti | Claim::Aud if first == Some(b'"') => {
                let raw = self.reader.string()?;
                let value = self.reader.unescape(raw)?;
                match claim {
                    Claim::Iss => registered.iss = Some(value),
                    Claim::Sub => registered.sub = Some(value),
                    Claim::Jti => registered.jti = Some(value),
                    _ => registered.aud = Some(Audience::one(value)),
                }
                self.pending = Some(Scalar::Str(value));
            }
            Claim::Aud if first == Some(b'[') => {
                registered.aud = Some(read_audience_list(self.reader)?);
                self.reader.rewind(start);
            }
            _ => return Err(invalid),
        }
        Ok(())
    }
}

/// Reads an array of strings into the arena as separator-terminated entries.
fn read_audience_list<'s>(reader: &mut Reader<'s>) -> Result<Audience<'s>, Error> {
    reader.expect(b'[')?;
    let mut len = 0;
    let mut first = true;
    while reader.next_element(first)? {
        first = false;
        if reader.peek() != Some(b'"') {
            return Err(Error::InvalidClaim(Claim::Aud));
        }
        let entry: RawStr<'s> = reader.string()?;
        len += reader.arena_write(len, entry.raw)?;
        reader.arena_write_byte(len, AUDIENCE_SEPARATOR)?;
        len += 1;
    }
    reader.expect(b']')?;
    Ok(Audience::list(reader.arena_take(len)?))
}

/// Which registered claim a member name is, if any. Names are compared unescaped.
fn registered(name: &RawStr<'_>) -> Option<Claim> {
    if !name.escaped {
        return match name.raw.as_bytes() {
            b"iss" => Some(Claim::Iss),
            b"sub" => Some(Claim::Sub),
            b"aud" => Some(Claim::Aud),
            b"exp" => Some(Claim::Exp),
            b"nbf" => Some(Claim::Nbf),
            b"iat" => Some(Claim::Iat),
            b"jti" => Some(Claim::Jti),
            _ => None,
        };
    }
    Claim::ALL
        .into_iter()
        .find(|claim| name.eq_str(claim.name()))
}
