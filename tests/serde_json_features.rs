//! Runs `tests/arbitrary-precision`, a crate of its own (its serde_json features would change
//! serde_json for every other test of this workspace, features being unified), as part of
//! `cargo test --workspace`.

use std::path::Path;
use std::process::Command;

#[test]
fn sign_and_verify_with_arbitrary_precision_and_raw_value() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("arbitrary-precision");
    // Its own target directory: the outer `cargo test` holds the workspace's.
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/arbitrary-precision");
    let out = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target)
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "tests/arbitrary-precision failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 passed"), "{stdout}");
}
