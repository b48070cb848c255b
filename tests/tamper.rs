//! Flip every bit of a valid token, in every segment: nothing may verify.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test helpers

use microjwt_tests as common;

use microjwt::{Error, HmacKey, Hs256, Hs384, Hs512, Validation};

fn assert_every_flip_rejected<A: microjwt::Algorithm>(key: &HmacKey<A>) {
    let claims = serde_json::json!({
        "sub": "ada", "iss": "https://issuer.example", "exp": 2000, "admin": false,
        "name": "Zoë \"the\" admin"
    });
    let mut buf = [0u8; 512];
    let token = microjwt::sign(key, &claims, &mut buf).unwrap().to_owned();
    let validation = Validation::new(1000).issuer("https://issuer.example");
    let mut scratch = [0u8; 1024];
    assert!(microjwt::verify::<()>(key, &token, &validation, &mut scratch).is_ok());

    let mut flips = 0;
    for index in 0..token.len() {
        for bit in 0..8 {
            let mut bytes = token.clone().into_bytes();
            bytes[index] ^= 1 << bit;
            let Ok(tampered) = String::from_utf8(bytes) else {
                continue;
            };
            let result = microjwt::verify::<()>(key, &tampered, &validation, &mut scratch);
            let err = result
                .map(|_| ())
                .expect_err(&format!("flip {index}:{bit} verified: {tampered}"));
            // Before the MAC nothing else can be learned: the error is one of the coarse ones.
            assert!(
                matches!(
                    err,
                    Error::Malformed | Error::Base64 | Error::InvalidSignature
                ),
                "flip {index}:{bit} gave {err:?}"
            );
            flips += 1;
        }
    }
    // Flipping bit 7 of an ASCII byte makes invalid UTF-8, which no `&str` token can hold.
    assert_eq!(flips, token.len() * 7);
}

#[test]
fn every_bit_flip_is_rejected_hs256() {
    assert_every_flip_rejected(&HmacKey::<Hs256>::new(&[0x42; 32]).unwrap());
}

#[test]
fn every_bit_flip_is_rejected_hs384() {
    assert_every_flip_rejected(&HmacKey::<Hs384>::new(&[0x42; 48]).unwrap());
}

#[test]
fn every_bit_flip_is_rejected_hs512() {
    assert_every_flip_rejected(&HmacKey::<Hs512>::new(&[0x42; 64]).unwrap());
}

#[test]
fn wrong_key_or_algorithm_is_rejected() {
    let mut buf = [0u8; 256];
    let claims = serde_json::json!({"exp": 2000});
    let token = microjwt::sign(&HmacKey::<Hs256>::new(&[1; 32]).unwrap(), &claims, &mut buf)
        .unwrap()
        .to_owned();
    let mut scratch = [0u8; 256];
    let v = Validation::new(0);
    let other_key = HmacKey::<Hs256>::new(&[2; 32]).unwrap();
    assert_eq!(
        microjwt::verify::<()>(&other_key, &token, &v, &mut scratch).unwrap_err(),
        Error::InvalidSignature
    );
    // Same secret, other algorithm: the tag length differs, so the MAC fails first.
    let hs512 = HmacKey::<Hs512>::danger_from_short_secret(&[1; 32]);
    assert_eq!(
        microjwt::verify::<()>(&hs512, &token, &v, &mut scratch).unwrap_err(),
        Error::InvalidSignature
    );
    // A client that edits its claims (admin → true) without the key is caught by the MAC.
    let forged_payload = common::b64(br#"{"exp":2000,"admin":true}"#);
    let (header, rest) = token.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let forged = format!("{header}.{forged_payload}.{sig}");
    let key = HmacKey::<Hs256>::new(&[1; 32]).unwrap();
    assert_eq!(
        microjwt::verify::<()>(&key, &forged, &v, &mut scratch).unwrap_err(),
        Error::InvalidSignature
    );
}
