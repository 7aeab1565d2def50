//! The example application: resolves its aliases from the compile-time checked config, prints
//! what it resolved (never a key), and with `--demo` sends a chat request to a local mock server
//! using a key from a throwaway embedded secret store.
//!
//! ```text
//! llmcfg-example [MODEL] [--op OP]     resolve with the real environment and secret store
//! llmcfg-example --demo                end to end against a local mock server, no account needed
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use llmcfg::store::{SecretStore, Visibility};
use llmcfg::{Op, Request, Resolved, Resolver, SecretString, StoreSecrets};
use llmcfg_example::chat::ChatRequest;
use llmcfg_example::llm::{CONFIG, aliases};
use llmcfg_example::mock::MockServer;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--demo") => demo(),
        Some("-h" | "--help") => {
            println!("usage: llmcfg-example [MODEL] [--op OP] | --demo");
            Ok(())
        }
        _ => resolve_for_real(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_resolved(label: &str, r: &Resolved<'_>) {
    println!("{label}");
    println!("  model:    {} ({})", r.model(), r.selection());
    println!(
        "  backend:  {} ({}, {})",
        r.endpoint().name(),
        r.endpoint().kind(),
        r.base_url()
    );
    match r.key_source() {
        Some(source) => println!("  key:      from {source} [REDACTED]"),
        None => println!("  key:      none needed"),
    }
}

/// Resolves with the process environment and the default secret store, as a deployed app would.
fn resolve_for_real(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let mut model = None;
    let mut op = None;
    let mut it = args.iter().map(String::as_str);
    while let Some(arg) = it.next() {
        match arg {
            "--op" => {
                let word = it
                    .next()
                    .ok_or("--op needs a value, e.g. --op embeddings")?;
                op = Some(Op::from_word(word).ok_or_else(|| format!("unknown op `{word}`"))?);
            }
            other => model = Some(other),
        }
    }
    let resolver = CONFIG.resolver()?;
    let mut request = Request::from(model);
    if let Some(op) = op {
        request = request.op(op);
    }
    // The error names every filtered backend with its reason and the commands that fix it.
    let resolved = resolver.resolve(request)?;
    print_resolved("resolved", &resolved);
    Ok(())
}

/// End to end with no account: a demo key in a throwaway embedded store, a local mock server.
fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store_dir = dir.path().join("secrets");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let demo_key = format!("demo-{nanos:x}-{}", std::process::id());
    let store = SecretStore::open(&store_dir)?;
    store.set(
        "openai-creds",
        [("OPENAI_API_KEY", SecretString::from(demo_key.clone()))],
        Visibility::Private,
    )?;
    println!(
        "stored a demo key as secret `openai-creds` in {}",
        store_dir.display()
    );

    // An empty environment, so the key comes from the store whatever this shell exports.
    let resolver = Resolver::builder(&CONFIG)
        .env(BTreeMap::<String, String>::new())
        .secrets(StoreSecrets::at(&store_dir))
        .build()?;
    let fast = resolver.resolve(Request::from(aliases::FAST).op(Op::ChatCompletions))?;
    print_resolved("aliases::FAST", &fast);
    let speech = resolver.resolve(Request::from(aliases::FAST).op(Op::SpeechToText))?;
    print_resolved("aliases::FAST for speech_to_text", &speech);

    let server = MockServer::start(&demo_key, 1)?;
    println!(
        "sending to a local mock server instead of {}: the demo key is not a real one, so the \
         demo needs no account, spends nothing and works offline",
        fast.base_url()
    );
    let request = ChatRequest::new(&fast, "Say hello.").with_base_url(&server.base_url());
    println!(
        "POST {} (model {}, bearer token attached)",
        request.url(),
        request.model()
    );
    let reply = request.send()?;
    let seen = server.finish();
    println!("reply: {reply}");
    println!(
        "server saw {} request(s), authorized: {}",
        seen.len(),
        seen.iter().all(|s| s.authorized)
    );
    Ok(())
}
