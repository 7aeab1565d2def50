//! A backend's `auth_header` and `headers` from the file reach the wire: through the reqwest
//! adapter and async-openai's config to an in-process `wiremock` server; genai, which cannot
//! send them, refuses the backend instead of calling it without them. No key in `Debug`.

use std::collections::BTreeMap;

use async_openai::types::chat::{
    ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs,
};
use llmcfg::adapter::reqwest::send_json;
use llmcfg::adapter::{AdapterError, genai, openai};
use llmcfg::call::{AuthScheme, Executor, ManualClock};
use llmcfg::{Config, Resolver};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARY: &str = "sk-canary-headers-9c1f";

/// An OpenAI-compatible gateway that wants the key in `api-key` and two static headers.
fn config(url: &str) -> &'static Config {
    let toml = format!(
        r#"
[[llm.credentials]]
name = "gw"
api_key_env = "GW_KEY"

[[llm.backends]]
name = "gateway"
kind = "openai_chat_completion"
base_url = "{url}/v1"
credential_ref = "gw"
model = "openai/m1"
ops = ["chat_completions"]
auth_header = "api-key"
headers = {{ "OpenAI-Organization" = "org-test", X-Team = "core" }}

[llm.aliases]
fast = "openai/m1"
"#
    );
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e}\n{toml}"),
    }
}

fn resolver(config: &'static Config) -> &'static Resolver<'static> {
    let env = BTreeMap::from([("GW_KEY".to_string(), CANARY.to_string())]);
    let r = Resolver::builder(config)
        .env(env)
        .build()
        .expect("resolver");
    Box::leak(Box::new(r))
}

async fn gateway() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("api-key", CANARY))
        .and(header("OpenAI-Organization", "org-test"))
        .and(header("X-Team", "core"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000,
            "model": "m1-2025",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"},
                         "finish_reason": "stop", "logprobs": null}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
        })))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn the_reqwest_adapter_sends_the_key_in_auth_header_and_the_static_headers() {
    let server = gateway().await;
    let cfg = config(&server.uri());
    let backend = cfg.backend("gateway").expect("declared");
    assert_eq!(backend.auth_header(), Some("api-key"));
    assert_eq!(backend.headers().len(), 2);
    let exec = Executor::builder(resolver(cfg))
        .clock(ManualClock::new())
        .build();
    let client = reqwest::Client::new();
    let called = exec
        .call("fast", |t| {
            assert_eq!(t.auth(), AuthScheme::Header);
            assert_eq!(t.auth_header(), Some("api-key"));
            send_json(
                &client,
                t,
                json!({"messages": [{"role": "user", "content": "hi"}]}),
            )
        })
        .await
        .expect("the gateway answers");
    assert_eq!(called.value["model"], "m1-2025");
    let received = server.received_requests().await.expect("recorded");
    assert!(
        received[0].headers.get("authorization").is_none(),
        "the key goes in `api-key` only"
    );
}

#[tokio::test]
async fn async_openais_config_carries_them_and_hides_the_key() {
    let server = gateway().await;
    let resolved = resolver(config(&server.uri()))
        .resolve("fast")
        .expect("resolves");
    let config = openai::config(&resolved).expect("config");
    assert!(!format!("{config:?}").contains(CANARY), "{config:?}");
    let client = openai::client(&resolved, reqwest::Client::new()).expect("client");
    let message = ChatCompletionRequestUserMessageArgs::default()
        .content("hello")
        .build()
        .expect("message");
    let request = CreateChatCompletionRequestArgs::default()
        .model(resolved.model_name())
        .messages([message.into()])
        .build()
        .expect("request");
    let answer = client
        .chat()
        .create(request)
        .await
        .expect("the gateway answers");
    assert_eq!(answer.model, "m1-2025");
}

#[test]
fn genai_refuses_a_backend_whose_headers_it_cannot_send() {
    let resolved = resolver(config("http://127.0.0.1:9"))
        .resolve("fast")
        .expect("resolves");
    let err = genai::service_target(&resolved).expect_err("refused");
    assert!(
        matches!(&err, AdapterError::HeadersUnsupported { backend, .. } if backend == "gateway"),
        "{err}"
    );
}
