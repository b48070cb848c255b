//! Writing to stdout and stderr. A closed stdout (`microjwt … | head -c0`) ends the program
//! quietly instead of panicking.

use std::io::Write;

use crate::failure::{Failure, Result};

/// `text` and a newline on stdout.
///
/// # Errors
/// A usage failure when stdout cannot be written, except a closed pipe, which is success.
pub fn stdout_line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out
        .write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::usage("io", format!("writing to stdout: {e}"))),
    }
}

/// Pretty JSON on stdout.
///
/// # Errors
/// As [`stdout_line`].
pub fn stdout_json(value: &serde_json::Value) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::usage("io", format!("writing JSON: {e}")))?;
    stdout_line(&text)
}

/// `warning: …` on stderr.
pub fn warn(message: &str) {
    stderr(&format!("warning: {message}\n"));
}

/// `text` on stderr, as is; a failure to write there has nowhere to be reported.
pub fn stderr(text: &str) {
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
