//! `lax serde_json`: the verifier a user could write by hand without a JWT crate, as a measure of
//! what microjwt's strictness costs. Split on dots, a 256-entry table base64url decoder into the
//! caller's reused buffer, the pre-keyed HMAC's `verify_slice`, `serde_json::from_slice` into
//! borrowed `&str` fields (header and claims), and the same checks as every other adapter:
//! `alg`, the MAC, `exp` and `nbf` required with 60 s leeway, `iss`, `aud`. No allocation.
//!
//! Lax where microjwt is strict: unknown header members (`crit` included) are ignored, duplicate
//! names are not looked for outside the fields the struct reads, base64's trailing bits are not
//! checked for canonical form, strings with escapes fail to borrow rather than being unescaped,
//! and nesting is limited only by serde_json's recursion limit.

use hmac::{KeyInit, Mac};
use serde::Deserialize;

use crate::claims::{AUD, Alg, Digest, FullBorrowed, ISS, LEEWAY, NOW, SECRET};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;
type HmacSha384 = hmac::Hmac<sha2::Sha384>;
type HmacSha512 = hmac::Hmac<sha2::Sha512>;

/// A pre-keyed HMAC state, cloned per call.
enum Keyed {
    Hs256(HmacSha256),
    Hs384(HmacSha384),
    Hs512(HmacSha512),
}

pub struct LaxSerdeJson {
    keyed: Keyed,
    alg: &'static str,
    /// `base64url({"alg":"HSxxx","typ":"JWT"})`, for signing.
    header_b64: String,
}

/// The one header member this verifier reads.
#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow)]
    alg: &'a str,
}

impl LaxSerdeJson {
    pub fn new(alg: Alg) -> Self {
        let keyed = match alg {
            Alg::Hs256 => Keyed::Hs256(KeyInit::new_from_slice(SECRET).unwrap()),
            Alg::Hs384 => Keyed::Hs384(KeyInit::new_from_slice(SECRET).unwrap()),
            Alg::Hs512 => Keyed::Hs512(KeyInit::new_from_slice(SECRET).unwrap()),
        };
        let header = crate::tokens::header_json(alg);
        let mut header_b64 = vec![0u8; encoded_len(header.len())];
        encode(header.as_bytes(), &mut header_b64);
        LaxSerdeJson {
            keyed,
            alg: alg.name(),
            header_b64: String::from_utf8(header_b64).unwrap(),
        }
    }

    /// A buffer big enough to decode `token`'s header and payload (allocated once, outside any
    /// timed loop).
    pub fn scratch_for(token: &str) -> Vec<u8> {
        vec![0u8; token.len() / 4 * 3 + 3]
    }

    #[inline]
    pub fn verify<'b>(&self, token: &str, buf: &'b mut [u8]) -> Result<FullBorrowed<'b>, ()> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(());
        };
        let (header_buf, payload_buf) = buf
            .split_at_mut_checked(decoded_len(header.len())?)
            .ok_or(())?;
        let header_json = decode(header.as_bytes(), header_buf)?;
        let parsed: Header<'_> = serde_json::from_slice(header_json).map_err(drop)?;
        if parsed.alg != self.alg {
            return Err(());
        }
        let mut tag = [0u8; 64];
        let tag = decode(signature.as_bytes(), &mut tag)?;
        let signing_input = &token.as_bytes()[..header.len() + 1 + payload.len()];
        let genuine = match &self.keyed {
            Keyed::Hs256(k) => mac_matches(k, signing_input, tag),
            Keyed::Hs384(k) => mac_matches(k, signing_input, tag),
            Keyed::Hs512(k) => mac_matches(k, signing_input, tag),
        };
        if !genuine {
            return Err(());
        }
        let claims: FullBorrowed<'b> =
            serde_json::from_slice(decode(payload.as_bytes(), payload_buf)?).map_err(drop)?;
        if claims.exp + LEEWAY <= NOW
            || claims.nbf > NOW + LEEWAY
            || claims.iss != ISS
            || claims.aud != AUD
        {
            return Err(());
        }
        Ok(claims)
    }

    /// `json` is a reused buffer for the claims JSON, `out` receives the token: nothing is
    /// allocated.
    #[inline]
    pub fn sign<'o>(
        &self,
        claims: &FullBorrowed<'_>,
        json: &mut [u8],
        out: &'o mut [u8],
    ) -> &'o str {
        let json_len = {
            let mut cursor = &mut json[..];
            let room = cursor.len();
            serde_json::to_writer(&mut cursor, claims).unwrap();
            room - cursor.len()
        };
        let h = self.header_b64.len();
        out[..h].copy_from_slice(self.header_b64.as_bytes());
        out[h] = b'.';
        let p = encoded_len(json_len);
        encode(&json[..json_len], &mut out[h + 1..h + 1 + p]);
        let signing_input = h + 1 + p;
        let mut tag = [0u8; 64];
        let tag = match &self.keyed {
            Keyed::Hs256(k) => mac_into(k, &out[..signing_input], &mut tag),
            Keyed::Hs384(k) => mac_into(k, &out[..signing_input], &mut tag),
            Keyed::Hs512(k) => mac_into(k, &out[..signing_input], &mut tag),
        };
        out[signing_input] = b'.';
        let s = encoded_len(tag.len());
        encode(tag, &mut out[signing_input + 1..signing_input + 1 + s]);
        std::str::from_utf8(&out[..signing_input + 1 + s]).unwrap()
    }
}

fn mac_matches<M: Mac + Clone>(keyed: &M, signing_input: &[u8], tag: &[u8]) -> bool {
    let mut mac = keyed.clone();
    mac.update(signing_input);
    mac.verify_slice(tag).is_ok()
}

/// Writes the MAC of `data` into the front of `tag` and returns it.
fn mac_into<'t, M: Mac + Clone>(keyed: &M, data: &[u8], tag: &'t mut [u8; 64]) -> &'t [u8] {
    let mut mac = keyed.clone();
    mac.update(data);
    let bytes = mac.finalize().into_bytes();
    let tag = &mut tag[..bytes.len()];
    tag.copy_from_slice(&bytes);
    tag
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INVALID: u8 = 0xff;
/// base64url character → its 6 bits, `INVALID` for every other byte.
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// How many bytes `len` unpadded base64url characters decode to (`Err` for a length of 4n + 1).
fn decoded_len(len: usize) -> Result<usize, ()> {
    match len % 4 {
        1 => Err(()),
        r => Ok(len / 4 * 3 + r.saturating_sub(1)),
    }
}

fn encoded_len(len: usize) -> usize {
    (len * 4).div_ceil(3)
}

/// Decodes unpadded base64url `input` into the front of `out` (at least `decoded_len` bytes).
fn decode<'o>(input: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], ()> {
    let len = decoded_len(input.len())?;
    let out = out.get_mut(..len).ok_or(())?;
    let sextet = |b: u8| match DECODE[usize::from(b)] {
        INVALID => Err(()),
        v => Ok(u32::from(v)),
    };
    let mut chunks = input.chunks_exact(4);
    let mut o = 0;
    for c in &mut chunks {
        let n =
            (sextet(c[0])? << 18) | (sextet(c[1])? << 12) | (sextet(c[2])? << 6) | sextet(c[3])?;
        out[o..o + 3].copy_from_slice(&n.to_be_bytes()[1..]);
        o += 3;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut n = 0;
        for (i, &b) in rest.iter().enumerate() {
            n |= sextet(b)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out[o..].copy_from_slice(&bytes[1..rest.len()]);
    }
    Ok(out)
}

/// Encodes `input` as unpadded base64url into `out` (exactly `encoded_len` bytes).
fn encode(input: &[u8], out: &mut [u8]) {
    let sextet = |n: u32, shift: u32| ALPHABET[((n >> shift) & 63) as usize];
    let mut chunks = input.chunks_exact(3);
    let mut quads = out.chunks_exact_mut(4);
    for (c, q) in (&mut chunks).zip(&mut quads) {
        let n = (u32::from(c[0]) << 16) | (u32::from(c[1]) << 8) | u32::from(c[2]);
        q.copy_from_slice(&[sextet(n, 18), sextet(n, 12), sextet(n, 6), sextet(n, 0)]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let n = rest
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        let tail = quads.into_remainder();
        for (i, o) in tail.iter_mut().enumerate() {
            *o = sextet(n, 18 - 6 * i as u32);
        }
    }
}

pub fn digest_lax(c: &FullBorrowed<'_>) -> Digest {
    Digest {
        sub: c.sub.map(str::to_string),
        iss: c.iss.to_string(),
        aud: c.aud.to_string(),
        exp: c.exp,
        nbf: c.nbf,
        name: c.name.map(str::to_string),
        admin: c.admin,
        roles: c.roles.map_or(0, |r| r.len),
        pad: c.pad.map_or(0, str::len),
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    use super::*;

    #[test]
    fn table_codec_matches_the_base64_crate() {
        for len in 0..64 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let mut encoded = vec![0u8; encoded_len(len)];
            encode(&data, &mut encoded);
            assert_eq!(encoded, B64.encode(&data).into_bytes(), "{len}");
            let mut decoded = vec![0u8; len + 3];
            assert_eq!(decode(&encoded, &mut decoded), Ok(&data[..]), "{len}");
        }
        let mut out = [0u8; 8];
        assert_eq!(decode(b"abcde", &mut out), Err(()));
        assert_eq!(decode(b"ab+d", &mut out), Err(()));
        assert_eq!(decode(b"ab=d", &mut out), Err(()));
    }
}
