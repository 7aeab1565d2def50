//! Issue 12: what the macro generates compiles in time and memory linear in the config. A crate
//! whose `llm.toml` has 3,000 credentials, 3,000 backends and 3,000 aliases (each falling back
//! to the next) builds under an 8 GiB address-space cap; before the generated constants stopped
//! re-evaluating their whole table, rustc needed 13 GB for it. The timings themselves are a
//! benchmark (`scripts/bench-build.sh --sizes`), not asserted here.

#![cfg(unix)]

mod common;

use std::fmt::Write as _;

const N: usize = 3_000;
/// 8 GiB of address space, in KiB.
const CAP_KIB: u64 = 8 * 1024 * 1024;

fn config(n: usize) -> String {
    let mut toml = String::from("[llm]\n");
    for i in 0..n {
        let _ = write!(
            toml,
            "\n[[llm.credentials]]\nname = \"cred-{i}\"\napi_key_env = \"KEY_{i}\"\n"
        );
    }
    for i in 0..n {
        let _ = write!(
            toml,
            "\n[[llm.backends]]\nname = \"backend-{i}\"\nkind = \"openai_chat_completion\"\n\
             base_url = \"https://api.openai.com/v1\"\ncredential_ref = \"cred-{i}\"\n\
             ops = [\"chat_completions\"]\ntimeout = \"20s\"\n"
        );
    }
    toml.push_str("\n[llm.aliases]\n");
    for i in 0..n {
        let next = if i + 1 < n {
            format!(", fallbacks = [\"alias-{}\"]", i + 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            toml,
            "alias-{i} = {{ model = \"openai/model-{i}\", backend = \"backend-{i}\"{next} }}"
        );
    }
    toml
}

const MAIN: &str = r#"llmcfg::include_llm_config!("llm.toml");

fn main() {
    let last = CONFIG.aliases().len() - 1;
    println!(
        "{} {} {} {}",
        CONFIG.aliases().len(),
        aliases::ALIAS_2999.name(),
        backends::BACKEND_1500.name(),
        CONFIG.aliases()[last].name(),
    );
}
"#;

#[test]
fn a_config_of_3000_entries_builds_under_a_memory_cap() {
    let probe = common::Probe::new("llmcfg-scale-probe", &config(N), MAIN);
    let out = probe.build_capped(CAP_KIB);
    assert!(
        out.status.success(),
        "the build needed more than {} GiB or failed:\n{}",
        CAP_KIB / 1024 / 1024,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        probe.run().trim(),
        format!("{N} alias-2999 backend-1500 alias-999")
    );
}
