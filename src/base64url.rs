//! Strict, canonical, unpadded base64url (RFC 4648 §5, as RFC 7515 §2 requires) for token text.
//!
//! Token segments are public data, so unlike key material they need no constant-time decoder;
//! this one is table-driven and several times faster than `base64ct` on the verify hot path
//! (`base64ct` is still used where the crate decodes secrets). It accepts exactly one encoding per
//! byte string: no padding, no `+` or `/`, no whitespace, no length of the form 4n+1, and no
//! non-zero bits after the last full byte.

use crate::error::Failure;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Sextet value of each ASCII byte, or `INVALID`: 128 entries rather than 256, since flash is
/// scarce where this runs; non-ASCII bytes are refused by their top bit instead. Built at compile
/// time, where an out-of-bounds index would be a compile error, not a panic.
#[allow(clippy::indexing_slicing)]
const DECODE: [u8; 128] = {
    let mut table = [INVALID; 128];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};
const INVALID: u8 = 0xff;

/// On 64-bit targets, where 4 KiB of tables cost nothing, each of a quad's four characters has a
/// table of its sextet already shifted into place, with an invalid byte marked in the top byte
/// (no 24-bit group has it): a quad decodes with four loads and three ORs.
#[cfg(target_pointer_width = "64")]
#[allow(clippy::indexing_slicing)]
const PLACED: [[u32; 256]; 4] = {
    let mut tables = [[0xff00_0000; 256]; 4];
    let mut i = 0;
    while i < 64 {
        let mut k = 0;
        while k < 4 {
            tables[k][ALPHABET[i] as usize] = (i as u32) << (18 - 6 * k);
            k += 1;
        }
        i += 1;
    }
    tables
};

/// The number of bytes `encoded_len` characters decode to, or `None` for an impossible length.
pub(crate) const fn decoded_len(encoded_len: usize) -> Option<usize> {
    match encoded_len % 4 {
        1 => None,
        rem => Some(encoded_len / 4 * 3 + rem.saturating_sub(1)),
    }
}

/// The number of characters `len` bytes encode to.
pub(crate) const fn encoded_len(len: usize) -> usize {
    len / 3 * 4
        + match len % 3 {
            0 => 0,
            rem => rem + 1,
        }
}

/// Whether every byte is in the base64url alphabet.
pub(crate) fn is_alphabet(text: &[u8]) -> bool {
    // Range tests folded with `&` (no early exit, no table) let the compiler vectorize the loop.
    text.iter().fold(true, |ok, &b| {
        ok & (b.is_ascii_alphanumeric() | (b == b'-') | (b == b'_'))
    })
}

/// Why a segment did not decode, from the worst to the mildest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A byte outside the base64url alphabet (padding, `+`, `/`, whitespace, non-ASCII).
    Alphabet,
    /// Only alphabet bytes, but not the one canonical encoding: a length of the form 4n+1, or
    /// non-zero bits after the last full byte.
    NonCanonical,
    /// `out` is shorter than the decoded bytes.
    Full,
}

/// Decodes `text` into the front of `out`, returning the decoded bytes. Every byte is checked
/// against the alphabet, so no other scan of the token is needed.
///
/// # Errors
/// [`DecodeError::Alphabet`] before [`DecodeError::NonCanonical`], then [`DecodeError::Full`]
/// when `out` is shorter than [`decoded_len`].
pub(crate) fn decode<'o>(text: &[u8], out: &'o mut [u8]) -> Result<&'o mut [u8], DecodeError> {
    let full = text.len() / 4;
    let (body, tail) = text.split_at_checked(full * 4).unwrap_or((text, &[]));
    let Some(len) = decoded_len(text.len()) else {
        // 4n+1: undecodable, but a foreign byte anywhere is the worse fault.
        return Err(if is_alphabet(text) {
            DecodeError::NonCanonical
        } else {
            DecodeError::Alphabet
        });
    };
    let Some(out) = out.get_mut(..len) else {
        return Err(if is_alphabet(text) {
            DecodeError::Full
        } else {
            DecodeError::Alphabet
        });
    };
    let (out_body, out_tail) = out
        .split_at_mut_checked(full * 3)
        .ok_or(DecodeError::Full)?;
    let mut invalid = 0u32;
    for (chars, triple) in body
        .as_chunks::<4>()
        .0
        .iter()
        .zip(out_body.as_chunks_mut::<3>().0)
    {
        let word = quad(chars);
        invalid |= word;
        let [_, x, y, z] = word.to_be_bytes();
        *triple = [x, y, z];
    }
    // Invalid characters set bits above the 24 a quad encodes, and the top bit of a tail
    // sextet, which no sextet has. The tail's spare bits must be zero to be canonical: 12 bits
    // for 8 (low 4), or 18 for 16 (low 2).
    let (spare, tail_invalid) = match (tail, out_tail) {
        ([], []) => (0, 0),
        ([a, b], [x]) => {
            let [a, b] = [*a, *b].map(sextet);
            *x = a << 2 | b >> 4;
            (b & 0x0f, a | b)
        }
        ([a, b, c], [x, y]) => {
            let [a, b, c] = [*a, *b, *c].map(sextet);
            *x = a << 2 | b >> 4;
            *y = b << 4 | c >> 2;
            (c & 0x03, a | b | c)
        }
        _ => return Err(DecodeError::NonCanonical),
    };
    if invalid >> 24 != 0 || tail_invalid & 0x80 != 0 {
        Err(DecodeError::Alphabet)
    } else if spare != 0 {
        Err(DecodeError::NonCanonical)
    } else {
        Ok(out)
    }
}

/// Encodes `bytes` into the front of `out`, returning the number of characters written.
///
/// # Errors
/// [`Failure::Full`] when `out` is shorter than [`encoded_len`].
pub(crate) fn encode(bytes: &[u8], out: &mut [u8]) -> Result<usize, Failure> {
    let len = encoded_len(bytes.len());
    let out = out.get_mut(..len).ok_or(Failure::Full)?;
    let full = bytes.len() / 3;
    let ((body, tail), (out_body, out_tail)) = match (
        bytes.split_at_checked(full * 3),
        out.split_at_mut_checked(full * 4),
    ) {
        (Some(bytes), Some(out)) => (bytes, out),
        _ => return Err(Failure::Full),
    };
    for (&[x, y, z], quad) in body
        .as_chunks::<3>()
        .0
        .iter()
        .zip(out_body.as_chunks_mut::<4>().0)
    {
        let word = u32::from_be_bytes([0, x, y, z]);
        *quad = [
            char(word >> 18),
            char(word >> 12),
            char(word >> 6),
            char(word),
        ];
    }
    match (tail, out_tail) {
        ([], []) => {}
        ([x], [a, b]) => {
            let word = u32::from(*x) << 16;
            [*a, *b] = [char(word >> 18), char(word >> 12)];
        }
        ([x, y], [a, b, c]) => {
            let word = u32::from(*x) << 16 | u32::from(*y) << 8;
            [*a, *b, *c] = [char(word >> 18), char(word >> 12), char(word >> 6)];
        }
        _ => return Err(Failure::Full),
    }
    Ok(len)
}

/// The sextet of `c`, or a value with the top bit set, which no sextet has.
#[allow(clippy::indexing_slicing)] // masked to 0..128 for a 128-entry table: always in bounds
fn sextet(c: u8) -> u8 {
    DECODE[usize::from(c & 0x7f)] | (c & 0x80)
}

/// The 24 bits four characters encode, with a bit set in the top byte if any of them is not in
/// the alphabet.
#[cfg(target_pointer_width = "64")]
#[allow(clippy::indexing_slicing)] // `u8` indexes of 256-entry tables: always in bounds
fn quad(&[a, b, c, d]: &[u8; 4]) -> u32 {
    let [ta, tb, tc, td] = &PLACED;
    ta[usize::from(a)] | tb[usize::from(b)] | tc[usize::from(c)] | td[usize::from(d)]
}

/// The 24 bits four characters encode, with a bit set in the top byte if any of them is not in
/// the alphabet.
#[cfg(not(target_pointer_width = "64"))]
fn quad(chars: &[u8; 4]) -> u32 {
    let [a, b, c, d] = chars.map(sextet);
    let invalid = u32::from((a | b | c | d) & 0x80) << 24;
    invalid | u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d)
}

#[allow(clippy::indexing_slicing)] // masked to 0..64 for a 64-entry table: always in bounds
fn char(bits: u32) -> u8 {
    ALPHABET[(bits & 63) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64ct::{Base64UrlUnpadded, Encoding};

    fn dec(text: &str) -> Result<std::vec::Vec<u8>, DecodeError> {
        let mut out = [0u8; 64];
        decode(text.as_bytes(), &mut out).map(|d| d.to_vec())
    }

    #[test]
    fn rfc4648_vectors_unpadded() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(dec(enc).unwrap(), plain.as_bytes());
            let mut out = [0u8; 16];
            let n = encode(plain.as_bytes(), &mut out).unwrap();
            assert_eq!(&out[..n], enc.as_bytes());
        }
    }

    #[test]
    fn rejects_everything_non_canonical() {
        for (bad, why) in [
            ("Zg==", DecodeError::Alphabet),
            ("Zg=", DecodeError::Alphabet),
            ("Z", DecodeError::NonCanonical),
            ("Z=", DecodeError::Alphabet),
            ("Zm9vY", DecodeError::NonCanonical),
            ("Zm9v=", DecodeError::Alphabet),
            ("Zh", DecodeError::NonCanonical),
            ("Zm9", DecodeError::NonCanonical),
            ("Zm+v", DecodeError::Alphabet),
            ("Zm/v", DecodeError::Alphabet),
            ("Zm9v\n", DecodeError::Alphabet),
            (" Zm9v", DecodeError::Alphabet),
            (" Zm9", DecodeError::Alphabet),
            ("Zm 9v", DecodeError::Alphabet),
            ("Zm8=", DecodeError::Alphabet),
            ("Zm9\u{e9}", DecodeError::Alphabet),
        ] {
            assert_eq!(dec(bad), Err(why), "{bad:?}");
        }
    }

    #[test]
    fn byte_strings_up_to_three_bytes_round_trip_like_base64ct() {
        let mut input = [0u8; 3];
        for len in 0..=3usize {
            // Every 1- and 2-byte string; a prime stride through the 3-byte ones keeps it quick.
            let stride = if len == 3 { 251 } else { 1 };
            for n in (0..(1u32 << (8 * len))).step_by(stride) {
                input[..len].copy_from_slice(&n.to_be_bytes()[4 - len..]);
                let reference = Base64UrlUnpadded::encode_string(&input[..len]);
                let mut out = [0u8; 4];
                let written = encode(&input[..len], &mut out).unwrap();
                assert_eq!(&out[..written], reference.as_bytes());
                assert_eq!(dec(&reference).unwrap(), &input[..len]);
            }
        }
    }

    #[test]
    fn agrees_with_base64ct_on_every_two_and_three_char_string() {
        // Exhaustive over the alphabet plus a few foreign bytes: the canonical-ness rules must
        // match base64ct's exactly.
        let chars: std::vec::Vec<u8> = ALPHABET.iter().copied().chain(*b"=+/ .").collect();
        for &a in &chars {
            for &b in &chars {
                for c in chars.iter().map(Some).chain([None]) {
                    let mut text = std::vec![a, b];
                    text.extend(c.copied());
                    let text = std::string::String::from_utf8(text).unwrap();
                    let ours = dec(&text).ok();
                    let theirs = Base64UrlUnpadded::decode_vec(&text).ok();
                    assert_eq!(ours, theirs, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn small_output_buffer_is_an_error_not_a_truncation() {
        let mut out = [0u8; 5];
        assert_eq!(decode(b"Zm9vYmFy", &mut out), Err(DecodeError::Full));
        assert_eq!(decode(b"Zm9vYmF+", &mut out), Err(DecodeError::Alphabet));
        assert_eq!(encode(b"foobar", &mut out), Err(Failure::Full));
    }
}
