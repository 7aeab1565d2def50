//! The call plan written in the file runs: `[llm.calls]`, a backend's and an alias's settings
//! and an alias's `fallbacks` reach the executor from both consumers of the lowered config
//! (the macro's compiled-in constants and `Config::load`), with no plan set in code.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use llmcfg::call::{
    CallOverrides, CallPolicy, Executor, HttpStatus, ManualClock, RetryOn, StaticPlan,
};
use llmcfg::{Config, Resolver};

mod llm {
    llmcfg::include_llm_config!("../tests/corpus/valid/call-settings.toml");
}

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/corpus/valid/call-settings.toml"
);

const S: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn the_macro_and_config_load_carry_the_same_call_settings() {
    let loaded = Config::load(FILE).expect("the corpus file is valid");
    let compiled = &llm::CONFIG;
    assert_eq!(loaded.call_overrides(), compiled.call_overrides());
    let calls = compiled.call_overrides();
    assert_eq!(calls.deadline, Some(S(180)));
    assert_eq!(calls.backoff_initial, Some(Duration::from_millis(250)));
    assert_eq!(calls.retry_on, Some(RetryOn::ALL));
    assert_eq!(calls.allowed_fails, Some(3));
    for b in compiled.backends() {
        let read = loaded.backend(b.name()).expect("same backends");
        assert_eq!(read.call_overrides(), b.call_overrides(), "{}", b.name());
    }
    for a in compiled.aliases() {
        let read = loaded.alias(a.name()).expect("same aliases");
        assert_eq!(read.call_overrides(), a.call_overrides(), "{}", a.name());
        assert_eq!(read.fallbacks(), a.fallbacks(), "{}", a.name());
    }
    let smart = llm::aliases::SMART;
    assert_eq!(smart.fallbacks(), ["fast", "local"]);
    assert_eq!(smart.call_overrides().timeout, Some(S(120)));
    let anthropic = llm::backends::ANTHROPIC.call_overrides();
    assert_eq!(anthropic.connect_timeout, Some(S(3)));
    assert_eq!(anthropic.max_retries, Some(1));
}

/// Three aliases on three backends; `smart` falls back to `fast`, then `local`.
fn config(calls: &str) -> &'static Config {
    let toml = format!(
        r#"
[llm.calls]
{calls}

[[llm.credentials]]
name = "k"
api_key_env = "TEST_KEY"

[[llm.backends]]
name = "a"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:9/v1"
credential_ref = "k"
model = "openai/m1"
ops = ["chat_completions"]
max_retries = 1

[[llm.backends]]
name = "b"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:9/v1"
credential_ref = "k"
model = "openai/m2"
ops = ["chat_completions"]

[[llm.backends]]
name = "c"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:9/v1"
credential_ref = "k"
model = "openai/m3"
ops = ["chat_completions"]

[llm.aliases]
smart = {{ model = "openai/m1", fallbacks = ["fast", "local"], timeout = "2m", deadline = "10m" }}
fast = {{ model = "openai/m2", max_retries = 0 }}
local = "openai/m3"
"#
    );
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e}\n{toml}"),
    }
}

fn executor(config: &'static Config, plan: Option<StaticPlan>) -> Executor<'static> {
    let env = BTreeMap::from([("TEST_KEY".to_string(), "k".to_string())]);
    let resolver = Resolver::builder(config).env(env).seed(1).build();
    let resolver = Box::leak(Box::new(resolver.expect("resolver")));
    let builder = Executor::builder(resolver)
        .clock(ManualClock::new())
        .seed(7);
    match plan {
        Some(plan) => builder.plan(plan),
        None => builder,
    }
    .build()
}

/// Every attempt's backend and timeout in a call of `smart`; each answers `status`.
fn attempts(exec: &Executor<'static>, status: u16) -> Vec<(String, Duration)> {
    attempts_of(exec, "smart", status)
}

fn attempts_of(exec: &Executor<'static>, alias: &str, status: u16) -> Vec<(String, Duration)> {
    let seen = Mutex::new(Vec::new());
    let result = exec.call_blocking(alias, |t| {
        if let Ok(mut seen) = seen.lock() {
            seen.push((t.backend().to_string(), t.timeout()));
        }
        Err::<(), _>(HttpStatus::new(status, None))
    });
    assert!(result.is_err(), "every attempt failed");
    seen.into_inner().unwrap_or_default()
}

#[test]
fn the_files_fallbacks_and_layers_decide_every_attempt() {
    let exec = executor(config("timeout = \"10s\"\nmax_retries = 2"), None);
    assert_eq!(
        attempts(&exec, 503),
        [
            // `smart`'s own backend: the alias's 2 m timeout, the backend's one retry.
            ("a".to_string(), S(120)),
            ("a".to_string(), S(120)),
            // Fallback `fast`: its own `max_retries = 0`, `[llm.calls]`'s 10 s timeout.
            ("b".to_string(), S(10)),
            // Fallback `local`: `[llm.calls]`'s two retries.
            ("c".to_string(), S(10)),
            ("c".to_string(), S(10)),
            ("c".to_string(), S(10)),
        ]
    );
}

#[test]
fn retry_on_from_the_file_limits_what_is_retried() {
    let cfg = config("retry_on = [\"rate_limit\"]");
    let exec = executor(cfg, None);
    let backends: Vec<String> = attempts(&exec, 503).into_iter().map(|(b, _)| b).collect();
    assert_eq!(backends, ["a", "b", "c"], "a 503 is not retried");
    // A fresh executor: the failures above count towards each backend's breaker.
    let exec = executor(cfg, None);
    let backends: Vec<String> = attempts(&exec, 429).into_iter().map(|(b, _)| b).collect();
    assert_eq!(backends, ["a", "a", "b", "c", "c", "c"], "a 429 is");
}

#[test]
fn a_plan_set_in_code_sits_above_the_file_layer_by_layer() {
    let plan = StaticPlan::builder()
        .fallbacks("smart", ["local"])
        .calls(CallOverrides {
            max_retries: Some(0),
            ..CallOverrides::NONE
        })
        .alias(
            "smart",
            CallOverrides {
                timeout: Some(S(7)),
                ..CallOverrides::NONE
            },
        )
        .build();
    let exec = executor(config("max_retries = 2"), Some(plan));
    assert_eq!(
        attempts(&exec, 503),
        [
            // The backend's file `max_retries = 1` is above the code's `[llm.calls]` layer.
            ("a".to_string(), S(7)),
            ("a".to_string(), S(7)),
            // The code's fallbacks replace the file's; `local` retries per the code's calls.
            ("c".to_string(), CallPolicy::DEFAULT.timeout),
        ]
    );
}

#[test]
fn the_deadline_of_the_file_bounds_the_call() {
    // `fast` sets no deadline: `[llm.calls]`' 45 s cuts the 60 s timeout of its first attempt
    // (a `timeout-exceeds-deadline` warning, which does not stop the config from loading).
    let exec = executor(config("deadline = \"45s\"\ntimeout = \"60s\""), None);
    assert_eq!(
        exec.resolver().config().call_overrides().deadline,
        Some(S(45))
    );
    let seen = attempts_of(&exec, "fast", 400);
    assert_eq!(seen.len(), 1, "a bad request is not retried: {seen:?}");
    assert_eq!(seen[0].0, "b");
    // What is left of the deadline when the attempt starts: 45 s less the call's own setup.
    assert!(seen[0].1 <= S(45) && seen[0].1 > S(44), "{seen:?}");
    // `smart` sets its own 10 m deadline: its 2 m timeout is not cut.
    assert_eq!(attempts(&exec, 400), [("a".to_string(), S(120))]);
}

/// The defaults `docs/keys.md` and the JSON Schema show for `[llm.calls]` (its declarations
/// in `llmcfg-core`) are the executor's built-in ones.
#[test]
fn the_declared_defaults_of_llm_calls_are_the_executors() {
    use llmcfg_core::keys::{BACKOFF_TABLE, CALLS, Table, Value};
    let duration = |table: &Table, name: &str| match table.key(name).and_then(|k| k.default) {
        Some(Value::Str(text)) => llmcfg_core::duration::parse(text).expect("a duration"),
        other => panic!("`{name}` declares no duration default: {other:?}"),
    };
    let int = |name: &str| match CALLS.key(name).and_then(|k| k.default) {
        Some(Value::Int(n)) => u32::try_from(n).expect("a count"),
        other => panic!("`{name}` declares no integer default: {other:?}"),
    };
    let d = CallPolicy::DEFAULT;
    assert_eq!(duration(&CALLS, "timeout"), d.timeout);
    assert_eq!(duration(&CALLS, "connect_timeout"), d.connect_timeout);
    assert_eq!(duration(&CALLS, "deadline"), d.deadline);
    assert_eq!(
        duration(&CALLS, "first_chunk_timeout"),
        d.first_chunk_timeout
    );
    assert_eq!(duration(&CALLS, "idle_timeout"), d.idle_timeout);
    assert_eq!(duration(&CALLS, "cooldown"), d.cooldown);
    assert_eq!(duration(&BACKOFF_TABLE, "initial"), d.backoff.initial);
    assert_eq!(duration(&BACKOFF_TABLE, "max"), d.backoff.max);
    assert_eq!(int("max_retries"), d.max_retries);
    assert_eq!(int("allowed_fails"), d.allowed_fails);
    let Some(Value::Strs(words)) = CALLS.key("retry_on").and_then(|k| k.default) else {
        panic!("`retry_on` declares no default list");
    };
    let declared = words
        .iter()
        .map(|w| RetryOn::from_word(w).expect("a retry class"))
        .fold(RetryOn::NONE, RetryOn::union);
    assert_eq!(declared, d.retry_on);
}
