//! `cargo llmcfg check`: finds the configs, runs the validator over each and prints the reports
//! in the requested format.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use llmcfg_core::Report;

use crate::discover::{self, Target};
use crate::failure::Failure;
use crate::output::{Choice, Format};
use crate::read::ReadError;
use crate::report;
use crate::table::{TablePath, parse_table};
use crate::text::escape_line;

/// `--message-format`.
const MESSAGE_FORMATS: &[Choice] = &[
    (
        Format::Human,
        "rustc's layout (`error[llmcfg::code]: …`, `-->`, snippet, `= help:`), coloured on a \
         terminal unless `NO_COLOR` is set",
    ),
    (
        Format::Short,
        "`file:line:col: severity[code]: message`, one line each",
    ),
    (
        Format::Json,
        "One JSON object per diagnostic per line: code, severity, file, line, column, end_line, \
         end_column, message, help, and rustc-shaped `children` carrying the fixes",
    ),
    (
        Format::Github,
        "GitHub Actions workflow commands (`::error file=…,line=…::…`), shown as annotations",
    ),
    (
        Format::Sarif,
        "One SARIF 2.1.0 log (GitHub code scanning, IDEs)",
    ),
];

/// Arguments of `cargo llmcfg check`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Configs are found in this order: `--config`; `config`/`table` in `[package.metadata.llmcfg]` \
(and `[workspace.metadata.llmcfg]`); every `include_llm_config!(\"…\", table = \"…\")` call in the \
package's sources; `llm.toml` at the package root.

`--fix` applies every fix marked `MachineApplicable` (a misspelled key, kind, op or reference \
with one clear candidate; a legacy backend `api_key_env`, as `migrate --write` does) to the \
files, comments and formatting kept, written atomically; then checks again and reports what is \
left. Running it twice changes nothing. It edits files only: standard input is refused.

Exit status: 0 clean, 1 errors (or warnings with --deny-warnings), 2 usage error, unreadable file \
or no config found.")]
pub(crate) struct CheckArgs {
    /// The config file to check (repeatable).
    #[arg(long = "config", value_name = "PATH")]
    pub(crate) configs: Vec<PathBuf>,
    /// The dotted path of the llm table inside the file, e.g. `spearlet.llm`.
    #[arg(long, value_name = "TABLE", value_parser = parse_table)]
    pub(crate) table: Option<TablePath>,
    /// Check the configs of every workspace member, not just the current package.
    #[arg(long)]
    pub(crate) workspace: bool,
    /// How to print diagnostics.
    #[arg(
        long,
        value_name = "FMT",
        value_parser = Format::parser(MESSAGE_FORMATS),
        default_value = "human"
    )]
    pub(crate) message_format: Format,
    /// Fail on warnings too.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// Apply the machine-applicable fixes to the files, then report what is left.
    #[arg(long)]
    pub(crate) fix: bool,
}

/// Reads and checks one target, naming it as the user sees it. A file that is not UTF-8 is a
/// report with its diagnostic; a file that cannot be read at all is a failure.
pub(crate) fn check_target(target: &Target) -> Result<Report, Failure> {
    match target.read() {
        Ok((name, text)) => Ok(llmcfg_core::check(&name, &text, &target.options())),
        Err(ReadError::NotUtf8(report)) => Ok(*report),
        Err(ReadError::NotFound(f) | ReadError::Unreadable(f)) => Err(f),
    }
}

pub(crate) fn run(args: &CheckArgs) -> Result<u8, Failure> {
    let targets = discover::discover(&args.configs, args.table.as_ref(), args.workspace)?;
    if args.fix {
        for target in &targets {
            crate::fix::fix_target(target)?;
        }
    }
    let mut reports = Vec::with_capacity(targets.len());
    let mut unreadable = 0;
    for target in &targets {
        match check_target(target) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("error: {e} (found by {})", target.origin);
                unreadable += 1;
            }
        }
    }
    let mut out = report::render(
        args.message_format,
        &reports,
        args.deny_warnings,
        unreadable,
    );
    let clean = unreadable == 0 && reports.iter().all(|r| r.diagnostics.is_empty());
    if clean && args.message_format == Format::Human {
        // A clean run names what it checked, so a config that discovery missed is noticed.
        for (target, report) in targets.iter().zip(&reports) {
            let _ = writeln!(
                out,
                "  {} (found by {})",
                escape_line(report.source.name()),
                escape_line(&target.origin.to_string())
            );
        }
    }
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).is_err() {
        return Ok(crate::exit::USAGE);
    }
    let _ = stdout.flush();
    if unreadable > 0 {
        return Ok(crate::exit::USAGE);
    }
    let failed = reports
        .iter()
        .any(|r| r.has_errors() || (args.deny_warnings && r.has_warnings()));
    Ok(if failed {
        crate::exit::FAILURE
    } else {
        crate::exit::CLEAN
    })
}
