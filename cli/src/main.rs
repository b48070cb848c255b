//! `microjwt`: make, inspect and verify HMAC JWTs from the command line.
//!
//! Exit status: 0 valid (or done), 1 token rejected, 2 usage error. See `microjwt --help`.

// In the order a command runs: the command line, how failures are reported, inputs and keys,
// then the commands.
mod cli;
mod failure;
mod output;
mod time;
mod token;
mod jwk;
mod libapi;
mod keys;
mod hints;
mod encode;
mod decode;
mod verify;
mod keygen;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    if let Some(failure) = keys::inline_secret_flag(std::env::args_os().skip(1)) {
        output::stderr(&failure.human());
        return failure.exit_code();
    }
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Encode(args) => encode::run(args),
        Command::Decode(args) => decode::run(args),
        Command::Verify(args) => return verify::main(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "microjwt", &mut script);
            output::stdout_line(String::from_utf8_lossy(&script).trim_end())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output::stderr(&failure.human());
            failure.exit_code()
        }
    }
}
