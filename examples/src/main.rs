//! The example application: resolves its aliases from the compile-time checked config, prints
//! what it resolved (never a key), and with `--demo` makes real calls through llmcfg's executor
//! to local OpenAI- and Anthropic-shaped servers (one answering 503, to show a failover), with
//! demo keys, one of them from a throwaway embedded secret store.
//!
//! ```text
//! llmcfg-example [MODEL] [--op OP]     resolve with the real environment and secret store
//! llmcfg-example --demo                end to end against local servers, no account needed
//! ```

use std::collections::BTreeMap;
use std::process::ExitCode;

use llmcfg::store::{SecretStore, Visibility};
use llmcfg::{Op, Request, Resolved, Resolver, SecretString, StoreSecrets};
use llmcfg_example::demo::Servers;
use llmcfg_example::llm::{CONFIG, aliases};

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

/// End to end with no account: demo keys (one in a throwaway embedded store), local OpenAI- and
/// Anthropic-shaped servers, real HTTP calls through the executor.
fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let store_dir = dir.path().join("secrets");
    let openai_key = demo_key("openai");
    let anthropic_key = demo_key("anthropic");
    let store = SecretStore::open(&store_dir)?;
    store.set(
        "openai-creds",
        [("OPENAI_API_KEY", SecretString::from(openai_key.clone()))],
        Visibility::Private,
    )?;
    println!(
        "stored a demo key as secret `openai-creds` in {}",
        store_dir.display()
    );

    // The compiled config, resolved with the key from the store (an empty environment, so
    // whatever this shell exports does not count).
    let resolver = Resolver::builder(&CONFIG)
        .env(BTreeMap::<String, String>::new())
        .secrets(StoreSecrets::at(&store_dir))
        .build()?;
    let fast = resolver.resolve(Request::from(aliases::FAST).op(Op::ChatCompletions))?;
    print_resolved("aliases::FAST", &fast);
    let speech = resolver.resolve(Request::from(aliases::FAST).op(Op::SpeechToText))?;
    print_resolved("aliases::FAST for speech_to_text", &speech);

    // The same shape of config with its base URLs on local servers.
    let servers = Servers::start(&openai_key, &anthropic_key)?;
    println!(
        "sending to a local mock server instead of {}: the demo keys are not real ones, so the \
         demo needs no account, spends nothing and works offline",
        fast.base_url()
    );
    let config = servers.config()?;
    let env = BTreeMap::from([("ANTHROPIC_API_KEY".to_string(), anthropic_key)]);
    let resolver = Resolver::builder(&config)
        .env(env)
        .secrets(StoreSecrets::at(&store_dir))
        .build()?;
    println!(
        "local servers: OpenAI-shaped at {}, Anthropic-shaped at {}, one answering 503 at {}",
        servers.openai.base_url(),
        servers.anthropic.base_url(),
        servers.down.base_url()
    );
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(llmcfg_example::demo::run(&resolver))?;
    for (name, server) in [
        ("OpenAI-shaped", servers.openai),
        ("Anthropic-shaped", servers.anthropic),
        ("503", servers.down),
    ] {
        let seen = server.finish();
        println!(
            "{name} server saw {} request(s), key in the right header: {}, models: {:?}",
            seen.len(),
            seen.iter().all(|s| s.authorized),
            seen.iter().map(|s| s.model.as_str()).collect::<Vec<_>>()
        );
    }
    Ok(())
}

/// A key that is fresh each run, so a test can check it is never printed.
fn demo_key(provider: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("demo-{provider}-{nanos:x}-{}", std::process::id())
}
