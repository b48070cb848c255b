//! Stage 3: decode and read the JOSE header, then hold it to the key and the validation.

use crate::alg::Algorithm;
use crate::header::{Header, KNOWN_HEADERS};
use crate::json::{Names, Reader};
use crate::{Error, Validation};

/// The header as read, before any decision: `alg` and `crit` are kept only to be checked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ReadHeader<'s> {
    pub(crate) header: Header<'s>,
    alg: Option<&'s str>,
    crit: bool,
}

/// Decodes the header segment into the front of `scratch` and reads it strictly: a JSON object
/// with unique member names; `alg`, `typ`, `cty` and `kid` strings; anything else validated and
/// skipped. Returns the unused rest of `scratch`.
pub(crate) fn read<'s>(
    b64: &str,
    scratch: &'s mut [u8],
) -> Result<(ReadHeader<'s>, &'s mut [u8]), Error> {
    if let Some(known) = known(b64) {
        return Ok((known, scratch));
    }
    parse(b64, scratch)
}

/// One of the [`KNOWN_HEADERS`], recognized by its encoding: reading it yields exactly what
/// [`parse`] would, without decoding a byte, and it goes through the same [`check`].
fn known(b64: &str) -> Option<ReadHeader<'static>> {
    let &(_, alg, typ) = KNOWN_HEADERS.iter().find(|(encoded, ..)| *encoded == b64)?;
    let header = Header {
        typ,
        cty: None,
        kid: None,
    };
    Some(ReadHeader {
        header,
        alg: Some(alg),
        crit: false,
    })
}

/// Decodes and reads any header.
fn parse<'s>(b64: &str, scratch: &'s mut [u8]) -> Result<(ReadHeader<'s>, &'s mut [u8]), Error> {
    let (text, arena) = super::decode_text(b64, scratch)?;
    let mut reader = Reader::new(text, arena);
    let mut read = ReadHeader {
        header: Header::default(),
        alg: None,
        crit: false,
    };
    if reader.peek() != Some(b'{') {
        return Err(Error::InvalidHeader);
    }
    let mut names = Names::<16>::new(reader.position());
    reader.expect(b'{')?;
    reader.enter()?;
    let mut first = true;
    while let Some(name) = reader.next_name(&mut names, first)? {
        first = false;
        let slot = match name.raw {
            _ if name.eq_str("alg") => &mut read.alg,
            _ if name.eq_str("typ") => &mut read.header.typ,
            _ if name.eq_str("cty") => &mut read.header.cty,
            _ if name.eq_str("kid") => &mut read.header.kid,
            _ => {
                // RFC 7515 §4.1.11: `crit` lists extensions that must be understood, and none
                // is here (RFC 7797 `b64` included), so its mere presence rejects the token.
                read.crit |= name.eq_str("crit");
                reader.skip_value()?;
                continue;
            }
        };
        if reader.peek() != Some(b'"') {
            return Err(Error::InvalidHeader);
        }
        let value = reader.string()?;
        *slot = Some(reader.unescape(value)?);
    }
    reader.leave();
    reader.expect(b'}')?;
    reader.end()?;
    Ok((read, reader.into_arena()))
}

/// Holds an authenticated header to the key's algorithm and the validation.
pub(crate) fn check<'s, A: Algorithm>(
    read: ReadHeader<'s>,
    validation: &Validation<'_>,
) -> Result<Header<'s>, Error> {
    // RFC 8725 §3.1: the key decides the algorithm; the header must agree exactly
    // (case-sensitive, so `none`, `None` and `hs256` all fail).
    if read.alg != Some(A::NAME) {
        return Err(Error::AlgorithmMismatch);
    }
    if read.crit {
        return Err(Error::UnsupportedCrit);
    }
    if let Some(expected) = validation.expected_typ()
        && !read
            .header
            .typ
            .is_some_and(|typ| same_media_type(typ, expected))
    {
        return Err(Error::TypeMismatch);
    }
    // RFC 7519 §5.2: `cty: JWT` marks a nested token, whose inner claims this crate would never
    // check; refuse it rather than return the outer, empty-handed claims.
    if read
        .header
        .cty
        .is_some_and(|cty| same_media_type(cty, "JWT"))
    {
        return Err(Error::NestedToken);
    }
    Ok(read.header)
}

/// Media type equality as RFC 7515 §4.1.9 prescribes: ASCII case-insensitive, with the
/// `application/` prefix optional.
fn same_media_type(a: &str, b: &str) -> bool {
    fn short(t: &str) -> &str {
        match t.get(..12) {
            Some(prefix) if prefix.eq_ignore_ascii_case("application/") => {
                t.get(12..).unwrap_or("")
            }
            _ => t,
        }
    }
    short(a).eq_ignore_ascii_case(short(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_headers_read_exactly_as_parsed() {
        for (b64, ..) in KNOWN_HEADERS {
            let mut scratch = [0u8; 64];
            let parsed = parse(b64, &mut scratch).unwrap().0;
            assert_eq!(known(b64), Some(parsed), "{b64}");
        }
        assert_eq!(known("eyJhbGciOiJub25lIn0"), None);
    }

    #[test]
    fn media_types_compare_like_rfc_7515() {
        assert!(same_media_type("JWT", "jwt"));
        assert!(same_media_type("application/JWT", "JWT"));
        assert!(same_media_type("Application/at+jwt", "AT+JWT"));
        assert!(!same_media_type("at+jwt", "JWT"));
        assert!(!same_media_type("application/", "JWT"));
        assert!(!same_media_type("application/jwt ", "JWT"));
    }
}
