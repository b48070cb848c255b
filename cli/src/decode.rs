//! `decode` (alias `inspect`): the header and payload, shown WITHOUT checking the signature.

use serde_json::{Value, json};

use crate::cli::DecodeArgs;
use crate::failure::{Class, Failure, Result};
use crate::token::{self, Unverified};
use crate::{hints, output, time};

pub const BANNER: &str = "\
!!! UNVERIFIED: the signature was NOT checked. Anyone can write any header and payload; !!!
!!! do not trust what follows. Check a token with `microjwt verify`.                   !!!
";

/// Runs `decode`.
///
/// # Errors
/// A usage failure when there is no token; rejected when it is not a compact JWS.
pub fn run(args: &DecodeArgs) -> Result<()> {
    let token = token::read(args.token.as_deref(), "decode")?;
    output::stderr(BANNER);
    let parts = Unverified::parse(&token).map_err(|e| {
        let failure = Failure::from_error(Class::Rejected, &e);
        match e {
            microjwt::Error::Malformed => failure.hints(hints::malformed(&token)),
            microjwt::Error::Base64 => failure.hint(
                "a segment is not canonical unpadded base64url: was the token altered or re-encoded?",
            ),
            _ => failure,
        }
    })?;
    let header = parts
        .header
        .clone()
        .map_or_else(|| Value::String(parts.header_text.clone()), Value::Object);
    let payload = parts
        .payload
        .clone()
        .unwrap_or_else(|| Value::String(parts.payload_text.clone()));
    if args.json {
        return output::stdout_json(&json!({
            "header": header,
            "payload": payload,
            "verified": false,
        }));
    }
    let now = match args.now {
        Some(spec) => spec
            .resolve(time::system_now())
            .map_err(|e| Failure::usage("usage", format!("--now: {e}")))?,
        None => time::system_now(),
    };
    let mut text = String::new();
    text.push_str("Header (unverified):\n");
    text.push_str(&pretty(&header, parts.header.is_none(), "header"));
    text.push_str("\nPayload (unverified):\n");
    text.push_str(&pretty(&payload, parts.payload.is_none(), "payload"));
    if let Some(object) = parts.payload.as_ref().and_then(Value::as_object) {
        let lines = hints::date_lines(object, now);
        if !lines.is_empty() {
            text.push_str("\nDates (UTC, compared with ");
            text.push_str(&time::iso(now as f64).unwrap_or_default());
            text.push_str("):\n");
            for line in lines {
                text.push_str("  ");
                text.push_str(&line);
                text.push('\n');
            }
        }
    }
    text.push_str(&format!(
        "\nSignature: {} bytes, not checked{}",
        parts.signature_len,
        parts
            .alg()
            .map(|alg| format!(" (header alg {alg})"))
            .unwrap_or_default()
    ));
    output::stdout_line(&text)
}

fn pretty(value: &Value, not_json: bool, what: &str) -> String {
    if not_json {
        let text = value.as_str().unwrap_or_default();
        return format!("(the {what} is not JSON; its text:)\n{text}\n");
    }
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
