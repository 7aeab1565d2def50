//! Streamed answers (server-sent events) from `wiremock` servers through the executor's
//! `stream` and the SSE adapter: the request each kind gets, the text and usage of OpenAI's and
//! Anthropic's event shapes, time to first chunk and usage in the telemetry, and failover
//! before the first chunk (a 503, an `overloaded_error` event).

mod adapter_common;
mod span_capture;

use adapter_common::*;
use llmcfg::adapter::sse::{self, Tally};
use llmcfg::call::{CallErrorKind, FailureClass, Outcome};
use serde_json::json;
use span_capture::*;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const OPENAI_EVENTS: &str = concat!(
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m1-2025\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m1-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m1-2025\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n",
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m1-2025\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":2,\"total_tokens\":13}}\n\n",
    "data: [DONE]\n\n",
);

const ANTHROPIC_EVENTS: &str = concat!(
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x-2025\",\"content\":[],\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: ping\ndata: {\"type\": \"ping\"}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\n\n",
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
);

const OVERLOADED: &str = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

fn events(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(text.as_bytes().to_vec(), "text/event-stream")
}

async fn serve(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .respond_with(response)
        .mount(server)
        .await;
}

fn body() -> serde_json::Value {
    json!({"max_tokens": 64, "messages": [{"role": "user", "content": "hello"}]})
}

/// Streams alias `a0` from one backend of `kind` and returns the tally, the request and the
/// spans.
fn stream_one(kind: &str, model: &str, text: &'static str) -> (Tally, wiremock::Request, Capture) {
    let mut out = None;
    let capture = captured(async {
        let server = MockServer::start().await;
        serve(&server, events(text)).await;
        let url = format!("{}/v1", server.uri());
        let (exec, _) = executor(config(&[B("a", kind, &url, model, 1)]), no_retries());
        let client = reqwest::Client::new();
        let stream = exec
            .stream("a0", |t| sse::open(&client, t, body()))
            .await
            .expect("opened");
        let tally = sse::collect(stream).await.expect("streamed to the end");
        let received = server.received_requests().await.expect("recorded");
        out = Some((tally, received[0].clone()));
    });
    let (tally, request) = out.expect("streamed");
    (tally, request, capture)
}

fn usage_recorded(capture: &Capture, tokens_in: &str, tokens_out: &str, model: &str) {
    let call = &capture.spans("llmcfg.call")[0];
    let attempt = &capture.spans("llmcfg.attempt")[0];
    for span in [call, attempt] {
        assert_eq!(field(span, "gen_ai.usage.input_tokens"), Some(tokens_in));
        assert_eq!(field(span, "gen_ai.usage.output_tokens"), Some(tokens_out));
        assert_eq!(field(span, "gen_ai.response.model"), Some(model));
    }
    let first = field(attempt, "llmcfg.time_to_first_chunk_ms").expect("time to first chunk");
    assert!(first.parse::<u64>().is_ok(), "{first}");
    assert!(!capture.all_text().contains(CANARY));
}

#[test]
fn an_openai_stream_asks_for_usage_and_records_it_with_time_to_first_chunk() {
    let (tally, request, capture) =
        stream_one("openai_chat_completion", "openai/m1", OPENAI_EVENTS);
    assert_eq!(tally.text(), "Hello");
    assert_eq!(
        (tally.usage.input, tally.usage.output, tally.usage.chunks),
        (Some(11), Some(2), 4)
    );
    assert_eq!(request.url.path(), "/v1/chat/completions");
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {CANARY}").as_str())
    );
    assert_eq!(header(&request, "accept"), Some("text/event-stream"));
    let sent = adapter_common::body(&request);
    assert_eq!(sent["model"], "m1");
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["stream_options"]["include_usage"], true);
    usage_recorded(&capture, "11", "2", "m1-2025");
}

#[test]
fn an_anthropic_stream_sums_message_start_and_message_delta_usage() {
    let (tally, request, capture) =
        stream_one("anthropic_messages", "anthropic/claude-x", ANTHROPIC_EVENTS);
    assert_eq!(tally.text(), "Hello");
    assert_eq!(
        (tally.usage.input, tally.usage.output),
        (Some(25), Some(15))
    );
    assert_eq!(tally.usage.chunks, 7, "the ping is skipped");
    assert_eq!(request.url.path(), "/v1/messages");
    assert_eq!(header(&request, "x-api-key"), Some(CANARY));
    assert_eq!(header(&request, "anthropic-version"), Some("2023-06-01"));
    assert_eq!(header(&request, "authorization"), None);
    let sent = adapter_common::body(&request);
    assert_eq!(
        (&sent["model"], &sent["stream"]),
        (&json!("claude-x"), &json!(true))
    );
    assert_eq!(sent.get("stream_options"), None, "an OpenAI-only field");
    usage_recorded(&capture, "25", "15", "claude-x-2025");
}

#[tokio::test]
async fn a_503_or_an_overloaded_event_before_the_first_chunk_fails_over() {
    for first in [ResponseTemplate::new(503), events(OVERLOADED)] {
        let (a, b) = (MockServer::start().await, MockServer::start().await);
        serve(&a, first).await;
        serve(&b, events(ANTHROPIC_EVENTS)).await;
        let cfg = config(&[
            B(
                "a",
                "anthropic_messages",
                &format!("{}/v1", a.uri()),
                "anthropic/claude-x",
                2,
            ),
            B(
                "b",
                "anthropic_messages",
                &format!("{}/v1", b.uri()),
                "anthropic/claude-x",
                1,
            ),
        ]);
        let (exec, _) = executor(cfg, no_retries());
        let client = reqwest::Client::new();
        let stream = exec
            .stream("a0", |t| sse::open(&client, t, body()))
            .await
            .expect("failed over");
        let outcomes: Vec<_> = stream
            .attempts()
            .iter()
            .map(|a| (&*a.backend, a.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("a", Outcome::Failed(FailureClass::ServerError)),
                ("b", Outcome::Success)
            ]
        );
        assert_eq!(stream.backend(), "b");
        assert_eq!(
            sse::collect(stream).await.expect("streamed").text(),
            "Hello"
        );
    }
}

#[tokio::test]
async fn ollama_does_not_stream_server_sent_events_and_says_so() {
    let a = MockServer::start().await;
    let cfg = config(&[B("a", "ollama_chat", &a.uri(), "ollama/llama3.2", 1)]);
    let (exec, _) = executor(cfg, no_retries());
    let client = reqwest::Client::new();
    let err = exec
        .stream("a0", |t| sse::open(&client, t, body()))
        .await
        .expect_err("no SSE");
    assert_eq!(err.kind(), CallErrorKind::Exhausted);
    let last = err
        .last_error()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        last.contains("backend `a` (ollama_chat) does not stream server-sent events"),
        "{last}"
    );
    assert!(a.received_requests().await.expect("recorded").is_empty());
}

#[tokio::test]
async fn opening_a_stream_classifies_429_with_retry_after_401_and_400() {
    use std::time::Duration;
    let client = reqwest::Client::new();
    let a = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .mount(&a)
        .await;
    serve(&a, events(OPENAI_EVENTS)).await;
    let cfg = config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]);
    let (exec, _) = executor(cfg, llmcfg::call::StaticPlan::default());
    let stream = exec
        .stream("a0", |t| sse::open(&client, t, body()))
        .await
        .expect("retried");
    let first = &stream.attempts()[0];
    assert_eq!(first.outcome, Outcome::Failed(FailureClass::RateLimited));
    assert_eq!(first.retry_after, Some(Duration::from_secs(2)));
    assert_eq!(stream.attempts()[1].waited, Duration::from_secs(2));

    let (a, b) = (MockServer::start().await, MockServer::start().await);
    serve(&a, ResponseTemplate::new(401)).await;
    serve(&b, events(OPENAI_EVENTS)).await;
    let cfg = config(&[
        B("a", "openai_chat_completion", &a.uri(), "openai/m1", 2),
        B("b", "openai_chat_completion", &b.uri(), "openai/m1", 1),
    ]);
    let (exec, _) = executor(cfg, no_retries());
    let stream = exec
        .stream("a0", |t| sse::open(&client, t, body()))
        .await
        .expect("failed over");
    assert_eq!(
        stream.attempts()[0].outcome,
        Outcome::Failed(FailureClass::Auth)
    );
    assert_eq!(stream.backend(), "b");

    let a = MockServer::start().await;
    serve(&a, ResponseTemplate::new(400)).await;
    let cfg = config(&[B("a", "openai_chat_completion", &a.uri(), "openai/m1", 1)]);
    let (exec, _) = executor(cfg, no_retries());
    let err = exec
        .stream("a0", |t| sse::open(&client, t, body()))
        .await
        .expect_err("400");
    assert_eq!(err.kind(), CallErrorKind::BadRequest);
}
