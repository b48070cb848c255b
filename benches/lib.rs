//! The inputs of microjwt's own benchmarks that a test checks too: the `adversarial` group's
//! hostile tokens (`pipeline.rs` times them, `tests/adversarial.rs` checks their verdicts and
//! cost ratios). Criterion itself stays a dev-dependency, out of the library's own build.

pub mod adversarial;
