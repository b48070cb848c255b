//! Registered-claim validation: time edges, overflow, issuer/audience/subject, required claims,
//! `typ`, time unknown, issued-after epochs and revocation hooks.

use microjwt_tests as common;

use common::{key, token, token_with};
use microjwt::{Claim, ClaimsError, Error, HmacKey, Hs256, KeySet, RegisteredClaims, Validation};
use serde::Deserialize;

fn check(token: &str, validation: &Validation<'_>) -> Result<(), Error> {
    let mut scratch = [0u8; 2048];
    microjwt::verify::<()>(&key(), token, validation, &mut scratch).map(|_| ())
}

#[test]
fn exp_boundaries() {
    let t = token(r#"{"exp":1000}"#);
    assert_eq!(check(&t, &Validation::new(999)), Ok(()));
    assert_eq!(
        check(&t, &Validation::new(1000)),
        Err(Error::Expired {
            exp: 1000,
            now: 1000
        })
    );
    assert_eq!(
        check(&t, &Validation::new(1001)),
        Err(Error::Expired {
            exp: 1000,
            now: 1001
        })
    );
    assert_eq!(check(&t, &Validation::new(1000).leeway(1)), Ok(()));
    assert_eq!(
        check(&t, &Validation::new(1001).leeway(1)),
        Err(Error::Expired {
            exp: 1000,
            now: 1001
        })
    );
    assert_eq!(check(&t, &Validation::new(0)), Ok(()));
}

#[test]
fn fractional_exp_and_nbf_are_exact() {
    let t = token(r#"{"exp":1000.5}"#);
    assert_eq!(check(&t, &Validation::new(1000)), Ok(()), "1000 < 1000.5");
    assert_eq!(
        check(&t, &Validation::new(1001)),
        Err(Error::Expired {
            exp: 1001,
            now: 1001
        })
    );
    let t = token(r#"{"exp":2000,"nbf":1000.5}"#);
    assert_eq!(
        check(&t, &Validation::new(1000)),
        Err(Error::NotYetValid {
            nbf: 1001,
            now: 1000
        })
    );
    assert_eq!(check(&t, &Validation::new(1001)), Ok(()));
}

#[test]
fn nbf_boundaries() {
    let t = token(r#"{"exp":5000,"nbf":1000}"#);
    assert_eq!(
        check(&t, &Validation::new(999)),
        Err(Error::NotYetValid {
            nbf: 1000,
            now: 999
        })
    );
    assert_eq!(check(&t, &Validation::new(1000)), Ok(()));
    assert_eq!(check(&t, &Validation::new(1001)), Ok(()));
    assert_eq!(check(&t, &Validation::new(999).leeway(1)), Ok(()));
    assert_eq!(
        check(&t, &Validation::new(998).leeway(1)),
        Err(Error::NotYetValid {
            nbf: 1000,
            now: 998
        })
    );
}

#[test]
fn arithmetic_cannot_overflow() {
    let max = u64::MAX;
    let far = token(&format!(r#"{{"exp":{max},"nbf":{max}}}"#));
    assert_eq!(
        check(&far, &Validation::new(max).leeway(max)),
        Err(Error::Expired { exp: max, now: max })
    );
    assert_eq!(check(&far, &Validation::new(max - 1).leeway(1)), Ok(()));
    assert_eq!(
        check(&far, &Validation::new(0)),
        Err(Error::NotYetValid { nbf: max, now: 0 })
    );
    assert_eq!(check(&far, &Validation::new(0).leeway(max)), Ok(()));
    let t = token(r#"{"exp":1}"#);
    assert_eq!(check(&t, &Validation::new(0).leeway(max)), Ok(()));
    assert_eq!(
        check(&t, &Validation::new(max).leeway(max)),
        Err(Error::Expired { exp: 1, now: max })
    );
    let fractional_max = token(r#"{"exp":18446744073709551615.5}"#);
    assert_eq!(check(&fractional_max, &Validation::new(max - 1)), Ok(()));
}

#[test]
fn exp_is_required_unless_loosened_by_name() {
    let t = token(r#"{"sub":"ada"}"#);
    assert_eq!(
        check(&t, &Validation::new(0)),
        Err(Error::MissingClaim(Claim::Exp))
    );
    assert_eq!(
        check(&t, &Validation::new(0).danger_allow_missing_exp()),
        Ok(())
    );
}

#[test]
fn required_claims() {
    let t = token(r#"{"exp":2000,"sub":"ada"}"#);
    let v = Validation::new(0).require(Claim::Sub);
    assert_eq!(check(&t, &v), Ok(()));
    for claim in [Claim::Iss, Claim::Aud, Claim::Nbf, Claim::Iat, Claim::Jti] {
        assert_eq!(
            check(&t, &v.require(claim)),
            Err(Error::MissingClaim(claim)),
            "{claim}"
        );
    }
}

#[test]
fn issuer_must_be_present_and_exact() {
    let v = Validation::new(0).issuer("https://auth.example");
    assert_eq!(
        check(&token(r#"{"exp":2000,"iss":"https://auth.example"}"#), &v),
        Ok(())
    );
    assert_eq!(
        check(&token(r#"{"exp":2000,"iss":"https:\/\/auth.example"}"#), &v),
        Ok(()),
        "escapes are decoded"
    );
    assert_eq!(
        check(&token(r#"{"exp":2000,"iss":"https://auth.example/"}"#), &v),
        Err(Error::IssuerMismatch)
    );
    assert_eq!(
        check(&token(r#"{"exp":2000,"iss":"HTTPS://AUTH.EXAMPLE"}"#), &v),
        Err(Error::IssuerMismatch)
    );
    assert_eq!(
        check(&token(r#"{"exp":2000}"#), &v),
        Err(Error::MissingClaim(Claim::Iss))
    );
}

#[test]
fn audience_rules_of_rfc_7519_4_1_3() {
    let v = Validation::new(0).audience(&["api", "admin"]);
    for payload in [
        r#"{"exp":2000,"aud":"api"}"#,
        r#"{"exp":2000,"aud":["other","admin"]}"#,
        r#"{"exp":2000,"aud":["\u0061pi"]}"#,
    ] {
        assert_eq!(check(&token(payload), &v), Ok(()), "{payload}");
    }
    for payload in [
        r#"{"exp":2000,"aud":"API"}"#,
        r#"{"exp":2000,"aud":[]}"#,
        r#"{"exp":2000,"aud":["ap"]}"#,
    ] {
        assert_eq!(
            check(&token(payload), &v),
            Err(Error::AudienceMismatch),
            "{payload}"
        );
    }
    assert_eq!(
        check(&token(r#"{"exp":2000}"#), &v),
        Err(Error::MissingClaim(Claim::Aud))
    );
    // A token meant for someone must not be accepted by a verifier that expects no one.
    let none = Validation::new(0);
    assert_eq!(
        check(&token(r#"{"exp":2000,"aud":"api"}"#), &none),
        Err(Error::AudienceMismatch)
    );
    assert_eq!(
        check(
            &token(r#"{"exp":2000,"aud":"api"}"#),
            &none.danger_ignore_audience()
        ),
        Ok(())
    );
}

#[test]
fn subject_must_be_present_and_exact() {
    let v = Validation::new(0).subject("42");
    assert_eq!(check(&token(r#"{"exp":2000,"sub":"42"}"#), &v), Ok(()));
    assert_eq!(
        check(&token(r#"{"exp":2000,"sub":"420"}"#), &v),
        Err(Error::SubjectMismatch)
    );
    assert_eq!(
        check(&token(r#"{"exp":2000}"#), &v),
        Err(Error::MissingClaim(Claim::Sub))
    );
}

#[test]
fn explicit_typ() {
    let v = Validation::new(0).typ("at+jwt");
    let with = |typ: &str| {
        token_with(
            &key(),
            &format!(r#"{{"alg":"HS256","typ":"{typ}"}}"#),
            r#"{"exp":2000}"#,
        )
    };
    assert_eq!(check(&with("at+jwt"), &v), Ok(()));
    assert_eq!(check(&with("application/AT+JWT"), &v), Ok(()));
    assert_eq!(check(&with("JWT"), &v), Err(Error::TypeMismatch));
    assert_eq!(
        check(
            &token_with(&key(), r#"{"alg":"HS256"}"#, r#"{"exp":2000}"#),
            &v
        ),
        Err(Error::TypeMismatch)
    );
    // Without the setting, any typ passes.
    assert_eq!(check(&with("whatever"), &Validation::new(0)), Ok(()));
}

#[test]
fn time_unknown_is_never_a_silent_default() {
    let v = Validation::time_unknown();
    assert_eq!(
        check(&token(r#"{"exp":2000}"#), &v),
        Err(Error::TimeUnknown)
    );
    assert_eq!(
        check(&token(r#"{"sub":"x"}"#), &v),
        Err(Error::MissingClaim(Claim::Exp))
    );
    assert_eq!(
        check(&token(r#"{"nbf":1}"#), &v.danger_allow_missing_exp()),
        Err(Error::TimeUnknown)
    );
    assert_eq!(
        check(&token(r#"{"sub":"x"}"#), &v.danger_allow_missing_exp()),
        Ok(())
    );
    // Loudly named opt-out: time claims are then not checked at all.
    let skip = v.danger_skip_time_checks();
    assert_eq!(check(&token(r#"{"exp":1,"nbf":99999999}"#), &skip), Ok(()));
    // An issued-after epoch needs no clock.
    let epoch = skip.issued_after(100);
    assert_eq!(
        check(&token(r#"{"exp":1,"iat":99}"#), &epoch),
        Err(Error::IssuedBeforeCutoff {
            iat: 99,
            cutoff: 100
        })
    );
    assert_eq!(check(&token(r#"{"exp":1,"iat":100}"#), &epoch), Ok(()));
}

#[test]
fn issued_after_epoch_logs_everyone_out() {
    let v = Validation::new(500).issued_after(100);
    assert_eq!(
        check(&token(r#"{"exp":2000,"iat":100}"#), &v),
        Ok(()),
        "iat == cutoff stays valid"
    );
    assert_eq!(check(&token(r#"{"exp":2000,"iat":101}"#), &v), Ok(()));
    assert_eq!(
        check(&token(r#"{"exp":2000,"iat":99}"#), &v),
        Err(Error::IssuedBeforeCutoff {
            iat: 99,
            cutoff: 100
        })
    );
    assert_eq!(
        check(&token(r#"{"exp":2000,"iat":99.5}"#), &v),
        Err(Error::IssuedBeforeCutoff {
            iat: 99,
            cutoff: 100
        }),
        "99.5 is before 100"
    );
    assert_eq!(
        check(&token(r#"{"exp":2000}"#), &v),
        Err(Error::MissingClaim(Claim::Iat))
    );
}

#[test]
fn revocation_hook_sees_only_authenticated_valid_tokens() {
    use std::cell::Cell;
    let calls = Cell::new(0);
    let revoked_before = |c: &RegisteredClaims<'_>| {
        calls.set(calls.get() + 1);
        // User 42 changed their password at t=150; jti "burned" is on the deny list.
        (c.sub() == Some("42") && c.iat().is_none_or(|iat| iat.secs() < 150))
            || c.jti() == Some("burned")
    };
    let v = Validation::new(500).revocation(&revoked_before);
    assert_eq!(
        check(&token(r#"{"exp":2000,"sub":"42","iat":100}"#), &v),
        Err(Error::Revoked)
    );
    assert_eq!(
        check(&token(r#"{"exp":2000,"sub":"42","iat":200}"#), &v),
        Ok(())
    );
    assert_eq!(
        check(&token(r#"{"exp":2000,"sub":"7","iat":100}"#), &v),
        Ok(())
    );
    assert_eq!(
        check(&token(r#"{"exp":2000,"jti":"burned"}"#), &v),
        Err(Error::Revoked)
    );
    assert_eq!(calls.get(), 4);
    // A forged token (right claims, wrong key) never reaches the hook.
    let forger = HmacKey::<Hs256>::new(&[9; 32]).unwrap();
    let forged = token_with(
        &forger,
        r#"{"alg":"HS256"}"#,
        r#"{"exp":2000,"sub":"42","iat":100}"#,
    );
    assert_eq!(check(&forged, &v), Err(Error::InvalidSignature));
    // Nor does an expired one.
    assert_eq!(
        check(&token(r#"{"exp":1,"sub":"42"}"#), &v),
        Err(Error::Expired { exp: 1, now: 500 })
    );
    assert_eq!(calls.get(), 4);
}

#[test]
fn key_rotation_by_kid() {
    let old = HmacKey::<Hs256>::new(&[1; 32])
        .unwrap()
        .with_kid("old")
        .unwrap();
    let new = HmacKey::<Hs256>::new(&[2; 32])
        .unwrap()
        .with_kid("new")
        .unwrap();
    let claims = serde_json::json!({"exp": 2000});
    let mut buf = [0u8; 256];
    let old_token = microjwt::sign(&old, &claims, &mut buf).unwrap().to_owned();
    let new_token = microjwt::sign(&new, &claims, &mut buf).unwrap().to_owned();
    let unnamed = microjwt::sign(&HmacKey::<Hs256>::new(&[2; 32]).unwrap(), &claims, &mut buf)
        .unwrap()
        .to_owned();

    let mut keys = KeySet::<Hs256, 2>::new();
    keys.insert(old.clone()).unwrap();
    keys.insert(new.clone()).unwrap();
    assert_eq!(keys.insert(new.clone()), Err(Error::KeySetFull), "full");
    let v = Validation::new(0);
    let mut scratch = [0u8; 512];
    let mut verify = |keys: &KeySet<Hs256, 2>, t: &str| {
        microjwt::verify::<()>(keys, t, &v, &mut scratch)
            .map(|c| c.header().kid().map(str::to_owned))
    };
    assert_eq!(verify(&keys, &old_token), Ok(Some("old".into())));
    assert_eq!(verify(&keys, &new_token), Ok(Some("new".into())));
    assert_eq!(verify(&keys, &unnamed), Err(Error::MissingKeyId));
    keys.set_default("new").unwrap();
    assert_eq!(verify(&keys, &unnamed), Ok(None));
    // Dropping the old key logs out everyone holding its tokens.
    assert!(keys.remove("old").is_some());
    assert_eq!(verify(&keys, &old_token), Err(Error::UnknownKeyId));
    assert_eq!(verify(&keys, &new_token), Ok(Some("new".into())));
    // A token naming a kid signed by a different key fails the MAC, not the lookup.
    let impostor = HmacKey::<Hs256>::new(&[3; 32])
        .unwrap()
        .with_kid("new")
        .unwrap();
    let impostor_token = microjwt::sign(&impostor, &claims, &mut buf)
        .unwrap()
        .to_owned();
    assert_eq!(verify(&keys, &impostor_token), Err(Error::InvalidSignature));
    // Hostile kids: long, escaped, not a string.
    let long_kid = format!(r#"{{"alg":"HS256","kid":"{}"}}"#, "k".repeat(10_000));
    let t = token_with(&new, &long_kid, r#"{"exp":2000}"#);
    let v_big = Validation::new(0).max_token_len(100_000);
    let mut big = vec![0u8; 40_000];
    assert_eq!(
        microjwt::verify::<()>(&keys, &t, &v_big, &mut big).map(|_| ()),
        Err(Error::UnknownKeyId)
    );
    let escaped = token_with(
        &new,
        r#"{"alg":"HS256","kid":"n\u0065w"}"#,
        r#"{"exp":2000}"#,
    );
    assert_eq!(
        microjwt::verify::<()>(&keys, &escaped, &v, &mut big).map(|_| ()),
        Ok(())
    );
    assert_eq!(keys.set_default("gone"), Err(Error::UnknownKeyId));
    assert_eq!(
        keys.insert(HmacKey::<Hs256>::new(&[4; 32]).unwrap()),
        Err(Error::InvalidKeyId)
    );
}

#[derive(Deserialize, Debug, PartialEq)]
struct Session<'a> {
    sub: &'a str,
    name: &'a str,
    admin: bool,
    aud: Vec<&'a str>,
    exp: f64,
}

#[test]
fn custom_claims_see_unescaped_text_and_registered_values() {
    let payload = r#"{"sub":"4\u0032","name":"Zo\u00eb \ud83e\udd80 \"x\"","admin":true,"aud":["a\/b","c"],"exp":2000.25}"#;
    let t = token(payload);
    let v = Validation::new(0).audience(&["a/b"]);
    let mut scratch = [0u8; 1024];
    let claims = microjwt::verify::<Session<'_>>(&key(), &t, &v, &mut scratch).unwrap();
    assert_eq!(
        claims.custom(),
        &Session {
            sub: "42",
            name: "Zoë 🦀 \"x\"",
            admin: true,
            aud: vec!["a/b", "c"],
            exp: 2000.25
        }
    );
    let r = claims.registered();
    assert_eq!(r.sub(), Some("42"));
    assert!(r.aud().unwrap().iter().eq(["a/b", "c"]));
    assert_eq!(
        (r.exp().unwrap().secs(), r.exp().unwrap().subsec_nanos()),
        (2000, 250_000_000)
    );
}

#[test]
fn claims_that_do_not_fit_the_type_are_a_claims_error() {
    let t = token(r#"{"exp":2000,"sub":"ada"}"#);
    let mut scratch = [0u8; 512];
    let err =
        microjwt::verify::<Session<'_>>(&key(), &t, &Validation::new(0), &mut scratch).unwrap_err();
    assert_eq!(err, Error::Claims(ClaimsError::MissingField("name")));
    // But an expired token is reported as expired, whatever the type.
    let err = microjwt::verify::<Session<'_>>(&key(), &t, &Validation::new(5000), &mut scratch)
        .unwrap_err();
    assert_eq!(
        err,
        Error::Expired {
            exp: 2000,
            now: 5000
        }
    );
}

#[test]
fn scratch_too_small_reports_a_sufficient_size() {
    let t = token(r#"{"exp":2000,"name":"\u00e9\u00e9\u00e9\u00e9"}"#);
    let mut tiny = [0u8; 8];
    let err = microjwt::verify::<()>(&key(), &t, &Validation::new(0), &mut tiny).unwrap_err();
    let Error::BufferTooSmall { needed } = err else {
        panic!("{err:?}")
    };
    assert_eq!(needed, microjwt::scratch_len(t.len()));
    let mut enough = vec![0u8; needed];
    assert!(microjwt::verify::<()>(&key(), &t, &Validation::new(0), &mut enough).is_ok());
    // Every size from 0 up either fails with BufferTooSmall or succeeds; never anything else.
    for size in 0..needed {
        let mut s = vec![0u8; size];
        match microjwt::verify::<()>(&key(), &t, &Validation::new(0), &mut s) {
            Ok(_) | Err(Error::BufferTooSmall { .. }) => {}
            Err(e) => panic!("size {size}: {e:?}"),
        }
    }
}

#[derive(Deserialize, Debug, PartialEq)]
struct UserId<'a>(&'a str);

#[derive(Deserialize, Debug, PartialEq)]
enum Issuer {
    #[serde(rename = "https://auth.example")]
    Auth,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Shapes<'a> {
    #[serde(borrow)]
    sub: Option<UserId<'a>>,
    iss: Issuer,
    jti: Option<&'a str>,
    aud: Option<&'a str>,
    nbf: Option<u64>,
}

#[test]
fn registered_claims_reach_option_newtype_and_enum_fields() {
    // Found by the `claims` fuzz target: registered strings handed to `Option<_>` and newtype
    // fields used to fail with `Error::Claims`.
    let t = token(r#"{"exp":2000,"sub":"42","iss":"https://auth.example","aud":"api"}"#);
    let v = Validation::new(0).audience(&["api"]);
    let mut scratch = [0u8; 512];
    let claims = microjwt::verify::<Shapes<'_>>(&key(), &t, &v, &mut scratch).unwrap();
    assert_eq!(
        claims.custom(),
        &Shapes {
            sub: Some(UserId("42")),
            iss: Issuer::Auth,
            jti: None,
            aud: Some("api"),
            nbf: None
        }
    );
}

/// Security fix: `iat` was rounded up before the cutoff comparison, so a token issued at 999.5 or
/// 999.000000001 passed `issued_after(1000)`.
#[test]
fn issued_after_compares_a_fractional_iat_exactly() {
    let v = Validation::new(5000).issued_after(1000);
    for iat in ["999.5", "999.000000001", "999.0000000001", "9.995e2", "999"] {
        assert_eq!(
            check(&token(&format!(r#"{{"exp":9000,"iat":{iat}}}"#)), &v),
            Err(Error::IssuedBeforeCutoff {
                iat: 999,
                cutoff: 1000
            }),
            "{iat}"
        );
    }
    for iat in ["1000", "1000.0", "1e3", "1000.000000001", "1000.5"] {
        assert_eq!(
            check(&token(&format!(r#"{{"exp":9000,"iat":{iat}}}"#)), &v),
            Ok(()),
            "{iat}"
        );
    }
}

/// Security fix (RFC 8725 §3.8): a key bound to an issuer verifies only tokens of that issuer,
/// so one tenant's key in a shared `KeySet` cannot speak for another tenant.
#[test]
fn keys_bound_to_an_issuer_verify_only_its_tokens() {
    let tenant = |secret: u8, kid: &str, iss: &str| {
        HmacKey::<Hs256>::new(&[secret; 32])
            .unwrap()
            .with_kid(kid)
            .unwrap()
            .with_issuer(iss)
    };
    let (a, b) = (
        tenant(1, "a", "https://a.example"),
        tenant(2, "b", "https://b.example"),
    );
    assert!(a.is_bound_to_issuer());
    let mut keys = KeySet::<Hs256, 2>::new();
    keys.insert(a.clone()).unwrap();
    keys.insert(b).unwrap();
    let header = r#"{"alg":"HS256","kid":"a"}"#;
    let run = |payload: &str, v: &Validation<'_>| {
        let mut scratch = [0u8; 512];
        microjwt::verify::<()>(&keys, &token_with(&a, header, payload), v, &mut scratch).map(|_| ())
    };
    let any = Validation::new(10);
    assert_eq!(run(r#"{"exp":99,"iss":"https://a.example"}"#, &any), Ok(()));
    assert_eq!(
        run(r#"{"exp":99,"iss":"https://a.exampl\u0065"}"#, &any),
        Ok(()),
        "compared unescaped"
    );
    let expecting_b = Validation::new(10).issuer("https://b.example");
    for (forged, with_expected_issuer) in [
        (
            r#"{"exp":99,"iss":"https://b.example"}"#,
            Error::KeyIssuerMismatch,
        ),
        (
            r#"{"exp":99,"iss":"https://a.example/"}"#,
            Error::KeyIssuerMismatch,
        ),
        (r#"{"exp":99}"#, Error::MissingClaim(Claim::Iss)),
    ] {
        assert_eq!(run(forged, &any), Err(Error::KeyIssuerMismatch), "{forged}");
        assert_eq!(
            run(forged, &expecting_b),
            Err(with_expected_issuer),
            "{forged}"
        );
    }
    // Checked after the MAC, like every claim: a forged MAC is still just that.
    let mut scratch = [0u8; 512];
    let other = HmacKey::<Hs256>::new(&[9; 32]).unwrap();
    let bad_mac = token_with(&other, header, r#"{"exp":99,"iss":"https://b.example"}"#);
    assert_eq!(
        microjwt::verify::<()>(&keys, &bad_mac, &any, &mut scratch).map(|_| ()),
        Err(Error::InvalidSignature)
    );
    // A single bound key works the same.
    let single = |payload: &str| {
        let mut scratch = [0u8; 512];
        let t = token_with(&a, r#"{"alg":"HS256"}"#, payload);
        microjwt::verify::<()>(&a, &t, &any, &mut scratch).map(|_| ())
    };
    assert_eq!(single(r#"{"exp":99,"iss":"https://a.example"}"#), Ok(()));
    assert_eq!(
        single(r#"{"exp":99,"iss":"x"}"#),
        Err(Error::KeyIssuerMismatch)
    );
}
