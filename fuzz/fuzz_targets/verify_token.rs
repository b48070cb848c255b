//! cargo-fuzz target `verify_token`: what it asserts is documented, and checked, in `fuzz/src/verify_token.rs`
//! (the same function `tests/fuzz_replay.rs` replays the committed inputs through).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| microjwt_fuzz::verify_token::check(data));
