//! The example end to end: the bearer token reaches a local server from the environment and
//! from the embedded store, and with neither the error names the variable and both fixes.

use std::collections::BTreeMap;

use llmcfg::store::{SecretStore, Visibility};
use llmcfg::{Op, Request, Resolver, SecretString, StoreSecrets};
use llmcfg_example::chat::ChatRequest;
use llmcfg_example::llm::{CONFIG, aliases, env};
use llmcfg_example::mock::{CANNED_REPLY, MockServer};

fn canary() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("canary-{nanos:x}-{}", std::process::id())
}

fn send_and_check(resolver: &Resolver<'_>, token: &str) {
    let request = Request::from(aliases::FAST).op(Op::ChatCompletions);
    let resolved = resolver.resolve(request).expect("fast resolves");
    assert_eq!(resolved.model(), "openai/gpt-5-nano");
    let server = MockServer::start(token, 1).expect("bind 127.0.0.1");
    let request = ChatRequest::new(&resolved, "hi").with_base_url(&server.base_url());
    assert!(request.has_bearer_token());
    assert!(
        !format!("{request:?}").contains(token),
        "Debug must redact the token"
    );
    let reply = request.send().expect("the mock answers");
    assert_eq!(reply, CANNED_REPLY);
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
    assert!(stdout.contains(CANNED_REPLY), "{stdout}");
    assert!(stdout.contains("authorized: true"), "{stdout}");
    assert!(
        stdout.contains("sending to a local mock server instead of https://api.openai.com/v1: "),
        "the demo says why it does not call OpenAI: {stdout}"
    );
    assert!(
        !stdout.contains("demo-"),
        "the demo key is never printed: {stdout}"
    );
}
