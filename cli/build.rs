//! Decides whether the live peer tests in `tests/peers.rs` can run, so that the test report
//! says `ignored` (not `ok`) when a peer is missing: libtest has no way to skip at run time.
//!
//! - `cfg(pyjwt)`: `python3` can import PyJWT (`pip install pyjwt`).
//! - `cfg(jose)`: `node` can import `jose` from `tests/peers` (`cd cli/tests/peers && npm ci`).
//!
//! With `MICROJWT_REQUIRE_PYJWT=1` / `MICROJWT_REQUIRE_JOSE=1` (CI sets them after installing
//! the peers) a missing peer fails the build instead. The committed fixtures in `tests/peers/`
//! are checked either way.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pyjwt)");
    println!("cargo::rustc-check-cfg=cfg(jose)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=MICROJWT_REQUIRE_PYJWT");
    println!("cargo::rerun-if-env-changed=MICROJWT_REQUIRE_JOSE");
    println!("cargo::rerun-if-env-changed=PATH");

    // Python prints where PyJWT would be installed; watching it reruns this after a pip install.
    let probe = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])\n\
             import jwt; jwt.encode; print('pyjwt', jwt.__version__)",
        ])
        .output();
    let mut pyjwt = false;
    if let Ok(out) = &probe {
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        if let Some(site) = lines.next() {
            println!("cargo::rerun-if-changed={site}");
        }
        pyjwt = out.status.success() && lines.next().is_some_and(|l| l.starts_with("pyjwt"));
    }
    decide(
        "pyjwt",
        pyjwt,
        "MICROJWT_REQUIRE_PYJWT",
        "pip install pyjwt",
    );

    let peers = Path::new("tests/peers");
    // A directory is watched with everything in it: `npm ci` creating node_modules reruns this.
    println!("cargo::rerun-if-changed=tests/peers");
    let jose = peers.join("node_modules/jose/package.json").exists()
        && Command::new("node")
            .args(["--input-type=module", "-e", "import 'jose'"])
            .current_dir(peers)
            .output()
            .is_ok_and(|o| o.status.success());
    decide(
        "jose",
        jose,
        "MICROJWT_REQUIRE_JOSE",
        "cd cli/tests/peers && npm ci",
    );
}

fn decide(cfg: &str, found: bool, require: &str, install: &str) {
    if found {
        println!("cargo::rustc-cfg={cfg}");
    } else if std::env::var_os(require).is_some() {
        // Fails the build (Cargo 1.84+).
        println!("cargo::error={require} is set but {cfg} cannot be loaded ({install})");
    }
}
