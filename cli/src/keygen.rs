//! `keygen`: a random secret from the operating system, as base64url, base64, hex, a JWK, a
//! JWK Set, or raw bytes into a new file.

use std::io::Write;
use std::path::Path;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::{KeyFormat, KeygenArgs};
use crate::failure::{Failure, Result};
use crate::output;

/// The longest secret made: what a JWK's `k` may decode to in the library.
const MAX_BYTES: usize = microjwt::MAX_ENCODED_KEY_LEN;

/// Runs `keygen`.
///
/// # Errors
/// A usage failure for a length out of range, raw output without `--out`, or an `--out` that
/// exists or cannot be written.
pub fn run(args: &KeygenArgs) -> Result<()> {
    let min = args.alg.min_key_len();
    let len = args.bytes.unwrap_or(min);
    if len < min {
        return Err(Failure::usage(
            "key_too_short",
            format!(
                "--bytes {len} is shorter than the {min} bytes {} requires (RFC 7518 §3.2)",
                args.alg.name()
            ),
        ));
    }
    if len > MAX_BYTES {
        return Err(Failure::usage(
            "key_too_long",
            format!("--bytes {len}: at most {MAX_BYTES}"),
        ));
    }
    if args.format == KeyFormat::Raw && args.out.is_none() {
        return Err(Failure::usage(
            "usage",
            "--format raw writes binary: give --out PATH (then use --key-file PATH)",
        ));
    }
    let mut secret = Zeroizing::new(vec![0u8; len]);
    random(&mut secret)?;
    let kid = match &args.kid {
        Some(kid) if kid.is_empty() || kid.len() > microjwt::MAX_KID_LEN => {
            return Err(Failure::usage(
                "usage",
                format!("--kid must be 1 to {} bytes", microjwt::MAX_KID_LEN),
            ));
        }
        Some(kid) => kid.clone(),
        None => {
            let mut id = [0u8; 12];
            random(&mut id)?;
            Base64UrlUnpadded::encode_string(&id)
        }
    };
    let jwk = || {
        json!({
            "kty": "oct",
            "kid": kid,
            "alg": args.alg.name(),
            "use": "sig",
            "k": Base64UrlUnpadded::encode_string(&secret),
        })
    };
    let text: Zeroizing<Vec<u8>> = Zeroizing::new(match args.format {
        KeyFormat::Base64url => line(Base64UrlUnpadded::encode_string(&secret)),
        KeyFormat::Base64 => line(Base64::encode_string(&secret)),
        KeyFormat::Hex => line(base16ct::lower::encode_string(&secret)),
        KeyFormat::Jwk => line(jwk().to_string()),
        KeyFormat::Jwks => line(json!({ "keys": [jwk()] }).to_string()),
        KeyFormat::Raw => secret.to_vec(),
    });
    match &args.out {
        Some(path) => {
            write_new(path, &text)?;
            output::stderr(&format!(
                "wrote a {len}-byte {} key ({}) to {}\n",
                args.alg.name(),
                format_name(args.format),
                path.display()
            ));
            Ok(())
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&text)
                .and_then(|()| out.flush())
                .map_err(|e| Failure::usage("io", format!("writing to stdout: {e}")))
        }
    }
}

fn line(text: String) -> Vec<u8> {
    let mut bytes = text.into_bytes();
    bytes.push(b'\n');
    bytes
}

fn format_name(format: KeyFormat) -> &'static str {
    match format {
        KeyFormat::Base64url => "base64url",
        KeyFormat::Base64 => "base64",
        KeyFormat::Hex => "hex",
        KeyFormat::Jwk => "JWK",
        KeyFormat::Jwks => "JWK Set",
        KeyFormat::Raw => "raw",
    }
}

fn random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| {
        Failure::usage(
            "rng",
            format!("the operating system's random number generator failed: {e}"),
        )
    })
}

/// Creates `path`, refusing to replace a file, readable by its owner only on Unix.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "it exists; keygen never overwrites a key".to_owned()
        } else {
            e.to_string()
        };
        Failure::usage("io", format!("--out {}: {why}", path.display()))
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure::usage("io", format!("--out {}: {e}", path.display())))
}
