//! `Borrowed`, a caller type with borrowed strings, options, integers, floats, an array, a tuple,
//! a nested struct and an enum, which the `claims` and `verify_token` targets deserialize
//! arbitrary payloads into; and the check that what it read is what the JSON oracle parsed.

use serde::Deserialize;

use super::oracle_json::{J, number_value};

/// A caller type with borrowed strings, options, integers, floats, an array, a tuple, a nested
/// struct and an enum: the shapes `claims` and `verify_token` deserialize arbitrary payloads into.
#[derive(Debug, Deserialize)]
pub struct Borrowed<'a> {
    #[serde(borrow)]
    iss: Option<&'a str>,
    #[serde(borrow)]
    sub: Option<&'a str>,
    exp: Option<f64>,
    #[serde(borrow)]
    name: Option<&'a str>,
    n: Option<u64>,
    i: Option<i32>,
    f: Option<f64>,
    b: Option<bool>,
    arr: Option<[u8; 3]>,
    #[serde(borrow)]
    pair: Option<(&'a str, i64)>,
    #[serde(borrow)]
    nested: Option<Nested<'a>>,
    #[serde(borrow)]
    kind: Option<Kind<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct Nested<'a> {
    a: &'a str,
    b: Option<i64>,
    #[serde(default)]
    c: bool,
}

#[derive(Debug, Deserialize)]
pub enum Kind<'a> {
    Unit,
    New(&'a str),
    Tup(u8, u8),
    Rec { x: i32 },
}

/// The fields `Borrowed` read must be what the oracle parsed.
pub fn check_borrowed(b: &Borrowed<'_>, members: &[(String, J)], context: &dyn std::fmt::Debug) {
    let get = |name: &str| members.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let str_field = |name: &str, got: Option<&str>| match (get(name), got) {
        (Some(J::Str(s)), Some(g)) => assert_eq!(s, g, "{name}: {context:?}"),
        (None | Some(J::Null), None) => {}
        (want, got) => panic!("{name}: oracle {want:?}, Borrowed {got:?}: {context:?}"),
    };
    let num = |j: Option<&J>| match j {
        Some(J::Num(t)) => number_value(t),
        _ => None,
    };
    let opt = |name: &str, present: bool| {
        if !present {
            assert!(
                matches!(get(name), None | Some(J::Null)),
                "{name} missed: {context:?}"
            );
        }
    };
    str_field("iss", b.iss);
    str_field("sub", b.sub);
    str_field("name", b.name);
    if let Some(x) = b.exp {
        assert_eq!(
            num(get("exp")).and_then(|v| v.as_f64()),
            Some(x),
            "exp: {context:?}"
        );
    }
    opt("exp", b.exp.is_some());
    if let Some(x) = b.n {
        assert_eq!(
            num(get("n")).and_then(|v| v.as_u64()),
            Some(x),
            "n: {context:?}"
        );
    }
    opt("n", b.n.is_some());
    if let Some(x) = b.i {
        let want = num(get("i")).and_then(|v| v.as_i64());
        assert_eq!(want, Some(i64::from(x)), "i: {context:?}");
    }
    opt("i", b.i.is_some());
    if let Some(x) = b.f {
        assert_eq!(
            num(get("f")).and_then(|v| v.as_f64()),
            Some(x),
            "f: {context:?}"
        );
    }
    opt("f", b.f.is_some());
    if let Some(x) = b.b {
        assert_eq!(get("b"), Some(&J::Bool(x)), "b: {context:?}");
    }
    opt("b", b.b.is_some());
    if let Some(arr) = b.arr {
        let want: Vec<J> = arr.iter().map(|x| J::Num(x.to_string())).collect();
        match get("arr") {
            Some(J::Arr(items)) => {
                let got: Vec<Option<u64>> = items
                    .iter()
                    .map(|i| num(Some(i)).and_then(|v| v.as_u64()))
                    .collect();
                let want: Vec<Option<u64>> = arr.iter().map(|&x| Some(u64::from(x))).collect();
                assert_eq!(got, want, "arr: {context:?}");
            }
            other => panic!("arr {want:?} from {other:?}: {context:?}"),
        }
    }
    opt("arr", b.arr.is_some());
    if let Some((s, n)) = b.pair {
        match get("pair") {
            Some(J::Arr(items)) if items.len() == 2 => {
                assert_eq!(items[0], J::Str(s.to_owned()), "pair.0: {context:?}");
                assert_eq!(
                    num(Some(&items[1])).and_then(|v| v.as_i64()),
                    Some(n),
                    "pair.1"
                );
            }
            other => panic!("pair from {other:?}: {context:?}"),
        }
    }
    opt("pair", b.pair.is_some());
    if let Some(nested) = &b.nested {
        // A derived struct reads a JSON object or, positionally, an array.
        let Some(inner @ (J::Obj(_) | J::Arr(_))) = get("nested") else {
            panic!("nested: {context:?}")
        };
        let field = |name: &str| field_of(inner, name, ["a", "b", "c"]);
        assert_eq!(
            field("a"),
            Some(&J::Str(nested.a.to_owned())),
            "nested.a: {context:?}"
        );
        match nested.b {
            Some(x) => assert_eq!(num(field("b")).and_then(|v| v.as_i64()), Some(x)),
            None => assert!(matches!(field("b"), None | Some(J::Null)), "nested.b"),
        }
        match field("c") {
            Some(J::Bool(c)) => assert_eq!(*c, nested.c, "nested.c: {context:?}"),
            None => assert!(!nested.c),
            other => panic!("nested.c from {other:?}: {context:?}"),
        }
    }
    opt("nested", b.nested.is_some());
    if let Some(kind) = &b.kind {
        let value = get("kind");
        let tagged = |tag: &str| match value {
            Some(J::Obj(m)) if m.len() == 1 && m[0].0 == tag => Some(&m[0].1),
            _ => None,
        };
        match kind {
            Kind::Unit => assert!(
                value == Some(&J::Str("Unit".into())) || tagged("Unit") == Some(&J::Null),
                "kind Unit from {value:?}: {context:?}"
            ),
            Kind::New(s) => assert_eq!(tagged("New"), Some(&J::Str((*s).to_owned())), "New"),
            Kind::Tup(x, y) => match tagged("Tup") {
                Some(J::Arr(items)) if items.len() == 2 => {
                    assert_eq!(
                        num(Some(&items[0])).and_then(|v| v.as_u64()),
                        Some(u64::from(*x))
                    );
                    assert_eq!(
                        num(Some(&items[1])).and_then(|v| v.as_u64()),
                        Some(u64::from(*y))
                    );
                }
                other => panic!("Tup from {other:?}: {context:?}"),
            },
            Kind::Rec { x } => match tagged("Rec") {
                Some(fields @ (J::Obj(_) | J::Arr(_))) => {
                    let got = field_of(fields, "x", ["x"]);
                    assert_eq!(
                        num(got).and_then(|v| v.as_i64()),
                        Some(i64::from(*x)),
                        "Rec.x"
                    );
                }
                other => panic!("Rec from {other:?}: {context:?}"),
            },
        }
    }
    opt("kind", b.kind.is_some());
}

/// Field `name` of a struct serialized as a JSON object or, positionally (in the order of
/// `names`), as an array: serde's derived struct visitors accept both.
fn field_of<'j, const N: usize>(j: &'j J, name: &str, names: [&str; N]) -> Option<&'j J> {
    match j {
        J::Obj(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
        J::Arr(items) => items.get(names.iter().position(|n| *n == name)?),
        _ => None,
    }
}
