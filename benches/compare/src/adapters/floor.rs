//! `floor`: raw HMAC over the exact signing input and the constant-time tag compare, the least
//! any HMAC JWT verifier must spend. A lower bound, not a competitor.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{KeyInit, Mac};

use crate::claims::{Alg, SECRET};

/// The lower bound for any verifier: the MAC over the exact signing input
/// (pre-keyed HMAC state cloned per call) and the constant-time tag compare.
/// The tag is base64-decoded ONCE at construction, outside the timed loop, and
/// the split at the last '.' is also precomputed: no base64, no JSON, no
/// claim checks are part of the floor.
pub struct Floor<M: Mac + Clone> {
    keyed: M,
    signing_input_len: usize,
    tag: Vec<u8>,
}

impl<M: Mac + Clone + KeyInit> Floor<M> {
    pub fn new(token: &str) -> Self {
        let dot = token.rfind('.').unwrap();
        Floor {
            keyed: <M as KeyInit>::new_from_slice(SECRET).unwrap(),
            signing_input_len: dot,
            tag: B64.decode(&token[dot + 1..]).unwrap(),
        }
    }

    #[inline]
    pub fn verify(&self, token: &str) -> bool {
        let mut m = self.keyed.clone();
        m.update(&token.as_bytes()[..self.signing_input_len]);
        m.verify_slice(&self.tag).is_ok()
    }
}

pub enum AnyFloor {
    Hs256(Floor<hmac::Hmac<sha2::Sha256>>),
    Hs384(Floor<hmac::Hmac<sha2::Sha384>>),
    Hs512(Floor<hmac::Hmac<sha2::Sha512>>),
}

impl AnyFloor {
    /// `tag_source` is the token whose tag is decoded once (the valid token);
    /// to check rejection, build a floor from the flipped token and verify the
    /// valid one's signing input against it.
    pub fn new(alg: Alg, tag_source: &str) -> Self {
        match alg {
            Alg::Hs256 => AnyFloor::Hs256(Floor::new(tag_source)),
            Alg::Hs384 => AnyFloor::Hs384(Floor::new(tag_source)),
            Alg::Hs512 => AnyFloor::Hs512(Floor::new(tag_source)),
        }
    }
    #[inline]
    pub fn verify(&self, token: &str) -> bool {
        match self {
            AnyFloor::Hs256(f) => f.verify(token),
            AnyFloor::Hs384(f) => f.verify(token),
            AnyFloor::Hs512(f) => f.verify(token),
        }
    }
}
