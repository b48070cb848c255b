//! With serde_json's `arbitrary_precision` on (anywhere in a build: features unify), a number in
//! a `serde_json::Value` serializes as a struct `{"$serde_json::private::Number": "…"}`, and with
//! `raw_value` on a `RawValue` as `{"$serde_json::private::RawValue": "…"}`. A serializer that
//! does not know them writes those structs into the token, and reports success.

#[cfg(test)]
mod tests {
    use microjwt::{Error, HmacKey, Hs256, UntrustedToken, Validation};
    use serde_json::value::RawValue;
    use serde_json::{Value, json};

    fn key() -> HmacKey<Hs256> {
        HmacKey::new(&[5; 32]).unwrap()
    }

    /// Security fix: numbers were written as `{"$serde_json::private::Number":"…"}`, so the
    /// token said something else than the claims, and its `exp` was not a number.
    #[test]
    fn private_numbers_are_written_as_the_numbers_they_are() {
        let claims = json!({
            "exp": 2_000,
            "iat": 1_000.5,
            "big": 18_446_744_073_709_551_615u64,
            "neg": -12,
            "exact": serde_json::from_str::<Value>("123456789012345678901234567890").unwrap(),
            "small": 1e-7,
            "nested": {"list": [1, 2.5, -3e10]},
        });
        let token = microjwt::sign_to_string(&key(), &claims).unwrap();
        let mut scratch = vec![0u8; 1024];
        let untrusted = UntrustedToken::parse(&token, 8192).unwrap();
        let payload = untrusted
            .danger_unverified_payload(&mut scratch)
            .unwrap()
            .to_owned();
        assert!(!payload.contains("private"), "{payload}");
        assert_eq!(
            payload,
            concat!(
                r#"{"big":18446744073709551615,"exact":123456789012345678901234567890,"#,
                r#""exp":2000,"iat":1000.5,"neg":-12,"nested":{"list":[1,2.5,-30000000000.0]},"#,
                r#""small":1e-7}"#
            )
        );
        // It verifies, with its exact dates, and serde_json reads it back as it was.
        let mut scratch = vec![0u8; 1024];
        let verified =
            microjwt::verify::<Value>(&key(), &token, &Validation::new(1_500), &mut scratch)
                .unwrap();
        assert_eq!(verified.registered().exp().map(|d| d.secs()), Some(2_000));
        let iat = verified.registered().iat().unwrap();
        assert_eq!((iat.secs(), iat.subsec_nanos()), (1_000, 500_000_000));
        let back: Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(back, claims);
    }

    /// A raw value is JSON this crate did not write: it is refused, never copied in unchecked.
    #[test]
    fn raw_values_are_refused() {
        #[derive(serde::Serialize)]
        struct Claims<'a> {
            exp: u64,
            extra: &'a RawValue,
        }
        let raw = RawValue::from_string(r#"{"exp": 99999999999}"#.to_owned()).unwrap();
        let claims = Claims {
            exp: 1,
            extra: &raw,
        };
        let mut buf = [0u8; 256];
        assert_eq!(
            microjwt::sign(&key(), &claims, &mut buf).map(drop),
            Err(Error::Unserializable)
        );
    }
}
