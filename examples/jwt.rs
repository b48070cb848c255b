//! `jwt`: sign, inspect and verify HMAC JWTs from the command line.
//!
//! ```text
//! cargo run --features std --example jwt -- sign --key-hex 0011…  '{"sub":"ada"}' --exp-in 3600
//! cargo run --features std --example jwt -- inspect eyJhbGciOi…
//! cargo run --features std --example jwt -- verify --key-hex 0011… --aud api eyJhbGciOi…
//! ```
//!
//! Exit status: 0 with the claims as JSON when valid; 1 with `error: <kind>: <message>` on
//! stderr when the token is rejected; 2 on usage errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // a demo: a panic is a bug report

use std::io::Read;
use std::process::ExitCode;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use microjwt::{
    Algorithm, HeaderOptions, HmacKey, Hs256, Hs384, Hs512, UntrustedToken, Validation,
};

const USAGE: &str = "\
usage:
  jwt sign    [--alg HS256|HS384|HS512] KEY [--kid KID] [--exp-in SECONDS] [CLAIMS_JSON]
  jwt inspect [TOKEN]
  jwt verify  [--alg HS256|HS384|HS512] KEY [--iss ISSUER] [--aud AUDIENCE]...
              [--leeway SECONDS] [--now UNIX_SECONDS] [TOKEN]

KEY is one of: --key TEXT | --key-hex HEX | --key-b64 BASE64(URL) | --key-file PATH
CLAIMS_JSON and TOKEN are read from stdin when not given.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(message)) => {
            eprintln!("usage error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Rejected(kind, message)) => {
            eprintln!("error: {kind}: {message}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    Usage(String),
    /// The kind is the `Error` variant's name, for scripts; the message is its `Display`.
    Rejected(String, String),
}

impl From<microjwt::Error> for Failure {
    fn from(e: microjwt::Error) -> Self {
        let debug = format!("{e:?}");
        let kind = debug
            .split(['(', ' ', '{'])
            .next()
            .unwrap_or("Error")
            .to_string();
        Failure::Rejected(kind, e.to_string())
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// Parsed command-line options: `--name value` pairs (repeatable) and positional arguments.
struct Options {
    pairs: Vec<(String, String)>,
    positional: Vec<String>,
}

impl Options {
    fn parse(args: &[String], known: &[&str]) -> Result<Self, Failure> {
        let mut pairs = Vec::new();
        let mut positional = Vec::new();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if let Some(name) = arg.strip_prefix("--") {
                if !known.contains(&name) {
                    return Err(usage(format!("unknown option --{name}")));
                }
                let value = args
                    .next()
                    .ok_or_else(|| usage(format!("--{name} needs a value")))?;
                pairs.push((name.to_string(), value.clone()));
            } else {
                positional.push(arg.clone());
            }
        }
        if positional.len() > 1 {
            return Err(usage("too many arguments"));
        }
        Ok(Self { pairs, positional })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn number(&self, name: &str) -> Result<Option<u64>, Failure> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| usage(format!("--{name} takes a whole number of seconds")))
            })
            .transpose()
    }

    /// The positional argument, or all of stdin, trimmed.
    fn input(&self) -> Result<String, Failure> {
        match self.positional.first() {
            Some(arg) => Ok(arg.clone()),
            None => {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| usage(format!("reading stdin: {e}")))?;
                Ok(text.trim().to_string())
            }
        }
    }

    fn secret(&self) -> Result<Vec<u8>, Failure> {
        let given: Vec<_> = ["key", "key-hex", "key-b64", "key-file"]
            .into_iter()
            .filter(|k| self.get(k).is_some())
            .collect();
        let [which] = given[..] else {
            return Err(usage(
                "give exactly one of --key, --key-hex, --key-b64, --key-file",
            ));
        };
        let value = self.get(which).unwrap_or_default();
        match which {
            "key" => Ok(value.as_bytes().to_vec()),
            "key-hex" => decode_hex(value).ok_or_else(|| usage("--key-hex is not hexadecimal")),
            "key-b64" => Base64UrlUnpadded::decode_vec(value.trim_end_matches('='))
                .or_else(|_| Base64::decode_vec(value))
                .map_err(|_| usage("--key-b64 is not base64 or base64url")),
            _ => std::fs::read(value).map_err(|e| usage(format!("--key-file {value}: {e}"))),
        }
    }
}

fn run(args: &[String]) -> Result<String, Failure> {
    let (command, rest) = args.split_first().ok_or_else(|| usage("no command"))?;
    match command.as_str() {
        "sign" => {
            let opts = Options::parse(
                rest,
                &[
                    "alg", "key", "key-hex", "key-b64", "key-file", "kid", "exp-in",
                ],
            )?;
            with_alg(&opts, |alg| alg.sign(&opts))
        }
        "verify" => {
            let opts = Options::parse(
                rest,
                &[
                    "alg", "key", "key-hex", "key-b64", "key-file", "iss", "aud", "leeway", "now",
                ],
            )?;
            with_alg(&opts, |alg| alg.verify(&opts))
        }
        "inspect" => inspect(&Options::parse(rest, &[])?),
        "help" | "--help" | "-h" => Ok(USAGE.to_string()),
        other => Err(usage(format!("unknown command {other}"))),
    }
}

/// Dispatches on `--alg` to code generic over the algorithm type.
fn with_alg(
    opts: &Options,
    f: impl FnOnce(&dyn Command) -> Result<String, Failure>,
) -> Result<String, Failure> {
    match opts.get("alg").unwrap_or("HS256") {
        "HS256" => f(&Alg::<Hs256>::default()),
        "HS384" => f(&Alg::<Hs384>::default()),
        "HS512" => f(&Alg::<Hs512>::default()),
        other => Err(usage(format!(
            "unsupported --alg {other}: HS256, HS384 or HS512"
        ))),
    }
}

trait Command {
    fn sign(&self, opts: &Options) -> Result<String, Failure>;
    fn verify(&self, opts: &Options) -> Result<String, Failure>;
}

#[derive(Default)]
struct Alg<A>(A);

impl<A: Algorithm> Command for Alg<A> {
    fn sign(&self, opts: &Options) -> Result<String, Failure> {
        let key = HmacKey::<A>::new(&opts.secret()?)?;
        let mut claims: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&opts.input()?)
                .map_err(|e| usage(format!("claims must be a JSON object: {e}")))?;
        if let Some(seconds) = opts.number("exp-in")? {
            let now = microjwt::unix_now();
            claims.insert("iat".into(), now.into());
            claims.insert("exp".into(), now.saturating_add(seconds).into());
        }
        let mut header = HeaderOptions::new();
        if let Some(kid) = opts.get("kid") {
            header = header.kid(kid);
        }
        Ok(microjwt::sign_to_string_with_header(
            &key, &header, &claims,
        )?)
    }

    fn verify(&self, opts: &Options) -> Result<String, Failure> {
        let key = HmacKey::<A>::new(&opts.secret()?)?;
        let now = opts.number("now")?.unwrap_or_else(microjwt::unix_now);
        let audiences = opts.all("aud");
        let mut validation = Validation::new(now).leeway(opts.number("leeway")?.unwrap_or(0));
        if let Some(iss) = opts.get("iss") {
            validation = validation.issuer(iss);
        }
        if !audiences.is_empty() {
            validation = validation.audience(&audiences);
        }
        let token = opts.input()?;
        let claims = microjwt::verify_owned::<serde_json::Value>(&key, &token, &validation)?;
        Ok(serde_json::to_string_pretty(&claims.custom).unwrap_or_default())
    }
}

fn inspect(opts: &Options) -> Result<String, Failure> {
    eprintln!(
        "WARNING: NOT VERIFIED. Anyone can write anything in a token; do not trust this output."
    );
    let token = opts.input()?;
    let untrusted = UntrustedToken::parse(&token, usize::MAX)?;
    let header = decoded_text(untrusted.header_b64())?;
    let payload = decoded_text(untrusted.payload_b64())?;
    let pretty = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| text.to_string())
    };
    Ok(format!(
        "header (unverified):\n{}\npayload (unverified):\n{}",
        pretty(&header),
        pretty(&payload)
    ))
}

/// Decodes a segment for display, whatever it holds.
fn decoded_text(b64: &str) -> Result<String, Failure> {
    let bytes = Base64UrlUnpadded::decode_vec(b64).map_err(|_| microjwt::Error::Base64)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
