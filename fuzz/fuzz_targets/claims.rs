//! cargo-fuzz target `claims`: see `checks::claims` for what is asserted.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| microjwt_fuzz::claims(data));
