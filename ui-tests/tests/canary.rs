//! The macro never reads an env var's value: a crate built while `OPENAI_API_KEY` and a
//! variable the config references hold a random canary contains the names, never the canary.

mod common;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

const REFERENCED: &str = "LLMCFG_CANARY_REFERENCED_KEY";

const CONFIG: &str = r#"[llm]
default_alias = "fast"

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"
secret = "openai-creds"

[[llm.credentials]]
name = "internal"
api_key_env = "LLMCFG_CANARY_REFERENCED_KEY"

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]

[[llm.backends]]
name = "internal-gateway"
kind = "openai_chat_completion"
base_url = "https://llm.internal.example/v1"
credential_ref = "internal"
model = "internal/big"
ops = ["chat_completions"]

[llm.aliases]
fast = { model = "openai/gpt-5-nano", secret = "openai-creds" }
big = { model = "internal/big", backend = "internal-gateway" }
"#;

const MAIN: &str = r#"llmcfg::include_llm_config!("llm.toml");

fn main() {
    println!("{CONFIG:?}");
    println!("{:?} {:?}", env::ALL, aliases::BIG);
}
"#;

/// 32 random hex digits (std's `RandomState` is randomly seeded per process and per call).
fn canary() -> String {
    let a = RandomState::new().hash_one(std::process::id());
    let b = RandomState::new().hash_one(std::time::SystemTime::now());
    format!("canary{a:016x}{b:016x}")
}

#[test]
fn env_values_never_reach_the_binary() {
    let canary = canary();
    let probe = common::Probe::new("llmcfg-canary-probe", CONFIG, MAIN);
    let out = probe.build(&[("OPENAI_API_KEY", &canary), (REFERENCED, &canary)]);
    assert!(probe.compiled(&out), "the probe crate was not compiled");

    let outputs = probe.outputs();
    let binary = std::fs::read(probe.binary()).unwrap_or_else(|e| panic!("reading binary: {e}"));
    // The scan sees real content: the variable's name is in the binary.
    assert!(
        contains(&binary, REFERENCED.as_bytes()),
        "name missing from binary"
    );
    for file in &outputs {
        let Ok(bytes) = std::fs::read(file) else {
            continue;
        };
        assert!(
            !contains(&bytes, canary.as_bytes()),
            "the canary value leaked into {}",
            file.display()
        );
    }
    eprintln!("scanned {} files for the canary", outputs.len());
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
