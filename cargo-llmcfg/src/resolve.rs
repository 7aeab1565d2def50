//! `cargo llmcfg resolve`: the decision the runtime would make now — the selection rule, every
//! candidate with why it is usable or filtered, the chosen backend and where its key comes from.

use clap::Args;
use llmcfg::{KeyOrigin, KeySource, Op, Request, Resolver, Status};
use serde_json::{Value, json};

use crate::discover::{self, ConfigArgs};
use crate::report::{OutputArgs, print_json};

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

/// The kind of a key source (`env`, `secret`, `file`, `command`), from its typed value.
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
        other => json!({ "kind": "other", "source": other.to_string() }),
    }
}

pub(crate) fn run(args: &ResolveArgs) -> u8 {
    let target = match discover::one(&args.config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::exit::USAGE;
        }
    };
    let (name, text) = match target.read() {
        Ok(read) => read,
        Err(message) => {
            eprintln!("error: {message}");
            return crate::exit::USAGE;
        }
    };
    let report = crate::edit::validate(&name, &text, target.table.as_deref());
    let config = match llmcfg::Config::from_report(report) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::exit::FAILURE;
        }
    };
    let resolver = match Resolver::new(&config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::exit::FAILURE;
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
            if args.out.json() {
                print_json(&json!({ "file": name, "ok": false, "error": e.to_string() }));
            }
            eprintln!("error: {e}");
            return crate::exit::FAILURE;
        }
    };
    let chosen = resolver.resolve(request);
    if args.out.json() {
        let candidates: Vec<Value> = explanation
            .candidates
            .iter()
            .map(|c| {
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
                    "key_source": key,
                    "key_source_kind": key.as_ref().map(source_kind),
                    "reason": reason,
                })
            })
            .collect();
        let chosen_json = match &chosen {
            Ok(r) => json!({
                "backend": r.endpoint().name(),
                "base_url": r.base_url(),
                "builtin": r.endpoint().is_builtin(),
                "key_source": r.key_source().as_ref().map(key_source_json),
            }),
            Err(_) => Value::Null,
        };
        print_json(&json!({
            "file": name,
            "ok": chosen.is_ok(),
            "selection": explanation.selection.to_string(),
            "alias": explanation.alias,
            "model": explanation.model,
            "policy": explanation.policy.as_str(),
            "op": explanation.op.map(Op::as_str),
            "candidates": candidates,
            "chosen": chosen_json,
            "error": chosen.as_ref().err().map(ToString::to_string),
        }));
    } else {
        let rule = match &explanation.alias {
            Some(a) => format!("alias `{a}`, {}", explanation.selection),
            None => explanation.selection.to_string(),
        };
        println!("model:    {} ({rule})", explanation.model);
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
            match &c.status {
                Status::Usable { key: Some(k) } => {
                    println!("  usable    {label} {} (key from {k})", c.base_url);
                }
                Status::Usable { key: None } => {
                    println!("  usable    {label} {} (no key needed)", c.base_url);
                }
                Status::Filtered(reason) => println!("  filtered  {label}: {reason}"),
            }
        }
        match &chosen {
            Ok(r) => {
                let key = r
                    .key_source()
                    .map_or_else(|| "no key needed".to_string(), |k| format!("key from {k}"));
                println!("chosen:   {} {} ({key})", r.endpoint().name(), r.base_url());
            }
            // The candidates above already say why each was filtered.
            Err(llmcfg::ResolveError::NoBackend { model, .. }) => {
                eprintln!(
                    "error: no backend can serve `{model}`: every candidate above is filtered"
                );
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
    if chosen.is_ok() {
        crate::exit::CLEAN
    } else {
        crate::exit::FAILURE
    }
}
