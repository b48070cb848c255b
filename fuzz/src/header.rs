//! Fuzz target `header`: `data` is the decoded JOSE header, put into a token with a fixed payload.
//!
//! `UntrustedToken::parse` and `danger_unverified_header` must agree with the JSON oracle (a
//! valid, duplicate-free object whose `alg`/`typ`/`cty`/`kid` are strings ⇔ `Ok` with those
//! values). `verify` through a `KeySet` (keys `a` and `b`, default `a`; it reads the header
//! before the MAC) must pick the key the header's `kid` names, answer `UnknownKeyId` for any
//! other kid, and then apply exactly the documented header rules; a single key, which never
//! reads `kid`, must give the same verdicts.

use microjwt::{Error, Header, HmacKey, Hs256, KeySet, UntrustedToken, Validation};

use super::oracle_header::HeaderView;
use super::oracle_json;
use super::tokens::{NOW, SECRET_B, b64, key, no_buffer_error, raw_token, scratch_for};

/// `{"exp":4000000000,"sub":"fuzz"}`
const PAYLOAD: &str = "eyJleHAiOjQwMDAwMDAwMDAsInN1YiI6ImZ1enoifQ";

pub fn check(data: &[u8]) {
    let parsed = oracle_json::parse(data);
    oracle_json::agrees_with_serde_json(data, &parsed);
    let view = HeaderView::of(&parsed);
    let header_b64 = b64(data);
    let key_a = key().with_kid("a").unwrap();
    let key_b = HmacKey::<Hs256>::new(SECRET_B)
        .unwrap()
        .with_kid("b")
        .unwrap();
    let token_a = raw_token(&key_a, &header_b64, PAYLOAD);
    if data.is_empty() {
        let untrusted = UntrustedToken::parse(&token_a, usize::MAX);
        assert_eq!(untrusted.err(), Some(Error::Malformed));
        return;
    }
    let read_error = untrusted_read(data, &token_a, view.as_ref());

    let mut keys = KeySet::<Hs256, 2>::new();
    keys.insert(key_a.clone()).unwrap();
    keys.insert(key_b.clone()).unwrap();
    keys.set_default("a").unwrap();
    // The token the key set should accept: MACed with the key its `kid` names.
    let (token, unknown_kid) = match view.as_ref().and_then(|v| v.kid.as_deref()) {
        Some("b") => (raw_token(&key_b, &header_b64, PAYLOAD), false),
        Some("a") | None => (token_a.clone(), false),
        Some(_) => (token_a.clone(), true),
    };
    for require_typ in [false, true] {
        let mut validation = Validation::new(NOW).max_token_len(usize::MAX);
        if require_typ {
            validation = validation.typ("JWT");
        }
        let context = (data, &view, require_typ);
        let mut scratch = scratch_for(&token);
        let r = microjwt::verify::<()>(&keys, &token, &validation, &mut scratch);
        no_buffer_error("KeySet verify", &token, &r);
        match (read_error, unknown_kid, r) {
            (Some(e), _, r) => assert_eq!(r.err(), Some(e), "key set: {context:?}"),
            (None, true, r) => assert_eq!(r.err(), Some(Error::UnknownKeyId), "{context:?}"),
            (None, false, r) => {
                after_the_mac(
                    view.as_ref().unwrap(),
                    require_typ,
                    r.as_ref().map(|c| c.header()),
                );
                if let Ok(c) = r {
                    assert_eq!(c.registered().sub(), Some("fuzz"), "{context:?}");
                }
            }
        }

        // A single key never reads `kid`: the token MACed with it gets the same header rules.
        let mut scratch = scratch_for(&token_a);
        let r = microjwt::verify::<()>(&key_a, &token_a, &validation, &mut scratch);
        no_buffer_error("single-key verify", &token_a, &r);
        match (read_error, r) {
            (Some(e), r) => assert_eq!(r.err(), Some(e), "single key: {context:?}"),
            (None, r) => {
                after_the_mac(
                    view.as_ref().unwrap(),
                    require_typ,
                    r.as_ref().map(|c| c.header()),
                );
            }
        }
    }
}

/// Reads `token`'s header untrusted: the result must be the oracle's `view`. Returns the error
/// every later read of this header must repeat, if it is unreadable.
fn untrusted_read(data: &[u8], token: &str, view: Option<&HeaderView>) -> Option<Error> {
    let untrusted = UntrustedToken::parse(token, usize::MAX).unwrap();
    assert_eq!(untrusted.header_b64(), b64(data));
    assert_eq!(untrusted.payload_b64(), PAYLOAD);
    let mut scratch = scratch_for(token);
    let read = untrusted.danger_unverified_header(&mut scratch);
    no_buffer_error("danger_unverified_header", token, &read);
    match (view, &read) {
        (Some(v), Ok(h)) => {
            assert_eq!(h.typ(), v.typ.as_deref(), "typ of {data:?}");
            assert_eq!(h.cty(), v.cty.as_deref(), "cty of {data:?}");
            assert_eq!(h.kid(), v.kid.as_deref(), "kid of {data:?}");
            None
        }
        (None, Err(e)) => {
            assert!(
                matches!(
                    e,
                    Error::Json
                        | Error::NestingTooDeep
                        | Error::DuplicateMember
                        | Error::InvalidHeader
                ),
                "header {data:?} rejected with {e:?}"
            );
            Some(*e)
        }
        (view, read) => panic!("header {data:?}: oracle {view:?}, microjwt {read:?}"),
    }
}

/// A readable header behind a right MAC: `Ok` exactly when it breaks no rule, then with the
/// oracle's `typ`, `cty` and `kid`; otherwise an error among the broken rules.
fn after_the_mac(view: &HeaderView, require_typ: bool, r: Result<&Header<'_>, &Error>) {
    let broken = view.broken_rules(require_typ);
    match r {
        Ok(header) => {
            assert!(
                broken.is_empty(),
                "accepted {view:?}, which breaks {broken:?}"
            );
            assert_eq!(header.typ(), view.typ.as_deref(), "{view:?}");
            assert_eq!(header.cty(), view.cty.as_deref(), "{view:?}");
            assert_eq!(header.kid(), view.kid.as_deref(), "{view:?}");
        }
        Err(e) => assert!(
            broken.contains(e),
            "{e:?}, expected one of {broken:?}: {view:?}"
        ),
    }
}
