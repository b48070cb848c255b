//! The replay guard: one-time tokens accepted exactly once, in fixed memory, failing closed.

use microjwt_tests as common;

use common::{key, token};
use microjwt::{Claim, Error, Hs256, ReplayGuard, Validation};

fn use_token<const N: usize>(
    guard: &mut ReplayGuard<Hs256, N>,
    payload: &str,
    validation: &Validation<'_>,
) -> Result<(), Error> {
    let mut scratch = [0u8; 512];
    let claims = microjwt::verify::<()>(&key(), &token(payload), validation, &mut scratch)?;
    guard.record(claims.registered(), validation)
}

#[test]
fn second_use_is_rejected_until_expiry_then_evicted() {
    let mut guard = ReplayGuard::<Hs256, 4>::new();
    let at = |now| Validation::new(now);
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &at(10)),
        Ok(())
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &at(11)),
        Err(Error::Replayed)
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"\u0061","exp":100}"#, &at(11)),
        Err(Error::Replayed),
        "same jti, escaped"
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"b","exp":100}"#, &at(12)),
        Ok(())
    );
    assert_eq!(guard.len(), 2);
    // At exp the token no longer verifies, and its entry is evicted on the next record.
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &at(100)),
        Err(Error::Expired { exp: 100, now: 100 })
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"c","exp":300}"#, &at(100)),
        Ok(())
    );
    assert_eq!(guard.len(), 1, "a and b evicted");
    // A new token reusing an expired jti is accepted again.
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":300}"#, &at(101)),
        Ok(())
    );
}

#[test]
fn leeway_keeps_entries_as_long_as_tokens_verify() {
    let mut guard = ReplayGuard::<Hs256, 2>::new();
    let v = |now| Validation::new(now).leeway(50);
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &v(10)),
        Ok(())
    );
    // Past exp but within leeway the token still verifies, so it must still be remembered.
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &v(120)),
        Err(Error::Replayed)
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"z","exp":500}"#, &v(150)),
        Ok(())
    );
    assert_eq!(guard.len(), 1);
}

#[test]
fn full_cache_fails_closed() {
    let mut guard = ReplayGuard::<Hs256, 2>::new();
    let v = Validation::new(10);
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &v),
        Ok(())
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"b","exp":100}"#, &v),
        Ok(())
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"c","exp":100}"#, &v),
        Err(Error::ReplayCacheFull)
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &v),
        Err(Error::Replayed),
        "nothing was forgotten"
    );
    assert_eq!(
        use_token(
            &mut guard,
            r#"{"jti":"c","exp":200}"#,
            &Validation::new(100)
        ),
        Ok(())
    );
}

#[test]
fn capacity_one() {
    let mut guard = ReplayGuard::<Hs256, 1>::new();
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &Validation::new(1)),
        Ok(())
    );
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"b","exp":100}"#, &Validation::new(2)),
        Err(Error::ReplayCacheFull)
    );
    assert_eq!(
        use_token(
            &mut guard,
            r#"{"jti":"b","exp":200}"#,
            &Validation::new(100)
        ),
        Ok(())
    );
    assert_eq!(
        use_token(
            &mut guard,
            r#"{"jti":"b","exp":200}"#,
            &Validation::new(101)
        ),
        Err(Error::Replayed)
    );
}

#[test]
fn needs_jti_exp_and_a_clock() {
    let mut guard = ReplayGuard::<Hs256, 2>::new();
    assert_eq!(
        use_token(&mut guard, r#"{"exp":100}"#, &Validation::new(1)),
        Err(Error::MissingClaim(Claim::Jti))
    );
    let no_exp = Validation::new(1).danger_allow_missing_exp();
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a"}"#, &no_exp),
        Err(Error::MissingClaim(Claim::Exp))
    );
    let no_clock = Validation::time_unknown().danger_skip_time_checks();
    assert_eq!(
        use_token(&mut guard, r#"{"jti":"a","exp":100}"#, &no_clock),
        Err(Error::TimeUnknown)
    );
    assert!(guard.is_empty());
}

#[test]
fn memory_is_32_bytes_per_entry() {
    assert_eq!(size_of::<ReplayGuard<Hs256, 1>>(), 32);
    assert_eq!(size_of::<ReplayGuard<Hs256, 64>>(), 64 * 32);
}

/// Security fix: a token already expired when it reaches `record` (accepted by a verify with
/// `danger_skip_time_checks`, or with more leeway than `record` is given) was recorded with a
/// lifetime already over, forgotten at once, and accepted again. It is refused instead.
#[test]
fn an_expired_token_is_refused_never_forgotten() {
    let mut guard = ReplayGuard::<Hs256, 4>::new();
    let payload = r#"{"jti":"once","exp":100}"#;
    let skip = Validation::new(500).danger_skip_time_checks();
    for _ in 0..3 {
        assert_eq!(
            use_token(&mut guard, payload, &skip),
            Err(Error::Expired { exp: 100, now: 500 })
        );
    }
    assert!(guard.is_empty());
    // Verified with 60 s of leeway, recorded with none: at 130 the token still verifies but is
    // dead by the guard's rule, so it is refused every time rather than accepted twice.
    let lax = Validation::new(130).leeway(60);
    let strict = Validation::new(130);
    for _ in 0..2 {
        let mut scratch = [0u8; 512];
        let claims = microjwt::verify::<()>(&key(), &token(payload), &lax, &mut scratch).unwrap();
        assert_eq!(
            guard.record(claims.registered(), &strict),
            Err(Error::Expired { exp: 100, now: 130 })
        );
    }
    // The same pair of validations, used consistently, accepts the token once.
    let mut scratch = [0u8; 512];
    let claims = microjwt::verify::<()>(&key(), &token(payload), &lax, &mut scratch).unwrap();
    assert_eq!(guard.record(claims.registered(), &lax), Ok(()));
    assert_eq!(
        guard.record(claims.registered(), &lax),
        Err(Error::Replayed)
    );
}
