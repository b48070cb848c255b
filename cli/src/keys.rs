//! Reading the secret from `--key-file`, `--key-env` or `--jwk`, and making library keys of it.
//!
//! The secret, and the values of those flags, never appear in any message: a mistyped flag
//! could hold the secret itself (`--key-env "$SECRET"`).

use std::path::Path;

use microjwt::{Algorithm, Error, HmacKey, KeySet};
use zeroize::Zeroizing;

use crate::cli::{Alg, KeyArgs, KeyEncoding};
use crate::failure::{Class, Failure, Result};
use crate::hints;
use crate::jwk::{Doc, KeyInfo};
use crate::libapi::{self, MAX_KEYS};

/// The largest key file or JWK file read: far above any key, small enough to refuse a wrong
/// path (a disk image) quickly.
const MAX_KEY_FILE: u64 = 1 << 20;

/// The secret as read, before it is bound to an algorithm.
pub struct KeyInput {
    pub origin: &'static str,
    pub material: Material,
}

pub enum Material {
    /// `--key-file` / `--key-env`: the bytes (a trailing newline already handled; encoded text
    /// trimmed) and how they encode the secret.
    Secret {
        text: Zeroizing<Vec<u8>>,
        encoding: KeyEncoding,
    },
    /// `--jwk`: the file's text and what it holds.
    Jwk { text: Zeroizing<String>, doc: Doc },
}

/// Where the algorithm came from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlgOrigin {
    Flag,
    Jwk,
    Default,
}

/// The keys that check a token: one key, or a JWK Set chosen from by `kid`.
pub enum Verifier<A: Algorithm> {
    One(HmacKey<A>),
    Set(Box<KeySet<A, MAX_KEYS>>),
}

impl KeyInput {
    /// Reads the key source named on the command line.
    ///
    /// # Errors
    /// A usage failure when the source cannot be read, is empty, or (raw) ends in a newline
    /// without `--strip-newline`.
    pub fn load(args: &KeyArgs) -> Result<Self> {
        let source = &args.source;
        if let Some(path) = &source.jwk {
            if args.key_encoding != KeyEncoding::Raw || args.strip_newline {
                return Err(Failure::usage(
                    "usage",
                    "--key-encoding and --strip-newline apply to --key-file and --key-env; a JWK's \"k\" is always base64url",
                ));
            }
            let bytes = read_file(path, "--jwk")?;
            let text =
                Zeroizing::new(String::from_utf8(bytes.to_vec()).map_err(|_| {
                    Failure::usage("jwk_json", "--jwk: the file is not UTF-8 text")
                })?);
            let doc = Doc::parse(&text)?;
            return Ok(Self {
                origin: "--jwk",
                material: Material::Jwk { text, doc },
            });
        }
        let (origin, bytes) = if let Some(path) = &source.key_file {
            ("--key-file", read_file(path, "--key-file")?)
        } else if let Some(name) = &source.key_env {
            ("--key-env", read_env(name)?)
        } else {
            // clap's `key` group requires one source.
            return Err(Failure::usage(
                "usage",
                "no key: give --key-file, --key-env or --jwk",
            ));
        };
        let text = match args.key_encoding {
            KeyEncoding::Raw => raw_secret(bytes, origin, args.strip_newline)?,
            _ => {
                let trimmed = Zeroizing::new(bytes.trim_ascii().to_vec());
                if trimmed.is_empty() {
                    return Err(Failure::usage(
                        "key_empty",
                        format!("the {origin} key is only whitespace"),
                    ));
                }
                trimmed
            }
        };
        Ok(Self {
            origin,
            material: Material::Secret {
                text,
                encoding: args.key_encoding,
            },
        })
    }

    /// The algorithm to use: `--alg`, else the JWK's, else HS256.
    ///
    /// # Errors
    /// A usage failure when the JWK names an algorithm other than HS256/384/512.
    pub fn resolve_alg(&self, flag: Option<Alg>) -> Result<(Alg, AlgOrigin)> {
        if let Some(alg) = flag {
            return Ok((alg, AlgOrigin::Flag));
        }
        if let Material::Jwk { doc, .. } = &self.material
            && let Some(name) = doc.implied_alg()
        {
            return Alg::from_name(name)
                .map(|alg| (alg, AlgOrigin::Jwk))
                .ok_or_else(|| {
                    Failure::usage(
                        "jwk",
                        format!("--jwk: the key's \"alg\" is {name:?}: only HS256, HS384 and HS512 are supported"),
                    )
                });
        }
        Ok((Alg::Hs256, AlgOrigin::Default))
    }

    /// The key `encode` signs with. `kid` selects a key of a JWK Set, and must agree with a
    /// single JWK's own.
    ///
    /// # Errors
    /// A usage failure when the key cannot be made, may not sign, or cannot be chosen.
    pub fn signing_key<A: Algorithm>(&self, kid: Option<&str>) -> Result<HmacKey<A>> {
        match &self.material {
            Material::Secret { text, encoding } => self.secret_key(text, *encoding),
            Material::Jwk { doc, .. } => {
                let info = pick_signing_key(doc, A::NAME, kid)?;
                info.check_alg(A::NAME)?;
                info.allows("sign")?;
                let key = libapi::key_from_jwk::<A>(&info.json)?;
                if let (Some(wanted), Some(own)) = (kid, key.kid())
                    && wanted != own
                {
                    return Err(Failure::usage(
                        "usage",
                        format!("--kid {wanted:?} differs from the JWK's own \"kid\" {own:?}"),
                    ));
                }
                Ok(key)
            }
        }
    }

    /// The keys `verify` checks with. `default_kid` picks the key of a JWK Set that checks
    /// tokens without a `kid` (by default the only key, when there is one).
    ///
    /// # Errors
    /// A usage failure when the key cannot be made or may not verify.
    pub fn verifier<A: Algorithm>(&self, default_kid: Option<&str>) -> Result<Verifier<A>> {
        match &self.material {
            Material::Secret { text, encoding } => {
                if default_kid.is_some() {
                    return Err(kid_needs_set());
                }
                Ok(Verifier::One(self.secret_key(text, *encoding)?))
            }
            Material::Jwk {
                doc: Doc::Key(info),
                text,
            } => {
                if default_kid.is_some() {
                    return Err(kid_needs_set());
                }
                info.check_alg(A::NAME)?;
                info.allows("verify")?;
                Ok(Verifier::One(libapi::key_from_jwk::<A>(text)?))
            }
            Material::Jwk { doc, text } => {
                let usable = doc.usable(A::NAME);
                if usable.is_empty() {
                    return Err(no_key_for(doc, A::NAME));
                }
                // A member whose key_ops lack "verify" stays in the set (the library keeps it);
                // a token naming it is refused when it is chosen.
                let mut set = Box::new(libapi::keys_from_jwks::<A>(text)?);
                let default = match (default_kid, usable.as_slice()) {
                    (Some(kid), _) => Some(kid),
                    (None, [only]) => only.kid.as_deref(),
                    _ => None,
                };
                if let Some(kid) = default {
                    set.set_default(kid).map_err(|_| {
                        Failure::usage(
                            "usage",
                            format!(
                                "--kid {kid:?}: the JWK Set has no {} key with that kid (it has {})",
                                A::NAME,
                                labels(&usable)
                            ),
                        )
                    })?;
                }
                Ok(Verifier::Set(set))
            }
        }
    }

    fn secret_key<A: Algorithm>(&self, text: &[u8], encoding: KeyEncoding) -> Result<HmacKey<A>> {
        let made = match encoding {
            KeyEncoding::Raw => HmacKey::<A>::new(text),
            KeyEncoding::Hex => match base16ct::mixed::decode_vec(text) {
                Ok(secret) => HmacKey::<A>::new(&Zeroizing::new(secret)),
                Err(_) => Err(Error::Base64),
            },
            KeyEncoding::Base64 | KeyEncoding::Base64url => {
                let text = std::str::from_utf8(text).map_err(|_| Error::Base64);
                text.and_then(|text| {
                    if encoding == KeyEncoding::Base64 {
                        libapi::key_from_base64::<A>(text)
                    } else {
                        HmacKey::<A>::from_base64url(text)
                    }
                })
            }
        };
        made.map_err(|e| self.key_error::<A>(&e, text, encoding))
    }

    fn key_error<A: Algorithm>(&self, e: &Error, text: &[u8], encoding: KeyEncoding) -> Failure {
        let origin = self.origin;
        match *e {
            Error::KeyTooShort { len, min, .. } => Failure::usage(
                "key_too_short",
                format!(
                    "the {origin} key is {len} bytes, shorter than the {min} bytes {} requires (RFC 7518 §3.2)",
                    A::NAME
                ),
            )
            .hints(hints::short_key(len, A::NAME, text, encoding)),
            Error::KeyTooLong { max, .. } => Failure::usage(
                "key_too_long",
                format!("the {origin} key decodes to more than {max} bytes"),
            ),
            Error::Base64 => Failure::usage(
                "key_encoding",
                format!(
                    "the {origin} key is not valid {} (--key-encoding {})",
                    encoding_description(encoding),
                    encoding.name()
                ),
            )
            .hints(hints::undecodable_key(text, encoding)),
            _ => Failure::from_error(Class::Usage, e),
        }
    }
}

/// The old example's flags that took the secret itself on the command line (`--key`,
/// `--key-hex`, `--key-b64`): found before clap parses, so that the answer explains what to do
/// instead and the value is never echoed (clap would list them in usage lines if they were
/// hidden arguments).
pub fn inline_secret_flag(args: impl IntoIterator<Item = std::ffi::OsString>) -> Option<Failure> {
    for arg in args {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        let name = arg.split_once('=').map_or(&*arg, |(name, _)| name);
        let encoding = match name {
            "--key" => "raw",
            "--key-hex" => "hex",
            "--key-b64" | "--key-base64" => "base64",
            "--key-b64url" | "--key-base64url" => "base64url",
            _ => continue,
        };
        return Some(
            Failure::usage(
                "inline_secret",
                format!(
                    "{name}: secrets are not taken on the command line, where `ps` and shell history show them"
                ),
            )
            .hint(format!(
                "put it in a file or variable: --key-file PATH or --key-env NAME, with --key-encoding {encoding}"
            ))
            .hint("or make a new key: microjwt keygen --format jwk --out key.jwk, then --jwk key.jwk"),
        );
    }
    None
}

fn encoding_description(encoding: KeyEncoding) -> &'static str {
    match encoding {
        KeyEncoding::Raw => "raw bytes",
        KeyEncoding::Hex => "hexadecimal (an even number of 0-9, a-f)",
        KeyEncoding::Base64 => "padded standard base64",
        KeyEncoding::Base64url => "unpadded base64url",
    }
}

fn kid_needs_set() -> Failure {
    Failure::usage(
        "usage",
        "verify --kid chooses among the keys of a JWK Set (--jwk with {\"keys\":[…]})",
    )
}

fn labels(keys: &[&KeyInfo]) -> String {
    keys.iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_key_for(doc: &Doc, alg: &str) -> Failure {
    let all = doc.all();
    let failure = Failure::usage(
        "jwk_no_key",
        format!("--jwk: the JWK Set has no \"oct\" key for {alg}"),
    );
    if all.is_empty() {
        return failure.hint("the set's \"keys\" array is empty");
    }
    let mut failure = failure.hint(format!("it has: {}", labels(&all)));
    if let Some(other) = all
        .iter()
        .filter(|k| k.kty.as_deref() == Some("oct"))
        .find_map(|k| k.alg.as_deref())
    {
        failure = failure.hint(format!("pass --alg {other} to use its {other} keys"));
    }
    failure
}

/// The member of `doc` that signs: the one with `kid`, or the only usable one.
fn pick_signing_key<'d>(doc: &'d Doc, alg: &str, kid: Option<&str>) -> Result<&'d KeyInfo> {
    let Doc::Set(_) = doc else {
        return match doc.all().first() {
            Some(only) => Ok(only),
            None => Err(no_key_for(doc, alg)),
        };
    };
    let usable = doc.usable(alg);
    match (kid, usable.as_slice()) {
        (_, []) => Err(no_key_for(doc, alg)),
        (None, [only]) => Ok(only),
        (None, _) => Err(Failure::usage(
            "usage",
            format!(
                "the JWK Set has {} {alg} keys: pass --kid to choose one",
                usable.len()
            ),
        )
        .hint(format!("its keys: {}", labels(&usable)))),
        (Some(kid), _) => usable
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .copied()
            .ok_or_else(|| {
                Failure::usage(
                    "usage",
                    format!("--kid {kid:?}: the JWK Set has no {alg} key with that kid"),
                )
                .hint(format!("its {alg} keys: {}", labels(&usable)))
            }),
    }
}

/// A raw secret: refuses a trailing newline (it would silently become part of the secret)
/// unless told to drop it.
fn raw_secret(
    mut bytes: Zeroizing<Vec<u8>>,
    origin: &str,
    strip: bool,
) -> Result<Zeroizing<Vec<u8>>> {
    if bytes.ends_with(b"\n") {
        if strip {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        } else {
            let what = if bytes.ends_with(b"\r\n") {
                "a CRLF line ending (\\r\\n)"
            } else {
                "a newline (\\n)"
            };
            let thing = if origin == "--key-file" {
                "key file"
            } else {
                "--key-env variable"
            };
            let mut failure = Failure::usage(
                "key_trailing_newline",
                format!(
                    "the {thing} ends with {what}, which a raw key would include in the secret"
                ),
            )
            .hint("pass --strip-newline to drop it, or write the key without one: printf '%s' \"$SECRET\" > key.bin");
            let body = bytes.trim_ascii_end();
            if let Some(shape) = hints::shape(body) {
                failure = failure.hint(format!(
                    "the key looks like {}: with --key-encoding {} surrounding whitespace is ignored",
                    shape.description(),
                    shape.encoding().name()
                ));
            }
            return Err(failure);
        }
    }
    if bytes.is_empty() {
        return Err(Failure::usage(
            "key_empty",
            format!("the {origin} key is empty"),
        ));
    }
    Ok(bytes)
}

fn read_file(path: &Path, flag: &str) -> Result<Zeroizing<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| {
        Failure::usage(
            "key_unreadable",
            format!("{flag}: cannot open the file: {e}"),
        )
    })?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Failure::usage(
                "key_unreadable",
                format!("{flag}: cannot read the file: {e}"),
            )
        })?;
    if bytes.len() as u64 > MAX_KEY_FILE {
        return Err(Failure::usage(
            "key_unreadable",
            format!("{flag}: the file is larger than {MAX_KEY_FILE} bytes: not a key"),
        ));
    }
    Ok(bytes)
}

fn read_env(name: &str) -> Result<Zeroizing<Vec<u8>>> {
    let Some(value) = std::env::var_os(name) else {
        return Err(Failure::usage(
            "key_unreadable",
            "--key-env: no environment variable of that name is set (pass its name, not its value)",
        ));
    };
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        Zeroizing::new(value.as_bytes().to_vec())
    };
    #[cfg(not(unix))]
    let bytes = Zeroizing::new(
        value
            .into_string()
            .map_err(|_| Failure::usage("key_unreadable", "--key-env: the variable is not UTF-8"))?
            .into_bytes(),
    );
    if bytes.is_empty() {
        return Err(Failure::usage(
            "key_empty",
            "--key-env: the variable is set but empty",
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_secrets_are_explained_not_echoed() {
        let args = |list: &[&str]| {
            list.iter()
                .map(std::ffi::OsString::from)
                .collect::<Vec<_>>()
        };
        let f = inline_secret_flag(args(&["microjwt", "verify", "--key-hex=SEKRIT", "t"])).unwrap();
        assert_eq!(f.kind, "inline_secret");
        assert!(
            f.message.starts_with("--key-hex: secrets are not taken"),
            "{}",
            f.message
        );
        assert!(!f.human().contains("SEKRIT"));
        assert!(inline_secret_flag(args(&["microjwt", "encode", "--key", "SEKRIT"])).is_some());
        assert!(inline_secret_flag(args(&["microjwt", "verify", "--key-file", "k"])).is_none());
        assert!(inline_secret_flag(args(&["microjwt", "encode", "--", "--key"])).is_none());
    }

    #[test]
    fn trailing_newlines() {
        let refused = raw_secret(Zeroizing::new(b"secret\n".to_vec()), "--key-file", false)
            .err()
            .unwrap();
        assert_eq!(refused.kind, "key_trailing_newline");
        assert!(refused.message.contains("a newline"), "{}", refused.message);
        let crlf = raw_secret(Zeroizing::new(b"secret\r\n".to_vec()), "--key-file", false)
            .err()
            .unwrap();
        assert!(crlf.message.contains("CRLF"), "{}", crlf.message);
        let stripped =
            raw_secret(Zeroizing::new(b"secret\r\n".to_vec()), "--key-file", true).unwrap();
        assert_eq!(stripped.as_slice(), b"secret");
        let only_one =
            raw_secret(Zeroizing::new(b"secret\n\n".to_vec()), "--key-file", true).unwrap();
        assert_eq!(only_one.as_slice(), b"secret\n");
        assert!(raw_secret(Zeroizing::new(b"\n".to_vec()), "--key-file", true).is_err());
    }
}
