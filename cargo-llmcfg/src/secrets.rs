//! `cargo llmcfg secrets`: set, show, list and delete secrets in the embedded store.
//!
//! Values are printed only by `show --show-values`; every other output, including every error,
//! carries names only. Malformed assignments are refused before the store is touched.

mod actions;
mod assign;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::failure::Failure;
use crate::output::{Choice, Format};
use assign::{parse_set_tokens, read_stdin_values};

/// The `secrets` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SecretsCommand {
    /// Create a secret or update some of its keys: `set NAME --KEY=VALUE… [--private]`.
    ///
    /// Assignments are `--KEY=VALUE` or `--KEY VALUE`; keys are environment-variable names.
    /// Given keys are added or overwritten, the others kept. A new secret is public (group-readable
    /// file, 0640) unless `--private` (0600) is given; `--private` also makes an existing public
    /// secret private (making a private one public takes `delete` and a new `set`).
    /// Values on a command line are visible to `ps` and shell history: write `--KEY=-` to read
    /// that value from standard input (`pass show llm/openai | cargo llmcfg secrets set NAME
    /// --OPENAI_API_KEY=-`), or use a mounted file or a secret manager (`kind = "file"` /
    /// `kind = "command"`) on shared machines.
    Set(SetArgs),
    /// Show a secret's name, visibility and key names; values only with `--show-values`.
    Show(ShowArgs),
    /// List the secrets in the store, sorted by name.
    List(ListArgs),
    /// Delete a secret.
    Delete(DeleteArgs),
}

/// `-o` of the `secrets` subcommands.
const SECRETS_OUTPUTS: &[Choice] = &[
    (Format::Human, "Text for people"),
    (
        Format::Json,
        "One JSON document on stdout; errors as JSON on stderr",
    ),
];

#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(
        short = 'o',
        long = "output",
        value_parser = Format::parser(SECRETS_OUTPUTS),
        default_value = "human"
    )]
    output: Format,
}

#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// The secret's name: 1 to 128 characters of A-Z a-z 0-9 _ . - (not starting with '.').
    name: String,
    /// Make the secret private (owner-only, 0600), whether it is new or exists.
    #[arg(long)]
    private: bool,
    #[command(flatten)]
    out: OutputArgs,
    /// The values to set: `--KEY=VALUE` or `--KEY VALUE`, one or more; `--KEY=-` reads that
    /// value from standard input.
    #[arg(value_name = "--KEY=VALUE", trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    assignments: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The secret's name.
    name: String,
    /// Print the values too.
    #[arg(long)]
    show_values: bool,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The secret's name.
    name: String,
    #[command(flatten)]
    out: OutputArgs,
}

/// Runs a `secrets` subcommand. Every failure exits 1 (clap's own usage errors exit 2 in
/// `main`), in JSON on stderr with `-o json`.
pub(crate) fn run(cmd: SecretsCommand) -> u8 {
    let (command, format, result) = match cmd {
        SecretsCommand::Set(args) => {
            let parsed = parse_set_tokens(&args.assignments);
            let format = parsed.output.unwrap_or(args.out.output);
            let result = parsed
                .result
                .and_then(|assignments| read_stdin_values(assignments, std::io::stdin().lock()))
                .and_then(|assignments| {
                    actions::set(&args.name, args.private || parsed.private, assignments)
                });
            ("secrets.set", format, result)
        }
        SecretsCommand::Show(args) => (
            "secrets.show",
            args.out.output,
            actions::show(&args.name, args.show_values),
        ),
        SecretsCommand::List(args) => ("secrets.list", args.out.output, actions::list()),
        SecretsCommand::Delete(args) => (
            "secrets.delete",
            args.out.output,
            actions::delete(&args.name),
        ),
    };
    match result {
        Ok(report) => print_report(command, format, report),
        Err(failure) => {
            if format == Format::Json {
                eprintln!("{}", error_json(command, &failure));
            } else {
                eprintln!("error: {}", failure.message);
            }
            crate::exit::FAILURE
        }
    }
}

fn error_json(command: &str, failure: &Failure) -> Value {
    json!({ "command": command, "error": { "code": failure.code, "message": failure.message } })
}

/// Prints a finished command; 1 when some secrets could not be read.
fn print_report(command: &str, format: Format, report: actions::Report) -> u8 {
    if format == Format::Json {
        let mut doc = json!({ "command": command });
        if let (Value::Object(doc), Value::Object(body)) = (&mut doc, report.json) {
            doc.extend(body);
        }
        println!("{doc}");
    } else {
        print!("{}", report.human);
        for problem in &report.problems {
            eprintln!("error: {}", problem.message);
        }
    }
    if report.problems.is_empty() {
        crate::exit::CLEAN
    } else {
        crate::exit::FAILURE
    }
}
