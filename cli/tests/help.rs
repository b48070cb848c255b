//! `--help` for every command, `--version`, completions, and clap's usage errors (exit 2).

mod common;
use common::run;

#[test]
fn version_comes_from_cargo() {
    let out = run(&["--version"], None);
    out.code(0);
    assert_eq!(
        out.stdout,
        format!("microjwt {}\n", env!("CARGO_PKG_VERSION"))
    );
    // Every subcommand knows it too.
    run(&["verify", "--version"], None)
        .code(0)
        .stdout_has(env!("CARGO_PKG_VERSION"));
}

#[test]
fn every_command_has_its_own_help() {
    for (command, says) in [
        (
            vec!["--help"],
            "Make, inspect and verify HMAC JSON Web Tokens",
        ),
        (vec!["encode", "--help"], "--exp <TIME>"),
        (vec!["sign", "--help"], "--no-exp"),
        (vec!["decode", "--help"], "WITHOUT checking its signature"),
        (vec!["inspect", "--help"], "--json"),
        (vec!["verify", "--help"], "--allow-missing-exp"),
        (vec!["keygen", "--help"], "--format <FORMAT>"),
        (vec!["completions", "--help"], "<SHELL>"),
        (vec!["help", "verify"], "--leeway <DURATION>"),
    ] {
        let out = run(&command, None);
        out.code(0).stdout_has(says).stdout_has("Usage: microjwt");
    }
    let encode = run(&["encode", "--help"], None);
    for flag in [
        "--claim <NAME=VALUE>",
        "--nbf <TIME>",
        "--iat <TIME>",
        "--iss <ISSUER>",
        "--sub <SUBJECT>",
        "--aud <AUDIENCE>",
        "--jti <ID>",
        "--kid <KID>",
        "--typ <TYP>",
        "--key-file <PATH>",
        "--key-env <NAME>",
        "--jwk <FILE>",
        "--key-encoding <ENCODING>",
        "--strip-newline",
        "--alg <ALG>",
    ] {
        encode.stdout_has(flag);
    }
    let verify = run(&["verify", "--help"], None);
    for flag in [
        "--iss <ISSUER>",
        "--aud <AUDIENCE>",
        "--sub <SUBJECT>",
        "--leeway <DURATION>",
        "--now <TIME>",
        "--max-len <BYTES>",
        "--json",
        "--quiet",
        "--require <CLAIM>",
        "Exit status: 0 valid, 1 rejected, 2 usage error",
    ] {
        verify.stdout_has(flag);
    }
    run(&["verify", "--help"], None).stdout_has("Exit status");
}

#[test]
fn no_command_is_a_usage_error() {
    let out = run(&[], None);
    out.code(2).stderr_has("Usage: microjwt <COMMAND>");
    run(&["frobnicate"], None)
        .code(2)
        .stderr_has("unrecognized subcommand 'frobnicate'");
}

#[test]
fn missing_and_unknown_flags_are_usage_errors() {
    run(&["verify", "a.b.c"], None)
        .code(2)
        .stderr_has("the following required arguments were not provided")
        .stderr_has("--key-file <PATH>|--key-env <NAME>|--jwk <FILE>");
    run(
        &["verify", "--key-file", "k", "--key-env", "K", "a.b.c"],
        None,
    )
    .code(2)
    .stderr_has("cannot be used with");
    run(&["encode", "--key-env", "K", "--alg", "RS256"], None)
        .code(2)
        .stderr_has("invalid value 'RS256' for '--alg <ALG>'")
        .stderr_has("[possible values: HS256, HS384, HS512]");
    run(
        &["encode", "--key-env", "K", "--exp", "+1h", "--no-exp"],
        None,
    )
    .code(2)
    .stderr_has("cannot be used with");
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_microjwt()"),
        ("zsh", "#compdef microjwt"),
        ("fish", "complete -c microjwt"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[microjwt]"),
    ] {
        let out = run(&["completions", shell], None);
        out.code(0).stdout_has(marker).stdout_has("verify");
    }
    run(&["completions", "tcsh"], None).code(2);
}
