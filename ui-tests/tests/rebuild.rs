//! Editing the TOML after a successful build makes the next `cargo build` recompile the crate
//! and see the change; an unchanged TOML does not.

mod common;

use std::time::Instant;

const CONFIG: &str = r#"[llm]
[llm.aliases]
fast = { model = "openai/gpt-5-nano" }
"#;

const MAIN: &str = r#"llmcfg::include_llm_config!("llm.toml");

fn main() {
    let names: Vec<&str> = CONFIG.aliases().iter().map(|a| a.name()).collect();
    println!("{}", names.join(","));
}
"#;

#[test]
fn editing_the_toml_rebuilds_the_crate() {
    let probe = common::Probe::new("llmcfg-rebuild-probe", CONFIG, MAIN);
    let first = probe.build(&[]);
    assert!(probe.compiled(&first));
    assert_eq!(probe.run().trim(), "fast");

    let unchanged = probe.build(&[]);
    assert!(
        !probe.compiled(&unchanged),
        "nothing changed, yet the crate was recompiled"
    );

    probe.write(
        "llm.toml",
        &format!("{CONFIG}smart = {{ model = \"anthropic/claude-sonnet-4\" }}\n"),
    );
    let start = Instant::now();
    let edited = probe.build(&[]);
    let took = start.elapsed();
    assert!(
        probe.compiled(&edited),
        "the TOML changed but cargo did not recompile the crate:\n{}",
        String::from_utf8_lossy(&edited.stderr)
    );
    assert_eq!(probe.run().trim(), "fast,smart");
    eprintln!("incremental rebuild after editing llm.toml: {took:?}");
}
