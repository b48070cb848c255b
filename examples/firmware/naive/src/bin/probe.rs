//! Stack-painting probe for thumbv7em under qemu-arm (user mode). Not part of the project.
#![no_std]
#![no_main]

use core::arch::asm;
use core::panic::PanicInfo;
use hmac::KeyInit;
use naive_fw::{HmacSha256, KEY, verify};

static TOKENS: &[u8] = include_bytes!(env!("PROBE_TOKENS"));
const PAINT: usize = 64 * 1024; // microjwt copy: was 16 KiB, too little for deep nesting
const PATTERN: u32 = 0xA5C3_5A3C;

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    exit(99)
}

fn write(buf: &[u8]) {
    unsafe {
        asm!("push {{r7}}", "mov r7, {nr}", "svc 0", "pop {{r7}}", nr = in(reg) 4u32, inout("r0") 1u32 => _, in("r1") buf.as_ptr(), in("r2") buf.len());
    }
}
fn exit(code: u32) -> ! {
    unsafe {
        asm!("mov r7, {nr}", "svc 0", nr = in(reg) 1u32, in("r0") code, options(noreturn));
    }
}

fn num(out: &mut [u8; 64], mut n: usize, at: &mut usize) {
    let mut tmp = [0u8; 20];
    let mut i = 0;
    loop {
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        i += 1;
        if n == 0 {
            break;
        }
    }
    while i > 0 {
        i -= 1;
        out[*at] = tmp[i];
        *at += 1;
    }
}

#[inline(never)]
fn probe(key: &HmacSha256, token: &str) -> (usize, u32) {
    let sp: usize;
    unsafe {
        asm!("mov {0}, sp", out(reg) sp);
        asm!(
            "2:",
            "str {pat}, [{p}, #-4]!",
            "cmp {p}, {lo}",
            "bhi 2b",
            p = inout(reg) sp => _,
            lo = in(reg) sp - PAINT,
            pat = in(reg) PATTERN,
            options(nostack)
        );
    }
    let r = verify(key, core::hint::black_box(token), 1_800_000_000);
    let code = match r {
        Ok(_) => 0u32,
        Err(e) => 1 + e as u32,
    };
    let mut lowest = sp;
    let mut a = sp - PAINT;
    while a < sp {
        let w = unsafe { core::ptr::read_volatile(a as *const u32) };
        if w != PATTERN {
            lowest = a;
            break;
        }
        a += 4;
    }
    (sp - lowest, code)
}

#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let Ok(key) = HmacSha256::new_from_slice(&KEY) else {
        exit(2)
    };
    let mut idx = 0usize;
    for line in TOKENS.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        let Ok(token) = core::str::from_utf8(line) else {
            continue;
        };
        let (used, code) = probe(&key, token);
        let mut out = [0u8; 64];
        let mut at = 0;
        num(&mut out, idx, &mut at);
        out[at] = b' ';
        at += 1;
        num(&mut out, used, &mut at);
        out[at] = b' ';
        at += 1;
        num(&mut out, code as usize, &mut at);
        out[at] = b'\n';
        at += 1;
        write(&out[..at]);
        idx += 1;
    }
    exit(0)
}
