//! The checks behind every fuzz target: one module per target, and the oracles they share.
//!
//! This is the library of the `fuzz/` crate (each `fuzz_targets/<name>.rs` calls
//! `microjwt_fuzz::<name>::check(data)`), and `tests/fuzz_replay.rs` includes it with
//! `#[path = "../fuzz/src/lib.rs"] mod checks;` to replay every committed corpus and regression
//! file on stable in the normal test suite. So there is exactly one definition of what each
//! target asserts. It may only use crates that both this crate and the `microjwt-tests` package
//! provide: `microjwt`, `microjwt_tests` (the token builders), `serde`, `serde_json`, `base64ct`.
//! Paths between its modules are `super::`, never `crate::`, because of that inclusion.
//!
//! Every check panics (so libFuzzer reports a crash) when microjwt panics, returns `Ok` where an
//! independent oracle says it must fail, or returns an error the oracle cannot explain. The
//! oracles are written from the RFCs and microjwt's documentation, not from its code:
//!
//! | module | oracle |
//! | --- | --- |
//! | [`oracle_json`] | a small strict RFC 8259 parser that reports duplicate member names and nesting deeper than [`microjwt::MAX_DEPTH`], itself cross-checked against `serde_json` |
//! | [`oracle_date`] | an exact decimal reading of NumericDate (RFC 7519 §2) in nanoseconds, rounded up |
//! | [`oracle_claims`] | the `Validation` rules as documented ([`oracle_claims::Policy::reasons`]) |
//! | [`oracle_header`] | which headers are readable and which header rules they break |
//! | [`tokens`] | "was the MAC right": `HmacKey::verify_mac` over the signature decoded with `base64ct` |
//!
//! The targets, one attack surface each: [`verify_token`] (token text), [`header`] (the header
//! JSON, untrusted and through a key set), [`claims`] (the payload behind a genuine MAC),
//! [`roundtrip`] (sign then verify). [`payload`], [`borrowed`], [`decoder`] and [`roundtrip_case`]
//! hold what the targets share or decode.

#![allow(
    dead_code,
    missing_docs,
    missing_debug_implementations,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::missing_panics_doc,
    clippy::missing_errors_doc
)]

pub mod oracle_claims;
pub mod oracle_date;
pub mod oracle_header;
pub mod oracle_json;
pub mod tokens;

pub mod borrowed;
pub mod decoder;
pub mod payload;
pub mod roundtrip_case;

pub mod claims;
pub mod header;
pub mod roundtrip;
pub mod verify_token;

/// The fuzz targets, which are also the folder names under `fuzz/corpus/` and
/// `fuzz/regressions/`.
pub const TARGETS: [&str; 4] = ["verify_token", "header", "claims", "roundtrip"];

/// Runs the check of `target` on `data`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "verify_token" => verify_token::check(data),
        "header" => header::check(data),
        "claims" => claims::check(data),
        "roundtrip" => roundtrip::check(data),
        other => panic!("unknown fuzz target {other:?}"),
    }
}
