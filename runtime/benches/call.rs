//! The executor's own overhead over calling the attempt closure directly: a first-attempt
//! success (with and without a `tracing` subscriber) and three instant failures then a success.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use llmcfg::call::{
    CallOverrides, Executor, Failure, FailureClass, ManualClock, StaticPlan, Target,
};
use llmcfg::{Config, Resolver};

const TOML: &str = r#"
[llm]
default_policy = "priority"
[[llm.credentials]]
name = "k"
api_key_env = "BENCH_KEY"
[[llm.backends]]
name = "a"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:1"
credential_ref = "k"
model = "openai/m1"
ops = ["chat_completions"]
priority = 2
[[llm.backends]]
name = "b"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:2"
credential_ref = "k"
model = "openai/m1"
ops = ["chat_completions"]
priority = 1
[llm.aliases]
smart = "openai/m1"
"#;

fn attempt(t: &Target<'_>) -> Result<u32, Failure> {
    Ok(black_box(t.attempt()))
}

fn bench(c: &mut Criterion) {
    let config = Config::from_toml_str(TOML).expect("config");
    let env = BTreeMap::from([("BENCH_KEY".to_string(), "sk-bench".to_string())]);
    let resolver = Resolver::builder(&config)
        .env(env)
        .build()
        .expect("resolver");
    let exec = Executor::builder(&resolver)
        .clock(ManualClock::new())
        .build();
    let mut g = c.benchmark_group("call");
    g.bench_function("direct_resolve_and_closure", |b| {
        b.iter(|| {
            let r = resolver.resolve("smart").expect("resolve");
            black_box((r.model_name(), r.api_key().is_some()))
        })
    });
    g.bench_function("first_attempt_success", |b| {
        b.iter(|| exec.call_blocking("smart", |t| attempt(&t)).expect("ok"))
    });
    g.bench_function("first_attempt_success_with_subscriber", |b| {
        let subscriber = tracing_subscriber::registry();
        tracing::subscriber::with_default(subscriber, || {
            b.iter(|| exec.call_blocking("smart", |t| attempt(&t)).expect("ok"))
        })
    });
    // No breaker and zero backoff: measures the executor's decisions, not the waits.
    let calls = CallOverrides {
        allowed_fails: Some(0),
        backoff_initial: Some(Duration::ZERO),
        max_retries: Some(2),
        ..CallOverrides::NONE
    };
    let retrying = Executor::builder(&resolver)
        .clock(ManualClock::new())
        .plan(StaticPlan::builder().calls(calls).build())
        .build();
    g.bench_function("three_failures_then_success", |b| {
        b.iter(|| {
            retrying
                .call_blocking("smart", |t| {
                    if t.attempt() <= 3 {
                        Err(Failure::new(FailureClass::ServerError))
                    } else {
                        attempt(&t)
                    }
                })
                .expect("fourth attempt succeeds")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
