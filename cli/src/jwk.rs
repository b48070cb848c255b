//! What a `--jwk` file holds, read only to choose a default `--alg`, pick a signing key from a
//! set, and word messages. The library loads the key itself ([`crate::libapi`]); nothing here
//! decides whether a key is valid.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::failure::{Failure, Result};

/// One JWK's public members, and the member's JSON (which holds the secret: `Debug` leaves it
/// out).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KeyInfo {
    pub kty: Option<String>,
    pub alg: Option<String>,
    pub kid: Option<String>,
    pub usage: Option<String>,
    pub key_ops: Option<Vec<String>>,
    /// The member as written, for handing one key of a set to the library.
    pub json: Zeroizing<String>,
}

impl std::fmt::Debug for KeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyInfo")
            .field("kty", &self.kty)
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("use", &self.usage)
            .field("key_ops", &self.key_ops)
            .finish_non_exhaustive()
    }
}

impl KeyInfo {
    fn read(object: &Map<String, Value>) -> Self {
        let text = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_owned);
        Self {
            kty: text("kty"),
            alg: text("alg"),
            kid: text("kid"),
            usage: text("use"),
            key_ops: object.get("key_ops").and_then(Value::as_array).map(|ops| {
                ops.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            }),
            json: Zeroizing::new(Value::Object(object.clone()).to_string()),
        }
    }

    /// Whether a JWK Set member is one the library keeps for `alg`: an `oct` key, without
    /// another algorithm's `alg`, for signatures (`use` absent or `sig`, `key_ops` absent or
    /// naming `sign` or `verify`).
    pub fn usable_for(&self, alg: &str) -> bool {
        self.kty.as_deref() == Some("oct")
            && self.alg.as_deref().is_none_or(|a| a == alg)
            && self.usage.as_deref().is_none_or(|u| u == "sig")
            && self
                .key_ops
                .as_ref()
                .is_none_or(|ops| ops.iter().any(|o| o == "sign" || o == "verify"))
    }

    /// `Err` with a message when the key names another algorithm than `alg`.
    pub fn check_alg(&self, alg: &str) -> Result<()> {
        match self.alg.as_deref() {
            Some(own) if own != alg => Err(Failure::usage(
                "jwk",
                format!("--jwk: the key's \"alg\" is {own}, but --alg is {alg}"),
            )
            .hint(format!(
                "drop --alg (the JWK's alg is the default) or pass --alg {own}"
            ))),
            _ => Ok(()),
        }
    }

    /// `Err` with a message when `key_ops` is present and lacks `op` (RFC 7517 §4.3).
    pub fn allows(&self, op: &str) -> Result<()> {
        match &self.key_ops {
            Some(ops) if !ops.iter().any(|o| o == op) => Err(Failure::usage(
                "jwk_key_ops",
                format!(
                    "the JWK{} has key_ops {:?}, without \"{op}\": this key may not {op}",
                    self.kid
                        .as_deref()
                        .map(|k| format!(" {k:?}"))
                        .unwrap_or_default(),
                    ops
                ),
            )),
            _ => Ok(()),
        }
    }

    /// `"kid" (HS256)`, for lists in messages.
    pub fn label(&self) -> String {
        format!(
            "{} ({})",
            self.kid
                .as_deref()
                .map_or_else(|| "no kid".to_owned(), |k| format!("{k:?}")),
            self.alg.as_deref().unwrap_or("any HS alg")
        )
    }
}

/// A JWK or a JWK Set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Doc {
    Key(KeyInfo),
    Set(Vec<KeyInfo>),
}

impl Doc {
    /// Reads the JSON of a `--jwk` file.
    ///
    /// # Errors
    /// A usage failure when it is not a JSON object, or a set whose `keys` is not an array of
    /// objects. serde_json's messages name a line and column, never the text.
    pub fn parse(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Failure::usage("jwk_json", format!("--jwk: not JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(Failure::usage(
                "jwk_json",
                "--jwk: expected a JSON object: a JWK {\"kty\":\"oct\",\"k\":…} or a JWK Set {\"keys\":[…]}",
            ));
        };
        match object.get("keys") {
            Some(Value::Array(keys)) => keys
                .iter()
                .map(|key| match key {
                    Value::Object(key) => Ok(KeyInfo::read(key)),
                    _ => Err(Failure::usage(
                        "jwk_json",
                        "--jwk: every member of the JWK Set's \"keys\" must be a JSON object",
                    )),
                })
                .collect::<Result<Vec<_>>>()
                .map(Doc::Set),
            Some(_) => Err(Failure::usage(
                "jwk_json",
                "--jwk: the JWK Set's \"keys\" must be an array",
            )),
            None => Ok(Doc::Key(KeyInfo::read(&object))),
        }
    }

    /// The algorithm the file implies when `--alg` is not given: a JWK's `alg`, or the one
    /// `alg` all keys of a set share.
    pub fn implied_alg(&self) -> Option<&str> {
        match self {
            Doc::Key(key) => key.alg.as_deref(),
            Doc::Set(keys) => {
                let mut algs = keys
                    .iter()
                    .filter(|k| k.kty.as_deref() == Some("oct"))
                    .map(|k| k.alg.as_deref());
                let first = algs.next()??;
                algs.all(|a| a == Some(first)).then_some(first)
            }
        }
    }

    /// The keys of a set the library would load for `alg`.
    pub fn usable(&self, alg: &str) -> Vec<&KeyInfo> {
        match self {
            Doc::Key(key) => vec![key],
            Doc::Set(keys) => keys.iter().filter(|k| k.usable_for(alg)).collect(),
        }
    }

    /// Every key, for messages.
    pub fn all(&self) -> Vec<&KeyInfo> {
        match self {
            Doc::Key(key) => vec![key],
            Doc::Set(keys) => keys.iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_and_a_set() {
        let key =
            Doc::parse(r#"{"kty":"oct","k":"AAAA","alg":"HS384","kid":"a","key_ops":["verify"]}"#)
                .unwrap();
        assert_eq!(key.implied_alg(), Some("HS384"));
        let Doc::Key(info) = &key else { panic!() };
        assert!(info.allows("verify").is_ok());
        let refused = info.allows("sign").unwrap_err();
        assert!(
            refused.message.contains("without \"sign\""),
            "{}",
            refused.message
        );
        assert!(!info.json.is_empty());
        assert!(!format!("{info:?}").contains("AAAA"), "{info:?}");
        assert!(info.check_alg("HS384").is_ok());
        assert!(
            info.check_alg("HS256")
                .unwrap_err()
                .message
                .contains("is HS384, but --alg is HS256")
        );

        let set = Doc::parse(
            r#"{"keys":[{"kty":"oct","k":"AAAA","alg":"HS256","kid":"a"},
                        {"kty":"oct","k":"AAAA","alg":"HS512","kid":"b"},
                        {"kty":"RSA","n":"AQAB","e":"AQAB","kid":"c"}]}"#,
        )
        .unwrap();
        assert_eq!(set.implied_alg(), None);
        assert_eq!(set.usable("HS256").len(), 1);
        assert_eq!(set.usable("HS512")[0].kid.as_deref(), Some("b"));
        assert_eq!(set.all().len(), 3);

        let same =
            Doc::parse(r#"{"keys":[{"kty":"oct","alg":"HS512"},{"kty":"oct","alg":"HS512"}]}"#)
                .unwrap();
        assert_eq!(same.implied_alg(), Some("HS512"));
    }

    #[test]
    fn not_a_jwk() {
        assert_eq!(Doc::parse("[1]").unwrap_err().kind, "jwk_json");
        assert_eq!(Doc::parse("{\"keys\":1}").unwrap_err().kind, "jwk_json");
        let e = Doc::parse("{\"k\":\"secret-text").unwrap_err();
        assert!(!e.message.contains("secret-text"), "{}", e.message);
    }
}
