//! Where verify and sign spend their time: one group per pipeline stage, end to end, and the raw
//! HMAC floor, for HS256/384/512 and a small (~250 B) and large (~1 KiB) payload. Those groups
//! are named `pipeline/…`: `benches/compare` shares this workspace's `target/criterion`, and its
//! `verify/hs256/small/floor` (say) is another measurement.
//!
//! Stages are measured through the public API: `split` is `UntrustedToken::parse`, `mac` is
//! `HmacKey::verify_mac` over the signing input (the floor), `header` and `payload` decode (and
//! for the header, parse) one segment, `jws` runs every stage but the claims, and `verify` runs
//! them all — so the claims stage costs `verify − jws`. `verify_unit` walks the claims without a
//! caller type: `verify_unit − jws` is what a second, validate-only pass would have added.
//!
//! `adversarial` verifies hostile tokens (many distinct short names, names with a long common
//! prefix, names whose hashes collide; in the header or the payload, nested or flat) against a
//! harmless token of the same length, at 8 and 64 KiB, with one key and a key set, with a good
//! and a bad MAC: its bytes/s must stay within a small factor of the harmless token's (the inputs
//! are built in `adversarial.rs`; `tests/adversarial.rs` checks their verdicts and the ratios).
//!
//! `cargo bench -p microjwt-benches --bench pipeline`; peers are compared in `benches/compare` (see BENCHMARKS.md).

#![allow(clippy::unwrap_used)] // a benchmark: a failure is a bug report

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use microjwt::{Algorithm, HmacKey, Hs256, Hs384, Hs512, UntrustedToken, Validation};
use serde::{Deserialize, Serialize};
use std::hint::black_box;

#[derive(Serialize, Deserialize)]
struct Claims<'a> {
    sub: &'a str,
    iss: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    nbf: u64,
    jti: &'a str,
    name: &'a str,
    admin: bool,
    scope: &'a str,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<&'a str>,
}

const NOW: u64 = 1_800_000_000;
const ROLES: [&str; 40] = [
    "reader", "writer", "admin", "auditor", "billing", "support", "ops", "deploy", "metrics",
    "logs", "alerts", "backup", "restore", "dns", "cdn", "storage", "compute", "network", "iam",
    "kms", "queue", "cache", "search", "mail", "sms", "push", "payments", "refunds", "reports",
    "export", "import", "sandbox", "staging", "prod", "beta", "alpha", "canary", "oncall",
    "security", "legal",
];

fn claims(large: bool) -> Claims<'static> {
    Claims {
        sub: "user-1234567890",
        iss: "https://issuer.example",
        aud: "api",
        exp: NOW + 3600,
        iat: NOW - 60,
        nbf: NOW - 60,
        jti: "6f1c2a2e-6b1f-4c53-9d0e-2f7d7c1a9b10",
        name: "Ada Lovelace",
        admin: false,
        scope: "read:profile write:profile read:orders",
        roles: if large { ROLES.to_vec() } else { Vec::new() },
    }
}

fn stages<A: Algorithm>(c: &mut Criterion, name: &str, key: &HmacKey<A>, large: bool) {
    let mut buf = [0u8; 4096];
    let token = microjwt::sign(key, &claims(large), &mut buf)
        .unwrap()
        .to_owned();
    let untrusted = UntrustedToken::parse(&token, 8192).unwrap();
    let signing_input = untrusted.signing_input().as_bytes().to_vec();
    let tag = key.mac(&signing_input);
    let validation = Validation::new(NOW)
        .leeway(60)
        .issuer("https://issuer.example")
        .audience(&["api"]);
    let size = if large { "large" } else { "small" };
    let mut group = c.benchmark_group(format!("pipeline/verify/{name}/{size}"));
    group.throughput(Throughput::Bytes(token.len() as u64));
    let mut scratch = [0u8; 4096];

    group.bench_function("floor", |b| {
        b.iter(|| {
            key.verify_mac(black_box(&signing_input), tag.as_bytes())
                .unwrap()
        })
    });
    group.bench_function("split", |b| {
        b.iter(|| UntrustedToken::parse(black_box(&token), 8192).unwrap())
    });
    group.bench_function("header", |b| {
        b.iter(|| {
            untrusted
                .danger_unverified_header(&mut scratch)
                .map(|h| h.typ().is_some())
                .unwrap()
        })
    });
    group.bench_function("payload", |b| {
        b.iter(|| {
            untrusted
                .danger_unverified_payload(&mut scratch)
                .map(str::len)
                .unwrap()
        })
    });
    group.bench_function("jws", |b| {
        b.iter(|| {
            microjwt::verify_jws(key, black_box(&token), &validation, &mut scratch)
                .map(|j| j.payload().len())
                .unwrap()
        })
    });
    // The strict validating walk alone (registered claims, no caller type): what a separate
    // validation pass would cost on top of deserializing, had the design used two passes.
    group.bench_function("verify_unit", |b| {
        b.iter(|| microjwt::verify::<()>(key, black_box(&token), &validation, &mut scratch).is_ok())
    });
    group.bench_function("verify", |b| {
        b.iter(|| {
            let claims =
                microjwt::verify::<Claims<'_>>(key, black_box(&token), &validation, &mut scratch)
                    .unwrap();
            claims.custom().admin
        })
    });
    group.finish();

    let mut group = c.benchmark_group(format!("pipeline/sign/{name}/{size}"));
    let claims = claims(large);
    group.bench_function("sign", |b| {
        b.iter(|| {
            microjwt::sign(key, black_box(&claims), &mut buf)
                .map(str::len)
                .unwrap()
        })
    });
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let hs256 = HmacKey::<Hs256>::new(&[0x42; 32]).unwrap();
    let hs384 = HmacKey::<Hs384>::new(&[0x42; 48]).unwrap();
    let hs512 = HmacKey::<Hs512>::new(&[0x42; 64]).unwrap();
    for large in [false, true] {
        stages(c, "hs256", &hs256, large);
        stages(c, "hs384", &hs384, large);
        stages(c, "hs512", &hs512, large);
    }
}

/// Verify cost against payload size: it should grow linearly.
fn scaling(c: &mut Criterion) {
    let key = HmacKey::<Hs256>::new(&[0x42; 32]).unwrap();
    let validation = Validation::new(NOW).danger_allow_missing_exp();
    let mut group = c.benchmark_group("pipeline/verify/hs256/size");
    for size in [64usize, 256, 1024, 4096, 16384] {
        let filler = "x".repeat(size.saturating_sub(16));
        let payload = serde_json::json!({ "exp": NOW + 60, "f": filler });
        let mut buf = vec![0u8; size * 2 + 256];
        let token = microjwt::sign(&key, &payload, &mut buf).unwrap().to_owned();
        let validation = validation.max_token_len(usize::MAX);
        let mut scratch = vec![0u8; microjwt::scratch_len(token.len())];
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::from_parameter(size), &token, |b, token| {
            b.iter(|| {
                microjwt::verify::<()>(&key, black_box(token), &validation, &mut scratch).is_ok()
            })
        });
    }
    group.finish();
}

/// What each way of logging users out costs per verify, against a single key with no extras.
fn logout(c: &mut Criterion) {
    use microjwt::{KeySet, RegisteredClaims, ReplayGuard};
    let claims = claims(false);
    let plain_key = HmacKey::<Hs256>::new(&[0x42; 32]).unwrap();
    let named_key = plain_key.clone().with_kid("2026-11").unwrap();
    let mut buf = [0u8; 1024];
    let plain = microjwt::sign(&plain_key, &claims, &mut buf)
        .unwrap()
        .to_owned();
    let named = microjwt::sign(&named_key, &claims, &mut buf)
        .unwrap()
        .to_owned();
    let mut keys = KeySet::<Hs256, 4>::new();
    for kid in ["2026-08", "2026-09", "2026-10"] {
        keys.insert(HmacKey::new(&[7; 32]).unwrap().with_kid(kid).unwrap())
            .unwrap();
    }
    keys.insert(named_key).unwrap();
    let base = Validation::new(NOW)
        .leeway(60)
        .issuer("https://issuer.example")
        .audience(&["api"]);
    let cutoffs = [
        ("user-1", NOW - 10),
        ("user-2", NOW - 20),
        ("user-3", NOW - 30),
    ];
    let revoked = |c: &RegisteredClaims<'_>| {
        cutoffs
            .iter()
            .any(|&(sub, at)| c.sub() == Some(sub) && c.iat().is_none_or(|iat| iat.secs() < at))
    };
    let mut scratch = [0u8; 2048];
    let mut group = c.benchmark_group("logout/hs256/small");
    group.bench_function("single key", |b| {
        b.iter(|| {
            microjwt::verify::<Claims<'_>>(&plain_key, black_box(&plain), &base, &mut scratch)
                .is_ok()
        })
    });
    group.bench_function("key set of 4, by kid", |b| {
        b.iter(|| {
            microjwt::verify::<Claims<'_>>(&keys, black_box(&named), &base, &mut scratch).is_ok()
        })
    });
    let epoch = base.issued_after(NOW - 3600);
    group.bench_function("issued-after epoch", |b| {
        b.iter(|| {
            microjwt::verify::<Claims<'_>>(&plain_key, black_box(&plain), &epoch, &mut scratch)
                .is_ok()
        })
    });
    let hooked = base.revocation(&revoked);
    group.bench_function("revocation hook, 3 cutoffs", |b| {
        b.iter(|| {
            microjwt::verify::<Claims<'_>>(&plain_key, black_box(&plain), &hooked, &mut scratch)
                .is_ok()
        })
    });
    group.finish();

    // The replay guard's own cost, apart from verify: one record into a guard holding N - 1
    // live entries (the entry is removed again so every iteration sees the same state).
    let verified = microjwt::verify::<Claims<'_>>(&plain_key, &plain, &base, &mut scratch).unwrap();
    let registered = *verified.registered();
    let mut group = c.benchmark_group("logout/replay-guard");
    macro_rules! guard {
        ($n:literal) => {{
            let mut guard = ReplayGuard::<Hs256, $n>::new();
            let mut filler = [0u8; 2048];
            for i in 0..$n - 1 {
                let jti = format!("filler-{i}");
                let t = microjwt::sign(&plain_key, &serde_json::json!({"jti": jti, "exp": NOW + 3600}), &mut buf)
                    .unwrap()
                    .to_owned();
                let c = microjwt::verify::<()>(&plain_key, &t, &Validation::new(NOW), &mut filler).unwrap();
                guard.record(c.registered(), &base).unwrap();
            }
            group.bench_function(concat!("record, N = ", $n), |b| {
                b.iter(|| {
                    let mut g = guard.clone();
                    g.record(black_box(&registered), &base).is_ok()
                })
            });
        }};
    }
    guard!(8);
    guard!(64);
    group.finish();
}

/// Hostile and harmless tokens of the same length: `adversarial/<segment>-<shape>/<size>/<keys>/
/// <mac>`, e.g. `adversarial/header-hostile-nested/8k/keyset/bad-mac`. Compare each hostile row's
/// bytes/s with the `harmless` row of the same segment, size, keys and MAC.
fn adversarial(c: &mut Criterion) {
    use microjwt_benches::adversarial::{Keys, all_cases, key, key_set, validation};

    let (key, keys) = (key(), key_set());
    let mut group = c.benchmark_group("adversarial");
    // A quadratic reader takes seconds per 64 KiB token: flat sampling runs each sample once
    // rather than 1, 2, 3, … times, and criterion's least sample count keeps such a row to ten
    // runs, so it still finishes (and shows the blow-up). The figures this group is read for are
    // ratios against a 4× bound, which ten samples resolve well enough.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    for case in all_cases() {
        let validation = validation(case.size);
        let mut scratch = vec![0u8; microjwt::scratch_len(case.good_mac.len())];
        group.throughput(Throughput::Bytes(case.good_mac.len() as u64));
        for keys_mode in Keys::ALL {
            for (mac, token) in [("good", &case.good_mac), ("bad", &case.bad_mac)] {
                let verify = |token: &str, scratch: &mut [u8]| {
                    match keys_mode {
                        Keys::Single => microjwt::verify::<()>(&key, token, &validation, scratch),
                        Keys::Set => microjwt::verify::<()>(&keys, token, &validation, scratch),
                    }
                    .map(drop)
                };
                let want = case.verdict(keys_mode, mac == "good");
                let id = format!("{}/{}/{mac}-mac", case.id(), keys_mode.name());
                // Time the path the row is named for, not an early error; checked inside the
                // routine (once), so that rows a filter leaves out cost nothing.
                let mut checked = false;
                group.bench_function(&id, |b| {
                    if !checked {
                        assert_eq!(verify(token, &mut scratch), want, "{id}");
                        checked = true;
                    }
                    b.iter(|| verify(black_box(token), &mut scratch))
                });
            }
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(50);
    targets = pipeline, scaling, logout, adversarial
}
criterion_main!(benches);
