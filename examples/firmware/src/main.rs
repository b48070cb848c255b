//! Two programs in one file.
//!
//! - By default, a host demo (`cargo run`): the fleet controller mints commands and the device
//!   accepts or refuses them, printing the story.
//! - With the `freestanding` feature: a `#![no_std] #![no_main]` image with its own `_start` and
//!   panic handler, which verifies a fixed command in a loop. It links without `std` and without
//!   a global allocator, which proves that microjwt needs neither (see README.md).

#![cfg_attr(feature = "freestanding", no_std, no_main)]

#[cfg(feature = "freestanding")]
mod freestanding {
    use core::hint::black_box;
    use core::panic::PanicInfo;

    #[cfg(feature = "sign")]
    use microjwt_firmware::{Cmd, DEVICE_ID, Envelope, ISSUER, MAX_TOKEN_LEN, issue};
    use microjwt_firmware::{Device, SCRATCH_LEN};

    /// A command minted by `cargo run -- token` (expires in 2100).
    #[cfg(not(feature = "hs512"))]
    const TOKEN: &str = include_str!("../tokens/hs256.jwt");
    #[cfg(feature = "hs512")]
    const TOKEN: &str = include_str!("../tokens/hs512.jwt");

    #[cfg(not(feature = "prove-no-panic"))]
    #[panic_handler]
    fn panic(_: &PanicInfo<'_>) -> ! {
        loop {
            core::hint::spin_loop();
        }
    }

    /// With `prove-no-panic`, the panic handler calls a function that exists nowhere: a release
    /// (LTO) build links only if the optimizer removed every panic path from the image, which
    /// proves at link time that nothing this firmware runs can panic.
    #[cfg(feature = "prove-no-panic")]
    #[panic_handler]
    fn panic(_: &PanicInfo<'_>) -> ! {
        unsafe extern "C" {
            fn microjwt_firmware_can_panic() -> !;
        }
        // SAFETY: never executed; the build fails to link if this call is reachable.
        unsafe { microjwt_firmware_can_panic() }
    }

    /// The entry point of a bare-metal image (the ELF entry `rust-lld` looks for): no
    /// runtime, no `main`, no heap.
    #[cfg(not(target_arch = "x86_64"))]
    #[unsafe(no_mangle)]
    pub extern "C" fn _start() -> ! {
        run()
    }

    /// The entry point of the freestanding Linux build. The kernel enters `_start` with the
    /// stack 16-byte aligned, but a function expects it 8 bytes past that (as after a `call`),
    /// and SSE stores would fault: so `_start` only calls `run`.
    #[cfg(target_arch = "x86_64")]
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub extern "C" fn _start() -> ! {
        core::arch::naked_asm!("xor ebp, ebp", "call {run}", "ud2", run = sym run)
    }

    /// Verifies a fixed command forever (and, with the `sign` feature, mints and verifies
    /// another).
    extern "C" fn run() -> ! {
        let Ok(mut device) = Device::new() else {
            loop {
                core::hint::spin_loop();
            }
        };
        let mut scratch = [0u8; SCRATCH_LEN];
        // Stands in for the RTC: seconds since the epoch, ticking once per command.
        let mut now: u64 = 1_800_000_000;
        loop {
            let result = device.handle(black_box(TOKEN.trim_ascii_end()), Some(now), &mut scratch);
            black_box(&result);
            #[cfg(feature = "sign")]
            {
                let mut buf = [0u8; MAX_TOKEN_LEN];
                let command = Envelope {
                    cmd: Cmd::CloseValve,
                    valve: 3,
                    jti: "c-0002",
                    iss: ISSUER,
                    aud: DEVICE_ID,
                    iat: now,
                    exp: now + 60,
                };
                let minted = issue(device.key(), black_box(&command), &mut buf);
                if let Ok(token) = minted {
                    let result = device.handle(black_box(token), Some(now), &mut scratch);
                    black_box(&result);
                }
            }
            now = black_box(now).wrapping_add(1);
        }
    }
}

#[cfg(not(feature = "freestanding"))]
fn main() {
    host::main();
}

#[cfg(not(feature = "freestanding"))]
mod host {
    use microjwt::{Error, HmacKey};
    use microjwt_firmware::{
        Action, Alg, Cmd, DEVICE_ID, Device, Envelope, ISSUER, MAX_TOKEN_LEN, SCRATCH_LEN, issue,
    };

    /// A fixed "now": 2027-01-15T08:00:00Z.
    const NOW: u64 = 1_800_000_000;

    fn command(jti: &str, valve: u8, iat: u64, exp: u64) -> Envelope<'_> {
        Envelope {
            cmd: Cmd::OpenValve,
            valve,
            jti,
            iss: ISSUER,
            aud: DEVICE_ID,
            iat,
            exp,
        }
    }

    fn show(what: &str, result: Result<Action, Error>) {
        match result {
            Ok(action) => println!("  {what:<44} -> accepted: {action:?}"),
            Err(e) => println!("  {what:<44} -> refused: {e:?} ({e})"),
        }
    }

    pub fn main() {
        let mut args = std::env::args().skip(1);
        if args.next().as_deref() == Some("token") {
            print_firmware_token();
            return;
        }
        if let Err(e) = story() {
            eprintln!("demo failed: {e}");
            std::process::exit(1);
        }
    }

    /// The token baked into the freestanding image (`tokens/*.jwt`): valid until 2100.
    fn print_firmware_token() {
        let device = Device::new().expect("the factory key is long enough");
        let mut buf = [0u8; MAX_TOKEN_LEN];
        let cmd = command("c-0001", 3, 1_800_000_000, 4_102_444_800);
        println!("{}", issue(device.key(), &cmd, &mut buf).expect("fits"));
    }

    fn story() -> Result<(), Error> {
        let mut device = Device::new()?;
        let mut scratch = [0u8; SCRATCH_LEN];
        let mut buf = [0u8; MAX_TOKEN_LEN];
        println!(
            "device {DEVICE_ID}: {:?}, token <= {MAX_TOKEN_LEN} B, scratch {SCRATCH_LEN} B, Device (key + replay guard) {} B",
            Alg::default(),
            core::mem::size_of::<Device>()
        );

        let open3 = command("c-0001", 3, NOW - 5, NOW + 60);
        let token = issue(device.key(), &open3, &mut buf)?.to_owned();
        println!("fleet controller mints ({} bytes):\n  {token}", token.len());

        println!("boot, before the first time sync:");
        show(
            "open valve 3, clock unknown",
            device.handle(&token, None, &mut scratch),
        );

        println!("clock synced, now = {NOW}:");
        show(
            "open valve 3",
            device.handle(&token, Some(NOW), &mut scratch),
        );
        show(
            "the same token again (replay)",
            device.handle(&token, Some(NOW + 1), &mut scratch),
        );

        // An attacker keeps the valid signature but swaps in a payload for valve 9, minted
        // with a key of their own.
        let rogue_key = HmacKey::<Alg>::new(&[0x42; 64][..KEY_LEN])?;
        let mut rogue_buf = [0u8; MAX_TOKEN_LEN];
        let open9 = command("c-0001", 9, NOW - 5, NOW + 60);
        let rogue = issue(&rogue_key, &open9, &mut rogue_buf)?;
        let mut parts = token.split('.');
        let header = parts.next().unwrap_or_default();
        let signature = parts.nth(1).unwrap_or_default();
        let payload9 = rogue.split('.').nth(1).unwrap_or_default();
        let spliced = format!("{header}.{payload9}.{signature}");
        show(
            "valve 9 payload, valve 3 signature",
            device.handle(&spliced, Some(NOW), &mut scratch),
        );
        show(
            "valve 9 signed with a guessed key",
            device.handle(rogue, Some(NOW), &mut scratch),
        );

        let close = Envelope {
            cmd: Cmd::CloseValve,
            ..command("c-0005", 3, NOW - 5, NOW + 60)
        };
        let close = issue(device.key(), &close, &mut buf)?;
        show(
            "a new command: close valve 3",
            device.handle(close, Some(NOW + 2), &mut scratch),
        );

        let old = command("c-0002", 3, NOW - 120, NOW - 60);
        let expired = issue(device.key(), &old, &mut buf)?;
        show(
            "a command that expired a minute ago",
            device.handle(expired, Some(NOW), &mut scratch),
        );

        let mut elsewhere = command("c-0003", 3, NOW - 5, NOW + 60);
        elsewhere.aud = "device-18";
        let other = issue(device.key(), &elsewhere, &mut buf)?;
        show(
            "a command for device-18",
            device.handle(other, Some(NOW), &mut scratch),
        );

        let ancient = command("c-0004", 3, 1_700_000_000, NOW + 60);
        let stale = issue(device.key(), &ancient, &mut buf)?;
        show(
            "minted before this firmware was built",
            device.handle(stale, Some(NOW), &mut scratch),
        );
        Ok(())
    }

    const KEY_LEN: usize = microjwt_firmware::KEY.len();
}
