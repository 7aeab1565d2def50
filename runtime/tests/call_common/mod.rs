//! Shared by the call tests: configs pointing at in-process `wiremock` servers, a resolver
//! with a canary key, an executor on a manual clock, and a real `reqwest` attempt.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use llmcfg::call::{CallPlan, Executor, HttpError, ManualClock, Target};
use llmcfg::{Config, Resolver};

/// The key every backend uses; it must never show up in any output.
pub const CANARY: &str = "sk-canary-7f3a9c1e5b";

/// A backend: name, base URL, model it is bound to (`openai/NAME`), priority tier.
pub struct B<'a>(pub &'a str, pub &'a str, pub &'a str, pub i32);

/// Aliases `smart = openai/m1`, `fast = openai/m2`, `slow = openai/m3`; backends in the
/// `priority` policy, so the pick and the failover order are the priority order.
pub fn config(backends: &[B<'_>]) -> &'static Config {
    let mut toml = String::from(
        "[llm]\ndefault_policy = \"priority\"\n\n[[llm.credentials]]\nname = \"k\"\napi_key_env = \"TEST_KEY\"\n",
    );
    for B(name, url, model, priority) in backends {
        toml.push_str(&format!(
            "\n[[llm.backends]]\nname = \"{name}\"\nkind = \"openai_chat_completion\"\nbase_url = \"{url}\"\ncredential_ref = \"k\"\nmodel = \"openai/{model}\"\nops = [\"chat_completions\"]\npriority = {priority}\n"
        ));
    }
    toml.push_str("\n[llm.aliases]\n");
    for (alias, model) in [("smart", "m1"), ("fast", "m2"), ("slow", "m3")] {
        if backends.iter().any(|b| b.2 == model) {
            toml.push_str(&format!("{alias} = \"openai/{model}\"\n"));
        }
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

pub fn executor(
    config: &'static Config,
    plan: impl CallPlan + 'static,
) -> (Executor<'static>, ManualClock) {
    let clock = ManualClock::new();
    let e = Executor::builder(resolver(config))
        .plan(plan)
        .clock(clock.clone())
        .seed(7)
        .build();
    (e, clock)
}

/// One real chat-completions request.
pub async fn chat(client: reqwest::Client, t: Target<'_>) -> Result<serde_json::Value, HttpError> {
    let mut req = client
        .post(format!("{}/chat/completions", t.base_url()))
        .timeout(t.timeout())
        .json(&serde_json::json!({ "model": t.model_name(), "messages": [] }));
    if let Some(key) = t.api_key() {
        req = req.bearer_auth(key.expose_secret());
    }
    let resp = HttpError::check(req.send().await?)?;
    Ok(resp.json().await?)
}

pub fn ok_body(model: &str) -> serde_json::Value {
    serde_json::json!({
        "model": model,
        "choices": [{"message": {"role": "assistant", "content": "hi"}}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3}
    })
}

/// A local port nothing listens on.
pub fn refused_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}
