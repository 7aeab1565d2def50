//! `cargo llmcfg schema`: the JSON Schema accepts the Spear file's llm table and every valid
//! corpus config, and rejects the invalid ones whose fault is structural (unknown keys, wrong
//! types, unknown words, bad names), checked with a JSON Schema validator.

mod common;

use common::{cli, corpus, corpus_files, declared_table, expected_codes, stdout};
use serde_json::Value;

fn validator(table: Option<&str>) -> jsonschema::Validator {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cmd = cli(dir.path());
    cmd.arg("schema");
    if let Some(t) = table {
        cmd.args(["--table", t]);
    }
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_str(&stdout(&out)).expect("schema is json");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

/// The TOML file as JSON, as taplo sees it.
fn as_json(text: &str) -> Option<Value> {
    toml::from_str::<Value>(text).ok()
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn accepts_every_valid_corpus_config_and_the_spear_file() {
    let default = validator(None);
    let files = corpus_files("valid");
    assert!(!files.is_empty());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let doc = as_json(&text).expect("valid TOML");
        let errs = match declared_table(&text) {
            Some(t) => errors(&validator(Some(&t)), &doc),
            None if text.contains("[spearlet.llm]") => {
                errors(&validator(Some("spearlet.llm")), &doc)
            }
            None => errors(&default, &doc),
        };
        assert!(errs.is_empty(), "{}: {errs:#?}", file.display());
    }
    let spear = corpus().join("valid/spear-spearlet.toml");
    if let Ok(text) = std::fs::read_to_string(spear) {
        let doc = as_json(&text).expect("toml");
        assert!(errors(&validator(Some("spearlet.llm")), &doc).is_empty());
        // The same file under the default table: no `[llm]` required, extra tables allowed.
        assert!(errors(&default, &doc).is_empty());
    }
}

/// Codes a JSON Schema can express: structure, types, vocabularies and name patterns.
const STRUCTURAL: &[&str] = &[
    "unknown-field",
    "missing-field",
    "wrong-type",
    "legacy-api-key-env",
    "plaintext-secret",
    "invalid-env-name",
    "invalid-name",
    "unknown-backend-kind",
    "unknown-credential-kind",
    "unknown-op",
    "unknown-transport",
    "unknown-policy",
    "unknown-hosting",
    "unknown-value",
    "unsupported-op",
    "unsupported-transport",
    "no-ops",
    "invalid-alias-name",
    "invalid-model",
    "field-kind-mismatch",
    "invalid-secret-name",
    "invalid-command",
    "out-of-range",
];

#[test]
fn rejects_invalid_corpus_configs_with_structural_faults() {
    let mut rejected = 0;
    for file in corpus_files("invalid") {
        let text = std::fs::read_to_string(&file).expect("read");
        let codes = expected_codes(&text);
        if !codes.iter().any(|c| STRUCTURAL.contains(&c.as_str())) {
            continue;
        }
        let Some(doc) = as_json(&text) else {
            continue;
        };
        let v = validator(declared_table(&text).as_deref());
        assert!(
            !errors(&v, &doc).is_empty(),
            "{} ({codes:?}) should be rejected",
            file.display()
        );
        rejected += 1;
    }
    assert!(rejected >= 10, "only {rejected} structural corpus files");
}

#[test]
fn rejects_hand_written_faults() {
    let v = validator(None);
    let cases = [
        "[llm]\nnope = 1\n",
        "[llm]\ndefault_policy = \"fastest\"\n",
        "[llm.aliases]\nFast = \"openai/x\"\n",
        "[llm.aliases]\nfast = \"gpt-4o\"\n",
        "[[llm.backends]]\nname = \"a\"\nkind = \"ollama_chat\"\nbase_url = \"http://127.0.0.1:11434\"\nops = [\"image_generation\"]\n",
        "[[llm.backends]]\nname = \"a\"\nkind = \"openai_chat_completion\"\nbase_url = \"https://x\"\napi_key_env = \"K\"\nops = [\"chat_completions\"]\n",
        "[[llm.credentials]]\nname = \"a\"\nkind = \"file\"\n",
        "[[llm.credentials]]\nname = \"a\"\napi_key_env = \"sk-123\"\n",
        "[llm.discovery.ollama]\nscope = \"all\"\n",
    ];
    for case in cases {
        let doc = as_json(case).expect("toml");
        assert!(!errors(&v, &doc).is_empty(), "should reject:\n{case}");
    }
}
