//! `cargo llmcfg check`: runs the validator over configs and prints its reports.

use std::path::PathBuf;

use clap::Args;

/// Arguments of `cargo llmcfg check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The config file to check (repeatable).
    #[arg(long = "config", value_name = "PATH")]
    pub(crate) configs: Vec<PathBuf>,
    /// The dotted path of the llm table inside the file, e.g. `spearlet.llm`.
    #[arg(long, value_name = "TABLE")]
    pub(crate) table: Option<String>,
}

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let _ = args;
    crate::exit::CLEAN
}
