//! The verdict on a payload behind a genuine MAC, shared by the `claims` target and by
//! `verify_token` for genuine tokens: `verify` under every [`Policy`] with several claims types
//! must give exactly what the oracles say.

use microjwt::{Error, HmacKey, Hs256, RegisteredClaims};
use serde::de::IgnoredAny;
use serde_json::Value;

use super::borrowed::{Borrowed, check_borrowed};
use super::oracle_claims::{Policy, Registered};
use super::oracle_json::{self, Bad, J};
use super::tokens::{no_buffer_error, scratch_for};

/// What the oracle says about a payload under one policy, for `verify::<IgnoredAny>`.
#[derive(Debug)]
pub enum Expect {
    /// Must verify, with these registered claims.
    Ok(Registered),
    /// Must fail with one of these.
    OneOf(Vec<Error>),
    /// Not valid JSON, duplicate names, too deep, not UTF-8: must fail with a JSON-ish error or,
    /// when the payload starts with a valid object followed by garbage, with one of `also` (the
    /// errors that object earns on its own: validation runs when the object closes).
    Invalid { also: Vec<Error> },
}

/// `token`'s payload is `data` (parsed by the oracle as `parsed`), its MAC is right for `key`.
/// `verify_jws` must return the payload byte for byte; `verify` with `IgnoredAny` under every
/// policy, and with `()`, `serde_json::Value` and [`Borrowed`] under the permissive one, must
/// give the oracle's verdict.
pub fn check_payload(key: &HmacKey<Hs256>, token: &str, data: &[u8], parsed: &Result<J, Bad>) {
    let members = match parsed {
        Ok(J::Obj(members)) => Some(members.as_slice()),
        _ => None,
    };
    {
        let mut scratch = scratch_for(token);
        let r = microjwt::verify_jws(key, token, &Policy::PERMISSIVE.validation(), &mut scratch);
        no_buffer_error("verify_jws", token, &r);
        assert_eq!(r.map(|j| j.payload()), Ok(data), "verify_jws");
    }
    for (index, policy) in Policy::ALL.iter().enumerate() {
        let expect = expectation(policy, token, data, parsed);
        let context = (index, policy, &expect, token);
        let validation = policy.validation();
        let mut scratch = scratch_for(token);

        // `IgnoredAny` and `()`: registered claims only; the outcome is exactly the oracle's.
        let any = microjwt::verify::<IgnoredAny>(key, token, &validation, &mut scratch);
        no_buffer_error("verify::<IgnoredAny>", token, &any);
        check_expect(&expect, any.as_ref().map(|c| c.registered()), &context);
        if index > 0 {
            continue; // the caller types below depend on the payload, not on the policy
        }
        let any_ok = any.is_ok();
        let mut scratch = scratch_for(token);
        let unit = microjwt::verify::<()>(key, token, &validation, &mut scratch);
        no_buffer_error("verify::<()>", token, &unit);
        check_expect(&expect, unit.as_ref().map(|c| c.registered()), &context);

        // `serde_json::Value` through microjwt's deserializer: the same document as the oracle's,
        // unless a number overflows f64 (then `Claims`).
        let mut scratch = scratch_for(token);
        let value = microjwt::verify::<Value>(key, token, &validation, &mut scratch);
        no_buffer_error("verify::<Value>", token, &value);
        let overflow = matches!(parsed, Ok(j) if oracle_json::has_overflowing_number(j));
        match (&expect, &value) {
            (Expect::Ok(_), Ok(v)) => {
                assert!(!overflow, "Value with an infinite number: {context:?}");
                let want = oracle_json::to_value(parsed.as_ref().unwrap()).unwrap();
                assert_eq!(v.custom(), &want, "Value differs: {context:?}");
                assert!(any_ok);
            }
            (_, Err(Error::Claims(_))) if overflow || matches!(expect, Expect::Invalid { .. }) => {}
            _ => check_expect(&expect, value.as_ref().map(|c| c.registered()), &context),
        }

        // A borrowing struct: `Ok` only where `IgnoredAny` is, with fields the oracle agrees on;
        // otherwise the same errors plus `Claims` (the payload does not fit the type).
        let mut scratch = scratch_for(token);
        let borrowed = microjwt::verify::<Borrowed<'_>>(key, token, &validation, &mut scratch);
        no_buffer_error("verify::<Borrowed>", token, &borrowed);
        match &borrowed {
            Ok(c) => {
                assert!(any_ok, "Borrowed Ok but IgnoredAny not: {context:?}");
                check_borrowed(c.custom(), members.unwrap(), &context);
            }
            // Where serde_json reads the payload into `Borrowed`, microjwt must too (once
            // `IgnoredAny` passed, the document is valid and duplicate-free).
            Err(Error::Claims(_)) if any_ok => {
                if serde_json::from_slice::<Borrowed<'_>>(data).is_ok()
                    && !struct_as_array(members.unwrap())
                {
                    panic!(
                        "verify::<Borrowed> failed with Claims on a payload serde_json reads \
                         into Borrowed: {context:?}"
                    );
                }
            }
            Err(Error::Claims(_)) => {}
            Err(_) => check_expect(&expect, borrowed.as_ref().map(|c| c.registered()), &context),
        }
    }
}

/// The oracle's verdict on `data` under `policy`.
fn expectation(policy: &Policy, token: &str, data: &[u8], parsed: &Result<J, Bad>) -> Expect {
    if token.len() > policy.max_len() {
        return Expect::OneOf(vec![Error::TokenTooLarge {
            len: token.len(),
            max: policy.max_len(),
        }]);
    }
    let members = match parsed {
        Err(_) => {
            // Validation runs when the top-level object closes, before the trailing garbage.
            let also = match oracle_json::parse_prefix(data) {
                Some(J::Obj(members)) => match Registered::read(&members) {
                    Ok(reg) => policy.reasons(&reg),
                    Err(bad) => bad,
                },
                _ => Vec::new(),
            };
            return Expect::Invalid { also };
        }
        Ok(J::Obj(members)) => members,
        Ok(_) => return Expect::OneOf(vec![Error::NotAnObject]),
    };
    match Registered::read(members) {
        Err(bad) => Expect::OneOf(bad),
        Ok(reg) => {
            let reasons = policy.reasons(&reg);
            if reasons.is_empty() {
                Expect::Ok(reg)
            } else {
                Expect::OneOf(reasons)
            }
        }
    }
}

/// microjwt reads a struct only from a JSON object (since ca6b0f6, typed deserialize paths);
/// serde_json also takes an array, positionally: where `Borrowed`'s nested structs are given as
/// arrays the two may disagree.
fn struct_as_array(members: &[(String, J)]) -> bool {
    let get = |name: &str| members.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    matches!(get("nested"), Some(J::Arr(_)))
        || matches!(get("kind"), Some(J::Obj(m))
            if m.iter().any(|(n, v)| n == "Rec" && matches!(v, J::Arr(_))))
}

fn check_expect(
    expect: &Expect,
    got: Result<&RegisteredClaims<'_>, &Error>,
    context: &dyn std::fmt::Debug,
) {
    match (expect, got) {
        (Expect::Ok(reg), Ok(got)) => reg.assert_same(got, context),
        (Expect::OneOf(errors), Err(e)) if errors.contains(e) => {}
        (Expect::Invalid { also }, Err(e)) => assert!(
            also.contains(e)
                || matches!(
                    e,
                    Error::Json
                        | Error::NestingTooDeep
                        | Error::DuplicateMember
                        | Error::InvalidClaim(_)
                ),
            "invalid payload rejected with {e:?}: {context:?}"
        ),
        (_, got) => panic!("verify returned {got:?}, expected {context:?}"),
    }
}
