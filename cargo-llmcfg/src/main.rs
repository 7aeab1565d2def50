//! `cargo llmcfg`: checks LLM configs in CI, migrates legacy keys, manages aliases and secrets.
//!
//! Works as `cargo llmcfg …` (cargo passes `llmcfg` as the first argument) and as
//! `cargo-llmcfg …`. Exit codes: 0 clean, 1 findings or a failed operation, 2 usage error.

mod check;
mod secrets;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Check, migrate and manage llmcfg LLM configuration files.
#[derive(Debug, Parser)]
#[command(name = "cargo-llmcfg", bin_name = "cargo llmcfg", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate llm configs with the same rules as `include_llm_config!`.
    Check(check::CheckArgs),
    /// Manage secrets in the embedded secret store.
    #[command(subcommand)]
    Secrets(secrets::SecretsCommand),
}

/// The process exit code of a finished command.
pub(crate) mod exit {
    /// Nothing to report.
    pub(crate) const CLEAN: u8 = 0;
    /// Findings, or an operation that failed.
    pub(crate) const FAILURE: u8 = 1;
    /// Bad usage or unreadable input.
    pub(crate) const USAGE: u8 = 2;
}

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    // `cargo llmcfg x` runs `cargo-llmcfg llmcfg x`.
    if args.get(1).is_some_and(|a| a == "llmcfg") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // Prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { exit::USAGE } else { exit::CLEAN });
        }
    };
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Secrets(cmd) => secrets::run(cmd),
    };
    ExitCode::from(code)
}
