//! Reading a token (argument or stdin, never a silent wait on a terminal) and looking inside it
//! without checking it.

use std::io::{IsTerminal, Read};

use base64ct::{Base64UrlUnpadded, Encoding};
use microjwt::{Error, UntrustedToken};
use serde_json::{Map, Value};

use crate::failure::{Failure, Result};

/// The most read from stdin: far above any token `verify` accepts (`--max-len`), so that a
/// too-long token is reported as such rather than truncated.
const MAX_STDIN: u64 = 16 << 20;

/// The token from the argument, or from stdin when the argument is absent or `-`.
///
/// Surrounding whitespace and a `Bearer ` prefix (as copied from an `Authorization` header) are
/// removed.
///
/// # Errors
/// A usage failure when stdin is a terminal (nothing was piped), is empty, or is not UTF-8.
pub fn read(arg: Option<&str>, command: &str) -> Result<String> {
    let text = match arg {
        Some(token) if token != "-" => token.to_owned(),
        _ => read_stdin(
            "token",
            &format!(
                "pass the token as an argument (microjwt {command} \"$TOKEN\") or pipe it (echo \"$TOKEN\" | microjwt {command} …)"
            ),
        )?,
    };
    let token = text.trim();
    let token = strip_bearer(token).trim();
    if token.is_empty() {
        return Err(Failure::usage("no_token", "the token is empty"));
    }
    Ok(token.to_owned())
}

/// All of stdin as text, refusing to wait on a terminal.
///
/// # Errors
/// As [`read`].
pub fn read_stdin(what: &str, how: &str) -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(Failure::usage(
            "no_input",
            format!("no {what} given, and stdin is a terminal"),
        )
        .hint(how.to_owned()));
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_STDIN)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::usage("no_input", format!("reading stdin: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::usage("no_input", format!("the {what} on stdin is not UTF-8 text"))
    })?;
    if text.trim().is_empty() {
        return Err(
            Failure::usage("no_input", format!("no {what} given: stdin was empty"))
                .hint(how.to_owned()),
        );
    }
    Ok(text)
}

fn strip_bearer(token: &str) -> &str {
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token.get(7..).unwrap_or(token),
        _ => token,
    }
}

/// A token's segments decoded, nothing checked.
#[derive(Debug)]
pub struct Unverified {
    /// The header as JSON, or `None` with its text in `header_text`.
    pub header: Option<Map<String, Value>>,
    pub header_text: String,
    /// The payload as JSON (any value), or `None` with its text in `payload_text`.
    pub payload: Option<Value>,
    pub payload_text: String,
    pub signature_len: usize,
}

impl Unverified {
    /// Splits and decodes `token` the way the library splits it.
    ///
    /// # Errors
    /// [`Error::Malformed`] or [`Error::Base64`].
    pub fn parse(token: &str) -> Result<Self, Error> {
        let untrusted = UntrustedToken::parse(token, usize::MAX)?;
        let decode = |b64: &str| Base64UrlUnpadded::decode_vec(b64).map_err(|_| Error::Base64);
        let header_bytes = decode(untrusted.header_b64())?;
        let payload_bytes = decode(untrusted.payload_b64())?;
        let signature_len = decode(untrusted.signature_b64())?.len();
        let header = serde_json::from_slice::<Value>(&header_bytes)
            .ok()
            .and_then(|v| match v {
                Value::Object(map) => Some(map),
                _ => None,
            });
        let payload = serde_json::from_slice::<Value>(&payload_bytes).ok();
        Ok(Self {
            header,
            header_text: String::from_utf8_lossy(&header_bytes).into_owned(),
            payload,
            payload_text: String::from_utf8_lossy(&payload_bytes).into_owned(),
            signature_len,
        })
    }

    /// The header's `alg`, if it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.as_ref()?.get("alg")?.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_prefix() {
        assert_eq!(strip_bearer("Bearer a.b.c"), "a.b.c");
        assert_eq!(strip_bearer("bearer a.b.c"), "a.b.c");
        assert_eq!(strip_bearer("a.b.c"), "a.b.c");
        assert_eq!(strip_bearer("Bear"), "Bear");
    }

    #[test]
    fn parts() {
        // RFC 7519 §3.1
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let parts = Unverified::parse(token).unwrap();
        assert_eq!(parts.alg(), Some("HS256"));
        assert_eq!(parts.payload.as_ref().unwrap()["iss"], "joe");
        assert_eq!(parts.signature_len, 32);
        assert_eq!(Unverified::parse("a.b").unwrap_err(), Error::Malformed);
        assert_eq!(Unverified::parse("a.b.c").unwrap_err(), Error::Base64);
    }
}
