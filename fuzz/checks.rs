//! The checks behind every fuzz target, in one place.
//!
//! This file is the library of the `fuzz/` crate (each `fuzz_targets/<name>.rs` calls
//! `microjwt_fuzz::<name>(data)`) and is also included by `tests/fuzz_replay.rs` with
//! `#[path = "../fuzz/checks.rs"] mod checks;`, which replays every committed corpus and
//! regression file on stable in the normal test suite. So there is exactly one definition of
//! what each target asserts. It may only use crates that both the fuzz crate and the library's
//! dev-dependencies provide: `microjwt`, `serde`, `serde_json`, `base64ct` (with `alloc`).
//!
//! Every check panics (so libFuzzer reports a crash) when microjwt panics, returns `Ok` where an
//! independent oracle says it must fail, or returns an error the oracle cannot explain. The
//! oracles are written from the RFCs and microjwt's documentation, not from its code:
//!
//! - [`oracle::parse`], a small strict RFC 8259 parser that also reports duplicate member names
//!   and nesting deeper than [`microjwt::MAX_DEPTH`], itself cross-checked against `serde_json`
//!   on every input it sees;
//! - [`oracle::numeric_date`], an exact decimal reading of NumericDate (RFC 7519 §2) in
//!   nanoseconds, rounded up;
//! - [`Policy::reasons`], the validation rules of `Validation` as documented;
//! - `HmacKey::verify_mac` over the signature decoded with `base64ct`, for "was the MAC right".

#![allow(
    dead_code,
    missing_docs,
    missing_debug_implementations,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::missing_panics_doc,
    clippy::missing_errors_doc,
    clippy::collapsible_if
)]

use std::collections::BTreeMap;

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{
    Algorithm, Claim, Error, HeaderOptions, HmacKey, Hs256, Hs384, Hs512, KeySet, RegisteredClaims,
    UntrustedToken, Validation, scratch_len,
};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::oracle::J;

/// The fuzz targets, which are also the folder names under `fuzz/corpus/` and
/// `fuzz/regressions/`.
pub const TARGETS: [&str; 4] = ["verify_token", "header", "claims", "roundtrip"];

/// Runs the check of `target` on `data`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "verify_token" => verify_token(data),
        "header" => header(data),
        "claims" => claims(data),
        "roundtrip" => roundtrip(data),
        other => panic!("unknown fuzz target {other:?}"),
    }
}

/// The fixed secret of the `verify_token` and `claims` targets (and key `a` of `header`).
pub const SECRET: &[u8; 32] = b"microjwt fuzzing secret, 32 byte";
/// Key `b` of the `header` target's key set.
pub const SECRET_B: &[u8; 32] = b"another fuzzing secret, 32 bytes";
/// The validation time used wherever a clock is set.
pub const NOW: u64 = 1_700_000_000;
/// `{"alg":"HS256"}`, the header of the `claims` target.
pub const HS256_HEADER: &str = "eyJhbGciOiJIUzI1NiJ9";

pub fn key() -> HmacKey<Hs256> {
    HmacKey::new(SECRET).unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// `b64(header).b64(payload).b64(mac)`, MACed with `HmacKey::mac` (not with `sign`).
pub fn assemble<A: Algorithm>(key: &HmacKey<A>, header_b64: &str, payload_b64: &str) -> String {
    let signing_input = format!("{header_b64}.{payload_b64}");
    let tag = key.mac(signing_input.as_bytes());
    format!("{signing_input}.{}", b64(tag.as_bytes()))
}

fn scratch_for(token: &str) -> Vec<u8> {
    vec![0u8; scratch_len(token.len())]
}

/// `scratch_len` is documented as always enough, so `BufferTooSmall` from `verify` is a bug.
fn no_buffer_error<T>(what: &str, token: &str, r: &Result<T, Error>) {
    if let Err(e @ Error::BufferTooSmall { .. }) = r {
        panic!(
            "{what}: {e:?} with a scratch of scratch_len({}) for {token:?}",
            token.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Claims types the targets deserialize into.
// ---------------------------------------------------------------------------------------------

/// A caller type with borrowed strings, options, integers, floats, an array, a tuple, a nested
/// struct and an enum: the shapes `claims` and `verify_token` deserialize arbitrary payloads into.
#[derive(Debug, Deserialize)]
pub struct Borrowed<'a> {
    #[serde(borrow)]
    iss: Option<&'a str>,
    #[serde(borrow)]
    sub: Option<&'a str>,
    exp: Option<f64>,
    #[serde(borrow)]
    name: Option<&'a str>,
    n: Option<u64>,
    i: Option<i32>,
    f: Option<f64>,
    b: Option<bool>,
    arr: Option<[u8; 3]>,
    #[serde(borrow)]
    pair: Option<(&'a str, i64)>,
    #[serde(borrow)]
    nested: Option<Nested<'a>>,
    #[serde(borrow)]
    kind: Option<Kind<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct Nested<'a> {
    a: &'a str,
    b: Option<i64>,
    #[serde(default)]
    c: bool,
}

#[derive(Debug, Deserialize)]
pub enum Kind<'a> {
    Unit,
    New(&'a str),
    Tup(u8, u8),
    Rec { x: i32 },
}

// ---------------------------------------------------------------------------------------------
// Validation policies and their oracle.
// ---------------------------------------------------------------------------------------------

/// A `Validation`, described as data so the oracle can apply the same rules independently.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub now: Option<u64>,
    pub leeway: u64,
    pub issuer: Option<&'static str>,
    pub audience: Option<&'static [&'static str]>,
    pub subject: Option<&'static str>,
    pub require_jti: bool,
    pub issued_after: Option<u64>,
    pub skip_time: bool,
    pub ignore_audience: bool,
    pub allow_missing_exp: bool,
    pub max_len: Option<usize>,
    /// Revoke tokens whose `jti` is `"revoked"`.
    pub revoke: bool,
}

fn revoke_hook(claims: &RegisteredClaims<'_>) -> bool {
    claims.jti() == Some("revoked")
}

static REVOKE: fn(&RegisteredClaims<'_>) -> bool = revoke_hook;

impl Policy {
    pub const STRICT: Policy = Policy {
        now: Some(NOW),
        leeway: 0,
        issuer: None,
        audience: None,
        subject: None,
        require_jti: false,
        issued_after: None,
        skip_time: false,
        ignore_audience: false,
        allow_missing_exp: false,
        max_len: None,
        revoke: false,
    };

    /// Accepts every well-formed claims set: no clock, no audience check, no length cap.
    pub const PERMISSIVE: Policy = Policy {
        now: None,
        skip_time: true,
        ignore_audience: true,
        allow_missing_exp: true,
        max_len: Some(usize::MAX),
        ..Policy::STRICT
    };

    /// The set `claims` runs: the permissive one first.
    pub const ALL: [Policy; 6] = [
        Policy::PERMISSIVE,
        Policy::STRICT,
        Policy {
            now: Some(1_000_000_000),
            leeway: 60,
            issuer: Some("iss"),
            audience: Some(&["a", "b"]),
            ..Policy::STRICT
        },
        Policy {
            now: None,
            allow_missing_exp: true,
            ..Policy::STRICT
        },
        Policy {
            now: Some(0),
            leeway: u64::MAX,
            subject: Some("s"),
            require_jti: true,
            issued_after: Some(5),
            revoke: true,
            ignore_audience: true,
            ..Policy::STRICT
        },
        Policy {
            now: Some(u64::MAX),
            allow_missing_exp: true,
            ignore_audience: true,
            ..Policy::STRICT
        },
    ];

    pub fn validation(&self) -> Validation<'static> {
        let mut v = match self.now {
            Some(now) => Validation::new(now),
            None => Validation::time_unknown(),
        };
        v = v.leeway(self.leeway);
        if let Some(iss) = self.issuer {
            v = v.issuer(iss);
        }
        if let Some(aud) = self.audience {
            v = v.audience(aud);
        }
        if let Some(sub) = self.subject {
            v = v.subject(sub);
        }
        if self.require_jti {
            v = v.require(Claim::Jti);
        }
        if let Some(cutoff) = self.issued_after {
            v = v.issued_after(cutoff);
        }
        if self.skip_time {
            v = v.danger_skip_time_checks();
        }
        if self.ignore_audience {
            v = v.danger_ignore_audience();
        }
        if self.allow_missing_exp {
            v = v.danger_allow_missing_exp();
        }
        if let Some(max) = self.max_len {
            v = v.max_token_len(max);
        }
        if self.revoke {
            v = v.revocation(&REVOKE);
        }
        v
    }

    fn max_len(&self) -> usize {
        self.max_len.unwrap_or(microjwt::DEFAULT_MAX_TOKEN_LEN)
    }

    /// Every documented check that `claims` fails under this policy (empty: must verify).
    pub fn reasons(&self, claims: &Registered) -> Vec<Error> {
        let mut out = Vec::new();
        let required = [
            (Claim::Iss, self.issuer.is_some(), claims.iss.is_some()),
            (Claim::Sub, self.subject.is_some(), claims.sub.is_some()),
            (Claim::Aud, self.audience.is_some(), claims.aud.is_some()),
            (
                Claim::Exp,
                !self.allow_missing_exp && !self.skip_time,
                claims.exp.is_some(),
            ),
            (
                Claim::Iat,
                self.issued_after.is_some(),
                claims.iat.is_some(),
            ),
            (Claim::Jti, self.require_jti, claims.jti.is_some()),
        ];
        for (claim, needed, present) in required {
            if needed && !present {
                out.push(Error::MissingClaim(claim));
            }
        }
        let ceil = |(secs, nanos): (u64, u32)| secs.saturating_add(u64::from(nanos > 0));
        if !self.skip_time {
            match self.now {
                None => {
                    if claims.exp.is_some() || claims.nbf.is_some() {
                        out.push(Error::TimeUnknown);
                    }
                }
                Some(now) => {
                    if let Some(exp) = claims.exp {
                        if now >= ceil(exp).saturating_add(self.leeway) {
                            out.push(Error::Expired {
                                exp: ceil(exp),
                                now,
                            });
                        }
                    }
                    if let Some(nbf) = claims.nbf {
                        if ceil(nbf) > now.saturating_add(self.leeway) {
                            out.push(Error::NotYetValid {
                                nbf: ceil(nbf),
                                now,
                            });
                        }
                    }
                }
            }
        }
        if let (Some(cutoff), Some(iat)) = (self.issued_after, claims.iat) {
            if ceil(iat) < cutoff {
                out.push(Error::IssuedBeforeCutoff {
                    iat: ceil(iat),
                    cutoff,
                });
            }
        }
        if let Some(iss) = self.issuer {
            if claims.iss.as_deref() != Some(iss) {
                out.push(Error::IssuerMismatch);
            }
        }
        match (self.audience, &claims.aud) {
            (Some(expected), Some(aud)) if !expected.iter().any(|e| aud.iter().any(|a| a == e)) => {
                out.push(Error::AudienceMismatch);
            }
            (None, Some(_)) if !self.ignore_audience => out.push(Error::AudienceMismatch),
            _ => {}
        }
        if let Some(sub) = self.subject {
            if claims.sub.as_deref() != Some(sub) {
                out.push(Error::SubjectMismatch);
            }
        }
        if self.revoke && claims.jti.as_deref() == Some("revoked") {
            out.push(Error::Revoked);
        }
        out
    }
}

/// The registered claims as the oracle reads them from the payload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Registered {
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub aud: Option<Vec<String>>,
    pub exp: Option<(u64, u32)>,
    pub nbf: Option<(u64, u32)>,
    pub iat: Option<(u64, u32)>,
    pub jti: Option<String>,
}

impl Registered {
    /// Reads the registered claims of a top-level object; `Err` lists every ill-typed one
    /// (microjwt must then fail with `InvalidClaim` of one of them).
    pub fn read(members: &[(String, J)]) -> Result<Self, Vec<Error>> {
        let mut out = Registered::default();
        let mut bad = Vec::new();
        for (name, value) in members {
            let claim = match name.as_str() {
                "iss" => Claim::Iss,
                "sub" => Claim::Sub,
                "aud" => Claim::Aud,
                "exp" => Claim::Exp,
                "nbf" => Claim::Nbf,
                "iat" => Claim::Iat,
                "jti" => Claim::Jti,
                _ => continue,
            };
            let ok = match (claim, value) {
                (Claim::Iss, J::Str(s)) => {
                    out.iss = Some(s.clone());
                    true
                }
                (Claim::Sub, J::Str(s)) => {
                    out.sub = Some(s.clone());
                    true
                }
                (Claim::Jti, J::Str(s)) => {
                    out.jti = Some(s.clone());
                    true
                }
                (Claim::Aud, J::Str(s)) => {
                    out.aud = Some(vec![s.clone()]);
                    true
                }
                (Claim::Aud, J::Arr(items)) => {
                    let strings: Option<Vec<String>> = items
                        .iter()
                        .map(|i| match i {
                            J::Str(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect();
                    out.aud = strings;
                    out.aud.is_some()
                }
                (Claim::Exp | Claim::Nbf | Claim::Iat, J::Num(text)) => {
                    match oracle::numeric_date(text) {
                        Some(date) => {
                            *match claim {
                                Claim::Exp => &mut out.exp,
                                Claim::Nbf => &mut out.nbf,
                                _ => &mut out.iat,
                            } = Some(date);
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            };
            if !ok {
                bad.push(Error::InvalidClaim(claim));
            }
        }
        if bad.is_empty() { Ok(out) } else { Err(bad) }
    }

    /// Asserts that microjwt's registered claims are exactly these.
    pub fn assert_same(&self, got: &RegisteredClaims<'_>, context: &dyn std::fmt::Debug) {
        let date = |d: Option<microjwt::NumericDate>| d.map(|d| (d.secs(), d.subsec_nanos()));
        let got_aud: Option<Vec<String>> = got.aud().map(|a| a.iter().map(str::to_owned).collect());
        assert_eq!(got.iss(), self.iss.as_deref(), "iss of {context:?}");
        assert_eq!(got.sub(), self.sub.as_deref(), "sub of {context:?}");
        assert_eq!(got.jti(), self.jti.as_deref(), "jti of {context:?}");
        assert_eq!(got_aud, self.aud, "aud of {context:?}");
        assert_eq!(date(got.exp()), self.exp, "exp of {context:?}");
        assert_eq!(date(got.nbf()), self.nbf, "nbf of {context:?}");
        assert_eq!(date(got.iat()), self.iat, "iat of {context:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Target `claims`: arbitrary payload bytes behind a genuine MAC.
// ---------------------------------------------------------------------------------------------

/// What the oracle says about a payload under one policy, for `verify::<IgnoredAny>`.
#[derive(Debug)]
enum Expect {
    /// Must verify, with these registered claims.
    Ok(Registered),
    /// Must fail with one of these.
    OneOf(Vec<Error>),
    /// Not valid JSON, duplicate names, too deep, not UTF-8: must fail with a JSON-ish error or,
    /// when the payload starts with a valid object followed by garbage, with one of `also` (the
    /// errors that object earns on its own: validation runs when the object closes).
    Invalid { also: Vec<Error> },
}

/// The `claims` target: `data` is the payload; the token around it is genuine (MACed with the
/// fixed key via `HmacKey::mac`), so everything behind the MAC is reached. `verify` runs with
/// several claims types and validations and must never panic; its outcome must be what the
/// oracles say (see the module docs), and `Ok` must come with exactly the registered claims the
/// oracle parser reads (which is itself checked against `serde_json`).
pub fn claims(data: &[u8]) {
    let token = assemble(&key(), HS256_HEADER, &b64(data));
    if data.is_empty() {
        // An empty segment is not compact serialization as microjwt documents it.
        let mut scratch = scratch_for(&token);
        let r = microjwt::verify::<IgnoredAny>(
            &key(),
            &token,
            &Policy::PERMISSIVE.validation(),
            &mut scratch,
        );
        assert_eq!(r.err(), Some(Error::Malformed));
        return;
    }
    let parsed = oracle::parse(data);
    oracle::agrees_with_serde_json(data, &parsed);
    check_payload(&key(), &token, data, &parsed);
}

/// The shared body of `claims` (and of `verify_token` for genuine tokens with the
/// `{"alg":"HS256"}` header): `token`'s payload is `data`, its MAC is right for `key`.
fn check_payload(key: &HmacKey<Hs256>, token: &str, data: &[u8], parsed: &Result<J, oracle::Bad>) {
    let key = key.clone();
    let members = match parsed {
        Ok(J::Obj(members)) => Some(members.as_slice()),
        _ => None,
    };
    let registered = members.map(Registered::read);
    // `verify_jws` reads no claims: the payload comes back byte for byte.
    {
        let mut scratch = scratch_for(token);
        let r = microjwt::verify_jws(&key, token, &Policy::PERMISSIVE.validation(), &mut scratch);
        no_buffer_error("verify_jws", token, &r);
        assert_eq!(
            r.map(|j| j.payload().to_vec()),
            Ok(data.to_vec()),
            "verify_jws"
        );
    }

    for (index, policy) in Policy::ALL.iter().enumerate() {
        let validation = policy.validation();
        let expect = if token.len() > policy.max_len() {
            Expect::OneOf(vec![Error::TokenTooLarge {
                len: token.len(),
                max: policy.max_len(),
            }])
        } else {
            match (&parsed, &registered) {
                (Err(_), _) => Expect::Invalid {
                    also: match oracle::parse_prefix(data) {
                        Some(J::Obj(members)) => match Registered::read(&members) {
                            Ok(reg) => policy.reasons(&reg),
                            Err(bad) => bad,
                        },
                        _ => Vec::new(),
                    },
                },
                (Ok(_), None) => Expect::OneOf(vec![Error::NotAnObject]),
                (Ok(_), Some(Err(bad))) => Expect::OneOf(bad.clone()),
                (Ok(_), Some(Ok(reg))) => {
                    let reasons = policy.reasons(reg);
                    if reasons.is_empty() {
                        Expect::Ok(reg.clone())
                    } else {
                        Expect::OneOf(reasons)
                    }
                }
            }
        };
        let context = (index, policy, &expect, token);

        // `IgnoredAny` and `()`: registered claims only; the outcome is exactly the oracle's.
        let mut scratch = scratch_for(token);
        let any = microjwt::verify::<IgnoredAny>(&key, token, &validation, &mut scratch);
        no_buffer_error("verify::<IgnoredAny>", token, &any);
        check_expect(&expect, any.as_ref().map(|c| c.registered()), &context);
        let any_ok = any.is_ok();
        if index == 0 {
            let mut scratch = scratch_for(token);
            let unit = microjwt::verify::<()>(&key, token, &validation, &mut scratch);
            no_buffer_error("verify::<()>", token, &unit);
            check_expect(&expect, unit.as_ref().map(|c| c.registered()), &context);
        }

        // `serde_json::Value` through microjwt's deserializer: the same document as the oracle's,
        // unless a number overflows f64 (then `Claims`).
        if index == 0 {
            let mut scratch = scratch_for(token);
            let value = microjwt::verify::<Value>(&key, token, &validation, &mut scratch);
            no_buffer_error("verify::<Value>", token, &value);
            let overflow = matches!(parsed, Ok(j) if oracle::has_overflowing_number(j));
            match (&expect, &value) {
                (Expect::Ok(_), Ok(v)) => {
                    assert!(!overflow, "Value with an infinite number: {context:?}");
                    let want = oracle::to_value(parsed.as_ref().unwrap()).unwrap();
                    assert_eq!(v.custom(), &want, "Value differs: {context:?}");
                    assert!(any_ok);
                }
                (_, Err(Error::Claims(_)))
                    if overflow || matches!(expect, Expect::Invalid { .. }) => {}
                _ => check_expect(&expect, value.as_ref().map(|c| c.registered()), &context),
            }
        }

        // A borrowing struct: `Ok` only where `IgnoredAny` is, with fields the oracle agrees on;
        // otherwise the same errors plus `Claims` (the payload does not fit the type).
        if index == 0 {
            let mut scratch = scratch_for(token);
            let borrowed = microjwt::verify::<Borrowed<'_>>(&key, token, &validation, &mut scratch);
            no_buffer_error("verify::<Borrowed>", token, &borrowed);
            match &borrowed {
                Ok(c) => {
                    assert!(any_ok, "Borrowed Ok but IgnoredAny not: {context:?}");
                    check_borrowed(c.custom(), members.unwrap(), &context);
                }
                // Where serde_json reads the payload into `Borrowed`, microjwt must too (once
                // `IgnoredAny` passed, the document is valid and duplicate-free).
                Err(Error::Claims(_)) if any_ok => {
                    let registered_string = members
                        .unwrap()
                        .iter()
                        .any(|(n, v)| matches!((n.as_str(), v), ("iss" | "sub", J::Str(_))));
                    // microjwt reads a struct only from a JSON object (since ca6b0f6, typed
                    // deserialize paths); serde_json also takes an array, positionally.
                    let get = |name: &str| members.unwrap().iter().find(|(n, _)| n == name);
                    let struct_as_array = matches!(get("nested"), Some((_, J::Arr(_))))
                        || matches!(get("kind"), Some((_, J::Obj(m)))
                            if m.iter().any(|(n, v)| n == "Rec" && matches!(v, J::Arr(_))));
                    if serde_json::from_slice::<Borrowed<'_>>(data).is_ok()
                        && !struct_as_array
                        && !(registered_string && known_bug("option-registered"))
                    {
                        panic!(
                            "verify::<Borrowed> failed with Claims on a payload serde_json reads \
                             into Borrowed: {context:?}"
                        );
                    }
                }
                Err(Error::Claims(_)) => {}
                Err(_) => {
                    check_expect(&expect, borrowed.as_ref().map(|c| c.registered()), &context)
                }
            }
        }
    }
}

fn check_expect(
    expect: &Expect,
    got: Result<&RegisteredClaims<'_>, &Error>,
    context: &dyn std::fmt::Debug,
) {
    match (expect, got) {
        (Expect::Ok(reg), Ok(got)) => reg.assert_same(got, context),
        (Expect::OneOf(errors), Err(e)) if errors.contains(e) => {}
        (Expect::Invalid { also }, Err(e)) => assert!(
            also.contains(e)
                || matches!(
                    e,
                    Error::Json
                        | Error::NestingTooDeep
                        | Error::DuplicateMember
                        | Error::InvalidClaim(_)
                ),
            "invalid payload rejected with {e:?}: {context:?}"
        ),
        (_, got) => panic!("verify returned {got:?}, expected {context:?}"),
    }
}

/// The fields `Borrowed` read must be what the oracle parsed.
fn check_borrowed(b: &Borrowed<'_>, members: &[(String, J)], context: &dyn std::fmt::Debug) {
    let get = |name: &str| members.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let str_field = |name: &str, got: Option<&str>| match (get(name), got) {
        (Some(J::Str(s)), Some(g)) => assert_eq!(s, g, "{name}: {context:?}"),
        (None | Some(J::Null), None) => {}
        (want, got) => panic!("{name}: oracle {want:?}, Borrowed {got:?}: {context:?}"),
    };
    let num = |j: Option<&J>| match j {
        Some(J::Num(t)) => oracle::number_value(t),
        _ => None,
    };
    let opt = |name: &str, present: bool| {
        if !present {
            assert!(
                matches!(get(name), None | Some(J::Null)),
                "{name} missed: {context:?}"
            );
        }
    };
    str_field("iss", b.iss);
    str_field("sub", b.sub);
    str_field("name", b.name);
    if let Some(x) = b.exp {
        assert_eq!(
            num(get("exp")).and_then(|v| v.as_f64()),
            Some(x),
            "exp: {context:?}"
        );
    }
    opt("exp", b.exp.is_some());
    if let Some(x) = b.n {
        assert_eq!(
            num(get("n")).and_then(|v| v.as_u64()),
            Some(x),
            "n: {context:?}"
        );
    }
    opt("n", b.n.is_some());
    if let Some(x) = b.i {
        let want = num(get("i")).and_then(|v| v.as_i64());
        assert_eq!(want, Some(i64::from(x)), "i: {context:?}");
    }
    opt("i", b.i.is_some());
    if let Some(x) = b.f {
        assert_eq!(
            num(get("f")).and_then(|v| v.as_f64()),
            Some(x),
            "f: {context:?}"
        );
    }
    opt("f", b.f.is_some());
    if let Some(x) = b.b {
        assert_eq!(get("b"), Some(&J::Bool(x)), "b: {context:?}");
    }
    opt("b", b.b.is_some());
    if let Some(arr) = b.arr {
        let want: Vec<J> = arr.iter().map(|x| J::Num(x.to_string())).collect();
        match get("arr") {
            Some(J::Arr(items)) => {
                let got: Vec<Option<u64>> = items
                    .iter()
                    .map(|i| num(Some(i)).and_then(|v| v.as_u64()))
                    .collect();
                let want: Vec<Option<u64>> = arr.iter().map(|&x| Some(u64::from(x))).collect();
                assert_eq!(got, want, "arr: {context:?}");
            }
            other => panic!("arr {want:?} from {other:?}: {context:?}"),
        }
    }
    opt("arr", b.arr.is_some());
    if let Some((s, n)) = b.pair {
        match get("pair") {
            Some(J::Arr(items)) if items.len() == 2 => {
                assert_eq!(items[0], J::Str(s.to_owned()), "pair.0: {context:?}");
                assert_eq!(
                    num(Some(&items[1])).and_then(|v| v.as_i64()),
                    Some(n),
                    "pair.1"
                );
            }
            other => panic!("pair from {other:?}: {context:?}"),
        }
    }
    opt("pair", b.pair.is_some());
    if let Some(nested) = &b.nested {
        // A derived struct reads a JSON object or, positionally, an array.
        let Some(inner @ (J::Obj(_) | J::Arr(_))) = get("nested") else {
            panic!("nested: {context:?}")
        };
        let field = |name: &str| field_of(inner, name, ["a", "b", "c"]);
        assert_eq!(
            field("a"),
            Some(&J::Str(nested.a.to_owned())),
            "nested.a: {context:?}"
        );
        match nested.b {
            Some(x) => assert_eq!(num(field("b")).and_then(|v| v.as_i64()), Some(x)),
            None => assert!(matches!(field("b"), None | Some(J::Null)), "nested.b"),
        }
        match field("c") {
            Some(J::Bool(c)) => assert_eq!(*c, nested.c, "nested.c: {context:?}"),
            None => assert!(!nested.c),
            other => panic!("nested.c from {other:?}: {context:?}"),
        }
    }
    opt("nested", b.nested.is_some());
    if let Some(kind) = &b.kind {
        let value = get("kind");
        let tagged = |tag: &str| match value {
            Some(J::Obj(m)) if m.len() == 1 && m[0].0 == tag => Some(&m[0].1),
            _ => None,
        };
        match kind {
            Kind::Unit => assert!(
                value == Some(&J::Str("Unit".into())) || tagged("Unit") == Some(&J::Null),
                "kind Unit from {value:?}: {context:?}"
            ),
            Kind::New(s) => assert_eq!(tagged("New"), Some(&J::Str((*s).to_owned())), "New"),
            Kind::Tup(x, y) => match tagged("Tup") {
                Some(J::Arr(items)) if items.len() == 2 => {
                    assert_eq!(
                        num(Some(&items[0])).and_then(|v| v.as_u64()),
                        Some(u64::from(*x))
                    );
                    assert_eq!(
                        num(Some(&items[1])).and_then(|v| v.as_u64()),
                        Some(u64::from(*y))
                    );
                }
                other => panic!("Tup from {other:?}: {context:?}"),
            },
            Kind::Rec { x } => match tagged("Rec") {
                Some(fields @ (J::Obj(_) | J::Arr(_))) => {
                    let got = field_of(fields, "x", ["x"]);
                    assert_eq!(
                        num(got).and_then(|v| v.as_i64()),
                        Some(i64::from(*x)),
                        "Rec.x"
                    );
                }
                other => panic!("Rec from {other:?}: {context:?}"),
            },
        }
    }
    opt("kind", b.kind.is_some());
}

/// Field `name` of a struct serialized as a JSON object or, positionally (in the order of
/// `names`), as an array: serde's derived struct visitors accept both.
fn field_of<'j, const N: usize>(j: &'j J, name: &str, names: [&str; N]) -> Option<&'j J> {
    match j {
        J::Obj(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
        J::Arr(items) => items.get(names.iter().position(|n| *n == name)?),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Target `verify_token`: arbitrary token text against the fixed key.
// ---------------------------------------------------------------------------------------------

/// Whether `token` carries a MAC that is genuinely right for `key`, decided without microjwt's
/// decoder: three dot-separated parts, the signature decoded by `base64ct`, checked with
/// `HmacKey::verify_mac` over `header.payload`.
pub fn mac_is_genuine<A: Algorithm>(key: &HmacKey<A>, token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return false;
    };
    let Ok(tag) = Base64UrlUnpadded::decode_vec(signature) else {
        return false;
    };
    key.verify_mac(format!("{header}.{payload}").as_bytes(), &tag)
        .is_ok()
}

/// The errors `verify` may return before the MAC has passed (single key).
fn pre_mac(e: &Error) -> bool {
    matches!(
        e,
        Error::TokenTooLarge { .. } | Error::Malformed | Error::Base64 | Error::InvalidSignature
    )
}

/// The `verify_token` target: `data` (if UTF-8) is a token verified against the fixed key with a
/// generous and a strict validation and several claims types. Never panics; `Ok` only when the
/// MAC is genuinely right (checked independently); a wrong MAC only ever yields a pre-MAC error.
pub fn verify_token(data: &[u8]) {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let key = key();
    let genuine = mac_is_genuine(&key, token);
    // The strict policy with `IgnoredAny` alone: the claims type matters only after the MAC.
    {
        let mut s = scratch_for(token);
        let r = microjwt::verify::<IgnoredAny>(&key, token, &Policy::STRICT.validation(), &mut s);
        no_buffer_error("verify::<IgnoredAny>", token, &r);
        match r {
            Ok(_) => {
                assert!(genuine, "Ok for a token whose MAC is wrong: {token:?}");
                assert_header_acceptable(token);
            }
            Err(e) if !genuine => assert!(pre_mac(&e), "{e:?} before the MAC passed: {token:?}"),
            Err(e) => assert_ne!(
                e,
                Error::InvalidSignature,
                "genuine MAC rejected: {token:?}"
            ),
        }
    }
    for policy in [Policy::PERMISSIVE] {
        let validation = policy.validation();
        let outcomes: [Result<(), Error>; 4] = [
            {
                let mut s = scratch_for(token);
                let r = microjwt::verify::<()>(&key, token, &validation, &mut s);
                no_buffer_error("verify::<()>", token, &r);
                r.map(drop)
            },
            {
                let mut s = scratch_for(token);
                let r = microjwt::verify::<IgnoredAny>(&key, token, &validation, &mut s);
                no_buffer_error("verify::<IgnoredAny>", token, &r);
                r.map(drop)
            },
            {
                let mut s = scratch_for(token);
                let r = microjwt::verify::<Borrowed<'_>>(&key, token, &validation, &mut s);
                no_buffer_error("verify::<Borrowed>", token, &r);
                r.map(drop)
            },
            {
                let mut s = scratch_for(token);
                let r = microjwt::verify_jws(&key, token, &validation, &mut s);
                no_buffer_error("verify_jws", token, &r);
                if let Ok(jws) = &r {
                    let payload = token.split('.').nth(1).unwrap_or("");
                    assert_eq!(
                        Base64UrlUnpadded::decode_vec(payload).ok().as_deref(),
                        Some(jws.payload()),
                        "verify_jws payload of {token:?}"
                    );
                }
                r.map(drop)
            },
        ];
        for r in outcomes {
            match r {
                Ok(()) => {
                    assert!(genuine, "Ok for a token whose MAC is wrong: {token:?}");
                    assert_header_acceptable(token);
                }
                Err(e) if !genuine => {
                    assert!(pre_mac(&e), "{e:?} before the MAC passed: {token:?}");
                }
                Err(e) => assert_ne!(
                    e,
                    Error::InvalidSignature,
                    "genuine MAC rejected: {token:?}"
                ),
            }
        }
    }
    // A genuine token with the plain `{"alg":"HS256"}` header gets the full claims oracle.
    if genuine {
        let mut parts = token.split('.');
        if parts.next() == Some(HS256_HEADER) {
            let segment = parts.next().unwrap_or("");
            // Only canonical segments (a non-canonical one is microjwt's `Base64`, checked above).
            if let Ok(payload) = Base64UrlUnpadded::decode_vec(segment)
                .map_err(drop)
                .and_then(|p| if b64(&p) == segment { Ok(p) } else { Err(()) })
            {
                let parsed = oracle::parse(&payload);
                oracle::agrees_with_serde_json(&payload, &parsed);
                check_payload(&key, token, &payload, &parsed);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Target `header`: arbitrary header JSON, read untrusted and through a key set.
// ---------------------------------------------------------------------------------------------

/// RFC 7515 §4.1.9 media type comparison: ASCII case-insensitive, `application/` optional.
fn same_media_type(a: &str, b: &str) -> bool {
    fn short(t: &str) -> &str {
        if t.len() >= 12 && t.as_bytes()[..12].eq_ignore_ascii_case(b"application/") {
            &t[12..]
        } else {
            t
        }
    }
    short(a).eq_ignore_ascii_case(short(b))
}

/// The header parameters microjwt reads, as the oracle sees them.
#[derive(Debug, Default, PartialEq)]
struct HeaderView {
    alg: Option<String>,
    typ: Option<String>,
    cty: Option<String>,
    kid: Option<String>,
    crit: bool,
}

/// `Some` when `bytes` is a header microjwt must be able to read: a valid, duplicate-free JSON
/// object, not too deep, whose `alg`, `typ`, `cty` and `kid` are strings when present.
fn header_view(parsed: &Result<J, oracle::Bad>) -> Option<HeaderView> {
    let Ok(J::Obj(members)) = parsed else {
        return None;
    };
    let mut view = HeaderView::default();
    for (name, value) in members {
        let slot = match name.as_str() {
            "alg" => &mut view.alg,
            "typ" => &mut view.typ,
            "cty" => &mut view.cty,
            "kid" => &mut view.kid,
            "crit" => {
                view.crit = true;
                continue;
            }
            _ => continue,
        };
        let J::Str(s) = value else {
            return None;
        };
        *slot = Some(s.clone());
    }
    Some(view)
}

/// Bug "header-leading-whitespace-duplicates" (reported; regressions/header/): when the header
/// JSON starts with whitespace, `src/verify/header.rs` starts its duplicate-name detector before
/// the whitespace and never finds a repeat. True only while that bug is declared known.
fn leading_whitespace_duplicates(header: &[u8], parsed: &Result<J, oracle::Bad>) -> bool {
    *parsed == Err(oracle::Bad::Duplicate)
        && header
            .first()
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        && known_bug("header-leading-whitespace-duplicates")
}

/// An accepted token's header must be one the oracle accepts: a valid, duplicate-free object
/// with `alg` exactly `HS256`, no `crit`, `cty` not `JWT`.
fn assert_header_acceptable(token: &str) {
    let segment = token.split('.').next().unwrap_or("");
    let bytes = Base64UrlUnpadded::decode_vec(segment).expect("an accepted header decodes");
    let parsed = oracle::parse(&bytes);
    if leading_whitespace_duplicates(&bytes, &parsed) {
        return;
    }
    let ok = header_view(&parsed).is_some_and(|v| {
        v.alg.as_deref() == Some("HS256")
            && !v.crit
            && !v.cty.as_deref().is_some_and(|c| same_media_type(c, "JWT"))
    });
    assert!(
        ok,
        "accepted a token whose header the oracle refuses ({parsed:?}): {:?}",
        String::from_utf8_lossy(&bytes)
    );
}

/// The `header` target: `data` is the decoded header. `UntrustedToken::parse` and
/// `danger_unverified_header` must agree with the oracle; `verify` with a `KeySet` (which reads
/// the header before the MAC) and with a single key must pick the right key and apply exactly
/// the documented header rules (`alg` must be `HS256`, no `crit`, `cty` not `JWT`, `typ` when
/// required).
pub fn header(data: &[u8]) {
    const PAYLOAD: &str = "eyJleHAiOjQwMDAwMDAwMDAsInN1YiI6ImZ1enoifQ"; // {"exp":4000000000,"sub":"fuzz"}
    let header_b64 = b64(data);
    let key_a = key().with_kid("a").unwrap();
    let key_b = HmacKey::<Hs256>::new(SECRET_B)
        .unwrap()
        .with_kid("b")
        .unwrap();

    let parsed = oracle::parse(data);
    oracle::agrees_with_serde_json(data, &parsed);
    if leading_whitespace_duplicates(data, &parsed) {
        return;
    }
    let view = header_view(&parsed);

    let token_a = assemble(&key_a, &header_b64, PAYLOAD);
    let untrusted = UntrustedToken::parse(&token_a, usize::MAX);
    if data.is_empty() {
        assert_eq!(untrusted.err(), Some(Error::Malformed));
        return;
    }
    let untrusted = untrusted.unwrap();
    assert_eq!(untrusted.header_b64(), header_b64);
    assert_eq!(untrusted.payload_b64(), PAYLOAD);
    let mut scratch = scratch_for(&token_a);
    let read = untrusted.danger_unverified_header(&mut scratch);
    no_buffer_error("danger_unverified_header", &token_a, &read);
    let read_error = match (&view, &read) {
        (Some(v), Ok(h)) => {
            assert_eq!(h.typ(), v.typ.as_deref(), "typ of {data:?}");
            assert_eq!(h.cty(), v.cty.as_deref(), "cty of {data:?}");
            assert_eq!(h.kid(), v.kid.as_deref(), "kid of {data:?}");
            None
        }
        (None, Err(e)) => {
            assert!(
                matches!(
                    e,
                    Error::Json
                        | Error::NestingTooDeep
                        | Error::DuplicateMember
                        | Error::InvalidHeader
                ),
                "header {data:?} rejected with {e:?}"
            );
            Some(*e)
        }
        (view, read) => panic!("header {data:?}: oracle {view:?}, microjwt {read:?}"),
    };

    // The header rules that apply once the MAC has passed.
    let rules = |require_typ: bool| -> Vec<Error> {
        let v = view.as_ref().unwrap();
        let mut out = Vec::new();
        if v.alg.as_deref() != Some("HS256") {
            out.push(Error::AlgorithmMismatch);
        }
        if v.crit {
            out.push(Error::UnsupportedCrit);
        }
        if require_typ && !v.typ.as_deref().is_some_and(|t| same_media_type(t, "JWT")) {
            out.push(Error::TypeMismatch);
        }
        if v.cty.as_deref().is_some_and(|t| same_media_type(t, "JWT")) {
            out.push(Error::NestedToken);
        }
        out
    };

    let mut keys = KeySet::<Hs256, 2>::new();
    keys.insert(key_a.clone()).unwrap();
    keys.insert(key_b.clone()).unwrap();
    keys.set_default("a").unwrap();
    // The token the key set should accept: MACed with the key its `kid` names.
    let (token, unknown_kid) = match view.as_ref().and_then(|v| v.kid.as_deref()) {
        Some("b") => (assemble(&key_b, &header_b64, PAYLOAD), false),
        Some("a") | None => (token_a.clone(), false),
        Some(_) => (token_a.clone(), true),
    };
    for require_typ in [false, true] {
        let mut validation = Validation::new(NOW).max_token_len(usize::MAX);
        if require_typ {
            validation = validation.typ("JWT");
        }
        let mut scratch = scratch_for(&token);
        let r = microjwt::verify::<()>(&keys, &token, &validation, &mut scratch);
        no_buffer_error("KeySet verify", &token, &r);
        let context = (data, &view, require_typ);
        match (read_error, unknown_kid, r) {
            (Some(e), _, r) => assert_eq!(r.err(), Some(e), "key set: {context:?}"),
            (None, true, r) => assert_eq!(r.err(), Some(Error::UnknownKeyId), "{context:?}"),
            (None, false, Ok(c)) => {
                assert!(
                    rules(require_typ).is_empty(),
                    "key set accepted {context:?}"
                );
                let v = view.as_ref().unwrap();
                assert_eq!(c.header().kid(), v.kid.as_deref());
                assert_eq!(c.header().typ(), v.typ.as_deref());
                assert_eq!(c.header().cty(), v.cty.as_deref());
                assert_eq!(c.registered().sub(), Some("fuzz"));
            }
            (None, false, Err(e)) => {
                let rules = rules(require_typ);
                assert!(
                    rules.contains(&e),
                    "key set: {e:?}, expected one of {rules:?}: {context:?}"
                );
            }
        }

        // A single key never reads `kid`: the token MACed with it gets the same header rules.
        let mut scratch = scratch_for(&token_a);
        let r = microjwt::verify::<()>(&key_a, &token_a, &validation, &mut scratch);
        no_buffer_error("single-key verify", &token_a, &r);
        match (read_error, r) {
            (Some(e), r) => assert_eq!(r.err(), Some(e), "single key: {context:?}"),
            (None, Ok(c)) => {
                assert!(
                    rules(require_typ).is_empty(),
                    "single key accepted {context:?}"
                );
                assert_eq!(c.header().kid(), view.as_ref().unwrap().kid.as_deref());
            }
            (None, Err(e)) => {
                let rules = rules(require_typ);
                assert!(
                    rules.contains(&e),
                    "single key: {e:?}, expected {rules:?}: {context:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Target `roundtrip`: sign arbitrary claims with arbitrary keys and headers, verify them back.
// ---------------------------------------------------------------------------------------------

/// Owned claims as a caller would sign them; registered claims are ordinary fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RtClaims {
    // The string-valued registered claims are read with `some` rather than serde's `Option`
    // impl, which microjwt currently rejects for them (see `OptRegistered`); every other check
    // of this target keeps running while that bug is open.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "some"
    )]
    pub iss: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "some"
    )]
    pub sub: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "some"
    )]
    pub aud: Option<Aud>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nbf: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub iat: Option<u64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "some"
    )]
    pub jti: Option<String>,
    pub name: String,
    pub flag: bool,
    pub count: i64,
    pub big: u64,
    pub ratio: f64,
    pub small: f32,
    pub letter: char,
    pub tags: Vec<String>,
    pub nested: Option<RtNested>,
    pub kind: RtKind,
    pub map: BTreeMap<String, i64>,
    pub bytes: Vec<u8>,
    pub unit: (),
    pub tuple: (u8, i16, String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Aud {
    One(String),
    Many(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RtNested {
    pub a: String,
    pub b: Vec<i32>,
    pub c: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RtKind {
    Unit,
    New(String),
    Tup(i8, u16),
    Rec { x: i64, y: String },
}

/// Reads a present field as `Some(T)` without going through `deserialize_option`.
fn some<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The registered string claims as a caller naturally types them: `Option<String>` /
/// `Option<Aud>`. serde_json reads these; microjwt must too.
#[derive(Debug, PartialEq, Deserialize)]
pub struct OptRegistered {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Aud>,
    jti: Option<String>,
}

/// Known, reported library bugs the campaign may be told to step over, by id, in the
/// comma-separated `MICROJWT_FUZZ_KNOWN_BUGS` environment variable. Never set in tests, so the
/// replay test fails until the bug is fixed.
pub fn known_bug(id: &str) -> bool {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LIST.get_or_init(|| std::env::var("MICROJWT_FUZZ_KNOWN_BUGS").unwrap_or_default())
        .split(',')
        .any(|known| known == id)
}

/// The borrowed mirror of [`RtClaims`]: every string borrows the verify scratch.
#[derive(Debug, Deserialize)]
pub struct RtClaimsRef<'a> {
    #[serde(borrow, default, deserialize_with = "some")]
    iss: Option<&'a str>,
    #[serde(borrow, default, deserialize_with = "some")]
    sub: Option<&'a str>,
    #[serde(borrow, default, deserialize_with = "some")]
    aud: Option<AudRef<'a>>,
    #[serde(default)]
    exp: Option<u64>,
    #[serde(default)]
    nbf: Option<u64>,
    #[serde(default)]
    iat: Option<u64>,
    #[serde(borrow, default, deserialize_with = "some")]
    jti: Option<&'a str>,
    name: &'a str,
    flag: bool,
    count: i64,
    big: u64,
    ratio: f64,
    small: f32,
    letter: char,
    #[serde(borrow)]
    tags: Vec<&'a str>,
    #[serde(borrow)]
    nested: Option<RtNestedRef<'a>>,
    #[serde(borrow)]
    kind: RtKindRef<'a>,
    #[serde(borrow)]
    map: BTreeMap<&'a str, i64>,
    bytes: Vec<u8>,
    unit: (),
    #[serde(borrow)]
    tuple: (u8, i16, &'a str),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AudRef<'a> {
    One(&'a str),
    Many(#[serde(borrow)] Vec<&'a str>),
}

#[derive(Debug, Deserialize)]
struct RtNestedRef<'a> {
    a: &'a str,
    b: Vec<i32>,
    c: Option<bool>,
}

#[derive(Debug, Deserialize)]
enum RtKindRef<'a> {
    Unit,
    New(&'a str),
    Tup(i8, u16),
    Rec { x: i64, y: &'a str },
}

impl RtClaimsRef<'_> {
    fn to_owned(&self) -> RtClaims {
        RtClaims {
            iss: self.iss.map(str::to_owned),
            sub: self.sub.map(str::to_owned),
            aud: self.aud.as_ref().map(|a| match a {
                AudRef::One(s) => Aud::One((*s).to_owned()),
                AudRef::Many(v) => Aud::Many(v.iter().map(|s| (*s).to_owned()).collect()),
            }),
            exp: self.exp,
            nbf: self.nbf,
            iat: self.iat,
            jti: self.jti.map(str::to_owned),
            name: self.name.to_owned(),
            flag: self.flag,
            count: self.count,
            big: self.big,
            ratio: self.ratio,
            small: self.small,
            letter: self.letter,
            tags: self.tags.iter().map(|s| (*s).to_owned()).collect(),
            nested: self.nested.as_ref().map(|n| RtNested {
                a: n.a.to_owned(),
                b: n.b.clone(),
                c: n.c,
            }),
            kind: match &self.kind {
                RtKindRef::Unit => RtKind::Unit,
                RtKindRef::New(s) => RtKind::New((*s).to_owned()),
                RtKindRef::Tup(a, b) => RtKind::Tup(*a, *b),
                RtKindRef::Rec { x, y } => RtKind::Rec {
                    x: *x,
                    y: (*y).to_owned(),
                },
            },
            map: self
                .map
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            bytes: self.bytes.clone(),
            unit: self.unit,
            tuple: (self.tuple.0, self.tuple.1, self.tuple.2.to_owned()),
        }
    }
}

/// The `typ` choice of a roundtrip case.
#[derive(Clone, Debug)]
pub enum Typ {
    Default,
    Removed,
    Set(String),
}

/// One roundtrip case, decoded from the fuzz input by [`Gen`].
#[derive(Clone, Debug)]
pub struct RtCase {
    /// 0: HS256, 1: HS384, 2: HS512.
    pub alg: u8,
    pub secret: Vec<u8>,
    pub key_kid: Option<String>,
    pub typ: Typ,
    pub cty: Option<String>,
    pub kid: Option<String>,
    pub claims: RtClaims,
    /// Size of the first, possibly too small, signing buffer.
    pub first_buf: usize,
    /// Which bit of the token to flip for the tamper check.
    pub flip: usize,
}

/// A deterministic decoder of structured values from fuzz bytes (what `arbitrary` would do; a
/// local one because the replay test, built by the library's own dev-dependencies, must decode
/// the same bytes the same way). Reads past the end as zeros.
pub struct Gen<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Gen<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    pub fn u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        for b in &mut bytes {
            *b = self.byte();
        }
        u64::from_le_bytes(bytes)
    }

    pub fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// A number in `0..=max`, small ones likelier.
    pub fn upto(&mut self, max: usize) -> usize {
        let b = usize::from(self.byte());
        if b < 0xf0 {
            b % (max + 1)
        } else {
            self.u64() as usize % (max + 1)
        }
    }

    /// An integer that is often an edge case.
    pub fn int(&mut self) -> u64 {
        match self.byte() % 8 {
            0 => 0,
            1 => u64::MAX,
            2 => i64::MAX as u64,
            3 => i64::MIN as u64,
            4 => u64::from(self.byte()),
            5 => 1_700_000_000 + u64::from(self.byte()),
            _ => self.u64(),
        }
    }

    pub fn f64(&mut self) -> f64 {
        match self.byte() % 10 {
            0 => 0.0,
            1 => -0.0,
            2 => f64::MAX,
            3 => f64::MIN_POSITIVE,
            4 => 5e-324,
            5 => f64::NAN,
            6 => f64::INFINITY,
            7 => 0.1,
            _ => f64::from_bits(self.u64()),
        }
    }

    pub fn char(&mut self) -> char {
        const SPECIAL: [char; 16] = [
            '"',
            '\\',
            '/',
            '\0',
            '\u{1f}',
            '\u{7f}',
            '\u{80}',
            'é',
            '\u{2028}',
            '\u{2029}',
            '\u{fffd}',
            '\u{feff}',
            '😀',
            '\u{10ffff}',
            '\n',
            '\t',
        ];
        let b = self.byte();
        match b {
            0..=0x5f => char::from(b + 0x20),
            0x60..=0x7f => char::from(b - 0x60),
            0x80..=0xbf => SPECIAL[usize::from(b) % SPECIAL.len()],
            _ => {
                let raw = u32::from_le_bytes([self.byte(), self.byte(), self.byte() % 0x11, 0]);
                char::from_u32(raw).unwrap_or('\u{d7ff}')
            }
        }
    }

    pub fn string(&mut self, max: usize) -> String {
        let len = self.upto(max);
        (0..len).map(|_| self.char()).collect()
    }

    pub fn opt_string(&mut self, max: usize) -> Option<String> {
        self.bool().then(|| self.string(max))
    }

    pub fn claims(&mut self) -> RtClaims {
        let opt_int = |g: &mut Self| g.bool().then(|| g.int());
        RtClaims {
            iss: self.opt_string(12),
            sub: self.opt_string(12),
            aud: match self.byte() % 3 {
                0 => None,
                1 => Some(Aud::One(self.string(8))),
                _ => {
                    let n = self.upto(4);
                    Some(Aud::Many((0..n).map(|_| self.string(6)).collect()))
                }
            },
            exp: opt_int(self),
            nbf: opt_int(self),
            iat: opt_int(self),
            jti: self.opt_string(12),
            name: self.string(24),
            flag: self.bool(),
            count: self.int() as i64,
            big: self.int(),
            ratio: self.f64(),
            small: self.f64() as f32,
            letter: self.char(),
            tags: (0..self.upto(4)).map(|_| self.string(8)).collect(),
            nested: self.bool().then(|| RtNested {
                a: self.string(8),
                b: (0..self.upto(4)).map(|_| self.int() as i32).collect(),
                c: match self.byte() % 3 {
                    0 => None,
                    1 => Some(false),
                    _ => Some(true),
                },
            }),
            kind: match self.byte() % 4 {
                0 => RtKind::Unit,
                1 => RtKind::New(self.string(8)),
                2 => RtKind::Tup(self.byte() as i8, self.int() as u16),
                _ => RtKind::Rec {
                    x: self.int() as i64,
                    y: self.string(8),
                },
            },
            map: (0..self.upto(4))
                .map(|_| (self.string(6), self.int() as i64))
                .collect(),
            bytes: (0..self.upto(8)).map(|_| self.byte()).collect(),
            unit: (),
            tuple: (self.byte(), self.int() as i16, self.string(6)),
        }
    }

    pub fn case(&mut self) -> RtCase {
        let alg = self.byte() % 3;
        let secret_len = match self.byte() % 8 {
            0 => self.upto(70),
            _ => [32, 48, 64][usize::from(alg)] + self.upto(64),
        };
        RtCase {
            alg,
            secret: (0..secret_len).map(|_| self.byte()).collect(),
            key_kid: match self.byte() % 4 {
                0 => Some(self.string(70)),
                1 => Some("k".repeat(self.upto(70))),
                _ => None,
            },
            typ: match self.byte() % 3 {
                0 => Typ::Default,
                1 => Typ::Removed,
                _ => Typ::Set(match self.byte() % 4 {
                    0 => "JWT".to_owned(),
                    1 => "application/jwt".to_owned(),
                    _ => self.string(12),
                }),
            },
            cty: match self.byte() % 4 {
                0 => Some("JWT".to_owned()),
                1 => Some(self.string(12)),
                _ => None,
            },
            kid: self.opt_string(70),
            claims: self.claims(),
            first_buf: self.upto(1000),
            flip: self.u64() as usize,
        }
    }
}

/// The `roundtrip` target: `data` decodes (by [`Gen`]) to a key, header options and claims;
/// `sign` then `verify` must give back exactly the claims, registered claims and header, through
/// a single key, a key set, an owned and a borrowed claims type. `sign` may fail only with
/// `KeyTooShort`/`InvalidKeyId` for a bad key, `BufferTooSmall` (then a buffer of `needed`
/// bytes must work) or `Unserializable` for a non-finite float. Flipping any one bit of the
/// token must make it fail.
pub fn roundtrip(data: &[u8]) {
    let case = Gen::new(data).case();
    match case.alg {
        0 => roundtrip_with::<Hs256>(&case),
        1 => roundtrip_with::<Hs384>(&case),
        _ => roundtrip_with::<Hs512>(&case),
    }
}

fn roundtrip_with<A: Algorithm>(case: &RtCase) {
    let key = match HmacKey::<A>::new(&case.secret) {
        Ok(key) => key,
        Err(e) => {
            assert!(case.secret.len() < A::TAG_LEN, "{e:?} for {case:?}");
            assert_eq!(
                e,
                Error::KeyTooShort {
                    len: case.secret.len(),
                    min: A::TAG_LEN
                }
            );
            return;
        }
    };
    assert!(case.secret.len() >= A::TAG_LEN);
    let key = match &case.key_kid {
        Some(kid) => match key.clone().with_kid(kid) {
            Ok(k) => {
                assert!(!kid.is_empty() && kid.len() <= microjwt::MAX_KID_LEN);
                assert_eq!(k.kid(), Some(kid.as_str()));
                k
            }
            Err(e) => {
                assert_eq!(e, Error::InvalidKeyId);
                assert!(
                    kid.is_empty() || kid.len() > microjwt::MAX_KID_LEN,
                    "{kid:?}"
                );
                key
            }
        },
        None => key,
    };
    let mut options = HeaderOptions::new();
    options = match &case.typ {
        Typ::Default => options,
        Typ::Removed => options.typ(None),
        Typ::Set(t) => options.typ(Some(t)),
    };
    if let Some(cty) = &case.cty {
        options = options.cty(cty);
    }
    if let Some(kid) = &case.kid {
        options = options.kid(kid);
    }
    let claims = &case.claims;
    let unserializable = !claims.ratio.is_finite() || !claims.small.is_finite();

    // Sign, first into a buffer that may be too small.
    let mut buf = vec![0u8; case.first_buf];
    let token = match microjwt::sign_with_header(&key, &options, claims, &mut buf) {
        Ok(t) => t.to_owned(),
        Err(Error::Unserializable) => {
            assert!(unserializable, "Unserializable for {case:?}");
            return;
        }
        Err(Error::BufferTooSmall { needed }) => {
            assert!(
                needed > case.first_buf,
                "BufferTooSmall {{ {needed} }} for {}",
                buf.len()
            );
            let mut buf = vec![0u8; needed];
            match microjwt::sign_with_header(&key, &options, claims, &mut buf) {
                Ok(t) => t.to_owned(),
                Err(Error::Unserializable) => {
                    assert!(unserializable, "Unserializable for {case:?}");
                    return;
                }
                Err(e) => panic!("sign into `needed` = {needed} bytes: {e:?} for {case:?}"),
            }
        }
        Err(e) => panic!("sign: {e:?} for {case:?}"),
    };
    assert!(!unserializable, "non-finite float signed: {token}");
    // The same token from the plain `sign` when the options are the defaults.
    if matches!(case.typ, Typ::Default) && case.cty.is_none() && case.kid.is_none() {
        let mut buf = vec![0u8; token.len()];
        assert_eq!(microjwt::sign(&key, claims, &mut buf), Ok(token.as_str()));
    }

    // What was signed is what serde_json would write (floats compared after parsing).
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    assert!(
        mac_is_genuine(&key, &token),
        "sign made a wrong MAC: {token}"
    );
    let effective_kid = case.kid.as_deref().or(key.kid());
    let typ = match &case.typ {
        Typ::Default => Some("JWT"),
        Typ::Removed => None,
        Typ::Set(t) => Some(t.as_str()),
    };
    // The header: members in the documented order alg, typ, cty, kid.
    let mut header_members = vec![("alg".to_owned(), J::Str(A::NAME.to_owned()))];
    for (name, value) in [
        ("typ", typ),
        ("cty", case.cty.as_deref()),
        ("kid", effective_kid),
    ] {
        if let Some(v) = value {
            header_members.push((name.to_owned(), J::Str(v.to_owned())));
        }
    }
    let header_bytes = Base64UrlUnpadded::decode_vec(parts[0]).unwrap();
    let header_parsed = oracle::parse(&header_bytes);
    assert_eq!(
        header_parsed,
        Ok(J::Obj(header_members)),
        "header of {case:?}"
    );
    let payload = Base64UrlUnpadded::decode_vec(parts[1]).unwrap();
    let mut written: Value = serde_json::from_slice(&payload).unwrap();
    let mut expected = serde_json::to_value(claims).unwrap();
    for field in ["ratio", "small"] {
        written.as_object_mut().unwrap().remove(field);
        expected.as_object_mut().unwrap().remove(field);
    }
    assert_eq!(written, expected, "payload of {case:?}");

    // Verify it back.
    let nested = case
        .cty
        .as_deref()
        .is_some_and(|cty| same_media_type(cty, "JWT"));
    let validation = Validation::time_unknown()
        .danger_skip_time_checks()
        .danger_ignore_audience();
    let registered = Registered {
        iss: claims.iss.clone(),
        sub: claims.sub.clone(),
        aud: claims.aud.as_ref().map(|a| match a {
            Aud::One(s) => vec![s.clone()],
            Aud::Many(v) => v.clone(),
        }),
        exp: claims.exp.map(|s| (s, 0)),
        nbf: claims.nbf.map(|s| (s, 0)),
        iat: claims.iat.map(|s| (s, 0)),
        jti: claims.jti.clone(),
    };
    let check = |r: Result<microjwt::Claims<'_, RtClaims>, Error>, how: &str| match r {
        Err(Error::NestedToken) if nested => {}
        Ok(c) if !nested => {
            assert_eq!(c.custom(), claims, "{how}: claims of {token}");
            registered.assert_same(c.registered(), &(how, &token));
            assert_eq!(c.header().typ(), typ, "{how}");
            assert_eq!(c.header().cty(), case.cty.as_deref(), "{how}");
            assert_eq!(c.header().kid(), effective_kid, "{how}");
        }
        other => panic!("{how}: {other:?} for {case:?} as {token}"),
    };
    let mut scratch = scratch_for(&token);
    check(
        microjwt::verify::<RtClaims>(&key, &token, &validation, &mut scratch),
        "single key",
    );
    // Bug "option-registered": a string-valued registered claim read into `Option<_>`.
    if !known_bug("option-registered") {
        let mut scratch = scratch_for(&token);
        let r = microjwt::verify::<OptRegistered>(&key, &token, &validation, &mut scratch);
        let want = OptRegistered {
            iss: claims.iss.clone(),
            sub: claims.sub.clone(),
            aud: claims.aud.clone(),
            jti: claims.jti.clone(),
        };
        match r {
            Err(Error::NestedToken) if nested => {}
            Ok(c) if !nested => assert_eq!(c.custom(), &want, "Option<_> registered claims"),
            other => panic!(
                "verify::<OptRegistered> (iss/sub/jti: Option<String>, aud: Option<Aud>) returned \
                 {other:?}, expected Ok({want:?}); token {token}"
            ),
        }
    }
    let mut scratch = scratch_for(&token);
    match microjwt::verify::<RtClaimsRef<'_>>(&key, &token, &validation, &mut scratch) {
        Err(Error::NestedToken) if nested => {}
        Ok(c) if !nested => assert_eq!(&c.custom().to_owned(), claims, "borrowed claims"),
        other => panic!("borrowed: {other:?} for {case:?} as {token}"),
    }

    // Through a key set holding this key under the token's kid (or as the default), plus a decoy.
    let mut keys = KeySet::<A, 2>::new();
    let decoy = HmacKey::<A>::new(&[0x5a; 64]).unwrap();
    match effective_kid {
        Some(kid) if kid.len() <= microjwt::MAX_KID_LEN && !kid.is_empty() => {
            keys.insert(key.clone().with_kid(kid).unwrap()).unwrap();
            let decoy_kid = if kid == "decoy" { "decoy2" } else { "decoy" };
            keys.insert(decoy.with_kid(decoy_kid).unwrap()).unwrap();
            keys.set_default(decoy_kid).unwrap();
            let mut scratch = scratch_for(&token);
            check(
                microjwt::verify::<RtClaims>(&keys, &token, &validation, &mut scratch),
                "key set",
            );
        }
        Some(_) => {
            // A kid no key can have (empty or too long): never found, whatever the default.
            keys.insert(key.clone().with_kid("k").unwrap()).unwrap();
            keys.set_default("k").unwrap();
            let mut scratch = scratch_for(&token);
            let r = microjwt::verify::<RtClaims>(&keys, &token, &validation, &mut scratch);
            assert_eq!(r.err(), Some(Error::UnknownKeyId), "kid {effective_kid:?}");
        }
        None => {
            keys.insert(decoy.with_kid("decoy").unwrap()).unwrap();
            keys.insert(key.clone().with_kid("mine").unwrap()).unwrap();
            keys.set_default("mine").unwrap();
            let mut scratch = scratch_for(&token);
            check(
                microjwt::verify::<RtClaims>(&keys, &token, &validation, &mut scratch),
                "key set default",
            );
        }
    }

    // Tampering: one flipped bit anywhere makes the token fail.
    let mut tampered = token.clone().into_bytes();
    let bit = case.flip % (tampered.len() * 8);
    tampered[bit / 8] ^= 1 << (bit % 8);
    if let Ok(tampered) = std::str::from_utf8(&tampered) {
        let mut scratch = scratch_for(tampered);
        let r = microjwt::verify::<IgnoredAny>(&key, tampered, &validation, &mut scratch);
        assert!(
            r.is_err(),
            "bit {bit} flipped and still accepted: {tampered}"
        );
        assert!(r.is_err_and(|e| pre_mac(&e)), "bit {bit} of {token}");
    }
}

// ---------------------------------------------------------------------------------------------
// The JSON oracle.
// ---------------------------------------------------------------------------------------------

pub mod oracle {
    //! A deliberately simple, recursive, strict RFC 8259 parser: the reference the fuzz targets
    //! hold microjwt's streaming reader to. Recursion is bounded by [`microjwt::MAX_DEPTH`].

    use std::collections::HashSet;

    use serde_json::Value;

    /// A parsed JSON value; numbers keep their text, objects their member order.
    #[derive(Clone, Debug, PartialEq)]
    pub enum J {
        Null,
        Bool(bool),
        Num(String),
        Str(String),
        Arr(Vec<J>),
        Obj(Vec<(String, J)>),
    }

    /// Why a document is not acceptable.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Bad {
        /// Not RFC 8259 JSON (including invalid UTF-8, lone surrogates, trailing data).
        Syntax,
        /// An object repeats a member name (compared after unescaping).
        Duplicate,
        /// Deeper than `MAX_DEPTH` arrays and objects.
        Depth,
    }

    pub fn parse(bytes: &[u8]) -> Result<J, Bad> {
        if std::str::from_utf8(bytes).is_err() {
            return Err(Bad::Syntax);
        }
        let mut p = Parser {
            s: bytes,
            i: 0,
            depth: 0,
        };
        let value = p.value()?;
        p.ws();
        if p.i != bytes.len() {
            return Err(Bad::Syntax);
        }
        Ok(value)
    }

    /// The value a document starts with, whatever follows it (`None` if not UTF-8 or the
    /// leading value is itself invalid).
    pub fn parse_prefix(bytes: &[u8]) -> Option<J> {
        std::str::from_utf8(bytes).ok()?;
        Parser {
            s: bytes,
            i: 0,
            depth: 0,
        }
        .value()
        .ok()
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
        depth: usize,
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<u8> {
            self.s.get(self.i).copied()
        }

        fn ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.i += 1;
            }
        }

        fn eat(&mut self, b: u8) -> Result<(), Bad> {
            self.ws();
            if self.peek() == Some(b) {
                self.i += 1;
                Ok(())
            } else {
                Err(Bad::Syntax)
            }
        }

        fn value(&mut self) -> Result<J, Bad> {
            self.ws();
            match self.peek().ok_or(Bad::Syntax)? {
                b'{' => {
                    self.open()?;
                    let mut members: Vec<(String, J)> = Vec::new();
                    let mut names = HashSet::new();
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                    } else {
                        loop {
                            self.ws();
                            let name = self.string()?;
                            if !names.insert(name.clone()) {
                                return Err(Bad::Duplicate);
                            }
                            self.eat(b':')?;
                            let value = self.value()?;
                            members.push((name, value));
                            self.ws();
                            match self.peek() {
                                Some(b',') => self.i += 1,
                                Some(b'}') => {
                                    self.i += 1;
                                    break;
                                }
                                _ => return Err(Bad::Syntax),
                            }
                        }
                    }
                    self.depth -= 1;
                    Ok(J::Obj(members))
                }
                b'[' => {
                    self.open()?;
                    let mut items = Vec::new();
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                    } else {
                        loop {
                            items.push(self.value()?);
                            self.ws();
                            match self.peek() {
                                Some(b',') => self.i += 1,
                                Some(b']') => {
                                    self.i += 1;
                                    break;
                                }
                                _ => return Err(Bad::Syntax),
                            }
                        }
                    }
                    self.depth -= 1;
                    Ok(J::Arr(items))
                }
                b'"' => self.string().map(J::Str),
                b't' => self.word("true", J::Bool(true)),
                b'f' => self.word("false", J::Bool(false)),
                b'n' => self.word("null", J::Null),
                b'-' | b'0'..=b'9' => self.number(),
                _ => Err(Bad::Syntax),
            }
        }

        fn open(&mut self) -> Result<(), Bad> {
            self.i += 1;
            self.depth += 1;
            if self.depth > microjwt::MAX_DEPTH {
                return Err(Bad::Depth);
            }
            Ok(())
        }

        fn word(&mut self, word: &str, value: J) -> Result<J, Bad> {
            if self.s[self.i..].starts_with(word.as_bytes()) {
                self.i += word.len();
                Ok(value)
            } else {
                Err(Bad::Syntax)
            }
        }

        fn digits(&mut self) -> usize {
            let from = self.i;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.i += 1;
            }
            self.i - from
        }

        fn number(&mut self) -> Result<J, Bad> {
            let start = self.i;
            if self.peek() == Some(b'-') {
                self.i += 1;
            }
            match self.peek() {
                Some(b'0') => self.i += 1,
                Some(b'1'..=b'9') => {
                    self.digits();
                }
                _ => return Err(Bad::Syntax),
            }
            if self.peek() == Some(b'.') {
                self.i += 1;
                if self.digits() == 0 {
                    return Err(Bad::Syntax);
                }
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.i += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.i += 1;
                }
                if self.digits() == 0 {
                    return Err(Bad::Syntax);
                }
            }
            let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| Bad::Syntax)?;
            Ok(J::Num(text.to_owned()))
        }

        fn hex4(&mut self) -> Result<u32, Bad> {
            let digits = self.s.get(self.i..self.i + 4).ok_or(Bad::Syntax)?;
            let text = std::str::from_utf8(digits).map_err(|_| Bad::Syntax)?;
            if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Bad::Syntax);
            }
            self.i += 4;
            u32::from_str_radix(text, 16).map_err(|_| Bad::Syntax)
        }

        fn string(&mut self) -> Result<String, Bad> {
            if self.peek() != Some(b'"') {
                return Err(Bad::Syntax);
            }
            self.i += 1;
            let mut out = Vec::new();
            loop {
                let b = self.peek().ok_or(Bad::Syntax)?;
                self.i += 1;
                match b {
                    b'"' => break,
                    0x00..=0x1f => return Err(Bad::Syntax),
                    b'\\' => {
                        let e = self.peek().ok_or(Bad::Syntax)?;
                        self.i += 1;
                        let c = match e {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            b'u' => {
                                let unit = self.hex4()?;
                                let code = match unit {
                                    0xd800..=0xdbff => {
                                        if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                                            return Err(Bad::Syntax);
                                        }
                                        self.i += 2;
                                        let low = self.hex4()?;
                                        if !(0xdc00..=0xdfff).contains(&low) {
                                            return Err(Bad::Syntax);
                                        }
                                        0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                                    }
                                    0xdc00..=0xdfff => return Err(Bad::Syntax),
                                    _ => unit,
                                };
                                char::from_u32(code).ok_or(Bad::Syntax)?
                            }
                            _ => return Err(Bad::Syntax),
                        };
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    _ => out.push(b),
                }
            }
            String::from_utf8(out).map_err(|_| Bad::Syntax)
        }
    }

    /// A JSON number as a serde visitor receives it from a reader that hands out `u64` for
    /// non-negative integers, `i64` for negative ones, `f64` otherwise (`None`: not finite).
    pub fn number_value(text: &str) -> Option<Value> {
        let integer = !text.contains(['.', 'e', 'E']);
        if integer {
            if text.starts_with('-') {
                if let Ok(v) = text.parse::<i64>() {
                    return Some(v.into());
                }
            } else if let Ok(v) = text.parse::<u64>() {
                return Some(v.into());
            }
        }
        let f: f64 = text.parse().ok()?;
        serde_json::Number::from_f64(f).map(Value::Number)
    }

    /// Whether some number in `j` does not fit an `f64`.
    pub fn has_overflowing_number(j: &J) -> bool {
        match j {
            J::Num(t) => number_value(t).is_none(),
            J::Arr(items) => items.iter().any(has_overflowing_number),
            J::Obj(members) => members.iter().any(|(_, v)| has_overflowing_number(v)),
            _ => false,
        }
    }

    /// `j` as a `serde_json::Value` (`None` when a number overflows).
    pub fn to_value(j: &J) -> Option<Value> {
        Some(match j {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Num(t) => number_value(t)?,
            J::Str(s) => Value::String(s.clone()),
            J::Arr(items) => Value::Array(items.iter().map(to_value).collect::<Option<_>>()?),
            J::Obj(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| Some((k.clone(), to_value(v)?)))
                    .collect::<Option<_>>()?,
            ),
        })
    }

    /// Numbers compare by value: exactly when both are integers, else as `f64` within 16 ulps
    /// (serde_json's default float parsing, without `float_roundtrip`, is not always correctly
    /// rounded: `1.0325553244046657e-47` reads as `…655e-47`).
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                    return x == y;
                }
                if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                    return x == y;
                }
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                x == y
                    || (x.is_sign_negative() == y.is_sign_negative()
                        && (x.to_bits() as i64 - y.to_bits() as i64).abs() <= 16)
            }
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }

    /// The oracle itself is checked against `serde_json` on every document: where serde_json
    /// accepts, the oracle accepts too (or objects to a duplicate or the depth, which serde_json
    /// allows) and reads the same value; where the oracle accepts, serde_json does too unless a
    /// number overflows `f64` (which serde_json refuses).
    pub fn agrees_with_serde_json(bytes: &[u8], parsed: &Result<J, Bad>) {
        let theirs = serde_json::from_slice::<Value>(bytes);
        match (parsed, &theirs) {
            (Ok(j), Ok(v)) => {
                let mine = to_value(j).expect("serde_json read a number that overflows f64");
                assert!(same(&mine, v), "oracle {mine:?} vs serde_json {v:?}");
            }
            (Ok(j), Err(e)) => assert!(
                has_overflowing_number(j),
                "oracle accepted what serde_json refuses ({e}): {:?}",
                String::from_utf8_lossy(bytes)
            ),
            (Err(Bad::Syntax), Ok(v)) => {
                panic!("oracle refused what serde_json reads as {v:?}: {bytes:?}")
            }
            (Err(_), _) => {}
        }
    }

    /// The exact value of a JSON NumericDate (RFC 7519 §2) as (seconds, nanoseconds), the
    /// nanoseconds rounded up; `None` when negative (other than zero) or at least 2^64 seconds.
    /// Computed in decimal with `u128`, never through a float.
    pub fn numeric_date(text: &str) -> Option<(u64, u32)> {
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], &text[at + 1..]),
            None => (text, "0"),
        };
        let exponent: i128 = {
            let (sign, digits) = match exponent.as_bytes()[0] {
                b'-' => (-1, &exponent[1..]),
                b'+' => (1, &exponent[1..]),
                _ => (1, exponent),
            };
            let magnitude = digits.bytes().fold(0i128, |acc, d| {
                (acc * 10 + i128::from(d - b'0')).min(1 << 40)
            });
            sign * magnitude
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: String = format!("{int}{frac}");
        let digits = digits.trim_start_matches('0');
        // value = digits × 10^(exponent - frac.len()); nanoseconds = value × 10^9, rounded up.
        if digits.is_empty() {
            return Some((0, 0));
        }
        if negative {
            return None;
        }
        let scale = exponent - frac.len() as i128 + 9;
        let ns: u128 = if scale >= 0 {
            if scale > 38 || digits.len() > 38 {
                return None;
            }
            digits
                .parse::<u128>()
                .ok()?
                .checked_mul(10u128.pow(scale as u32))?
        } else {
            let cut = (-scale) as u128;
            if cut >= digits.len() as u128 {
                1
            } else {
                let keep = digits.len() - cut as usize;
                let (q, r) = digits.split_at(keep);
                if q.len() > 38 {
                    return None;
                }
                q.parse::<u128>().ok()? + u128::from(r.bytes().any(|d| d != b'0'))
            }
        };
        let limit = (1u128 << 64) * 1_000_000_000;
        if ns >= limit {
            return None;
        }
        Some(((ns / 1_000_000_000) as u64, (ns % 1_000_000_000) as u32))
    }
}
