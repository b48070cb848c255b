//! `verify`: the signature and the claims, checked by the library; exit 0 valid, 1 rejected,
//! 2 usage error; on failure, the likely cause.

use std::process::ExitCode;

use microjwt::{Algorithm, Hs256, Hs384, Hs512, Validation};
use serde_json::{Value, json};

use crate::cli::{Alg, VerifyArgs};
use crate::failure::{Class, Failure, Result};
use crate::hints::{self, Context};
use crate::keys::{AlgOrigin, KeyInput, Verifier};
use crate::token::{self, Unverified};
use crate::{output, time};

/// An accepted token.
struct Verified {
    header: Value,
    claims: Value,
    alg: Alg,
    now: u64,
}

/// Runs `verify` and reports the outcome as `--json` / `--quiet` say.
pub fn main(args: &VerifyArgs) -> ExitCode {
    match run(args) {
        Ok(verified) => match report(args, &verified) {
            Ok(()) => ExitCode::SUCCESS,
            Err(failure) => fail(args, &failure),
        },
        Err(failure) => fail(args, &failure),
    }
}

fn fail(args: &VerifyArgs, failure: &Failure) -> ExitCode {
    if args.json {
        // Nothing more can be done if stdout is gone; the exit status still tells.
        let _ = output::stdout_json(&failure.json());
    } else if !args.quiet {
        output::stderr(&failure.human());
    }
    failure.exit_code()
}

fn report(args: &VerifyArgs, verified: &Verified) -> Result<()> {
    if args.json {
        return output::stdout_json(&json!({
            "valid": true,
            "header": verified.header,
            "claims": verified.claims,
        }));
    }
    if args.quiet {
        return Ok(());
    }
    let mut summary = format!("valid: {} signature verified", verified.alg.name());
    if let Some(kid) = verified.header.get("kid").and_then(Value::as_str) {
        summary.push_str(&format!(", kid {kid:?}"));
    }
    match verified.claims.get("exp").and_then(Value::as_f64) {
        Some(exp) => summary.push_str(&format!(
            ", expires {} ({})",
            time::iso(exp).unwrap_or_default(),
            time::relative(exp, verified.now)
        )),
        None => summary.push_str(", never expires (no exp)"),
    }
    output::stderr(&format!("{summary}\n"));
    output::stdout_json(&verified.claims)
}

fn run(args: &VerifyArgs) -> Result<Verified> {
    let token = token::read(args.token.as_deref(), "verify")?;
    let key = KeyInput::load(&args.key)?;
    let (alg, origin) = key.resolve_alg(args.key.alg)?;
    let now = match args.now {
        Some(spec) => spec
            .resolve(time::system_now())
            .map_err(|e| Failure::usage("usage", format!("--now: {e}")))?,
        None => time::system_now(),
    };
    let check = Check {
        args,
        key: &key,
        alg,
        origin,
        token: &token,
        now,
    };
    match alg {
        Alg::Hs256 => check.run::<Hs256>(),
        Alg::Hs384 => check.run::<Hs384>(),
        Alg::Hs512 => check.run::<Hs512>(),
    }
}

struct Check<'a> {
    args: &'a VerifyArgs,
    key: &'a KeyInput,
    alg: Alg,
    origin: AlgOrigin,
    token: &'a str,
    now: u64,
}

impl Check<'_> {
    fn run<A: Algorithm>(&self) -> Result<Verified> {
        let args = self.args;
        let verifier = self
            .key
            .verifier::<A>(args.kid.as_deref())
            .map_err(|f| self.key_hints(f))?;
        let audiences: Vec<&str> = args.aud.iter().map(String::as_str).collect();
        let mut validation = Validation::new(self.now)
            .leeway(args.leeway)
            .max_token_len(args.max_len);
        if let Some(iss) = &args.iss {
            validation = validation.issuer(iss);
        }
        if !audiences.is_empty() {
            validation = validation.audience(&audiences);
        }
        if let Some(sub) = &args.sub {
            validation = validation.subject(sub);
        }
        if let Some(typ) = &args.typ {
            validation = validation.typ(typ);
        }
        for claim in &args.require {
            validation = validation.require(claim.claim());
        }
        if args.allow_missing_exp {
            validation = validation.danger_allow_missing_exp();
        }
        let result = match &verifier {
            Verifier::One(key) => microjwt::verify_owned::<Value>(key, self.token, &validation),
            Verifier::Set(keys) => {
                microjwt::verify_owned::<Value>(keys.as_ref(), self.token, &validation)
            }
        };
        match result {
            Ok(claims) => {
                // Authenticated now: the whole header may be shown as the token's.
                let header = Unverified::parse(self.token)
                    .ok()
                    .and_then(|p| p.header)
                    .map_or(Value::Null, Value::Object);
                Ok(Verified {
                    header,
                    claims: claims.custom,
                    alg: self.alg,
                    now: self.now,
                })
            }
            Err(e) => Err(self.explain(&e)),
        }
    }

    /// A key too short for `--alg` is often a key for the algorithm the token names.
    fn key_hints(&self, failure: Failure) -> Failure {
        let token_alg = Unverified::parse(self.token)
            .ok()
            .and_then(|p| p.alg().map(str::to_owned));
        match token_alg {
            Some(token_alg)
                if failure.kind == "key_too_short"
                    && token_alg != self.alg.name()
                    && Alg::from_name(&token_alg).is_some() =>
            {
                failure.hint(format!(
                    "the token's header says alg {token_alg}: pass --alg {token_alg}"
                ))
            }
            _ => failure,
        }
    }

    fn explain(&self, e: &microjwt::Error) -> Failure {
        let parts = Unverified::parse(self.token).ok();
        let cx = Context {
            parts: parts.as_ref(),
            args: self.args,
            key: self.key,
            alg: self.alg,
            origin: self.origin,
        };
        let (message, hints) = hints::rejected(e, &cx);
        let mut failure = Failure::from_error(Class::Rejected, e).hints(hints);
        if let Some(message) = message {
            failure.message = message;
        }
        match e {
            microjwt::Error::Malformed => failure.hints(hints::malformed(self.token)),
            // The key chosen for this token may only sign: the key, not the token, is at fault.
            microjwt::Error::KeyOperationNotPermitted => Failure {
                class: Class::Usage,
                ..failure
                    .hint("the key that matches this token's kid has key_ops without \"verify\"")
            },
            _ => failure,
        }
    }
}
