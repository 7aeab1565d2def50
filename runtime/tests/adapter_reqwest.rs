//! The reqwest adapter against in-process `wiremock` servers, one per backend kind: the path,
//! the auth headers and the body's model each kind gets, the usage of each answer shape in the
//! telemetry, and how 429 (with `Retry-After`), 5xx, 401 and 400 answers are classified.
//! Waits go through a `ManualClock`: a 2 s `Retry-After` takes no real time.

mod adapter_common;
mod span_capture;

use std::time::{Duration, Instant};

use adapter_common::*;
use llmcfg::adapter::reqwest::{Error, request, send_json};
use llmcfg::adapter::{AdapterError, for_op};
use llmcfg::call::{CallErrorKind, Clock, FailureClass, Outcome};
use llmcfg::{Op, Request};
use serde_json::json;
use span_capture::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn openai_answer() -> serde_json::Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "m1-2025",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15}
    })
}

fn anthropic_answer() -> serde_json::Value {
    json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x-2025",
        "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 21, "output_tokens": 7}
    })
}

fn ollama_answer() -> serde_json::Value {
    json!({
        "model": "llama3.2", "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": "hi"}, "done": true,
        "prompt_eval_count": 5, "eval_count": 9
    })
}

fn chat_body() -> serde_json::Value {
    json!({"max_tokens": 64, "messages": [{"role": "user", "content": "hello"}]})
}

async fn answer(server: &MockServer, at: &str, body: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// One call of alias `a0` through the executor and `send_json`, under a capturing subscriber;
/// returns the request the server received and the spans.
fn one_call(kind: &'static str, base: &'static str, at: &'static str, reply: serde_json::Value) {
    let mut seen = None;
    let capture = captured(async {
        let server = MockServer::start().await;
        answer(&server, at, reply).await;
        let url = format!("{}{base}", server.uri());
        let model = match kind {
            "anthropic_messages" => "anthropic/claude-x",
            "ollama_chat" => "ollama/llama3.2",
            _ => "openai/m1",
        };
        let (exec, _) = executor(config(&[B("a", kind, &url, model, 1)]), no_retries());
        let client = reqwest::Client::new();
        let called = exec
            .call("a0", |t| send_json(&client, t, chat_body()))
            .await
            .expect("call");
        assert_eq!(
            called.value["model"].as_str().map(str::len).map(|n| n > 0),
            Some(true)
        );
        let received = server.received_requests().await.expect("recorded");
        assert_eq!(received.len(), 1);
        seen = Some(received[0].clone());
    });
    let request = seen.expect("one request");
    assert_eq!(request.url.path(), at, "{kind}: path");
    let (key, auth, version) = (
        header(&request, "x-api-key"),
        header(&request, "authorization"),
        header(&request, "anthropic-version"),
    );
    let expected_model = match kind {
        "anthropic_messages" => {
            assert_eq!((key, auth), (Some(CANARY), None), "x-api-key only");
            assert_eq!(version, Some("2023-06-01"));
            "claude-x"
        }
        "ollama_chat" => {
            assert_eq!(
                (key, auth, version),
                (None, None, None),
                "no auth for Ollama"
            );
            "llama3.2"
        }
        _ => {
            assert_eq!(auth, Some(format!("Bearer {CANARY}").as_str()));
            assert_eq!((key, version), (None, None));
            "m1"
        }
    };
    let sent = body(&request);
    assert_eq!(
        sent["model"], expected_model,
        "the model name, not provider/model"
    );
    assert_eq!(
        sent["messages"][0]["content"], "hello",
        "the user's body is kept"
    );
    let (tokens_in, tokens_out) = match kind {
        "anthropic_messages" => ("21", "7"),
        "ollama_chat" => ("5", "9"),
        _ => ("12", "3"),
    };
    for span in [
        &capture.spans("llmcfg.call")[0],
        &capture.spans("llmcfg.attempt")[0],
    ] {
        assert_eq!(
            field(span, "gen_ai.usage.input_tokens"),
            Some(tokens_in),
            "{kind}"
        );
        assert_eq!(
            field(span, "gen_ai.usage.output_tokens"),
            Some(tokens_out),
            "{kind}"
        );
    }
    assert!(!capture.all_text().contains(CANARY), "no key in any span");
}

#[test]
fn openai_compatible_gets_bearer_auth_at_chat_completions_with_usage_recorded() {
    one_call(
        "openai_chat_completion",
        "/v1",
        "/v1/chat/completions",
        openai_answer(),
    );
}

#[test]
fn anthropic_gets_x_api_key_and_version_at_v1_messages_with_usage_recorded() {
    one_call(
        "anthropic_messages",
        "/v1",
        "/v1/messages",
        anthropic_answer(),
    );
}

#[test]
fn ollama_gets_no_auth_at_api_chat_with_eval_counts_recorded() {
    one_call("ollama_chat", "", "/api/chat", ollama_answer());
}

#[tokio::test]
async fn embeddings_go_to_each_kinds_embedding_path() {
    let (openai, ollama) = (MockServer::start().await, MockServer::start().await);
    answer(
        &openai,
        "/embeddings",
        json!({"model": "m1", "data": [], "usage": {"prompt_tokens": 4, "total_tokens": 4}}),
    )
    .await;
    answer(
        &ollama,
        "/api/embed",
        json!({"model": "llama3.2", "embeddings": [[0.1]], "prompt_eval_count": 4}),
    )
    .await;
    let cfg = config(&[
        B("o", "openai_chat_completion", &openai.uri(), "openai/m1", 1),
        B("l", "ollama_chat", &ollama.uri(), "ollama/llama3.2", 1),
    ]);
    let (exec, _) = executor(cfg, no_retries());
    let client = reqwest::Client::new();
    for alias in ["a0", "a1"] {
        let called = exec
            .call(Request::from(alias).op(Op::Embeddings), |t| {
                send_json(&client, t, json!({"input": "text"}))
            })
            .await
            .expect("embeddings");
        assert_eq!(called.attempts.len(), 1);
    }
    let sent = body(&openai.received_requests().await.expect("recorded")[0]);
    assert_eq!(sent, json!({"input": "text", "model": "m1"}));
    let sent = body(&ollama.received_requests().await.expect("recorded")[0]);
    assert_eq!(sent["model"], "llama3.2");
}

#[test]
fn images_transcription_and_speech_paths_by_op() {
    let cfg = config(&[B(
        "o",
        "openai_chat_completion",
        "https://api.example/v1/",
        "openai/m1",
        1,
    )]);
    let resolved = resolver(cfg).resolve("a0").expect("resolves");
    let client = reqwest::Client::new();
    for (op, at) in [
        (Op::ChatCompletions, "/v1/chat/completions"),
        (Op::ImageGeneration, "/v1/images/generations"),
        (Op::SpeechToText, "/v1/audio/transcriptions"),
        (Op::TextToSpeech, "/v1/audio/speech"),
    ] {
        let built = request(&client, &for_op(&resolved, op))
            .expect("a route")
            .build()
            .expect("a request");
        assert_eq!(built.url().as_str(), format!("https://api.example{at}"));
        assert_eq!(built.method(), reqwest::Method::POST);
        let auth = built.headers().get("authorization").expect("bearer");
        assert!(auth.is_sensitive(), "marked sensitive, so Debug hides it");
        assert!(!format!("{built:?}").contains(CANARY));
    }
    let err = request(&client, &for_op(&resolved, Op::RealtimeVoice)).expect_err("websocket");
    assert!(matches!(
        err,
        AdapterError::NoRoute {
            op: Op::RealtimeVoice,
            ..
        }
    ));
    assert!(
        err.to_string().contains(
            "backend `o` (openai_chat_completion) has no HTTP route for op `realtime_voice`"
        ),
        "{err}"
    );
}

async fn status_then_ok(server: &MockServer, status: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .respond_with(status)
        .up_to_n_times(times)
        .mount(server)
        .await;
    answer(server, "/chat/completions", openai_answer()).await;
}

#[tokio::test]
async fn rate_limited_with_retry_after_waits_that_long_on_the_clock_then_retries() {
    let a = MockServer::start().await;
    status_then_ok(
        &a,
        ResponseTemplate::new(429).insert_header("Retry-After", "2"),
        1,
    )
    .await;
    let cfg = config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]);
    let (exec, clock) = executor(cfg, llmcfg::call::StaticPlan::default());
    let client = reqwest::Client::new();
    let (real, before) = (Instant::now(), clock.now());
    let called = exec
        .call("a0", |t| send_json(&client, t, chat_body()))
        .await
        .expect("retried");
    let first = &called.attempts[0];
    assert_eq!(first.outcome, Outcome::Failed(FailureClass::RateLimited));
    assert_eq!(first.retry_after, Some(Duration::from_secs(2)));
    assert_eq!(first.status, Some(429));
    assert_eq!(called.attempts[1].waited, Duration::from_secs(2));
    assert!(clock.now() - before >= Duration::from_secs(2));
    assert!(real.elapsed() < Duration::from_secs(2), "no real wait");
}

#[tokio::test]
async fn server_errors_and_refused_keys_fail_over_and_bad_requests_stop() {
    let (a, b) = (MockServer::start().await, MockServer::start().await);
    let cfg = config(&[
        B("a", "openai_chat_completion", &a.uri(), "openai/m1", 2),
        B(
            "b",
            "openai_chat_completion",
            &format!("{}/v1", b.uri()),
            "openai/m1",
            1,
        ),
    ]);
    let client = reqwest::Client::new();
    for (status, class) in [(503, FailureClass::ServerError), (401, FailureClass::Auth)] {
        let (exec, _) = executor(cfg, no_retries());
        a.reset().await;
        b.reset().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status))
            .mount(&a)
            .await;
        answer(&b, "/v1/chat/completions", openai_answer()).await;
        let called = exec
            .call("a0", |t| send_json(&client, t, chat_body()))
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
    a.reset().await;
    let (exec, _) = executor(cfg, no_retries());
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "bad"}})),
        )
        .mount(&a)
        .await;
    let err = exec
        .call("a0", |t| send_json(&client, t, chat_body()))
        .await
        .expect_err("400");
    assert_eq!(err.kind(), CallErrorKind::BadRequest);
    assert_eq!(err.attempts().len(), 1, "no failover for a bad request");
    assert_eq!(
        err.last_error().and_then(Error::status).map(|s| s.status),
        Some(400)
    );
    assert!(!format!("{err:?}{err}").contains(CANARY));
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_a_bad_request_before_sending() {
    let a = MockServer::start().await;
    let cfg = config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]);
    let (exec, _) = executor(cfg, no_retries());
    let client = reqwest::Client::new();
    let err = exec
        .call("a0", |t| {
            send_json(&client, t, json!(["not", "an", "object"]))
        })
        .await
        .expect_err("not an object");
    assert_eq!(err.kind(), CallErrorKind::BadRequest);
    assert!(a.received_requests().await.expect("recorded").is_empty());
}
