//! Stage 4: read the JOSE header (RFC 7515 §4) strictly, then hold it to the key and the
//! validation once the MAC has passed.

use super::authenticate::Authentic;
use crate::alg::Algorithm;
use crate::error::Failure;
use crate::header::Header;
use crate::json::Reader;
use crate::{Error, Validation};

/// How many member names a header may have, nested ones included. RFC 7515 registers eleven
/// header parameters and an HMAC token needs two or three; the bound is what keeps reading a
/// `kid` before the MAC (with a [`KeySet`](crate::KeySet)) as cheap as finding it needs,
/// whatever an attacker puts in the header. More is [`Error::InvalidHeader`].
pub const MAX_HEADER_MEMBERS: usize = 24;

/// The header as read, before any decision: `alg` and `crit` are kept only to be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UntrustedHeader<'s> {
    header: Header<'s>,
    alg: Option<&'s str>,
    crit: bool,
}

/// The header of an authenticated token, checked: only [`UntrustedHeader::check`] makes one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CheckedHeader<'s>(Header<'s>);

impl<'s> CheckedHeader<'s> {
    pub(crate) const fn header(self) -> Header<'s> {
        self.0
    }
}

impl<'s> UntrustedHeader<'s> {
    /// The `kid`, only to choose among the caller's keys (RFC 8725 §3.10).
    pub(crate) const fn kid(&self) -> Option<&'s str> {
        self.header.kid
    }

    /// The header for display (`UntrustedToken::danger_unverified_header`).
    pub(crate) const fn untrusted(self) -> Header<'s> {
        self.header
    }

    /// Holds the header of an authenticated token to the key's algorithm and the validation.
    pub(crate) fn check<A: Algorithm>(
        self,
        _proof: &Authentic,
        validation: &Validation<'_>,
    ) -> Result<CheckedHeader<'s>, Error> {
        // RFC 8725 §3.1: the key decides the algorithm; the header must agree exactly
        // (case-sensitive, so `none`, `None` and `hs256` all fail).
        if self.alg != Some(A::NAME) {
            return Err(Error::AlgorithmMismatch);
        }
        // RFC 7515 §4.1.11: `crit` lists extensions that must be understood, and none is here
        // (RFC 7797 `b64` included), so its mere presence rejects the token.
        if self.crit {
            return Err(Error::UnsupportedCrit);
        }
        let header = self.header;
        if let Some(expected) = validation.expected_typ()
            && !header.typ.is_some_and(|typ| same_media_type(typ, expected))
        {
            return Err(Error::TypeMismatch);
        }
        // RFC 7519 §5.2: `cty: JWT` marks a nested token, whose inner claims this crate would
        // never check; refuse it rather than return the outer, empty-handed claims.
        if header.cty.is_some_and(|cty| same_media_type(cty, "JWT")) {
            return Err(Error::NestedToken);
        }
        Ok(CheckedHeader(header))
    }
}

/// One of the algorithm's [`KNOWN_HEADERS`](Sealed::KNOWN_HEADERS), recognized by its encoding:
/// reading it yields exactly what [`read`] would, without decoding a byte, and it goes through
/// the same checks.
pub(crate) fn known<A: Algorithm>(b64: &str) -> Option<UntrustedHeader<'static>> {
    let &(_, typ) = A::KNOWN_HEADERS
        .iter()
        .find(|(encoded, _)| *encoded == b64)?;
    let alg = A::NAME;
    Some(UntrustedHeader {
        header: Header {
            typ,
            cty: None,
            kid: None,
        },
        alg: Some(alg),
        crit: false,
    })
}

/// Reads any header: a JSON object of at most [`MAX_HEADER_MEMBERS`] unique names; `alg`,
/// `typ`, `cty` and `kid` strings; anything else validated and skipped. Returns the unused rest
/// of `arena`.
pub(crate) fn read<'s>(
    bytes: &'s [u8],
    arena: &'s mut [u8],
) -> Result<(UntrustedHeader<'s>, &'s mut [u8]), Failure> {
    let text = core::str::from_utf8(bytes).map_err(|_| Error::Json)?;
    let mut reader = Reader::new(text, arena)?.with_name_limit(MAX_HEADER_MEMBERS);
    let mut read = UntrustedHeader {
        header: Header::default(),
        alg: None,
        crit: false,
    };
    if reader.peek() != Some(b'{') {
        return Err(Error::InvalidHeader.into()); // a header is a JSON object (RFC 7515 §4)
    }
    // A parameter of the wrong type is reported once the whole header is known to be JSON.
    let mut wrong_type = false;
    reader.object(|reader, name| {
        let slot = match () {
            () if name.is("alg") => &mut read.alg,
            () if name.is("typ") => &mut read.header.typ,
            () if name.is("cty") => &mut read.header.cty,
            () if name.is("kid") => &mut read.header.kid,
            () => {
                read.crit |= name.is("crit");
                return reader.skip_value();
            }
        };
        match reader.string_value()? {
            Some(value) => *slot = Some(value),
            None => {
                wrong_type = true;
                reader.skip_value()?;
            }
        }
        Ok(())
    })?;
    reader.end()?;
    if wrong_type {
        return Err(Error::InvalidHeader.into());
    }
    Ok((read, reader.into_arena()))
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

    fn parse(b64: &str) -> UntrustedHeader<'static> {
        let mut decoded = std::vec![0u8; 64];
        let len = crate::base64url::decode(b64.as_bytes(), &mut decoded)
            .unwrap()
            .len();
        decoded.truncate(len);
        let arena: &'static mut [u8] = std::vec![0u8; 256].leak();
        read(decoded.leak(), arena).unwrap().0
    }

    fn known_headers_of<A: Algorithm>() {
        for (b64, _) in A::KNOWN_HEADERS {
            assert_eq!(known::<A>(b64), Some(parse(b64)), "{b64}");
        }
        assert_eq!(known::<A>("eyJhbGciOiJub25lIn0"), None);
    }

    #[test]
    fn known_headers_read_exactly_as_parsed() {
        known_headers_of::<crate::Hs256>();
        known_headers_of::<crate::Hs384>();
        known_headers_of::<crate::Hs512>();
        // Another algorithm's header is not known to this one: it is parsed, and refused.
        let hs512 = <crate::Hs512 as crate::alg::sealed::Sealed>::KNOWN_HEADERS[0].0;
        assert_eq!(known::<crate::Hs256>(hs512), None);
    }

    #[test]
    fn headers_are_bounded_and_strict() {
        let read_text = |text: &str| {
            let mut arena = [0u8; 512];
            read(text.as_bytes(), &mut arena).map(|(h, _)| h.kid().map(str::len))
        };
        let members = |n: usize| {
            let names: std::vec::Vec<_> = (0..n).map(|i| std::format!("\"p{i}\":0")).collect();
            std::format!("{{\"kid\":\"k\",{}}}", names.join(","))
        };
        assert_eq!(read_text(&members(MAX_HEADER_MEMBERS - 1)), Ok(Some(1)));
        assert_eq!(
            read_text(&members(MAX_HEADER_MEMBERS)),
            Err(Failure::Reject(Error::InvalidHeader))
        );
        let reject = |e: Error| Err(Failure::Reject(e));
        assert_eq!(read_text(r#"{"kid":5}"#), reject(Error::InvalidHeader));
        assert_eq!(read_text(r#"{"kid":5,"x":tru}"#), reject(Error::Json));
        assert_eq!(read_text(r#"[]"#), reject(Error::InvalidHeader));
        assert_eq!(read_text(r#"[}"#), reject(Error::InvalidHeader));
        assert_eq!(
            read_text(r#"{"kid":"a","kid":"b"}"#),
            reject(Error::DuplicateMember)
        );
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
