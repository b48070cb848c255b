//! Constant-time measurement of the MAC comparison, with the DudeCT method (Reparaz, Balasch and
//! Verbauwhede, 2017) as implemented by `dudect-bencher`.
//!
//! # Running
//!
//! ```sh
//! cargo run --release -p microjwt-tests --example dudect                      # every bench once
//! cargo run --release -p microjwt-tests --example dudect -- --filter leaky    # only the positive controls
//! # One bench, accumulating samples until stopped (bound it with `timeout`):
//! timeout 120 cargo run --release -p microjwt-tests --example dudect -- --continuous verify_tag_equal_prefix_vs_random
//! DUDECT_SAMPLES=2000000 cargo run --release -p microjwt-tests --example dudect   # samples per bench call
//! ```
//!
//! Always `--release`, on an otherwise idle machine if possible: other load adds noise, which
//! hides leaks (it lowers |t|).
//!
//! # Reading the output
//!
//! ```text
//! bench verify_tag_equal_prefix_vs_random ... : n == +0.500M, max t = +1.23, max tau = +0.00174, (5/tau)^2 = 8254321
//! ```
//!
//! `max t` is the largest Welch t-statistic between the two classes' timings over ~100 cropped
//! versions of the distributions; positive means Left was slower. |t| below about 4.5–5 means
//! **no leak was detected** with this many samples (not a proof of constant time); |t| above 5,
//! growing as samples accumulate, is a timing difference between the classes. `max tau` is t
//! divided by √n, an effect size that does not grow with n; `(5/tau)^2` is roughly how many
//! samples reaching t = 5 takes. The positive controls must show |t| in the hundreds or more: if
//! they do not, the measurement is too noisy to say anything about the other benches.
//!
//! # The benches
//!
//! All use HS512 (64-byte tags, the longest equal prefix) and one fixed token signing input.
//! Every timed call rejects its tag; the classes differ only in how the tag relates to the MAC.
//!
//! Design `equal_prefix_vs_random` (the classic one): Left = the valid tag with only its *last*
//! byte changed, so an early-exit comparison walks all 64 bytes; Right = a uniformly random tag,
//! which differs at the first byte. An early-exit leak makes Left slower (t > 0).
//!
//! Design `match_vs_mismatch` (balanced): there are two keys and, for each sample, a key picked
//! at random; Left's tag is that key's MAC with the last byte changed, Right's tag is the *other*
//! key's MAC with the last byte changed. Both classes see the same key objects and the same tag
//! texts with the same frequencies; only whether the tag's 63-byte prefix matches the verifying
//! key's MAC differs. This removes two confounds that the classic design has when measured
//! through the full `verify`: the Left token text repeats while the Right one is random, and
//! (in a naive "Left = key A, Right = key B" variant) the two key objects sit at different
//! addresses. Both produced |t| in the tens after millions of samples, in either direction
//! depending on the build, with controls unrelated to the MAC showing the same. So
//! `verify_token_equal_prefix_vs_random` can exceed 5 (with either sign, and t < 0 means the
//! equal prefix was *faster*, the opposite of an early exit): judge the full `verify` by
//! `verify_token_match_vs_mismatch`, and the comparison itself by the `verify_tag_*` benches.
//!
//! | bench                                 | timed call                          | design |
//! |---------------------------------------|-------------------------------------|--------|
//! | `verify_tag_equal_prefix_vs_random`   | `HmacKey::verify_mac(input, tag)`   | classic |
//! | `verify_tag_match_vs_mismatch`        | `HmacKey::verify_mac(input, tag)`   | balanced |
//! | `verify_token_equal_prefix_vs_random` | `microjwt::verify::<()>(token)`, equal-length tokens | classic |
//! | `verify_token_match_vs_mismatch`      | `microjwt::verify::<()>(token)`     | balanced |
//! | `verify_token_random_vs_random`       | `microjwt::verify::<()>(token)`     | NEGATIVE CONTROL: both classes random |
//! | `leaky_compare`                       | early-exit byte loop vs the MAC     | POSITIVE CONTROL, classic |
//! | `leaky_mac_then_compare`              | the HMAC, then the early-exit loop  | POSITIVE CONTROL, classic |
//! | `leaky_mac_match_vs_mismatch`         | the HMAC, then the early-exit loop  | POSITIVE CONTROL, balanced |

// Key indices are 0 or 1, into two-element arrays.
#![allow(clippy::indexing_slicing)]

use core::hint::black_box;

use base64ct::{Base64UrlUnpadded, Encoding};
use dudect_bencher::rand::{Rng, RngExt};
use dudect_bencher::{BenchRng, Class, CtRunner, ctbench_main};
use microjwt::{HmacKey, Hs512, Validation};

const TAG_LEN: usize = 64;

/// Samples per bench call (per iteration in `--continuous` mode).
fn samples() -> usize {
    std::env::var("DUDECT_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500_000)
}

/// Two keys, one token signing input, and its MAC under each key.
struct Fixture {
    keys: [HmacKey<Hs512>; 2],
    signing_input: String,
    macs: [[u8; TAG_LEN]; 2],
}

fn fixture() -> Fixture {
    let (Ok(a), Ok(b)) = (
        HmacKey::<Hs512>::new(&[0x42; 64]),
        HmacKey::<Hs512>::new(&[0x24; 64]),
    ) else {
        unreachable!("64-byte secrets are long enough for HS512")
    };
    let mut buf = [0u8; 512];
    let claims = serde_json::json!({"sub": "dudect", "iss": "bench", "exp": 2_000_000_000u64});
    let Ok(token) = microjwt::sign(&a, &claims, &mut buf) else {
        unreachable!("the buffer is large enough")
    };
    let Some((signing_input, _)) = token.rsplit_once('.') else {
        unreachable!("a signed token has three segments")
    };
    let mut macs = [[0u8; TAG_LEN]; 2];
    for (mac, key) in macs.iter_mut().zip([&a, &b]) {
        mac.copy_from_slice(key.mac(signing_input.as_bytes()).as_bytes());
    }
    Fixture {
        keys: [a, b],
        signing_input: signing_input.to_owned(),
        macs,
    }
}

/// How the two classes' inputs are drawn (see the module docs).
#[derive(Clone, Copy)]
enum Design {
    EqualPrefixVsRandom,
    MatchVsMismatch,
    RandomVsRandom,
}

/// One timed call's input: its class, the index of the verifying key, and the tag.
struct Sample {
    class: Class,
    key: usize,
    tag: [u8; TAG_LEN],
}

/// `mac` with its last byte changed to another value.
fn last_byte_wrong(mac: &[u8; TAG_LEN], rng: &mut BenchRng) -> [u8; TAG_LEN] {
    let mut tag = *mac;
    if let Some(last) = tag.last_mut() {
        *last ^= rng.random_range(1..=255u8);
    }
    tag
}

fn random_tag(rng: &mut BenchRng) -> [u8; TAG_LEN] {
    let mut tag = [0u8; TAG_LEN];
    rng.fill_bytes(&mut tag);
    tag
}

/// Draws `n` samples, each class with probability 1/2, in random order.
fn draw(f: &Fixture, design: Design, n: usize, rng: &mut BenchRng) -> Vec<Sample> {
    (0..n)
        .map(|_| {
            let left = rng.random::<bool>();
            let class = if left { Class::Left } else { Class::Right };
            let (key, tag) = match design {
                Design::EqualPrefixVsRandom if left => (0, last_byte_wrong(&f.macs[0], rng)),
                Design::EqualPrefixVsRandom | Design::RandomVsRandom => (0, random_tag(rng)),
                Design::MatchVsMismatch => {
                    let key = usize::from(rng.random::<bool>());
                    let tag_of = if left { key } else { 1 - key };
                    (key, last_byte_wrong(&f.macs[tag_of], rng))
                }
            };
            Sample { class, key, tag }
        })
        .collect()
}

/// A deliberately leaky comparison: returns at the first differing byte.
#[inline(never)]
fn leaky_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for (x, y) in a.iter().zip(b) {
        if black_box(*x) != black_box(*y) {
            return false;
        }
    }
    true
}

/// What is timed.
#[derive(Clone, Copy)]
enum Op {
    /// `HmacKey::verify_mac`, the primitive `verify` uses.
    VerifyMac,
    /// The early-exit loop against the precomputed MAC.
    LeakyCompare,
    /// The HMAC computed, then the early-exit loop.
    LeakyMac,
}

fn run(runner: &mut CtRunner, rng: &mut BenchRng, design: Design, op: Op) {
    let f = fixture();
    let message = f.signing_input.as_bytes();
    for s in draw(&f, design, samples(), rng) {
        let (key, mac) = (&f.keys[s.key], &f.macs[s.key]);
        let tag = &s.tag;
        match op {
            Op::VerifyMac => runner.run_one(s.class, || key.verify_mac(message, tag).is_ok()),
            Op::LeakyCompare => runner.run_one(s.class, || leaky_eq(mac, tag)),
            Op::LeakyMac => runner.run_one(s.class, || leaky_eq(key.mac(message).as_bytes(), tag)),
        }
    }
}

/// Full `microjwt::verify` on tokens carrying the samples' tags, all of equal length.
fn run_verify(runner: &mut CtRunner, rng: &mut BenchRng, design: Design) {
    let f = fixture();
    let samples = draw(&f, design, samples(), rng);
    // All tokens in one buffer, `stride` bytes each.
    let stride = f.signing_input.len() + 1 + Base64UrlUnpadded::encoded_len(&f.macs[0]);
    let mut flat = Vec::with_capacity(stride * samples.len());
    for s in &samples {
        flat.extend_from_slice(f.signing_input.as_bytes());
        flat.push(b'.');
        flat.extend_from_slice(Base64UrlUnpadded::encode_string(&s.tag).as_bytes());
    }
    assert_eq!(flat.len(), stride * samples.len(), "unequal token lengths");
    let validation = Validation::new(1_700_000_000);

    // Sanity: the valid token verifies and a sample is rejected by the MAC check, not earlier.
    let mut scratch = [0u8; 256];
    let valid = format!(
        "{}.{}",
        f.signing_input,
        Base64UrlUnpadded::encode_string(&f.macs[0])
    );
    assert!(microjwt::verify::<()>(&f.keys[0], &valid, &validation, &mut scratch).is_ok());
    let first = flat.get(..stride).unwrap_or_default();
    let first = core::str::from_utf8(first).unwrap_or_default();
    assert_eq!(
        microjwt::verify::<()>(&f.keys[0], first, &validation, &mut scratch).map(|_| ()),
        Err(microjwt::Error::InvalidSignature)
    );

    for (s, token) in samples.iter().zip(flat.chunks_exact(stride)) {
        let token = core::str::from_utf8(token).unwrap_or_default();
        let key = &f.keys[s.key];
        runner.run_one(s.class, || {
            let mut scratch = [0u8; 256];
            microjwt::verify::<()>(key, token, &validation, &mut scratch).is_ok()
        });
    }
}

fn verify_tag_equal_prefix_vs_random(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, Design::EqualPrefixVsRandom, Op::VerifyMac);
}

fn verify_tag_match_vs_mismatch(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, Design::MatchVsMismatch, Op::VerifyMac);
}

fn verify_token_equal_prefix_vs_random(runner: &mut CtRunner, rng: &mut BenchRng) {
    run_verify(runner, rng, Design::EqualPrefixVsRandom);
}

fn verify_token_match_vs_mismatch(runner: &mut CtRunner, rng: &mut BenchRng) {
    run_verify(runner, rng, Design::MatchVsMismatch);
}

fn verify_token_random_vs_random(runner: &mut CtRunner, rng: &mut BenchRng) {
    run_verify(runner, rng, Design::RandomVsRandom);
}

fn leaky_compare(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, Design::EqualPrefixVsRandom, Op::LeakyCompare);
}

fn leaky_mac_then_compare(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, Design::EqualPrefixVsRandom, Op::LeakyMac);
}

fn leaky_mac_match_vs_mismatch(runner: &mut CtRunner, rng: &mut BenchRng) {
    run(runner, rng, Design::MatchVsMismatch, Op::LeakyMac);
}

ctbench_main!(
    verify_tag_equal_prefix_vs_random,
    verify_tag_match_vs_mismatch,
    verify_token_equal_prefix_vs_random,
    verify_token_match_vs_mismatch,
    verify_token_random_vs_random,
    leaky_compare,
    leaky_mac_then_compare,
    leaky_mac_match_vs_mismatch
);
