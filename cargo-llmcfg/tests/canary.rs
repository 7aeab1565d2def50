//! Issue 11 acceptance: a random key-shaped canary placed in any string position of a valid or
//! invalid config — any value, a URL part, an argv element, an unknown field, unquoted after
//! `=` — never appears in any output of `check` (every format), `resolve`, `env`, `model list`,
//! `model register`, `migrate`'s diff, nor in the macro's compile error (rendered through the
//! same `llmcfg_core` report the macro uses).

mod common;

use std::path::Path;

use common::cli;
use proptest::prelude::*;

/// Prefixes of real providers' keys, as the key-shape detector knows them.
const PREFIXES: &[&str] = &[
    "sk-",
    "sk-proj-",
    "sk-ant-api03-",
    "gsk_",
    "xai-",
    "AIza",
    "ghp_",
    "hf_",
    "glpat-",
    "pplx-",
];

/// Where the canary goes: a line replacing `@SLOT@` in the configs below.
const POSITIONS: &[&str] = &[
    // Unquoted after `=`: a TOML syntax error whose snippet shows the line.
    "api_key_env = {K}",
    "base_url = {K}",
    "model = {K}",
    // Whole values.
    "api_key_env = \"{K}\"",
    "extra = \"{K}\"",
    "token = \"{K}\"",
    "kind = \"{K}\"",
    "ops = [\"{K}\"]",
    "description = '{K}'",
    // Inside values: argv elements, URL parts, paths, models.
    "command = [\"vault\", \"read\", \"--token={K}\"]",
    "command = [\"{K}\"]",
    "base_url = \"https://user:{K}@api.example.com/v1\"",
    "base_url = \"https://{K}@api.example.com/v1\"",
    "base_url = \"https://api.example.com/v1?api_key={K}\"",
    "base_url = \"https://api.example.com/{K}/v1\"",
    "path = \"/run/secrets/{K}\"",
    "model = \"openai/{K}\"",
    "name = \"{K}\"",
    "credential_ref = \"{K}\"",
    "nested = {{ deeper = [\"x {K} y\"] }}",
    // Beside an error on the same line, and in a comment.
    "priority = \"high\" # {K}",
    "\"{K}\" = 1",
];

/// A valid config; the slot sits in a credential, a backend or the aliases.
const VALID: &str = r#"[llm]
default_alias = "fast"

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"
@CRED@

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]
@BACKEND@

[llm.aliases]
fast = { model = "openai/gpt-5-nano" }
@ALIAS@
"#;

/// A legacy config, so `migrate` has a diff to print around the slot.
const LEGACY: &str = r#"[llm]
[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"
@BACKEND@
ops = ["chat_completions"]
@CRED@
@ALIAS@
"#;

/// The config with `line` at `slot` (`CRED`, `BACKEND` or `ALIAS`) and the other slots empty.
fn config(base: &str, slot: &str, line: &str) -> String {
    ["CRED", "BACKEND", "ALIAS"]
        .iter()
        .fold(base.to_string(), |text, s| {
            let with = if *s == slot { line } else { "" };
            text.replace(&format!("@{s}@"), with)
        })
}

/// Everything the commands print for the config in `dir`.
fn outputs(dir: &Path) -> Vec<(String, String)> {
    let mut runs: Vec<Vec<&str>> = ["human", "short", "json", "github", "sarif"]
        .iter()
        .map(|f| vec!["check", "--message-format", f])
        .collect();
    runs.extend([
        vec!["resolve"],
        vec!["resolve", "-o", "json"],
        vec!["resolve", "fast"],
        vec!["env"],
        vec!["env", "-o", "json"],
        vec!["env", "-o", "dotenv"],
        vec!["model", "list"],
        vec!["model", "list", "-o", "json"],
        vec!["migrate"],
        // Last: it edits the file when it is valid.
        vec!["model", "register", "quick", "--model", "openai/gpt-5-mini"],
    ]);
    runs.iter()
        .map(|args| {
            let out = cli(dir)
                .args(args)
                .env_remove("OPENAI_API_KEY")
                .output()
                .unwrap_or_else(|e| panic!("{args:?}: {e}"));
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            (args.join(" "), text)
        })
        .collect()
}

/// What the macro would print: each diagnostic as `render::plain`, the text of its
/// `compile_error!`.
fn macro_output(text: &str) -> String {
    let report = llmcfg_core::check("llm.toml", text, &llmcfg_core::Options::default());
    report
        .diagnostics
        .iter()
        .map(|d| llmcfg_core::render::plain(&report.source, d))
        .collect::<Vec<_>>()
        .join("\n")
}

fn canary() -> impl Strategy<Value = String> {
    (
        prop::sample::select(PREFIXES),
        "[A-Za-z0-9]{8}[0-9][A-Z][a-z][A-Za-z0-9]{13,29}",
    )
        .prop_map(|(prefix, body)| format!("{prefix}{body}"))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_canary_in_any_string_position_never_reaches_any_output(
        key in canary(),
        position in prop::sample::select(POSITIONS),
        slot in prop::sample::select(&["CRED", "BACKEND", "ALIAS"][..]),
        legacy in any::<bool>(),
    ) {
        let line = position.replace("{K}", &key).replace("{{", "{").replace("}}", "}");
        let base = if legacy { LEGACY } else { VALID };
        let text = config(base, slot, &line);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("llm.toml"), &text).expect("write");
        let shown = macro_output(&text);
        prop_assert!(!shown.contains(&key), "macro error shows {key}:\n{shown}");
        for (command, shown) in outputs(dir.path()) {
            prop_assert!(
                !shown.contains(&key),
                "`{command}` shows {key} for\n{text}\n---\n{shown}"
            );
        }
    }
}

/// Every position, once, with a fixed canary (slot and base taken in turn): the property's
/// cases are random, this makes sure each position is tried on every run.
#[test]
fn every_position_with_a_fixed_canary() {
    const KEY: &str = "sk-proj-Fixed0Canary9AbCdEfGh12345678";
    let slots = ["CRED", "BACKEND", "ALIAS"];
    for (i, position) in POSITIONS.iter().enumerate() {
        let line = position
            .replace("{K}", KEY)
            .replace("{{", "{")
            .replace("}}", "}");
        let base = if i % 2 == 0 { VALID } else { LEGACY };
        let text = config(base, slots[i % slots.len()], &line);
        let shown = macro_output(&text);
        assert!(!shown.contains(KEY), "macro error shows the key:\n{shown}");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("llm.toml"), &text).expect("write");
        for (command, shown) in outputs(dir.path()) {
            assert!(
                !shown.contains(KEY),
                "`{command}` shows the key for\n{text}\n---\n{shown}"
            );
        }
    }
}
