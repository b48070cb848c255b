//! The header oracle: which JOSE headers microjwt must be able to read, and which of the
//! documented header rules (RFC 7515, RFC 8725) a readable header breaks once the MAC has passed.

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::Error;

use super::oracle_json::{self, Bad, J};

/// RFC 7515 §4.1.9 media type comparison: ASCII case-insensitive, `application/` optional.
pub fn same_media_type(a: &str, b: &str) -> bool {
    fn short(t: &str) -> &str {
        if t.len() >= 12 && t.as_bytes()[..12].eq_ignore_ascii_case(b"application/") {
            &t[12..]
        } else {
            t
        }
    }
    short(a).eq_ignore_ascii_case(short(b))
}

/// The header parameters microjwt reads, as the oracle sees them.
#[derive(Debug, Default, PartialEq)]
pub struct HeaderView {
    pub alg: Option<String>,
    pub typ: Option<String>,
    pub cty: Option<String>,
    pub kid: Option<String>,
    pub crit: bool,
}

impl HeaderView {
    /// `Some` when `parsed` is a header microjwt must be able to read: a valid, duplicate-free
    /// JSON object, not too deep, whose `alg`, `typ`, `cty` and `kid` are strings when present.
    pub fn of(parsed: &Result<J, Bad>) -> Option<HeaderView> {
        let Ok(J::Obj(members)) = parsed else {
            return None;
        };
        let mut view = HeaderView::default();
        for (name, value) in members {
            let slot = match name.as_str() {
                "alg" => &mut view.alg,
                "typ" => &mut view.typ,
                "cty" => &mut view.cty,
                "kid" => &mut view.kid,
                "crit" => {
                    view.crit = true;
                    continue;
                }
                _ => continue,
            };
            let J::Str(s) = value else {
                return None;
            };
            *slot = Some(s.clone());
        }
        Some(view)
    }

    /// Every header rule that applies once the MAC has passed and that this header breaks, for
    /// an HS256 key (empty: the header is acceptable). `alg` exactly `HS256` (RFC 8725 §3.1), no
    /// `crit` (RFC 7515 §4.1.11: nothing is understood, `b64` included), `typ` `JWT` when the
    /// validation requires it, `cty` not `JWT` (a nested token, RFC 7519 §5.2).
    pub fn broken_rules(&self, require_typ: bool) -> Vec<Error> {
        let mut out = Vec::new();
        if self.alg.as_deref() != Some("HS256") {
            out.push(Error::AlgorithmMismatch);
        }
        if self.crit {
            out.push(Error::UnsupportedCrit);
        }
        if require_typ
            && !self
                .typ
                .as_deref()
                .is_some_and(|t| same_media_type(t, "JWT"))
        {
            out.push(Error::TypeMismatch);
        }
        if self
            .cty
            .as_deref()
            .is_some_and(|t| same_media_type(t, "JWT"))
        {
            out.push(Error::NestedToken);
        }
        out
    }
}

/// An accepted token's header must be one the oracle accepts and that breaks no rule.
pub fn assert_header_acceptable(token: &str) {
    let segment = token.split('.').next().unwrap_or("");
    let bytes = Base64UrlUnpadded::decode_vec(segment).expect("an accepted header decodes");
    let parsed = oracle_json::parse(&bytes);
    let ok = HeaderView::of(&parsed).is_some_and(|v| v.broken_rules(false).is_empty());
    assert!(
        ok,
        "accepted a token whose header the oracle refuses ({parsed:?}): {:?}",
        String::from_utf8_lossy(&bytes)
    );
}
