//! `encode` (alias `sign`): claims from JSON, stdin and flags, signed into a token.

use microjwt::{Algorithm, HeaderOptions, Hs256, Hs384, Hs512};
use serde_json::{Map, Value};

use crate::cli::{Alg, EncodeArgs};
use crate::failure::{Class, Failure, Result};
use crate::keys::KeyInput;
use crate::time::{self, TimeSpec};
use crate::{libapi, output, token};

/// How long a token lives when neither `--exp` nor `--no-exp` is given.
pub const DEFAULT_LIFETIME: i64 = 15 * 60;

/// Runs `encode`.
///
/// # Errors
/// A usage failure for claims, times or a key that cannot be used.
pub fn run(args: &EncodeArgs) -> Result<()> {
    let key = KeyInput::load(&args.key)?;
    let (alg, _) = key.resolve_alg(args.key.alg)?;
    let now = match args.now {
        Some(spec) => spec
            .resolve(time::system_now())
            .map_err(|e| time_error("--now", &e))?,
        None => time::system_now(),
    };
    let claims = claims(args, now)?;
    let token = match alg {
        Alg::Hs256 => sign::<Hs256>(args, &key, &claims)?,
        Alg::Hs384 => sign::<Hs384>(args, &key, &claims)?,
        Alg::Hs512 => sign::<Hs512>(args, &key, &claims)?,
    };
    warn_if_unusable(&claims, now);
    output::stdout_line(&token)
}

fn sign<A: Algorithm>(
    args: &EncodeArgs,
    key: &KeyInput,
    claims: &Map<String, Value>,
) -> Result<String> {
    let signing = key.signing_key::<A>(args.kid.as_deref())?;
    let mut header = HeaderOptions::new().typ((!args.no_typ).then_some(args.typ.as_str()));
    if let Some(kid) = &args.kid {
        header = header.kid(kid);
    }
    if let Some(cty) = &args.cty {
        header = header.cty(cty);
    }
    libapi::sign(&signing, &header, claims).map_err(|e| Failure::from_error(Class::Usage, &e))
}

/// The claims: CLAIMS, then `-P`, then the registered-claim flags (`iss`, `sub`, `aud`, `jti`,
/// `iat`, `nbf`, `exp`), each winning over the ones before; then the default `iat` and `exp`
/// when none was given. A claim keeps the position it was first given at.
fn claims(args: &EncodeArgs, now: u64) -> Result<Map<String, Value>> {
    let mut claims = match args.claims.as_deref() {
        None => Map::new(),
        Some("-") => parse_object(
            &token::read_stdin(
                "claims",
                "pass the claims as an argument ('{\"sub\":\"ada\"}') or pipe them (echo '{…}' | microjwt encode … -)",
            )?,
            "the claims on stdin",
        )?,
        Some(text) => parse_object(text, "CLAIMS")?,
    };
    for (name, value) in &args.claim {
        claims.insert(name.clone(), value.clone());
    }
    for (name, value) in [("iss", &args.iss), ("sub", &args.sub)] {
        if let Some(value) = value {
            claims.insert(name.to_owned(), Value::String(value.clone()));
        }
    }
    match args.aud.as_slice() {
        [] => {}
        [one] => {
            claims.insert("aud".to_owned(), Value::String(one.clone()));
        }
        many => {
            claims.insert(
                "aud".to_owned(),
                many.iter().cloned().map(Value::String).collect(),
            );
        }
    }
    if let Some(jti) = &args.jti {
        claims.insert("jti".to_owned(), Value::String(jti.clone()));
    }
    let mut set_time = |name: &str, spec: Option<TimeSpec>| -> Result<()> {
        if let Some(spec) = spec {
            let secs = spec
                .resolve(now)
                .map_err(|e| time_error(&format!("--{name}"), &e))?;
            claims.insert(name.to_owned(), secs.into());
        }
        Ok(())
    };
    set_time("iat", args.iat)?;
    set_time("nbf", args.nbf)?;
    set_time("exp", args.exp)?;
    if !args.no_iat && !claims.contains_key("iat") {
        claims.insert("iat".to_owned(), now.into());
    }
    if !args.no_exp && !claims.contains_key("exp") {
        let exp = TimeSpec::Relative(DEFAULT_LIFETIME)
            .resolve(now)
            .map_err(|e| time_error("exp", &e))?;
        claims.insert("exp".to_owned(), exp.into());
    }
    check_registered(&claims)?;
    Ok(claims)
}

fn parse_object(text: &str, what: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::usage(
            "claims",
            format!("{what} must be a JSON object, e.g. '{{\"sub\":\"ada\"}}'"),
        )),
        Err(e) => Err(Failure::usage(
            "claims",
            format!("{what} is not JSON: {e}"),
        )
        .hint("quote the JSON for the shell: '{\"sub\":\"ada\",\"admin\":true}', or use -P sub=ada -P admin=true")),
    }
}

/// Registered claims of the wrong type would make a token that `verify` (this one and every
/// strict peer) rejects: refuse to make it.
fn check_registered(claims: &Map<String, Value>) -> Result<()> {
    for name in ["exp", "nbf", "iat"] {
        if let Some(value) = claims.get(name)
            && !value.as_f64().is_some_and(|v| v >= 0.0 && v.is_finite())
        {
            return Err(Failure::usage(
                "claims",
                format!(
                    "claim {name} is {value}: a NumericDate is a non-negative number of seconds (use --{name} for times such as +30m)"
                ),
            ));
        }
    }
    for name in ["iss", "sub", "jti"] {
        if let Some(value) = claims.get(name)
            && !value.is_string()
        {
            return Err(Failure::usage(
                "claims",
                format!("claim {name} is {value}: it must be a string"),
            ));
        }
    }
    if let Some(aud) = claims.get("aud") {
        let ok = match aud {
            Value::String(_) => true,
            Value::Array(list) => list.iter().all(Value::is_string),
            _ => false,
        };
        if !ok {
            return Err(Failure::usage(
                "claims",
                format!("claim aud is {aud}: it must be a string or an array of strings"),
            ));
        }
    }
    Ok(())
}

fn warn_if_unusable(claims: &Map<String, Value>, now: u64) {
    #[allow(clippy::cast_precision_loss)]
    let now_f = now as f64;
    if let Some(exp) = claims.get("exp").and_then(Value::as_f64)
        && exp <= now_f
    {
        output::warn(&format!(
            "exp {} is not in the future: the token is already expired",
            time::iso(exp).unwrap_or_default()
        ));
    }
}

fn time_error(flag: &str, detail: &str) -> Failure {
    Failure::usage("usage", format!("{flag}: {detail}"))
}
