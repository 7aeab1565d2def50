//! `cargo llmcfg init [PATH]`: writes a commented starter config (one working alias, the common
//! providers as commented examples, the `#:schema` line) and the JSON Schema that line names.
//! An existing config is never overwritten without `--force`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use llmcfg::store::{FileMode, write_file_atomic};

use crate::discover::display;
use crate::failure::Failure;
use crate::text::escape_line;

/// The schema file the starter's first line names, written next to it.
const SCHEMA_FILE: &str = "llm.schema.json";

/// The starter config. `tests/init.rs` checks it is clean as written and with every commented
/// example uncommented, so the examples cannot rot.
pub(crate) const STARTER: &str = r##"#:schema ./llm.schema.json
# The LLM configuration of this crate: which models it may call, under which aliases, and
# where each API key comes from. It holds names only: never write a key here, name the env
# var that holds it (or a secret of `cargo llmcfg secrets`).
#
#   cargo llmcfg check                 validate it (the same rules as the macro)
#   cargo llmcfg resolve fast          what `fast` resolves to now, and why
#   cargo llmcfg explain CODE          the long form of a diagnostic
#
# In Rust: `mod llm { llmcfg::include_llm_config!("llm.toml"); }`, then `llm::aliases::FAST`.
# The first line lets editors (taplo / Even Better TOML) complete and check keys; refresh the
# schema with `cargo llmcfg schema > llm.schema.json`.

[llm]
# How to choose among several backends that can serve a request:
# weighted_random (the default) | priority | round_robin
default_policy = "weighted_random"
# The alias used when a request names none (LLMCFG_DEFAULT_MODEL overrides it).
default_alias = "fast"

# An alias stands for a `provider/model`. With no backend block for the provider, the
# provider's built-in endpoint is used with its standard key variable: OPENAI_API_KEY here.
[llm.aliases]
fast = "openai/gpt-5-nano"
# smart = "anthropic/claude-sonnet-4"              # built-in endpoint, ANTHROPIC_API_KEY
# cheap = "openrouter/meta-llama/llama-3-70b"      # built-in endpoint, OPENROUTER_API_KEY
# local = "ollama/llama3.1"                        # a local Ollama, no key
# pinned = { model = "openai/gpt-4o-mini", backend = "openai" }   # one backend only

# The common providers, as explicit backends. Uncomment one to choose its URL, ops, weight
# and where its key comes from; an alias of its provider then uses it.

# --- OpenAI ---------------------------------------------------------------------------------
# [[llm.credentials]]
# name = "openai"
# kind = "env"                               # env (the default) | file | command
# api_key_env = "OPENAI_API_KEY"             # the NAME of the env var, never the key
# secret = "openai-creds"                    # when the var is unset: this secret of the store
#
# [[llm.backends]]
# name = "openai"
# kind = "openai_chat_completion"
# base_url = "https://api.openai.com/v1"
# credential_ref = "openai"
# ops = ["chat_completions", "embeddings"]
# weight = 100

# --- Anthropic ------------------------------------------------------------------------------
# [[llm.credentials]]
# name = "anthropic"
# kind = "file"                              # a Kubernetes/Docker secret mount
# api_key_env = "ANTHROPIC_API_KEY"          # tried first
# path = "/run/secrets/anthropic_api_key"
#
# [[llm.backends]]
# name = "anthropic"
# kind = "anthropic_messages"
# base_url = "https://api.anthropic.com/v1"
# credential_ref = "anthropic"
# ops = ["chat_completions"]

# --- OpenRouter (OpenAI-compatible) ---------------------------------------------------------
# [[llm.credentials]]
# name = "openrouter"
# kind = "command"                           # a secret manager's CLI, run without a shell
# api_key_env = "OPENROUTER_API_KEY"         # tried first
# command = ["pass", "show", "llm/openrouter"]
#
# [[llm.backends]]
# name = "openrouter"
# kind = "openai_chat_completion"
# base_url = "https://openrouter.ai/api/v1"
# credential_ref = "openrouter"
# ops = ["chat_completions"]

# --- Ollama on this machine (no key) --------------------------------------------------------
# [[llm.backends]]
# name = "ollama"
# kind = "ollama_chat"
# base_url = "http://127.0.0.1:11434"
# hosting = "local"
# ops = ["chat_completions", "embeddings"]
"##;

/// Arguments of `cargo llmcfg init`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Writes PATH (default `llm.toml`; a directory gets `llm.toml` inside it): one alias, `fast`, on \
OpenAI's built-in endpoint, and OpenAI, Anthropic, OpenRouter and a local Ollama as commented \
examples. Its first line, `#:schema ./llm.schema.json`, gives editors completion; the schema is \
written next to it unless that file exists.

Exit status: 0 written, 1 PATH exists (pass --force to overwrite it), 2 usage or I/O error.")]
pub(crate) struct InitArgs {
    /// Where to write the config.
    #[arg(value_name = "PATH", default_value = "llm.toml")]
    path: PathBuf,
    /// Overwrite an existing config (and its schema file).
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: &InitArgs) -> Result<u8, Failure> {
    let path = if args.path.is_dir() {
        args.path.join("llm.toml")
    } else {
        args.path.clone()
    };
    let name = display(&path);
    write_config(&path, &name, args.force)?;
    println!(
        "wrote {}: alias `fast` (openai/gpt-5-nano); OpenAI, Anthropic, OpenRouter and Ollama as commented examples",
        escape_line(&name)
    );
    let schema = path.with_file_name(SCHEMA_FILE);
    let schema_name = display(&schema);
    if schema.exists() && !args.force {
        println!(
            "kept {} (refresh it with `cargo llmcfg schema > {}`)",
            escape_line(&schema_name),
            escape_line(&schema_name)
        );
    } else {
        // What `cargo llmcfg schema > llm.schema.json` writes.
        let schema_json = crate::schema::schema(llmcfg_core::DEFAULT_TABLE);
        let text = serde_json::to_string_pretty(&schema_json).unwrap_or_default() + "\n";
        write_file_atomic(&schema, text.as_bytes(), config_mode(&schema))
            .map_err(|e| io_failure(&schema_name, &e))?;
        println!(
            "wrote {}: the schema its `#:schema` line names, for editors",
            escape_line(&schema_name)
        );
    }
    println!(
        "next: `cargo llmcfg check --config {}`, then `export OPENAI_API_KEY=…` and \
         `cargo llmcfg resolve fast --config {}`",
        escape_line(&name),
        escape_line(&name)
    );
    Ok(crate::exit::CLEAN)
}

/// Writes the starter at `path`: created only if absent (no check-then-write race), or replaced
/// atomically with `force`.
fn write_config(path: &Path, name: &str, force: bool) -> Result<(), Failure> {
    if force {
        return write_file_atomic(path, STARTER.as_bytes(), config_mode(path))
            .map_err(|e| io_failure(name, &e));
    }
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    match created {
        Ok(mut file) => file
            .write_all(STARTER.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| io_failure(name, &e)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Failure::failed(
            "exists",
            format!(
                "{} exists and was not changed: pass `--force` to overwrite it, or give another \
                 PATH (`cargo llmcfg init config/llm.toml`)",
                escape_line(name)
            ),
        )),
        Err(e) => Err(io_failure(name, &e)),
    }
}

/// An existing file keeps its mode; a new one is readable like any source file (`0644`), not
/// owner-only like the store's files that the atomic write defaults to.
fn config_mode(path: &Path) -> FileMode {
    let existing = FileMode::of_existing(path);
    FileMode {
        mode: existing.mode.or(Some(0o644)),
        ..existing
    }
}

fn io_failure(name: &str, err: &std::io::Error) -> Failure {
    Failure::usage("io", format!("cannot write {}: {err}", escape_line(name)))
}
