//! The likely causes of a failure, worded for the person at the terminal. Only read after the
//! library has decided: nothing here accepts or rejects anything.

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use microjwt::{Claim, Error};
use serde_json::{Map, Value};

use crate::cli::{Alg, KeyEncoding, VerifyArgs};
use crate::keys::{AlgOrigin, KeyInput, Material};
use crate::time;
use crate::token::Unverified;

/// What a key's text looks like, when it looks encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Hex,
    Base64,
    Base64url,
    /// Base64 characters only, fitting either alphabet.
    Base64Either,
}

impl Shape {
    pub fn description(self) -> &'static str {
        match self {
            Shape::Hex => "hex",
            Shape::Base64 => "standard base64 (as `openssl rand -base64 32` prints)",
            Shape::Base64url => "base64url (as a JWK's \"k\" and `microjwt keygen` print)",
            Shape::Base64Either => "base64 or base64url",
        }
    }

    /// The `--key-encoding` that would read it.
    pub fn encoding(self) -> KeyEncoding {
        match self {
            Shape::Hex => KeyEncoding::Hex,
            Shape::Base64 => KeyEncoding::Base64,
            Shape::Base64url | Shape::Base64Either => KeyEncoding::Base64url,
        }
    }
}

/// Whether `text` looks like an encoded secret of at least 16 bytes rather than a raw one.
/// Heuristic, for hints only: a random base64 secret has upper and lower case letters and
/// digits; a passphrase rarely has all three with no spaces.
pub fn shape(text: &[u8]) -> Option<Shape> {
    if text.len() >= 32 && text.len().is_multiple_of(2) && text.iter().all(u8::is_ascii_hexdigit) {
        return Some(Shape::Hex);
    }
    let mixed = text.iter().any(u8::is_ascii_uppercase)
        && text.iter().any(u8::is_ascii_lowercase)
        && text.iter().any(u8::is_ascii_digit);
    if text.len() < 22 || !mixed {
        return None;
    }
    let decodes = |decoded: Option<usize>| decoded.is_some_and(|len| len >= 16);
    let padded = Base64::decode_vec(std::str::from_utf8(text).ok()?)
        .ok()
        .map(|v| v.len());
    let url = Base64UrlUnpadded::decode_vec(std::str::from_utf8(text).ok()?)
        .ok()
        .map(|v| v.len());
    let has = |chars: &[u8]| text.iter().any(|c| chars.contains(c));
    if decodes(padded) && (has(b"+/=") || !decodes(url)) {
        return Some(Shape::Base64);
    }
    if decodes(url) {
        return Some(if has(b"-_") {
            Shape::Base64url
        } else {
            Shape::Base64Either
        });
    }
    // Unpadded standard base64 (`openssl rand -base64` output with the `=` cut off).
    if text
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || b"+/".contains(c))
        && has(b"+/")
    {
        return Some(Shape::Base64);
    }
    None
}

/// Hints for a key that decoded but is too short.
pub fn short_key(len: usize, alg: &str, text: &[u8], encoding: KeyEncoding) -> Vec<String> {
    let mut hints = Vec::new();
    if let Some(fits) = [Alg::Hs256, Alg::Hs384]
        .into_iter()
        .find(|a| a.name() != alg && len >= a.min_key_len())
    {
        hints.push(format!(
            "a {len}-byte key fits {}: is the key for that algorithm? pass --alg {}",
            fits.name(),
            fits.name()
        ));
    }
    if encoding == KeyEncoding::Raw
        && let Some(shape) = shape(text)
    {
        hints.push(format!(
            "the key looks like {}; if it is, pass --key-encoding {} (it then decodes to fewer bytes)",
            shape.description(),
            shape.encoding().name()
        ));
    }
    let min = Alg::from_name(alg).map_or(32, Alg::min_key_len);
    hints.push(format!(
        "generate a {min}-byte key: microjwt keygen --alg {alg} (or: openssl rand -base64 {min}, read with --key-encoding base64)"
    ));
    hints
}

/// Hints for a key that does not decode in the encoding given.
pub fn undecodable_key(text: &[u8], encoding: KeyEncoding) -> Vec<String> {
    let mut hints = Vec::new();
    // Text fitting both base64 alphabets that failed as padded base64 is unpadded: base64url.
    if let Some(shape) = shape(text)
        && shape.encoding() != encoding
        && !(shape == Shape::Base64Either && encoding == KeyEncoding::Base64)
    {
        hints.push(format!(
            "the key looks like {}: pass --key-encoding {}",
            shape.description(),
            shape.encoding().name()
        ));
    }
    let has = |chars: &[u8]| text.iter().any(|c| chars.contains(c));
    if encoding == KeyEncoding::Base64url && has(b"+/=") {
        hints.push(
            "`+`, `/` and `=` belong to standard base64: pass --key-encoding base64".to_owned(),
        );
    }
    if encoding == KeyEncoding::Base64 && has(b"-_") {
        hints.push("`-` and `_` belong to base64url: pass --key-encoding base64url".to_owned());
    }
    if encoding == KeyEncoding::Base64 && !has(b"=") && !text.len().is_multiple_of(4) {
        hints.push(
            "padded base64 has a length that is a multiple of 4 (ending in `=` as needed)"
                .to_owned(),
        );
    }
    if hints.is_empty() {
        hints.push(format!(
            "if the file holds the secret itself, pass --key-encoding raw (it is now {})",
            encoding.name()
        ));
    }
    hints
}

/// Hints when the signature does not match: the algorithm first (the most definite), then the
/// shape of the key.
pub fn invalid_signature(
    alg: Alg,
    origin: AlgOrigin,
    key: &KeyInput,
    parts: Option<&Unverified>,
) -> Vec<String> {
    let mut hints = Vec::new();
    if let Some(token_alg) = parts.and_then(Unverified::alg)
        && token_alg != alg.name()
    {
        let ours = match origin {
            AlgOrigin::Flag => format!("--alg is {}", alg.name()),
            AlgOrigin::Jwk => format!("the JWK's alg is {}", alg.name()),
            AlgOrigin::Default => format!("--alg is {} (the default)", alg.name()),
        };
        hints.push(match Alg::from_name(token_alg) {
            Some(_) if origin == AlgOrigin::Jwk => format!(
                "the token's header says alg {token_alg} but {ours}: the token was not made with this key"
            ),
            Some(_) => format!(
                "the token's header says alg {token_alg} but {ours}: pass --alg {token_alg}"
            ),
            None if token_alg.eq_ignore_ascii_case("none") => {
                "the token's header says alg none: an unsigned token is never accepted".to_owned()
            }
            None => format!(
                "the token's header says alg {token_alg}, which is not HMAC: microjwt checks HS256, HS384 and HS512 only"
            ),
        });
        return hints;
    }
    if let Material::Secret { text, encoding } = &key.material {
        match (encoding, shape(text)) {
            (KeyEncoding::Raw, Some(shape)) => hints.push(format!(
                "the key looks like {} but was used as {} raw bytes: if it is encoded, pass --key-encoding {}",
                shape.description(),
                text.len(),
                shape.encoding().name()
            )),
            (KeyEncoding::Base64 | KeyEncoding::Base64url, Some(Shape::Hex)) => hints.push(format!(
                "the key is all hex digits but was decoded as {}: if it is hex, pass --key-encoding hex",
                encoding.name()
            )),
            _ => {}
        }
        if *encoding == KeyEncoding::Raw && text.last().is_some_and(u8::is_ascii_whitespace) {
            hints.push("the raw key ends with whitespace, which is part of the secret".to_owned());
        }
    }
    hints.push(
        "otherwise the key is not the one that signed the token, or the token was altered"
            .to_owned(),
    );
    hints
}

/// What `verify` knew when the library rejected the token.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub parts: Option<&'a Unverified>,
    pub args: &'a VerifyArgs,
    pub key: &'a KeyInput,
    pub alg: Alg,
    pub origin: AlgOrigin,
}

/// A better message and hints for a rejected token, from the error, the (now authenticated, for
/// errors after the MAC) header and payload and the command line.
pub fn rejected(e: &Error, cx: &Context<'_>) -> (Option<String>, Vec<String>) {
    let Context {
        parts,
        args,
        key,
        alg,
        origin,
    } = *cx;
    let payload = parts
        .and_then(|p| p.payload.as_ref())
        .and_then(Value::as_object);
    let claim = |name: &str| payload.and_then(|p| p.get(name));
    let shown = |name: &str| claim(name).map_or_else(|| "none".to_owned(), Value::to_string);
    match *e {
        Error::Expired { exp, now, .. } => (
            Some(format!(
                "token expired at {} ({exp}), {}",
                date(exp),
                time::relative(secs_f64(exp), now)
            )),
            vec![format!(
                "checked at {} ({now}); to check at another time pass --now, to allow clock skew pass --leeway 30s",
                date(now)
            )],
        ),
        Error::NotYetValid { nbf, now, .. } => (
            Some(format!(
                "token not valid before {} ({nbf}), {}",
                date(nbf),
                time::relative(secs_f64(nbf), now)
            )),
            vec![format!(
                "checked at {} ({now}); to allow clock skew pass --leeway 30s",
                date(now)
            )],
        ),
        Error::IssuedBeforeCutoff { .. } => (None, Vec::new()),
        Error::AudienceMismatch => {
            let aud = claim("aud");
            let first = aud.and_then(|a| match a {
                Value::String(s) => Some(s.clone()),
                Value::Array(list) => list.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            });
            let hint = match (args.aud.is_empty(), first) {
                (true, Some(first)) => format!(
                    "the token has aud {}: pass --aud {} (a token for an audience is accepted only by a verifier that names it, RFC 7519 §4.1.3)",
                    shown("aud"),
                    shell_word(&first)
                ),
                (true, None) => format!("the token has aud {}: pass --aud", shown("aud")),
                (false, _) => format!(
                    "the token's aud is {}, which contains none of --aud {}",
                    shown("aud"),
                    args.aud.join(", ")
                ),
            };
            (None, vec![hint])
        }
        Error::IssuerMismatch => (
            None,
            vec![format!(
                "the token's iss is {}, --iss is {:?}",
                shown("iss"),
                args.iss.as_deref().unwrap_or_default()
            )],
        ),
        Error::SubjectMismatch => (
            None,
            vec![format!(
                "the token's sub is {}, --sub is {:?}",
                shown("sub"),
                args.sub.as_deref().unwrap_or_default()
            )],
        ),
        Error::TypeMismatch => (
            None,
            vec![format!(
                "the token's typ is {}, --typ is {:?}",
                parts
                    .and_then(|p| p.header.as_ref())
                    .and_then(|h| h.get("typ"))
                    .map_or_else(|| "none".to_owned(), Value::to_string),
                args.typ.as_deref().unwrap_or_default()
            )],
        ),
        Error::MissingClaim(Claim::Exp) => (
            None,
            vec![
                "the token has no exp, so it never expires: pass --allow-missing-exp to accept it anyway"
                    .to_owned(),
            ],
        ),
        Error::MissingClaim(c) => {
            let flag = match c {
                Claim::Iss if args.iss.is_some() => " (--iss requires it)",
                Claim::Sub if args.sub.is_some() => " (--sub requires it)",
                Claim::Aud if !args.aud.is_empty() => " (--aud requires it)",
                _ => " (--require)",
            };
            (None, vec![format!("the token has no {c}{flag}")])
        }
        Error::InvalidClaim(c) => (
            None,
            vec![format!(
                "the token's {c} is {}: {}",
                shown(c.name()),
                match c {
                    Claim::Exp | Claim::Nbf | Claim::Iat =>
                        "a NumericDate is a non-negative number of seconds since 1970",
                    Claim::Aud => "aud is a string or an array of strings",
                    _ => "it must be a string",
                }
            )],
        ),
        Error::InvalidSignature => (None, invalid_signature(alg, origin, key, parts)),
        Error::AlgorithmMismatch => (
            None,
            vec![match parts.and_then(Unverified::alg) {
                Some(token_alg) => format!(
                    "the token's header says alg {token_alg}, the key is {}: pass --alg {token_alg} if that is intended",
                    alg.name()
                ),
                None => "the token's header has no alg".to_owned(),
            }],
        ),
        Error::UnknownKeyId | Error::MissingKeyId => (None, kid_hints(e, parts, key, alg)),
        Error::TokenTooLarge { .. } => (
            None,
            vec!["pass --max-len to accept larger tokens".to_owned()],
        ),
        Error::UnsupportedCrit => (
            None,
            vec![format!(
                "the header's crit is {}: no extension is understood here (RFC 7515 §4.1.11)",
                parts
                    .and_then(|p| p.header.as_ref())
                    .and_then(|h| h.get("crit"))
                    .map_or_else(|| "present".to_owned(), Value::to_string)
            )],
        ),
        _ => (None, Vec::new()),
    }
}

fn kid_hints(e: &Error, parts: Option<&Unverified>, key: &KeyInput, alg: Alg) -> Vec<String> {
    let Material::Jwk { doc, .. } = &key.material else {
        return Vec::new();
    };
    let usable = doc.usable(alg.name());
    let kids: Vec<String> = usable
        .iter()
        .filter_map(|k| k.kid.as_deref())
        .map(|k| format!("{k:?}"))
        .collect();
    let token_kid = parts
        .and_then(|p| p.header.as_ref())
        .and_then(|h| h.get("kid"))
        .and_then(Value::as_str);
    let mut hints = Vec::new();
    match (e, token_kid) {
        (Error::UnknownKeyId, Some(kid)) => {
            hints.push(format!(
                "the token's kid is {kid:?}; the JWK Set's {} keys have kid {}",
                alg.name(),
                if kids.is_empty() { "none".to_owned() } else { kids.join(", ") }
            ));
            if let Some(other) = doc
                .all()
                .into_iter()
                .find(|k| k.kid.as_deref() == Some(kid) && !k.usable_for(alg.name()))
            {
                hints.push(match other.alg.as_deref() {
                    Some(a) if Alg::from_name(a).is_some() => {
                        format!("key {kid:?} is for {a}: pass --alg {a}")
                    }
                    _ => format!("key {kid:?} is not an \"oct\" key for {}", alg.name()),
                });
            }
        }
        _ => hints.push(format!(
            "the token has no kid and the JWK Set has {} {} keys: pass --kid to say which one checks it",
            usable.len(),
            alg.name()
        )),
    }
    hints
}

/// Hints for a string that is not a compact JWS.
pub fn malformed(token: &str) -> Vec<String> {
    let mut hints = Vec::new();
    if let Some(pos) = token.find(|c: char| c.is_whitespace()) {
        hints.push(format!(
            "the token has whitespace at byte {pos}: was it wrapped across lines?"
        ));
    }
    let dots = token.matches('.').count();
    match dots {
        2 => {}
        4 => hints.push(
            "it has five segments: that is an encrypted JWE, which microjwt does not handle"
                .to_owned(),
        ),
        n => hints.push(format!(
            "it has {} segment{}: a JWT has three, header.payload.signature",
            n + 1,
            if n == 0 { "" } else { "s" }
        )),
    }
    if token.contains(['+', '/', '=']) {
        hints
            .push("`+`, `/` or `=` do not occur in a compact JWT (base64url, unpadded)".to_owned());
    }
    hints
}

/// `2026-12-01T00:00:00Z` for whole seconds.
fn date(secs: u64) -> String {
    time::iso(secs_f64(secs)).unwrap_or_else(|| "a time out of range".to_owned())
}

#[allow(clippy::cast_precision_loss)] // seconds since 1970 are below 2^53
fn secs_f64(secs: u64) -> f64 {
    secs as f64
}

/// `api` stays `api`; `my api` becomes `'my api'`.
fn shell_word(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The payload members shown with dates in `decode` and `verify`.
pub const DATE_CLAIMS: [&str; 3] = ["iat", "nbf", "exp"];

/// `exp  1764548100  2025-12-01T00:15:00Z  in 15m`, one line per registered date present.
pub fn date_lines(payload: &Map<String, Value>, now: u64) -> Vec<String> {
    DATE_CLAIMS
        .iter()
        .filter_map(|name| {
            let value = payload.get(*name)?;
            let line = match value.as_f64().filter(|_| value.is_number()) {
                Some(secs) => match time::iso(secs) {
                    Some(iso) => format!("{name}  {value}  {iso}  {}", time::relative(secs, now)),
                    None => format!("{name}  {value}  (out of range)"),
                },
                None => format!("{name}  {value}  (not a number: invalid)"),
            };
            Some(line)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let hex = b"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assert_eq!(shape(hex), Some(Shape::Hex));
        assert_eq!(
            shape(b"4f0Pp2Rb1jkD7yX5+N1vrrZ7dQKnY9Ht9l2VJmHcVkk="),
            Some(Shape::Base64)
        );
        assert_eq!(
            shape(b"4f0Pp2Rb1jkD7yX5-N1vrrZ7dQKnY9Ht9l2VJmHcVkk"),
            Some(Shape::Base64url)
        );
        assert_eq!(
            shape(b"4f0Pp2Rb1jkD7yX5aN1vrrZ7dQKnY9Ht9l2VJmHcVkk"),
            Some(Shape::Base64Either)
        );
        assert_eq!(
            shape(b"4f0Pp2Rb1jkD7yX5+N1vrrZ7dQKnY9Ht9l2VJmHcVkk"),
            Some(Shape::Base64)
        );
        assert_eq!(shape(b"correct horse battery staple, long enough"), None);
        assert_eq!(
            shape(b"this-is-my-very-long-and-secret-signing-key-2024"),
            None
        );
        assert_eq!(shape(b"short"), None);
    }

    #[test]
    fn malformed_tokens() {
        assert!(malformed("a.b")[0].contains("2 segments"));
        assert!(malformed("abc")[0].contains("1 segment:"));
        assert!(malformed("a.b.c.d.e")[0].contains("JWE"));
        assert!(malformed("a.b\n.c")[0].contains("whitespace at byte 3"));
    }

    #[test]
    fn shell_words() {
        assert_eq!(shell_word("api"), "api");
        assert_eq!(shell_word("https://a.example/x"), "https://a.example/x");
        assert_eq!(shell_word("my api"), "'my api'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn dates() {
        let payload = serde_json::json!({"exp": 1_764_548_100, "iat": "x", "sub": "ada"});
        let lines = date_lines(payload.as_object().unwrap(), 1_764_547_200);
        assert_eq!(
            lines,
            [
                "iat  \"x\"  (not a number: invalid)",
                "exp  1764548100  2025-12-01T00:15:00Z  in 15m"
            ]
        );
    }
}
