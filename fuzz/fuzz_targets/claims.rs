//! cargo-fuzz target `claims`: what it asserts is documented, and checked, in `fuzz/src/claims.rs`
//! (the same function `tests/fuzz_replay.rs` replays the committed inputs through).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| microjwt_fuzz::claims::check(data));
