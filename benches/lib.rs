//! Nothing here: this crate exists for `pipeline.rs` (`cargo bench -p microjwt-benches`), whose
//! criterion dependency must stay out of the library's own build.
