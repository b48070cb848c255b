//! The cases of the `roundtrip` target: what [`Gen`](super::decoder::Gen) decodes from the fuzz
//! input (key, header options, claims), and the claims types signed and read back: an owned one
//! covering every serde shape, its borrowed mirror, and the registered claims as `Option`s.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Owned claims as a caller would sign them; registered claims are ordinary fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RtClaims {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub aud: Option<Aud>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub nbf: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jti: Option<String>,
    pub name: String,
    pub flag: bool,
    pub count: i64,
    pub big: u64,
    pub ratio: f64,
    pub small: f32,
    pub letter: char,
    pub tags: Vec<String>,
    pub nested: Option<RtNested>,
    pub kind: RtKind,
    pub map: BTreeMap<String, i64>,
    pub bytes: Vec<u8>,
    pub unit: (),
    pub tuple: (u8, i16, String),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Aud {
    One(String),
    Many(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RtNested {
    pub a: String,
    pub b: Vec<i32>,
    pub c: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RtKind {
    Unit,
    New(String),
    Tup(i8, u16),
    Rec { x: i64, y: String },
}

/// The registered string claims alone, as a caller naturally types them: `Option<String>` /
/// `Option<Aud>`, with serde's own missing-field handling rather than `default`. serde_json
/// reads these; microjwt must too (it once returned `Claims`: `regressions/roundtrip/`).
#[derive(Debug, PartialEq, Deserialize)]
pub struct OptRegistered {
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub aud: Option<Aud>,
    pub jti: Option<String>,
}

/// The borrowed mirror of [`RtClaims`]: every string borrows the verify scratch.
#[derive(Debug, Deserialize)]
pub struct RtClaimsRef<'a> {
    #[serde(borrow, default)]
    iss: Option<&'a str>,
    #[serde(borrow, default)]
    sub: Option<&'a str>,
    #[serde(borrow, default)]
    aud: Option<AudRef<'a>>,
    #[serde(default)]
    exp: Option<u64>,
    #[serde(default)]
    nbf: Option<u64>,
    #[serde(default)]
    iat: Option<u64>,
    #[serde(borrow, default)]
    jti: Option<&'a str>,
    name: &'a str,
    flag: bool,
    count: i64,
    big: u64,
    ratio: f64,
    small: f32,
    letter: char,
    #[serde(borrow)]
    tags: Vec<&'a str>,
    #[serde(borrow)]
    nested: Option<RtNestedRef<'a>>,
    #[serde(borrow)]
    kind: RtKindRef<'a>,
    #[serde(borrow)]
    map: BTreeMap<&'a str, i64>,
    bytes: Vec<u8>,
    unit: (),
    #[serde(borrow)]
    tuple: (u8, i16, &'a str),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AudRef<'a> {
    One(&'a str),
    Many(#[serde(borrow)] Vec<&'a str>),
}

#[derive(Debug, Deserialize)]
struct RtNestedRef<'a> {
    a: &'a str,
    b: Vec<i32>,
    c: Option<bool>,
}

#[derive(Debug, Deserialize)]
enum RtKindRef<'a> {
    Unit,
    New(&'a str),
    Tup(i8, u16),
    Rec { x: i64, y: &'a str },
}

impl RtClaimsRef<'_> {
    pub fn to_owned(&self) -> RtClaims {
        RtClaims {
            iss: self.iss.map(str::to_owned),
            sub: self.sub.map(str::to_owned),
            aud: self.aud.as_ref().map(|a| match a {
                AudRef::One(s) => Aud::One((*s).to_owned()),
                AudRef::Many(v) => Aud::Many(v.iter().map(|s| (*s).to_owned()).collect()),
            }),
            exp: self.exp,
            nbf: self.nbf,
            iat: self.iat,
            jti: self.jti.map(str::to_owned),
            name: self.name.to_owned(),
            flag: self.flag,
            count: self.count,
            big: self.big,
            ratio: self.ratio,
            small: self.small,
            letter: self.letter,
            tags: self.tags.iter().map(|s| (*s).to_owned()).collect(),
            nested: self.nested.as_ref().map(|n| RtNested {
                a: n.a.to_owned(),
                b: n.b.clone(),
                c: n.c,
            }),
            kind: match &self.kind {
                RtKindRef::Unit => RtKind::Unit,
                RtKindRef::New(s) => RtKind::New((*s).to_owned()),
                RtKindRef::Tup(a, b) => RtKind::Tup(*a, *b),
                RtKindRef::Rec { x, y } => RtKind::Rec {
                    x: *x,
                    y: (*y).to_owned(),
                },
            },
            map: self
                .map
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
            bytes: self.bytes.clone(),
            unit: self.unit,
            tuple: (self.tuple.0, self.tuple.1, self.tuple.2.to_owned()),
        }
    }
}

/// The `typ` choice of a roundtrip case.
#[derive(Clone, Debug)]
pub enum Typ {
    Default,
    Removed,
    Set(String),
}

/// One roundtrip case, decoded from the fuzz input by [`Gen`].
#[derive(Clone, Debug)]
pub struct RtCase {
    /// 0: HS256, 1: HS384, 2: HS512.
    pub alg: u8,
    pub secret: Vec<u8>,
    pub key_kid: Option<String>,
    pub typ: Typ,
    pub cty: Option<String>,
    pub kid: Option<String>,
    pub claims: RtClaims,
    /// Size of the first, possibly too small, signing buffer.
    pub first_buf: usize,
    /// Which bit of the token to flip for the tamper check.
    pub flip: usize,
}
