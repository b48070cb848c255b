//! `decode` / `inspect`: loudly unverified, JSON or human with ISO 8601 dates.

mod common;
use common::{Dir, NOW, NOW_ISO, encode, run};
use serde_json::json;

/// RFC 7519 §3.1's example token (HS256, a JWK in RFC 7515 Appendix A.1).
const RFC7519: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[test]
fn json_is_one_object_marked_unverified() {
    let out = run(&["decode", "--json", RFC7519], None);
    out.code(0).stderr_has("UNVERIFIED");
    assert_eq!(
        out.json(),
        json!({
            "header": {"typ": "JWT", "alg": "HS256"},
            "payload": {"iss": "joe", "exp": 1_300_819_380, "http://example.com/is_root": true},
            "verified": false,
        })
    );
}

#[test]
fn human_output_shows_dates_next_to_seconds() {
    let dir = Dir::new();
    let token = encode(&[
        "--key-file",
        &dir.key(),
        "--sub",
        "ada",
        "--nbf",
        "+1m",
        "--kid",
        "k1",
    ]);
    let now = NOW.to_string();
    let out = run(&["inspect", "--now", &now, &token], None);
    out.code(0);
    assert!(
        out.stderr
            .starts_with("!!! UNVERIFIED: the signature was NOT checked."),
        "{out:#?}"
    );
    assert_eq!(
        out.stdout,
        format!(
            "Header (unverified):
{{
  \"alg\": \"HS256\",
  \"typ\": \"JWT\",
  \"kid\": \"k1\"
}}

Payload (unverified):
{{
  \"sub\": \"ada\",
  \"nbf\": {nbf},
  \"iat\": {NOW},
  \"exp\": {exp}
}}

Dates (UTC, compared with {NOW_ISO}):
  iat  {NOW}  {NOW_ISO}  now
  nbf  {nbf}  2025-12-01T00:01:00Z  in 1m
  exp  {exp}  2025-12-01T00:15:00Z  in 15m

Signature: 32 bytes, not checked (header alg HS256)
",
            nbf = NOW + 60,
            exp = NOW + 900
        )
    );
}

#[test]
fn dates_in_the_past_and_fractions() {
    let out = run(&["decode", "--now", "1300819381", RFC7519], None);
    out.code(0)
        .stdout_has("exp  1300819380  2011-03-22T18:43:00Z  1s ago");
    // {"alg":"HS256"}.{"exp":1300819380.5,"iat":"yesterday"}.sig
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjEzMDA4MTkzODAuNSwiaWF0IjoieWVzdGVyZGF5In0.c2ln";
    let out = run(&["decode", "--now", "1300819380", token], None);
    out.code(0)
        .stdout_has("exp  1300819380.5  2011-03-22T18:43:00.5Z")
        .stdout_has("iat  \"yesterday\"  (not a number: invalid)");
}

#[test]
fn a_payload_that_is_not_json_is_shown_as_text() {
    // RFC 7797 §4.1: payload "$.02".
    let token = "eyJhbGciOiJIUzI1NiJ9.JC4wMg.5mvfOroL-g7HyqJoozehmsaqmvTYGEq5jTI1gVvoEoQ";
    let out = run(&["decode", "--json", token], None);
    out.code(0);
    assert_eq!(out.json()["payload"], "$.02");
    run(&["decode", token], None)
        .code(0)
        .stdout_has("(the payload is not JSON; its text:)\n$.02");
}

#[test]
fn not_a_token_is_rejected_with_the_reason() {
    for (token, says) in [
        ("abc", "1 segment: a JWT has three"),
        ("a.b", "2 segments"),
        ("a.b.c.d.e", "encrypted JWE"),
        ("eyJh bGc.e30.c2ln", "whitespace at byte 4"),
    ] {
        run(&["decode", token], None)
            .code(1)
            .stderr_has("malformed token")
            .stderr_has(says);
    }
    run(&["decode", "e30.e30=.c2ln"], None)
        .code(1)
        .stderr_has("`+`, `/` or `=`");
    run(&["decode", "e30.e.c2ln"], None)
        .code(1)
        .stderr_has("invalid base64url encoding")
        .stderr_has("not canonical unpadded base64url");
}
