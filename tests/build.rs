//! Decides whether the PyJWT half of `tests/interop.rs` can run, so that the test report says
//! `ignored` (not `ok`) when PyJWT is missing — libtest has no way to skip at run time.
//!
//! With `MICROJWT_REQUIRE_PYJWT=1` (CI sets it after installing PyJWT) a missing PyJWT fails the
//! build instead of skipping.

use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pyjwt)");
    println!("cargo::rerun-if-env-changed=MICROJWT_REQUIRE_PYJWT");
    println!("cargo::rerun-if-env-changed=PATH");
    // Python prints where PyJWT would be installed; watching that directory reruns this script
    // after a `pip install pyjwt` or uninstall.
    let probe = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])\n\
             import jwt; jwt.encode; print('pyjwt', jwt.__version__)",
        ])
        .output();
    let (site, found) = match &probe {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut lines = text.lines();
            let site = lines.next().map(str::to_owned);
            (
                site,
                out.status.success() && lines.next().is_some_and(|l| l.starts_with("pyjwt")),
            )
        }
        Err(_) => (None, false),
    };
    if let Some(site) = site {
        println!("cargo::rerun-if-changed={site}");
    }
    if found {
        println!("cargo::rustc-cfg=pyjwt");
    } else if std::env::var_os("MICROJWT_REQUIRE_PYJWT").is_some() {
        panic!("MICROJWT_REQUIRE_PYJWT is set but python3 cannot import PyJWT (pip install pyjwt)");
    } else {
        println!(
            "cargo::warning=PyJWT not found: the PyJWT interop test is reported as ignored (pip install pyjwt)"
        );
    }
}
