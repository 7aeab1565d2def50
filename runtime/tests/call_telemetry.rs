//! A capturing `tracing` subscriber checks the spans of a success, a retry, a failover and a
//! failure; and the canary key appears in no attempt, error, span or `Debug` output.

mod call_common;
mod span_capture;

use call_common::*;
use llmcfg::call::{CallOverrides, StaticPlan};
use span_capture::{captured, field};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn servers() -> (MockServer, MockServer) {
    (MockServer::start().await, MockServer::start().await)
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(ok_body("m1-2025"))
}

#[test]
fn spans_of_a_success_a_retry_a_failover_and_a_failure() {
    let mut outputs = Vec::new();
    let capture = captured(async {
        let (a, b) = servers().await;
        // Call 1 succeeds at once on `a`; call 2 is rate limited once, then retried on `a`;
        // call 3 gets 401 on `a` and fails over to `b`; call 4 is a bad request.
        Mock::given(method("POST"))
            .respond_with(ok())
            .up_to_n_times(1)
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(ok())
            .up_to_n_times(1)
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401))
            .up_to_n_times(1)
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(400))
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(ok())
            .mount(&b)
            .await;
        let cfg = config(&[B("a", &a.uri(), "m1", 2), B("b", &b.uri(), "m1", 1)]);
        let plan = StaticPlan::builder()
            .calls(CallOverrides {
                allowed_fails: Some(0),
                ..CallOverrides::NONE
            })
            .build();
        let (exec, _) = executor(cfg, plan);
        let client = reqwest::Client::new();
        for _ in 0..3 {
            let called = exec
                .call("smart", |t| chat(client.clone(), t))
                .await
                .expect("call");
            outputs.push(format!("{called:?}"));
            outputs.extend(called.attempts.iter().map(|a| a.to_string()));
        }
        let err = exec
            .call("smart", |t| chat(client.clone(), t))
            .await
            .expect_err("400");
        outputs.push(format!("{err:?}"));
        outputs.push(err.to_string());
        let mut targets = Vec::new();
        let _ = exec.call_blocking("smart", |t| {
            targets.push(format!("{t:?}"));
            Ok::<_, llmcfg::call::HttpStatus>(())
        });
        outputs.extend(targets);
        outputs.push(format!("{exec:?}"));
    });
    let calls = capture.spans("llmcfg.call");
    let attempts = capture.spans("llmcfg.attempt");
    assert_eq!(calls.len(), 5);
    let port = attempts[0]["server.port"].clone();
    // A success.
    let (call, attempt) = (&calls[0], &attempts[0]);
    assert_eq!(field(call, "gen_ai.operation.name"), Some("chat"));
    assert_eq!(field(call, "llmcfg.alias"), Some("smart"));
    assert_eq!(field(call, "gen_ai.request.model"), Some("m1"));
    assert_eq!(field(call, "gen_ai.response.model"), Some("m1-2025"));
    assert_eq!(field(call, "gen_ai.usage.input_tokens"), Some("12"));
    assert_eq!(field(call, "gen_ai.usage.output_tokens"), Some("3"));
    assert_eq!(field(call, "llmcfg.backend"), Some("a"));
    assert_eq!(field(call, "llmcfg.attempts"), Some("1"));
    assert_eq!(field(call, "error.type"), None);
    assert_eq!(field(attempt, "otel.name"), Some("chat m1"));
    assert_eq!(field(attempt, "gen_ai.provider.name"), Some("openai"));
    assert_eq!(field(attempt, "gen_ai.request.model"), Some("m1"));
    assert_eq!(field(attempt, "server.address"), Some("127.0.0.1"));
    assert!(a_port(&port), "server.port {port}");
    assert_eq!(field(attempt, "llmcfg.backend"), Some("a"));
    assert_eq!(field(attempt, "llmcfg.attempt"), Some("1"));
    assert_eq!(field(attempt, "llmcfg.fallback_from"), None);
    assert_eq!(field(attempt, "gen_ai.usage.input_tokens"), Some("12"));
    // A retry: two attempts on `a`, the first rate limited.
    assert_eq!(field(&attempts[1], "error.type"), Some("rate_limit"));
    assert_eq!(
        field(&attempts[1], "http.response.status_code"),
        Some("429")
    );
    assert_eq!(field(&attempts[2], "llmcfg.attempt"), Some("2"));
    assert_eq!(field(&attempts[2], "error.type"), None);
    assert_eq!(field(&calls[1], "llmcfg.attempts"), Some("2"));
    // A failover: 401 on `a`, then `b`.
    assert_eq!(field(&attempts[3], "error.type"), Some("auth"));
    assert_eq!(field(&attempts[4], "llmcfg.backend"), Some("b"));
    assert_eq!(field(&calls[2], "llmcfg.backend"), Some("b"));
    // A failure.
    assert_eq!(field(&attempts[5], "error.type"), Some("bad_request"));
    assert_eq!(field(&calls[3], "error.type"), Some("bad_request"));
    assert_eq!(field(&calls[3], "otel.status_code"), Some("ERROR"));
    // The canary: no key anywhere.
    outputs.push(capture.all_text());
    for out in &outputs {
        assert!(!out.contains(CANARY), "key leaked: {out}");
    }
    assert!(
        outputs.iter().any(|o| o.contains("[REDACTED]")),
        "the target's key is shown redacted"
    );
}

fn a_port(port: &str) -> bool {
    port.parse::<u16>().is_ok_and(|p| p > 0)
}

#[test]
fn a_fallback_attempt_names_the_alias_it_falls_back_from() {
    let capture = captured(async {
        let (a, f) = servers().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&a)
            .await;
        Mock::given(method("POST"))
            .respond_with(ok())
            .mount(&f)
            .await;
        let cfg = config(&[B("a", &a.uri(), "m1", 1), B("f", &f.uri(), "m2", 1)]);
        let plan = StaticPlan::builder()
            .calls(CallOverrides {
                max_retries: Some(0),
                ..CallOverrides::NONE
            })
            .fallbacks("smart", ["fast"])
            .build();
        let (exec, _) = executor(cfg, plan);
        let client = reqwest::Client::new();
        exec.call("smart", |t| chat(client.clone(), t))
            .await
            .expect("fallback");
    });
    let attempts = capture.spans("llmcfg.attempt");
    assert_eq!(field(&attempts[1], "llmcfg.fallback_from"), Some("smart"));
    assert_eq!(field(&attempts[1], "llmcfg.alias"), Some("fast"));
    assert_eq!(field(&attempts[1], "gen_ai.request.model"), Some("m2"));
}
