//! What the fuzz targets check, shared by `fuzz/fuzz_targets/*.rs` (through `#[path]`) and by
//! `tests/tests/fuzz_regressions.rs`, which replays saved inputs through the same assertions.
//!
//! Neither function may panic for any input except by a failed assertion (a finding).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::OnceLock;

use llmcfg::source::SourceError;
use llmcfg::{
    Config, Env, ResolveError, Resolver, SecretMap, SecretSource, SecretSourceError, SecretString,
};
use llmcfg_core::{Options, render};

/// No secrets, no files, and above all no commands: fuzz inputs name arbitrary argv and paths.
pub(crate) struct NoSecrets;

impl SecretSource for NoSecrets {
    fn secret(&self, _name: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        Ok(None)
    }
    fn read_file(&self, path: &Path) -> Result<SecretString, SourceError> {
        Err(SourceError::FileUnreadable {
            path: path.to_path_buf(),
            reason: "no files while fuzzing".into(),
        })
    }
    fn run_command(&self, argv: &[&str]) -> Result<SecretString, SourceError> {
        Err(SourceError::CommandSpawn {
            program: argv.first().copied().unwrap_or("").to_string(),
            reason: "no commands while fuzzing".into(),
        })
    }
}

/// The `check` target: `llmcfg_core::check` on `data` read as lossy UTF-8 (invalid bytes become
/// U+FFFD, three bytes each, which exercises multi-byte spans and columns). When the first line
/// is `#!table=PATH` (a TOML comment, so it stays in the text) the llm table is read at `PATH`.
/// Every diagnostic must point into the text and render in every form; a report without errors
/// must lower to a runtime config that resolves without panicking.
pub(crate) fn check_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let table = text.strip_prefix("#!table=").map(|rest| {
        rest.split('\n')
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string()
    });
    let report = llmcfg_core::check("fuzz.toml", text, &Options { table });
    let len = text.len();
    let lines = text.split('\n').count();
    for d in &report.diagnostics {
        for (start, end) in std::iter::once((d.span.start, d.span.end))
            .chain(d.related.iter().map(|r| (r.span.start, r.span.end)))
        {
            assert!(start <= end, "inverted span {start}..{end}: {d:?}");
            assert!(
                end <= len,
                "span {start}..{end} past the end ({len}): {d:?}"
            );
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "span {start}..{end} not on char boundaries: {d:?}"
            );
        }
        assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
        assert!(!d.help.trim().is_empty(), "empty help: {d:?}");
        assert_eq!(d.severity, d.code.severity(), "{d:?}");

        let plain = render::plain(&report.source, d);
        assert!(plain.contains(d.code.as_str()), "{plain}");
        let short = render::short(&report.source, d);
        assert!(short.starts_with("fuzz.toml:"), "{short}");
        assert!(!short.contains('\n') || d.message.contains('\n'), "{short}");
        let json = render::json(&report.source, d);
        assert!(json.line >= 1 && json.column >= 1, "{json:?}");
        assert!(json.line <= lines && json.end_line <= lines, "{json:?}");
        assert!(
            (json.line, json.column) <= (json.end_line, json.end_column),
            "{json:?}"
        );
        let encoded = serde_json::to_string(&json).expect("a JSON diagnostic serializes");
        let back: serde_json::Value = serde_json::from_str(&encoded).expect("and parses back");
        assert_eq!(back["code"], d.code.as_str());
        let at = report.location(d);
        assert_eq!((at.line, at.column), (json.line, json.column));
    }
    assert!(
        report
            .diagnostics
            .windows(2)
            .all(|w| (w[0].span.start, w[0].span.end) <= (w[1].span.start, w[1].span.end)),
        "diagnostics out of order"
    );
    if !report.has_errors() {
        let config = Config::from_report(report).expect("a report without errors loads");
        let resolver = Resolver::builder(&config)
            .env(BTreeMap::<String, String>::new())
            .secrets(NoSecrets)
            .seed(7)
            .build()
            .expect("no registry, so the resolver builds");
        for alias in config.aliases() {
            let _ = resolver.resolve(alias.name());
            let _ = resolver.explain(alias.name());
        }
        let _ = resolver.resolve(None);
        let _ = resolver.global_environment();
        let _ = resolver.snapshot_json();
    }
}

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

/// An empty config and one with credentials, backends, aliases and a default.
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

fn build(config: &Config, value: OsString) -> Result<Resolver<'_>, ResolveError> {
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
        assert!(
            r.alias(&name.to_ascii_uppercase()).is_some(),
            "alias `{name}` is case-sensitive"
        );
        let _ = r.resolve(name.as_str());
        let _ = r.explain(name.as_str());
        let _ = r.failover(name.as_str());
    }
    let _ = r.resolve(None);
    let _ = r.explain(None);
    let _ = r.global_environment();
    let _ = format!("{r:?}");
}

/// The `registry` target: `data` is the raw value of `LLMCFG_MODEL_REGISTRY` (not necessarily
/// UTF-8, as an `OsString` from the environment may be), read by `Resolver::builder(..).build()`
/// against an empty and a rich config. An invalid value must be `ResolveError::Registry` naming
/// the variable; a valid one must round-trip: its `snapshot_json()` read back over the same
/// config and over an empty one (a remote run) snapshots to the same JSON.
#[cfg(unix)]
pub(crate) fn registry_input(data: &[u8]) {
    use std::os::unix::ffi::OsStringExt;
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
                    let again = build(on, snapshot.clone().into())
                        .unwrap_or_else(|e| panic!("snapshot {snapshot} does not read back: {e}"));
                    assert_eq!(
                        again.snapshot_json(),
                        snapshot,
                        "snapshot does not round-trip"
                    );
                    exercise(&again);
                }
            }
        }
    }
}
