//! Keys as users hold them: JWKs exported by PyJWT and node `jose` (fixtures written by
//! `tests/data/jwk/make.py` and `make.mjs`, see there), JWK Sets, `key_ops`, and standard base64
//! secrets as `openssl rand -base64` prints them.

use microjwt::{Algorithm, Error, HmacKey, Hs256, Hs384, Hs512, JwkError, KeySet, Validation};
use serde_json::Value;

fn fixtures(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// Loads the fixture's JWK for `A`, checks it is the fixture's secret, and verifies the token the
/// peer signed with it, comparing every claim.
fn check_peer_key<A: Algorithm>(entry: &Value) {
    let jwk = entry["jwk"].to_string();
    let key = HmacKey::<A>::from_jwk(&jwk).unwrap();
    let direct = HmacKey::<A>::new(&hex(entry["secret_hex"].as_str().unwrap())).unwrap();
    assert!(direct.verify_mac(b"m", key.mac(b"m").as_bytes()).is_ok());
    assert_eq!(key.kid(), entry["jwk"]["kid"].as_str());
    let token = entry["token"].as_str().unwrap();
    let mut scratch = [0u8; 512];
    let claims =
        microjwt::verify::<Value>(&key, token, &Validation::new(1_700_000_000), &mut scratch)
            .unwrap();
    assert_eq!(claims.custom(), &entry["claims"]);
}

fn check_peer(doc: &Value) {
    for entry in doc["keys"].as_array().unwrap() {
        match entry["alg"].as_str().unwrap() {
            "HS256" => check_peer_key::<Hs256>(entry),
            "HS384" => check_peer_key::<Hs384>(entry),
            "HS512" => check_peer_key::<Hs512>(entry),
            other => panic!("{other}"),
        }
    }
}

#[test]
fn jwks_exported_by_pyjwt_load_and_verify_its_tokens() {
    let doc = fixtures(include_str!("data/jwk/pyjwt.json"));
    assert_eq!(doc["keys"].as_array().unwrap().len(), 3);
    check_peer(&doc);
}

#[test]
fn jwks_exported_by_jose_load_and_verify_its_tokens() {
    let doc = fixtures(include_str!("data/jwk/jose.json"));
    check_peer(&doc);
    // Its JWK Set holds one key per algorithm: each KeySet takes only its own.
    let jwks = doc["jwks"].to_string();
    let hs256 = KeySet::<Hs256, 4>::from_jwks(&jwks).unwrap();
    assert_eq!(hs256.len(), 1);
    assert!(hs256.get("jose-hs256").is_some());
    let hs512 = KeySet::<Hs512, 4>::from_jwks(&jwks).unwrap();
    assert!(hs512.get("jose-hs512").is_some() && hs512.get("jose-hs256").is_none());
    let entry = &doc["keys"][2];
    let mut scratch = [0u8; 512];
    let claims = microjwt::verify::<Value>(
        &hs512,
        entry["token"].as_str().unwrap(),
        &Validation::new(1_700_000_000),
        &mut scratch,
    )
    .unwrap();
    assert_eq!(claims.header().kid(), Some("jose-hs512"));
}

#[test]
fn key_ops_decide_what_a_key_may_do() {
    const K: &str = "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg";
    let with_ops = |ops: &str| {
        HmacKey::<Hs256>::from_jwk(&format!(r#"{{"kty":"oct","k":"{K}","key_ops":{ops}}}"#))
            .unwrap()
    };
    #[derive(serde::Serialize)]
    struct Expiry {
        exp: u64,
    }
    let mut buf = [0u8; 128];
    let verify_only = with_ops(r#"["verify"]"#);
    assert_eq!(
        microjwt::sign(&verify_only, &Expiry { exp: 9 }, &mut buf).map(|_| ()),
        Err(Error::KeyOperationNotPermitted)
    );
    let sign_only = with_ops(r#"["sign"]"#);
    let token = microjwt::sign(&sign_only, &Expiry { exp: 9 }, &mut buf)
        .unwrap()
        .to_owned();
    let mut scratch = [0u8; 128];
    let v = Validation::new(1);
    assert_eq!(
        microjwt::verify::<()>(&sign_only, &token, &v, &mut scratch).map(|_| ()),
        Err(Error::KeyOperationNotPermitted)
    );
    assert!(microjwt::verify::<()>(&verify_only, &token, &v, &mut scratch).is_ok());
    let both = with_ops(r#"["sign","verify","wrapKey"]"#);
    assert!(microjwt::verify::<()>(&both, &token, &v, &mut scratch).is_ok());
    assert_eq!(
        HmacKey::<Hs256>::from_jwk(&format!(
            r#"{{"kty":"oct","k":"{K}","key_ops":["decrypt"]}}"#
        ))
        .map(|_| ()),
        Err(Error::Jwk(JwkError::KeyOps))
    );
}

#[test]
fn standard_base64_secrets_load_as_openssl_prints_them() {
    // `openssl rand -base64 32` prints 44 characters of padded standard base64 and a newline.
    let printed = "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let key = HmacKey::<Hs256>::from_base64(printed.trim_end()).unwrap();
    let mut secret = [0u8; 32];
    secret[..4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    let direct = HmacKey::<Hs256>::new(&secret).unwrap();
    assert!(direct.verify_mac(b"m", key.mac(b"m").as_bytes()).is_ok());
    for bad in [
        printed,                                        // the newline
        "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // unpadded
        "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", // URL-safe alphabet
    ] {
        assert_eq!(
            HmacKey::<Hs256>::from_base64(bad).map(|_| ()),
            Err(Error::Base64),
            "{bad:?}"
        );
    }
    // And the same secret in base64url is for `from_base64url`, which is strict the other way.
    assert!(
        HmacKey::<Hs256>::from_base64url("3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").is_ok()
    );
}
