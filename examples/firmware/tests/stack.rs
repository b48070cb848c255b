//! A host-side cross-check of the stack that verify and sign need beyond the caller's buffers,
//! measured by running them for real, without `unsafe`.
//!
//! Method: a child process (this test binary again) starts a thread with a fixed stack, uses up
//! `pad` bytes of it with a recursion of known frames, then runs the operation. The stack's
//! guard page makes a run that needs more than what is left die (Rust reports the overflow and
//! aborts), so a binary search finds the deepest padding each operation survives. The
//! difference between that depth for a no-op and for the operation is what the operation
//! touches, give or take one padding frame (reported as the resolution). Offsets are taken from
//! the thread's first frame, so address-space randomisation does not matter.
//!
//! Limits: this is x86_64 code at the test profile's optimisation, not the Cortex-M image (see
//! `scripts/embedded-figures.sh` for that); it measures stack actually touched on this input,
//! not a worst case over all inputs; the overflow handler's own needs are part of the baseline.
//!
//! `cargo test --release --test stack -- --nocapture` prints the figures.

use std::hint::black_box;
use std::process::Command;

use microjwt_firmware::{
    Cmd, DEVICE_ID, Device, Envelope, ISSUER, MAX_TOKEN_LEN, SCRATCH_LEN, issue,
};

const STACK: usize = 256 * 1024;
const ENV: &str = "MICROJWT_STACK_PROBE";
const NOW: u64 = 1_800_000_000;

fn envelope() -> Envelope<'static> {
    Envelope {
        cmd: Cmd::OpenValve,
        valve: 3,
        jti: "c-0001",
        iss: ISSUER,
        aud: DEVICE_ID,
        iat: NOW - 5,
        exp: NOW + 60,
    }
}

/// The stack address of a local here, as a number (no pointer is dereferenced).
#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    black_box(&marker) as *const u8 as usize
}

/// Uses about `depth` frames of stack, then runs `op` and reports how deep it was called.
#[inline(never)]
fn pad(depth: usize, op: &mut dyn FnMut() -> bool) -> (usize, bool) {
    let frame = [0u8; 64];
    black_box(&frame);
    let result = if depth == 0 {
        let at = stack_address();
        (at, op())
    } else {
        pad(depth - 1, op)
    };
    black_box(&frame);
    result
}

/// In the child: runs `op` after `depth` padding frames on a fresh thread; exits 0 if it ran
/// and gave the right answer, 3 if it gave a wrong one (an overflow aborts the process).
fn child(op: &str, depth: usize) -> ! {
    let op = op.to_owned();
    let handle = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let base = stack_address();
            let mut device = Device::new().expect("key");
            let mut scratch = [0u8; SCRATCH_LEN];
            let mut buf = [0u8; MAX_TOKEN_LEN];
            let mut token_buf = [0u8; MAX_TOKEN_LEN];
            let token = issue(device.key(), &envelope(), &mut token_buf)
                .expect("fits")
                .to_owned();
            let envelope = envelope();
            let mut run = || match op.as_str() {
                "noop" => black_box(true),
                "verify" => device
                    .handle(black_box(&token), Some(NOW), black_box(&mut scratch))
                    .is_ok(),
                "sign" => issue(black_box(device.key()), black_box(&envelope), &mut buf)
                    .is_ok_and(|t| t == token),
                _ => false,
            };
            let (at, ok) = pad(depth, &mut run);
            (base - at, ok)
        })
        .expect("spawn");
    match handle.join() {
        Ok((used, true)) => {
            println!("padding {used}");
            std::process::exit(0)
        }
        _ => std::process::exit(3),
    }
}

/// The padding (bytes from the thread's first frame) at the deepest depth `op` survives.
fn deepest(op: &str) -> (usize, usize) {
    let exe = std::env::current_exe().expect("test binary");
    let probe = |depth: usize| -> Option<usize> {
        let out = Command::new(&exe)
            .args([
                "--exact",
                "stack_probe_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV, format!("{op}:{depth}"))
            .output()
            .expect("run the probe");
        match out.status.code() {
            Some(0) => {
                let text = String::from_utf8_lossy(&out.stdout);
                let (_, line) = text.split_once("padding ")?;
                let digits = line.split(|c: char| !c.is_ascii_digit()).next()?;
                Some(digits.parse().expect("a number"))
            }
            Some(3) => panic!("{op} gave a wrong result at depth {depth}"),
            _ => None, // overflowed: killed by the guard page
        }
    };
    let (mut lo, mut hi) = (0usize, STACK / 64);
    let mut at_lo = probe(lo).unwrap_or_else(|| panic!("{op} fails even without padding"));
    assert!(probe(hi).is_none(), "the padding never overflows");
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        match probe(mid) {
            Some(at) => (lo, at_lo) = (mid, at),
            None => hi = mid,
        }
    }
    // One more frame would overflow: the resolution is one padding frame.
    let frame = probe(lo.saturating_sub(1))
        .map(|prev| at_lo - prev)
        .unwrap_or(0);
    (at_lo, frame)
}

#[test]
fn stack_probe_child() {
    if let Ok(spec) = std::env::var(ENV) {
        let (op, depth) = spec.split_once(':').expect("op:depth");
        child(op, depth.parse().expect("depth"));
    }
}

#[test]
fn stack_used_by_verify_and_sign() {
    let (noop, frame) = deepest("noop");
    let (verify, _) = deepest("verify");
    let (sign, _) = deepest("sign");
    let verify_used = noop - verify;
    let sign_used = noop - sign;
    println!(
        "host stack probe ({}, {}): verify {verify_used} B, sign {sign_used} B \
         beyond the caller's buffers (resolution {frame} B)",
        std::env::consts::ARCH,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    );
    if !cfg!(debug_assertions) {
        // Generous bounds: this guards against a regression, the figures are printed above.
        assert!(verify_used <= 8 * 1024, "verify used {verify_used} B");
        assert!(sign_used <= 8 * 1024, "sign used {sign_used} B");
    }
}
