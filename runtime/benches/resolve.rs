//! `resolve()` on configs of 10, 1,000 and 10,000 backends and aliases, by name (`llmcfg`) and
//! through a typed alias constant (`llmcfg_typed`, what `resolve(aliases::FAST)` does), against
//! the baseline a user would otherwise write: parse the TOML at start-up into maps, then look up.
//!
//! `cargo bench -p llmcfg-runtime --bench resolve`

#![allow(missing_docs, unreachable_pub, missing_debug_implementations)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use common::*;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmcfg::{Alias, Config, Resolver};
use serde::Deserialize;

const SIZES: [usize; 3] = [10, 1_000, 10_000];

/// An env var that is set in any process, so the key lookup reads a real value.
fn key_var() -> &'static str {
    ["HOME", "PATH", "USER", "PWD"]
        .into_iter()
        .find(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
        .unwrap_or("PATH")
}

/// `n` backends (two per model, one credential per ten backends) and `n` aliases.
fn spec(n: usize) -> Cfg {
    let var = key_var();
    let mut cfg = Cfg::new();
    for c in 0..n.div_ceil(10) {
        cfg = cfg.cred(cred(&format!("cred-{c}"), var));
    }
    for i in 0..n {
        cfg = cfg.back(
            openai(&format!("backend-{i}"))
                .cred(&format!("cred-{}", i / 10))
                .model(&format!("model-{}", i / 2))
                .weight(50 + (i % 3) as u32 * 25),
        );
    }
    for j in 0..n {
        cfg = cfg.alias(alias(
            &format!("alias-{j}"),
            &format!("openai/model-{}", j / 2),
        ));
    }
    cfg.default_alias("alias-0")
}

/// The same config as TOML.
fn toml_text(cfg: &Cfg) -> String {
    let mut out = String::from(
        "[llm]\ndefault_policy = \"weighted_random\"\ndefault_alias = \"alias-0\"\n\n",
    );
    for c in &cfg.creds {
        out += &format!(
            "[[llm.credentials]]\nname = \"{}\"\nkind = \"env\"\napi_key_env = \"{}\"\n\n",
            c.name,
            c.env.as_deref().unwrap_or("")
        );
    }
    for b in &cfg.backends {
        out += &format!(
            "[[llm.backends]]\nname = \"{}\"\nkind = \"openai_chat_completion\"\nbase_url = \"{}\"\ncredential_ref = \"{}\"\nhosting = \"remote\"\nmodel = \"openai/{}\"\nops = [\"chat_completions\"]\ntransports = [\"http\"]\nweight = {}\npriority = 0\n\n",
            b.name,
            b.url,
            b.cred.as_deref().unwrap_or(""),
            b.model.as_deref().unwrap_or(""),
            b.weight
        );
    }
    out += "[llm.aliases]\n";
    for a in &cfg.aliases {
        out += &format!("{} = {{ model = \"{}\" }}\n", a.name, a.model);
    }
    out
}

// ---- the baseline: what an application would write without llmcfg ----

#[derive(Deserialize)]
struct File {
    llm: Llm,
}

#[derive(Deserialize)]
struct Llm {
    #[serde(default)]
    default_alias: Option<String>,
    #[serde(default)]
    credentials: Vec<CredDef>,
    #[serde(default)]
    backends: Vec<BackendDef>,
    #[serde(default)]
    aliases: HashMap<String, AliasDef>,
}

#[derive(Deserialize)]
struct CredDef {
    name: String,
    api_key_env: String,
}

#[derive(Deserialize)]
struct BackendDef {
    name: String,
    base_url: String,
    credential_ref: Option<String>,
    model: Option<String>,
    #[serde(default = "hundred")]
    weight: u32,
}

fn hundred() -> u32 {
    100
}

#[derive(Deserialize)]
struct AliasDef {
    model: String,
}

struct Baseline {
    aliases: HashMap<String, String>,
    by_model: HashMap<String, Vec<BackendDef>>,
    credentials: HashMap<String, String>,
    rng: std::cell::Cell<u64>,
}

impl Baseline {
    fn parse(text: &str) -> Baseline {
        let file: File = toml::from_str(text).expect("valid TOML");
        let _ = file.llm.default_alias;
        let mut by_model: HashMap<String, Vec<BackendDef>> = HashMap::new();
        for b in file.llm.backends {
            by_model
                .entry(b.model.clone().unwrap_or_default())
                .or_default()
                .push(b);
        }
        Baseline {
            aliases: file
                .llm
                .aliases
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v.model))
                .collect(),
            by_model,
            credentials: file
                .llm
                .credentials
                .into_iter()
                .map(|c| (c.name, c.api_key_env))
                .collect(),
            rng: std::cell::Cell::new(1),
        }
    }

    /// Alias → model → weighted pick among its backends → env var.
    fn resolve(&self, alias: &str) -> Option<(&str, String)> {
        let model = self.aliases.get(&alias.to_lowercase())?;
        let backends = self.by_model.get(model)?;
        let total: u64 = backends.iter().map(|b| u64::from(b.weight)).sum();
        let mut x = self
            .rng
            .get()
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1);
        self.rng.set(x);
        x = (x >> 33) % total.max(1);
        let mut pick = &backends[0];
        for b in backends {
            if x < u64::from(b.weight) {
                pick = b;
                break;
            }
            x -= u64::from(b.weight);
        }
        let var = self.credentials.get(pick.credential_ref.as_deref()?)?;
        let key = std::env::var(var).ok()?;
        let _ = &pick.name;
        Some((pick.base_url.as_str(), key))
    }
}

fn bench(c: &mut Criterion) {
    let built: Vec<(usize, Config, String)> = SIZES
        .iter()
        .map(|&n| {
            let s = spec(n);
            (n, s.build(), toml_text(&s))
        })
        .collect();

    let mut group = c.benchmark_group("resolve");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for (n, config, text) in &built {
        let names: Vec<String> = (0..64)
            .map(|k| format!("alias-{}", (k * 7919) % n))
            .collect();
        let resolver = Resolver::new(config).expect("resolver");
        let mut k = 0usize;
        group.bench_with_input(BenchmarkId::new("llmcfg", n), n, |b, _| {
            b.iter(|| {
                k = (k + 1) % names.len();
                let r = resolver
                    .resolve(black_box(names[k].as_str()))
                    .expect("resolves");
                black_box(r.base_url());
                r.into_api_key()
            })
        });
        // What `resolve(aliases::FAST)` passes: a reference into the config's alias list, as
        // the generated constants are.
        let constants: Vec<&Alias> = names
            .iter()
            .map(|name| config.alias(name).expect("alias"))
            .collect();
        let mut k = 0usize;
        group.bench_with_input(BenchmarkId::new("llmcfg_typed", n), n, |b, _| {
            b.iter(|| {
                k = (k + 1) % constants.len();
                let r = resolver.resolve(black_box(constants[k])).expect("resolves");
                black_box(r.base_url());
                r.into_api_key()
            })
        });
        let baseline = Baseline::parse(text);
        let mut k = 0usize;
        group.bench_with_input(BenchmarkId::new("baseline", n), n, |b, _| {
            b.iter(|| {
                k = (k + 1) % names.len();
                baseline
                    .resolve(black_box(names[k].as_str()))
                    .expect("resolves")
            })
        });
    }
    group.finish();

    // From process start: the config is a `static` in the binary, so the first resolve is
    // building a resolver and resolving once; the baseline parses the TOML first.
    let mut group = c.benchmark_group("first_resolve");
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(20);
    for (n, config, text) in &built {
        group.bench_with_input(BenchmarkId::new("llmcfg", n), n, |b, _| {
            b.iter(|| {
                let resolver = Resolver::new(black_box(config)).expect("resolver");
                let r = resolver.resolve("alias-1").expect("resolves");
                black_box(r.base_url());
                r.into_api_key()
            })
        });
        group.bench_with_input(BenchmarkId::new("baseline", n), n, |b, _| {
            b.iter(|| {
                let baseline = Baseline::parse(black_box(text));
                baseline.resolve("alias-1").map(|(u, k)| (u.len(), k))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
