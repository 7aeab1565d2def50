//! Parse + validate (`llmcfg_core::check`) against a bare `toml` parse of the same text, on
//! generated configs of 10, 1,000 and 10,000 backends and aliases.
//!
//! `cargo bench -p llmcfg-core --bench validate`; results are recorded in `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use llmcfg_core::{Options, check};

/// A valid config with `n` backends, `n` aliases and `n / 4` (at least one) credentials, in
/// the shapes real files use: every backend kind, shared credentials, model-bound backends,
/// pinned aliases, string shorthand and inline tables.
pub fn generate(n: usize) -> String {
    let credentials = (n / 4).max(1);
    let mut s = String::with_capacity(n * 420);
    s.push_str("# generated benchmark config\n[llm]\ndefault_policy = \"priority\"\ndefault_alias = \"a0\"\n\n");
    for c in 0..credentials {
        let _ = writeln!(
            s,
            "[[llm.credentials]]\nname = \"cred_{c}\"\nkind = \"env\"\napi_key_env = \"PROVIDER_{c}_API_KEY\"\nsecret = \"creds-{c}\"\n"
        );
    }
    // Backends with a credential take them in turn, so every one is referenced (else:
    // unused-credential warnings); four in five backends have one.
    let mut next = 0;
    for i in 0..n {
        let cred = next % credentials;
        if i % 5 != 2 {
            next += 1;
        }
        let _ = writeln!(s, "[[llm.backends]]\nname = \"backend-{i}\"");
        match i % 5 {
            0 => {
                let _ = writeln!(
                    s,
                    "kind = \"openai_chat_completion\"\nbase_url = \"https://api.openai.com/v1\"\ncredential_ref = \"cred_{cred}\"\nops = [\"chat_completions\", \"embeddings\"]\nfeatures = [\"supports_tools\", \"supports_json_schema\"]\ntransports = [\"http\"]"
                );
            }
            1 => {
                let _ = writeln!(
                    s,
                    "kind = \"anthropic_messages\"\nbase_url = \"https://api.anthropic.com/v1\"\ncredential_ref = \"cred_{cred}\"\nhosting = \"remote\"\nops = [\"chat_completions\"]"
                );
            }
            2 => {
                let _ = writeln!(
                    s,
                    "kind = \"ollama_chat\"\nbase_url = \"http://127.0.0.1:11434\"\nmodel = \"llama3.1:{i}\"\nops = [\"chat_completions\"]\nweight = 10"
                );
            }
            3 => {
                let _ = writeln!(
                    s,
                    "kind = \"openai_chat_completion\"\nbase_url = \"https://inference.lab.example/v1\"\ncredential_ref = \"cred_{cred}\"\nmodel = \"lab/model-{i}\"\nops = [\"chat_completions\"]\npriority = {}",
                    i % 7
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "kind = \"openai_realtime_ws\"\nbase_url = \"wss://api.openai.com/v1/realtime\"\ncredential_ref = \"cred_{cred}\"\nops = [\"realtime_voice\", \"speech_to_text\"]\ntransports = [\"websocket\"]"
                );
            }
        }
        s.push('\n');
    }
    s.push_str("[llm.aliases]\n");
    for i in 0..n {
        match i % 4 {
            0 => {
                let _ = writeln!(s, "a{i} = \"openai/gpt-5-nano\"");
            }
            1 => {
                let _ = writeln!(
                    s,
                    "a{i} = {{ model = \"anthropic/claude-sonnet-4\", backend = \"backend-{}\" }}",
                    (i / 5) * 5 + 1
                );
            }
            2 => {
                // Resolved through the backend bound to this model (an unknown provider).
                let bound = (i / 5) * 5 + 3;
                let _ = writeln!(
                    s,
                    "a{i} = {{ model = \"lab/model-{bound}\", ops = [\"chat_completions\"] }}"
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "a{i} = {{ model = \"openai/text-embedding-3-small\", secret = \"creds-0\", ops = [\"embeddings\"] }}"
                );
            }
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for n in [10usize, 1_000, 10_000] {
        let text = generate(n);
        let report = check("bench.toml", &text, &Options::default());
        assert!(
            report.diagnostics.is_empty(),
            "the generated config must be valid: {:?}",
            report.diagnostics.first()
        );
        assert_eq!(report.config.backends.len(), n);
        assert_eq!(report.config.aliases.len(), n);
        group.sample_size(if n >= 10_000 { 10 } else { 30 });
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("check", n), &text, |b, text| {
            b.iter(|| check("bench.toml", black_box(text), &Options::default()));
        });
        group.bench_with_input(BenchmarkId::new("toml_parse", n), &text, |b, text| {
            b.iter(|| toml::from_str::<toml::Table>(black_box(text)).expect("valid TOML"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
