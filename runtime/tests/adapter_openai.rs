//! async-openai through the executor against `wiremock`: the config a target gives (base URL,
//! Bearer key, nothing from the environment), the model name in the body, usage of chat and
//! embedding responses in the telemetry, and the classification of its errors.
#![cfg(feature = "async-openai")]

mod adapter_common;
mod span_capture;

use adapter_common::*;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestUserMessageArgs, ChatCompletionStreamOptions, CreateChatCompletionRequest,
    CreateChatCompletionRequestArgs, CreateChatCompletionResponse,
};
use async_openai::types::embeddings::CreateEmbeddingRequestArgs;
use llmcfg::adapter::{AdapterError, openai};
use span_capture::*;
use std::time::Duration;

use llmcfg::call::{CallErrorKind, Classify, Clock, FailureClass, Outcome, Target};
use llmcfg::{Op, Request};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn chat_request(model: &str) -> CreateChatCompletionRequest {
    let message = ChatCompletionRequestUserMessageArgs::default()
        .content("hello")
        .build()
        .expect("message");
    CreateChatCompletionRequestArgs::default()
        .model(model)
        .messages([message.into()])
        .build()
        .expect("request")
}

async fn chat(
    http: reqwest::Client,
    t: Target<'_>,
) -> Result<CreateChatCompletionResponse, OpenAIError> {
    let client = openai::client(&t, http)?;
    client.chat().create(chat_request(t.model_name())).await
}

fn answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "m1-2025",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop", "logprobs": null}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
    }))
}

fn api_error(status: u16, kind: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": {"message": "no", "type": kind, "param": null, "code": null}
    }))
}

#[test]
fn a_chat_call_goes_to_the_targets_base_url_with_its_key_and_records_usage() {
    let mut seen = None;
    let capture = captured(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(answer())
            .mount(&server)
            .await;
        let url = format!("{}/v1/", server.uri());
        let (exec, _) = executor(
            config(&[B("a", "openai_chat_completion", &url, "openai/m1", 1)]),
            no_retries(),
        );
        let http = reqwest::Client::new();
        let called = exec
            .call("a0", |t| chat(http.clone(), t))
            .await
            .expect("call");
        assert_eq!(
            called.value.choices[0].message.content.as_deref(),
            Some("hi")
        );
        seen = Some(server.received_requests().await.expect("recorded")[0].clone());
    });
    let request = seen.expect("one request");
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {CANARY}").as_str())
    );
    assert_eq!(
        header(&request, "openai-organization"),
        None,
        "nothing from OPENAI_ORG_ID"
    );
    assert_eq!(body(&request)["model"], "m1");
    let call = &capture.spans("llmcfg.call")[0];
    assert_eq!(field(call, "gen_ai.usage.input_tokens"), Some("12"));
    assert_eq!(field(call, "gen_ai.usage.output_tokens"), Some("3"));
    assert_eq!(field(call, "gen_ai.response.model"), Some("m1-2025"));
    assert!(!capture.all_text().contains(CANARY));
}

#[test]
fn embedding_usage_is_recorded() {
    let capture = captured(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/embeddings"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "object": "list", "model": "e1-2025",
                "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}],
                "usage": {"prompt_tokens": 6, "total_tokens": 6}
            })))
            .mount(&server)
            .await;
        let (exec, _) = executor(
            config(&[B(
                "a",
                "openai_chat_completion",
                &server.uri(),
                "openai/e1",
                1,
            )]),
            no_retries(),
        );
        let http = reqwest::Client::new();
        exec.call(Request::from("a0").op(Op::Embeddings), |t| {
            let http = http.clone();
            async move {
                let client =
                    async_openai::Client::with_config(openai::config(&t)?).with_http_client(http);
                let request = CreateEmbeddingRequestArgs::default()
                    .model(t.model_name())
                    .input("text")
                    .build()?;
                client.embeddings().create(request).await
            }
        })
        .await
        .expect("embeddings");
    });
    let call = &capture.spans("llmcfg.call")[0];
    assert_eq!(field(call, "gen_ai.usage.input_tokens"), Some("6"));
    assert_eq!(field(call, "gen_ai.response.model"), Some("e1-2025"));
}

#[tokio::test]
async fn server_errors_and_refused_keys_fail_over_after_one_request_each() {
    let http = reqwest::Client::new();
    for (response, class) in [
        (
            ResponseTemplate::new(503).set_body_string("unavailable"),
            FailureClass::ServerError,
        ),
        (api_error(401, "invalid_request_error"), FailureClass::Auth),
    ] {
        let (a, b) = (MockServer::start().await, MockServer::start().await);
        // `expect(1)`: async-openai's own retries are off, the executor's are the only ones.
        Mock::given(method("POST"))
            .respond_with(response)
            .expect(1)
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(answer())
            .mount(&b)
            .await;
        let cfg = config(&[
            B("a", "openai_chat_completion", &a.uri(), "openai/m1", 2),
            B("b", "openai_chat_completion", &b.uri(), "openai/m1", 1),
        ]);
        let (exec, _) = executor(cfg, no_retries());
        let called = exec
            .call("a0", |t| chat(http.clone(), t))
            .await
            .expect("failed over");
        let outcomes: Vec<_> = called
            .attempts
            .iter()
            .map(|a| (&*a.backend, a.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [("a", Outcome::Failed(class)), ("b", Outcome::Success)]
        );
        assert_eq!(called.attempts[0].retry_after, None);
    }
}

#[tokio::test]
async fn a_429_waits_its_retry_after_on_the_clock_and_a_400_stops_the_call() {
    let http = reqwest::Client::new();
    let a = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(api_error(429, "rate_limit_exceeded").insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&a)
        .await;
    Mock::given(method("POST"))
        .respond_with(answer())
        .expect(1)
        .mount(&a)
        .await;
    let cfg = config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]);
    let (exec, clock) = executor(cfg, llmcfg::call::StaticPlan::default());
    let (real, before) = (std::time::Instant::now(), clock.now());
    let called = exec
        .call("a0", |t| chat(http.clone(), t))
        .await
        .expect("retried");
    let first = &called.attempts[0];
    assert_eq!(first.outcome, Outcome::Failed(FailureClass::RateLimited));
    assert_eq!(first.retry_after, Some(Duration::from_secs(2)));
    assert_eq!(first.status, Some(429));
    assert_eq!(called.attempts[1].waited, Duration::from_secs(2));
    assert!(clock.now() - before >= Duration::from_secs(2));
    assert!(
        real.elapsed() < Duration::from_secs(2),
        "no real sleep, here or in async-openai"
    );

    let a = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(api_error(400, "invalid_request_error"))
        .mount(&a)
        .await;
    let (exec, _) = executor(
        config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]),
        no_retries(),
    );
    let err = exec
        .call("a0", |t| chat(http.clone(), t))
        .await
        .expect_err("400");
    assert_eq!(err.kind(), CallErrorKind::BadRequest);
    assert_eq!(err.attempts()[0].status, Some(400));
}

#[test]
fn only_openai_compatible_backends_get_a_config() {
    let cfg = config(&[B(
        "c",
        "anthropic_messages",
        "https://api.anthropic.com/v1",
        "anthropic/claude-x",
        1,
    )]);
    let resolved = resolver(cfg).resolve("a0").expect("resolves");
    let err = openai::config(&resolved).expect_err("anthropic");
    assert!(matches!(err, AdapterError::WrongKind { .. }));
    assert_eq!(err.classify().class, FailureClass::Other, "fails over");
    assert!(
        err.to_string()
            .contains("`anthropic_messages`, which async-openai does not speak"),
        "{err}"
    );
}

const EVENTS: &str = concat!(
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m1-2025\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m1-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m1-2025\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":2,\"total_tokens\":13}}\n\n",
    "data: [DONE]\n\n",
);

#[test]
fn a_chat_stream_fails_over_before_its_first_chunk_and_records_its_final_usage() {
    let mut text = String::new();
    let capture = captured(async {
        let (a, b) = (MockServer::start().await, MockServer::start().await);
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503).set_body_string("down"))
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(EVENTS.as_bytes().to_vec(), "text/event-stream"),
            )
            .mount(&b)
            .await;
        let cfg = config(&[
            B("a", "openai_chat_completion", &a.uri(), "openai/m1", 2),
            B("b", "openai_chat_completion", &b.uri(), "openai/m1", 1),
        ]);
        let (exec, _) = executor(cfg, no_retries());
        let http = reqwest::Client::new();
        let stream = exec
            .stream("a0", |t| {
                let http = http.clone();
                async move {
                    let mut request = chat_request(t.model_name());
                    request.stream_options = Some(ChatCompletionStreamOptions {
                        include_usage: Some(true),
                        include_obfuscation: None,
                    });
                    openai::client(&t, http)?
                        .chat()
                        .create_stream(request)
                        .await
                }
            })
            .await
            .expect("failed over");
        assert_eq!(stream.backend(), "b");
        let totals = llmcfg::adapter::stream::drain(stream, |chunk| {
            text.extend(chunk.choices.iter().filter_map(|c| c.delta.content.clone()));
        })
        .await
        .expect("streamed");
        assert_eq!((totals.input, totals.output), (Some(11), Some(2)));
        let sent = body(&b.received_requests().await.expect("recorded")[0]);
        assert_eq!(
            (&sent["model"], &sent["stream"]),
            (&json!("m1"), &json!(true))
        );
    });
    assert_eq!(text, "Hello");
    let call = &capture.spans("llmcfg.call")[0];
    assert_eq!(field(call, "gen_ai.usage.input_tokens"), Some("11"));
    assert_eq!(field(call, "gen_ai.usage.output_tokens"), Some("2"));
    assert_eq!(field(call, "gen_ai.response.model"), Some("m1-2025"));
    let attempts = capture.spans("llmcfg.attempt");
    assert_eq!(field(&attempts[0], "error.type"), Some("server_error"));
    assert!(field(&attempts[1], "llmcfg.time_to_first_chunk_ms").is_some());
}
