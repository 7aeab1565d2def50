//! Call settings written in the file reach the executor: a backend's `timeout` is the
//! attempt's timeout on that backend, below an alias's setting made in code and above the
//! `[llm.calls]` layer (alias over backend over `[llm.calls]` over the built-in defaults).

mod call_common;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use call_common::{CANARY, chat, ok_body};
use llmcfg::call::{
    CallOverrides, CallPolicy, Executor, FailureClass, HttpStatus, ManualClock, Outcome, StaticPlan,
};
use llmcfg::{Config, Resolver};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Two backends of `openai/m1` in priority order; `a` sets `timeout = a_timeout`.
fn config(a_url: &str, b_url: &str, a_timeout: &str) -> &'static Config {
    let toml = format!(
        r#"
[llm]
default_policy = "priority"

[[llm.credentials]]
name = "k"
api_key_env = "TEST_KEY"

[[llm.backends]]
name = "a"
kind = "openai_chat_completion"
base_url = "{a_url}"
credential_ref = "k"
model = "openai/m1"
ops = ["chat_completions"]
priority = 2
timeout = "{a_timeout}"

[[llm.backends]]
name = "b"
kind = "openai_chat_completion"
base_url = "{b_url}"
credential_ref = "k"
model = "openai/m1"
ops = ["chat_completions"]
priority = 1

[llm.aliases]
smart = "openai/m1"
"#
    );
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e}\n{toml}"),
    }
}

fn executor(config: &'static Config, plan: StaticPlan) -> Executor<'static> {
    let env = BTreeMap::from([("TEST_KEY".to_string(), CANARY.to_string())]);
    let resolver = Resolver::builder(config).env(env).seed(1).build();
    let resolver = Box::leak(Box::new(resolver.expect("resolver")));
    Executor::builder(resolver)
        .plan(plan)
        .clock(ManualClock::new())
        .seed(7)
        .build()
}

const CALLS: CallOverrides = CallOverrides {
    timeout: Some(Duration::from_secs(10)),
    max_retries: Some(0),
    ..CallOverrides::NONE
};

/// The timeout each attempt was given, by backend; every attempt fails with a 503 so that
/// both backends are tried.
fn timeouts_seen(exec: &Executor<'static>) -> Vec<(String, Duration)> {
    let seen = Mutex::new(Vec::new());
    let result = exec.call_blocking("smart", |t| {
        if let Ok(mut seen) = seen.lock() {
            seen.push((t.backend().to_string(), t.timeout()));
        }
        Err::<(), _>(HttpStatus::new(503, None))
    });
    assert!(result.is_err(), "every attempt answered 503");
    seen.into_inner().unwrap_or_default()
}

#[test]
fn a_backends_file_timeout_sits_between_the_alias_and_llm_calls() {
    let cfg = config("http://127.0.0.1:9", "http://127.0.0.1:9", "250ms");
    assert_eq!(
        cfg.backend("a").and_then(|b| b.timeout()),
        Some(Duration::from_millis(250))
    );
    assert_eq!(cfg.backend("b").and_then(|b| b.timeout()), None);

    // Above `[llm.calls]`: `a` gets its own 250 ms, `b` the calls layer's 10 s.
    let exec = executor(cfg, StaticPlan::builder().calls(CALLS).build());
    assert_eq!(
        timeouts_seen(&exec),
        [
            ("a".into(), Duration::from_millis(250)),
            ("b".into(), Duration::from_secs(10))
        ]
    );

    // Below the alias: an alias setting made in code wins on every backend.
    let alias = CallOverrides {
        timeout: Some(Duration::from_secs(3)),
        ..CallOverrides::NONE
    };
    let plan = StaticPlan::builder()
        .calls(CALLS)
        .alias("smart", alias)
        .build();
    let exec = executor(cfg, plan);
    assert_eq!(
        timeouts_seen(&exec),
        [
            ("a".into(), Duration::from_secs(3)),
            ("b".into(), Duration::from_secs(3))
        ]
    );

    // A backend setting made in code sits above the file's.
    let mine = CallOverrides {
        timeout: Some(Duration::from_secs(1)),
        ..CallOverrides::NONE
    };
    let plan = StaticPlan::builder()
        .calls(CALLS)
        .backend("a", mine)
        .build();
    let exec = executor(cfg, plan);
    assert_eq!(
        timeouts_seen(&exec)[0],
        ("a".into(), Duration::from_secs(1))
    );
}

#[test]
fn without_any_layer_the_built_in_default_applies() {
    let cfg = config("http://127.0.0.1:9", "http://127.0.0.1:9", "250ms");
    let exec = executor(cfg, StaticPlan::builder().build());
    let seen = timeouts_seen(&exec);
    assert_eq!(seen[0], ("a".into(), Duration::from_millis(250)));
    assert!(
        seen.iter()
            .any(|(b, t)| b == "b" && *t == CallPolicy::DEFAULT.timeout)
    );
}

#[tokio::test]
async fn a_response_slower_than_the_backends_file_timeout_fails_over() {
    let (a, b) = (MockServer::start().await, MockServer::start().await);
    let ok = ResponseTemplate::new(200).set_body_json(ok_body("m1-2025"));
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(ok.clone().set_delay(Duration::from_millis(1500)))
        .mount(&a)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(ok)
        .expect(1)
        .mount(&b)
        .await;
    let exec = executor(
        config(&a.uri(), &b.uri(), "100ms"),
        StaticPlan::builder().calls(CALLS).build(),
    );
    let client = reqwest::Client::new();
    let real = Instant::now();
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("b answers");
    let outcomes: Vec<_> = called
        .attempts
        .iter()
        .map(|a| (a.backend.to_string(), a.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("a".into(), Outcome::Failed(FailureClass::Timeout)),
            ("b".into(), Outcome::Success)
        ]
    );
    assert!(
        real.elapsed() < Duration::from_millis(1500),
        "the slow response was not awaited"
    );
}
