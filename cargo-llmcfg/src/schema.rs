//! `cargo llmcfg schema`: a draft-07 JSON Schema of the config file for editors (taplo's
//! `#:schema` header), built from the core vocabulary so its enums cannot drift from the rules.

use clap::Args;
use llmcfg_core::vocab::{BackendKind, CredentialKind, Hosting, Op, Policy, Transport};
use serde_json::{Map, Value, json};

/// Arguments of `cargo llmcfg schema`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Use it from an editor with taplo (Even Better TOML): save it next to the config and put a \
schema header on the config's first line:

    cargo llmcfg schema > llm.schema.json
    # then, as line 1 of llm.toml:
    #:schema ./llm.schema.json

Unknown keys outside the llm table are allowed; inside it they are rejected, like `check` does. \
The schema covers structure, names and vocabularies; cross-references (a `credential_ref` that \
names no credential, duplicates) are left to `cargo llmcfg check`.")]
pub(crate) struct SchemaArgs {
    /// Describe a config whose llm table is at this dotted path, e.g. `spearlet.llm`.
    #[arg(long, value_name = "TABLE")]
    table: Option<String>,
}

pub(crate) fn run(args: &SchemaArgs) -> u8 {
    let schema = schema(args.table.as_deref().unwrap_or(llmcfg_core::DEFAULT_TABLE));
    crate::report::print_json(&schema);
    crate::exit::CLEAN
}

fn words(iter: impl Iterator<Item = &'static str>) -> Value {
    Value::Array(iter.map(|w| json!(w)).collect())
}

const ENV_NAME: &str = "^[A-Za-z_][A-Za-z0-9_]*$";
const ENTRY_NAME: &str = "^[A-Za-z0-9][A-Za-z0-9_./-]*$";
const ALIAS_NAME: &str = "^[a-z0-9][a-z0-9_-]*$";
const SECRET_NAME: &str = "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$";
const MODEL: &str = "^[^/]+/.+$";

fn uint(max: u64, description: &str) -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": max, "description": description })
}

fn list_of(items: Value, description: &str) -> Value {
    json!({ "type": "array", "items": items, "description": description })
}

fn ops() -> Value {
    json!({ "type": "string", "enum": words(Op::words()) })
}

fn transports() -> Value {
    json!({ "type": "string", "enum": words(Transport::words()) })
}

fn credential() -> Value {
    let kind_is = |kind: CredentialKind| json!({ "properties": { "kind": { "const": kind.as_str() } }, "required": ["kind"] });
    json!({
        "type": "object",
        "description": "A named source of an API key: the NAME of an env var, never a key.",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
            "name": { "type": "string", "pattern": ENTRY_NAME, "description": "Referenced by a backend's `credential_ref`." },
            "kind": { "type": "string", "enum": words(CredentialKind::words()), "default": "env",
                      "description": "env: the env var, then the linked secret; file: a secret mount; command: a secret manager's CLI." },
            "api_key_env": { "type": "string", "pattern": ENV_NAME, "description": "The NAME of the env var holding the key." },
            "secret": { "type": "string", "pattern": SECRET_NAME, "description": "Secret-store entry to fall back to (kind = \"env\")." },
            "path": { "type": "string", "minLength": 1, "description": "File holding the key (kind = \"file\")." },
            "command": { "type": "array", "minItems": 1, "items": { "type": "string", "minLength": 1 },
                         "description": "argv of a secret manager's CLI, run without a shell (kind = \"command\")." },
        },
        "allOf": [
            { "if": kind_is(CredentialKind::File),
              "then": { "required": ["path"], "not": { "anyOf": [{ "required": ["command"] }, { "required": ["secret"] }] } } },
            { "if": kind_is(CredentialKind::Command),
              "then": { "required": ["command"], "not": { "anyOf": [{ "required": ["path"] }, { "required": ["secret"] }] } } },
            { "if": { "anyOf": [{ "not": { "required": ["kind"] } }, kind_is(CredentialKind::Env)] },
              "then": { "required": ["api_key_env"], "not": { "anyOf": [{ "required": ["path"] }, { "required": ["command"] }] } } },
        ],
    })
}

fn backend() -> Value {
    // What each kind can serve and use, from the same tables the validator reads.
    let per_kind: Vec<Value> = BackendKind::ALL
        .iter()
        .map(|k| {
            json!({
                "if": { "properties": { "kind": { "const": k.as_str() } }, "required": ["kind"] },
                "then": { "properties": {
                    "ops": { "items": { "enum": words(k.ops().iter().map(|o| o.as_str())) } },
                    "transports": { "items": { "enum": words(k.transports().iter().map(|t| t.as_str())) } },
                } },
            })
        })
        .collect();
    let mut all_of = per_kind;
    all_of.push(json!({
        "if": { "not": { "properties": { "kind": { "const": BackendKind::Stub.as_str() } }, "required": ["kind"] } },
        "then": { "required": ["base_url"] },
    }));
    json!({
        "type": "object",
        "description": "A configured endpoint.",
        "additionalProperties": false,
        "required": ["name", "kind", "ops"],
        "properties": {
            "name": { "type": "string", "pattern": ENTRY_NAME },
            "kind": { "type": "string", "enum": words(BackendKind::words()), "description": "The wire protocol." },
            "base_url": { "type": "string", "pattern": "^[A-Za-z][A-Za-z0-9+.-]*://", "description": "Absolute URL, e.g. https://api.openai.com/v1." },
            "credential_ref": { "type": "string", "description": "The `name` of a credential; omit for a no-auth backend." },
            "hosting": { "type": "string", "enum": words(Hosting::words()) },
            "model": { "type": "string", "minLength": 1, "description": "Binds the backend to one model." },
            "ops": { "type": "array", "minItems": 1, "items": ops() },
            "features": list_of(json!({ "type": "string" }), "Features the backend declares, e.g. supports_tools."),
            "transports": { "type": "array", "items": transports() },
            "weight": uint(u64::from(u32::MAX), "Weighted selection share (default 100)."),
            "priority": { "type": "integer", "minimum": i32::MIN, "maximum": i32::MAX, "description": "Tier for the priority policy (default 0)." },
        },
        "allOf": all_of,
    })
}

fn alias() -> Value {
    json!({
        "oneOf": [
            { "type": "string", "pattern": MODEL, "description": "Shorthand for { model = \"provider/model\" }." },
            {
                "type": "object",
                "additionalProperties": false,
                "required": ["model"],
                "properties": {
                    "model": { "type": "string", "pattern": MODEL, "description": "provider/model, e.g. openai/gpt-5-nano." },
                    "secret": { "type": "string", "pattern": SECRET_NAME },
                    "backend": { "type": "string", "description": "Pin the alias to a configured backend." },
                    "ops": { "type": "array", "items": ops() },
                },
            },
        ],
    })
}

fn discovery() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "ollama": {
                "type": "object",
                "description": "Import the models a local Ollama serves.",
                "additionalProperties": false,
                "properties": {
                    "enabled": { "type": "boolean" },
                    "scope": { "type": "string", "enum": ["serving", "installed"] },
                    "base_url": { "type": "string" },
                    "allow_remote": { "type": "boolean" },
                    "timeout_ms": uint(i64::MAX as u64, "Discovery timeout."),
                    "max_models": uint(i64::MAX as u64, "At most this many models."),
                    "allow_models": list_of(json!({ "type": "string" }), "Only these models."),
                    "deny_models": list_of(json!({ "type": "string" }), "Never these models."),
                    "name_prefix": { "type": "string" },
                    "name_conflict": { "type": "string", "enum": ["skip", "overwrite"] },
                    "default_weight": uint(u64::from(u32::MAX), "Weight of imported backends."),
                    "default_priority": { "type": "integer", "minimum": i32::MIN, "maximum": i32::MAX },
                    "default_ops": { "type": "array", "items": ops() },
                    "default_features": list_of(json!({ "type": "string" }), "Features of imported backends."),
                    "default_transports": { "type": "array", "items": transports() },
                },
            },
        },
    })
}

fn router() -> Value {
    let n = |d: &str| uint(i64::MAX as u64, d);
    json!({
        "type": "object",
        "description": "Spear's external routing filter.",
        "additionalProperties": false,
        "properties": {
            "enabled": { "type": "boolean" },
            "addr": { "type": "string", "pattern": "^(|.+:[0-9]+)$", "description": "host:port, or empty for the SMS address." },
            "decision_timeout_ms": n("Decision timeout budget."),
            "fail_open": { "type": "boolean" },
            "max_candidates_sent": n("Max candidates sent."),
            "max_debug_kv": n("Max debug entries."),
            "max_inflight_total": n("Max in-flight requests in total."),
            "per_agent_max_inflight": n("Max in-flight requests per agent."),
            "content_fetch_enabled": { "type": "boolean" },
            "content_fetch_max_bytes": n("Max payload bytes forwarded."),
        },
    })
}

/// The schema of the llm table itself.
pub(crate) fn llm_table() -> Value {
    json!({
        "type": "object",
        "description": "LLM credentials, backends and model aliases (llmcfg).",
        "additionalProperties": false,
        "properties": {
            "default_policy": { "type": "string", "enum": words(Policy::words()), "default": Policy::default().as_str() },
            "default_alias": { "type": "string", "pattern": ALIAS_NAME },
            "credentials": { "type": "array", "items": { "$ref": "#/definitions/credential" } },
            "backends": { "type": "array", "items": { "$ref": "#/definitions/backend" } },
            "aliases": {
                "type": "object",
                "propertyNames": { "pattern": ALIAS_NAME },
                "additionalProperties": { "$ref": "#/definitions/alias" },
            },
            "discovery": discovery(),
            "router_grpc_filter_stream": router(),
        },
    })
}

/// The schema of a whole file whose llm table is at dotted `table`.
pub(crate) fn schema(table: &str) -> Value {
    let mut inner = json!({ "$ref": "#/definitions/llm" });
    for segment in table.rsplit('.') {
        let mut properties = Map::new();
        properties.insert(segment.to_string(), inner);
        inner = json!({ "type": "object", "properties": properties });
    }
    let mut root = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://llmcfg.dev/schema/llm.schema.json",
        "title": "llmcfg LLM configuration",
        "description": format!("A TOML file whose `{table}` table configures llmcfg. Generated by `cargo llmcfg schema`."),
        "definitions": {
            "llm": llm_table(),
            "credential": credential(),
            "backend": backend(),
            "alias": alias(),
        },
    });
    if let (Value::Object(root_map), Value::Object(inner_map)) = (&mut root, inner) {
        root_map.extend(inner_map);
    }
    root
}
