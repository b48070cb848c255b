//! Where the token comes from: the argument, `-`, or a pipe; never a silent wait on a terminal.

mod common;
use common::{Dir, NOW, encode, microjwt, run, run_with};

fn now() -> String {
    NOW.to_string()
}

#[test]
fn token_from_argument_dash_or_pipe() {
    let dir = Dir::new();
    let key = dir.key();
    let token = encode(&["--key-file", &key, "--sub", "ada"]);
    let n = now();
    let base = [
        "verify",
        "--key-file",
        key.as_str(),
        "--now",
        n.as_str(),
        "-q",
    ];
    run(&[&base[..], &[token.as_str()]].concat(), None).code(0);
    run(&[&base[..], &["-"]].concat(), Some(&token)).code(0);
    // A pipe usually ends in a newline; copied from an HTTP header it starts with "Bearer ".
    run(&base, Some(&format!("{token}\n"))).code(0);
    run(&base, Some(&format!("Bearer {token}\r\n"))).code(0);
    let d = run(&["decode", "--json"], Some(&format!("  {token}\n")));
    d.code(0);
    assert_eq!(d.json()["payload"]["sub"], "ada");
}

#[test]
fn empty_stdin_is_a_usage_error_not_a_wait() {
    let dir = Dir::new();
    let key = dir.key();
    for command in [
        vec!["verify", "--key-file", key.as_str()],
        vec!["verify", "--key-file", key.as_str(), "-"],
        vec!["decode"],
        vec!["inspect", "-"],
    ] {
        run(&command, Some(""))
            .code(2)
            .stderr_has("no token given: stdin was empty")
            .stderr_has("pipe it");
    }
    run(&["decode"], Some(" \n\n")).code(2);
    run(&["encode", "--key-file", &key, "-"], Some(""))
        .code(2)
        .stderr_has("no claims given: stdin was empty");
}

#[test]
fn stdin_that_is_not_text() {
    let mut cmd = microjwt();
    cmd.args(["decode"]).write_stdin(vec![0xff, 0xfe, b'.']);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
}

/// Runs the binary on a pseudo-terminal with util-linux `script`, which gives the child a TTY
/// as stdin: the tool must exit 2 at once instead of waiting for input.
#[test]
fn a_terminal_on_stdin_is_never_waited_on() {
    let has_script = std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("util-linux `script` not found: terminal test not run");
        return;
    }
    let dir = Dir::new();
    let key = dir.key();
    let bin = env!("CARGO_BIN_EXE_microjwt");
    for args in [
        format!("verify --key-file '{key}'"),
        format!("verify --key-file '{key}' -"),
        "decode".to_owned(),
        format!("encode --key-file '{key}' -"),
    ] {
        // -e: return the child's exit status; -q: no banner; the log goes nowhere.
        let mut cmd = assert_cmd::Command::new("script");
        cmd.args(["-qec", &format!("'{bin}' {args}"), "/dev/null"])
            .timeout(std::time::Duration::from_secs(20));
        let out = run_with(cmd, &[], None);
        assert_eq!(out.code, 2, "{args}: {out:#?}");
        assert!(
            out.stdout.contains("stdin is a terminal"),
            "{args}: {out:#?}"
        );
    }
}
