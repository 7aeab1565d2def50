//! The macro's expansion cost: validate a generated config and generate its code, for 10, 1,000
//! and 10,000 backends and aliases, through `llmcfg_core::codegen` (what the macro calls).

use llmcfg_core::codegen as expand;

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// A config with `n` backends and `n` aliases (each alias bound to its own backend's model),
/// and one credential per ten backends.
fn config(n: usize) -> String {
    let mut toml =
        String::from("[llm]\ndefault_policy = \"weighted_random\"\ndefault_alias = \"alias-0\"\n");
    let credentials = n.div_ceil(10);
    for c in 0..credentials {
        let _ = write!(
            toml,
            "\n[[llm.credentials]]\nname = \"cred-{c}\"\napi_key_env = \"KEY_{c}\"\n"
        );
    }
    for b in 0..n {
        let _ = write!(
            toml,
            "\n[[llm.backends]]\nname = \"backend-{b}\"\nkind = \"openai_chat_completion\"\n\
base_url = \"https://api.openai.com/v1\"\ncredential_ref = \"cred-{}\"\nmodel = \"openai/model-{b}\"\n\
ops = [\"chat_completions\"]\nweight = 100\n",
            b / 10
        );
    }
    toml.push_str("\n[llm.aliases]\n");
    for a in 0..n {
        let _ = writeln!(toml, "alias-{a} = {{ model = \"openai/model-{a}\" }}");
    }
    toml
}

/// What the macro does per call, minus reading the file and rustc's lexing of the source text
/// it hands over. Returns the text's length, so the work is not optimised away.
fn expand(text: &str) -> usize {
    let report = llmcfg_core::check("llm.toml", text, &llmcfg_core::Options::default());
    assert!(!report.has_errors(), "generated config is invalid");
    expand::items(&report.config, &report.source).as_str().len()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("include_llm_config");
    for n in [10, 1_000, 10_000] {
        let text = config(n);
        if n == 10_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::new("check+expand", n), &text, |b, text| {
            b.iter(|| expand(black_box(text)));
        });
        group.bench_with_input(BenchmarkId::new("expand-only", n), &text, |b, text| {
            let report = llmcfg_core::check("llm.toml", text, &llmcfg_core::Options::default());
            b.iter(|| {
                expand::items(black_box(&report.config), &report.source)
                    .as_str()
                    .len()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
