//! cargo-fuzz target `roundtrip`: see `checks::roundtrip` for what is asserted.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| microjwt_fuzz::roundtrip(data));
