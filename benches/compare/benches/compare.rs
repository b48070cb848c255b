//! Cross-crate HMAC-JWT benchmark: microjwt vs. jsonwebtoken, jwt-compact,
//! jwt and jwt-simple, with a raw-HMAC `floor` and `lax serde_json`, a
//! verifier written by hand without a JWT crate.
//!
//! Run: `cd benches/compare && cargo bench --bench compare`, then
//! `python3 report.py` for the Markdown table and the SVG plot.
//!
//! ## What every crate does per verify (equal work)
//! Same token bytes for everybody (hand-assembled once with hmac 0.13 +
//! base64, see `src/tokens.rs`), header `{"alg":"HSxxx","typ":"JWT"}`:
//! split, base64-decode, header alg check, MAC check (constant-time), claims
//! JSON -> struct, exp and nbf required and checked with 60 s leeway, iss ==
//! "https://issuer.example", aud == "api". Before any timing, every crate must
//! ACCEPT the valid token (yielding the same claims) and REJECT a token with
//! one flipped signature bit, a wrong iss, a wrong aud, an expired token, a
//! not-yet-valid token and a token signed with a different HS algorithm.
//!
//! ## Inequalities that could not be removed (they are the crates' API costs)
//! - floor: only HMAC (pre-keyed state cloned per call) over the exact signing
//!   input + `Mac::verify_slice`. The tag is base64-decoded ONCE, outside the
//!   timed loop, and the signing-input length is precomputed. No base64, no
//!   JSON, no claim checks. It is a lower bound, not a competitor.
//! - jsonwebtoken: cannot take a fixed "now": it reads `SystemTime::now()`
//!   per verify (exp = 4e9 so the token is valid for real time too). `decode`
//!   requires `T: DeserializeOwned` -> owned `String`s, and it deserializes
//!   the claims twice (once into `T`, once for its own validation). It creates
//!   the HMAC state from the raw key per call.
//! - jwt-compact: `T: DeserializeOwned` -> owned `String`s; its `Claims<T>`
//!   flattens `T` (serde buffering). iss/aud are not known to the crate and
//!   are compared by the adapter; exp/nbf validated by the crate with a fixed
//!   clock. Re-keys HMAC per call.
//! - jwt 0.16: no claim validation at all: exp/nbf/iss/aud are checked by the
//!   adapter (cheap integer/string compares). Owned claims (`FromBase64`
//!   requires `for<'de> Deserialize<'de>`). Uses hmac 0.12 / sha2 0.10 (a
//!   pre-keyed `Hmac` is its key type). Deserializes before the MAC check.
//! - jwt-simple (pure-rust): `verify_token` takes `VerificationOptions` by
//!   value, so the options (two `HashSet<String>`s) are cloned per call; owned
//!   claims; checks exp/nbf only if present, so the adapter also requires
//!   their presence; uses its own HMAC implementation (hmac-sha256/512 crates).
//!   Sign: `authenticate` takes `JWTClaims` by value -> the prepared claims are
//!   cloned per call (its registered claims are `Option<String>`).
//! - lax serde_json: split on dots, a 256-entry table base64url decoder into a
//!   buffer allocated once outside the loop, the pre-keyed HMAC state cloned
//!   per call and `verify_slice`, `serde_json::from_slice` of the header (only
//!   `alg` read) and of the claims into borrowed `&str` fields, then exp/nbf
//!   (60 s leeway), iss and aud compared: the same checks, none of the
//!   strictness (no duplicate-name detection, unknown header members such as
//!   `crit` ignored, non-canonical base64 trailing bits accepted). What
//!   microjwt's strictness costs is `microjwt − lax serde_json`. Sign:
//!   `serde_json::to_writer` into a reused buffer, the same table encoder,
//!   the pre-keyed HMAC; the header is encoded once.
//! - microjwt: registered claims (iss, sub, aud, exp, nbf, iat, jti) are
//!   parsed by the crate, the rest into a borrowed `&str` struct, all in a
//!   caller scratch buffer allocated once outside the loop. Its default
//!   8 KiB token cap is raised to 64 KiB (for the 16 KiB payload); `nbf` is
//!   made required with `.require(Claim::Nbf)` like everywhere else. Sign
//!   writes into a caller buffer (no `String`), by design.
//! - Sign: every crate serializes the same small claims (borrowed `&str`
//!   struct wherever the API allows) plus a `{"alg","typ":"JWT"}` header and
//!   returns the compact token; JSON member order differs per crate (same
//!   members, same length). Each produced token is checked once to verify.
//! - Size sweep: 64 B cannot hold iss+aud+exp+nbf; the first point is the
//!   smallest possible payload (87 B, empty filler). Points are labelled by the
//!   real payload length in bytes (JSON, before base64).

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main, measurement::WallTime,
};
use microjwt_compare::*;

// ---------------------------------------------------------------------------
// One adapter set per (alg) -- built once, outside every timed loop.
// ---------------------------------------------------------------------------

struct Peers {
    microjwt: MicroJwt,
    lax: LaxSerdeJson,
    jsonwebtoken: JsonWebToken,
    jwt_compact: JwtCompact,
    jwt: Jwt,
    jwt_simple: JwtSimple,
}

impl Peers {
    fn new(alg: Alg) -> Self {
        Peers {
            microjwt: MicroJwt::new(alg),
            lax: LaxSerdeJson::new(alg),
            jsonwebtoken: JsonWebToken::new(alg),
            jwt_compact: JwtCompact::new(alg),
            jwt: Jwt::new(alg),
            jwt_simple: JwtSimple::new(alg),
        }
    }
}

/// Assert once that every crate accepts the valid token with the expected
/// claims and rejects every bad variant (so nobody benchmarks a no-op).
fn check_case(case: &Case, p: &Peers) {
    let target = case.payload_len;
    let want = expected_digest(case.shape, target);
    let ctx = format!(
        "{} {:?} {} B",
        case.alg.name(),
        case.shape,
        case.payload_len
    );

    // floor: accepts the valid token; a floor holding the flipped tag rejects it.
    assert!(
        AnyFloor::new(case.alg, &case.token).verify(&case.token),
        "floor rejects valid ({ctx})"
    );
    assert!(
        !AnyFloor::new(case.alg, &flip_signature_bit(&case.token)).verify(&case.token),
        "floor accepts flipped bit ({ctx})"
    );

    let mut scratch = MicroJwt::scratch_for(&case.token);
    let mj = p.microjwt.verify(&case.token, &mut scratch);
    assert_eq!(
        digest_mj(&mj.unwrap_or_else(|e| panic!("microjwt rejects valid ({ctx}): {e:?}"))),
        want,
        "microjwt {ctx}"
    );
    let mut lax_buf = LaxSerdeJson::scratch_for(&case.token);
    assert_eq!(
        digest_lax(
            &p.lax
                .verify(&case.token, &mut lax_buf)
                .expect("lax serde_json rejects valid")
        ),
        want,
        "lax serde_json {ctx}"
    );
    assert_eq!(
        digest_full(
            &p.jsonwebtoken
                .verify(&case.token)
                .expect("jsonwebtoken rejects valid")
        ),
        want,
        "jsonwebtoken {ctx}"
    );
    assert_eq!(
        digest_jc(
            &p.jwt_compact
                .verify(&case.token)
                .expect("jwt-compact rejects valid")
        ),
        want,
        "jwt-compact {ctx}"
    );
    assert_eq!(
        digest_full(&p.jwt.verify(&case.token).expect("jwt rejects valid")),
        want,
        "jwt {ctx}"
    );
    assert_eq!(
        digest_js(
            &p.jwt_simple
                .verify(&case.token)
                .expect("jwt-simple rejects valid")
        ),
        want,
        "jwt-simple {ctx}"
    );
    for (what, bad) in &case.bad {
        assert!(
            p.microjwt.verify(bad, &mut scratch).is_err(),
            "microjwt accepts {what} ({ctx})"
        );
        assert!(
            p.lax.verify(bad, &mut lax_buf).is_err(),
            "lax serde_json accepts {what} ({ctx})"
        );
        assert!(
            p.jsonwebtoken.verify(bad).is_err(),
            "jsonwebtoken accepts {what} ({ctx})"
        );
        assert!(
            p.jwt_compact.verify(bad).is_err(),
            "jwt-compact accepts {what} ({ctx})"
        );
        assert!(p.jwt.verify(bad).is_err(), "jwt accepts {what} ({ctx})");
        assert!(
            p.jwt_simple.verify(bad).is_err(),
            "jwt-simple accepts {what} ({ctx})"
        );
    }
}

fn bench_verify_fns(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: impl Fn(&str) -> BenchmarkId,
    case: &Case,
    p: &Peers,
) {
    let token = case.token.as_str();

    let floor = AnyFloor::new(case.alg, token); // tag decoded here, once
    g.bench_function(id("floor"), |b| b.iter(|| floor.verify(black_box(token))));

    // The scratch buffer is allocated once here; the claims borrow it, so they
    // are consumed (black_box) inside the closure instead of being returned.
    let mut scratch = MicroJwt::scratch_for(token);
    g.bench_function(id("microjwt"), |b| {
        b.iter(|| {
            let r = p.microjwt.verify(black_box(token), &mut scratch);
            black_box(&r);
        })
    });

    let mut lax_buf = LaxSerdeJson::scratch_for(token);
    g.bench_function(id("lax serde_json"), |b| {
        b.iter(|| {
            let r = p.lax.verify(black_box(token), &mut lax_buf);
            black_box(&r);
        })
    });

    g.bench_function(id("jsonwebtoken"), |b| {
        b.iter(|| p.jsonwebtoken.verify(black_box(token)))
    });
    g.bench_function(id("jwt-compact"), |b| {
        b.iter(|| p.jwt_compact.verify(black_box(token)))
    });
    g.bench_function(id("jwt"), |b| b.iter(|| p.jwt.verify(black_box(token))));
    g.bench_function(id("jwt-simple"), |b| {
        b.iter(|| p.jwt_simple.verify(black_box(token)))
    });
}

fn verify_groups(c: &mut Criterion) {
    let cases = [
        ("verify/hs256/small", small_case(Alg::Hs256)),
        ("verify/hs256/large", large_case(Alg::Hs256)),
        ("verify/hs384/small", small_case(Alg::Hs384)),
        ("verify/hs512/small", small_case(Alg::Hs512)),
    ];
    for (name, case) in &cases {
        let p = Peers::new(case.alg);
        check_case(case, &p);
        let mut g = c.benchmark_group(*name);
        bench_verify_fns(&mut g, |f| BenchmarkId::from_parameter(f), case, &p);
        g.finish();
    }
}

fn size_group(c: &mut Criterion) {
    let p = Peers::new(Alg::Hs256);
    let cases: Vec<Case> = SIZE_TARGETS
        .iter()
        .map(|&t| sized_case(Alg::Hs256, t))
        .collect();
    for case in &cases {
        check_case(case, &p);
    }
    let mut g = c.benchmark_group("verify/hs256/size");
    for case in &cases {
        let n = case.payload_len;
        bench_verify_fns(&mut g, |f| BenchmarkId::new(f, n), case, &p);
    }
    g.finish();
}

fn sign_group(c: &mut Criterion) {
    let alg = Alg::Hs256;
    let p = Peers::new(alg);
    let claims = small_claims_borrowed();
    let jc_claims = JwtCompact::sign_input(&claims);
    let js_claims = JwtSimple::sign_input(&claims);

    // Each signer must produce a token that verifies (with jsonwebtoken and
    // with itself) and carries the same claims.
    let want = expected_digest(Shape::Small, 0);
    let check = |who: &str, t: String| {
        assert_eq!(
            digest_full(
                &p.jsonwebtoken
                    .verify(&t)
                    .unwrap_or_else(|_| panic!("{who}: bad token {t}"))
            ),
            want,
            "{who}"
        );
        t
    };
    let mut buf = vec![0u8; 1024]; // microjwt writes into the caller's buffer
    let t = check("microjwt", p.microjwt.sign(&claims, &mut buf).to_string());
    assert!(
        p.microjwt
            .verify(&t, &mut MicroJwt::scratch_for(&t))
            .is_ok()
    );
    let (mut lax_json, mut lax_out) = (vec![0u8; 1024], vec![0u8; 1024]);
    let t = check(
        "lax serde_json",
        p.lax.sign(&claims, &mut lax_json, &mut lax_out).to_string(),
    );
    assert!(p.lax.verify(&t, &mut LaxSerdeJson::scratch_for(&t)).is_ok());
    let t = check("jsonwebtoken", p.jsonwebtoken.sign(&claims));
    assert!(p.jsonwebtoken.verify(&t).is_ok());
    let t = check("jwt-compact", p.jwt_compact.sign(&jc_claims));
    assert!(p.jwt_compact.verify(&t).is_ok());
    let t = check("jwt", p.jwt.sign(&claims));
    assert!(p.jwt.verify(&t).is_ok());
    let t = check("jwt-simple", p.jwt_simple.sign(&js_claims));
    assert!(p.jwt_simple.verify(&t).is_ok());

    let mut g = c.benchmark_group("sign/hs256/small");
    g.bench_function("microjwt", |b| {
        b.iter(|| {
            let t = p.microjwt.sign(black_box(&claims), &mut buf);
            black_box(t);
        })
    });
    g.bench_function("lax serde_json", |b| {
        b.iter(|| {
            let t = p.lax.sign(black_box(&claims), &mut lax_json, &mut lax_out);
            black_box(t);
        })
    });
    g.bench_function("jsonwebtoken", |b| {
        b.iter(|| p.jsonwebtoken.sign(black_box(&claims)))
    });
    g.bench_function("jwt-compact", |b| {
        b.iter(|| p.jwt_compact.sign(black_box(&jc_claims)))
    });
    g.bench_function("jwt", |b| b.iter(|| p.jwt.sign(black_box(&claims))));
    g.bench_function("jwt-simple", |b| {
        b.iter(|| p.jwt_simple.sign(black_box(&js_claims)))
    });
    g.finish();
}

fn config() -> Criterion {
    // Modest defaults for 2 noisy cores; command-line flags
    // (--warm-up-time, --measurement-time, --sample-size, filters) override.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = verify_groups, size_group, sign_group
}
criterion_main!(benches);
