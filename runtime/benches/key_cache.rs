//! Issue 15: a resolve whose key comes from a key command, served by the default secret
//! source's cache, side by side with spawning the command on every resolve (what every
//! resolve did before the cache) and with a key from an env var.
//!
//! `cargo bench -p llmcfg-runtime --bench key_cache`

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use llmcfg::{Config, Resolver, SecretMap, SecretSource, SecretSourceError, StoreSecrets};

const TOML: &str = r#"
[llm]
[[llm.credentials]]
name = "vault"
kind = "command"
command = ["echo", "sk-bench-key"]
[[llm.credentials]]
name = "env"
api_key_env = "BENCH_KEY"
[[llm.backends]]
name = "cmd"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "vault"
model = "openai/m1"
ops = ["chat_completions"]
[[llm.backends]]
name = "env"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "env"
model = "openai/m2"
ops = ["chat_completions"]
[llm.aliases]
cmd = "openai/m1"
env = "openai/m2"
"#;

/// No store, and the trait's default `run_command`: the command runs on every resolve.
struct Spawning;

impl SecretSource for Spawning {
    fn secret(&self, _: &str) -> Result<Option<SecretMap>, SecretSourceError> {
        Ok(None)
    }
}

fn resolver<'c>(config: &'c Config, secrets: impl SecretSource + 'c) -> Resolver<'c> {
    let env = BTreeMap::from([("BENCH_KEY".to_string(), "sk-bench-key".to_string())]);
    Resolver::builder(config)
        .env(env)
        .secrets(secrets)
        .build()
        .expect("resolver")
}

fn resolve(resolver: &Resolver<'_>, alias: &str) -> usize {
    let r = resolver.resolve(alias).expect("resolves");
    black_box(r.api_key().map_or(0, |k| k.expose_secret().len()))
}

fn bench(c: &mut Criterion) {
    let config = Config::from_toml_str(TOML).expect("config");
    let dir = tempfile::tempdir().expect("tempdir");
    let cached = resolver(&config, StoreSecrets::at(dir.path().join("store")));
    let spawning = resolver(&config, Spawning);
    assert_eq!(
        resolve(&cached, "cmd"),
        "sk-bench-key".len(),
        "warms the cache"
    );

    let mut g = c.benchmark_group("key_source");
    g.warm_up_time(Duration::from_millis(500));
    g.bench_function("env_var", |b| b.iter(|| resolve(&cached, "env")));
    g.bench_function("cached_command", |b| b.iter(|| resolve(&cached, "cmd")));
    g.sample_size(20);
    g.bench_function("spawned_command", |b| b.iter(|| resolve(&spawning, "cmd")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
