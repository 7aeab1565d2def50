//! The reader of `LLMCFG_MODEL_REGISTRY`, through the public path: `Resolver::builder(..)
//! .env(..).build()`, then resolving and explaining every alias.
//!
//! The input is the raw value of the variable (not necessarily UTF-8, as an `OsString` from the
//! environment may be). Contract checked against two configs (an empty one and one with
//! credentials, backends, aliases and a default):
//! - nothing panics;
//! - an invalid value is `ResolveError::Registry` and its message names the variable;
//! - a valid value round-trips: `snapshot_json()` read back (over the same config, and over an
//!   empty config on a remote run) builds and snapshots to the same JSON.

#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use llmcfg::{Config, Env, ResolveError, Resolver, SecretMap, SecretSource, SecretString};

const RICH: &str = r#"
[llm]
default_policy = "priority"
default_alias = "fast"

[[llm.credentials]]
name = "openai_chat"
api_key_env = "OPENAI_CHAT_API_KEY"
secret = "openai-creds"

[[llm.credentials]]
name = "anthropic"
api_key_env = "ANTHROPIC_API_KEY"

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai_chat"
model = "gpt-4o-mini"
ops = ["chat_completions"]
priority = 1

[[llm.backends]]
name = "anthropic-main"
kind = "anthropic_messages"
base_url = "https://api.anthropic.com/v1"
credential_ref = "anthropic"
ops = ["chat_completions"]

[[llm.backends]]
name = "local"
kind = "ollama_chat"
base_url = "http://127.0.0.1:11434"
hosting = "local"
ops = ["chat_completions", "embeddings"]

[llm.aliases]
fast  = { model = "openai/gpt-5-nano", secret = "openai-creds" }
smart = { model = "anthropic/claude-sonnet-4", backend = "anthropic-main" }
embed = { model = "ollama/nomic-embed-text", backend = "local" }
"#;

fn configs() -> &'static [Config; 2] {
    static CONFIGS: OnceLock<[Config; 2]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        [
            Config::from_toml_str("[llm]\n").expect("the empty config is valid"),
            Config::from_toml_str(RICH).expect("the rich config is valid"),
        ]
    })
}

/// An environment holding the registry and one key; everything else unset.
struct FuzzEnv(OsString);

impl Env for FuzzEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        match name {
            "LLMCFG_MODEL_REGISTRY" => Some(self.0.clone()),
            "ANTHROPIC_API_KEY" => Some(OsString::from("sk-ant-fuzz")),
            _ => None,
        }
    }
}

/// No secrets, no files, and above all no commands.
struct NoSecrets;

impl SecretSource for NoSecrets {
    fn secret(&self, _name: &str) -> Result<Option<SecretMap>, String> {
        Ok(None)
    }
    fn read_file(&self, _path: &Path) -> Result<SecretString, String> {
        Err("no files while fuzzing".into())
    }
    fn run_command(&self, _argv: &[&str]) -> Result<SecretString, String> {
        Err("no commands while fuzzing".into())
    }
}

fn build<'c>(config: &'c Config, value: OsString) -> Result<Resolver<'c>, ResolveError> {
    Resolver::builder(config)
        .env(FuzzEnv(value))
        .secrets(NoSecrets)
        .seed(7)
        .build()
}

fn exercise(r: &Resolver<'_>) {
    let names: Vec<String> = r
        .config()
        .aliases()
        .iter()
        .chain(r.transported_aliases())
        .map(|a| a.name().to_string())
        .collect();
    for name in &names {
        assert!(r.alias(name).is_some(), "alias `{name}` not found");
        assert!(r.alias(&name.to_ascii_uppercase()).is_some(), "alias `{name}` is case-sensitive");
        let _ = r.resolve(name.as_str());
        let _ = r.explain(name.as_str());
        let _ = r.failover(name.as_str());
    }
    let _ = r.resolve(None);
    let _ = r.explain(None);
    let _ = r.global_environment();
    let _ = format!("{r:?}");
}

fuzz_target!(|data: &[u8]| {
    let [empty, rich] = configs();
    for config in [empty, rich] {
        match build(config, OsString::from_vec(data.to_vec())) {
            Err(err) => {
                assert!(matches!(err, ResolveError::Registry(_)), "{err:?}");
                let message = err.to_string();
                assert!(message.contains("LLMCFG_MODEL_REGISTRY"), "{message}");
            }
            Ok(r) => {
                exercise(&r);
                let snapshot = r.snapshot_json();
                let parsed: serde_json::Value =
                    serde_json::from_str(&snapshot).expect("the snapshot is JSON");
                assert!(parsed["aliases"].is_object(), "{snapshot}");
                for on in [config, empty] {
                    let again = build(on, snapshot.clone().into()).unwrap_or_else(|e| {
                        panic!("snapshot {snapshot} does not read back: {e}")
                    });
                    assert_eq!(again.snapshot_json(), snapshot, "snapshot does not round-trip");
                    exercise(&again);
                }
            }
        }
    }
});
