//! cargo-fuzz target `verify_token`: see `checks::verify_token` for what is asserted.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| microjwt_fuzz::verify_token(data));
