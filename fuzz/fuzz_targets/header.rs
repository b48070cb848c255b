//! cargo-fuzz target `header`: see `checks::header` for what is asserted.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| microjwt_fuzz::header(data));
