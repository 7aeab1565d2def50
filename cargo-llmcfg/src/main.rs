//! `cargo llmcfg`: checks LLM configs in CI, migrates legacy keys, manages aliases and secrets.
//!
//! Works as `cargo llmcfg …` (cargo passes `llmcfg` as the first argument) and as
//! `cargo-llmcfg …`. Exit codes: 0 clean, 1 findings or a failed operation, 2 usage error.

mod calls;
mod check;
mod diff;
mod discover;
mod edit;
mod env;
mod explain;
mod failure;
mod fix;
mod init;
mod migrate;
mod model;
mod output;
mod read;
mod report;
mod resolve;
mod sanitize;
mod sarif;
mod scan;
mod schema;
mod secrets;
mod table;
mod text;

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
    /// Write a commented starter `llm.toml` (and the JSON Schema its first line names).
    Init(init::InitArgs),
    /// Validate llm configs with the same rules as `include_llm_config!`.
    Check(check::CheckArgs),
    /// Rewrite legacy backend `api_key_env` into credentials + `credential_ref`, comments kept.
    Migrate(migrate::MigrateArgs),
    /// Register, list, remove model aliases and set the default one.
    #[command(subcommand)]
    Model(model::ModelCommand),
    /// Manage secrets in the embedded secret store.
    #[command(subcommand)]
    Secrets(secrets::SecretsCommand),
    /// Show what the runtime would pick for a request now, and why; never a key.
    Resolve(resolve::ResolveArgs),
    /// List the env-var names the config reads and where each is referenced.
    Env(env::EnvArgs),
    /// Print the JSON Schema (draft-07) of the config file, for editors (taplo `#:schema`).
    Schema(schema::SchemaArgs),
    /// Explain a diagnostic code (or list them all).
    Explain(explain::ExplainArgs),
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
            return ExitCode::from(if err.use_stderr() {
                exit::USAGE
            } else {
                exit::CLEAN
            });
        }
    };
    let result = match cli.command {
        Command::Init(args) => init::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Migrate(args) => migrate::run(&args),
        Command::Model(cmd) => model::run(&cmd),
        Command::Secrets(cmd) => Ok(secrets::run(cmd)),
        Command::Resolve(args) => Ok(resolve::run(&args)),
        Command::Env(args) => env::run(&args),
        Command::Schema(args) => Ok(schema::run(&args)),
        Command::Explain(args) => Ok(explain::run(&args)),
    };
    ExitCode::from(result.unwrap_or_else(failure::Failure::report))
}
