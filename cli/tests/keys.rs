//! Keys from a file, the environment or a JWK; encodings; the trailing newline; too short;
//! hints for a key read the wrong way; secrets never printed; keygen.

// Helpers below the tests: a panic there is a failed assertion too.
#![allow(clippy::unwrap_used)]

mod common;
use common::{Dir, KEY, NOW, decoded, encode, microjwt, run, run_with};
use serde_json::{Value, json};

fn now() -> String {
    NOW.to_string()
}

const HEX: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
/// `HEX`'s 32 bytes in standard padded base64, as `openssl rand -base64 32` prints a key.
const B64: &str = "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=";
/// The same bytes in unpadded base64url.
const B64URL: &str = "ABEiM0RVZneImaq7zN3u_wARIjNEVWZ3iJmqu8zd7v8";

#[test]
fn one_secret_in_each_encoding_makes_the_same_token() {
    let dir = Dir::new();
    let tokens: Vec<String> = [
        (dir.file("hex", HEX), "hex"),
        (dir.file("hex-upper", HEX.to_uppercase()), "hex"),
        (dir.file("b64", format!("{B64}\n")), "base64"),
        (dir.file("b64url", format!("  {B64URL}\r\n")), "base64url"),
        (
            dir.file("raw", base16ct::lower::decode_vec(HEX).unwrap()),
            "raw",
        ),
    ]
    .iter()
    .map(|(file, encoding)| encode(&["--key-file", file, "--key-encoding", encoding]))
    .collect();
    assert!(tokens.windows(2).all(|w| w[0] == w[1]), "{tokens:#?}");
}

#[test]
fn key_from_the_environment() {
    let dir = Dir::new();
    let token = encode(&["--key-file", &dir.key(), "--sub", "env"]);
    let n = now();
    let mut cmd = microjwt();
    cmd.env("JWT_KEY", std::str::from_utf8(KEY).unwrap());
    run_with(
        cmd,
        &["verify", "--key-env", "JWT_KEY", "--now", &n, &token],
        None,
    )
    .code(0);
    let mut cmd = microjwt();
    cmd.env("JWT_KEY", B64URL);
    let from_env = run_with(
        cmd,
        &[
            "encode",
            "--key-env",
            "JWT_KEY",
            "--key-encoding",
            "base64url",
            "--now",
            &n,
        ],
        None,
    );
    from_env.code(0);
    let file = encode(&[
        "--key-file",
        &dir.file("b", B64URL),
        "--key-encoding",
        "base64url",
    ]);
    assert_eq!(from_env.stdout.trim(), file);
    run(&["verify", "--key-env", "JWT_KEY", &token], None)
        .code(2)
        .stderr_has("--key-env: no environment variable of that name is set");
    let mut cmd = microjwt();
    cmd.env("JWT_KEY", "");
    run_with(cmd, &["verify", "--key-env", "JWT_KEY", &token], None)
        .code(2)
        .stderr_has("set but empty");
    let mut cmd = microjwt();
    cmd.env(
        "JWT_KEY",
        format!("{}\n", std::str::from_utf8(KEY).unwrap()),
    );
    run_with(cmd, &["verify", "--key-env", "JWT_KEY", &token], None)
        .code(2)
        .stderr_has("the --key-env variable ends with a newline");
}

#[test]
fn trailing_newline_in_a_key_file() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key]);
    let with_newline = dir.file("nl", [KEY, b"\n"].concat());
    let n = now();
    run(&["verify", "--key-file", &with_newline, "--now", &n, &token], None)
        .code(2)
        .stderr_has("error: the key file ends with a newline (\\n), which a raw key would include in the secret")
        .stderr_has("pass --strip-newline to drop it, or write the key without one: printf '%s'");
    run(
        &[
            "verify",
            "--key-file",
            &with_newline,
            "--strip-newline",
            "--now",
            &n,
            &token,
        ],
        None,
    )
    .code(0);
    let crlf = dir.file("crlf", [KEY, b"\r\n"].concat());
    run(&["verify", "--key-file", &crlf, "--now", &n, &token], None)
        .code(2)
        .stderr_has("a CRLF line ending");
    run(
        &[
            "verify",
            "--key-file",
            &crlf,
            "--strip-newline",
            "--now",
            &n,
            &token,
        ],
        None,
    )
    .code(0);
    // An encoded key ending in a newline (as `openssl rand -base64 32 > key` writes) is fine
    // with its encoding, and the refusal says so.
    let openssl = dir.file("openssl", format!("{B64}\n"));
    run(&["verify", "--key-file", &openssl, &token], None)
        .code(2)
        .stderr_has("the key looks like standard base64 (as `openssl rand -base64 32` prints): with --key-encoding base64 surrounding whitespace is ignored");
}

#[test]
fn a_key_read_the_wrong_way_gets_a_hint() {
    let dir = Dir::new();
    let hex = dir.file("hex", HEX);
    let token = encode(&["--key-file", &hex, "--key-encoding", "hex"]);
    let n = now();
    let verify = |file: &str, encoding: &str| {
        run(
            &[
                "verify",
                "--key-file",
                file,
                "--key-encoding",
                encoding,
                "--now",
                &n,
                &token,
            ],
            None,
        )
    };
    verify(&hex, "raw")
        .code(1)
        .stderr_has("error: invalid signature")
        .stderr_has("the key looks like hex but was used as 64 raw bytes: if it is encoded, pass --key-encoding hex");
    verify(&hex, "base64url")
        .code(1)
        .stderr_has("the key is all hex digits but was decoded as base64url: if it is hex, pass --key-encoding hex");
    verify(&hex, "base64")
        .code(1)
        .stderr_has("the key is all hex digits but was decoded as base64: if it is hex, pass --key-encoding hex");
    verify(&dir.file("b64", B64), "raw")
        .code(1)
        .stderr_has("the key looks like standard base64 (as `openssl rand -base64 32` prints) but was used as 44 raw bytes: if it is encoded, pass --key-encoding base64");
    verify(&dir.file("b64url", B64URL), "raw")
        .code(1)
        .stderr_has("the key looks like base64url (as a JWK's \"k\" and `microjwt keygen` print) but was used as 43 raw bytes");
    verify(&dir.file("b64", B64), "hex")
        .code(2)
        .stderr_has("the --key-file key is not valid hexadecimal")
        .stderr_has("pass --key-encoding base64");
    verify(&dir.file("b64", B64), "base64url")
        .code(2)
        .stderr_has("not valid unpadded base64url")
        .stderr_has("`+`, `/` and `=` belong to standard base64: pass --key-encoding base64");
    verify(&dir.file("b64url", B64URL), "base64")
        .code(2)
        .stderr_has("not valid padded standard base64")
        .stderr_has("`-` and `_` belong to base64url: pass --key-encoding base64url");
    verify(&dir.file("ws", "   \n"), "hex")
        .code(2)
        .stderr_has("only whitespace");
}

#[test]
fn too_short_is_a_usage_error_with_the_minimum() {
    let dir = Dir::new();
    for (alg, min) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let short = dir.file(alg, vec![b'k'; min - 1]);
        run(&["encode", "--key-file", &short, "--alg", alg], None)
            .code(2)
            .stderr_has(&format!(
                "the --key-file key is {} bytes, shorter than the {min} bytes {alg} requires (RFC 7518 §3.2)",
                min - 1
            ))
            .stderr_has(&format!("microjwt keygen --alg {alg}"));
    }
    // 32 hex digits are 16 bytes: too short, and the hint says hex halves it.
    run(
        &[
            "encode",
            "--key-file",
            &dir.file("h", &HEX[..32]),
            "--key-encoding",
            "hex",
        ],
        None,
    )
    .code(2)
    .stderr_has("is 16 bytes, shorter than the 32");
    run(&["encode", "--key-file", &dir.file("empty", "")], None)
        .code(2)
        .stderr_has("the --key-file key is empty");
    run(
        &[
            "encode",
            "--key-file",
            &dir.path("missing").to_string_lossy(),
        ],
        None,
    )
    .code(2)
    .stderr_has("--key-file: cannot open the file");
}

#[test]
fn secrets_are_never_printed() {
    const CANARY: &str = "CANARY-s3cr3t-Z9q7w1e5r3t6y8u0i2o4p6a8s";
    let dir = Dir::new();
    let key = dir.file("canary", CANARY);
    let token = encode(&["--key-file", &key]);
    let mut runs = vec![
        run(&["verify", "--key-file", &key, &token], None),
        run(
            &[
                "verify",
                "--key-file",
                &key,
                "--json",
                &token.replace('.', ""),
            ],
            None,
        ),
        run(
            &[
                "verify",
                "--key-file",
                &key,
                "--key-encoding",
                "base64",
                &token,
            ],
            None,
        ),
        run(
            &[
                "verify",
                "--key-file",
                &key,
                "--key-encoding",
                "hex",
                &token,
            ],
            None,
        ),
        run(
            &["verify", "--key-file", &key, "--alg", "HS512", &token],
            None,
        ),
        run(
            &[
                "verify",
                "--key-file",
                &dir.file("nl", format!("{CANARY}\n")),
                &token,
            ],
            None,
        ),
        run(
            &["encode", "--key-file", &dir.file("short", &CANARY[..20])],
            None,
        ),
        // The secret given where a name or a path belongs.
        run(&["verify", "--key-env", CANARY, &token], None),
        run(&["verify", "--key-file", CANARY, &token], None),
        run(&["verify", "--jwk", CANARY, &token], None),
        // Flags that do not exist, with the secret as their value.
        run(&["verify", &format!("--key-hex={CANARY}"), &token], None),
        run(&["verify", &format!("--key={CANARY}"), &token], None),
    ];
    let mut cmd = microjwt();
    cmd.env("JWT_KEY", CANARY);
    runs.push(run_with(
        cmd,
        &["verify", "--key-env", "JWT_KEY", "--alg", "HS384", &token],
        None,
    ));
    let jwk = dir.file("jwk", format!(r#"{{"kty":"oct","k":"{CANARY}"}}"#));
    runs.push(run(&["verify", "--jwk", &jwk, &token], None));
    for out in &runs {
        assert_ne!(out.code, 0, "{out:#?}");
        out.never_shows(CANARY).never_shows(&CANARY[..12]);
    }
    // The old example's inline flags are explained, not echoed.
    for flag in ["--key", "--key-hex", "--key-b64"] {
        run(&["verify", &format!("{flag}={CANARY}"), &token], None)
            .code(2)
            .stderr_has(&format!(
                "{flag}: secrets are not taken on the command line"
            ))
            .stderr_has("--key-file PATH or --key-env NAME, with --key-encoding")
            .never_shows(CANARY);
        run(&["encode", flag, CANARY], None)
            .code(2)
            .never_shows(CANARY);
    }
    // keygen prints its own fresh secret, on stdout only, and nothing of it on stderr.
    let out = run(
        &[
            "keygen",
            "--format",
            "jwk",
            "--out",
            &dir.path("new.jwk").to_string_lossy(),
        ],
        None,
    );
    out.code(0);
    let made: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("new.jwk")).unwrap()).unwrap();
    out.never_shows(made["k"].as_str().unwrap());
}

#[test]
fn jwk_and_jwk_set() {
    let dir = Dir::new();
    let n = now();
    let jwk = dir.file(
        "k.jwk",
        json!({"kty": "oct", "kid": "k1", "alg": "HS384", "use": "sig", "k": base64url(&[3; 48])})
            .to_string(),
    );
    // The JWK's alg is the default --alg and its kid goes into the header.
    let token = encode(&["--jwk", &jwk, "--sub", "ada"]);
    assert_eq!(
        decoded(&token).0,
        json!({"alg": "HS384", "typ": "JWT", "kid": "k1"})
    );
    run(&["verify", "--jwk", &jwk, "--now", &n, &token], None)
        .code(0)
        .stderr_has("valid: HS384 signature verified, kid \"k1\"");
    run(
        &[
            "verify", "--jwk", &jwk, "--alg", "HS256", "--now", &n, &token,
        ],
        None,
    )
    .code(2)
    .stderr_has("--jwk: the key's \"alg\" is HS384, but --alg is HS256")
    .stderr_has("drop --alg (the JWK's alg is the default) or pass --alg HS384");
    run(&["encode", "--jwk", &jwk, "--kid", "other"], None)
        .code(2)
        .stderr_has("--kid \"other\" differs from the JWK's own \"kid\" \"k1\"");

    let set = dir.file(
        "set.jwks",
        json!({"keys": [
            {"kty": "oct", "kid": "a", "alg": "HS256", "k": base64url(&[1; 32])},
            {"kty": "oct", "kid": "b", "k": base64url(&[2; 64])},
            {"kty": "oct", "kid": "c", "alg": "HS512", "k": base64url(&[4; 64])},
            {"kty": "EC", "kid": "d", "crv": "P-256", "x": "AA", "y": "AA"},
        ]})
        .to_string(),
    );
    let by_a = encode(&["--jwk", &set, "--kid", "a"]);
    let by_b = encode(&["--jwk", &set, "--kid", "b"]);
    assert_eq!(decoded(&by_b).0["kid"], "b");
    for token in [&by_a, &by_b] {
        run(&["verify", "--jwk", &set, "--now", &n, token], None).code(0);
    }
    run(&["encode", "--jwk", &set], None)
        .code(2)
        .stderr_has("the JWK Set has 2 HS256 keys: pass --kid to choose one")
        .stderr_has("its keys: \"a\" (HS256), \"b\" (any HS alg)");
    let by_c = encode(&["--jwk", &set, "--alg", "HS512", "--kid", "c"]);
    run(&["verify", "--jwk", &set, "--now", &n, &by_c], None)
        .code(1)
        .stderr_has("error: unknown key id")
        .stderr_has("the token's kid is \"c\"; the JWK Set's HS256 keys have kid \"a\", \"b\"")
        .stderr_has("key \"c\" is for HS512: pass --alg HS512");
    run(
        &[
            "verify", "--jwk", &set, "--alg", "HS512", "--now", &n, &by_c,
        ],
        None,
    )
    .code(0);
    // A token without kid: the set's only key for the algorithm, or the one --kid names.
    let raw_key = dir.file("two", [2u8; 64]);
    let no_kid = encode(&["--key-file", &raw_key]);
    run(&["verify", "--jwk", &set, "--now", &n, &no_kid], None)
        .code(1)
        .stderr_has("token has no key id")
        .stderr_has("the token has no kid and the JWK Set has 2 HS256 keys: pass --kid to say which one checks it");
    run(
        &["verify", "--jwk", &set, "--kid", "b", "--now", &n, &no_kid],
        None,
    )
    .code(0);
    run(
        &["verify", "--jwk", &set, "--kid", "zz", "--now", &n, &no_kid],
        None,
    )
    .code(2)
    .stderr_has("--kid \"zz\": the JWK Set has no HS256 key with that kid");
    run(
        &["verify", "--key-file", &raw_key, "--kid", "b", &no_kid],
        None,
    )
    .code(2)
    .stderr_has("verify --kid chooses among the keys of a JWK Set");
    // The only key without an `alg` serves HS384 too; the header says HS256.
    run(&["verify", "--jwk", &set, "--alg", "HS384", &no_kid], None)
        .code(1)
        .stderr_has("the token's header says alg HS256 but --alg is HS384: pass --alg HS256");
    let tagged = dir.file(
        "tagged.jwks",
        json!({"keys": [
            {"kty": "oct", "kid": "a", "alg": "HS256", "k": base64url(&[1; 32])},
            {"kty": "oct", "kid": "c", "alg": "HS512", "k": base64url(&[4; 64])},
        ]})
        .to_string(),
    );
    run(
        &["verify", "--jwk", &tagged, "--alg", "HS384", &no_kid],
        None,
    )
    .code(2)
    .stderr_has("--jwk: the JWK Set has no \"oct\" key for HS384")
    .stderr_has("it has: \"a\" (HS256), \"c\" (HS512)");
    // The algorithm all its keys share is the default.
    let hs512 = dir.file(
        "hs512.jwks",
        json!({"keys": [{"kty": "oct", "kid": "c", "alg": "HS512", "k": base64url(&[4; 64])}]})
            .to_string(),
    );
    run(&["verify", "--jwk", &hs512, "--now", &n, &by_c], None)
        .code(0)
        .stderr_has("valid: HS512");
}

#[test]
fn jwk_members_are_honoured() {
    let dir = Dir::new();
    let k = base64url(&[5; 32]);
    let verify_only = dir.file(
        "v.jwk",
        json!({"kty": "oct", "k": k, "key_ops": ["verify"]}).to_string(),
    );
    let sign_only = dir.file(
        "s.jwk",
        json!({"kty": "oct", "k": k, "key_ops": ["sign"]}).to_string(),
    );
    run(&["encode", "--jwk", &verify_only], None)
        .code(2)
        .stderr_has("has key_ops [\"verify\"], without \"sign\": this key may not sign");
    let token = encode(&["--jwk", &sign_only]);
    let n = now();
    run(
        &["verify", "--jwk", &verify_only, "--now", &n, &token],
        None,
    )
    .code(0);
    run(&["verify", "--jwk", &sign_only, "--now", &n, &token], None)
        .code(2)
        .stderr_has("without \"verify\": this key may not verify");
    for (jwk, says) in [
        (json!({"kty": "RSA", "k": k}), "kty"),
        (json!({"kty": "oct", "k": k, "use": "enc"}), "use"),
        (json!({"kty": "oct"}), "\"k\""),
        (
            json!({"kty": "oct", "k": base64url(&[5; 16])}),
            "16 bytes, shorter than the 32",
        ),
        (json!([1]), "expected a JSON object"),
    ] {
        let file = dir.file("bad.jwk", jwk.to_string());
        run(&["encode", "--jwk", &file], None)
            .code(2)
            .stderr_has(says);
    }
    run(&["encode", "--jwk", &dir.file("t", "{")], None)
        .code(2)
        .stderr_has("--jwk: not JSON");
    // RFC 7517 §4.3: key_ops and use must agree.
    let both = dir.file(
        "both.jwk",
        json!({"kty": "oct", "k": k, "use": "sig", "key_ops": ["encrypt"]}).to_string(),
    );
    run(&["encode", "--jwk", &both], None)
        .code(2)
        .stderr_has("key_ops");
    // A set may hold a key that only signs: a token naming it is refused (the key's fault: 2),
    // the other keys verify as usual.
    let set = dir.file(
        "ops.jwks",
        json!({"keys": [
            {"kty": "oct", "kid": "signer", "k": k, "key_ops": ["sign"]},
            {"kty": "oct", "kid": "checker", "k": base64url(&[6; 32])},
        ]})
        .to_string(),
    );
    let signed = encode(&["--jwk", &set, "--kid", "signer"]);
    run(&["verify", "--jwk", &set, "--now", &n, &signed], None)
        .code(2)
        .stderr_has("the key's key_ops do not permit this operation")
        .stderr_has("has key_ops without \"verify\"");
    let checked = encode(&["--jwk", &set, "--kid", "checker"]);
    run(&["verify", "--jwk", &set, "--now", &n, &checked], None).code(0);
    let broken = dir.file(
        "broken.jwks",
        json!({"keys": [
            {"kty": "oct", "kid": "fine", "k": k},
            {"kty": "oct", "kid": "tiny", "k": base64url(&[6; 8])},
        ]})
        .to_string(),
    );
    run(&["verify", "--jwk", &broken, &checked], None)
        .code(2)
        .stderr_has(
            "--jwk: key \"tiny\": the secret is 8 bytes, shorter than the 32 bytes HS256 requires",
        );
    run(
        &[
            "encode",
            "--jwk",
            &dir.file("rs", r#"{"kty":"oct","alg":"RS256","k":"AA"}"#),
        ],
        None,
    )
    .code(2)
    .stderr_has("only HS256, HS384 and HS512 are supported");
    run(
        &["encode", "--jwk", &sign_only, "--key-encoding", "hex"],
        None,
    )
    .code(2)
    .stderr_has("--key-encoding and --strip-newline apply to --key-file and --key-env");
}

#[test]
fn keygen_formats() {
    let dir = Dir::new();
    let n = now();
    for (alg, len) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let out = run(&["keygen", "--alg", alg], None);
        out.code(0);
        let text = out.stdout.trim_end();
        assert_eq!(out.stdout.len(), text.len() + 1, "one trailing newline");
        assert_eq!(base64ct_decode(text).len(), len);
        // What it prints is a key the tool reads.
        let file = dir.file(alg, &out.stdout);
        let token = encode(&[
            "--key-file",
            &file,
            "--key-encoding",
            "base64url",
            "--alg",
            alg,
        ]);
        run(
            &[
                "verify",
                "--key-file",
                &file,
                "--key-encoding",
                "base64url",
                "--alg",
                alg,
                "--now",
                &n,
                &token,
            ],
            None,
        )
        .code(0);
    }
    let a = run(&["keygen"], None).stdout;
    let b = run(&["keygen"], None).stdout;
    assert_ne!(a, b, "fresh randomness each time");

    let b64 = run(&["keygen", "--format", "base64", "--bytes", "40"], None);
    assert_eq!(b64.stdout.trim_end().len(), 56);
    let hex = run(&["keygen", "--format", "hex"], None);
    assert_eq!(hex.stdout.trim_end().len(), 64);

    let jwk = run(&["keygen", "--format", "jwk", "--alg", "HS512"], None);
    jwk.code(0);
    let value = jwk.json();
    assert_eq!(value["kty"], "oct");
    assert_eq!(value["alg"], "HS512");
    assert_eq!(value["use"], "sig");
    assert_eq!(value["kid"].as_str().unwrap().len(), 16);
    assert_eq!(base64ct_decode(value["k"].as_str().unwrap()).len(), 64);
    let file = dir.file("made.jwk", &jwk.stdout);
    let token = encode(&["--jwk", &file]);
    assert_eq!(decoded(&token).0["kid"], value["kid"]);
    run(&["verify", "--jwk", &file, "--now", &n, &token], None).code(0);

    let jwks = run(&["keygen", "--format", "jwks", "--kid", "2026-12"], None).json();
    assert_eq!(jwks["keys"][0]["kid"], "2026-12");

    let raw_path = dir.path("raw.bin");
    let raw_path = raw_path.to_string_lossy();
    run(&["keygen", "--format", "raw", "--out", &raw_path], None)
        .code(0)
        .stderr_has("wrote a 32-byte HS256 key (raw) to");
    assert_eq!(std::fs::read(&*raw_path).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&*raw_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    run(&["keygen", "--format", "raw", "--out", &raw_path], None)
        .code(2)
        .stderr_has("it exists; keygen never overwrites a key");
    run(&["keygen", "--format", "raw"], None)
        .code(2)
        .stderr_has("give --out PATH");
    run(&["keygen", "--bytes", "31"], None)
        .code(2)
        .stderr_has("--bytes 31 is shorter than the 32 bytes HS256 requires");
    run(&["keygen", "--alg", "HS512", "--bytes", "32"], None).code(2);
    run(&["keygen", "--bytes", "257"], None)
        .code(2)
        .stderr_has("at most 256");
}

fn base64url(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

fn base64ct_decode(text: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(text).unwrap()
}
