//! Tokens and keys made by other libraries: PyJWT and node `jose` (with Web Crypto JWKs).
//!
//! The fixtures under `tests/peers/` (written by `make.py` and `make.mjs`, see the README there)
//! are checked on every run. When the peer is installed (`cfg(pyjwt)`, `cfg(jose)`, decided by
//! build.rs) the live tests also regenerate them with the installed version and check those,
//! and have the peer verify tokens and keys made by `microjwt`.

// Helpers: a panic there is a failed assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use std::path::{Path, PathBuf};

use common::{Dir, NOW, decoded, run};
use serde_json::Value;

fn peers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// Checks every case of a `cases.json`; returns how many.
fn check_manifest(dir: &Path) -> usize {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let generator = manifest["generator"].as_str().unwrap();
    let now = manifest["now"].as_u64().unwrap().to_string();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 10, "{generator}: {} cases", cases.len());
    for case in cases {
        let name = format!("{generator}: {}", case["name"].as_str().unwrap());
        let token = case["token"].as_str().unwrap();
        let mut args: Vec<String> = vec![
            "verify".into(),
            "--json".into(),
            "--now".into(),
            now.clone(),
        ];
        for (flag, value) in case["key"].as_object().unwrap() {
            args.push(format!("--{flag}"));
            args.push(match flag.as_str() {
                "key-file" | "jwk" => dir
                    .join(value.as_str().unwrap())
                    .to_string_lossy()
                    .into_owned(),
                _ => value.as_str().unwrap().to_owned(),
            });
        }
        if let Some(alg) = case["alg"].as_str() {
            args.extend(["--alg".to_owned(), alg.to_owned()]);
        }
        args.extend(
            case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned()),
        );
        args.push(token.to_owned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args, None);
        let expected = case["exit"].as_i64().unwrap();
        assert_eq!(i64::from(out.code), expected, "{name}: {out:#?}");
        let json = out.json();
        if expected == 0 {
            assert_eq!(json["valid"], true, "{name}");
            assert_eq!(json["claims"], case["payload"], "{name}: claims");
            assert_eq!(json["header"], case["header"], "{name}: header");
        } else {
            assert_eq!(json["valid"], false, "{name}");
            assert_eq!(json["error"]["kind"], case["error"], "{name}: {json:#}");
            if let Some(hint) = case["hint"].as_str() {
                let hints = json["error"]["hints"].as_array().unwrap();
                assert!(
                    hints.iter().any(|h| h.as_str().unwrap().contains(hint))
                        || json["error"]["message"].as_str().unwrap().contains(hint),
                    "{name}: no hint has {hint:?}: {json:#}"
                );
            }
        }
        // decode shows what the peer wrote, whatever verify thinks of it.
        let (header, payload) = decoded(token);
        assert_eq!(
            (&header, &payload),
            (&case["header"], &case["payload"]),
            "{name}: decode"
        );
    }
    cases.len()
}

#[test]
fn pyjwt_fixtures() {
    assert_eq!(check_manifest(&peers().join("pyjwt")), 15);
}

#[test]
fn jose_fixtures() {
    assert_eq!(check_manifest(&peers().join("jose")), 10);
}

#[test]
fn a_verify_only_web_crypto_key_cannot_sign() {
    let jwk = peers().join("jose/hs512-verify-only.jwk");
    run(&["encode", "--jwk", &jwk.to_string_lossy()], None)
        .code(2)
        .stderr_has("has key_ops [\"verify\"], without \"sign\": this key may not sign");
}

#[test]
fn peer_keys_sign_too() {
    // A PyJWT JWK, an openssl-style base64 key and a jose JWK Set member sign tokens that
    // verify with the same key.
    let dir = peers();
    let now = NOW.to_string();
    for key in [
        vec!["--jwk", "pyjwt/hs512.jwk"],
        vec![
            "--key-file",
            "pyjwt/hs384.b64",
            "--key-encoding",
            "base64",
            "--alg",
            "HS384",
        ],
        vec!["--jwk", "jose/jwks.json", "--kid", "k1"],
        vec!["--jwk", "jose/hs384.jwk"],
    ] {
        let key: Vec<String> = key
            .iter()
            .map(|a| {
                if a.contains('/') {
                    dir.join(a).to_string_lossy().into_owned()
                } else {
                    (*a).to_owned()
                }
            })
            .collect();
        let key: Vec<&str> = key.iter().map(String::as_str).collect();
        let token = common::encode(&[&key[..], &["--sub", "x"]].concat());
        let verify_key: Vec<&str> = key
            .iter()
            .copied()
            .filter(|a| *a != "--kid" && *a != "k1")
            .collect();
        run(
            &[&["verify", "--now", &now][..], &verify_key, &[&token]].concat(),
            None,
        )
        .code(0);
    }
}

/// Runs `program args` and returns its stdout, failing the test on a non-zero exit.
fn peer(program: &str, args: &[&str], cwd: &Path) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// microjwt's keygen JWK and tokens, verified by the peer: `(alg, jwk file, token)` per
/// algorithm, with `--aud api --sub ada -P n=1`.
fn made_by_microjwt(dir: &Dir) -> Vec<(String, String, String, Value)> {
    ["HS256", "HS384", "HS512"]
        .iter()
        .map(|alg| {
            let jwk = dir
                .path(&format!("{alg}.jwk"))
                .to_string_lossy()
                .into_owned();
            run(
                &["keygen", "--alg", alg, "--format", "jwk", "--out", &jwk],
                None,
            )
            .code(0);
            // No --now: the peers check exp against the real clock.
            let out = run(
                &[
                    "encode", "--jwk", &jwk, "--aud", "api", "--sub", "ada", "-P", "n=1",
                ],
                None,
            );
            out.code(0);
            let token = out.stdout.trim().to_owned();
            let payload = decoded(&token).1;
            ((*alg).to_owned(), jwk, token, payload)
        })
        .collect()
}

#[test]
#[cfg_attr(not(pyjwt), ignore = "PyJWT not installed (pip install pyjwt)")]
fn live_pyjwt_regenerated_fixtures() {
    let dir = Dir::new();
    let out = dir.root().to_string_lossy().into_owned();
    peer(
        "python3",
        &[&peers().join("make.py").to_string_lossy(), "--out", &out],
        &peers(),
    );
    assert_eq!(check_manifest(dir.root()), 15);
}

#[test]
#[cfg_attr(not(pyjwt), ignore = "PyJWT not installed (pip install pyjwt)")]
fn live_pyjwt_verifies_microjwt_tokens_and_keys() {
    let dir = Dir::new();
    const SCRIPT: &str = "import json, sys, jwt\n\
        key = jwt.PyJWK(json.load(open(sys.argv[1])))\n\
        claims = jwt.decode(sys.argv[2], key, algorithms=[sys.argv[3]], audience='api')\n\
        print(json.dumps({'claims': claims, 'kid': jwt.get_unverified_header(sys.argv[2])['kid']}))";
    for (alg, jwk, token, payload) in made_by_microjwt(&dir) {
        let out: Value = serde_json::from_str(&peer(
            "python3",
            &["-c", SCRIPT, &jwk, &token, &alg],
            dir.root(),
        ))
        .unwrap();
        assert_eq!(out["claims"], payload, "{alg}");
        let kid: Value = serde_json::from_str(&std::fs::read_to_string(&jwk).unwrap()).unwrap();
        assert_eq!(out["kid"], kid["kid"], "{alg}");
    }
}

#[test]
#[cfg_attr(
    not(jose),
    ignore = "jose not installed (cd cli/tests/peers && npm ci)"
)]
fn live_jose_regenerated_fixtures() {
    let dir = Dir::new();
    let out = dir.root().to_string_lossy().into_owned();
    peer("node", &["make.mjs", "--out", &out], &peers());
    assert_eq!(check_manifest(dir.root()), 10);
}

#[test]
#[cfg_attr(
    not(jose),
    ignore = "jose not installed (cd cli/tests/peers && npm ci)"
)]
fn live_jose_verifies_microjwt_tokens_and_keys() {
    let dir = Dir::new();
    const SCRIPT: &str = "import { importJWK, jwtVerify } from 'jose';\n\
        import { readFileSync } from 'node:fs';\n\
        const [jwkFile, token, alg] = process.argv.slice(1);\n\
        const jwk = JSON.parse(readFileSync(jwkFile, 'utf8'));\n\
        const key = await importJWK(jwk, alg);\n\
        const { payload, protectedHeader } = await jwtVerify(token, key, { algorithms: [alg], audience: 'api' });\n\
        console.log(JSON.stringify({ claims: payload, kid: protectedHeader.kid }));";
    for (alg, jwk, token, payload) in made_by_microjwt(&dir) {
        let out: Value = serde_json::from_str(&peer(
            "node",
            &["--input-type=module", "-e", SCRIPT, &jwk, &token, &alg],
            &peers(),
        ))
        .unwrap();
        assert_eq!(out["claims"], payload, "{alg}");
        let made: Value = serde_json::from_str(&std::fs::read_to_string(&jwk).unwrap()).unwrap();
        assert_eq!(out["kid"], made["kid"], "{alg}");
    }
}
