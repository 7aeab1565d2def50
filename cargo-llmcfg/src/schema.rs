//! `cargo llmcfg schema`: a draft-07 JSON Schema of the config file for editors (taplo's
//! `#:schema` header). Its properties are the key declarations of `llmcfg_core::keys` and its
//! enums the core vocabulary, so neither can drift from what `check` accepts; only the rules
//! across keys (what each kind requires) are written here.

use clap::Args;
use llmcfg_core::keys::{self, Key, Table, Text, Ty};
use llmcfg_core::vocab::{BackendKind, CredentialKind};
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

fn words(iter: impl IntoIterator<Item = &'static str>) -> Value {
    Value::Array(iter.into_iter().map(|w| json!(w)).collect())
}

fn text(t: Text) -> Value {
    let mut v = json!({ "type": "string" });
    if let Some(pattern) = t.pattern {
        v["pattern"] = json!(pattern);
    }
    if t.non_empty {
        v["minLength"] = json!(1);
    }
    v
}

fn array(items: Value, min_items: u32) -> Value {
    let mut v = json!({ "type": "array", "items": items });
    if min_items > 0 {
        v["minItems"] = json!(min_items);
    }
    v
}

fn definition(table: &Table) -> Value {
    json!({ "$ref": format!("#/definitions/{}", table.id) })
}

fn default_of(value: keys::Value) -> Value {
    match value {
        keys::Value::Bool(b) => json!(b),
        keys::Value::Int(n) => json!(n),
        keys::Value::Str(s) => json!(s),
        keys::Value::Strs(items) => words(items.iter().copied()),
    }
}

/// The schema of one declared key: its type, and its doc line and default.
fn property(key: &Key) -> Value {
    let mut v = match key.ty {
        Ty::Str(t) => text(t),
        Ty::Word(w) => json!({ "type": "string", "enum": words((w.list)()) }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Int { min, max } => json!({ "type": "integer", "minimum": min, "maximum": max }),
        Ty::Duration => json!({ "type": "string", "pattern": keys::DURATION }),
        Ty::Strs { item, min_items } => array(text(item), min_items),
        Ty::StrOrStrs { item } => json!({ "oneOf": [text(item), array(text(item), 1)] }),
        Ty::WordList {
            words: w,
            min_items,
        } => array(
            json!({ "type": "string", "enum": words((w.list)()) }),
            min_items,
        ),
        Ty::Table(t) => object(t),
        Ty::Tables(t) => json!({ "type": "array", "items": definition(t) }),
        Ty::StrMap { key, value } => json!({
            "type": "object",
            "propertyNames": text(key),
            "additionalProperties": text(value),
        }),
        Ty::Entries(t) => json!({
            "type": "object",
            "propertyNames": { "pattern": keys::ALIAS_NAME },
            "additionalProperties": definition(t),
        }),
    };
    v["description"] = json!(key.doc);
    if let Some(default) = key.default {
        v["default"] = default_of(default);
    }
    v
}

/// A declared table: every declared key a property, nothing else allowed.
fn object(table: &Table) -> Value {
    let properties: Map<String, Value> = table
        .keys
        .iter()
        .map(|k| (k.name.to_string(), property(k)))
        .collect();
    let required: Vec<&str> = table
        .keys
        .iter()
        .filter(|k| k.required)
        .map(|k| k.name)
        .collect();
    let mut v = json!({
        "type": "object",
        "description": table.doc,
        "additionalProperties": false,
        "properties": properties,
    });
    if !required.is_empty() {
        v["required"] = json!(required);
    }
    v
}

/// A credential: the declared keys, and the ones each kind requires or forbids.
fn credential() -> Value {
    let kind_is = |kind: CredentialKind| json!({ "properties": { "kind": { "const": kind.as_str() } }, "required": ["kind"] });
    // The keys only one kind takes; each other kind forbids them.
    let owned: [(CredentialKind, &[&str]); 4] = [
        (CredentialKind::Env, &["secret"]),
        (CredentialKind::File, &["path"]),
        (CredentialKind::Command, &["command", "ttl", "output"]),
        (CredentialKind::Keyring, &["service", "account"]),
    ];
    let required: [(CredentialKind, &[&str]); 4] = [
        (CredentialKind::Env, &["api_key_env"]),
        (CredentialKind::File, &["path"]),
        (CredentialKind::Command, &["command"]),
        (CredentialKind::Keyring, &["service", "account"]),
    ];
    let all_of: Vec<Value> = required
        .iter()
        .map(|(kind, needs)| {
            let forbidden: Vec<Value> = owned
                .iter()
                .filter(|(other, _)| other != kind)
                .flat_map(|(_, keys)| keys.iter().map(|k| json!({ "required": [k] })))
                .collect();
            let condition = if *kind == CredentialKind::Env {
                json!({ "anyOf": [{ "not": { "required": ["kind"] } }, kind_is(*kind)] })
            } else {
                kind_is(*kind)
            };
            let mut then = json!({ "required": needs, "not": { "anyOf": forbidden } });
            if *kind != CredentialKind::Env {
                // A key pool is for `kind = "env"`: the other kinds take one overriding variable.
                then["properties"] = json!({ "api_key_env": { "type": "string" } });
            }
            json!({ "if": condition, "then": then })
        })
        .collect();
    let mut v = object(&keys::CREDENTIAL);
    v["allOf"] = Value::Array(all_of);
    v
}

/// A backend: the declared keys, what each kind can serve and use (from the same tables the
/// validator reads), and `base_url` unless it is a stub.
fn backend() -> Value {
    let mut all_of: Vec<Value> = BackendKind::ALL
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
    all_of.push(json!({
        "if": { "not": { "properties": { "kind": { "const": BackendKind::Stub.as_str() } }, "required": ["kind"] } },
        "then": { "required": ["base_url"] },
    }));
    let mut v = object(&keys::BACKEND);
    v["allOf"] = Value::Array(all_of);
    v
}

/// An alias: the declared table, or the `"provider/model"` shorthand.
fn alias() -> Value {
    json!({
        "oneOf": [
            { "type": "string", "pattern": keys::MODEL, "description": "Shorthand for { model = \"provider/model\" }." },
            object(&keys::ALIAS),
        ],
    })
}

/// The schema of the llm table itself.
pub(crate) fn llm_table() -> Value {
    object(&keys::LLM)
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Where the schema describes the table declared as `id`.
    fn described<'a>(root: &'a Value, id: &str) -> &'a Value {
        let defs = &root["definitions"];
        let llm = &defs["llm"]["properties"];
        match id {
            "alias" => &defs["alias"]["oneOf"][1],
            "discovery" => &llm["discovery"],
            "ollama" => &llm["discovery"]["properties"]["ollama"],
            "router" => &llm["router_grpc_filter_stream"],
            "calls" => &llm["calls"],
            "backoff" => &llm["calls"]["properties"]["backoff"],
            other => &defs[other],
        }
    }

    /// The keys `docs/keys.md` lists under the section of `heading`.
    fn documented(docs: &str, heading: &str) -> BTreeSet<String> {
        let start = format!("\n## `{heading}`\n");
        let Some((_, section)) = docs.split_once(&start) else {
            return BTreeSet::new();
        };
        let section = section.split("\n## ").next().unwrap_or_default();
        section
            .lines()
            .filter_map(|line| line.strip_prefix("| `"))
            .filter_map(|rest| rest.split_once('`').map(|(key, _)| key.to_string()))
            .collect()
    }

    /// The reader takes its keys from the same declarations (tested in llmcfg-core); here the
    /// schema's properties and the docs' rows are checked against them, table by table.
    #[test]
    fn schema_docs_and_declarations_list_the_same_keys() {
        let root = schema(llmcfg_core::DEFAULT_TABLE);
        let docs = include_str!("../../docs/keys.md");
        for table in keys::TABLES {
            let declared: BTreeSet<String> = table.names().map(str::to_string).collect();
            let properties: BTreeSet<String> = described(&root, table.id)["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            assert_eq!(properties, declared, "schema of `{}`", table.id);
            assert_eq!(
                documented(docs, table.heading),
                declared,
                "docs/keys.md section `{}`",
                table.heading
            );
        }
    }

    #[test]
    fn the_call_settings_validate_in_every_layer() {
        let root = schema(llmcfg_core::DEFAULT_TABLE);
        let validator = jsonschema::draft7::new(&root).expect("valid schema");
        let valid = |text: &str| {
            let doc: Value = toml::from_str(text).expect("toml");
            validator.is_valid(&doc)
        };
        let corpus = include_str!("../../tests/corpus/valid/call-settings.toml");
        assert!(valid(corpus), "the corpus example");
        assert!(!valid("[llm.calls]\nretry_on = [\"sometimes\"]\n"));
        assert!(!valid("[llm.calls]\nbackoff = { initial = 1 }\n"));
        assert!(!valid("[llm.calls]\nmax_retries = -1\n"));
        assert!(!valid(
            "[llm.aliases]\nsmart = { model = \"openai/m\", fallbacks = [\"Not An Alias\"] }\n"
        ));
        // `deadline` belongs to `[llm.calls]` and aliases, not to backends.
        assert!(!valid(
            "[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\nops = [\"embeddings\"]\ndeadline = \"1m\"\n"
        ));
    }

    #[test]
    fn timeout_is_a_duration_string() {
        let root = schema(llmcfg_core::DEFAULT_TABLE);
        let validator = jsonschema::draft7::new(&root).expect("valid schema");
        let with = |timeout: &str| {
            let text = format!(
                "[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\nops = [\"embeddings\"]\ntimeout = {timeout}\n"
            );
            let doc: Value = toml::from_str(&text).expect("toml");
            validator.is_valid(&doc)
        };
        assert!(with("\"30s\""));
        assert!(with("\"1m 30s\""));
        assert!(!with("30"), "a bare number has no unit");
        assert!(!with("\"soon\""));
        let timeout = &described(&root, "backend")["properties"]["timeout"];
        assert_eq!(
            timeout["description"],
            keys::BACKEND.key("timeout").map_or("", |k| k.doc)
        );
    }
}
