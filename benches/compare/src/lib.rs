//! Shared workload for the cross-crate JWT benchmark (`benches/compare.rs`) and
//! the allocation counter (`tests/allocations.rs`).
//!
//! Everything that is measured lives here, as one adapter per crate with the
//! same shape: `verify(&self, token) -> Result<claims, ()>` and, for signing,
//! `sign(&self) -> token`. The bench and the allocation test call the very
//! same functions, so what is counted is what is timed.
//!
//! See the comment at the top of `benches/compare.rs` for the list of
//! (unavoidable) inequalities between crates.

#![allow(clippy::result_unit_err)] // bench adapters: the error value is irrelevant

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Constants of the workload
// ---------------------------------------------------------------------------

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
    fn mac(self, data: &[u8]) -> Vec<u8> {
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

// ---------------------------------------------------------------------------
// Claims types
// ---------------------------------------------------------------------------

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

// --- Borrowed, allocation-free claims (microjwt and serde_json-borrowing code) ---

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

// --- Owned "custom claims" for crates that parse some registered claims themselves ---

/// jwt-compact parses exp/nbf/iat into `Claims<T>`; the rest is `T`
/// (via `#[serde(flatten)]`), and `T: DeserializeOwned`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct JcCustom {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub: Option<String>,
    pub iss: String,
    pub aud: String,
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

/// Borrowed version of [`JcCustom`] for signing (jwt-compact serializes `&Claims<T>`).
#[derive(Serialize, Clone, Copy, Debug)]
pub struct JcCustomBorrowed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<&'a str>,
    pub iss: &'a str,
    pub aud: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jti: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'a str>,
}

/// jwt-simple parses iat/exp/nbf/iss/sub/aud/jti (and nonce) into
/// `JWTClaims<T>`; the rest is `T` (flattened), `T: DeserializeOwned`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct JsCustom {
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

#[derive(Serialize, Clone, Copy, Debug)]
pub struct JsCustomBorrowed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'a str>,
}

// ---------------------------------------------------------------------------
// Tokens (generated once, by hand: hmac 0.13 + base64, identical bytes for all)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// floor: raw HMAC over the signing input + constant-time compare
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// jsonwebtoken (rust_crypto backend)
// ---------------------------------------------------------------------------

pub struct JsonWebToken {
    dec: jsonwebtoken::DecodingKey,
    enc: jsonwebtoken::EncodingKey,
    validation: jsonwebtoken::Validation,
    header: jsonwebtoken::Header,
}

impl JsonWebToken {
    pub fn alg(alg: Alg) -> jsonwebtoken::Algorithm {
        match alg {
            Alg::Hs256 => jsonwebtoken::Algorithm::HS256,
            Alg::Hs384 => jsonwebtoken::Algorithm::HS384,
            Alg::Hs512 => jsonwebtoken::Algorithm::HS512,
        }
    }
    pub fn new(alg: Alg) -> Self {
        let mut validation = jsonwebtoken::Validation::new(Self::alg(alg));
        validation.leeway = LEEWAY;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_issuer(&[ISS]);
        validation.set_audience(&[AUD]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);
        JsonWebToken {
            dec: jsonwebtoken::DecodingKey::from_secret(SECRET).unwrap(),
            enc: jsonwebtoken::EncodingKey::from_secret(SECRET).unwrap(),
            validation,
            header: jsonwebtoken::Header::new(Self::alg(alg)), // typ: "JWT"
        }
    }
    /// `decode` requires `T: DeserializeOwned`, hence owned `String`s.
    #[inline]
    pub fn verify(&self, token: &str) -> Result<FullOwned, ()> {
        jsonwebtoken::decode::<FullOwned>(token, &self.dec, &self.validation)
            .map(|d| d.claims)
            .map_err(|_| ())
    }
    #[inline]
    pub fn sign(&self, claims: &FullBorrowed<'_>) -> String {
        jsonwebtoken::encode(&self.header, claims, &self.enc).unwrap()
    }
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

// ---------------------------------------------------------------------------
// jwt-compact
// ---------------------------------------------------------------------------

use jwt_compact::AlgorithmExt as _;

pub type JcTime = jwt_compact::TimeOptions<fn() -> chrono::DateTime<chrono::Utc>>;

fn jc_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(NOW as i64, 0).unwrap()
}

pub enum JcKey {
    Hs256(jwt_compact::alg::Hs256Key),
    Hs384(jwt_compact::alg::Hs384Key),
    Hs512(jwt_compact::alg::Hs512Key),
}

pub struct JwtCompact {
    key: JcKey,
    time: JcTime,
    header: jwt_compact::Header,
}

impl JwtCompact {
    pub fn new(alg: Alg) -> Self {
        let key = match alg {
            Alg::Hs256 => JcKey::Hs256(jwt_compact::alg::Hs256Key::new(SECRET)),
            Alg::Hs384 => JcKey::Hs384(jwt_compact::alg::Hs384Key::new(SECRET)),
            Alg::Hs512 => JcKey::Hs512(jwt_compact::alg::Hs512Key::new(SECRET)),
        };
        JwtCompact {
            key,
            time: jwt_compact::TimeOptions::new(chrono::Duration::seconds(LEEWAY as i64), jc_now),
            header: jwt_compact::Header::empty().with_token_type("JWT"),
        }
    }

    /// jwt-compact checks alg + MAC and parses exp/nbf/iat; exp and nbf are
    /// then validated (both required) with the fixed clock; iss/aud are not
    /// known to the crate and are compared here.
    #[inline]
    pub fn verify(&self, token: &str) -> Result<jwt_compact::Claims<JcCustom>, ()> {
        let untrusted = jwt_compact::UntrustedToken::new(token).map_err(|_| ())?;
        let t = match &self.key {
            JcKey::Hs256(k) => jwt_compact::alg::Hs256
                .validator::<JcCustom>(k)
                .validate(&untrusted),
            JcKey::Hs384(k) => jwt_compact::alg::Hs384
                .validator::<JcCustom>(k)
                .validate(&untrusted),
            JcKey::Hs512(k) => jwt_compact::alg::Hs512
                .validator::<JcCustom>(k)
                .validate(&untrusted),
        }
        .map_err(|_| ())?;
        let (_, claims) = t.into_parts();
        claims
            .validate_expiration(&self.time)
            .and_then(|c| c.validate_maturity(&self.time))
            .map_err(|_| ())?;
        if claims.custom.iss != ISS || claims.custom.aud != AUD {
            return Err(());
        }
        Ok(claims)
    }

    #[inline]
    pub fn sign(&self, claims: &jwt_compact::Claims<JcCustomBorrowed<'_>>) -> String {
        match &self.key {
            JcKey::Hs256(k) => jwt_compact::alg::Hs256.token(&self.header, claims, k),
            JcKey::Hs384(k) => jwt_compact::alg::Hs384.token(&self.header, claims, k),
            JcKey::Hs512(k) => jwt_compact::alg::Hs512.token(&self.header, claims, k),
        }
        .unwrap()
    }

    pub fn sign_input(c: &FullBorrowed<'static>) -> jwt_compact::Claims<JcCustomBorrowed<'static>> {
        let mut claims = jwt_compact::Claims::new(JcCustomBorrowed {
            sub: c.sub,
            iss: c.iss,
            aud: c.aud,
            jti: c.jti,
            name: c.name,
            admin: c.admin,
            scope: c.scope,
        });
        let ts = |t: u64| chrono::DateTime::from_timestamp(t as i64, 0).unwrap();
        claims.expiration = Some(ts(c.exp));
        claims.not_before = Some(ts(c.nbf));
        claims.issued_at = c.iat.map(ts);
        claims
    }
}

pub fn digest_jc(c: &jwt_compact::Claims<JcCustom>) -> Digest {
    Digest {
        sub: c.custom.sub.clone(),
        iss: c.custom.iss.clone(),
        aud: c.custom.aud.clone(),
        exp: c.expiration.unwrap().timestamp() as u64,
        nbf: c.not_before.unwrap().timestamp() as u64,
        name: c.custom.name.clone(),
        admin: c.custom.admin,
        roles: c.custom.roles.as_ref().map_or(0, |r| r.len()),
        pad: c.custom.pad.as_ref().map_or(0, |p| p.len()),
    }
}

// ---------------------------------------------------------------------------
// jwt 0.16 (hmac 0.12 / sha2 0.10)
// ---------------------------------------------------------------------------

use jwt::{SignWithKey as _, VerifyWithKey as _};

pub enum JwtKey {
    Hs256(hmac012::Hmac<sha2010::Sha256>),
    Hs384(hmac012::Hmac<sha2010::Sha384>),
    Hs512(hmac012::Hmac<sha2010::Sha512>),
}

pub struct Jwt {
    key: JwtKey,
    alg: jwt::AlgorithmType,
}

impl Jwt {
    pub fn new(alg: Alg) -> Self {
        use hmac012::digest::KeyInit as _;
        let (key, a) = match alg {
            Alg::Hs256 => (
                JwtKey::Hs256(hmac012::Hmac::new_from_slice(SECRET).unwrap()),
                jwt::AlgorithmType::Hs256,
            ),
            Alg::Hs384 => (
                JwtKey::Hs384(hmac012::Hmac::new_from_slice(SECRET).unwrap()),
                jwt::AlgorithmType::Hs384,
            ),
            Alg::Hs512 => (
                JwtKey::Hs512(hmac012::Hmac::new_from_slice(SECRET).unwrap()),
                jwt::AlgorithmType::Hs512,
            ),
        };
        Jwt { key, alg: a }
    }

    /// jwt checks header alg == key alg and the MAC (it deserializes the
    /// claims before the MAC check); it has no claim validation at all, so
    /// exp/nbf (leeway 60 s, fixed NOW) and iss/aud are checked here.
    /// `FromBase64` requires `for<'de> Deserialize<'de>`, hence owned.
    #[inline]
    pub fn verify(&self, token: &str) -> Result<FullOwned, ()> {
        let t: jwt::Token<jwt::Header, FullOwned, jwt::Verified> = match &self.key {
            JwtKey::Hs256(k) => token.verify_with_key(k),
            JwtKey::Hs384(k) => token.verify_with_key(k),
            JwtKey::Hs512(k) => token.verify_with_key(k),
        }
        .map_err(|_| ())?;
        let (_, c) = t.into();
        if c.exp + LEEWAY <= NOW || c.nbf > NOW + LEEWAY || c.iss != ISS || c.aud != AUD {
            return Err(());
        }
        Ok(c)
    }

    #[inline]
    pub fn sign(&self, claims: &FullBorrowed<'_>) -> String {
        // `jwt::Header` is not `Clone`; building it allocates nothing.
        let header = jwt::Header {
            algorithm: self.alg,
            type_: Some(jwt::header::HeaderType::JsonWebToken),
            ..Default::default()
        };
        let t = jwt::Token::new(header, claims);
        let signed = match &self.key {
            JwtKey::Hs256(k) => t.sign_with_key(k),
            JwtKey::Hs384(k) => t.sign_with_key(k),
            JwtKey::Hs512(k) => t.sign_with_key(k),
        }
        .unwrap();
        signed.into()
    }
}

// ---------------------------------------------------------------------------
// jwt-simple (pure-rust)
// ---------------------------------------------------------------------------

use jwt_simple::prelude::MACLike as _;

pub enum JsKey {
    Hs256(jwt_simple::prelude::HS256Key),
    Hs384(jwt_simple::prelude::HS384Key),
    Hs512(jwt_simple::prelude::HS512Key),
}

pub struct JwtSimple {
    key: JsKey,
    options: jwt_simple::prelude::VerificationOptions,
}

pub type JsClaims = jwt_simple::prelude::JWTClaims<JsCustom>;

impl JwtSimple {
    pub fn new(alg: Alg) -> Self {
        use jwt_simple::prelude::*;
        let key = match alg {
            Alg::Hs256 => JsKey::Hs256(HS256Key::from_bytes(SECRET)),
            Alg::Hs384 => JsKey::Hs384(HS384Key::from_bytes(SECRET)),
            Alg::Hs512 => JsKey::Hs512(HS512Key::from_bytes(SECRET)),
        };
        let options = VerificationOptions {
            allowed_issuers: Some(std::collections::HashSet::from([ISS.to_string()])),
            allowed_audiences: Some(std::collections::HashSet::from([AUD.to_string()])),
            time_tolerance: Some(Duration::from_secs(LEEWAY)),
            artificial_time: Some(UnixTimeStamp::from_secs(NOW)),
            ..Default::default()
        };
        JwtSimple { key, options }
    }

    /// `verify_token` takes `Option<VerificationOptions>` BY VALUE, so the
    /// options (two HashSets) are cloned per call: that is its API's cost.
    /// jwt-simple checks exp/nbf only when present, so their presence is
    /// checked here (the others require them).
    #[inline]
    pub fn verify(&self, token: &str) -> Result<JsClaims, ()> {
        let opts = Some(self.options.clone());
        let c: JsClaims = match &self.key {
            JsKey::Hs256(k) => k.verify_token(token, opts),
            JsKey::Hs384(k) => k.verify_token(token, opts),
            JsKey::Hs512(k) => k.verify_token(token, opts),
        }
        .map_err(|_| ())?;
        if c.expires_at.is_none() || c.invalid_before.is_none() {
            return Err(());
        }
        Ok(c)
    }

    /// `authenticate` takes `JWTClaims<T>` by value (its registered claims are
    /// `Option<String>`s): the prepared claims are cloned per call.
    #[inline]
    pub fn sign(&self, claims: &jwt_simple::prelude::JWTClaims<JsCustomBorrowed<'_>>) -> String {
        let c = claims.clone();
        match &self.key {
            JsKey::Hs256(k) => k.authenticate(c),
            JsKey::Hs384(k) => k.authenticate(c),
            JsKey::Hs512(k) => k.authenticate(c),
        }
        .unwrap()
    }

    pub fn sign_input(
        c: &FullBorrowed<'static>,
    ) -> jwt_simple::prelude::JWTClaims<JsCustomBorrowed<'static>> {
        use jwt_simple::prelude::*;
        let mut claims = Claims::with_custom_claims(
            JsCustomBorrowed {
                name: c.name,
                admin: c.admin,
                scope: c.scope,
            },
            Duration::from_secs(1),
        );
        claims.issued_at = c.iat.map(UnixTimeStamp::from_secs);
        claims.expires_at = Some(UnixTimeStamp::from_secs(c.exp));
        claims.invalid_before = Some(UnixTimeStamp::from_secs(c.nbf));
        claims.issuer = Some(c.iss.to_string());
        claims.subject = c.sub.map(str::to_string);
        claims.audiences = Some(Audiences::AsString(c.aud.to_string()));
        claims.jwt_id = c.jti.map(str::to_string);
        claims.nonce = None;
        claims
    }
}

pub fn digest_js(c: &JsClaims) -> Digest {
    use jwt_simple::prelude::Audiences;
    Digest {
        sub: c.subject.clone(),
        iss: c.issuer.clone().unwrap_or_default(),
        aud: match &c.audiences {
            Some(Audiences::AsString(s)) => s.clone(),
            _ => String::new(),
        },
        exp: c.expires_at.unwrap().as_secs(),
        nbf: c.invalid_before.unwrap().as_secs(),
        name: c.custom.name.clone(),
        admin: c.custom.admin,
        roles: c.custom.roles.as_ref().map_or(0, |r| r.len()),
        pad: c.custom.pad.as_ref().map_or(0, |p| p.len()),
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

// ---------------------------------------------------------------------------
// microjwt (the crate under test)
// ---------------------------------------------------------------------------

/// microjwt parses the registered claims (iss, sub, aud, exp, nbf, iat, jti)
/// itself, borrowed from the scratch buffer; the caller's type gets the rest,
/// borrowed too (no allocation anywhere).
#[derive(Deserialize, Clone, Copy, Debug)]
pub struct MjCustom<'a> {
    #[serde(default, borrow)]
    pub name: Option<&'a str>,
    #[serde(default)]
    pub admin: Option<bool>,
    #[serde(default, borrow)]
    pub scope: Option<&'a str>,
    #[serde(default, borrow)]
    pub roles: Option<Roles<'a>>,
    #[serde(default, borrow)]
    pub pad: Option<&'a str>,
}

pub enum MjKey {
    Hs256(microjwt::HmacKey<microjwt::Hs256>),
    Hs384(microjwt::HmacKey<microjwt::Hs384>),
    Hs512(microjwt::HmacKey<microjwt::Hs512>),
}

pub struct MicroJwt {
    key: MjKey,
    validation: microjwt::Validation<'static>,
}

/// Room for the 16 KiB-payload token of the size sweep (default cap: 8 KiB).
pub const MJ_MAX_TOKEN_LEN: usize = 64 * 1024;

impl MicroJwt {
    pub fn new(alg: Alg) -> Self {
        let key = match alg {
            Alg::Hs256 => MjKey::Hs256(microjwt::HmacKey::new(SECRET).unwrap()),
            Alg::Hs384 => MjKey::Hs384(microjwt::HmacKey::new(SECRET).unwrap()),
            Alg::Hs512 => MjKey::Hs512(microjwt::HmacKey::new(SECRET).unwrap()),
        };
        // exp is required by default; nbf is required explicitly to match the
        // peers; issuer()/audience() make iss/aud required and matched.
        let validation = microjwt::Validation::new(NOW)
            .leeway(LEEWAY)
            .issuer(ISS)
            .audience(&[AUD])
            .require(microjwt::Claim::Nbf)
            .max_token_len(MJ_MAX_TOKEN_LEN);
        MicroJwt { key, validation }
    }

    /// A scratch buffer big enough for `token` (allocated once, outside any timed loop).
    pub fn scratch_for(token: &str) -> Vec<u8> {
        vec![0u8; microjwt::scratch_len(token.len())]
    }

    #[inline]
    pub fn verify<'s>(
        &self,
        token: &str,
        scratch: &'s mut [u8],
    ) -> Result<microjwt::Claims<'s, MjCustom<'s>>, microjwt::Error> {
        match &self.key {
            MjKey::Hs256(k) => microjwt::verify(k, token, &self.validation, scratch),
            MjKey::Hs384(k) => microjwt::verify(k, token, &self.validation, scratch),
            MjKey::Hs512(k) => microjwt::verify(k, token, &self.validation, scratch),
        }
    }

    /// Writes the token into `buf` (microjwt's design: no `String`).
    #[inline]
    pub fn sign<'b>(&self, claims: &FullBorrowed<'_>, buf: &'b mut [u8]) -> &'b str {
        match &self.key {
            MjKey::Hs256(k) => microjwt::sign(k, claims, buf),
            MjKey::Hs384(k) => microjwt::sign(k, claims, buf),
            MjKey::Hs512(k) => microjwt::sign(k, claims, buf),
        }
        .unwrap()
    }
}

pub fn digest_mj(c: &microjwt::Claims<'_, MjCustom<'_>>) -> Digest {
    let r = c.registered();
    let u = c.custom();
    Digest {
        sub: r.sub().map(str::to_string),
        iss: r.iss().unwrap_or_default().to_string(),
        aud: r
            .aud()
            .and_then(|a| a.iter().next())
            .unwrap_or_default()
            .to_string(),
        exp: r.exp().unwrap().secs(),
        nbf: r.nbf().unwrap().secs(),
        name: u.name.map(str::to_string),
        admin: u.admin,
        roles: u.roles.map_or(0, |r| r.len),
        pad: u.pad.map_or(0, str::len),
    }
}
