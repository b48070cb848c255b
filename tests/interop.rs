//! Interoperability with other JWT implementations, in both directions, for HS256/384/512:
//!
//! - [`jsonwebtoken`] (Rust, pure-Rust `rust_crypto` backend), linked in;
//! - PyJWT (Python), through `tests/pyjwt_interop.py`. Needs `pip install pyjwt`; without it
//!   `pyjwt_both_directions` is reported as `ignored` (decided by `build.rs`), and with
//!   `MICROJWT_REQUIRE_PYJWT=1` set (as CI does) a missing PyJWT fails the build instead.
//!
//! Every positive case compares the complete claims set (as a `serde_json::Value`, so `2000000000`
//! and `2000000000.0` differ) and every registered claim this crate exposes; every negative case
//! names the exact error on each side. Where the libraries disagree the test pins what each does:
//!
//! | case                    | microjwt (integer `now`)      | jsonwebtoken 12              | PyJWT 2 (float `now`)        |
//! |-------------------------|-------------------------------|------------------------------|------------------------------|
//! | `now == exp`            | expired (RFC 7519 §4.1.4)     | **accepted** (`exp < now`)   | expired (`exp <= now`)       |
//! | `exp = E + 0.5`         | exact: valid at E, not at E+1 | rounded to E+1: valid at E+1 | truncated to E: expired at E |
//! | `nbf = N + 0.5`         | exact: invalid at N, valid N+1| rounded to N+1               | truncated to N: valid at N   |
//! | `exp` <0, ≥2^64, text, null | `InvalidClaim(Exp)`       | `MissingRequiredClaim("exp")` | not checked here            |

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::io::Write;

use base64ct::Encoding;
use std::process::{Command, Stdio};

use jsonwebtoken as jwt;
use microjwt::{Algorithm, Claim, Error, HmacKey, Hs256, Hs384, Hs512, Validation};
use serde::Deserialize;
use serde_json::{Value, json};

const ISS: &str = "https://issuer.example";
/// The validation time for fixed-clock checks: 2023-11-14, between the cases' `nbf` and `exp`.
const NOW: u64 = 1_700_000_000;
const ALGS: [&str; 3] = ["HS256", "HS384", "HS512"];
const ESCAPES: &str = "a\"b\\c\n\t\u{1}";

/// A deterministic secret of exactly the hash length (the RFC 7518 §3.2 minimum); the same
/// formula as `key_for` in `tests/pyjwt_interop.py`.
fn secret(alg: &str) -> Vec<u8> {
    let len = match alg {
        "HS256" => 32,
        "HS384" => 48,
        "HS512" => 64,
        _ => panic!("unknown alg {alg}"),
    };
    (0..len).map(|i: usize| ((7 * i + 1) % 256) as u8).collect()
}

fn jwt_alg(alg: &str) -> jwt::Algorithm {
    alg.parse().unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Everything `microjwt::verify` reports about a token, owned so it can be compared.
#[derive(Debug, PartialEq)]
struct Verified {
    claims: Value,
    typ: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Vec<String>>,
    exp: Option<(u64, u32)>,
    nbf: Option<(u64, u32)>,
    iat: Option<(u64, u32)>,
    jti: Option<String>,
}

fn verify_as<A: Algorithm>(
    secret: &[u8],
    token: &str,
    validation: &Validation<'_>,
) -> Result<Verified, Error> {
    let key = HmacKey::<A>::new(secret)?;
    let mut scratch = vec![0u8; microjwt::scratch_len(token.len())];
    let verified = microjwt::verify::<Value>(&key, token, validation, &mut scratch)?;
    let r = verified.registered();
    let date = |d: Option<microjwt::NumericDate>| d.map(|d| (d.secs(), d.subsec_nanos()));
    Ok(Verified {
        claims: verified.custom().clone(),
        typ: verified.header().typ().map(str::to_owned),
        iss: r.iss().map(str::to_owned),
        sub: r.sub().map(str::to_owned),
        aud: r.aud().map(|a| a.iter().map(str::to_owned).collect()),
        exp: date(r.exp()),
        nbf: date(r.nbf()),
        iat: date(r.iat()),
        jti: r.jti().map(str::to_owned),
    })
}

/// Verifies with a microjwt key of algorithm `alg`.
fn verify_ours(
    alg: &str,
    secret: &[u8],
    token: &str,
    validation: &Validation<'_>,
) -> Result<Verified, Error> {
    match alg {
        "HS256" => verify_as::<Hs256>(secret, token, validation),
        "HS384" => verify_as::<Hs384>(secret, token, validation),
        "HS512" => verify_as::<Hs512>(secret, token, validation),
        _ => panic!("unknown alg {alg}"),
    }
}

fn sign_as<A: Algorithm>(secret: &[u8], claims: &Value) -> String {
    let key = HmacKey::<A>::new(secret).unwrap();
    let mut buf = vec![0u8; 2048];
    microjwt::sign(&key, claims, &mut buf).unwrap().to_owned()
}

fn sign_ours(alg: &str, claims: &Value) -> String {
    let secret = secret(alg);
    match alg {
        "HS256" => sign_as::<Hs256>(&secret, claims),
        "HS384" => sign_as::<Hs384>(&secret, claims),
        "HS512" => sign_as::<Hs512>(&secret, claims),
        _ => panic!("unknown alg {alg}"),
    }
}

fn sign_theirs(alg: &str, claims: &Value) -> String {
    let key = jwt::EncodingKey::from_secret(&secret(alg)).unwrap();
    jwt::encode(&jwt::Header::new(jwt_alg(alg)), claims, &key).unwrap()
}

/// jsonwebtoken's strictest comparable settings: no leeway, `nbf` checked, issuer and audience
/// required.
fn their_validation(alg: &str) -> jwt::Validation {
    let mut v = jwt::Validation::new(jwt_alg(alg));
    v.leeway = 0;
    v.validate_nbf = true;
    v.set_audience(&["api"]);
    v.set_issuer(&[ISS]);
    v.set_required_spec_claims(&["exp", "iss", "aud"]);
    v
}

/// Decodes with jsonwebtoken, reducing errors to their `ErrorKind`'s `Debug` text.
fn verify_theirs(
    secret: &[u8],
    token: &str,
    validation: &jwt::Validation,
) -> Result<(jwt::Header, Value), String> {
    let key = jwt::DecodingKey::from_secret(secret).unwrap();
    jwt::decode::<Value>(token, &key, validation)
        .map(|data| (data.header, data.claims))
        .map_err(|e| format!("{:?}", e.kind()))
}

/// A claims set every library must round-trip exactly, with what microjwt must report for it.
struct Case {
    name: &'static str,
    claims: Value,
    expected: fn(Value) -> Verified,
}

/// The shared cases; `MAKE_CASES` in `tests/pyjwt_interop.py` holds the same claims.
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "non_ascii_and_escapes",
            claims: json!({
                "iss": ISS, "sub": "Zoë 🦀", "aud": "api",
                "exp": 2_000_000_000u64, "nbf": 1_600_000_000u64, "iat": 1_600_000_000u64,
                "jti": "id-1", "name": ESCAPES, "n": 42, "nested": {"k": [1, true, null, -2.5]},
            }),
            expected: |claims| Verified {
                claims,
                typ: Some("JWT".into()),
                iss: Some(ISS.into()),
                sub: Some("Zoë 🦀".into()),
                aud: Some(vec!["api".into()]),
                exp: Some((2_000_000_000, 0)),
                nbf: Some((1_600_000_000, 0)),
                iat: Some((1_600_000_000, 0)),
                jti: Some("id-1".into()),
            },
        },
        Case {
            name: "aud_array",
            claims: json!({
                "iss": ISS, "sub": ESCAPES, "aud": ["other 🦀", "api", "q\"uote"],
                "exp": 2_000_000_000u64,
            }),
            expected: |claims| Verified {
                claims,
                typ: Some("JWT".into()),
                iss: Some(ISS.into()),
                sub: Some(ESCAPES.into()),
                aud: Some(vec!["other 🦀".into(), "api".into(), "q\"uote".into()]),
                exp: Some((2_000_000_000, 0)),
                nbf: None,
                iat: None,
                jti: None,
            },
        },
        Case {
            name: "fractional_dates",
            claims: json!({
                "iss": ISS, "aud": ["api"],
                "exp": 2_000_000_000.5, "nbf": 1_600_000_000.25, "iat": 1_600_000_000.125,
            }),
            expected: |claims| Verified {
                claims,
                typ: Some("JWT".into()),
                iss: Some(ISS.into()),
                sub: None,
                aud: Some(vec!["api".into()]),
                exp: Some((2_000_000_000, 500_000_000)),
                nbf: Some((1_600_000_000, 250_000_000)),
                iat: Some((1_600_000_000, 125_000_000)),
                jti: None,
            },
        },
    ]
}

fn our_validation() -> Validation<'static> {
    Validation::new(NOW).issuer(ISS).audience(&["api"])
}

#[test]
fn jsonwebtoken_tokens_verify_here_exactly() {
    for alg in ALGS {
        for case in cases() {
            let token = sign_theirs(alg, &case.claims);
            let got = verify_ours(alg, &secret(alg), &token, &our_validation());
            assert_eq!(
                got,
                Ok((case.expected)(case.claims.clone())),
                "{alg} {}",
                case.name
            );
        }
    }
}

#[test]
fn our_tokens_verify_in_jsonwebtoken_exactly() {
    for alg in ALGS {
        for case in cases() {
            let token = sign_ours(alg, &case.claims);
            let (header, claims) =
                verify_theirs(&secret(alg), &token, &their_validation(alg)).unwrap();
            assert_eq!(claims, case.claims, "{alg} {}", case.name);
            assert_eq!(header.alg, jwt_alg(alg));
            assert_eq!(header.typ.as_deref(), Some("JWT"));
            // Both write compact JSON with the same escapes (`\u0001` lowercase, non-ASCII raw)
            // and shortest float forms, so the payload segments agree byte for byte; only the
            // headers differ in member order.
            let theirs = sign_theirs(alg, &case.claims);
            assert_eq!(
                token.split('.').nth(1),
                theirs.split('.').nth(1),
                "{alg} {}",
                case.name
            );
        }
    }
}

/// A claims type borrowing from the scratch buffer receives unescaped text.
#[test]
fn borrowed_strings_are_unescaped() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Borrowed<'a> {
        sub: &'a str,
        name: &'a str,
        aud: &'a str,
        exp: f64,
    }
    let token = sign_theirs("HS256", &cases()[0].claims);
    let key = HmacKey::<Hs256>::new(&secret("HS256")).unwrap();
    let mut scratch = vec![0u8; microjwt::scratch_len(token.len())];
    let verified =
        microjwt::verify::<Borrowed>(&key, &token, &our_validation(), &mut scratch).unwrap();
    assert_eq!(
        verified.custom(),
        &Borrowed {
            sub: "Zoë 🦀",
            name: ESCAPES,
            aud: "api",
            exp: 2_000_000_000.0
        }
    );
}

#[test]
fn wrong_algorithm_or_key_is_rejected_on_both_sides() {
    let claims = &cases()[0].claims;

    // An HS256 token against an HS384 key: the 43-character signature segment is not the 64
    // an HS384 tag needs, so the signature stage rejects it before the header (and its `alg`)
    // is even decoded. `AlgorithmMismatch` is only ever reported after a MAC has passed.
    let hs256 = sign_theirs("HS256", claims);
    assert_eq!(
        verify_ours("HS384", &secret("HS384"), &hs256, &our_validation()),
        Err(Error::InvalidSignature)
    );
    // The same the other way round: jsonwebtoken refuses the header's `alg` before any MAC.
    let ours = sign_ours("HS256", claims);
    assert_eq!(
        verify_theirs(&secret("HS384"), &ours, &their_validation("HS384")).unwrap_err(),
        "InvalidAlgorithm"
    );

    // A token whose header says HS256 but whose tag is HMAC-SHA384 under the verifier's key:
    // the MAC passes here, and only then is the header held to the key's algorithm.
    let signing_input = ours.rsplit_once('.').unwrap().0;
    let key384 = HmacKey::<Hs384>::new(&secret("HS384")).unwrap();
    let tag = key384.mac(signing_input.as_bytes());
    let forged = format!(
        "{signing_input}.{}",
        base64ct::Base64UrlUnpadded::encode_string(tag.as_bytes())
    );
    assert_eq!(
        verify_ours("HS384", &secret("HS384"), &forged, &our_validation()),
        Err(Error::AlgorithmMismatch)
    );
    // jsonwebtoken trusts the header to pick HMAC-SHA256 and then finds a 48-byte tag.
    assert_eq!(
        verify_theirs(&secret("HS384"), &forged, &their_validation("HS256")).unwrap_err(),
        "InvalidSignature"
    );
    assert_eq!(
        verify_theirs(&secret("HS384"), &forged, &their_validation("HS384")).unwrap_err(),
        "InvalidAlgorithm"
    );

    // Right algorithm, wrong secret; and a tampered payload.
    for alg in ALGS {
        let mut other = secret(alg);
        other[0] ^= 1;
        let theirs = sign_theirs(alg, claims);
        let ours = sign_ours(alg, claims);
        assert_eq!(
            verify_ours(alg, &other, &theirs, &our_validation()),
            Err(Error::InvalidSignature)
        );
        assert_eq!(
            verify_theirs(&other, &ours, &their_validation(alg)).unwrap_err(),
            "InvalidSignature"
        );
        let (head, rest) = theirs.split_once('.').unwrap();
        let tampered = format!("{head}.{}", rest.replacen("eyJ", "eyK", 1));
        assert_eq!(
            verify_ours(alg, &secret(alg), &tampered, &our_validation()),
            Err(Error::InvalidSignature)
        );
    }
}

/// microjwt's boundaries at a fixed clock, on tokens made by jsonwebtoken.
#[test]
fn time_boundaries_here_on_jsonwebtoken_tokens() {
    const E: u64 = 1_800_000_000;
    let check = |claims: Value, now: u64, leeway: u64| {
        let token = sign_theirs("HS256", &claims);
        let validation = Validation::new(now).leeway(leeway);
        verify_ours("HS256", &secret("HS256"), &token, &validation).map(|v| v.exp)
    };
    // exp: valid while now < exp + leeway.
    assert_eq!(check(json!({"exp": E}), E - 1, 0), Ok(Some((E, 0))));
    assert_eq!(
        check(json!({"exp": E}), E, 0),
        Err(Error::Expired { exp: E, now: E })
    );
    assert_eq!(check(json!({"exp": E}), E + 4, 5), Ok(Some((E, 0))));
    assert_eq!(
        check(json!({"exp": E}), E + 5, 5),
        Err(Error::Expired { exp: E, now: E + 5 })
    );
    // Fractional exp is honoured exactly: E + 0.5 has not passed at E, has at E + 1.
    let half = json!({"exp": E as f64 + 0.5});
    assert_eq!(check(half.clone(), E, 0), Ok(Some((E, 500_000_000))));
    assert_eq!(
        check(half, E + 1, 0),
        Err(Error::Expired {
            exp: E + 1,
            now: E + 1
        })
    );
    // nbf: valid from nbf on; a fractional nbf from the next whole second.
    assert_eq!(
        check(json!({"exp": E, "nbf": E - 10}), E - 10, 0),
        Ok(Some((E, 0)))
    );
    assert_eq!(
        check(json!({"exp": E, "nbf": E - 10}), E - 11, 0),
        Err(Error::NotYetValid {
            nbf: E - 10,
            now: E - 11
        })
    );
    let frac_nbf = json!({"exp": E, "nbf": (E - 10) as f64 + 0.25});
    assert_eq!(
        check(frac_nbf.clone(), E - 10, 0),
        Err(Error::NotYetValid {
            nbf: E - 9,
            now: E - 10
        })
    );
    assert_eq!(check(frac_nbf, E - 9, 0), Ok(Some((E, 0))));
}

/// Runs `f` at the current second until the clock did not tick during the call, so that the
/// `now` jsonwebtoken reads inside `f` equals the `t0` it was given.
fn at_stable_second<R>(f: impl Fn(u64) -> R) -> (u64, R) {
    for _ in 0..20 {
        let t0 = jwt::get_current_timestamp();
        let result = f(t0);
        if jwt::get_current_timestamp() == t0 {
            return (t0, result);
        }
    }
    panic!("the clock ticked during every attempt");
}

/// jsonwebtoken only reads the system clock, so its boundaries are probed at the real time.
#[test]
fn time_boundaries_in_jsonwebtoken_vs_here() {
    let (t0, results) = at_stable_second(|t0| {
        let variants = [
            json!({"exp": t0 + 1}),
            json!({"exp": t0}),
            json!({"exp": t0 - 1}),
            json!({"exp": (t0 - 1) as f64 + 0.5}),
            json!({"exp": (t0 - 1) as f64 + 0.4}),
            json!({"exp": t0 + 100, "nbf": t0}),
            json!({"exp": t0 + 100, "nbf": t0 + 1}),
            json!({"exp": t0 + 100, "nbf": t0 as f64 + 0.4}),
        ];
        let mut v = jwt::Validation::new(jwt::Algorithm::HS256);
        v.leeway = 0;
        v.validate_nbf = true;
        variants
            .into_iter()
            .map(|claims| {
                let token = sign_ours("HS256", &claims);
                let theirs = verify_theirs(&secret("HS256"), &token, &v).map(|_| ());
                (token, theirs)
            })
            .collect::<Vec<_>>()
    });
    let ours: Vec<_> = results
        .iter()
        .map(|(token, _)| {
            verify_ours("HS256", &secret("HS256"), token, &Validation::new(t0)).map(|_| ())
        })
        .collect();
    let theirs: Vec<_> = results.into_iter().map(|(_, r)| r).collect();
    assert_eq!(
        theirs,
        vec![
            Ok(()),
            // RFC 7519 §4.1.4 says "on or after" exp the token must be rejected; jsonwebtoken
            // rejects only when `exp < now - leeway`, so it accepts at `now == exp`.
            Ok(()),
            Err("ExpiredSignature".to_owned()),
            // Fractional dates are rounded half away from zero to whole seconds: exp t0-0.5 →
            // t0, accepted although it has passed; t0-0.6 → t0-1, expired.
            Ok(()),
            Err("ExpiredSignature".to_owned()),
            Ok(()),
            Err("ImmatureSignature".to_owned()),
            // nbf t0+0.4 → t0: accepted while the real time may still be before it.
            Ok(()),
        ]
    );
    assert_eq!(
        ours,
        vec![
            Ok(()),
            Err(Error::Expired { exp: t0, now: t0 }),
            Err(Error::Expired {
                exp: t0 - 1,
                now: t0
            }),
            Err(Error::Expired { exp: t0, now: t0 }),
            Err(Error::Expired { exp: t0, now: t0 }),
            Ok(()),
            Err(Error::NotYetValid {
                nbf: t0 + 1,
                now: t0
            }),
            Err(Error::NotYetValid {
                nbf: t0 + 1,
                now: t0
            }),
        ]
    );
}

/// Dates that are not non-negative JSON numbers below 2^64 (including `null`): always
/// `InvalidClaim(Exp)` here, whether `exp` is required or not. jsonwebtoken rejects them too, but
/// its required-claims check runs first and counts an unparsable `exp` as absent, so by default
/// it says `MissingRequiredClaim("exp")`; with `exp` not required, `InvalidClaimFormat("exp")`.
#[test]
fn out_of_range_dates_are_rejected_on_both_sides() {
    const MISSING: &str = "Err(\"MissingRequiredClaim(\\\"exp\\\")\")";
    const INVALID: &str = "Err(\"InvalidClaimFormat(\\\"exp\\\")\")";
    // jsonwebtoken's date visitor fails inside the array and leaves serde_json mid-value.
    const JSON: &str = "Err(\"Json(Error(\\\"expected `,` or `}`\\\"";
    for (exp, required, not_required) in [
        (json!(-1), MISSING, INVALID),
        (json!(1e20), MISSING, INVALID),
        (json!(2e19), MISSING, INVALID),
        (json!("2000000000"), MISSING, INVALID),
        (json!([2_000_000_000u64]), JSON, JSON),
        (json!(null), MISSING, INVALID),
    ] {
        let claims = json!({ "exp": exp });
        let token = sign_theirs("HS256", &claims);
        for validation in [
            Validation::new(NOW),
            Validation::new(NOW).danger_allow_missing_exp(),
        ] {
            assert_eq!(
                verify_ours("HS256", &secret("HS256"), &token, &validation),
                Err(Error::InvalidClaim(Claim::Exp)),
                "{exp}"
            );
        }
        let ours = sign_ours("HS256", &claims);
        let mut v = jwt::Validation::new(jwt::Algorithm::HS256);
        v.leeway = 0;
        let theirs = |v: &jwt::Validation| {
            format!(
                "{:?}",
                verify_theirs(&secret("HS256"), &ours, v).map(|_| ())
            )
        };
        let got = theirs(&v);
        assert!(got.starts_with(required), "{exp}: {got}");
        v.required_spec_claims.clear();
        let got = theirs(&v);
        assert!(got.starts_with(not_required), "{exp}: {got}");
    }
}

// ---------------------------------------------------------------------------------------------
// PyJWT
// ---------------------------------------------------------------------------------------------

fn pyjwt_script() -> String {
    format!("{}/pyjwt_interop.py", env!("CARGO_MANIFEST_DIR"))
}

fn pyjwt_available() -> bool {
    Command::new("python3")
        .args(["-c", "import jwt; jwt.encode"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// One token for `pyjwt_interop.py check`, with the outcome expected on each side.
struct PyCheck {
    case: String,
    alg: &'static str,
    /// PyJWT's `algorithms=[..]`, when not `alg`.
    verify_alg: Option<&'static str>,
    /// The secret the verifier uses.
    key: Vec<u8>,
    claims: Value,
    audience: Option<&'static [&'static str]>,
    issuer: Option<&'static str>,
    /// PyJWT's frozen clock (seconds); microjwt validates at its whole seconds.
    now: u64,
    /// "ok" or the PyJWT exception's class name.
    pyjwt: &'static str,
    ours: Result<(), Error>,
}

fn pyjwt_checks() -> Vec<PyCheck> {
    let mut checks = Vec::new();
    for alg in ALGS {
        for case in cases() {
            checks.push(PyCheck {
                case: format!("{alg}/{}", case.name),
                alg,
                verify_alg: None,
                key: secret(alg),
                claims: case.claims,
                audience: Some(&["api"]),
                issuer: Some(ISS),
                now: NOW,
                pyjwt: "ok",
                ours: Ok(()),
            });
        }
    }
    let hs256 = |case: &str, claims: Value, pyjwt: &'static str, ours: Result<(), Error>| PyCheck {
        case: format!("HS256/{case}"),
        alg: "HS256",
        verify_alg: None,
        key: secret("HS256"),
        claims,
        audience: None,
        issuer: None,
        now: NOW,
        pyjwt,
        ours,
    };
    let frac = NOW as f64 + 0.5;
    checks.extend([
        hs256("exp_one_after_now", json!({"exp": NOW + 1}), "ok", Ok(())),
        hs256(
            "exp_equals_now",
            json!({"exp": NOW}),
            "ExpiredSignatureError",
            Err(Error::Expired { exp: NOW, now: NOW }),
        ),
        // PyJWT truncates with int(): exp NOW+0.5 becomes NOW, expired at NOW although half a
        // second remains. microjwt compares exactly.
        hs256(
            "exp_half_after_now",
            json!({"exp": frac}),
            "ExpiredSignatureError",
            Ok(()),
        ),
        hs256(
            "nbf_equals_now",
            json!({"exp": NOW + 9, "nbf": NOW}),
            "ok",
            Ok(()),
        ),
        // Truncation the other way: nbf NOW+0.5 becomes NOW, accepted half a second early.
        hs256(
            "nbf_half_after_now",
            json!({"exp": NOW + 9, "nbf": frac}),
            "ok",
            Err(Error::NotYetValid {
                nbf: NOW + 1,
                now: NOW,
            }),
        ),
        hs256(
            "missing_exp",
            json!({"sub": "x"}),
            "MissingRequiredClaimError",
            Err(Error::MissingClaim(Claim::Exp)),
        ),
        hs256(
            "aud_not_configured",
            json!({"exp": NOW + 9, "aud": "api"}),
            "InvalidAudienceError",
            Err(Error::AudienceMismatch),
        ),
        PyCheck {
            audience: Some(&["nope"]),
            ..hs256(
                "aud_mismatch",
                json!({"exp": NOW + 9, "aud": ["api", "web"]}),
                "InvalidAudienceError",
                Err(Error::AudienceMismatch),
            )
        },
        PyCheck {
            issuer: Some("https://evil.example"),
            ..hs256(
                "iss_mismatch",
                json!({"exp": NOW + 9, "iss": ISS}),
                "InvalidIssuerError",
                Err(Error::IssuerMismatch),
            )
        },
        PyCheck {
            key: b"another secret of thirty-two by.".to_vec(),
            ..hs256(
                "wrong_key",
                json!({"exp": NOW + 9}),
                "InvalidSignatureError",
                Err(Error::InvalidSignature),
            )
        },
        PyCheck {
            verify_alg: Some("HS384"),
            key: secret("HS384"),
            ..hs256(
                "wrong_alg",
                json!({"exp": NOW + 9}),
                "InvalidAlgorithmError",
                Err(Error::InvalidSignature),
            )
        },
    ]);
    checks
}

fn run_pyjwt(mode: &str, stdin: &str) -> String {
    let mut child = Command::new("python3")
        .arg(pyjwt_script())
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "pyjwt_interop.py {mode} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
#[cfg_attr(
    not(pyjwt),
    ignore = "PyJWT not installed (pip install pyjwt): build.rs found no `import jwt`"
)]
fn pyjwt_both_directions() {
    assert!(
        pyjwt_available(),
        "PyJWT was found at build time but not now"
    );

    // (b) PyJWT → microjwt.
    let made = run_pyjwt("make", "");
    let cases = cases();
    let mut seen = 0;
    for line in made.lines() {
        let line: Value = serde_json::from_str(line).unwrap();
        let (name, alg) = (
            line["case"].as_str().unwrap(),
            line["alg"].as_str().unwrap(),
        );
        let case = cases.iter().find(|c| c.name == name).unwrap();
        assert_eq!(line["claims"], case.claims, "the script's {name} drifted");
        assert_eq!(line["key"], hex(&secret(alg)));
        let token = line["token"].as_str().unwrap();
        let got = verify_ours(
            alg,
            &unhex(line["key"].as_str().unwrap()),
            token,
            &our_validation(),
        );
        assert_eq!(
            got,
            Ok((case.expected)(case.claims.clone())),
            "{alg} {name}: {token}"
        );
        if name == "non_ascii_and_escapes" {
            // PyJWT's json.dumps escapes non-ASCII (a surrogate pair for the crab), so the
            // equality above went through the \u unescaper.
            let payload = token.split('.').nth(1).unwrap();
            let payload = base64ct::Base64UrlUnpadded::decode_vec(payload).unwrap();
            let payload = String::from_utf8(payload).unwrap();
            assert!(payload.is_ascii(), "{payload}");
            assert!(
                payload.contains(r#""sub":"Zo\u00eb \ud83e\udd80""#),
                "{payload}"
            );
        }
        seen += 1;
    }
    assert_eq!(seen, ALGS.len() * cases.len(), "{made}");

    // (c) microjwt → PyJWT, each token also checked here with the same settings.
    let checks = pyjwt_checks();
    let mut input = String::new();
    for c in &checks {
        let token = sign_ours(c.alg, &c.claims);
        let mut validation = Validation::new(c.now);
        if let Some(aud) = c.audience {
            validation = validation.audience(aud);
        }
        if let Some(iss) = c.issuer {
            validation = validation.issuer(iss);
        }
        let ours = verify_ours(c.verify_alg.unwrap_or(c.alg), &c.key, &token, &validation);
        assert_eq!(ours.map(|_| ()), c.ours, "{}", c.case);
        let line = json!({
            "case": c.case, "alg": c.alg, "verify_alg": c.verify_alg, "key": hex(&c.key),
            "token": token, "claims": c.claims, "audience": c.audience, "issuer": c.issuer,
            "now": c.now, "expect": c.pyjwt,
        });
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let report = run_pyjwt("check", &input);
    let expected: Vec<String> = checks.iter().map(|c| format!("OK {}", c.case)).collect();
    let mut got: Vec<&str> = report.lines().collect();
    assert_eq!(
        got.pop(),
        Some(format!("summary: ok={} fail=0", checks.len()).as_str()),
        "{report}"
    );
    assert_eq!(got, expected, "{report}");
}
