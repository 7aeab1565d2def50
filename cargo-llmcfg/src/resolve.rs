//! `cargo llmcfg resolve`: the decision the runtime would make now — the selection rule, every
//! candidate with why it is usable or filtered, the chosen backend and where its key comes from,
//! and the call settings an attempt on it runs with (see [`crate::calls`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use clap::Args;
use llmcfg::source::{CachedKey, CommandSpec, SourceError};
use llmcfg::{
    Candidate, Explanation, KeyOrigin, KeySource, KeyState, Op, PoolKey, Request, ResolveError,
    Resolved, Resolver, SecretMap, SecretSource, SecretSourceError, SecretString, Status,
    StoreSecrets,
};
use serde_json::{Value, json};

use crate::calls;
use crate::discover::{self, ConfigArgs};
use crate::edit;
use crate::failure::Failure;
use crate::output::{OutputArgs, print_json};
use crate::read::ReadError;
use crate::text::{escape_controls, escape_line};

/// Arguments of `cargo llmcfg resolve`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Uses the real environment (LLMCFG_DEFAULT_MODEL, LLMCFG_MODEL_REGISTRY, credential variables) \
and the secret store; key files and key commands are read to learn whether they yield a key. \
Never prints a key value.

Exit status: 0 a backend can serve the request, 1 none can, 2 usage error.")]
pub(crate) struct ResolveArgs {
    /// An alias or `provider/model` (default: the model the runtime would pick).
    #[arg(value_name = "MODEL")]
    model: Option<String>,
    /// The op the request needs, e.g. `chat_completions`.
    #[arg(long, value_name = "OP", value_parser = parse_op)]
    op: Option<Op>,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    out: OutputArgs,
}

fn parse_op(s: &str) -> Result<Op, String> {
    Op::from_word(s).ok_or_else(|| {
        format!(
            "unknown op `{s}`; expected one of: {}",
            Op::words().collect::<Vec<_>>().join(", ")
        )
    })
}

/// The kind of a key source, read from its typed origin.
fn source_kind(source: &KeyOrigin) -> &'static str {
    source.kind().as_str()
}

fn key_source_json(source: &KeySource<'_>) -> Value {
    match source {
        KeySource::Env { var } => json!({ "kind": "env", "var": var }),
        KeySource::Secret { secret, key } => {
            json!({ "kind": "secret", "secret": secret, "key": key })
        }
        KeySource::File { path } => json!({ "kind": "file", "path": path }),
        KeySource::Command { program } => json!({ "kind": "command", "program": program }),
        KeySource::Keyring { service, account } => {
            json!({ "kind": "keyring", "service": service, "account": account })
        }
        other => json!({ "kind": "other", "source": other.to_string() }),
    }
}

/// A failed `resolve` before any decision: printed as JSON on stdout too with `-o json`.
fn fail(args: &ResolveArgs, file: Option<&str>, failure: Failure) -> u8 {
    if args.out.json() {
        print_json(&json!({
            "file": file,
            "ok": false,
            "error": failure.message,
            "error_code": failure.code,
        }));
    }
    failure.report()
}

/// The config to resolve against, or why there is none: its name and the loaded config.
fn load(args: &ResolveArgs) -> Result<(String, llmcfg::Config), (Option<String>, Failure)> {
    let target = discover::one(&args.config).map_err(|f| (None, f))?;
    let (name, text) = target.read().map_err(|e| {
        let name = Some(discover::display(&target.path));
        match e {
            ReadError::NotFound(f) | ReadError::Unreadable(f) => (name, f),
            ReadError::NotUtf8(report) => (
                name,
                Failure::failed("invalid-config", edit::render_errors(&report)),
            ),
        }
    })?;
    let report = edit::validate(&name, &text, target.table.as_ref());
    match llmcfg::Config::from_report(report) {
        Ok(config) => Ok((name, config)),
        Err(e) => {
            let failure = Failure::failed("invalid-config", escape_controls(&e.to_string()));
            Err((Some(name), failure))
        }
    }
}

pub(crate) fn run(args: &ResolveArgs) -> u8 {
    let (name, config) = match load(args) {
        Ok(loaded) => loaded,
        Err((file, failure)) => return fail(args, file.as_deref(), failure),
    };
    let resolver = match Resolver::builder(&config)
        .secrets(ReadOnce::default())
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let failure = Failure::failed("invalid-registry", escape_controls(&e.to_string()));
            return fail(args, Some(&name), failure);
        }
    };
    let mut request = Request::new();
    if let Some(m) = &args.model {
        request = request.model(m);
    }
    if let Some(op) = args.op {
        request = request.op(op);
    }
    let explanation = match resolver.explain(request) {
        Ok(e) => e,
        Err(e) => {
            let failure = Failure::failed("unresolved", escape_controls(&e.to_string()));
            return fail(args, Some(&name), failure);
        }
    };
    let chosen = resolver.resolve(request);
    let alias = explanation.alias.as_deref().and_then(|a| resolver.alias(a));
    let backend = chosen.as_ref().ok().and_then(Resolved::backend);
    let calls = calls::effective(&config, alias, backend);
    if args.out.json() {
        let secret = linked_secret(&config, &resolver, explanation.alias.as_deref());
        let mut report = json_report(&name, &explanation, &chosen, secret);
        let (settings, fallbacks) = calls.json();
        report["calls"] = settings;
        report["fallbacks"] = fallbacks;
        print_json(&report);
    } else {
        print_human(&explanation, &chosen);
        calls.print(backend.map(llmcfg::Backend::name));
    }
    if chosen.is_ok() {
        crate::exit::CLEAN
    } else {
        crate::exit::FAILURE
    }
}

/// The secret linked on alias `alias` (a transported entry wins over the config's).
fn linked_secret<'c>(
    config: &'c llmcfg::Config,
    resolver: &'c Resolver<'_>,
    alias: Option<&str>,
) -> Option<&'c str> {
    let alias = alias?;
    resolver
        .transported_aliases()
        .iter()
        .chain(config.aliases())
        .find(|a| a.name() == alias)
        .and_then(llmcfg::Alias::secret)
}

fn candidate_json(c: &Candidate) -> Value {
    let (status, key, reason) = match &c.status {
        Status::Usable { key } => ("usable", key.clone(), None),
        Status::Filtered(r) => ("filtered", None, Some(r.to_string())),
    };
    json!({
        "backend": c.backend,
        "base_url": c.base_url,
        "builtin": c.builtin,
        "priority": c.priority,
        "weight": c.weight,
        "status": status,
        "key_source": key.as_ref().map(ToString::to_string),
        "key_source_kind": key.as_ref().map(source_kind),
        "reason": reason,
        "key_pool": c.keys.iter().map(pool_key_json).collect::<Vec<_>>(),
    })
}

/// One key of a key pool: its variable and state, never its value.
fn pool_key_json(k: &PoolKey) -> Value {
    let (state, source, reason) = match &k.state {
        KeyState::Ready(origin) => ("ready", Some(origin.to_string()), None),
        KeyState::CoolingDown { origin, .. } => ("cooling_down", Some(origin.to_string()), None),
        KeyState::Unavailable(r) => ("unavailable", None, Some(r.to_string())),
        _ => ("unknown", None, None),
    };
    json!({ "var": k.var, "state": state, "key_source": source, "reason": reason })
}

/// The `-o json` document of a decision, failed or not.
fn json_report(
    name: &str,
    explanation: &Explanation,
    chosen: &Result<Resolved<'_>, ResolveError>,
    secret: Option<&str>,
) -> Value {
    let candidates: Vec<Value> = explanation.candidates.iter().map(candidate_json).collect();
    let chosen_json = match chosen {
        Ok(r) => json!({
            "backend": r.endpoint().name(),
            "base_url": shown_url(explanation, r),
            "builtin": r.endpoint().is_builtin(),
            "key_source": r.key_source().as_ref().map(key_source_json),
        }),
        Err(_) => Value::Null,
    };
    let (provider, provider_model) = match explanation.model.split_once('/') {
        Some((p, m)) => (Some(p), Some(m)),
        None => (None, None),
    };
    json!({
        "file": name,
        "ok": chosen.is_ok(),
        "selection": explanation.selection.to_string(),
        "alias": explanation.alias,
        "model": explanation.model,
        "provider": provider,
        "provider_model": provider_model,
        "secret": secret,
        "policy": explanation.policy.as_str(),
        "op": explanation.op.map(Op::as_str),
        "candidates": candidates,
        "chosen": chosen_json,
        "error": chosen.as_ref().err().map(ToString::to_string),
    })
}

/// The chosen endpoint's URL as the explanation shows it, userinfo redacted by the runtime
/// (`https://[REDACTED]@host/v1`); a password there is a key.
fn shown_url(explanation: &Explanation, chosen: &Resolved<'_>) -> String {
    let endpoint = chosen.endpoint();
    explanation
        .candidates
        .iter()
        .find(|c| c.backend == endpoint.name() && c.builtin == endpoint.is_builtin())
        .map_or_else(|| endpoint.to_string(), |c| c.base_url.clone())
}

/// The secret store, with each key file read and each key command run at most once: `resolve`
/// asks the resolver twice (`explain`, then `resolve`), and a key command may be slow, prompt
/// for a passphrase or count its uses. Keys stay `SecretString`s, zeroized when dropped.
#[derive(Default)]
struct ReadOnce {
    store: StoreSecrets,
    files: Mutex<HashMap<PathBuf, Result<SecretString, SourceError>>>,
    commands: Mutex<HashMap<Vec<String>, Result<SecretString, SourceError>>>,
}

impl SecretSource for ReadOnce {
    fn secret(&self, name: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        self.store.secret(name)
    }

    fn read_file(&self, path: &Path) -> Result<SecretString, SourceError> {
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        files
            .entry(path.to_path_buf())
            .or_insert_with(|| self.store.read_file(path))
            .clone()
    }

    /// The store's cache runs a command once per TTL, whatever its output mode.
    fn command_key(&self, spec: &CommandSpec<'_>) -> Result<CachedKey, SourceError> {
        self.store.command_key(spec)
    }

    fn run_command(&self, argv: &[&str]) -> Result<SecretString, SourceError> {
        let key: Vec<String> = argv.iter().map(|a| (*a).to_string()).collect();
        let mut commands = self.commands.lock().unwrap_or_else(PoisonError::into_inner);
        commands
            .entry(key)
            .or_insert_with(|| self.store.run_command(argv))
            .clone()
    }
}

/// The human report; names from the config and the registry have their controls escaped.
fn print_human(explanation: &Explanation, chosen: &Result<Resolved<'_>, ResolveError>) {
    let rule = match &explanation.alias {
        Some(a) => format!("alias `{}`, {}", escape_line(a), explanation.selection),
        None => explanation.selection.to_string(),
    };
    println!("model:    {} ({rule})", escape_line(&explanation.model));
    println!("policy:   {}", explanation.policy);
    if let Some(op) = explanation.op {
        println!("op:       {op}");
    }
    println!("candidates:");
    if explanation.candidates.is_empty() {
        println!("  (none)");
    }
    for c in &explanation.candidates {
        let label = if c.builtin {
            format!("built-in {}", c.backend)
        } else {
            c.backend.clone()
        };
        let (label, url) = (escape_line(&label), escape_line(&c.base_url));
        match &c.status {
            Status::Usable { key: Some(k) } => {
                println!(
                    "  usable    {label} {url} (key from {})",
                    escape_line(&k.to_string())
                );
            }
            Status::Usable { key: None } => println!("  usable    {label} {url} (no key needed)"),
            Status::Filtered(reason) => {
                println!("  filtered  {label}: {}", escape_line(&reason.to_string()));
            }
        }
        for key in &c.keys {
            println!("            key {}", escape_line(&key.to_string()));
        }
    }
    match chosen {
        Ok(r) => {
            let key = r
                .key_source()
                .map_or_else(|| "no key needed".to_string(), |k| format!("key from {k}"));
            let url = shown_url(explanation, r);
            let line = format!("chosen:   {} {url} ({key})", r.endpoint().name());
            println!("{}", escape_line(&line));
        }
        // The candidates above already say why each was filtered.
        Err(ResolveError::NoBackend { model, .. }) => {
            eprintln!(
                "error: no backend can serve `{}`: every candidate above is filtered",
                escape_line(model)
            );
        }
        Err(e) => eprintln!("error: {}", escape_controls(&e.to_string())),
    }
}
