//! Reading `LLMCFG_MODEL_REGISTRY` at start-up: `Resolver::builder(..).env(..).build()` with a
//! registry of 10, 1,000 and 10,000 aliases (its JSON read by the runtime's own reader, then
//! each entry checked and given its candidates), against serde_json + derive parsing the same
//! JSON into maps (the parse alone, which is what the runtime's reader replaced).
//!
//! `cargo bench -p llmcfg-runtime --bench registry`

#![allow(missing_docs, unreachable_pub, missing_debug_implementations)]

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmcfg::{Config, Resolver};
use serde::Deserialize;

const SIZES: [usize; 3] = [10, 1_000, 10_000];

/// `n` aliases, each with a model and a linked secret, and a default.
fn registry(n: usize) -> String {
    let mut json = String::from("{\"aliases\":{");
    for i in 0..n {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "\"alias-{i}\":{{\"model\":\"openai/gpt-{i}\",\"secret\":\"team.s{i}\"}}"
        ));
    }
    json.push_str("},\"default\":\"alias-1\"}");
    json
}

#[derive(Deserialize)]
#[allow(dead_code)] // read only by the parse being measured
struct Entry {
    model: String,
    secret: Option<String>,
    backend: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // read only by the parse being measured
struct Registry {
    aliases: HashMap<String, Entry>,
    default: Option<String>,
}

fn bench(c: &mut Criterion) {
    let config: &'static Config = Box::leak(Box::new(
        Config::from_toml_str("[llm]\n").expect("a config"),
    ));
    let mut group = c.benchmark_group("registry");
    group.measurement_time(Duration::from_secs(3));
    for n in SIZES {
        let json = registry(n);
        let env = BTreeMap::from([("LLMCFG_MODEL_REGISTRY".to_string(), json.clone())]);
        group.bench_with_input(BenchmarkId::new("llmcfg_build", n), &env, |b, env| {
            b.iter(|| {
                let resolver = Resolver::builder(config).env(env.clone()).build();
                black_box(resolver.is_ok())
            });
        });
        group.bench_with_input(BenchmarkId::new("serde_json_parse", n), &json, |b, json| {
            b.iter(|| black_box(serde_json::from_str::<Registry>(json).is_ok()));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
