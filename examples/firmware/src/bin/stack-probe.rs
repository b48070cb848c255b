//! A stack-painting probe of [`Device::handle`], the firmware's verify path, on the
//! thumbv7em-none-eabihf image, run under `qemu-arm` (Linux user mode: the two system calls
//! below are Linux's, made with `svc 0`).
//!
//! For each token of the list named by `MICROJWT_PROBE_TOKENS` at build time (written by
//! `scripts/probe_tokens.py`; records of one flag byte, a little-endian `u32` length and the
//! token), it fills 32 KiB below the stack pointer with a pattern, calls `Device::handle`,
//! and finds the lowest word the call overwrote: the stack `handle` used beyond its caller's
//! frame, which is what the static bound (`scripts/stack_bound.py`, rooted at `handle`)
//! covers. It prints `probe INDEX BYTES OUTCOME` per token, then `probe-done COUNT`.
//!
//! Flag bits: 1 = verify with a fresh `Device` (an empty replay guard), else keep the one of
//! the previous token (so a list can replay a token or fill the guard); 2 = the clock is unknown
//! (`now = None`).
//!
//! Built by `scripts/embedded-figures.sh`:
//!
//! ```sh
//! MICROJWT_PROBE_TOKENS=/path/to/tokens.bin cargo build --release \
//!     --target thumbv7em-none-eabihf --features freestanding,probe --bin stack-probe
//! qemu-arm target/thumbv7em-none-eabihf/release/stack-probe
//! ```
//!
//! `unsafe` and `asm!` are confined to this test binary (painting and reading the stack, the
//! system calls); the library and `src/lib.rs` have none. The `probe` feature raises
//! `MAX_TOKEN_LEN` to 16 KiB so that long hostile tokens reach the parser; nothing else about
//! the verify code changes. No `core::fmt` here: its vtables would add address-taken
//! functions that the static analysis must assume an indirect call could reach.

#![no_std]
#![no_main]

#[cfg(not(target_arch = "arm"))]
compile_error!("the stack probe is for thumbv7em-none-eabihf under qemu-arm");

use core::arch::asm;
use core::hint::black_box;
use core::panic::PanicInfo;

use microjwt::Error;
use microjwt_firmware::{Device, SCRATCH_LEN};

static TOKENS: &[u8] = include_bytes!(env!("MICROJWT_PROBE_TOKENS"));
/// How far below the stack pointer the pattern is painted.
const PAINT: usize = 32 * 1024;
const PATTERN: u32 = 0xA5C3_5A3C;
/// "now" for every token whose flags do not say the clock is unknown: the firmware's.
const NOW: u64 = 1_800_000_000;

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    write(b"probe-panic\n");
    exit(99)
}

fn write(buf: &[u8]) {
    // SAFETY: Linux `write(1, buf, len)`; r7 holds the system call number.
    unsafe {
        asm!(
            "push {{r7}}",
            "mov r7, {nr}",
            "svc 0",
            "pop {{r7}}",
            nr = in(reg) 4u32,
            inout("r0") 1u32 => _,
            in("r1") buf.as_ptr(),
            in("r2") buf.len(),
        );
    }
}

fn exit(code: u32) -> ! {
    // SAFETY: Linux `exit(code)`.
    unsafe {
        asm!("mov r7, {nr}", "svc 0", nr = in(reg) 1u32, in("r0") code, options(noreturn));
    }
}

/// Appends `n` in decimal.
fn push_num(out: &mut [u8], at: &mut usize, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        n /= 10;
        len += 1;
        if n == 0 {
            break;
        }
    }
    while len > 0 {
        len -= 1;
        out[*at] = digits[len];
        *at += 1;
    }
}

fn push_str(out: &mut [u8], at: &mut usize, s: &[u8]) {
    out[*at..*at + s.len()].copy_from_slice(s);
    *at += s.len();
}

/// What happened, coarsely: only variants of the split and MAC stages are named (they say the
/// token never reached a JSON parser); `after-mac` is every refusal by the header or claims
/// stages.
fn outcome(result: &Result<microjwt_firmware::Action, Error>) -> &'static [u8] {
    match result {
        Ok(_) => b"ok",
        Err(Error::TokenTooLarge { .. }) => b"too-large",
        Err(Error::Malformed) => b"malformed",
        Err(Error::Base64) => b"base64",
        Err(Error::InvalidSignature) => b"bad-mac",
        Err(Error::BufferTooSmall { .. }) => b"buffer-too-small",
        Err(_) => b"after-mac",
    }
}

/// Paints the stack below this function's frame, runs `handle`, and returns how many bytes
/// below the stack pointer at the call it wrote.
#[inline(never)]
fn measure(
    device: &mut Device,
    token: &str,
    now: Option<u64>,
    scratch: &mut [u8],
) -> (usize, Result<microjwt_firmware::Action, Error>) {
    let sp: usize;
    // SAFETY: writes the `PAINT` bytes below the stack pointer, which nothing uses: the
    // process's stack (8 MiB under qemu-arm) extends far below, and no signal handler runs.
    // The frame of this function is fully allocated by its prologue, so `sp` here is `sp` at
    // the call below.
    unsafe {
        asm!(
            "mov {sp}, sp",
            "mov {p}, sp",
            "sub {lo}, {p}, {paint}",
            "2:",
            "str {pat}, [{p}, #-4]!",
            "cmp {p}, {lo}",
            "bhi 2b",
            sp = out(reg) sp,
            p = out(reg) _,
            lo = out(reg) _,
            paint = in(reg) PAINT,
            pat = in(reg) PATTERN,
            options(nostack),
        );
    }
    let result = device.handle(black_box(token), black_box(now), black_box(scratch));
    let result = black_box(result);
    let mut lowest = sp;
    let mut at = sp - PAINT;
    while at < sp {
        // SAFETY: reads back the words painted above.
        let word = unsafe { core::ptr::read_volatile(at as *const u32) };
        if word != PATTERN {
            lowest = at;
            break;
        }
        at += 4;
    }
    (sp - lowest, result)
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let Ok(mut device) = Device::new() else {
        write(b"probe-error Device::new failed\n");
        exit(2)
    };
    let mut scratch = [0u8; SCRATCH_LEN];
    let mut rest = TOKENS;
    let mut index = 0usize;
    while !rest.is_empty() {
        let Some((&[flags, a, b, c, d], tail)) = rest.split_first_chunk::<5>() else {
            write(b"probe-error truncated token list\n");
            exit(3)
        };
        let len = u32::from_le_bytes([a, b, c, d]) as usize;
        if tail.len() < len {
            write(b"probe-error truncated token list\n");
            exit(3)
        }
        let (token, tail) = tail.split_at(len);
        rest = tail;
        let Ok(token) = core::str::from_utf8(token) else {
            write(b"probe-error a token is not UTF-8\n");
            exit(3)
        };
        if flags & 1 != 0 {
            let Ok(fresh) = Device::new() else { exit(2) };
            device = fresh;
        }
        let now = if flags & 2 != 0 { None } else { Some(NOW) };
        let (used, result) = measure(&mut device, token, now, &mut scratch);
        let mut line = [0u8; 64];
        let mut at = 0;
        push_str(&mut line, &mut at, b"probe ");
        push_num(&mut line, &mut at, index);
        push_str(&mut line, &mut at, b" ");
        push_num(&mut line, &mut at, used);
        push_str(&mut line, &mut at, b" ");
        push_str(&mut line, &mut at, outcome(&result));
        push_str(&mut line, &mut at, b"\n");
        write(&line[..at]);
        index += 1;
    }
    let mut line = [0u8; 40];
    let mut at = 0;
    push_str(&mut line, &mut at, b"probe-done ");
    push_num(&mut line, &mut at, index);
    push_str(&mut line, &mut at, b"\n");
    write(&line[..at]);
    exit(0)
}
