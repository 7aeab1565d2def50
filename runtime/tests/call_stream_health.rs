//! Streams (failover only before the first chunk) and the breaker under 100 concurrent calls,
//! against in-process `wiremock` servers and a real `reqwest` client.

mod call_common;

use std::time::Duration;

use call_common::*;
use futures::StreamExt;
use llmcfg::call::{CallOverrides, FailureClass, HttpStatus, Outcome, StaticPlan, StreamErrorKind};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

type Chunks = futures::stream::BoxStream<'static, Result<&'static str, HttpStatus>>;

/// A stream whose first chunk comes after `delay` (real time), then `rest`.
fn late(delay: Duration, rest: Vec<Result<&'static str, HttpStatus>>) -> Chunks {
    let first = futures::stream::once(async move {
        tokio::time::sleep(delay).await;
        Ok("first")
    });
    first.chain(futures::stream::iter(rest)).boxed()
}

#[tokio::test]
async fn a_stream_whose_first_chunk_is_late_fails_over() {
    let cfg = config(&[
        B("a", "http://127.0.0.1:9", "m1", 2),
        B("b", "http://127.0.0.1:9", "m1", 1),
    ]);
    let calls = CallOverrides {
        first_chunk_timeout: Some(Duration::from_millis(50)),
        max_retries: Some(0),
        ..CallOverrides::NONE
    };
    let (exec, _) = executor(cfg, StaticPlan::builder().calls(calls).build());
    let stream = exec
        .stream("smart", |t| async move {
            Ok::<_, HttpStatus>(match t.backend() {
                "a" => late(Duration::from_secs(5), vec![]),
                _ => late(Duration::ZERO, vec![Ok("second"), Ok("third")]),
            })
        })
        .await
        .expect("failed over");
    let attempts: Vec<_> = stream
        .attempts()
        .iter()
        .map(|a| (&*a.backend, a.outcome))
        .collect();
    assert_eq!(
        attempts,
        [
            ("a", Outcome::Failed(FailureClass::Timeout)),
            ("b", Outcome::Success)
        ]
    );
    let chunks: Vec<_> = stream.map(|c| c.expect("chunk")).collect().await;
    assert_eq!(chunks, ["first", "second", "third"]);
}

#[tokio::test]
async fn a_stream_that_breaks_after_its_first_chunk_does_not_fail_over() {
    let cfg = config(&[
        B("a", "http://127.0.0.1:9", "m1", 2),
        B("b", "http://127.0.0.1:9", "m1", 1),
    ]);
    let (exec, _) = executor(cfg, StaticPlan::default());
    let mut opened = Vec::new();
    let mut stream = exec
        .stream("smart", |t| {
            opened.push(t.backend());
            async move {
                Ok::<_, HttpStatus>(late(
                    Duration::ZERO,
                    vec![Ok("more"), Err(HttpStatus::new(503, None))],
                ))
            }
        })
        .await
        .expect("first chunk");
    assert_eq!(stream.next().await.map(|c| c.ok()), Some(Some("first")));
    assert_eq!(stream.next().await.map(|c| c.ok()), Some(Some("more")));
    let err = match stream.next().await {
        Some(Err(e)) => e,
        other => panic!("expected the break, got {:?}", other.map(|c| c.ok())),
    };
    assert_eq!(
        (err.kind(), err.delivered(), err.backend()),
        (StreamErrorKind::Broke, 2, "a")
    );
    assert!(
        err.to_string()
            .contains("after 2 chunks had been delivered"),
        "{err}"
    );
    assert!(stream.next().await.is_none());
    assert_eq!(opened, ["a"], "no failover after output was delivered");
}

#[tokio::test]
async fn a_stalled_stream_ends_with_an_idle_error() {
    let cfg = config(&[B("a", "http://127.0.0.1:9", "m1", 1)]);
    let calls = CallOverrides {
        idle_timeout: Some(Duration::from_millis(30)),
        ..CallOverrides::NONE
    };
    let (exec, _) = executor(cfg, StaticPlan::builder().calls(calls).build());
    let mut stream = exec
        .stream("smart", |_| async {
            let stall = futures::stream::once(async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok("never")
            });
            Ok::<_, HttpStatus>(late(Duration::ZERO, vec![]).chain(stall).boxed())
        })
        .await
        .expect("first chunk");
    assert!(matches!(stream.next().await, Some(Ok("first"))));
    let err = stream
        .next()
        .await
        .and_then(|c| c.err())
        .expect("idle error");
    assert_eq!((err.kind(), err.delivered()), (StreamErrorKind::Idle, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_send_a_failing_backend_allowed_fails_plus_one_probe_per_cooldown() {
    let (bad, good) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&bad)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_body("m1")))
        .mount(&good)
        .await;
    let cfg = config(&[
        B("bad", &bad.uri(), "m1", 2),
        B("good", &good.uri(), "m1", 1),
    ]);
    let calls = CallOverrides {
        allowed_fails: Some(3),
        cooldown: Some(Duration::from_secs(30)),
        max_retries: Some(0),
        ..CallOverrides::NONE
    };
    let (exec, clock) = executor(cfg, StaticPlan::builder().calls(calls).build());
    let client = reqwest::Client::new();
    let wave = || async {
        let calls = (0..100).map(|_| exec.call("smart", |t| chat(client.clone(), t)));
        for result in futures::future::join_all(calls).await {
            assert_eq!(
                result.expect("served by the good backend").backend(),
                Some("good")
            );
        }
    };
    let sent = || async { bad.received_requests().await.map_or(0, |r| r.len()) };
    wave().await;
    let first = sent().await;
    assert!(
        (1..=3).contains(&first),
        "{first} requests before the breaker opened"
    );
    wave().await;
    assert!(sent().await <= 3, "none while cooling down");
    for window in 1..=2 {
        clock.advance(Duration::from_secs(31));
        wave().await;
        let now = sent().await;
        assert_eq!(now, first + window, "exactly one probe per cooldown window");
    }
}
