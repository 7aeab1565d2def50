//! The example end to end: the bearer token reaches a local server from the environment and
//! from the embedded store, and with neither the error names the variable and both fixes; the
//! demo's calls answer from both local servers, fail over on a 503, and never print a key.

use std::collections::BTreeMap;

use llmcfg::adapter::Destination;
use llmcfg::adapter::reqwest::send_json;
use llmcfg::store::{SecretStore, Visibility};
use llmcfg::{ApiKey, BackendKind, Op, Request, Resolved, Resolver, SecretString, StoreSecrets};
use llmcfg_example::llm::{CONFIG, aliases, env};
use llmcfg_example::mock::{ANTHROPIC_REPLY, MockServer, OPENAI_REPLY, Shape};

fn canary() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("canary-{nanos:x}-{}", std::process::id())
}

/// The resolved backend at another base URL (a local proxy, here a local server): the
/// adapter's `Destination` trait is public, so a wrapper is all it takes.
struct Local<'r> {
    resolved: &'r Resolved<'r>,
    base_url: String,
}

impl Destination for Local<'_> {
    fn backend(&self) -> &str {
        self.resolved.endpoint().name()
    }
    fn kind(&self) -> BackendKind {
        self.resolved.endpoint().kind()
    }
    fn base_url(&self) -> &str {
        &self.base_url
    }
    fn api_key(&self) -> Option<&ApiKey> {
        self.resolved.api_key()
    }
    fn model_name(&self) -> &str {
        self.resolved.model_name()
    }
}

fn send_and_check(resolver: &Resolver<'_>, token: &str) {
    let request = Request::from(aliases::FAST).op(Op::ChatCompletions);
    let resolved = resolver.resolve(request).expect("fast resolves");
    assert_eq!(resolved.model(), "openai/gpt-5-nano");
    let server = MockServer::start(Shape::OpenAi, token, vec![200]).expect("bind 127.0.0.1");
    let local = Local {
        resolved: &resolved,
        base_url: server.base_url(),
    };
    let client = reqwest::Client::new();
    let built = llmcfg::adapter::reqwest::request(&client, &local)
        .expect("a route")
        .build()
        .expect("a request");
    assert!(
        !format!("{built:?}").contains(token),
        "Debug must redact the token"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let body = serde_json::json!({"messages": [{"role": "user", "content": "hi"}]});
    let reply = rt
        .block_on(send_json(&client, &local, body))
        .expect("the server answers");
    assert_eq!(reply["choices"][0]["message"]["content"], OPENAI_REPLY);
    let seen = server.finish();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].authorized,
        "the server received `Authorization: Bearer <token>`"
    );
    assert_eq!(seen[0].path, "/v1/chat/completions");
    assert_eq!(seen[0].model, "gpt-5-nano");
}

#[test]
fn bearer_token_from_the_environment() {
    let token = canary();
    let empty_store = tempfile::tempdir().expect("tempdir");
    let env = BTreeMap::from([(env::OPENAI_API_KEY.to_string(), token.clone())]);
    let resolver = Resolver::builder(&CONFIG)
        .env(env)
        .secrets(StoreSecrets::at(empty_store.path()))
        .build()
        .expect("resolver");
    send_and_check(&resolver, &token);
}

#[test]
fn bearer_token_from_the_embedded_store() {
    let token = canary();
    let dir = tempfile::tempdir().expect("tempdir");
    let store_dir = dir.path().join("secrets");
    SecretStore::open(&store_dir)
        .and_then(|s| {
            s.set(
                "openai-creds",
                [("OPENAI_API_KEY", SecretString::from(token.clone()))],
                Visibility::Private,
            )
        })
        .expect("store the key");
    let resolver = Resolver::builder(&CONFIG)
        .env(BTreeMap::<String, String>::new())
        .secrets(StoreSecrets::at(&store_dir))
        .build()
        .expect("resolver");
    send_and_check(&resolver, &token);
}

#[test]
fn without_a_key_the_error_names_the_variable_and_both_fixes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let resolver = Resolver::builder(&CONFIG)
        .env(BTreeMap::<String, String>::new())
        .secrets(StoreSecrets::at(dir.path()))
        .build()
        .expect("resolver");
    let err = resolver
        .resolve(aliases::FAST)
        .expect_err("no key anywhere")
        .to_string();
    assert!(err.contains("OPENAI_API_KEY"), "{err}");
    assert!(err.contains("export OPENAI_API_KEY="), "{err}");
    assert!(
        err.contains("cargo llmcfg secrets set openai-creds --OPENAI_API_KEY="),
        "{err}"
    );
}

#[test]
fn the_demo_runs_end_to_end() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_llmcfg-example"))
        .arg("--demo")
        .output()
        .expect("run the example");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(OPENAI_REPLY), "{stdout}");
    assert!(stdout.contains(ANTHROPIC_REPLY), "{stdout}");
    assert!(
        stdout.contains("#1 openai-down (gpt-5-nano): server error (HTTP 503)")
            && stdout.contains("#3 anthropic-local (claude-sonnet-4): ok"),
        "the failover: {stdout}"
    );
    assert!(stdout.contains("tokens:   2 in, 6 out"), "{stdout}");
    assert!(stdout.contains("fast (async-openai)"), "{stdout}");
    assert_eq!(
        stdout.matches("key in the right header: true").count(),
        3,
        "{stdout}"
    );
    assert!(
        stdout.contains("sending to a local mock server instead of https://api.openai.com/v1: "),
        "the demo says why it does not call OpenAI: {stdout}"
    );
    assert!(
        !stdout.contains("demo-"),
        "the demo key is never printed: {stdout}"
    );
}
