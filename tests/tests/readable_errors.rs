//! A newcomer's `fn main() -> Result<(), Box<dyn Error>>` prints a failure with `{:?}`: the
//! runtime's errors must read there as their message with its fixes, never as a struct dump,
//! and never with a key value.

use std::collections::BTreeMap;
use std::error::Error;

use llmcfg::{Config, ResolveError, Resolver, SecretError, SecretMap};

const CONFIG: &str = r#"
[llm]
default_alias = "fast"

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"
secret = "openai-creds"

[[llm.credentials]]
name = "anthropic"
api_key_env = "ANTHROPIC_API_KEY"

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]

[[llm.backends]]
name = "anthropic-main"
kind = "anthropic_messages"
base_url = "https://api.anthropic.com/v1"
credential_ref = "anthropic"
ops = ["chat_completions"]

[llm.aliases]
fast = { model = "openai/gpt-5-nano", secret = "openai-creds" }
smart = { model = "anthropic/claude-sonnet-4", backend = "anthropic-main" }
"#;

/// A key that must never show up in any output.
const CANARY: &str = "sk-canary-7f3a9c";

/// Resolves `alias` with `env` as the environment and an empty secret store, returning the
/// error as `main` would receive it through `?`.
fn failure(env: &[(&str, &str)], alias: &str) -> (ResolveError, Box<dyn Error>) {
    let config = Config::from_toml_str(CONFIG).expect("the test config is valid");
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let resolver = Resolver::builder(&config)
        .env(env)
        .secrets(BTreeMap::<String, SecretMap>::new())
        .build()
        .expect("resolver");
    let err = resolver.resolve(alias).expect_err("the key is missing");
    (err.clone(), Box::new(err))
}

#[test]
fn debug_of_a_missing_key_error_is_its_message_with_both_fixes() {
    let (err, _) = failure(&[], "fast");
    let debug = format!("{err:?}");
    assert_eq!(debug, err.to_string());
    assert!(debug.contains("export OPENAI_API_KEY="), "{debug}");
    assert!(
        debug.contains("cargo llmcfg secrets set openai-creds --OPENAI_API_KEY="),
        "{debug}"
    );
}

#[test]
fn what_main_prints_through_box_dyn_error_is_no_struct_dump() {
    let (_, boxed) = failure(&[], "fast");
    // `Termination` for `Result<(), E>` prints `Error: {err:?}`.
    let printed = format!("Error: {boxed:?}");
    assert!(printed.starts_with("Error: no backend can serve `openai/gpt-5-nano` (alias `fast`)"));
    for dump in ["NoBackend", "Filtered", "SecretMissing", "reason:", "{ "] {
        assert!(!printed.contains(dump), "`{dump}` in {printed}");
    }
}

#[test]
fn debug_of_an_error_never_shows_a_key_that_is_set() {
    // A key the resolver holds while it reports that another one is missing.
    let (err, boxed) = failure(&[("OPENAI_API_KEY", CANARY)], "smart");
    for shown in [
        format!("{err:?}"),
        format!("{err:#?}"),
        format!("{boxed:?}"),
    ] {
        assert!(shown.contains("ANTHROPIC_API_KEY"), "{shown}");
        assert!(!shown.contains(CANARY), "key value in {shown}");
    }
}

#[test]
fn debug_of_a_secret_error_is_its_message() {
    let err = llmcfg::get_secret("../escape").expect_err("invalid name");
    assert!(matches!(err, SecretError::InvalidName { .. }));
    assert_eq!(format!("{err:?}"), err.to_string());
    assert!(format!("{err:?}").contains("use 1-128 characters"));
}
