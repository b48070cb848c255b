//! Driving the `microjwt` binary as a user would: arguments, stdin, files, environment.
#![allow(dead_code)]
// each test file uses its own part of this
// Test helpers: a panic is a failed assertion (clippy allows these in #[test] functions only).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

/// A 32-byte HS256 secret, raw.
pub const KEY: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
/// 2025-12-01T00:00:00Z: every test runs at this time (`--now`), so outputs are exact.
pub const NOW: u64 = 1_764_547_200;
pub const NOW_ISO: &str = "2025-12-01T00:00:00Z";

/// The binary, with a clean slate: no inherited key variables, a time limit so a test that
/// would wait on stdin fails instead of hanging.
pub fn microjwt() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_microjwt"));
    cmd.env_remove("JWT_KEY")
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(30));
    cmd
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Asserts the exit code and returns self, showing everything on failure.
    #[track_caller]
    pub fn code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}: {self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}: {self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn never_shows(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "the secret {secret:?} was printed: {self:#?}"
        );
        self
    }
}

/// Runs `microjwt ARGS`, with `stdin` if given (else an empty, closed stdin).
pub fn run(args: &[&str], stdin: Option<&str>) -> Run {
    run_with(microjwt(), args, stdin)
}

pub fn run_with(mut cmd: assert_cmd::Command, args: &[&str], stdin: Option<&str>) -> Run {
    cmd.args(args);
    cmd.write_stdin(stdin.unwrap_or(""));
    let out = cmd.output().expect("the binary runs");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// A temporary directory for key files.
pub struct Dir(tempfile::TempDir);

impl Dir {
    pub fn new() -> Self {
        Self(tempfile::tempdir().expect("a temporary directory"))
    }

    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.0.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("UTF-8 path").to_owned()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    pub fn root(&self) -> &Path {
        self.0.path()
    }

    /// [`KEY`] in a file.
    pub fn key(&self) -> String {
        self.file("key.bin", KEY)
    }
}

/// `encode` at [`NOW`] with `args`, returning the token.
#[track_caller]
pub fn encode(args: &[&str]) -> String {
    let now = NOW.to_string();
    let mut all = vec!["encode", "--now", now.as_str()];
    all.extend_from_slice(args);
    let run = run(&all, None);
    run.code(0);
    let token = run.stdout.trim_end_matches('\n');
    assert_eq!(token.matches('.').count(), 2, "{run:#?}");
    assert!(!token.contains('\n'));
    token.to_owned()
}

/// The token's header and payload, decoded by `decode --json`.
#[track_caller]
pub fn decoded(token: &str) -> (Value, Value) {
    let run = run(&["decode", "--json", token], None);
    run.code(0);
    let json = run.json();
    (json["header"].clone(), json["payload"].clone())
}
