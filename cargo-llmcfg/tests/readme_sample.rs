//! The README's sample diagnostics are the real output of `check` on
//! `tests/fixtures/readme/llm.toml`, so the two cannot drift apart.

mod common;

use std::path::Path;

use common::{cli, stdout};

/// The `text` block after "Every rule is a diagnostic with a stable code" in the README.
fn readme_sample() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md");
    let start = readme
        .find("Every rule is a diagnostic with a stable code")
        .expect("the README shows a sample");
    let block = &readme[start..];
    let open = block.find("```text\n").expect("a text block") + "```text\n".len();
    let close = block[open..].find("```\n").expect("the block ends");
    block[open..open + close].to_string()
}

#[test]
fn the_readme_sample_is_real_check_output() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/readme");
    let out = cli(&fixtures)
        .args(["check", "--config", "llm.toml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let real = stdout(&out);
    assert_eq!(
        readme_sample(),
        real,
        "update the README's sample to the real output above"
    );
    assert!(
        real.contains("= help: same as for the error at llm.toml:10:1"),
        "{real}"
    );
}
