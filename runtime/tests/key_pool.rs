//! Key pools (`api_key_env = ["KEY_A", "KEY_B"]`): the keys are used in turn, each also looked
//! up in the linked secret; with the executor, a key that draws a rate limit or an
//! authentication failure rests on its own while the others serve; `explain()` names each
//! key's state by variable, never by value.

mod call_common;

use std::collections::BTreeMap;
use std::time::Duration;

use call_common::{chat, ok_body};
use llmcfg::call::CallOverrides;
use llmcfg::call::{Executor, FailureClass, ManualClock, Outcome, StaticPlan};
use llmcfg::{Config, KeyState, Reason, ResolveError, Resolver, SecretMap, SecretString, Status};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_A: &str = "sk-pool-a-4c1d9e7f2b";
const KEY_B: &str = "sk-pool-b-8e2f0a6c3d";

/// One backend at `url` whose credential is a pool of `KEY_A` and `KEY_B` (and `secret`).
fn config(url: &str, secret: Option<&str>) -> &'static Config {
    let secret = secret.map_or(String::new(), |s| format!("secret = \"{s}\"\n"));
    let toml = format!(
        r#"
[[llm.credentials]]
name = "openai"
api_key_env = ["KEY_A", "KEY_B"]
{secret}
[[llm.backends]]
name = "gw"
kind = "openai_chat_completion"
base_url = "{url}"
credential_ref = "openai"
model = "openai/m1"
ops = ["chat_completions"]

[llm.aliases]
smart = "openai/m1"
"#
    );
    match Config::from_toml_str(&toml) {
        Ok(c) => Box::leak(Box::new(c)),
        Err(e) => panic!("test config invalid: {e:?}\n{toml}"),
    }
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn resolver(config: &'static Config, env: BTreeMap<String, String>) -> &'static Resolver<'static> {
    let r = Resolver::builder(config)
        .env(env)
        .secrets(BTreeMap::<String, SecretMap>::new())
        .build()
        .expect("resolver");
    Box::leak(Box::new(r))
}

mod pooled {
    llmcfg::include_llm_config!("../tests/corpus/valid/key-pool.toml");
}

#[test]
fn the_macro_carries_the_pool_and_references_each_variable() {
    let c = pooled::credentials::OPENAI;
    let vars: Vec<&str> = c.api_key_envs().iter().map(|v| &**v).collect();
    assert_eq!(vars, ["OPENAI_KEY_A", "OPENAI_KEY_B", "OPENAI_KEY_C"]);
    assert!(c.is_pool());
    assert_eq!(c.api_key_env(), Some("OPENAI_KEY_A"));
    assert_eq!(pooled::env::OPENAI_KEY_C, "OPENAI_KEY_C");
    // `Config::load` of the same file gives the same credential.
    let text = include_str!("../../tests/corpus/valid/key-pool.toml");
    let loaded = Config::from_toml_str(text).expect("valid");
    assert_eq!(
        loaded.credential("openai").map(|c| c.api_key_envs().len()),
        Some(3)
    );
    // Turns go round the three keys; an unset one is skipped.
    let r = Resolver::builder(&pooled::CONFIG)
        .env(env(&[("OPENAI_KEY_A", KEY_A), ("OPENAI_KEY_C", KEY_B)]))
        .secrets(BTreeMap::<String, SecretMap>::new())
        .build()
        .expect("resolver");
    let keys: Vec<String> = (0..3)
        .map(|_| {
            let resolved = r.resolve(pooled::aliases::FAST).expect("resolves");
            resolved.api_key().expect("key").expose_secret().to_string()
        })
        .collect();
    assert_eq!(keys, [KEY_A, KEY_B, KEY_B]);
}

fn key(r: &Resolver<'_>) -> String {
    let resolved = r.resolve("smart").expect("resolves");
    resolved
        .api_key()
        .expect("a key")
        .expose_secret()
        .to_string()
}

#[test]
fn the_keys_of_a_pool_are_used_in_turn() {
    let cfg = config("http://127.0.0.1:9", None);
    assert_eq!(
        cfg.credential("openai").map(|c| c.api_key_envs().len()),
        Some(2)
    );
    let r = resolver(cfg, env(&[("KEY_A", KEY_A), ("KEY_B", KEY_B)]));
    let keys: Vec<String> = (0..4).map(|_| key(r)).collect();
    assert_eq!(keys, [KEY_A, KEY_B, KEY_A, KEY_B]);
    // Only the variables the config names are read, and each of the pool's is.
    assert!(cfg.env_vars().iter().any(|v| v == "KEY_A"));
    assert!(cfg.env_vars().iter().any(|v| v == "KEY_B"));
}

#[test]
fn an_unset_variable_is_skipped_and_an_empty_pool_names_its_first_variable() {
    let cfg = config("http://127.0.0.1:9", None);
    let r = resolver(cfg, env(&[("KEY_B", KEY_B)]));
    assert_eq!(
        (0..3).map(|_| key(r)).collect::<Vec<_>>(),
        [KEY_B, KEY_B, KEY_B]
    );

    let r = resolver(cfg, env(&[]));
    let Err(ResolveError::NoBackend { filtered, .. }) = r.resolve("smart") else {
        panic!("no key is set: no backend");
    };
    assert!(
        matches!(&filtered[0].reason, Reason::EnvUnset { var, .. } if var == "KEY_A" || var == "KEY_B"),
        "{filtered:?}"
    );
}

#[test]
fn each_variable_is_also_looked_up_in_the_linked_secret() {
    let cfg = config("http://127.0.0.1:9", Some("pool-creds"));
    let mut map = SecretMap::new();
    map.insert("KEY_B", SecretString::from(KEY_B.to_string()));
    let store = BTreeMap::from([("pool-creds".to_string(), map)]);
    let r = Resolver::builder(cfg)
        .env(env(&[("KEY_A", KEY_A)]))
        .secrets(store)
        .build()
        .expect("resolver");
    let keys: Vec<String> = (0..2).map(|_| key(&r)).collect();
    assert_eq!(keys, [KEY_A, KEY_B]);
}

#[test]
fn explain_names_each_keys_state_and_never_a_value() {
    let cfg = config("http://127.0.0.1:9", None);
    let r = resolver(cfg, env(&[("KEY_A", KEY_A)]));
    let explanation = r.explain("smart").expect("explains");
    let keys = &explanation.candidates[0].keys;
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].var, "KEY_A");
    assert!(matches!(keys[0].state, KeyState::Ready(_)), "{keys:?}");
    assert_eq!(keys[1].var, "KEY_B");
    assert!(
        matches!(&keys[1].state, KeyState::Unavailable(Reason::EnvUnset { var, .. }) if var == "KEY_B"),
        "{keys:?}"
    );
    let shown = format!("{explanation}\n{explanation:?}");
    assert!(shown.contains("key KEY_A: ready (env KEY_A)"), "{shown}");
    assert!(shown.contains("key KEY_B: unavailable"), "{shown}");
    assert!(!shown.contains(KEY_A), "{shown}");
}

/// A server that rate-limits `KEY_A` (with `Retry-After: 20`) and answers `KEY_B`.
async fn a_limited_b_ok() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY_A}").as_str()))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "20"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY_B}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_body("m1")))
        .mount(&server)
        .await;
    server
}

fn executor(url: &str, calls: CallOverrides) -> (Executor<'static>, ManualClock) {
    let r = resolver(
        config(url, None),
        env(&[("KEY_A", KEY_A), ("KEY_B", KEY_B)]),
    );
    let clock = ManualClock::new();
    let exec = Executor::builder(r)
        .plan(StaticPlan::builder().calls(calls).build())
        .clock(clock.clone())
        .seed(3)
        .build();
    (exec, clock)
}

#[tokio::test]
async fn a_rate_limited_key_rests_while_the_other_serves() {
    let server = a_limited_b_ok().await;
    let (exec, clock) = executor(&server.uri(), CallOverrides::NONE);
    let client = reqwest::Client::new();

    // The first call draws KEY_A: 429, then KEY_B at once on the same backend.
    let called = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect("KEY_B serves");
    let tried: Vec<_> = called
        .attempts
        .iter()
        .map(|a| (a.key_var.as_deref().map(str::to_string), a.outcome))
        .collect();
    assert_eq!(
        tried,
        [
            (
                Some("KEY_A".into()),
                Outcome::Failed(FailureClass::RateLimited)
            ),
            (Some("KEY_B".into()), Outcome::Success),
        ]
    );
    assert_eq!(called.attempts[1].waited, Duration::ZERO, "no backoff");

    // While KEY_A rests, every call goes straight to KEY_B, though it is KEY_A's turn.
    for _ in 0..3 {
        let called = exec
            .call("smart", |t| chat(client.clone(), t))
            .await
            .expect("KEY_B serves");
        assert_eq!(called.attempts.len(), 1, "{:?}", called.attempts);
        assert_eq!(called.attempts[0].key_var.as_deref(), Some("KEY_B"));
    }
    let explained = exec.explain("smart").expect("explains");
    let rest = &explained.candidates[0].keys[0];
    // The manual clock also counts the real time elapsed: a few milliseconds.
    assert!(
        matches!(rest.state, KeyState::CoolingDown { remaining, .. }
            if remaining <= Duration::from_secs(20) && remaining > Duration::from_secs(19)),
        "{rest:?}"
    );
    assert!(matches!(
        explained.candidates[0].status,
        Status::Usable { .. }
    ));

    // Its Retry-After over, KEY_A is drawn again in its turn.
    clock.advance(Duration::from_secs(21));
    let mut vars = Vec::new();
    for _ in 0..2 {
        if let Err(e) = exec.call("smart", |t| chat(client.clone(), t)).await {
            vars.extend(e.attempts().iter().map(|a| a.key_var.clone()));
        } else {
            vars.push(Some("ok".into()));
        }
    }
    let requests = server.received_requests().await.unwrap_or_default();
    let with_a = requests
        .iter()
        .filter(|r| {
            r.headers
                .get("authorization")
                .is_some_and(|v| v.as_bytes().ends_with(KEY_A.as_bytes()))
        })
        .count();
    assert_eq!(with_a, 2, "KEY_A was tried again after its rest: {vars:?}");
}

#[tokio::test]
async fn a_refused_key_rests_and_the_backend_is_not_blamed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("authorization", format!("Bearer {KEY_A}").as_str()))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header("authorization", format!("Bearer {KEY_B}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok_body("m1")))
        .mount(&server)
        .await;
    let (exec, clock) = executor(&server.uri(), CallOverrides::NONE);
    let client = reqwest::Client::new();
    // Six refusals of KEY_A (its rest over each time) would open the backend's breaker
    // (allowed_fails = 3) if they counted against it; they do not, and KEY_B keeps serving.
    let mut refused = 0;
    for _ in 0..6 {
        let called = exec
            .call("smart", |t| chat(client.clone(), t))
            .await
            .expect("KEY_B serves");
        refused += called
            .attempts
            .iter()
            .filter(|a| a.outcome == Outcome::Failed(FailureClass::Auth))
            .count();
        assert_eq!(
            called.attempts.last().map(|a| a.outcome),
            Some(Outcome::Success)
        );
        clock.advance(Duration::from_secs(31));
    }
    assert!(refused >= 3, "KEY_A was refused {refused} times");
    let text = format!("{:?}", exec.explain("smart"));
    assert!(!text.contains(KEY_A) && !text.contains(KEY_B), "{text}");
}

#[tokio::test]
async fn when_every_key_rests_the_backend_is_skipped_with_the_soonest_return() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "30"))
        .mount(&server)
        .await;
    let no_retries = CallOverrides {
        max_retries: Some(0),
        ..CallOverrides::NONE
    };
    let (exec, _clock) = executor(&server.uri(), no_retries);
    let client = reqwest::Client::new();
    let first = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect_err("both keys are limited");
    let classes: Vec<_> = first.attempts().iter().map(|a| a.outcome).collect();
    assert_eq!(
        classes[..2],
        [
            Outcome::Failed(FailureClass::RateLimited),
            Outcome::Failed(FailureClass::RateLimited)
        ]
    );
    let again = exec
        .call("smart", |t| chat(client.clone(), t))
        .await
        .expect_err("every key rests");
    let outcomes: Vec<_> = again.attempts().iter().map(|a| a.outcome).collect();
    assert!(
        matches!(outcomes[..], [Outcome::KeysResting { remaining }]
            if remaining <= Duration::from_secs(30) && remaining > Duration::from_secs(29)),
        "{outcomes:?}"
    );
    let shown = format!("{again}\n{again:?}");
    assert!(shown.contains("every pool key rests for"), "{shown}");
    assert!(!shown.contains(KEY_A) && !shown.contains(KEY_B), "{shown}");
}
