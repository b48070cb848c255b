//! Stage 5: the claims, in one strict pass over the payload.
//!
//! The caller's type `T` drives deserialization of the top-level object, but every member name
//! passes through [`Members`] first: registered claims (RFC 7519 §4.1) are read and
//! type-checked there, once, and reach `T` as values already read. When the object ends, the
//! validation runs before `T` is told so.
//!
//! Whatever `T` does, the payload is read to its end before an error is reported, and errors
//! are reported in this order: invalid JSON (syntax, depth, a repeated name), then a registered
//! claim of the wrong type or range ([`Error::InvalidClaim`]), then the validation (expired,
//! wrong audience, …), then a payload that does not fit `T` ([`Error::Claims`]). So an expired
//! token is reported as expired even if `T` would not have fit it, and a `T` that stops early
//! cannot skip a check.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Visitor};

use super::authenticate::Authentic;
use super::read_header::CheckedHeader;
use crate::alg::Algorithm;
use crate::claims::{Audience, Claims, NumericDate, RegisteredClaims};
use crate::error::Failure;
use crate::json::{DeError, Name, Reader, Scalar, StrList, key_of};
use crate::key::HmacKey;
use crate::{Claim, Error, Validation};

/// Reads the payload: registered claims into [`RegisteredClaims`] (validated), the whole object
/// into `T`.
pub(crate) fn read<'s, T: Deserialize<'s>, A: Algorithm>(
    _proof: &Authentic,
    header: CheckedHeader<'s>,
    payload: &'s [u8],
    arena: &'s mut [u8],
    validation: &Validation<'_>,
    key: &HmacKey<A>,
) -> Result<Claims<'s, T>, Failure> {
    let text = core::str::from_utf8(payload).map_err(|_| Error::Json)?;
    let mut reader = Reader::new(text, arena)?;
    if reader.peek() != Some(b'{') {
        // Valid JSON of another kind is not a claims set (RFC 7519 §7.2 step 10).
        reader.skip_value()?;
        reader.end()?;
        return Err(Error::NotAnObject.into());
    }
    let mut walk = Walk {
        registered: RegisteredClaims::default(),
        invalid: None,
        done: false,
        validation,
        key,
    };
    let result = T::deserialize(TopLevel {
        reader: &mut reader,
        walk: &mut walk,
    });
    match result {
        Ok(custom) if walk.done => Ok(Claims {
            header: header.header(),
            registered: walk.registered,
            custom,
        }),
        // A hand-written `Deserialize` that returned without reading: the checks still run.
        Ok(_) => {
            walk.finish(&mut reader)?;
            Err(Error::Claims(crate::ClaimsError::InvalidLength).into())
        }
        // `T` gave up on a value: read on, so that what comes before it in the order wins.
        Err(DeError(Failure::Reject(e @ (Error::Claims(_) | Error::InvalidClaim(_))))) => {
            if !walk.done {
                reader.recover(1)?;
                walk.finish(&mut reader)?;
            }
            Err(walk.invalid.unwrap_or(e).into())
        }
        Err(DeError(failure)) => Err(failure),
    }
}

/// What the top-level walk has found so far; outlives the `MapAccess` given to `T`.
struct Walk<'s, 'v, A: Algorithm> {
    registered: RegisteredClaims<'s>,
    /// The first registered claim of the wrong type or range, reported once the payload is
    /// known to be JSON.
    invalid: Option<Error>,
    /// The object was closed and checked.
    done: bool,
    validation: &'v Validation<'v>,
    /// The key that verified the MAC, for its issuer binding.
    key: &'v HmacKey<A>,
}

/// A registered claim's value, read ahead for its check, for `T` to receive as the member's value.
enum Pending<'s> {
    /// `T` reads the value from the document itself.
    None,
    Value(Scalar<'s>),
    /// The value was consumed but is not of the claim's type.
    Invalid(Claim),
}

impl<'s, A: Algorithm> Walk<'s, '_, A> {
    /// At the top-level closing brace: the object's names are checked, nothing may follow, then
    /// the claims are validated.
    fn close(&mut self, reader: &mut Reader<'s>) -> Result<(), Failure> {
        reader.close()?;
        reader.end()?;
        self.done = true;
        if let Some(invalid) = self.invalid {
            return Err(invalid.into());
        }
        let key_speaks_for_issuer = self.key.speaks_for(self.registered.iss);
        Ok(self
            .validation
            .check(&self.registered, key_speaks_for_issuer)?)
    }

    /// Reads the remaining members without `T` (registered claims still checked), then closes.
    fn finish(&mut self, reader: &mut Reader<'s>) -> Result<(), Failure> {
        while let Some(name) = reader.next_member()? {
            match registered(&name) {
                Some(claim) => match self.read_registered(reader, claim)? {
                    Pending::None => reader.skip_value()?,
                    Pending::Value(_) | Pending::Invalid(_) => {}
                },
                None => reader.skip_value()?,
            }
        }
        self.close(reader)
    }

    /// Reads the value of registered claim `claim` with the type RFC 7519 §4.1 gives it. A
    /// wrong type is [`Error::InvalidClaim`], never "absent" (the mistake behind CVE-2026-25537);
    /// it is noted, and reported once the whole payload is known to be JSON.
    fn read_registered(
        &mut self,
        reader: &mut Reader<'s>,
        claim: Claim,
    ) -> Result<Pending<'s>, Failure> {
        let registered = &mut self.registered;
        let value = match (claim, reader.peek()) {
            (Claim::Exp | Claim::Nbf | Claim::Iat, Some(b'-' | b'0'..=b'9')) => {
                let number = reader.number()?;
                let slot = match claim {
                    Claim::Exp => &mut registered.exp,
                    Claim::Nbf => &mut registered.nbf,
                    _ => &mut registered.iat,
                };
                // Whole seconds (the usual case) are read once, and go to `T` as they are; any
                // other date is read exactly, and goes to `T` as its text.
                let whole = number.as_u64();
                *slot = match whole {
                    Some(secs) => Some(NumericDate::from_parts((secs, 0))),
                    None => number.exact_seconds().map(NumericDate::from_parts),
                };
                if slot.is_none() {
                    self.invalid.get_or_insert(Error::InvalidClaim(claim));
                }
                Some(match whole {
                    Some(secs) => Scalar::U64(secs),
                    None => Scalar::Number(number),
                })
            }
            (Claim::Iss | Claim::Sub | Claim::Jti, Some(b'"')) => {
                let raw = reader.string()?;
                let value = reader.unescape(raw)?;
                let slot = match claim {
                    Claim::Iss => &mut registered.iss,
                    Claim::Sub => &mut registered.sub,
                    _ => &mut registered.jti,
                };
                *slot = Some(value);
                Some(Scalar::Str(value))
            }
            (Claim::Aud, Some(b'"' | b'[')) => match reader.string_list()? {
                Some(list) => {
                    registered.aud = Some(Audience::new(list));
                    Some(match list {
                        StrList::One(one) => Scalar::Str(one),
                        StrList::Many { .. } => Scalar::List(list),
                    })
                }
                None => {
                    self.invalid.get_or_insert(Error::InvalidClaim(claim));
                    return Ok(Pending::Invalid(claim));
                }
            },
            _ => None,
        };
        Ok(match value {
            Some(value) => Pending::Value(value),
            None => {
                // Not even the right kind of JSON value: `T` (or the skip) reads it, which also
                // tells a wrong type (`"exp":"soon"`) from invalid JSON (`"exp":soon`).
                self.invalid.get_or_insert(Error::InvalidClaim(claim));
                Pending::None
            }
        })
    }
}

/// The payload as a `Deserializer`: only object-shaped types fit, plus `()` and `IgnoredAny`
/// for callers that want the registered claims alone.
struct TopLevel<'a, 's, 'v, A: Algorithm> {
    reader: &'a mut Reader<'s>,
    walk: &'a mut Walk<'s, 'v, A>,
}

impl<'s, A: Algorithm> TopLevel<'_, 's, '_, A> {
    fn visit_members<V: Visitor<'s>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.reader.open_object()?;
        let mut members = Members {
            reader: &mut *self.reader,
            walk: &mut *self.walk,
            pending: Pending::None,
        };
        let value = visitor.visit_map(&mut members)?;
        // A visitor may stop before seeing the end (`()` does at once); finish the walk so every
        // claim is checked.
        if !self.walk.done {
            self.reader.recover(1)?;
            self.walk.finish(self.reader)?;
        }
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
struct Members<'a, 's, 'v, A: Algorithm> {
    reader: &'a mut Reader<'s>,
    walk: &'a mut Walk<'s, 'v, A>,
    pending: Pending<'s>,
}

impl<'s, A: Algorithm> de::MapAccess<'s> for Members<'_, 's, '_, A> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'s>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.walk.done {
            return Ok(None);
        }
        let Some(name) = self.reader.next_member()? else {
            self.walk.close(self.reader)?;
            return Ok(None);
        };
        if let Some(claim) = registered(&name) {
            self.pending = self.walk.read_registered(self.reader, claim)?;
        }
        let name = self.reader.unescape(name.raw)?;
        seed.deserialize(Scalar::Str(name)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'s>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match core::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => seed.deserialize(&mut *self.reader),
            Pending::Value(value) => seed.deserialize(value),
            Pending::Invalid(claim) => Err(Error::InvalidClaim(claim).into()),
        }
    }
}

/// The registered claim `name` is, if any: one multiplication and one comparison, the same
/// for every name (the seven fall into distinct slots of an eight-slot table, which the build
/// checks), so a payload of many names costs no mispredicted branch here.
fn registered(name: &Name<'_>) -> Option<Claim> {
    const fn slot(key: u32) -> usize {
        (key.wrapping_mul(0x9e37_79d9) >> 29) as usize
    }
    // Built at compile time, where an out-of-bounds index is a compile error, not a panic.
    #[allow(clippy::indexing_slicing)]
    const TABLE: [(u32, Option<Claim>); 8] = {
        let mut table = [(0, None); 8];
        let mut i = 0;
        while i < Claim::ALL.len() {
            let claim = Claim::ALL[i];
            let key = key_of(claim.name().as_bytes());
            assert!(
                table[slot(key)].1.is_none(),
                "two registered claims share a slot"
            );
            table[slot(key)] = (key, Some(claim));
            i += 1;
        }
        table
    };
    let (key, claim) = TABLE.get(slot(name.key)).copied().unwrap_or((0, None));
    if (key == name.key) & (name.len() == 3) {
        claim
    } else {
        None
    }
}
