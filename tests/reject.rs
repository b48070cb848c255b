//! Hostile tokens, each mapped to the exact error it must produce.
//!
//! Every token here except the pre-MAC ones carries a correct MAC, so the check under test is
//! really reached rather than masked by `InvalidSignature`.

use microjwt_tests as common;

use common::{b64, key, raw_token, token, token_with};
use microjwt::{Claim, Error, Validation};

const NOW: u64 = 1_000;
const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

fn check(token: &str) -> Result<(), Error> {
    check_with(token, &Validation::new(NOW))
}

fn check_with(token: &str, validation: &Validation<'_>) -> Result<(), Error> {
    let mut scratch = [0u8; 4096];
    microjwt::verify::<()>(&key(), token, validation, &mut scratch).map(|_| ())
}

fn assert_table(cases: &[(&str, String, Error)]) {
    for (name, token, expected) in cases {
        assert_eq!(check(token), Err(*expected), "{name}: {token}");
    }
}

#[test]
fn valid_baseline_passes() {
    assert_eq!(check(&token(r#"{"exp":2000}"#)), Ok(()));
}

#[test]
fn alg_none_and_mismatches_in_any_case() {
    let mut cases = Vec::new();
    for alg in [
        "none", "None", "NONE", "nOnE", "hs256", "Hs256", "HS384", "HS512", "RS256", "ES256", "",
        "HS256 ",
    ] {
        let header = format!(r#"{{"alg":"{alg}"}}"#);
        cases.push((
            alg,
            token_with(&key(), &header, r#"{"exp":2000}"#),
            Error::AlgorithmMismatch,
        ));
    }
    let unsecured = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(br#"{"exp":2000}"#));
    cases.push(("unsecured, empty signature", unsecured, Error::Malformed));
    let forged = format!(
        "{}.{}.AAAA",
        b64(br#"{"alg":"none"}"#),
        b64(br#"{"exp":2000}"#)
    );
    cases.push((
        "unsecured, forged signature",
        forged,
        Error::InvalidSignature,
    ));
    for header in [
        r#"{"typ":"JWT"}"#,
        r#"{"alg":null}"#,
        r#"{"alg":["HS256"]}"#,
        r#"{"alg":256}"#,
    ] {
        let expected = if header.contains("null") || header.contains('[') || header.contains("256}")
        {
            Error::InvalidHeader
        } else {
            Error::AlgorithmMismatch
        };
        cases.push((
            header,
            token_with(&key(), header, r#"{"exp":2000}"#),
            expected,
        ));
    }
    assert_table(&cases);
}

#[test]
fn header_must_be_a_strict_object() {
    let cases: Vec<(&str, String, Error)> = vec![
        (
            "duplicate alg",
            token_with(&key(), r#"{"alg":"HS256","alg":"none"}"#, "{}"),
            Error::DuplicateMember,
        ),
        (
            "escaped duplicate alg",
            token_with(&key(), r#"{"alg":"HS256","\u0061lg":"HS256"}"#, "{}"),
            Error::DuplicateMember,
        ),
        (
            "header array",
            token_with(&key(), r#"["HS256"]"#, "{}"),
            Error::InvalidHeader,
        ),
        (
            "header not JSON",
            token_with(&key(), "alg=HS256", "{}"),
            Error::InvalidHeader,
        ),
        (
            "trailing data",
            token_with(&key(), r#"{"alg":"HS256"}x"#, "{}"),
            Error::Json,
        ),
        (
            "header BOM",
            token_with(&key(), "\u{feff}{\"alg\":\"HS256\"}", "{}"),
            Error::InvalidHeader,
        ),
        (
            "kid number",
            token_with(&key(), r#"{"alg":"HS256","kid":7}"#, "{}"),
            Error::InvalidHeader,
        ),
        (
            "typ object",
            token_with(&key(), r#"{"alg":"HS256","typ":{}}"#, "{}"),
            Error::InvalidHeader,
        ),
        (
            "invalid JSON in unread member",
            token_with(&key(), r#"{"alg":"HS256","x5u":tru3}"#, "{}"),
            Error::Json,
        ),
        (
            "non-UTF-8 header",
            raw_token(
                &key(),
                &b64(b"{\"alg\":\"HS256\",\"x\":\"\xff\"}"),
                &b64(b"{}"),
            ),
            Error::Json,
        ),
    ];
    assert_table(&cases);
}

#[test]
fn crit_is_never_understood() {
    let payload = r#"{"exp":2000}"#;
    let mut cases = Vec::new();
    for header in [
        r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
        r#"{"alg":"HS256","crit":["b64"],"b64":true}"#,
        r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","crit":"b64"}"#,
        r#"{"alg":"HS256","crit":null}"#,
        r#"{"alg":"HS256","\u0063rit":["x"],"x":1}"#,
    ] {
        cases.push((
            header,
            token_with(&key(), header, payload),
            Error::UnsupportedCrit,
        ));
    }
    assert_table(&cases);
}

#[test]
fn nested_tokens_are_refused() {
    for cty in ["JWT", "jwt", "application/JWT", "Application/jwt"] {
        let header = format!(r#"{{"alg":"HS256","cty":"{cty}"}}"#);
        assert_eq!(
            check(&token_with(&key(), &header, r#"{"exp":2000}"#)),
            Err(Error::NestedToken),
            "{cty}"
        );
    }
    let other = token_with(&key(), r#"{"alg":"HS256","cty":"json"}"#, r#"{"exp":2000}"#);
    assert_eq!(check(&other), Ok(()));
}

#[test]
fn base64_must_be_canonical_unpadded_url_safe() {
    let good = token(r#"{"exp":2000}"#);
    let (signing_input, sig) = good.rsplit_once('.').unwrap();
    let (header, payload) = signing_input.split_once('.').unwrap();
    let mut cases: Vec<(&str, String, Error)> = vec![
        (
            "padded signature",
            format!("{signing_input}.{sig}="),
            Error::Malformed,
        ),
        (
            "padded header",
            raw_token(&key(), &format!("{header}=="), payload),
            Error::Malformed,
        ),
        (
            "plus in payload",
            format!("{header}.{}+.{sig}", &payload[..payload.len() - 1]),
            Error::Malformed,
        ),
        (
            "slash in signature",
            format!("{signing_input}.{}/", &sig[..sig.len() - 1]),
            Error::Malformed,
        ),
    ];
    // A 43-character HS256 tag has 2 spare bits: any non-zero value is non-canonical.
    let last = sig.as_bytes()[sig.len() - 1];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let value = alphabet.iter().position(|&c| c == last).unwrap();
    let sibling = alphabet[value ^ 1] as char;
    let noncanonical = format!("{signing_input}.{}{sibling}", &sig[..sig.len() - 1]);
    cases.push(("non-canonical signature bits", noncanonical, Error::Base64));
    // Payload with non-zero trailing bits, but correctly MAC'd over that text.
    let payload_bits = b64(br#"{"exp":2000}"#); // 12 bytes: no spare bits; use 13
    let thirteen = b64(br#"{"exp":20000}"#);
    assert_eq!(thirteen.len() % 4, 2);
    let mut bad = thirteen.clone().into_bytes();
    let idx = alphabet
        .iter()
        .position(|&c| c == *bad.last().unwrap())
        .unwrap();
    *bad.last_mut().unwrap() = alphabet[idx | 1];
    let bad = String::from_utf8(bad).unwrap();
    cases.push((
        "non-canonical payload bits",
        raw_token(&key(), header, &bad),
        Error::Base64,
    ));
    cases.push((
        "length 4n+1 payload",
        raw_token(&key(), header, &format!("{payload_bits}A")),
        Error::Base64,
    ));
    assert_table(&cases);
}

#[test]
fn segment_structure() {
    let good = token(r#"{"exp":2000}"#);
    let (signing_input, sig) = good.rsplit_once('.').unwrap();
    let (header, payload) = signing_input.split_once('.').unwrap();
    let mut cases: Vec<(&str, String, Error)> = vec![
        ("two segments", signing_input.to_string(), Error::Malformed),
        ("four segments", format!("{good}.{sig}"), Error::Malformed),
        (
            "five segments",
            format!("{header}.{payload}.{payload}.{payload}.{sig}"),
            Error::Malformed,
        ),
        (
            "empty header",
            format!(".{payload}.{sig}"),
            Error::Malformed,
        ),
        (
            "empty payload",
            format!("{header}..{sig}"),
            Error::Malformed,
        ),
        (
            "empty signature",
            format!("{signing_input}."),
            Error::Malformed,
        ),
        ("empty", String::new(), Error::Malformed),
        ("dots only", "..".into(), Error::Malformed),
        (
            "non-ASCII",
            format!("{header}.{payload}é.{sig}"),
            Error::Malformed,
        ),
        ("BOM prefix", format!("\u{feff}{good}"), Error::Malformed),
        (
            "truncated tag",
            format!("{signing_input}.{}", &sig[..22]),
            Error::InvalidSignature,
        ),
        (
            "extended tag",
            format!("{signing_input}.{sig}AAAA"),
            Error::InvalidSignature,
        ),
        (
            "HS512-length tag",
            format!("{signing_input}.{}", "A".repeat(86)),
            Error::InvalidSignature,
        ),
    ];
    for (i, ws) in [" ", "\n", "\r\n", "\t"].iter().enumerate() {
        let at = [0, header.len(), good.len() - 3, good.len()][i];
        let mut t = good.clone();
        t.insert_str(at, ws);
        cases.push(("whitespace", t, Error::Malformed));
    }
    assert_table(&cases);
}

#[test]
fn token_length_is_capped_before_any_work() {
    let huge = "A".repeat(1 << 20);
    assert_eq!(
        check(&huge),
        Err(Error::TokenTooLarge {
            len: 1 << 20,
            max: 8192
        })
    );
    let big_valid_shape = format!("{}.{}.{}", "e30", "A".repeat(9000), "A".repeat(43));
    assert_eq!(
        check(&big_valid_shape),
        Err(Error::TokenTooLarge {
            len: big_valid_shape.len(),
            max: 8192
        })
    );
    let small = Validation::new(NOW).max_token_len(10);
    assert_eq!(
        check_with(&token("{}"), &small),
        Err(Error::TokenTooLarge {
            len: token("{}").len(),
            max: 10
        })
    );
}

#[test]
fn payload_must_be_a_strict_json_object() {
    let cases: Vec<(&str, String, Error)> = vec![
        ("array", token(r#"[{"exp":2000}]"#), Error::NotAnObject),
        ("string", token(r#""exp""#), Error::NotAnObject),
        ("number", token("2000"), Error::NotAnObject),
        ("null", token("null"), Error::NotAnObject),
        (
            "plain text",
            token("It's a dangerous business"),
            Error::Json,
        ),
        ("BOM", token("\u{feff}{\"exp\":2000}"), Error::Json),
        ("trailing garbage", token(r#"{"exp":2000}x"#), Error::Json),
        ("two objects", token(r#"{"exp":2000}{}"#), Error::Json),
        ("trailing comma", token(r#"{"exp":2000,}"#), Error::Json),
        (
            "invalid literal in ignored member",
            token(r#"{"exp":2000,"x":tru3}"#),
            Error::Json,
        ),
        ("single quotes", token(r#"{'exp':2000}"#), Error::Json),
        (
            "lone surrogate",
            token(r#"{"exp":2000,"x":"\ud800"}"#),
            Error::Json,
        ),
        (
            "raw control char",
            token("{\"exp\":2000,\"x\":\"a\u{1}b\"}"),
            Error::Json,
        ),
        ("leading zero", token(r#"{"exp":02000}"#), Error::Json),
        ("NaN", token(r#"{"exp":NaN}"#), Error::Json),
        (
            "non-UTF-8",
            raw_token(
                &key(),
                &b64(HS256.as_bytes()),
                &b64(b"{\"exp\":2000,\"x\":\"\xc3\x28\"}"),
            ),
            Error::Json,
        ),
        (
            "duplicate exp",
            token(r#"{"exp":2000,"exp":1}"#),
            Error::DuplicateMember,
        ),
        (
            "escaped duplicate exp",
            token(r#"{"exp":2000,"\u0065xp":1}"#),
            Error::DuplicateMember,
        ),
        (
            "duplicate custom",
            token(r#"{"exp":2000,"a":1,"a":1}"#),
            Error::DuplicateMember,
        ),
        (
            "duplicate nested",
            token(r#"{"exp":2000,"a":{"b":1,"b":2}}"#),
            Error::DuplicateMember,
        ),
    ];
    assert_table(&cases);
}

#[test]
fn nesting_bombs_are_bounded() {
    for depth in [33, 1_000, 100_000] {
        let payload = format!(
            r#"{{"exp":2000,"x":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let token = token(&payload);
        let validation = Validation::new(NOW).max_token_len(usize::MAX);
        let mut scratch = vec![0u8; microjwt::scratch_len(token.len())];
        let result = microjwt::verify::<()>(&key(), &token, &validation, &mut scratch).map(|_| ());
        assert_eq!(result, Err(Error::NestingTooDeep), "depth {depth}");
    }
    // 31 levels inside the claims object: 32 in all, the maximum.
    let ok = format!(r#"{{"exp":2000,"x":{}{}}}"#, "[".repeat(31), "]".repeat(31));
    assert_eq!(check(&token(&ok)), Ok(()));
}

#[test]
fn registered_claims_have_fixed_types() {
    let mut cases = Vec::new();
    for (claim, name) in [
        (Claim::Exp, "exp"),
        (Claim::Nbf, "nbf"),
        (Claim::Iat, "iat"),
    ] {
        for value in [
            r#""2000""#,
            "true",
            "null",
            "1e400",
            "-1",
            "-0.5",
            "18446744073709551616",
            "[2000]",
            "{}",
        ] {
            let payload = if name == "exp" {
                format!(r#"{{"exp":{value}}}"#)
            } else {
                format!(r#"{{"exp":2000,"{name}":{value}}}"#)
            };
            cases.push((name, token(&payload), Error::InvalidClaim(claim)));
        }
    }
    for (claim, name) in [
        (Claim::Iss, "iss"),
        (Claim::Sub, "sub"),
        (Claim::Jti, "jti"),
    ] {
        for value in ["1", "true", "null", r#"["a"]"#, "{}"] {
            cases.push((
                name,
                token(&format!(r#"{{"exp":2000,"{name}":{value}}}"#)),
                Error::InvalidClaim(claim),
            ));
        }
    }
    for value in [
        "1",
        "true",
        "null",
        "{}",
        r#"["a",1]"#,
        r#"["a",null]"#,
        r#"[["a"]]"#,
    ] {
        cases.push((
            "aud",
            token(&format!(r#"{{"exp":2000,"aud":{value}}}"#)),
            Error::InvalidClaim(Claim::Aud),
        ));
    }
    let cases: Vec<(&str, String, Error)> = cases;
    assert_table(&cases);
}

#[test]
fn duplicates_are_found_whatever_whitespace_surrounds_the_object() {
    // Found by fuzzing: whitespace before a brace once hid a duplicate `alg` from the rescan.
    let header = |h: &str| token_with(&key(), h, r#"{"exp":2000}"#);
    let cases: Vec<(&str, String, Error)> = vec![
        (
            "header alg",
            header(r#" {"alg":"none","alg":"HS256"}"#),
            Error::DuplicateMember,
        ),
        (
            "header typ",
            header(" \n{\"alg\":\"HS256\",\"typ\":\"\",\"typ\":\"\" }"),
            Error::DuplicateMember,
        ),
        (
            "payload exp",
            token(" \t\r\n{\"exp\":2000,\"exp\":1}"),
            Error::DuplicateMember,
        ),
        (
            "nested",
            token(r#"{"exp":2000,"a": {"b":1,"b":2}}"#),
            Error::DuplicateMember,
        ),
        (
            "in array",
            token(r#"{"exp":2000,"a":[ {"b":1,"b":2}]}"#),
            Error::DuplicateMember,
        ),
    ];
    assert_table(&cases);
    assert_eq!(check(&header(" \n{\"alg\":\"HS256\"} ")), Ok(()));
}

/// Security fix: invalid JSON in a registered claim's value was reported as `InvalidClaim`, as if
/// it were valid JSON of the wrong type. It is not JSON, so it is `Json`; and since the whole
/// payload is read before a claim is judged, a wrong type followed by invalid JSON is `Json` too.
#[test]
fn invalid_json_in_a_registered_claim_is_a_json_error() {
    let cases: Vec<(&str, String, Error)> = [
        r#"{"iss":tru}"#,
        r#"{"aud":["a",]}"#,
        r#"{"aud":["a",tru]}"#,
        r#"{"nbf":nul}"#,
        r#"{"exp":NaN}"#,
        r#"{"exp":Infinity}"#,
        r#"{"exp":-Infinity}"#,
        r#"{"exp":+1}"#,
        r#"{"exp":.5}"#,
        r#"{"exp":"soon","x":tru}"#,
        r#"{"iss":5,"x":[}"#,
    ]
    .into_iter()
    .map(|payload| (payload, token(payload), Error::Json))
    .collect();
    assert_table(&cases);
    // Valid JSON of the wrong type or range stays `InvalidClaim`.
    let wrong: Vec<(&str, String, Error)> = [
        (r#"{"exp":"2000"}"#, Claim::Exp),
        (r#"{"exp":-1}"#, Claim::Exp),
        (r#"{"exp":1e400}"#, Claim::Exp),
        (r#"{"iss":true,"exp":2000}"#, Claim::Iss),
        (r#"{"aud":["a",1],"exp":2000}"#, Claim::Aud),
        (r#"{"aud":{},"exp":2000}"#, Claim::Aud),
        (r#"{"exp":2000,"nbf":null}"#, Claim::Nbf),
    ]
    .into_iter()
    .map(|(payload, claim)| (payload, token(payload), Error::InvalidClaim(claim)))
    .collect();
    assert_table(&wrong);
}
