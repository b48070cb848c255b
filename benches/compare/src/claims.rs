//! The workload every adapter is given: the constants (secret, issuer, audience, clock), the
//! algorithms, the claims of each payload shape (owned, and borrowed without allocation), and the
//! `Digest` a verify is reduced to so that the pre-bench check can compare what each crate read.

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};

/// One 64-byte secret for every algorithm (>= block size of SHA-256, < block
/// size of SHA-384/512; no crate hashes the key down).
pub const SECRET: &[u8; 64] = b"microjwt-compare-secret-0123456789-abcdefghijklmnopqrstuvwxyz!!!";
pub const ISS: &str = "https://issuer.example";
pub const AUD: &str = "api";
pub const IAT: u64 = 1_700_000_000;
pub const NBF: u64 = 1_700_000_000;
/// Far in the future: `jsonwebtoken` cannot be given a fixed "now" and always
/// reads the system clock, so `exp` must be valid for real time too.
pub const EXP: u64 = 4_000_000_000;
/// The fixed "now" handed to every crate that accepts one (inside [nbf, exp)).
pub const NOW: u64 = 1_800_000_000;
pub const LEEWAY: u64 = 60;

/// Payload sizes (bytes of claims JSON, before base64) for `verify/hs256/size`.
/// 64 B cannot hold the four validated claims (iss, aud, exp, nbf need 87 B
/// with an empty filler), so the first point is the smallest possible payload.
pub const SIZE_TARGETS: [usize; 5] = [64, 256, 1024, 4096, 16384];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Hs256,
    Hs384,
    Hs512,
}

impl Alg {
    pub fn name(self) -> &'static str {
        match self {
            Alg::Hs256 => "HS256",
            Alg::Hs384 => "HS384",
            Alg::Hs512 => "HS512",
        }
    }
    pub fn lower(self) -> &'static str {
        match self {
            Alg::Hs256 => "hs256",
            Alg::Hs384 => "hs384",
            Alg::Hs512 => "hs512",
        }
    }
    pub(crate) fn mac(self, data: &[u8]) -> Vec<u8> {
        fn m<M: Mac + KeyInit>(data: &[u8]) -> Vec<u8> {
            let mut mac = <M as KeyInit>::new_from_slice(SECRET).unwrap();
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            Alg::Hs256 => m::<hmac::Hmac<sha2::Sha256>>(data),
            Alg::Hs384 => m::<hmac::Hmac<sha2::Sha384>>(data),
            Alg::Hs512 => m::<hmac::Hmac<sha2::Sha512>>(data),
        }
    }
}

/// Which payload a token carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// ~250 B: sub, iss, aud, exp, iat, nbf, jti, name, admin, scope.
    Small,
    /// ~1 KiB: Small + `roles`, 40 short strings.
    Large,
    /// iss, aud, exp, nbf + `pad` filler string (size sweep).
    Sized,
}

pub fn roles() -> Vec<String> {
    (0..40).map(|i| format!("role:svc-{i:02}:read")).collect()
}

/// Owned generator / reference struct. Field order = JSON order of the tokens.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FullOwned {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub: Option<String>,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub iat: Option<u64>,
    pub nbf: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pad: Option<String>,
}

pub fn small_claims() -> FullOwned {
    FullOwned {
        sub: Some("user-1234567890".into()),
        iss: ISS.into(),
        aud: AUD.into(),
        exp: EXP,
        iat: Some(IAT),
        nbf: NBF,
        jti: Some("0f8e2a4c-5b6d-4e7f-8a9b-0c1d2e3f4a5b".into()),
        name: Some("Jane Q. Example-Userperson".into()),
        admin: Some(true),
        scope: Some("openid profile email read:orders".into()),
        roles: None,
        pad: None,
    }
}

pub fn large_claims() -> FullOwned {
    FullOwned {
        roles: Some(roles()),
        ..small_claims()
    }
}

pub fn sized_claims(target: usize) -> FullOwned {
    let mut c = FullOwned {
        sub: None,
        iss: ISS.into(),
        aud: AUD.into(),
        exp: EXP,
        iat: None,
        nbf: NBF,
        jti: None,
        name: None,
        admin: None,
        scope: None,
        roles: None,
        pad: Some(String::new()),
    };
    let base = serde_json::to_vec(&c).unwrap().len();
    if target > base {
        c.pad = Some("x".repeat(target - base));
    }
    c
}

/// Fixed-capacity list of borrowed strings: lets an allocation-free
/// deserializer (serde-json-core) read the 40 roles without a `Vec`.
#[derive(Clone, Copy, Debug)]
pub struct Roles<'a> {
    pub items: [&'a str; 48],
    pub len: usize,
}

impl<'a> Roles<'a> {
    pub fn as_slice(&self) -> &[&'a str] {
        &self.items[..self.len]
    }
}

impl Serialize for Roles<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Roles<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(core::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Roles<'a>;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("an array of at most 48 strings")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Roles<'a>, A::Error> {
                let mut r = Roles {
                    items: [""; 48],
                    len: 0,
                };
                while let Some(s) = seq.next_element::<&'de str>()? {
                    if r.len == r.items.len() {
                        return Err(serde::de::Error::invalid_length(r.len + 1, &self));
                    }
                    r.items[r.len] = s;
                    r.len += 1;
                }
                Ok(r)
            }
        }
        d.deserialize_seq(V(core::marker::PhantomData))
    }
}

/// All claims of the small / large / sized payloads, borrowed from the input.
/// (Used for signing by every crate whose API takes `&impl Serialize`.)
#[derive(Serialize, Deserialize, Clone, Copy, Debug)]
pub struct FullBorrowed<'a> {
    #[serde(skip_serializing_if = "Option::is_none", default, borrow)]
    pub sub: Option<&'a str>,
    pub iss: &'a str,
    pub aud: &'a str,
    pub exp: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub iat: Option<u64>,
    pub nbf: u64,
    #[serde(skip_serializing_if = "Option::is_none", default, borrow)]
    pub jti: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", default, borrow)]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none", default, borrow)]
    pub scope: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none", default, borrow)]
    pub roles: Option<Roles<'a>>,
    #[serde(skip_serializing_if = "Option::is_none", default, borrow)]
    pub pad: Option<&'a str>,
}

/// The small claims, borrowed from `'static` data (sign input).
pub fn small_claims_borrowed() -> FullBorrowed<'static> {
    let c: &'static FullOwned = Box::leak(Box::new(small_claims()));
    FullBorrowed {
        sub: c.sub.as_deref(),
        iss: &c.iss,
        aud: &c.aud,
        exp: c.exp,
        iat: c.iat,
        nbf: c.nbf,
        jti: c.jti.as_deref(),
        name: c.name.as_deref(),
        admin: c.admin,
        scope: c.scope.as_deref(),
        roles: None,
        pad: None,
    }
}

/// What a successful verify yields, reduced to a comparable value so the
/// pre-bench check can assert every crate decoded the same claims.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub sub: Option<String>,
    pub iss: String,
    pub aud: String,
    pub exp: u64,
    pub nbf: u64,
    pub name: Option<String>,
    pub admin: Option<bool>,
    pub roles: usize,
    pub pad: usize,
}

pub fn digest_full(c: &FullOwned) -> Digest {
    Digest {
        sub: c.sub.clone(),
        iss: c.iss.clone(),
        aud: c.aud.clone(),
        exp: c.exp,
        nbf: c.nbf,
        name: c.name.clone(),
        admin: c.admin,
        roles: c.roles.as_ref().map_or(0, |r| r.len()),
        pad: c.pad.as_ref().map_or(0, |p| p.len()),
    }
}

/// Reference digest of a case's claims.
pub fn expected_digest(shape: Shape, target: usize) -> Digest {
    let c = match shape {
        Shape::Small => small_claims(),
        Shape::Large => large_claims(),
        Shape::Sized => sized_claims(target),
    };
    digest_full(&c)
}
