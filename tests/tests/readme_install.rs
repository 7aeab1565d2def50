//! The README's install and test instructions stay true: it installs from the repository the
//! manifests name (the crates are not published), never from crates.io, and `.ci/run` runs
//! exactly the README's test command.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `repository` of `[workspace.package]`.
fn repository() -> String {
    read("Cargo.toml")
        .lines()
        .find_map(|l| l.strip_prefix("repository = "))
        .map(|v| v.trim_matches('"').to_string())
        .expect("the workspace names its repository")
}

#[test]
fn the_readme_installs_from_the_repository_the_manifests_name() {
    let readme = read("README.md");
    let repo = repository();
    for expected in [
        format!("cargo install --git {repo} cargo-llmcfg --locked"),
        format!("llmcfg = {{ git = \"{repo}\" }}"),
        format!("git clone {repo}"),
    ] {
        assert!(readme.contains(&expected), "README lacks `{expected}`");
    }
    // What a newcomer would try first, and what fails while nothing is published.
    for unpublished in ["llmcfg = \"0.1\"", "cargo install cargo-llmcfg"] {
        assert!(
            !readme.contains(unpublished),
            "README still says `{unpublished}`"
        );
    }
}

#[test]
fn the_ci_script_runs_exactly_the_readmes_test_command() {
    let readme = read("README.md");
    let command = readme
        .lines()
        .skip_while(|l| *l != "# 2. Run the whole test suite.")
        .nth(1)
        .expect("the README's command 2");
    assert_eq!(command, "cargo test --workspace --no-fail-fast");
    let script = read(".ci/run");
    let last = script
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .expect("a command");
    assert_eq!(last, command, ".ci/run must end with the README's command");
}
