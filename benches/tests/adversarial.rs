//! The `adversarial` bench inputs (`benches/adversarial.rs`), checked: that they are what they
//! claim to be, that microjwt gives each exactly the expected verdict, and that each costs per
//! byte at most [`BOUND`] times a harmless token of the same length.
//!
//! The issue's target is 4× (the criterion group measures it, in release, on a quiet machine).
//! This test runs in whatever profile `cargo test` builds, on a shared machine, so it asserts
//! only a bound a linear reader meets by far and a quadratic one misses by far, and prints the
//! ratios it measured. In a debug build the unoptimized HMAC dominates the harmless token's
//! cost, which compresses every ratio (the quadratic reader of 2026-12 measured ~200× at 8 KiB
//! in debug, ~600× in release); `cargo test -p microjwt-benches --release --test adversarial --
//! --include-ignored --nocapture` gives figures close to the bench's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Error, UntrustedToken};
use microjwt_benches::adversarial::{
    Case, Keys, LONG_PREFIX, Segment, Shape, Size, all_cases, fnv1a_low32, key, key_set, validation,
};
use serde_json::Value;

/// Hostile cost per byte over harmless cost per byte, at most.
const BOUND: f64 = 50.0;

/// Held by every test: libtest runs tests on parallel threads, and a timing taken while another
/// test verifies 8 KiB tokens on the other core is noise.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> MutexGuard<'static, ()> {
    // A test that failed while holding the lock poisons it; the others still run.
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

#[test]
fn inputs_are_what_they_claim() {
    let _serial = one_at_a_time();
    let cases = all_cases();
    for case in &cases {
        let id = case.id();
        let token = &case.good_mac;
        assert!(
            token.len() <= case.size.bytes(),
            "{id}: {} bytes",
            token.len()
        );
        assert!(
            token.len() + 2 >= case.size.bytes(),
            "{id} fills its size class"
        );
        // Same length as the harmless token it is compared with: cost per byte is then time.
        let harmless = cases
            .iter()
            .find(|c| (c.segment, c.shape, c.size) == (case.segment, Shape::Harmless, case.size))
            .unwrap();
        assert_eq!(token.len(), harmless.good_mac.len(), "{id}");
        assert_eq!(case.bad_mac.len(), token.len(), "{id}");
        assert_ne!(case.bad_mac, *token, "{id}");

        // The bulky segment is the JSON text, valid, and holds exactly the distinct names.
        let segment = token.split('.').nth(match case.segment {
            Segment::Header => 0,
            Segment::Payload => 1,
        });
        let decoded = Base64UrlUnpadded::decode_vec(segment.unwrap()).unwrap();
        assert_eq!(decoded, case.json.as_bytes(), "{id}");
        let Value::Object(top) = serde_json::from_str(&case.json).unwrap() else {
            panic!("{id} is not an object")
        };
        let distinct: HashSet<&String> = case.names.iter().collect();
        assert_eq!(distinct.len(), case.names.len(), "{id}: names repeat");
        let bulk = match case.shape {
            Shape::Harmless => None,
            Shape::HostileFlat => Some(&top),
            _ => top["x"].as_object(),
        };
        if let Some(bulk) = bulk {
            // serde_json keeps one member per name, so the count shows that no name repeats.
            // Flat, the names share the object with two fixed members and the padding `~`.
            assert!(case.names.iter().all(|n| bulk.contains_key(n)), "{id}");
            let others = if case.shape == Shape::HostileFlat {
                3
            } else {
                0
            };
            assert_eq!(bulk.len(), case.names.len() + others, "{id}");
        }

        // Each shape is the worst case it is named for.
        let (small, large) = match case.shape {
            Shape::HostileNested | Shape::HostileFlat => (860, 6_300),
            Shape::LongPrefix => (90, 700),
            Shape::HashCollide => (130, 1_024),
            Shape::Harmless => (0, 0),
        };
        let at_least = if case.size == Size::K8 { small } else { large };
        assert!(case.names.len() >= at_least, "{id}: {}", case.names.len());
        match case.shape {
            Shape::LongPrefix => {
                assert_eq!(LONG_PREFIX.len(), 60);
                assert!(
                    case.names.iter().all(|n| n.starts_with(LONG_PREFIX)),
                    "{id}"
                );
            }
            Shape::HashCollide => {
                let hashes: HashSet<u32> = case
                    .names
                    .iter()
                    .map(|n| fnv1a_low32(n.as_bytes()))
                    .collect();
                assert_eq!(hashes.len(), 1, "{id}: every name has the same low 32 bits");
            }
            _ => {}
        }
    }
}

/// Every verdict of every public entry point on `case`, exactly.
fn check_verdicts(case: &Case) {
    let (key, keys) = (key(), key_set());
    let validation = validation(case.size);
    let id = case.id();
    let mut scratch = vec![0u8; microjwt::scratch_len(case.good_mac.len())];
    let payload_json = match case.segment {
        Segment::Header => r#"{"sub":"adversary","exp":1800003600}"#,
        Segment::Payload => case.json.as_str(),
    };

    // A header may carry at most `MAX_HEADER_MEMBERS` names: the hostile headers are refused
    // as such, before the MAC with a key set (which must read `kid`), after it with one key.
    let good = case.verdict(Keys::Single, true);
    assert_eq!(good, case.verdict(Keys::Set, true), "{id}");
    let keyset_bad = case.verdict(Keys::Set, false);
    let good_jws_keyset = good.map(|()| true);

    // The names are distinct and no header parameter or claim: a genuine MAC verifies.
    let r = microjwt::verify::<()>(&key, &case.good_mac, &validation, &mut scratch);
    assert_eq!(r.map(drop), good, "{id} key");
    let r = microjwt::verify::<()>(&keys, &case.good_mac, &validation, &mut scratch);
    assert_eq!(r.map(drop), good, "{id} keyset");
    let r = microjwt::verify_jws(&key, &case.good_mac, &validation, &mut scratch);
    assert_eq!(
        r.map(|j| j.payload() == payload_json.as_bytes()),
        good.map(|()| true),
        "{id} jws"
    );
    let r = microjwt::verify_jws(&keys, &case.good_mac, &validation, &mut scratch);
    assert_eq!(
        r.map(|j| j.header().kid() == Some("k")),
        good_jws_keyset,
        "{id} jws keyset"
    );

    // A wrong MAC: the key set reads the header and finds `k`, then the MAC fails.
    let token = &case.bad_mac;
    let r = microjwt::verify::<()>(&key, token, &validation, &mut scratch);
    assert_eq!(r.map(drop), Err(Error::InvalidSignature), "{id} key bad");
    let r = microjwt::verify::<()>(&keys, token, &validation, &mut scratch);
    assert_eq!(r.map(drop), keyset_bad, "{id} keyset bad");
    let r = microjwt::verify_jws(&key, token, &validation, &mut scratch);
    assert_eq!(r.map(drop), Err(Error::InvalidSignature), "{id} jws bad");
    let r = microjwt::verify_jws(&keys, token, &validation, &mut scratch);
    assert_eq!(r.map(drop), keyset_bad, "{id} jws keyset bad");

    // The untrusted readers.
    let untrusted = UntrustedToken::parse(&case.good_mac, case.size.bytes()).unwrap();
    let header = untrusted
        .danger_unverified_header(&mut scratch)
        .map(|h| (h.kid(), h.typ(), h.cty()));
    let expected = good.map(|()| (Some("k"), None, None));
    assert_eq!(header, expected, "{id}");
    let payload = untrusted.danger_unverified_payload(&mut scratch);
    assert_eq!(payload, Ok(payload_json), "{id}");
}

#[test]
fn verdicts_at_8k() {
    let _serial = one_at_a_time();
    for case in all_cases().iter().filter(|c| c.size == Size::K8) {
        check_verdicts(case);
    }
}

/// The public entry points timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Verify,
    VerifyJws,
    /// `UntrustedToken::parse` + `danger_unverified_header`.
    UnverifiedHeader,
}

impl Entry {
    fn name(self) -> &'static str {
        match self {
            Entry::Verify => "verify",
            Entry::VerifyJws => "verify_jws",
            Entry::UnverifiedHeader => "unverified-header",
        }
    }
}

/// The keys and validation of one size class, made once, outside the timed calls.
struct Verifier {
    key: microjwt::HmacKey<microjwt::Hs256>,
    set: microjwt::KeySet<microjwt::Hs256, 4>,
    validation: microjwt::Validation<'static>,
}

impl Verifier {
    fn new(size: Size) -> Self {
        Verifier {
            key: key(),
            set: key_set(),
            validation: validation(size),
        }
    }

    /// One timed call: `entry` on `case`'s good or bad-MAC token with `keys`.
    fn call(&self, case: &Case, row: Row, scratch: &mut [u8]) -> bool {
        let token = if row.good {
            &case.good_mac
        } else {
            &case.bad_mac
        };
        let v = &self.validation;
        match (row.entry, row.keys) {
            (Entry::Verify, Keys::Single) => {
                microjwt::verify::<()>(&self.key, token, v, scratch).is_ok()
            }
            (Entry::Verify, Keys::Set) => {
                microjwt::verify::<()>(&self.set, token, v, scratch).is_ok()
            }
            (Entry::VerifyJws, Keys::Single) => {
                microjwt::verify_jws(&self.key, token, v, scratch).is_ok()
            }
            (Entry::VerifyJws, Keys::Set) => {
                microjwt::verify_jws(&self.set, token, v, scratch).is_ok()
            }
            (Entry::UnverifiedHeader, _) => UntrustedToken::parse(token, usize::MAX)
                .and_then(|t| t.danger_unverified_header(scratch).map(drop))
                .is_ok(),
        }
    }
}

/// The fastest of a few runs of `f` (the minimum is what noise cannot inflate): at least one,
/// more while they add up to under 100 ms, at most 20.
fn fastest(mut f: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    let mut best = Duration::MAX;
    for _ in 0..20 {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
        if started.elapsed() > Duration::from_millis(100) {
            break;
        }
    }
    best
}

/// One row of the ratio table: which entry point, keys and MAC every hostile shape is timed with.
#[derive(Clone, Copy, Debug)]
struct Row {
    entry: Entry,
    keys: Keys,
    good: bool,
}

/// Measures every hostile case of `size` under each row, against the harmless case of the same
/// segment and size; prints the table and asserts [`BOUND`].
fn assert_ratios(size: Size, rows: &[Row]) {
    let cases: Vec<Case> = all_cases().into_iter().filter(|c| c.size == size).collect();
    let verifier = Verifier::new(size);
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let mut table = format!("cost per byte, hostile / harmless ({profile} build, fastest run):\n");
    let mut over = Vec::new();
    for row in rows {
        for segment in Segment::ALL {
            if row.entry == Entry::UnverifiedHeader && (segment != Segment::Header || !row.good) {
                continue; // it reads the header alone and checks no MAC
            }
            let of = |shape| {
                cases
                    .iter()
                    .find(|c| (c.segment, c.shape) == (segment, shape))
                    .unwrap()
            };
            let harmless = of(Shape::Harmless);
            let mut scratch = vec![0u8; microjwt::scratch_len(harmless.good_mac.len())];
            let base = fastest(|| verifier.call(harmless, *row, &mut scratch));
            let base_per_byte = base.as_secs_f64() / harmless.good_mac.len() as f64;
            for shape in Shape::HOSTILE {
                let case = of(shape);
                let t = fastest(|| verifier.call(case, *row, &mut scratch));
                let ratio = t.as_secs_f64() / case.good_mac.len() as f64 / base_per_byte;
                let id = format!(
                    "{}/{}/{}-mac {}",
                    case.id(),
                    row.keys.name(),
                    if row.good { "good" } else { "bad" },
                    row.entry.name()
                );
                writeln!(table, "  {id:58} {ratio:8.1}×  ({t:.2?} vs {base:.2?})").unwrap();
                if ratio > BOUND {
                    over.push(format!("{id}: {ratio:.0}×"));
                }
            }
        }
    }
    println!("{table}");
    assert!(
        over.is_empty(),
        "over {BOUND}× the harmless cost per byte: {over:#?}"
    );
}

/// With a single key nothing is parsed before the MAC: a wrong MAC costs the same per byte
/// whatever the token holds.
#[test]
fn cost_per_byte_before_the_mac_with_one_key() {
    let _serial = one_at_a_time();
    let rows = [Entry::Verify, Entry::VerifyJws].map(|entry| Row {
        entry,
        keys: Keys::Single,
        good: false,
    });
    for size in Size::ALL {
        assert_ratios(size, &rows);
    }
}

/// Before the MAC with a key set, and after it in every mode, every entry point: linear in the
/// token's length. 8 KiB first, so that a quadratic reader fails in seconds, not minutes.
#[test]

fn cost_per_byte_is_linear() {
    let _serial = one_at_a_time();
    let mut rows = vec![Row {
        entry: Entry::UnverifiedHeader,
        keys: Keys::Single,
        good: true,
    }];
    for entry in [Entry::Verify, Entry::VerifyJws] {
        rows.push(Row {
            entry,
            keys: Keys::Set,
            good: false,
        });
        for keys in Keys::ALL {
            rows.push(Row {
                entry,
                keys,
                good: true,
            });
        }
    }
    for size in Size::ALL {
        for case in all_cases().iter().filter(|c| c.size == size) {
            check_verdicts(case);
        }
        assert_ratios(size, &rows);
    }
}
