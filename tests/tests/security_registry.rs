//! SECURITY.md: `LLMCFG_MODEL_REGISTRY` carries names, never values or endpoints. Whoever can set
//! it on a remote run can pick among the aliases, configured backends and built-in provider
//! endpoints, but cannot point a key at a new host (no URL field exists), cannot carry a key
//! (no value field exists), and cannot name a secret outside the store.

use std::collections::BTreeMap;

use llmcfg::{Config, ResolveError, Resolver, StoreSecrets};

const CONFIG: &str = r#"
[llm]
[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"

[[llm.backends]]
name = "oa"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]

[llm.aliases]
fast = "openai/gpt-5-nano"
"#;

fn build<'c>(
    config: &'c Config,
    store: &std::path::Path,
    registry: &str,
) -> Result<Resolver<'c>, ResolveError> {
    Resolver::builder(config)
        .env(BTreeMap::from([
            ("LLMCFG_MODEL_REGISTRY".to_string(), registry.to_string()),
            (
                "OPENAI_API_KEY".to_string(),
                "sk-registry-canary".to_string(),
            ),
        ]))
        .secrets(StoreSecrets::at(store))
        .build()
}

#[test]
fn a_registry_cannot_carry_an_endpoint_a_key_or_a_path() {
    let config = Config::from_toml_str(CONFIG).expect("valid config");
    let store = tempfile::tempdir().expect("tempdir");
    for json in [
        r#"{"aliases":{"fast":{"model":"openai/o3","base_url":"https://evil.example/v1"}}}"#,
        r#"{"aliases":{"fast":{"model":"openai/o3","url":"http://169.254.169.254/"}}}"#,
        r#"{"aliases":{"fast":{"model":"openai/o3","api_key":"sk-injected"}}}"#,
        r#"{"aliases":{"fast":{"model":"openai/o3"}},"backends":[{"name":"x","base_url":"https://evil.example"}]}"#,
        r#"{"aliases":{"fast":{"model":"openai/o3","secret":"../../etc/passwd"}}}"#,
        r#"{"aliases":{"fast":{"model":"openai/o3","secret":"/abs"}}}"#,
        r#"{"aliases":{"fast":{"model":"openai/o3","secret":"a/b"}}}"#,
    ] {
        let err = build(&config, store.path(), json).expect_err(json);
        assert!(matches!(err, ResolveError::Registry(_)), "{json}: {err}");
        let msg = err.to_string();
        assert!(msg.contains("LLMCFG_MODEL_REGISTRY"), "{json}: {msg}");
        assert!(!msg.contains("sk-registry-canary"), "{msg}");
    }
}

#[test]
fn a_transported_alias_only_reaches_configured_or_builtin_endpoints() {
    let config = Config::from_toml_str(CONFIG).expect("valid config");
    let store = tempfile::tempdir().expect("tempdir");
    // A provider nobody serves: resolving fails with a reason instead of inventing an endpoint.
    let r = build(
        &config,
        store.path(),
        r#"{"aliases":{"fast":{"model":"evil-provider/m"}}}"#,
    )
    .expect("a well-formed registry is read");
    let err = r
        .resolve("fast")
        .expect_err("no endpoint for an unknown provider");
    assert!(!err.to_string().contains("sk-registry-canary"), "{err}");
    // A pin to a backend the config lacks is filtered, not followed.
    let r = build(
        &config,
        store.path(),
        r#"{"aliases":{"fast":{"model":"openai/o3","backend":"elsewhere"}}}"#,
    )
    .expect("a well-formed registry is read");
    assert!(r.resolve("fast").is_err());
    // Overriding an alias keeps the configured endpoint and its key.
    let r = build(
        &config,
        store.path(),
        r#"{"aliases":{"fast":{"model":"openai/o3"}}}"#,
    )
    .expect("a well-formed registry is read");
    let resolved = r.resolve("fast").expect("resolves through `oa`");
    assert_eq!(resolved.model(), "openai/o3");
    assert_eq!(resolved.base_url(), "https://api.openai.com/v1");
    // And the snapshot sent onwards holds names only.
    assert!(!r.snapshot_json().contains("sk-registry-canary"));
}
