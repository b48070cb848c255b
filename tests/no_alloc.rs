//! Proves sign and verify never touch the heap: a counting global allocator, per thread so the
//! test harness's own threads cannot interfere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test helpers
#![allow(unsafe_code)] // a global allocator cannot be written without it; the library forbids unsafe

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;

use microjwt::{HeaderOptions, HmacKey, Hs256, Hs384, Hs512, KeySet, ReplayGuard, Validation};
use serde::{Deserialize, Serialize};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        BYTES.with(|n| n.set(n.get() + layout.size()));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        BYTES.with(|n| n.set(n.get() + new_size));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations it made on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Runs `f` and returns how many bytes it allocated on this thread.
#[cfg(feature = "std")]
fn bytes_allocated(f: impl FnOnce()) -> usize {
    let before = BYTES.with(Cell::get);
    f();
    BYTES.with(Cell::get) - before
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Session<'a> {
    sub: &'a str,
    iss: &'a str,
    aud: [&'a str; 2],
    exp: u64,
    iat: u64,
    jti: &'a str,
    name: &'a str,
    admin: bool,
    roles: [&'a str; 3],
}

const SESSION: Session<'static> = Session {
    sub: "user-42",
    iss: "https://issuer.example",
    aud: ["api", "admin"],
    exp: 2_000,
    iat: 1_000,
    jti: "one-time-\u{e9}",
    name: "Zoë \"the\" admin\n",
    admin: true,
    roles: ["read", "write", "delete"],
};

fn round_trip<A: microjwt::Algorithm>(key: &HmacKey<A>) -> usize {
    let mut buf = [0u8; 1024];
    let mut scratch = [0u8; 2048];
    let audiences = ["admin"];
    let validation = Validation::new(1_500)
        .leeway(30)
        .issuer("https://issuer.example")
        .audience(&audiences);
    allocations(|| {
        let token =
            microjwt::sign_with_header(key, &HeaderOptions::new().kid("k1"), &SESSION, &mut buf)
                .unwrap();
        let claims =
            microjwt::verify::<Session<'_>>(key, token, &validation, &mut scratch).unwrap();
        assert_eq!(claims.custom(), &SESSION);
        assert_eq!(claims.registered().jti(), Some("one-time-\u{e9}"));
    })
}

#[test]
fn sign_and_verify_allocate_nothing() {
    assert_eq!(round_trip(&HmacKey::<Hs256>::new(&[1; 32]).unwrap()), 0);
    assert_eq!(round_trip(&HmacKey::<Hs384>::new(&[1; 48]).unwrap()), 0);
    assert_eq!(round_trip(&HmacKey::<Hs512>::new(&[1; 64]).unwrap()), 0);
}

#[test]
fn key_set_replay_guard_and_rejections_allocate_nothing() {
    let mut keys = KeySet::<Hs256, 4>::new();
    let key = HmacKey::<Hs256>::new(&[1; 32])
        .unwrap()
        .with_kid("k1")
        .unwrap();
    let mut buf = [0u8; 1024];
    let token = microjwt::sign(&key, &SESSION, &mut buf).unwrap().to_owned();
    let tampered = token.replacen('.', ".e", 1);
    let revoked = |c: &microjwt::RegisteredClaims<'_>| c.sub() == Some("someone-else");
    let audiences = ["api"];
    let validation = Validation::new(1_500)
        .audience(&audiences)
        .issued_after(900)
        .revocation(&revoked);
    let mut guard = ReplayGuard::<Hs256, 8>::new();
    let mut scratch = [0u8; 2048];
    let count = allocations(|| {
        keys.insert(key.clone()).unwrap();
        let claims = microjwt::verify::<()>(&keys, &token, &validation, &mut scratch).unwrap();
        guard.record(claims.registered(), &validation).unwrap();
        let again = microjwt::verify::<()>(&keys, &token, &validation, &mut scratch).unwrap();
        assert_eq!(
            guard.record(again.registered(), &validation),
            Err(microjwt::Error::Replayed)
        );
        assert!(microjwt::verify::<()>(&keys, &tampered, &validation, &mut scratch).is_err());
        let no_clock = Validation::time_unknown().audience(&audiences);
        assert_eq!(
            microjwt::verify::<()>(&key, &token, &no_clock, &mut scratch).map(|_| ()),
            Err(microjwt::Error::TimeUnknown)
        );
        let skip = no_clock.danger_skip_time_checks();
        assert!(microjwt::verify::<()>(&key, &token, &skip, &mut scratch).is_ok());
        let expired = Validation::new(5_000).audience(&audiences);
        assert!(microjwt::verify::<()>(&key, &token, &expired, &mut scratch).is_err());
        let mut tiny = [0u8; 4];
        assert!(microjwt::sign(&key, &SESSION, &mut tiny).is_err());
        // Formatting an error (for a log line) needs no heap either.
        let mut line = Line::default();
        write!(line, "{}", microjwt::Error::Replayed).unwrap();
        assert_eq!(line.text(), "token already used");
    });
    assert_eq!(count, 0);
}

#[test]
fn keys_load_from_jwk_jwks_and_base64_without_the_heap() {
    let jwk = r#"{"kty":"oct","kid":"a","alg":"HS256","use":"sig","key_ops":["sign","verify"],
                  "k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"}"#;
    let jwks = r#"{"keys":[{"kty":"oct","kid":"a","k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"},
                           {"kty":"EC","kid":"e","crv":"P-256"}]}"#;
    let count = allocations(|| {
        assert_eq!(HmacKey::<Hs256>::from_jwk(jwk).unwrap().kid(), Some("a"));
        assert_eq!(KeySet::<Hs256, 2>::from_jwks(jwks).unwrap().len(), 1);
        assert!(
            HmacKey::<Hs256>::from_base64("hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG+Onbc6mxCcYg=").is_ok()
        );
        assert!(HmacKey::<Hs256>::from_jwk("{").is_err());
    });
    assert_eq!(count, 0);
}

/// A fixed-size `fmt::Write` target, as firmware would log into.
#[derive(Default)]
struct Line {
    bytes: [u8; 32],
    len: usize,
}

impl Line {
    fn text(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).unwrap()
    }
}

impl std::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.bytes
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Security fix: `verify_owned` allocated about 2.25× the token's length before checking
/// `max_token_len`, so a 400 MB token could exhaust memory only to be rejected.
#[cfg(feature = "std")]
#[test]
fn verify_owned_checks_the_length_cap_before_allocating() {
    let key = HmacKey::<Hs256>::new(&[7; 32]).unwrap();
    let huge = "A".repeat(16 << 20);
    let mut result = None;
    let bytes = bytes_allocated(|| {
        result = Some(microjwt::verify_owned::<()>(&key, &huge, &Validation::new(0)).map(|_| ()));
    });
    assert_eq!(
        result,
        Some(Err(microjwt::Error::TokenTooLarge {
            len: 16 << 20,
            max: microjwt::DEFAULT_MAX_TOKEN_LEN
        }))
    );
    assert_eq!(bytes, 0, "nothing allocated for a token over the cap");
}

#[test]
fn the_counter_counts() {
    // The test can fail: an allocation is seen.
    assert_eq!(allocations(|| drop(std::hint::black_box(vec![1u8; 16]))), 1);
}
