//! The executor against real in-process HTTP servers (`wiremock`) through a real client
//! (`reqwest`). Waits between attempts go through a `ManualClock`, so a 2 s `Retry-After`
//! takes no real time while every request still crosses a real socket.

mod call_common;

use std::time::{Duration, Instant};

use call_common::*;
use llmcfg::call::Clock;
use llmcfg::call::{CallErrorKind, CallOverrides, FailureClass, Outcome, StaticPlan};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const S: fn(u64) -> Duration = Duration::from_secs;

async fn server() -> MockServer {
    MockServer::start().await
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

async fn mount(
    server: &MockServer,
    response: ResponseTemplate,
    times: Option<u64>,
    expect: Option<u64>,
) {
    let mut mock = Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .respond_with(response);
    if let Some(n) = times {
        mock = mock.up_to_n_times(n);
    }
    if let Some(n) = expect {
        mock = mock.expect(n);
    }
    mock.mount(server).await;
}

fn ok() -> ResponseTemplate {
    status(200).set_body_json(ok_body("m1-2025"))
}

fn outcomes(attempts: &[llmcfg::call::Attempt<'_>]) -> Vec<(String, Outcome)> {
    attempts
        .iter()
        .map(|a| (a.backend.to_string(), a.outcome))
        .collect()
}

#[tokio::test]
async fn rate_limit_with_retry_after_waits_two_seconds_of_clock_time_then_succeeds() {
    let a = server().await;
    mount(
        &a,
        status(429).insert_header("Retry-After", "2"),
        Some(1),
        Some(1),
    )
    .await;
    mount(&a, ok(), None, Some(1)).await;
    let (exec, clock) = executor(config(&[B("a", &a.uri(), "m1", 1)]), StaticPlan::default());
    let client = reqwest::Client::new();
    let (real, before) = (Instant::now(), clock.now());
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("call");
    let attempts = &called.attempts;
    assert_eq!(attempts.len(), 2);
    assert_eq!(
        attempts[0].outcome,
        Outcome::Failed(FailureClass::RateLimited)
    );
    assert_eq!(attempts[0].retry_after, Some(S(2)));
    assert_eq!((&*attempts[1].backend, attempts[1].waited), ("a", S(2)));
    assert!(
        clock.now() - before >= S(2),
        "two seconds of clock time passed"
    );
    assert!(real.elapsed() < S(2), "without waiting them for real");
    assert_eq!(called.value["usage"]["prompt_tokens"], 12);
}

#[tokio::test]
async fn three_server_errors_fail_over_to_the_second_backend() {
    let (a, b) = (server().await, server().await);
    mount(&a, status(503), None, Some(3)).await;
    mount(&b, ok(), None, Some(1)).await;
    let cfg = config(&[B("a", &a.uri(), "m1", 2), B("b", &b.uri(), "m1", 1)]);
    let (exec, _) = executor(cfg, StaticPlan::default());
    let client = reqwest::Client::new();
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("call");
    let server_error = Outcome::Failed(FailureClass::ServerError);
    assert_eq!(
        outcomes(&called.attempts),
        [
            ("a".into(), server_error),
            ("a".into(), server_error),
            ("a".into(), server_error),
            ("b".into(), Outcome::Success)
        ]
    );
    assert!(
        called.attempts[1].waited <= Duration::from_millis(250),
        "backoff within its ceiling"
    );
    assert_eq!(called.attempts[0].status, Some(503));
}

#[tokio::test]
async fn connection_refused_fails_over_at_once() {
    let b = server().await;
    mount(&b, ok(), None, Some(1)).await;
    let refused = refused_url();
    let cfg = config(&[B("dead", &refused, "m1", 2), B("b", &b.uri(), "m1", 1)]);
    let (exec, clock) = executor(cfg, StaticPlan::default());
    let client = reqwest::Client::new();
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("call");
    assert_eq!(
        outcomes(&called.attempts),
        [
            ("dead".into(), Outcome::Failed(FailureClass::Connect)),
            ("b".into(), Outcome::Success)
        ]
    );
    assert_eq!(called.attempts[1].waited, Duration::ZERO);
    assert_eq!(
        clock.skipped(),
        Duration::ZERO,
        "no backoff before failing over"
    );
}

#[tokio::test]
async fn auth_failure_goes_to_the_next_backend_without_retrying() {
    let (a, b) = (server().await, server().await);
    mount(&a, status(401), None, Some(1)).await;
    mount(&b, ok(), None, Some(1)).await;
    let cfg = config(&[B("a", &a.uri(), "m1", 2), B("b", &b.uri(), "m1", 1)]);
    let (exec, _) = executor(cfg, StaticPlan::default());
    let client = reqwest::Client::new();
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("call");
    assert_eq!(
        outcomes(&called.attempts),
        [
            ("a".into(), Outcome::Failed(FailureClass::Auth)),
            ("b".into(), Outcome::Success)
        ]
    );
}

#[tokio::test]
async fn bad_request_fails_the_call_after_one_attempt() {
    let (a, b) = (server().await, server().await);
    mount(&a, status(400), None, Some(1)).await;
    mount(&b, ok(), None, Some(0)).await;
    let cfg = config(&[B("a", &a.uri(), "m1", 2), B("b", &b.uri(), "m1", 1)]);
    let (exec, _) = executor(cfg, StaticPlan::default());
    let client = reqwest::Client::new();
    let err = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect_err("400");
    assert_eq!(err.kind(), CallErrorKind::BadRequest);
    assert_eq!(err.attempts().len(), 1);
    assert!(
        err.to_string()
            .contains("#1 a (m1): bad request (HTTP 400)"),
        "{err}"
    );
    assert!(
        matches!(err.last_error(), Some(llmcfg::call::HttpError::Status(s)) if s.status == 400)
    );
}

#[tokio::test]
async fn a_response_slower_than_timeout_times_that_attempt_out() {
    let (a, b) = (server().await, server().await);
    mount(&a, ok().set_delay(Duration::from_millis(1500)), None, None).await;
    mount(&b, ok(), None, Some(1)).await;
    let cfg = config(&[B("a", &a.uri(), "m1", 2), B("b", &b.uri(), "m1", 1)]);
    let quick = CallOverrides {
        timeout: Some(Duration::from_millis(100)),
        max_retries: Some(0),
        ..CallOverrides::NONE
    };
    let (exec, _) = executor(cfg, StaticPlan::builder().backend("a", quick).build());
    let client = reqwest::Client::new();
    let real = Instant::now();
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("call");
    assert_eq!(
        outcomes(&called.attempts),
        [
            ("a".into(), Outcome::Failed(FailureClass::Timeout)),
            ("b".into(), Outcome::Success)
        ]
    );
    assert!(called.attempts[0].latency >= Duration::from_millis(100));
    assert!(
        real.elapsed() < Duration::from_millis(1500),
        "the slow response was not awaited"
    );
}

#[tokio::test]
async fn the_deadline_is_never_passed() {
    let (a, b) = (server().await, server().await);
    mount(&a, status(503), None, None).await;
    mount(
        &b,
        status(429).insert_header("Retry-After", "3"),
        None,
        None,
    )
    .await;
    let cfg = config(&[B("a", &a.uri(), "m1", 2), B("b", &b.uri(), "m1", 1)]);
    let calls = CallOverrides {
        deadline: Some(S(10)),
        max_retries: Some(10),
        backoff_initial: Some(S(1)),
        backoff_max: Some(S(4)),
        allowed_fails: Some(0),
        ..CallOverrides::NONE
    };
    let (exec, clock) = executor(cfg, StaticPlan::builder().calls(calls).build());
    let client = reqwest::Client::new();
    let before = clock.now();
    let err = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect_err("never succeeds");
    let mut waited = Duration::ZERO;
    for attempt in err.attempts() {
        waited += attempt.waited;
        assert!(
            waited < S(10),
            "attempt {} would start after the deadline",
            attempt.number
        );
    }
    assert!(
        clock.now() - before < S(11),
        "the call ended by its deadline"
    );
    assert!(
        err.attempts().iter().any(|a| a.backend == "b"),
        "failed over within the deadline"
    );
    assert!(matches!(
        err.kind(),
        CallErrorKind::Deadline | CallErrorKind::Exhausted
    ));
}

#[tokio::test]
async fn fallbacks_are_followed_in_order() {
    let (a, f, s) = (server().await, server().await, server().await);
    mount(&a, status(503), None, Some(1)).await;
    mount(&f, status(500), None, Some(1)).await;
    mount(&s, ok(), None, Some(1)).await;
    let cfg = config(&[
        B("a", &a.uri(), "m1", 1),
        B("f", &f.uri(), "m2", 1),
        B("s", &s.uri(), "m3", 1),
    ]);
    let plan = StaticPlan::builder()
        .calls(CallOverrides {
            max_retries: Some(0),
            ..CallOverrides::NONE
        })
        .fallbacks("smart", ["fast", "slow"])
        .build();
    let (exec, _) = executor(cfg, plan);
    let client = reqwest::Client::new();
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("call");
    let seen: Vec<_> = called
        .attempts
        .iter()
        .map(|a| {
            (
                &*a.backend,
                a.alias.as_deref(),
                a.fallback_from.as_deref(),
                &*a.model,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("a", Some("smart"), None, "m1"),
            ("f", Some("fast"), Some("smart"), "m2"),
            ("s", Some("slow"), Some("smart"), "m3"),
        ]
    );
}

#[tokio::test]
async fn every_backend_cooling_down_fails_at_once_and_says_so() {
    let a = server().await;
    mount(&a, status(503), None, Some(2)).await;
    let calls = CallOverrides {
        max_retries: Some(0),
        allowed_fails: Some(2),
        ..CallOverrides::NONE
    };
    let (exec, _) = executor(
        config(&[B("a", &a.uri(), "m1", 1)]),
        StaticPlan::builder().calls(calls).build(),
    );
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let err = exec
            .call("smart", |t| chat(client.clone(), t))
            .await
            .expect_err("503");
        assert_eq!(err.kind(), CallErrorKind::Exhausted);
    }
    let err = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect_err("cooling");
    assert_eq!(err.kind(), CallErrorKind::CoolingDown);
    assert!(matches!(
        err.attempts()[0].outcome,
        Outcome::CoolingDown { .. }
    ));
    let text = err.to_string();
    assert!(
        text.contains("every remaining backend cooling down")
            && text.contains("a (m1): skipped, cooling down for"),
        "{text}"
    );
}
