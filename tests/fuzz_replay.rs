//! Replays every committed fuzz input — `fuzz/corpus/<target>/*` and
//! `fuzz/regressions/<target>/*` — through the same check functions the cargo-fuzz targets run
//! (the `fuzz/` crate's library, `fuzz/src/`, included here by path), on stable, in the normal
//! test suite.
//!
//! A file under `fuzz/regressions/<target>/` is a minimized input that once made a check fail;
//! it stays there so the bug cannot come back unnoticed.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

/// Runs `target`'s check on every file of `dir`; returns how many ran and which failed.
fn replay(target: &str, dir: &Path) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let files = files(dir);
    for file in &files {
        let data = fs::read(file).unwrap();
        if catch_unwind(AssertUnwindSafe(|| checks::run(target, &data))).is_err() {
            failures.push(file.display().to_string());
        }
    }
    (files.len(), failures)
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

#[test]
fn corpus_replays_clean() {
    let mut failures = Vec::new();
    for target in checks::TARGETS {
        let (count, failed) = replay(target, &fuzz_dir().join("corpus").join(target));
        println!(
            "fuzz corpus {target}: {count} files replayed, {} failed",
            failed.len()
        );
        assert!(count > 0, "no corpus files for fuzz target {target}");
        failures.extend(failed);
    }
    assert!(
        failures.is_empty(),
        "corpus files failing their check: {failures:#?}"
    );
}

#[test]
fn regressions_stay_fixed() {
    let mut failures = Vec::new();
    let mut total = 0;
    for target in checks::TARGETS {
        let (count, failed) = replay(target, &fuzz_dir().join("regressions").join(target));
        println!(
            "fuzz regressions {target}: {count} files replayed, {} failed",
            failed.len()
        );
        total += count;
        failures.extend(failed);
    }
    println!("fuzz regressions: {total} files in all");
    assert!(
        failures.is_empty(),
        "regression inputs failing again: {failures:#?}"
    );
}

/// The seed corpus is what `fuzz/seed.py` writes; a few spot checks that it is there and that
/// the check functions really run (a check that returned early on everything would pass).
#[test]
fn seeds_reach_the_checks() {
    let seed = |target: &str, name: &str| {
        fs::read(fuzz_dir().join("corpus").join(target).join(name))
            .unwrap_or_else(|e| panic!("{target}/{name}: {e}"))
    };
    let genuine = |token: &str| checks::tokens::mac_is_genuine(&checks::tokens::key(), token);
    let token = String::from_utf8(seed("verify_token", "seed-valid-exp-future")).unwrap();
    assert!(genuine(&token));
    let rfc = String::from_utf8(seed("verify_token", "seed-rfc7515-a1")).unwrap();
    assert!(!genuine(&rfc));
    assert!(checks::oracle_json::parse(&seed("claims", "seed-rfc7519-3.1")).is_ok());
    assert_eq!(
        checks::oracle_json::parse(&seed("claims", "seed-duplicate-escaped")),
        Err(checks::oracle_json::Bad::Duplicate)
    );
    assert_eq!(
        checks::oracle_json::parse(&seed("claims", "seed-nesting-100000")),
        Err(checks::oracle_json::Bad::Depth)
    );
}

#[test]
fn numeric_date_oracle() {
    let d = checks::oracle_date::numeric_date;
    assert_eq!(d("0"), Some((0, 0)));
    assert_eq!(d("-0.0e5"), Some((0, 0)));
    assert_eq!(d("1300819380.5"), Some((1_300_819_380, 500_000_000)));
    assert_eq!(d("13008193805E-1"), Some((1_300_819_380, 500_000_000)));
    assert_eq!(d("0.0000000001"), Some((0, 1)));
    assert_eq!(d("1e-999999999999999"), Some((0, 1)));
    assert_eq!(d("1.9999999999"), Some((2, 0)));
    assert_eq!(d("18446744073709551615"), Some((u64::MAX, 0)));
    assert_eq!(d("18446744073709551616"), None);
    assert_eq!(d("18446744073709551615.9999999999"), None);
    assert_eq!(d("1e20"), None);
    assert_eq!(d("0e999999999999"), Some((0, 0)));
    assert_eq!(d("-1e-400"), None);
    assert_eq!(d("-1"), None);
}
