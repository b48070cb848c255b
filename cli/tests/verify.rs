//! `verify`: exit 0 valid, 1 rejected, 2 usage; an error naming the likely cause for each
//! failure class; `--json` both ways.

// Helpers below the tests: a panic there is a failed assertion too.
#![allow(clippy::unwrap_used)]

mod common;
use common::{Dir, KEY, NOW, encode, run};
use serde_json::json;

fn verify(key: &str, extra: &[&str], token: &str) -> common::Run {
    let now = NOW.to_string();
    let mut args = vec!["verify", "--key-file", key];
    if !extra.contains(&"--now") {
        args.extend(["--now", now.as_str()]);
    }
    args.extend_from_slice(extra);
    args.push(token);
    run(&args, None)
}

#[test]
fn round_trip_prints_the_claims() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key, "--sub", "ada", "-P", "name=Zoë \"x\""]);
    let out = verify(&key, &[], &token);
    out.code(0)
        .stderr_has("valid: HS256 signature verified, expires 2025-12-01T00:15:00Z (in 15m)");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap(),
        json!({"sub": "ada", "name": "Zoë \"x\"", "iat": NOW, "exp": NOW + 900})
    );
    // Every algorithm, each with a key of its minimum length.
    for (alg, len) in [("HS256", 32), ("HS384", 48), ("HS512", 64)] {
        let key = dir.file(alg, vec![0x5a; len]);
        let token = encode(&["--key-file", &key, "--alg", alg]);
        verify(&key, &["--alg", alg, "-q"], &token).code(0);
    }
}

#[test]
fn json_on_success_and_on_failure() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key, "--kid", "k1", "--aud", "api"]);
    let ok = verify(&key, &["--aud", "api", "--json"], &token);
    ok.code(0);
    assert!(ok.stderr.is_empty(), "{ok:#?}");
    assert_eq!(
        ok.json(),
        json!({
            "valid": true,
            "header": {"alg": "HS256", "typ": "JWT", "kid": "k1"},
            "claims": {"aud": "api", "iat": NOW, "exp": NOW + 900},
        })
    );
    let bad = verify(&key, &["--json"], &token);
    bad.code(1);
    assert!(bad.stderr.is_empty(), "{bad:#?}");
    assert_eq!(
        bad.json(),
        json!({
            "valid": false,
            "error": {
                "kind": "audience_mismatch",
                "class": "rejected",
                "message": "audience mismatch",
                "hints": ["the token has aud \"api\": pass --aud api (a token for an audience is accepted only by a verifier that names it, RFC 7519 §4.1.3)"],
            },
        })
    );
    let usage = run(
        &[
            "verify",
            "--key-file",
            &dir.file("short", "short"),
            "--json",
            &token,
        ],
        None,
    );
    usage.code(2);
    assert_eq!(usage.json()["error"]["kind"], "key_too_short");
    assert_eq!(usage.json()["error"]["class"], "usage");
}

#[test]
fn quiet_prints_nothing() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key]);
    let ok = verify(&key, &["-q"], &token);
    ok.code(0);
    assert_eq!((ok.stdout.as_str(), ok.stderr.as_str()), ("", ""));
    let bad = verify(&key, &["--quiet", "--now", "+1d"], &token);
    bad.code(1);
    assert_eq!((bad.stdout.as_str(), bad.stderr.as_str()), ("", ""));
}

#[test]
fn wrong_alg_names_the_header_alg() {
    let dir = Dir::new();
    let key = dir.file("k64", [9u8; 64]);
    let hs512 = encode(&["--key-file", &key, "--alg", "HS512"]);
    verify(&key, &[], &hs512)
        .code(1)
        .stderr_has("error: invalid signature")
        .stderr_has(
            "the token's header says alg HS512 but --alg is HS256 (the default): pass --alg HS512",
        );
    let hs256 = encode(&["--key-file", &key]);
    verify(&key, &["--alg", "HS384"], &hs256)
        .code(1)
        .stderr_has("the token's header says alg HS256 but --alg is HS384: pass --alg HS256");
    // A key too short for --alg: usage error with the minimum, and the header's alg.
    let short = dir.key();
    let token = encode(&["--key-file", &short]);
    verify(&short, &["--alg", "HS512"], &token)
        .code(2)
        .stderr_has("the --key-file key is 32 bytes, shorter than the 64 bytes HS512 requires (RFC 7518 §3.2)")
        .stderr_has("the token's header says alg HS256: pass --alg HS256");
}

#[test]
fn foreign_and_unsigned_algorithms() {
    let dir = Dir::new();
    let key = dir.key();
    // {"alg":"RS256","typ":"JWT"}.{"sub":"x"}.sig and {"alg":"none"}.{"sub":"x"}.sig
    let rs = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2ln";
    verify(&key, &[], rs)
        .code(1)
        .stderr_has("alg RS256, which is not HMAC: microjwt checks HS256, HS384 and HS512 only");
    let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln";
    verify(&key, &[], none)
        .code(1)
        .stderr_has("alg none: an unsigned token is never accepted");
}

#[test]
fn tampered_token_is_rejected() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key, "--sub", "ada"]);
    let (head, sig) = token.rsplit_once('.').unwrap();
    let other = if sig.starts_with('A') { 'B' } else { 'A' };
    let tampered = format!("{head}.{other}{}", &sig[1..]);
    verify(&key, &[], &tampered)
        .code(1)
        .stderr_has("error: invalid signature")
        .stderr_has("the key is not the one that signed the token, or the token was altered");
    let other_key = dir.file("other", [1u8; 32]);
    verify(&other_key, &[], &token)
        .code(1)
        .stderr_has("invalid signature");
}

#[test]
fn audience() {
    let dir = Dir::new();
    let key = dir.key();
    let one = encode(&["--key-file", &key, "--aud", "api"]);
    verify(&key, &[], &one)
        .code(1)
        .stderr_has("error: audience mismatch")
        .stderr_has("the token has aud \"api\": pass --aud api");
    verify(&key, &["--aud", "api"], &one).code(0);
    verify(&key, &["--aud", "web", "--aud", "api"], &one).code(0);
    verify(&key, &["--aud", "web"], &one)
        .code(1)
        .stderr_has("the token's aud is \"api\", which contains none of --aud web");
    let two = encode(&["--key-file", &key, "--aud", "my api", "--aud", "b"]);
    verify(&key, &[], &two)
        .code(1)
        .stderr_has("the token has aud [\"my api\",\"b\"]: pass --aud 'my api'");
    verify(&key, &["--aud", "b"], &two).code(0);
    let none = encode(&["--key-file", &key]);
    verify(&key, &["--aud", "api"], &none)
        .code(1)
        .stderr_has("required claim `aud` is missing")
        .stderr_has("the token has no aud (--aud requires it)");
}

#[test]
fn expiry_and_not_before_say_when() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key, "--exp", "+10m", "--nbf", "+1m"]);
    verify(&key, &["--now", "1764550800"], &token)
        .code(1)
        .stderr_has("error: token expired at 2025-12-01T00:10:00Z (1764547800), 50m ago")
        .stderr_has("checked at 2025-12-01T01:00:00Z (1764550800)")
        .stderr_has("--leeway 30s");
    verify(&key, &[], &token)
        .code(1)
        .stderr_has("error: token not valid before 2025-12-01T00:01:00Z (1764547260), in 1m");
    verify(&key, &["--leeway", "1m"], &token).code(0);
    verify(&key, &["--leeway", "60"], &token).code(0);
    // At exp it has expired (RFC 7519 §4.1.4); leeway extends it.
    verify(&key, &["--now", "1764547800"], &token).code(1);
    verify(&key, &["--now", "1764547800", "--leeway", "1s"], &token).code(0);
    verify(&key, &["--now", "2025-12-01T00:05:00Z"], &token).code(0);
}

#[test]
fn a_token_without_exp_needs_allow_missing_exp() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key, "--no-exp"]);
    verify(&key, &[], &token)
        .code(1)
        .stderr_has("required claim `exp` is missing")
        .stderr_has("pass --allow-missing-exp to accept it");
    verify(&key, &["--allow-missing-exp"], &token)
        .code(0)
        .stderr_has("never expires (no exp)");
}

#[test]
fn issuer_subject_type_and_required_claims() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&[
        "--key-file",
        &key,
        "--iss",
        "https://a.example",
        "--sub",
        "ada",
        "--typ",
        "at+jwt",
    ]);
    verify(
        &key,
        &[
            "--iss",
            "https://a.example",
            "--sub",
            "ada",
            "--typ",
            "AT+JWT",
        ],
        &token,
    )
    .code(0);
    verify(&key, &["--iss", "https://b.example"], &token)
        .code(1)
        .stderr_has("error: issuer mismatch")
        .stderr_has("the token's iss is \"https://a.example\", --iss is \"https://b.example\"");
    verify(&key, &["--sub", "bob"], &token)
        .code(1)
        .stderr_has("the token's sub is \"ada\", --sub is \"bob\"");
    verify(&key, &["--typ", "JWT"], &token)
        .code(1)
        .stderr_has("error: unexpected token type")
        .stderr_has("the token's typ is \"at+jwt\", --typ is \"JWT\"");
    verify(&key, &["--require", "jti"], &token)
        .code(1)
        .stderr_has("required claim `jti` is missing");
    let plain = encode(&["--key-file", &key]);
    verify(&key, &["--iss", "x"], &plain)
        .code(1)
        .stderr_has("the token has no iss (--iss requires it)");
}

#[test]
fn registered_claims_of_the_wrong_type() {
    let dir = Dir::new();
    // Made by hand: encode refuses to write such claims. {"alg":"HS256"}.{"exp":"soon"}
    let key = dir.key();
    let token = sign_raw(r#"{"alg":"HS256"}"#, r#"{"exp":"soon"}"#);
    verify(&key, &[], &token)
        .code(1)
        .stderr_has("claim `exp` has an invalid type or value")
        .stderr_has(
            "the token's exp is \"soon\": a NumericDate is a non-negative number of seconds",
        );
}

#[test]
fn too_long_and_malformed() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&[
        "--key-file",
        &key,
        "-P",
        &format!("pad={}", "x".repeat(200)),
    ]);
    verify(&key, &["--max-len", "100"], &token)
        .code(1)
        .stderr_has("exceeds the maximum of 100")
        .stderr_has("pass --max-len");
    verify(&key, &[], "not-a-token")
        .code(1)
        .stderr_has("malformed token")
        .stderr_has("1 segment");
}

/// A token signed with [`KEY`] over header and payload text given verbatim, as a careless
/// issuer might write it: `encode` refuses to make claims of the wrong type.
fn sign_raw(header: &str, payload: &str) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    let input = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(header.as_bytes()),
        Base64UrlUnpadded::encode_string(payload.as_bytes())
    );
    let tag = hmac_sha256(KEY, input.as_bytes());
    format!("{input}.{}", Base64UrlUnpadded::encode_string(&tag))
}

/// HMAC-SHA256 (RFC 2104) with the library's key type; tests/peers.rs checks the library's MAC
/// against other implementations.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let key = microjwt::HmacKey::<microjwt::Hs256>::new(key).unwrap();
    key.mac(message).as_bytes().to_vec()
}
