//! `cargo llmcfg secrets`: set, show, list and delete secrets in the embedded store.
//!
//! STUB — the secret-store work (issue 5) fills this in.

use clap::Subcommand;

/// The `secrets` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SecretsCommand {
    /// List the secrets in the store, sorted by name.
    List,
}

pub(crate) fn run(cmd: SecretsCommand) -> u8 {
    let _ = cmd;
    crate::exit::FAILURE
}
