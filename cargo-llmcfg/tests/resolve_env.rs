//! `cargo llmcfg resolve` and `env`: the runtime's decision with reasons and key sources (never
//! a value), and the env-var names a config reads.

mod common;

use common::{cli, stderr, stdout};
use serde_json::Value;

const CONFIG: &str = r#"[llm]
default_alias = "fast"

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]

[[llm.backends]]
name = "local"
kind = "ollama_chat"
base_url = "http://127.0.0.1:11434"
ops = ["chat_completions", "embeddings"]

[llm.aliases]
fast = "openai/gpt-5-nano"
smart = { model = "anthropic/claude-sonnet-4" }
llama = "ollama/llama3.1"
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("llm.toml"), CONFIG).expect("write");
    dir
}

#[test]
fn resolve_names_the_rule_candidates_and_key_source_never_the_value() {
    let dir = setup();
    let out = cli(dir.path())
        .env("OPENAI_API_KEY", "sk-canary-resolve")
        .arg("resolve")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("sk-canary-resolve"));
    insta::assert_snapshot!("resolve_default", text);
    let json = cli(dir.path())
        .env("OPENAI_API_KEY", "sk-canary-resolve")
        .args(["resolve", "fast", "-o", "json"])
        .output()
        .expect("runs");
    let raw = stdout(&json);
    assert!(!raw.contains("sk-canary-resolve"));
    let v: Value = serde_json::from_str(&raw).expect("json");
    assert_eq!(v["selection"], "requested");
    assert_eq!(v["chosen"]["backend"], "openai-chat");
    assert_eq!(v["chosen"]["key_source"]["kind"], "env");
    assert_eq!(v["chosen"]["key_source"]["var"], "OPENAI_API_KEY");
}

#[test]
fn resolve_fails_with_reasons_when_nothing_can_serve() {
    let dir = setup();
    let out = cli(dir.path())
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .args(["resolve", "fast", "--op", "chat_completions"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("filtered  openai-chat: "),
        "{}",
        stdout(&out)
    );
    let embed = cli(dir.path())
        .args(["resolve", "llama", "--op", "embeddings"])
        .output()
        .expect("runs");
    assert_eq!(embed.status.code(), Some(0), "{}", stderr(&embed));
    assert!(stdout(&embed).contains("chosen:   local http://127.0.0.1:11434 (no key needed)"));
    let bad_op = cli(dir.path())
        .args(["resolve", "--op", "chat"])
        .output()
        .expect("runs");
    assert_eq!(bad_op.status.code(), Some(2));
}

#[test]
fn env_lists_names_with_references_and_marks_those_set_now() {
    let dir = setup();
    // OpenAI's key set, Anthropic's blank, the runtime's store dir set by `cli`.
    let out = cli(dir.path())
        .env("OPENAI_API_KEY", "sk-canary-env")
        .env("ANTHROPIC_API_KEY", " ")
        .arg("env")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("sk-canary-env"));
    insta::assert_snapshot!("env_human", stdout(&out));
    let dotenv = cli(dir.path())
        .args(["env", "-o", "dotenv"])
        .output()
        .expect("runs");
    insta::assert_snapshot!("env_dotenv", stdout(&dotenv));
    let json = cli(dir.path())
        .env("OPENAI_API_KEY", "sk-canary-env")
        .env_remove("ANTHROPIC_API_KEY")
        .args(["env", "-o", "json"])
        .output()
        .expect("runs");
    assert!(!stdout(&json).contains("sk-canary-env"));
    let v: Value = serde_json::from_slice(&json.stdout).expect("json");
    let states: Vec<&str> = v["variables"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|x| x["state"].as_str())
        .collect();
    assert_eq!(states, ["not set", "set"]);
    assert_eq!(v["runtime"][2]["name"], "LLMCFG_SECRETS_DIR");
    assert_eq!(v["runtime"][2]["state"], "set");
    let names: Vec<&str> = v["variables"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|x| x["name"].as_str())
        .collect();
    assert_eq!(names, ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]);
}

/// `resolve` shows each call setting of an attempt on the chosen backend with the layer it
/// comes from, and the alias's fallbacks, in both formats.
#[test]
fn resolve_shows_the_effective_call_settings_and_fallbacks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/corpus/valid/call-settings.toml"
    );
    std::fs::copy(corpus, dir.path().join("llm.toml")).expect("copy");
    let out = cli(dir.path())
        .env("ANTHROPIC_API_KEY", "sk-canary-calls")
        .args(["resolve", "smart"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("sk-canary-calls"));
    insta::assert_snapshot!("resolve_calls", text);
    let json = cli(dir.path())
        .env("ANTHROPIC_API_KEY", "sk-canary-calls")
        .args(["resolve", "smart", "-o", "json"])
        .output()
        .expect("runs");
    let v: Value = serde_json::from_str(&stdout(&json)).expect("json");
    assert_eq!(v["fallbacks"], serde_json::json!(["fast", "local"]));
    let timeout = &v["calls"]["timeout"];
    assert_eq!(timeout["value"], "2m");
    assert_eq!(timeout["layer"], "alias");
    assert_eq!(timeout["name"], "smart");
    assert_eq!(v["calls"]["max_retries"]["layer"], "backend");
    assert_eq!(v["calls"]["cooldown"]["layer"], "calls");
}

#[test]
fn resolve_shows_each_key_of_a_pool_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/corpus/valid/key-pool.toml"
    );
    std::fs::copy(corpus, dir.path().join("llm.toml")).expect("copy");
    let run = |args: &[&str]| {
        cli(dir.path())
            .env("OPENAI_KEY_A", "sk-canary-pool-a")
            .env("OPENAI_KEY_C", "sk-canary-pool-c")
            .args(args)
            .output()
            .expect("runs")
    };
    let out = run(&["resolve", "fast"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("sk-canary-pool"), "{text}");
    insta::assert_snapshot!("resolve_key_pool", text);
    let json = run(&["resolve", "fast", "-o", "json"]);
    let raw = stdout(&json);
    assert!(!raw.contains("sk-canary-pool"), "{raw}");
    let v: Value = serde_json::from_str(&raw).expect("json");
    let pool = &v["candidates"][0]["key_pool"];
    assert_eq!(pool[0]["var"], "OPENAI_KEY_A");
    assert_eq!(pool[0]["state"], "ready");
    assert_eq!(pool[1]["var"], "OPENAI_KEY_B");
    assert_eq!(pool[1]["state"], "unavailable");
    assert_eq!(pool[2]["state"], "ready");
    let env = run(&["env"]);
    let listed = stdout(&env);
    for var in ["OPENAI_KEY_A", "OPENAI_KEY_B", "OPENAI_KEY_C"] {
        assert!(listed.contains(var), "{listed}");
    }
    assert!(listed.contains("key pool"), "{listed}");
    assert!(!listed.contains("sk-canary-pool"), "{listed}");
}
