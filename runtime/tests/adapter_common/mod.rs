//! Shared by the adapter tests: configs of one backend kind per `wiremock` server, a resolver
//! with a canary key, and an executor on a manual clock (spans are captured by `span_capture`).
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use llmcfg::call::{CallOverrides, Executor, ManualClock, StaticPlan};
use llmcfg::{Config, Resolver};

/// The key every backend uses; it must never show up in any output.
pub const CANARY: &str = "sk-canary-adapter-4b8d2e";

/// A backend: name, kind, base URL, `provider/model` it serves, priority tier.
pub struct B<'a>(pub &'a str, pub &'a str, pub &'a str, pub &'a str, pub i32);

/// One alias per distinct model, named by the model's position: `a0`, `a1`, …; backends in
/// the `priority` policy, so the pick and the failover order are the priority order.
pub fn config(backends: &[B<'_>]) -> &'static Config {
    let mut toml = String::from(
        "[llm]\ndefault_policy = \"priority\"\n\n[[llm.credentials]]\nname = \"k\"\napi_key_env = \"TEST_KEY\"\n",
    );
    let mut models: Vec<&str> = Vec::new();
    for B(name, kind, url, model, priority) in backends {
        let credential = if *kind == "ollama_chat" {
            String::new()
        } else {
            "credential_ref = \"k\"\n".to_string()
        };
        let ops = if *kind == "anthropic_messages" {
            "[\"chat_completions\"]"
        } else {
            "[\"chat_completions\", \"embeddings\"]"
        };
        toml.push_str(&format!(
            "\n[[llm.backends]]\nname = \"{name}\"\nkind = \"{kind}\"\nbase_url = \"{url}\"\n{credential}model = \"{model}\"\nops = {ops}\npriority = {priority}\n"
        ));
        if !models.contains(model) {
            models.push(model);
        }
    }
    toml.push_str("\n[llm.aliases]\n");
    for (i, model) in models.iter().enumerate() {
        toml.push_str(&format!("a{i} = \"{model}\"\n"));
    }
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e:?}\n{toml}"),
    }
}

pub fn resolver(config: &'static Config) -> &'static Resolver<'static> {
    let env = BTreeMap::from([("TEST_KEY".to_string(), CANARY.to_string())]);
    let r = Resolver::builder(config)
        .env(env)
        .seed(1)
        .build()
        .expect("resolver");
    Box::leak(Box::new(r))
}

/// No retries unless a test asks: each failure is one attempt.
pub fn no_retries() -> StaticPlan {
    StaticPlan::builder()
        .calls(CallOverrides {
            max_retries: Some(0),
            ..CallOverrides::NONE
        })
        .build()
}

pub fn executor(config: &'static Config, plan: StaticPlan) -> (Executor<'static>, ManualClock) {
    let clock = ManualClock::new();
    let e = Executor::builder(resolver(config))
        .plan(plan)
        .clock(clock.clone())
        .seed(7)
        .build();
    (e, clock)
}

/// The header of a received request, as text.
pub fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The JSON body of a received request.
pub fn body(request: &wiremock::Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}
