//! What `sign` writes: the same bytes serde_json writes for every value it accepts, read back by
//! serde_json as the claims they were; and never an object with a repeated name.

use std::collections::BTreeMap;

use microjwt::{Error, HmacKey, Hs256, UntrustedToken, Validation};
use serde::Serialize;
use serde_json::{Value, json};

fn key() -> HmacKey<Hs256> {
    HmacKey::new(&[9; 32]).unwrap()
}

/// Signs `claims` and returns the payload JSON text the token carries.
fn payload_of<T: Serialize>(claims: &T) -> Result<String, Error> {
    let mut buf = vec![0u8; 1 << 16];
    let token = microjwt::sign(&key(), claims, &mut buf)?;
    let mut scratch = vec![0u8; token.len()];
    let untrusted = UntrustedToken::parse(token, usize::MAX).unwrap();
    Ok(untrusted
        .danger_unverified_payload(&mut scratch)?
        .to_owned())
}

#[derive(Serialize)]
struct Wrap<T> {
    v: T,
}

/// `{"v": value}` as sign writes it must be what serde_json writes.
fn same_as_serde_json<T: Serialize>(value: T) {
    let wrapped = Wrap { v: value };
    let ours = payload_of(&wrapped).unwrap();
    let theirs = serde_json::to_string(&wrapped).unwrap();
    assert_eq!(ours, theirs);
    // And serde_json reads back what it would have written.
    let back: Value = serde_json::from_str(&ours).unwrap();
    assert_eq!(back, serde_json::to_value(&wrapped).unwrap());
}

#[derive(Serialize)]
enum E {
    U,
    N(i8),
    T(u8, bool),
    S { a: u8, b: Option<u8> },
}

#[test]
fn sign_writes_what_serde_json_writes() {
    same_as_serde_json((true, false, (), None::<u8>, Some(7u8)));
    same_as_serde_json((0u8, u16::MAX, i8::MIN, -1i32, i64::MIN, u64::MAX));
    same_as_serde_json(('x', '😀', "", "a\"b\\c/d\x7f", "\0x\x1f\x1b[0m\n"));
    same_as_serde_json("héllo \u{2028}\u{2029} 日本 🎉");
    same_as_serde_json((0..0x20u8).map(char::from).collect::<String>());
    same_as_serde_json([E::U, E::N(-1), E::T(2, true), E::S { a: 1, b: None }]);
    same_as_serde_json(BTreeMap::from([("k\n", vec![1u8, 2]), ("", vec![])]));
    same_as_serde_json(BTreeMap::from([(-3i64, 1u8), (7, 2)]));
    same_as_serde_json(BTreeMap::from([('c', 1), ('"', 2)]));
    same_as_serde_json(json!({"nested": {"a": [1, {"b": null}], "c": "d"}}));
    // Floats: the shortest round-trip digits, as serde_json (ryu) lays them out, except that
    // serde_json writes a positive exponent with a `+`, which both read the same.
    for f in [
        1.0,
        0.1,
        -0.0,
        1e-7,
        5e-324,
        1e15,
        123.456,
        1e-5,
        0.3,
        2.5e-8,
        f64::MIN_POSITIVE,
    ] {
        same_as_serde_json(f);
    }
    let mut x = 0x1234_5678_9abc_def0_u64;
    for _ in 0..2000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let f = f64::from_bits(x);
        if !f.is_finite() {
            continue;
        }
        let ours = payload_of(&Wrap { v: f }).unwrap();
        let theirs = serde_json::to_string(&Wrap { v: f }).unwrap();
        assert_eq!(ours, theirs.replace("e+", "e"), "{f:e}");
        // Read back exactly (serde_json's default parser may be off by one unit in the last place).
        let text = ours
            .strip_prefix(r#"{"v":"#)
            .unwrap()
            .strip_suffix('}')
            .unwrap();
        let back: f64 = text.parse().unwrap();
        assert_eq!(back.to_bits(), f.to_bits(), "{f:e} round-trips");
    }
}

/// Security fix: a field and a flattened map holding the same name were written twice, and
/// PyJWT or serde_json then read the later value (a later `exp`) where microjwt refuses.
#[test]
fn sign_refuses_an_object_that_repeats_a_name_at_any_depth() {
    #[derive(Serialize)]
    struct Session<'a> {
        exp: u64,
        #[serde(flatten)]
        extra: BTreeMap<&'a str, u64>,
    }
    let forged = Session {
        exp: 100,
        extra: BTreeMap::from([("exp", 9_999_999_999)]),
    };
    let mut buf = [0u8; 512];
    assert_eq!(
        microjwt::sign(&key(), &forged, &mut buf).map(drop),
        Err(Error::DuplicateMember)
    );
    let fine = Session {
        exp: 100,
        extra: BTreeMap::from([("role", 1)]),
    };
    assert!(microjwt::sign(&key(), &fine, &mut buf).is_ok());

    #[derive(Serialize)]
    struct Outer<'a> {
        exp: u64,
        inner: Session<'a>,
    }
    let nested = Outer {
        exp: 9,
        inner: forged,
    };
    assert_eq!(
        microjwt::sign(&key(), &nested, &mut buf).map(drop),
        Err(Error::DuplicateMember)
    );
    // Keys that serialize alike are alike: the integer 1 and the string "1".
    #[derive(Serialize)]
    struct Mixed {
        #[serde(flatten)]
        a: BTreeMap<u8, u8>,
        #[serde(flatten)]
        b: BTreeMap<String, u8>,
    }
    let mixed = Mixed {
        a: BTreeMap::from([(1, 1)]),
        b: BTreeMap::from([("1".to_owned(), 2)]),
    };
    assert_eq!(
        microjwt::sign(&key(), &mixed, &mut buf).map(drop),
        Err(Error::DuplicateMember)
    );
    // The escaped form is the one compared: "\n" once as a key and once as a flattened key.
    #[derive(Serialize)]
    struct Escaped {
        #[serde(rename = "a\n")]
        a: u8,
        #[serde(flatten)]
        rest: BTreeMap<&'static str, u8>,
    }
    let escaped = Escaped {
        a: 1,
        rest: BTreeMap::from([("a\n", 2)]),
    };
    assert_eq!(
        microjwt::sign(&key(), &escaped, &mut buf).map(drop),
        Err(Error::DuplicateMember)
    );
}

/// Beyond an object's first 16 names, a name is compared with the earlier ones as written: a
/// repeat anywhere is found, and the token still fits a buffer of exactly its length.
#[test]
fn large_objects_are_checked_whole() {
    #[derive(Serialize)]
    struct Many {
        exp: u64,
        #[serde(flatten)]
        names: BTreeMap<String, u32>,
        #[serde(rename = "zz-last")]
        last: u8,
    }
    let names: BTreeMap<String, u32> = (0..300).map(|i| (format!("n{i:03}"), i)).collect();
    let mut many = Many {
        exp: 2000,
        names,
        last: 1,
    };
    let token = microjwt::sign_to_string(&key(), &many).unwrap();
    let mut scratch = vec![0u8; microjwt::scratch_len(token.len())];
    let v = Validation::new(1000).max_token_len(1 << 20);
    assert!(microjwt::verify::<Value>(&key(), &token, &v, &mut scratch).is_ok());
    // The buffer `BufferTooSmall` asks for is the token's length, and enough.
    let needed = match microjwt::sign(&key(), &many, &mut [0u8; 16]) {
        Err(Error::BufferTooSmall { needed }) => needed,
        other => panic!("{other:?}"),
    };
    assert_eq!(needed, token.len());
    let mut exact = vec![0u8; needed];
    assert_eq!(microjwt::sign(&key(), &many, &mut exact).unwrap(), token);
    // A repeat far beyond the first sixteen names.
    many.names.insert("exp".to_owned(), 7);
    assert_eq!(
        microjwt::sign_to_string(&key(), &many),
        Err(Error::DuplicateMember)
    );
    let mut buf = vec![0u8; 1 << 16];
    assert_eq!(
        microjwt::sign(&key(), &many, &mut buf).map(drop),
        Err(Error::DuplicateMember)
    );
}

#[test]
fn sign_refuses_nesting_that_verify_would_refuse() {
    let mut deep = json!(1);
    for _ in 0..microjwt::MAX_DEPTH {
        deep = json!([deep]);
    }
    let mut buf = vec![0u8; 4096];
    // 32 arrays inside the claims object: 33 levels, one too many.
    let claims = json!({"exp": 9, "x": deep});
    assert_eq!(
        microjwt::sign(&key(), &claims, &mut buf).map(drop),
        Err(Error::NestingTooDeep)
    );
    let ok = json!({"exp": 9, "x": deep[0]});
    let token = microjwt::sign(&key(), &ok, &mut buf).unwrap().to_owned();
    let mut scratch = vec![0u8; 4096];
    assert!(microjwt::verify::<()>(&key(), &token, &Validation::new(1), &mut scratch).is_ok());
}
