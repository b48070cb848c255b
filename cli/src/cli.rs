//! The command line, as clap types. Parsing only: what the values mean lives in the command
//! modules.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::time::{self, TimeSpec};

const AFTER_HELP: &str = "\
Exit status: 0 valid (or done), 1 token rejected, 2 usage error (bad arguments, unusable key).

Keys are read from a file, an environment variable or a JWK, never from the command line:
arguments show up in `ps` and in shell history. Generate one with `microjwt keygen`.";

/// Make, inspect and verify HMAC JSON Web Tokens (HS256, HS384, HS512), strictly.
#[derive(Debug, Parser)]
#[command(name = "microjwt", version, after_help = AFTER_HELP)]
#[command(
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make and sign a token; prints it on stdout.
    #[command(visible_alias = "sign", after_help = ENCODE_EXAMPLES)]
    Encode(EncodeArgs),
    /// Show a token's header and payload WITHOUT checking its signature.
    #[command(visible_alias = "inspect", after_help = DECODE_EXAMPLES)]
    Decode(DecodeArgs),
    /// Check a token's signature and claims: exit 0 valid, 1 rejected, 2 usage error.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Generate a random secret from the operating system's random number generator.
    #[command(after_help = KEYGEN_EXAMPLES)]
    Keygen(KeygenArgs),
    /// Print a shell completion script on stdout.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
}

const ENCODE_EXAMPLES: &str = "\
Examples:
  microjwt encode --key-file key.bin --sub ada --aud api -P admin=true
  microjwt encode --jwk key.jwk '{\"sub\":\"ada\",\"scope\":\"read\"}' --exp +1h
  echo '{\"sub\":\"ada\"}' | microjwt sign --key-env JWT_KEY --key-encoding base64url -

Unless given, `iat` is the current time and `exp` is 15 minutes later (--no-exp writes none).
TIME is `now`, +DURATION / -DURATION from now (+30m, +1h30m, +7d, +3600), Unix seconds
(1764547200) or RFC 3339 (2026-12-01T00:00:00Z, 2026-12-01).";

const DECODE_EXAMPLES: &str = "\
Examples:
  microjwt decode eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl
  pbpaste | microjwt inspect --json | jq .payload

Nothing shown here is trustworthy: anyone can write any header and payload. Use `verify`.";

const VERIFY_EXAMPLES: &str = "\
Examples:
  microjwt verify --key-file key.bin --aud api \"$TOKEN\"
  echo \"$TOKEN\" | microjwt verify --jwk keys.jwks --iss https://auth.example --json
  microjwt verify --key-env JWT_KEY --key-encoding base64 --now 2026-12-01T00:00:00Z \"$TOKEN\"

Exit status: 0 valid, 1 rejected, 2 usage error (arguments, missing token, unusable key).
On failure the error names the likely cause: a header `alg` other than --alg, a key that looks
hex or base64 but was read raw, a token `aud` with no --aud, the time it expired.";

const KEYGEN_EXAMPLES: &str = "\
Examples:
  microjwt keygen                                # 32 random bytes as base64url, for HS256
  microjwt keygen --alg HS512 --format jwk --out key.jwk
  export JWT_KEY=\"$(microjwt keygen)\"            # then: --key-env JWT_KEY --key-encoding base64url";

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  microjwt completions bash > ~/.local/share/bash-completion/completions/microjwt
  microjwt completions zsh > \"${fpath[1]}/_microjwt\"
  microjwt completions fish > ~/.config/fish/completions/microjwt.fish";

/// The HMAC algorithm of the key (RFC 7518 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Alg {
    #[value(name = "HS256")]
    Hs256,
    #[value(name = "HS384")]
    Hs384,
    #[value(name = "HS512")]
    Hs512,
}

impl Alg {
    pub const fn name(self) -> &'static str {
        match self {
            Alg::Hs256 => "HS256",
            Alg::Hs384 => "HS384",
            Alg::Hs512 => "HS512",
        }
    }

    /// The shortest key RFC 7518 §3.2 allows, in bytes: the hash output size.
    pub const fn min_key_len(self) -> usize {
        match self {
            Alg::Hs256 => 32,
            Alg::Hs384 => 48,
            Alg::Hs512 => 64,
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "HS256" => Some(Alg::Hs256),
            "HS384" => Some(Alg::Hs384),
            "HS512" => Some(Alg::Hs512),
            _ => None,
        }
    }
}

/// How the bytes of `--key-file` or `--key-env` encode the secret.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum KeyEncoding {
    /// The bytes are the secret, exactly (a trailing newline is refused, see --strip-newline).
    #[default]
    Raw,
    /// Hexadecimal digits, either case.
    Hex,
    /// Standard base64 with padding, as `openssl rand -base64 32` prints.
    Base64,
    /// Unpadded base64url, as a JWK's `k` and `microjwt keygen` print.
    Base64url,
}

impl KeyEncoding {
    pub const fn name(self) -> &'static str {
        match self {
            KeyEncoding::Raw => "raw",
            KeyEncoding::Hex => "hex",
            KeyEncoding::Base64 => "base64",
            KeyEncoding::Base64url => "base64url",
        }
    }
}

/// Where the secret comes from: exactly one source.
#[derive(Debug, Args)]
#[group(id = "key", required = true, multiple = false)]
pub struct KeySource {
    /// Read the secret from a file (its bytes, as --key-encoding says).
    #[arg(long, value_name = "PATH", help_heading = "Key")]
    pub key_file: Option<PathBuf>,
    /// Read the secret from an environment variable (its bytes, as --key-encoding says).
    #[arg(long, value_name = "NAME", help_heading = "Key")]
    pub key_env: Option<String>,
    /// Read a JWK (`{"kty":"oct","k":…}`) or a JWK Set (`{"keys":[…]}`) from a file; its `alg`,
    /// `use`, `key_ops` and `kid` are honoured.
    #[arg(long, value_name = "FILE", help_heading = "Key")]
    pub jwk: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(flatten)]
    pub source: KeySource,
    /// How the secret in --key-file / --key-env is encoded. Encoded secrets may be surrounded by
    /// whitespace (a trailing newline); raw ones may not.
    #[arg(
        long,
        value_enum,
        default_value_t,
        value_name = "ENCODING",
        help_heading = "Key"
    )]
    pub key_encoding: KeyEncoding,
    /// With a raw key: drop one trailing newline (`\n` or `\r\n`) instead of refusing the key.
    #[arg(long, help_heading = "Key")]
    pub strip_newline: bool,
    /// The algorithm [default: the JWK's `alg`, else HS256].
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        value_name = "ALG",
        help_heading = "Key"
    )]
    pub alg: Option<Alg>,
}

#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// The claims as a JSON object, or `-` to read them from stdin [default: {}].
    #[arg(value_name = "CLAIMS")]
    pub claims: Option<String>,
    /// Add a claim; VALUE is parsed as JSON if it parses (true, 42, ["a","b"]), else taken as a
    /// string. Repeatable; wins over CLAIMS.
    #[arg(short = 'P', long = "claim", value_name = "NAME=VALUE", value_parser = parse_claim, action = ArgAction::Append)]
    pub claim: Vec<(String, serde_json::Value)>,
    /// `exp`, the expiration time [default: +15m].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, allow_hyphen_values = true, conflicts_with = "no_exp", help_heading = "Registered claims")]
    pub exp: Option<TimeSpec>,
    /// Write no `exp`: the token never expires (`verify` then needs --allow-missing-exp).
    #[arg(long, help_heading = "Registered claims")]
    pub no_exp: bool,
    /// `nbf`, the time before which the token is not valid.
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, allow_hyphen_values = true, help_heading = "Registered claims")]
    pub nbf: Option<TimeSpec>,
    /// `iat`, the time the token was issued [default: now].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, allow_hyphen_values = true, conflicts_with = "no_iat", help_heading = "Registered claims")]
    pub iat: Option<TimeSpec>,
    /// Write no `iat`.
    #[arg(long, help_heading = "Registered claims")]
    pub no_iat: bool,
    /// `iss`, the issuer.
    #[arg(long, value_name = "ISSUER", help_heading = "Registered claims")]
    pub iss: Option<String>,
    /// `sub`, the subject.
    #[arg(long, value_name = "SUBJECT", help_heading = "Registered claims")]
    pub sub: Option<String>,
    /// `aud`, the audience; repeat for several (then written as an array).
    #[arg(long, value_name = "AUDIENCE", action = ArgAction::Append, help_heading = "Registered claims")]
    pub aud: Vec<String>,
    /// `jti`, the token's unique id.
    #[arg(long, value_name = "ID", help_heading = "Registered claims")]
    pub jti: Option<String>,
    /// The header's `kid` [default: the JWK's]. With a JWK Set, selects the signing key.
    #[arg(long, value_name = "KID", help_heading = "Header")]
    pub kid: Option<String>,
    /// The header's `typ`.
    #[arg(
        long,
        value_name = "TYP",
        default_value = "JWT",
        conflicts_with = "no_typ",
        help_heading = "Header"
    )]
    pub typ: String,
    /// Write no `typ` in the header.
    #[arg(long, help_heading = "Header")]
    pub no_typ: bool,
    /// The header's `cty` (content type of the payload).
    #[arg(long, value_name = "CTY", help_heading = "Header")]
    pub cty: Option<String>,
    /// The time relative TIMEs count from, and the default `iat` [default: the system clock].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, allow_hyphen_values = true)]
    pub now: Option<TimeSpec>,
    #[command(flatten)]
    pub key: KeyArgs,
}

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The token, or `-` to read it from stdin [default: stdin].
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Print one JSON object: {"header":…,"payload":…,"verified":false}.
    #[arg(long)]
    pub json: bool,
    /// The time shown dates are compared with [default: the system clock].
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, allow_hyphen_values = true)]
    pub now: Option<TimeSpec>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The token, or `-` to read it from stdin [default: stdin].
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
    /// Require `iss` to be ISSUER.
    #[arg(long, value_name = "ISSUER", help_heading = "Checks")]
    pub iss: Option<String>,
    /// Require `aud` to contain AUDIENCE (repeat to accept any of several). A token with an
    /// `aud` is rejected when none is given (RFC 7519 §4.1.3).
    #[arg(long, value_name = "AUDIENCE", action = ArgAction::Append, help_heading = "Checks")]
    pub aud: Vec<String>,
    /// Require `sub` to be SUBJECT.
    #[arg(long, value_name = "SUBJECT", help_heading = "Checks")]
    pub sub: Option<String>,
    /// Require the header's `typ` to be TYP (case-insensitive, `application/` optional).
    #[arg(long, value_name = "TYP", help_heading = "Checks")]
    pub typ: Option<String>,
    /// Require these claims to be present (repeatable).
    #[arg(long, value_enum, value_name = "CLAIM", action = ArgAction::Append, help_heading = "Checks")]
    pub require: Vec<RequiredClaim>,
    /// Accept `exp`/`nbf` this far off, for clock skew: seconds or a duration (30, 30s, 2m).
    #[arg(long, value_name = "DURATION", value_parser = time::parse_leeway, default_value = "0", help_heading = "Checks")]
    pub leeway: u64,
    /// Check the time claims at TIME instead of the system clock.
    #[arg(long, value_name = "TIME", value_parser = time::parse_time, allow_hyphen_values = true, help_heading = "Checks")]
    pub now: Option<TimeSpec>,
    /// Accept a token without `exp` (it never expires).
    #[arg(long, help_heading = "Checks")]
    pub allow_missing_exp: bool,
    /// Reject tokens longer than BYTES before any work.
    #[arg(long, value_name = "BYTES", default_value_t = microjwt::DEFAULT_MAX_TOKEN_LEN, help_heading = "Checks")]
    pub max_len: usize,
    /// With a JWK Set: the key that checks tokens without a `kid`.
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// Print JSON on stdout: {"valid":true,"header":…,"claims":…} or {"valid":false,"error":…}.
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// Print nothing; the exit status says it all.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub key: KeyArgs,
}

/// A registered claim `verify --require` can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RequiredClaim {
    Iss,
    Sub,
    Aud,
    Exp,
    Nbf,
    Iat,
    Jti,
}

impl RequiredClaim {
    pub const fn claim(self) -> microjwt::Claim {
        match self {
            RequiredClaim::Iss => microjwt::Claim::Iss,
            RequiredClaim::Sub => microjwt::Claim::Sub,
            RequiredClaim::Aud => microjwt::Claim::Aud,
            RequiredClaim::Exp => microjwt::Claim::Exp,
            RequiredClaim::Nbf => microjwt::Claim::Nbf,
            RequiredClaim::Iat => microjwt::Claim::Iat,
            RequiredClaim::Jti => microjwt::Claim::Jti,
        }
    }
}

/// How `keygen` prints the secret.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum KeyFormat {
    /// Unpadded base64url (use with --key-encoding base64url).
    #[default]
    Base64url,
    /// Standard padded base64 (use with --key-encoding base64).
    Base64,
    /// Lowercase hexadecimal (use with --key-encoding hex).
    Hex,
    /// A JWK with `kty`, `kid`, `alg`, `use` and `k` (use with --jwk).
    Jwk,
    /// A JWK Set holding one such JWK (use with --jwk).
    Jwks,
    /// The bytes themselves; needs --out (use with --key-file).
    Raw,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The algorithm the key is for: sets the default length and the JWK's `alg`.
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        default_value = "HS256",
        value_name = "ALG"
    )]
    pub alg: Alg,
    /// How many random bytes [default: the algorithm's minimum, 32/48/64].
    #[arg(long, value_name = "N")]
    pub bytes: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t, value_name = "FORMAT")]
    pub format: KeyFormat,
    /// The JWK's `kid` [default: 16 random base64url characters].
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// Write to a new file (mode 0600 on Unix) instead of stdout.
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `NAME=VALUE`, the value as JSON when it parses, else as a string.
fn parse_claim(text: &str) -> Result<(String, serde_json::Value), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| "expected NAME=VALUE, e.g. -P admin=true or -P name=ada".to_owned())?;
    if name.is_empty() {
        return Err("the claim name before `=` is empty".to_owned());
    }
    let value =
        serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
    Ok((name.to_owned(), value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn claim_values_are_json_when_they_parse() {
        assert_eq!(
            parse_claim("admin=true").unwrap(),
            ("admin".into(), serde_json::json!(true))
        );
        assert_eq!(
            parse_claim("n=42").unwrap(),
            ("n".into(), serde_json::json!(42))
        );
        assert_eq!(
            parse_claim("id=007").unwrap(),
            ("id".into(), serde_json::json!("007"))
        );
        assert_eq!(
            parse_claim("eq=a=b").unwrap(),
            ("eq".into(), serde_json::json!("a=b"))
        );
        assert_eq!(
            parse_claim("roles=[\"a\",\"b\"]").unwrap(),
            ("roles".into(), serde_json::json!(["a", "b"]))
        );
        assert_eq!(
            parse_claim("empty=").unwrap(),
            ("empty".into(), serde_json::json!(""))
        );
        assert!(parse_claim("=x").is_err());
        assert!(parse_claim("novalue").is_err());
    }
}
