//! genai against `wiremock`: `exec_chat("a0", …)` on a client from the resolver resolves the
//! alias to its backend, key and model name; through the executor, each attempt's service
//! target; usage in the telemetry; and the classification of its errors, `Retry-After` kept.
#![cfg(feature = "genai")]

mod adapter_common;
mod span_capture;

use std::time::Duration;

use adapter_common::*;
use genai::chat::{ChatMessage, ChatRequest, ChatResponse};
use llmcfg::adapter::genai::{Error, client, service_target};
use llmcfg::call::{CallErrorKind, FailureClass, Outcome, StaticPlan, Target};
use serde_json::json;
use span_capture::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn chat() -> ChatRequest {
    ChatRequest::new(vec![ChatMessage::user("hello")])
}

fn openai_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": "m1-2025",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
    }))
}

fn anthropic_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x-2025",
        "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 21, "output_tokens": 7}
    }))
}

async fn attempt(plain: genai::Client, t: Target<'_>) -> Result<ChatResponse, Error> {
    let target = service_target(&t)?;
    Ok(plain.exec_chat(target, chat(), None).await?)
}

#[tokio::test]
async fn exec_chat_with_an_alias_resolves_backend_key_and_model_name() {
    let (o, a) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(openai_answer())
        .mount(&o)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(anthropic_answer())
        .mount(&a)
        .await;
    let cfg = config(&[
        B(
            "o",
            "openai_chat_completion",
            &format!("{}/v1", o.uri()),
            "openai/m1",
            1,
        ),
        B(
            "c",
            "anthropic_messages",
            &format!("{}/v1", a.uri()),
            "anthropic/claude-x",
            1,
        ),
    ]);
    let genai = client(resolver(cfg)).build().expect("client");
    let answer = genai.exec_chat("a0", chat(), None).await.expect("openai");
    assert_eq!(answer.first_text(), Some("hi"));
    let answer = genai
        .exec_chat("a1", chat(), None)
        .await
        .expect("anthropic");
    assert_eq!(answer.usage.prompt_tokens, Some(21));
    let sent = &o.received_requests().await.expect("recorded")[0];
    assert_eq!(
        header(sent, "authorization"),
        Some(format!("Bearer {CANARY}").as_str())
    );
    assert_eq!(body(sent)["model"], "m1");
    let sent = &a.received_requests().await.expect("recorded")[0];
    assert_eq!(header(sent, "x-api-key"), Some(CANARY));
    assert!(header(sent, "anthropic-version").is_some());
    assert_eq!(body(sent)["model"], "claude-x");
    let unknown = genai
        .exec_chat("nope", chat(), None)
        .await
        .expect_err("unknown alias");
    assert!(!format!("{unknown:?}{unknown}").contains(CANARY));
}

#[test]
fn through_the_executor_usage_is_recorded() {
    let capture = captured(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(anthropic_answer())
            .mount(&server)
            .await;
        let cfg = config(&[B(
            "c",
            "anthropic_messages",
            &server.uri(),
            "anthropic/claude-x",
            1,
        )]);
        let (exec, _) = executor(cfg, no_retries());
        let plain = genai::Client::new().expect("client");
        let called = exec
            .call("a0", |t| attempt(plain.clone(), t))
            .await
            .expect("call");
        assert_eq!(called.value.first_text(), Some("hi"));
    });
    let call = &capture.spans("llmcfg.call")[0];
    assert_eq!(field(call, "gen_ai.usage.input_tokens"), Some("21"));
    assert_eq!(field(call, "gen_ai.usage.output_tokens"), Some("7"));
    assert!(!capture.all_text().contains(CANARY));
}

#[tokio::test]
async fn a_429_waits_its_retry_after_and_5xx_401_400_classify() {
    let plain = genai::Client::new().expect("client");
    let a = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "2")
                .set_body_json(json!({"error": {"type": "rate_limit_exceeded"}})),
        )
        .up_to_n_times(1)
        .mount(&a)
        .await;
    Mock::given(method("POST"))
        .respond_with(openai_answer())
        .mount(&a)
        .await;
    let (exec, _) = executor(
        config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]),
        StaticPlan::default(),
    );
    let called = exec
        .call("a0", |t| attempt(plain.clone(), t))
        .await
        .expect("retried");
    assert_eq!(
        called.attempts[0].outcome,
        Outcome::Failed(FailureClass::RateLimited)
    );
    assert_eq!(called.attempts[0].retry_after, Some(Duration::from_secs(2)));
    assert_eq!(called.attempts[1].waited, Duration::from_secs(2));

    for (status, class) in [(500, FailureClass::ServerError), (401, FailureClass::Auth)] {
        let (a, b) = (MockServer::start().await, MockServer::start().await);
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"error": {}})))
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(openai_answer())
            .mount(&b)
            .await;
        let cfg = config(&[
            B("a", "openai_chat_completion", &a.uri(), "openai/m1", 2),
            B("b", "openai_chat_completion", &b.uri(), "openai/m1", 1),
        ]);
        let (exec, _) = executor(cfg, no_retries());
        let called = exec
            .call("a0", |t| attempt(plain.clone(), t))
            .await
            .expect("failed over");
        let outcomes: Vec<_> = called
            .attempts
            .iter()
            .map(|a| (&*a.backend, a.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [("a", Outcome::Failed(class)), ("b", Outcome::Success)],
            "{status}"
        );
    }
    let a = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {}})))
        .mount(&a)
        .await;
    let (exec, _) = executor(
        config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]),
        no_retries(),
    );
    let err = exec
        .call("a0", |t| attempt(plain.clone(), t))
        .await
        .expect_err("400");
    assert_eq!(err.kind(), CallErrorKind::BadRequest);
    assert!(!format!("{err:?}{err}").contains(CANARY));
}

const ANTHROPIC_EVENTS: &str = concat!(
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x-2025\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
);

#[test]
fn a_chat_stream_records_time_to_first_chunk_and_the_final_usage() {
    let mut text = String::new();
    let capture = captured(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/messages"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(ANTHROPIC_EVENTS.as_bytes().to_vec(), "text/event-stream"),
            )
            .mount(&server)
            .await;
        let cfg = config(&[B(
            "c",
            "anthropic_messages",
            &server.uri(),
            "anthropic/claude-x",
            1,
        )]);
        let (exec, _) = executor(cfg, no_retries());
        let plain = genai::Client::new().expect("client");
        let options = genai::chat::ChatOptions::default().with_capture_usage(true);
        let stream = exec
            .stream("a0", |t| {
                let (plain, options) = (plain.clone(), options.clone());
                async move {
                    let target = service_target(&t)?;
                    let response = plain
                        .exec_chat_stream(target, chat(), Some(&options))
                        .await?;
                    Ok::<_, Error>(llmcfg::adapter::genai::events(response))
                }
            })
            .await
            .expect("opened");
        llmcfg::adapter::stream::drain(stream, |event| {
            if let genai::chat::ChatStreamEvent::Chunk(chunk) = event {
                text.push_str(&chunk.content);
            }
        })
        .await
        .expect("streamed");
    });
    assert_eq!(text, "Hello");
    let call = &capture.spans("llmcfg.call")[0];
    assert_eq!(field(call, "gen_ai.usage.input_tokens"), Some("25"));
    assert_eq!(field(call, "gen_ai.usage.output_tokens"), Some("15"));
    let attempt = &capture.spans("llmcfg.attempt")[0];
    assert!(field(attempt, "llmcfg.time_to_first_chunk_ms").is_some());
}
