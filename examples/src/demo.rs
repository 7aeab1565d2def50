//! The demo's calls: real HTTP through llmcfg's executor and its reqwest adapter (and one
//! through async-openai) to the local servers of [`crate::mock`], with a failover when the
//! first backend answers 503. Prints each call's answer, backend, attempts, tokens and latency.

use std::time::{Duration, Instant};

use async_openai::types::chat::{
    ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs,
};
use llmcfg::adapter::{openai, reqwest::send_json};
use llmcfg::call::{Attempt, CallOverrides, Executor, StaticPlan, Usage};
use llmcfg::{Config, Resolver};

use crate::mock::{MockServer, Shape};

/// The three local servers: an OpenAI-shaped and an Anthropic-shaped one that answer, and an
/// OpenAI-shaped one that answers 503 (the first backend of the failover demo).
#[derive(Debug)]
pub struct Servers {
    /// Answers two chat completions: one through reqwest, one through async-openai.
    pub openai: MockServer,
    /// Answers two messages: a direct call and the failover's fallback.
    pub anthropic: MockServer,
    /// Answers 503 twice: the first attempt and its one retry.
    pub down: MockServer,
}

impl Servers {
    /// Starts them; `openai_key` and `anthropic_key` are what they accept.
    pub fn start(openai_key: &str, anthropic_key: &str) -> std::io::Result<Servers> {
        Ok(Servers {
            openai: MockServer::start(Shape::OpenAi, openai_key, vec![200, 200])?,
            anthropic: MockServer::start(Shape::Anthropic, anthropic_key, vec![200, 200])?,
            down: MockServer::start(Shape::OpenAi, openai_key, vec![503, 503])?,
        })
    }

    /// `llm.toml`'s shape with the base URLs on the local servers: the OpenAI key from the
    /// `openai-creds` secret, Anthropic's from `ANTHROPIC_API_KEY`; `flaky` is pinned to the
    /// backend that answers 503.
    pub fn config(&self) -> Result<Config, llmcfg::LoadError> {
        Config::from_toml_str(&format!(
            r#"
[llm]
default_policy = "priority"

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"
secret = "openai-creds"

[[llm.credentials]]
name = "anthropic"
api_key_env = "ANTHROPIC_API_KEY"

[[llm.backends]]
name = "openai-local"
kind = "openai_chat_completion"
base_url = "{}"
credential_ref = "openai"
ops = ["chat_completions"]

[[llm.backends]]
name = "openai-down"
kind = "openai_chat_completion"
base_url = "{}"
credential_ref = "openai"
ops = ["chat_completions"]

[[llm.backends]]
name = "anthropic-local"
kind = "anthropic_messages"
base_url = "{}"
credential_ref = "anthropic"
ops = ["chat_completions"]

[llm.aliases]
fast = {{ model = "openai/gpt-5-nano", backend = "openai-local" }}
smart = {{ model = "anthropic/claude-sonnet-4", backend = "anthropic-local" }}
flaky = {{ model = "openai/gpt-5-nano", backend = "openai-down" }}
"#,
            self.openai.base_url(),
            self.down.base_url(),
            self.anthropic.base_url(),
        ))
    }
}

/// `flaky` falls back to `smart`, after one retry.
pub fn plan() -> StaticPlan {
    let once = CallOverrides {
        max_retries: Some(1),
        backoff_initial: Some(Duration::from_millis(50)),
        ..CallOverrides::NONE
    };
    StaticPlan::builder()
        .alias("flaky", once)
        .fallbacks("flaky", ["smart"])
        .build()
}

fn messages(prompt: &str) -> serde_json::Value {
    // `max_tokens` is required by Anthropic's API and accepted by OpenAI's.
    serde_json::json!({"max_tokens": 256, "messages": [{"role": "user", "content": prompt}]})
}

fn print_call(
    label: &str,
    answer: &str,
    usage: &dyn Usage,
    attempts: &[Attempt<'_>],
    took: Duration,
) {
    let backend = attempts.last().map_or("?", |a| &*a.backend);
    println!("{label}");
    println!("  answer:   {answer}");
    println!("  backend:  {backend}");
    println!("  attempts: {}", attempts.len());
    for attempt in attempts {
        match attempt.waited.as_millis() {
            0 => println!("    {attempt}"),
            waited => println!("    {attempt} (started {waited} ms after the previous one)"),
        }
    }
    let count = |n: Option<u64>| n.map_or("?".to_string(), |n| n.to_string());
    println!(
        "  tokens:   {} in, {} out",
        count(usage.input_tokens()),
        count(usage.output_tokens())
    );
    println!("  latency:  {} ms", took.as_millis());
}

/// Runs the demo's four calls.
pub async fn run(resolver: &Resolver<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let executor = Executor::builder(resolver).plan(plan()).build();
    let http = reqwest::Client::new();

    for (alias, prompt) in [("fast", "Say hello."), ("smart", "Say hello, please.")] {
        let started = Instant::now();
        let called = executor
            .call(alias, |t| send_json(&http, t, messages(prompt)))
            .await?;
        let answer = match alias {
            "smart" => &called.value["content"][0]["text"],
            _ => &called.value["choices"][0]["message"]["content"],
        };
        let label = format!("{alias} (reqwest adapter, POST {})", path_of(alias));
        let answer = answer.as_str().unwrap_or("(no text)");
        print_call(
            &label,
            answer,
            &called.value,
            &called.attempts,
            started.elapsed(),
        );
    }

    let started = Instant::now();
    let called = executor
        .call("flaky", |t| {
            send_json(&http, t, messages("Say hello, again."))
        })
        .await?;
    let answer = called.value["content"][0]["text"]
        .as_str()
        .unwrap_or("(no text)");
    let label = "flaky (its backend answers 503: one retry, then failover to its fallback `smart`)";
    print_call(
        label,
        answer,
        &called.value,
        &called.attempts,
        started.elapsed(),
    );

    let started = Instant::now();
    let called = executor
        .call("fast", |t| {
            let http = http.clone();
            async move {
                let client = openai::client(&t, http)?;
                let request = CreateChatCompletionRequestArgs::default()
                    .model(t.model_name())
                    .messages([ChatCompletionRequestUserMessageArgs::default()
                        .content("Say hello through async-openai.")
                        .build()?
                        .into()])
                    .build()?;
                client.chat().create(request).await
            }
        })
        .await?;
    let answer = called.value.choices[0]
        .message
        .content
        .as_deref()
        .unwrap_or("(no text)");
    print_call(
        "fast (async-openai)",
        answer,
        &called.value,
        &called.attempts,
        started.elapsed(),
    );
    Ok(())
}

fn path_of(alias: &str) -> &'static str {
    match alias {
        "smart" => "/v1/messages, x-api-key",
        _ => "/v1/chat/completions, Bearer",
    }
}
