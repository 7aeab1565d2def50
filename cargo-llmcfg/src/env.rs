//! `cargo llmcfg env`: the env-var names a config reads, where each is referenced and whether it
//! is set now; as text, JSON, or a `.env` template with empty values. Names only: a value is
//! only tested for being set, never printed.

use std::collections::BTreeMap;

use clap::Args;
use llmcfg_core::model::LlmConfig;
use llmcfg_core::{Report, vocab};
use serde_json::json;

use crate::discover::{self, ConfigArgs};
use crate::failure::Failure;
use crate::output::{Choice, Format};
use crate::text::escape_line;

/// `-o` of `env`.
const ENV_OUTPUTS: &[Choice] = &[
    (
        Format::Human,
        "One variable a line with where it is referenced",
    ),
    (Format::Json, "One JSON document"),
    (
        Format::Dotenv,
        "A `.env` template: `NAME=` lines with comments saying where each is used",
    ),
];

/// Arguments of `cargo llmcfg env`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Lists the credentials' `api_key_env` variables, the standard key variables of providers whose \
built-in endpoint an alias uses, and the variables the runtime itself reads, each marked `set`, \
`empty` or `not set` in the current environment. Never prints a value.

Example: `cargo llmcfg env -o dotenv > .env.example`")]
pub(crate) struct EnvArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Output format.
    #[arg(
        short = 'o',
        long = "output",
        value_parser = Format::parser(ENV_OUTPUTS),
        default_value = "human"
    )]
    output: Format,
}

/// The variables the runtime reads whatever the config says.
const RUNTIME_VARS: &[(&str, &str)] = &[
    (
        llmcfg::DEFAULT_MODEL_VAR,
        "the model used when none is requested",
    ),
    (
        llmcfg::REGISTRY_VAR,
        "aliases transported to remote runs (names only)",
    ),
    (llmcfg::store::SECRETS_DIR_VAR, "the secret store directory"),
];

/// Whether a variable is set in the current environment. The runtime treats a blank value as
/// unset, so `Empty` is told apart: it is the reason a key "is not set" though `env` lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Set,
    Empty,
    Unset,
}

impl State {
    fn of(name: &str) -> Self {
        match std::env::var_os(name) {
            None => State::Unset,
            Some(v) if v.to_string_lossy().trim().is_empty() => State::Empty,
            Some(_) => State::Set,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            State::Set => "set",
            State::Empty => "empty",
            State::Unset => "not set",
        }
    }
}

/// Each variable the config reads, with the places that reference it.
pub(crate) fn references(report: &Report) -> BTreeMap<String, Vec<String>> {
    let config: &LlmConfig = &report.config;
    let mut vars: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &config.credentials {
        let pool = if c.is_pool() { ", key pool" } else { "" };
        for env in &c.api_key_env {
            let at = report.source.location(env.span.start);
            vars.entry(env.value.clone()).or_default().push(format!(
                "{}:{}:{} (credential `{}`{pool})",
                report.source.name(),
                at.line,
                at.column,
                c.name.value
            ));
        }
    }
    let index = llmcfg_core::index::Index::new(config);
    for alias in &config.aliases {
        if alias.backend.is_some() || !index.candidates(alias).is_empty() {
            continue;
        }
        let Some(provider) = vocab::provider(alias.provider()) else {
            continue;
        };
        if let Some(var) = provider.api_key_env {
            let at = report.source.location(alias.span.start);
            vars.entry(var.to_string()).or_default().push(format!(
                "{}:{}:{} (alias `{}` uses the built-in {} endpoint)",
                report.source.name(),
                at.line,
                at.column,
                alias.name.value,
                provider.name
            ));
        }
    }
    vars
}

pub(crate) fn run(args: &EnvArgs) -> Result<u8, Failure> {
    let target = discover::one(&args.config)?;
    let report = crate::check::check_target(&target)?;
    let vars = references(&report);
    match args.output {
        Format::Json => {
            let config: Vec<_> = vars
                .iter()
                .map(|(name, refs)| {
                    json!({ "name": name, "referenced_at": refs, "state": State::of(name).as_str() })
                })
                .collect();
            let runtime: Vec<_> = RUNTIME_VARS
                .iter()
                .map(|(name, what)| {
                    json!({ "name": name, "purpose": what, "state": State::of(name).as_str() })
                })
                .collect();
            crate::report::print_json(&json!({
                "file": report.source.name(),
                "variables": config,
                "runtime": runtime,
            }));
        }
        Format::Dotenv => {
            println!(
                "# Env vars read by {} (names only; fill in values, never commit them).",
                escape_line(report.source.name())
            );
            for (name, refs) in &vars {
                for r in refs {
                    println!("# {}", escape_line(r));
                }
                println!("{}=", escape_line(name));
            }
            println!("\n# Read by the llmcfg runtime itself (optional):");
            for (name, what) in RUNTIME_VARS {
                println!("# {what}\n# {name}=");
            }
        }
        _ => {
            if vars.is_empty() {
                println!(
                    "{} reads no credential variables",
                    escape_line(report.source.name())
                );
            }
            for (name, refs) in &vars {
                println!("{} ({})", escape_line(name), State::of(name).as_str());
                for r in refs {
                    println!("    {}", escape_line(r));
                }
            }
            println!("runtime:");
            for (name, what) in RUNTIME_VARS {
                println!("    {name} ({}): {what}", State::of(name).as_str());
            }
        }
    }
    if report.has_errors() {
        return Err(Failure::failed(
            "invalid-config",
            format!(
                "{} has {} error(s); run `cargo llmcfg check`",
                escape_line(report.source.name()),
                report.errors().count()
            ),
        ));
    }
    Ok(crate::exit::CLEAN)
}
