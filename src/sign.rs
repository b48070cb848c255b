//! Signing: claims → JSON → base64url → MAC, all inside the caller's buffer (RFC 7515 §5.1).

use serde::Serialize;

use crate::alg::{Algorithm, MAX_TAG_LEN};
use crate::bytes::copy_prefix;
use crate::error::Failure;
use crate::header::{HeaderJson, HeaderOptions};
use crate::json::{self, WriteError};
use crate::key::HmacKey;
use crate::{Error, base64url};

/// Signs `claims` with `key` and returns the compact token, written into `buf`.
///
/// The header is `{"alg":…,"typ":"JWT"}`, plus the key's `kid` if it has one; use
/// [`sign_with_header`] to choose. `claims` must serialize as a JSON object; put the registered
/// claims (`exp`, `sub`, …) in it as ordinary fields. Nothing is allocated.
///
/// ```
/// use microjwt::{HmacKey, Hs256};
/// let key = HmacKey::<Hs256>::new(b"an example secret, 32 bytes long")?;
/// let mut buf = [0u8; 128];
/// #[derive(serde::Serialize)]
/// struct Session<'a> { sub: &'a str, exp: u64 }
/// let token = microjwt::sign(&key, &Session { sub: "ada", exp: 2000 }, &mut buf)?;
/// assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
/// # Ok::<(), microjwt::Error>(())
/// ```
///
/// # Errors
/// [`Error::KeyOperationNotPermitted`] when the key came from a JWK whose `key_ops` exclude
/// `sign`. [`Error::BufferTooSmall`] when `buf` cannot hold the token: the buffer's contents are then
/// unspecified, and no truncated token is ever returned. [`Error::Unserializable`] when `claims`
/// is not a JSON object or holds a value JSON cannot represent (NaN, infinity, a non-string map
/// key). [`Error::DuplicateMember`] when an object would repeat a member name, at any depth (a
/// field and a `#[serde(flatten)]` map both holding `exp`: verifiers that keep the last one would
/// read a different expiry). [`Error::NestingTooDeep`] beyond [`MAX_DEPTH`](crate::MAX_DEPTH).
///
/// # Cost
/// Linear in the token's length while every object has at most 16 names. Beyond those, each name
/// is compared with the object's earlier names read back from `buf`: `n²/2` comparisons for an
/// object of `n` names, because signing uses no memory but `buf`, and with constant extra memory
/// no comparison-based check for repeats is much faster. A claims set is far below that; a map of
/// thousands of entries signs slowly.
pub fn sign<'b, A: Algorithm, T: Serialize + ?Sized>(
    key: &HmacKey<A>,
    claims: &T,
    buf: &'b mut [u8],
) -> Result<&'b str, Error> {
    sign_with_header(key, &HeaderOptions::new(), claims, buf)
}

/// [`sign`] with header parameters of your choice.
///
/// ```
/// use microjwt::{HeaderOptions, HmacKey, Hs256};
/// let key = HmacKey::<Hs256>::new(b"an example secret, 32 bytes long")?;
/// let mut buf = [0u8; 160];
/// let header = HeaderOptions::new().typ(Some("at+jwt")).kid("k1");
/// #[derive(serde::Serialize)]
/// struct Expiry { exp: u64 }
/// let token = microjwt::sign_with_header(&key, &header, &Expiry { exp: 9 }, &mut buf)?;
/// let mut scratch = [0u8; 160];
/// let untrusted = microjwt::UntrustedToken::parse(token, 8192)?;
/// assert_eq!(untrusted.danger_unverified_header(&mut scratch)?.kid(), Some("k1"));
/// # Ok::<(), microjwt::Error>(())
/// ```
///
/// # Errors
/// As [`sign`].
pub fn sign_with_header<'b, A: Algorithm, T: Serialize + ?Sized>(
    key: &HmacKey<A>,
    header: &HeaderOptions<'_>,
    claims: &T,
    buf: &'b mut [u8],
) -> Result<&'b str, Error> {
    if !key.ops().sign {
        return Err(Error::KeyOperationNotPermitted);
    }
    let header = header_json(key, header);
    let result = write_token(key, &header, claims, buf);
    match result {
        Ok(len) => {
            let token = buf.get(..len).ok_or(Error::Unserializable)?;
            core::str::from_utf8(token).map_err(|_| Error::Unserializable)
        }
        // Only now is the size worth computing: it serializes everything once more.
        Err(Failure::Full) => Err(Error::BufferTooSmall {
            needed: signed_len::<A, _>(&header, claims)?,
        }),
        Err(Failure::Reject(e)) => Err(e),
    }
}

/// Writes the token into `buf`, returning its length.
fn write_token<A: Algorithm, T: Serialize + ?Sized>(
    key: &HmacKey<A>,
    header: &HeaderJson<'_>,
    claims: &T,
    buf: &mut [u8],
) -> Result<usize, Failure> {
    let header_len = match known_header::<A>(header) {
        Some(encoded) if buf.len() >= encoded.len() => copy_prefix(buf, encoded.as_bytes()),
        Some(_) => return Err(Failure::Full),
        None => write_segment(header, buf)?,
    };
    let rest = buf.get_mut(header_len..).ok_or(Failure::Full)?;
    let (dot, rest) = rest.split_first_mut().ok_or(Failure::Full)?;
    *dot = b'.';
    let payload_len = write_segment(claims, rest)?;
    let signed_len = header_len + 1 + payload_len;

    let (signing_input, rest) = buf.split_at_mut_checked(signed_len).ok_or(Failure::Full)?;
    let tag = key.mac(signing_input);
    let (dot, rest) = rest.split_first_mut().ok_or(Failure::Full)?;
    *dot = b'.';
    let tag_len = base64url::encode(tag.as_bytes(), rest)?;
    Ok(signed_len + 1 + tag_len)
}

/// The constant encoding of `header` when it is `{"alg":…,"typ":"JWT"}` or `{"alg":…}` (the
/// algorithm's known headers, in the order this crate writes), so the common case costs a copy,
/// not a serialization.
fn known_header<A: Algorithm>(header: &HeaderJson<'_>) -> Option<&'static str> {
    if header.kid.is_some() || header.cty.is_some() {
        return None;
    }
    let [(alg_typ, typ), _, (alg_only, _)] = A::KNOWN_HEADERS;
    match header.typ {
        None => Some(alg_only),
        Some(t) if Some(t) == typ => Some(alg_typ),
        Some(_) => None,
    }
}

/// Serializes `value` as a JSON object and base64url-encodes it in place at the front of `buf`,
/// returning the encoded length.
fn write_segment<T: Serialize + ?Sized>(value: &T, buf: &mut [u8]) -> Result<usize, Failure> {
    let json_len = json::to_slice(value, buf).map_err(write_failure)?;
    if buf.first() != Some(&b'{') {
        return Err(Error::Unserializable.into());
    }
    encode_in_place(buf, json_len)
}

/// Base64url-encodes `buf[..len]` into `buf[..encoded_len(len)]`, saving a second buffer the
/// size of the payload.
///
/// Works backwards in chunks of 48 bytes (a multiple of 3): a chunk read from `s..s + 48` is
/// written to `s / 3 * 4..`, which starts at or after `s`, so it never overwrites an earlier chunk
/// still to be read. Each chunk goes through a small stack buffer and the ordinary encoder.
fn encode_in_place(buf: &mut [u8], len: usize) -> Result<usize, Failure> {
    const CHUNK: usize = 48;
    let encoded = base64url::encoded_len(len);
    if buf.len() < encoded {
        return Err(Failure::Full);
    }
    let mut start = len.div_ceil(CHUNK).saturating_sub(1) * CHUNK;
    loop {
        let end = (start + CHUNK).min(len);
        let mut input = [0u8; CHUNK];
        let mut output = [0u8; CHUNK / 3 * 4];
        let chunk = input.get_mut(..end - start).unwrap_or(&mut []);
        copy_prefix(chunk, buf.get(start..end).unwrap_or(&[]));
        let written = base64url::encode(chunk, &mut output)?;
        let to = start / 3 * 4;
        let out = buf.get_mut(to..to + written).ok_or(Failure::Full)?;
        copy_prefix(out, &output);
        if start == 0 {
            return Ok(encoded);
        }
        start -= CHUNK;
    }
}

/// The exact length of the token [`sign_with_header`] makes, found by serializing into a
/// counter: the buffer size to allocate.
#[cfg(feature = "std")]
pub(crate) fn token_len<A: Algorithm, T: Serialize + ?Sized>(
    key: &HmacKey<A>,
    header: &HeaderOptions<'_>,
    claims: &T,
) -> Result<usize, Error> {
    signed_len::<A, _>(&header_json(key, header), claims)
}

fn header_json<'a, A: Algorithm>(
    key: &'a HmacKey<A>,
    header: &HeaderOptions<'a>,
) -> HeaderJson<'a> {
    HeaderJson {
        alg: A::NAME,
        typ: header.typ,
        cty: header.cty,
        kid: header.kid.or(key.kid()),
    }
}

/// The exact length of the token `sign` would make, found by serializing into a counter.
fn signed_len<A: Algorithm, T: Serialize + ?Sized>(
    header: &HeaderJson<'_>,
    claims: &T,
) -> Result<usize, Error> {
    let unserializable = |e| match e {
        WriteError::TooDeep => Error::NestingTooDeep,
        _ => Error::Unserializable,
    };
    let header = json::measure(header).map_err(unserializable)?;
    let payload = json::measure(claims).map_err(unserializable)?;
    Ok(base64url::encoded_len(header)
        + 1
        + base64url::encoded_len(payload)
        + 1
        + base64url::encoded_len(A::TAG_LEN.min(MAX_TAG_LEN)))
}

fn write_failure(e: WriteError) -> Failure {
    match e {
        WriteError::BufferFull => Failure::Full,
        WriteError::Unsupported => Error::Unserializable.into(),
        WriteError::DuplicateName => Error::DuplicateMember.into(),
        WriteError::TooDeep => Error::NestingTooDeep.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_headers_equal_what_serializing_writes() {
        for alg in ["HS256", "HS384", "HS512"] {
            for typ in [Some("JWT"), None] {
                let header = HeaderJson {
                    alg,
                    typ,
                    cty: None,
                    kid: None,
                };
                let mut buf = [0u8; 128];
                let len = write_segment(&header, &mut buf).unwrap();
                let known = match alg {
                    "HS256" => known_header::<crate::Hs256>(&header),
                    "HS384" => known_header::<crate::Hs384>(&header),
                    _ => known_header::<crate::Hs512>(&header),
                };
                assert_eq!(known.map(str::as_bytes), Some(&buf[..len]), "{alg} {typ:?}");
            }
        }
        let with_kid = HeaderJson {
            alg: "HS256",
            typ: Some("JWT"),
            cty: None,
            kid: Some("k"),
        };
        assert_eq!(known_header::<crate::Hs256>(&with_kid), None);
    }

    #[test]
    fn in_place_encoding_matches_base64ct_for_every_length() {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let data: std::vec::Vec<u8> = (0..200u8).map(|i| i.wrapping_mul(37)).collect();
        for len in 0..data.len() {
            let mut buf = [0u8; 300];
            buf[..len].copy_from_slice(&data[..len]);
            let written = encode_in_place(&mut buf, len).unwrap();
            assert_eq!(
                &buf[..written],
                Base64UrlUnpadded::encode_string(&data[..len]).as_bytes(),
                "{len}"
            );
        }
    }
}
