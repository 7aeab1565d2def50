//! `cargo llmcfg check`: finds the configs, runs the validator over each and prints the reports
//! in the requested format.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use llmcfg_core::{Options, Report};

use crate::discover::{self, Target};
use crate::report::{self, MessageFormat};

/// Arguments of `cargo llmcfg check`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Configs are found in this order: `--config`; `config`/`table` in `[package.metadata.llmcfg]` \
(and `[workspace.metadata.llmcfg]`); every `include_llm_config!(\"…\", table = \"…\")` call in the \
package's sources; `llm.toml` at the package root.

Exit status: 0 clean, 1 errors (or warnings with --deny-warnings), 2 usage error, unreadable file \
or no config found.")]
pub(crate) struct CheckArgs {
    /// The config file to check (repeatable).
    #[arg(long = "config", value_name = "PATH")]
    pub(crate) configs: Vec<PathBuf>,
    /// The dotted path of the llm table inside the file, e.g. `spearlet.llm`.
    #[arg(long, value_name = "TABLE")]
    pub(crate) table: Option<String>,
    /// Check the configs of every workspace member, not just the current package.
    #[arg(long)]
    pub(crate) workspace: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, value_name = "FMT", default_value_t)]
    pub(crate) message_format: MessageFormat,
    /// Fail on warnings too.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
}

/// Reads and checks one target, naming it as the user sees it.
pub(crate) fn check_target(target: &Target) -> Result<Report, String> {
    let (name, text) = target.read()?;
    let options = Options {
        table: target.table.clone(),
    };
    Ok(llmcfg_core::check(&name, &text, &options))
}

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let targets = match discover::discover(&args.configs, args.table.as_deref(), args.workspace) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::exit::USAGE;
        }
    };
    let mut reports = Vec::with_capacity(targets.len());
    let mut io_failed = false;
    for target in &targets {
        match check_target(target) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("error: {e} (found by {})", target.origin);
                io_failed = true;
            }
        }
    }
    let out = report::render(args.message_format, &reports, args.deny_warnings);
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).is_err() {
        return crate::exit::USAGE;
    }
    let _ = stdout.flush();
    if io_failed {
        return crate::exit::USAGE;
    }
    let failed = reports
        .iter()
        .any(|r| r.has_errors() || (args.deny_warnings && r.has_warnings()));
    if failed {
        crate::exit::FAILURE
    } else {
        crate::exit::CLEAN
    }
}
