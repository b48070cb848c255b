//! The tokens of the benchmark, hand-assembled once with hmac 0.13 + base64 (identical bytes for
//! every crate), and the invalid variants every crate must reject before it is timed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

use crate::claims::{Alg, FullOwned, Shape, large_claims, sized_claims, small_claims};

pub fn header_json(alg: Alg) -> String {
    format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name())
}

/// Hand-assembles `b64(header).b64(payload).b64(HMAC(secret, signing input))`.
pub fn make_token(alg: Alg, payload_json: &[u8]) -> String {
    let mut s = B64.encode(header_json(alg));
    s.push('.');
    s.push_str(&B64.encode(payload_json));
    let tag = alg.mac(s.as_bytes());
    s.push('.');
    s.push_str(&B64.encode(tag));
    s
}

/// The same token with bit 0 of the first signature byte flipped (re-encoded,
/// so the base64 stays canonical and only the MAC check can reject it).
pub fn flip_signature_bit(token: &str) -> String {
    let dot = token.rfind('.').unwrap();
    let mut tag = B64.decode(&token[dot + 1..]).unwrap();
    tag[0] ^= 1;
    format!("{}.{}", &token[..dot], B64.encode(tag))
}

/// A token in the benchmark: the valid one plus invalid variants, each of which
/// every crate must reject (checked once before benchmarking).
#[derive(Clone, Debug)]
pub struct Case {
    pub alg: Alg,
    pub shape: Shape,
    pub payload_len: usize,
    pub token: String,
    /// (what is wrong, token)
    pub bad: Vec<(&'static str, String)>,
}

pub fn make_case(alg: Alg, shape: Shape, claims: &FullOwned) -> Case {
    let payload = serde_json::to_vec(claims).unwrap();
    let token = make_token(alg, &payload);
    let variant = |f: &dyn Fn(&mut FullOwned)| {
        let mut c = claims.clone();
        f(&mut c);
        make_token(alg, &serde_json::to_vec(&c).unwrap())
    };
    let bad = vec![
        ("flipped signature bit", flip_signature_bit(&token)),
        (
            "wrong iss",
            variant(&|c| c.iss = "https://evil.example".into()),
        ),
        ("wrong aud", variant(&|c| c.aud = "other-api".into())),
        // Expired for the fixed NOW *and* for the real clock (jsonwebtoken).
        ("expired", variant(&|c| c.exp = 1_000_000_000)),
        // Not yet valid for the fixed NOW *and* for the real clock.
        ("not yet valid", variant(&|c| c.nbf = 3_900_000_000)),
        ("wrong alg (signed with another HS alg)", {
            let other = if alg == Alg::Hs256 {
                Alg::Hs512
            } else {
                Alg::Hs256
            };
            make_token(other, &payload)
        }),
    ];
    Case {
        alg,
        shape,
        payload_len: payload.len(),
        token,
        bad,
    }
}

pub fn small_case(alg: Alg) -> Case {
    make_case(alg, Shape::Small, &small_claims())
}
pub fn large_case(alg: Alg) -> Case {
    make_case(alg, Shape::Large, &large_claims())
}
pub fn sized_case(alg: Alg, target: usize) -> Case {
    make_case(alg, Shape::Sized, &sized_claims(target))
}
