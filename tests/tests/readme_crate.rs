//! A crate created outside the repository from the README's "Use it in your crate" section builds
//! and resolves: its `Cargo.toml` dependency (a `path` standing in for the `git` one), its
//! `llm.toml` and its `main` are taken from the README as written, so the section cannot drift.
//!
//! The crate builds into this workspace's target directory, so the dependencies the test suite
//! already compiled are reused; it uses this workspace's `Cargo.lock`, so the versions match and
//! nothing is fetched (`--offline`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SECTION: &str = "## Use it in your crate";
const GIT_DEP: &str = "git = \"https://github.com/llmcfg/llmcfg\"";
const KEY: &str = "sk-readme-canary-42";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("repository root")
}

/// The code blocks of the README's "Use it in your crate" section, with their info strings.
fn section_blocks() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README.md");
    let start = readme.find(SECTION).expect("the README has the section");
    let section = &readme[start + SECTION.len()..];
    let section = section.find("\n## ").map_or(section, |end| &section[..end]);
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        blocks.push((info.to_string(), body.join("\n") + "\n"));
    }
    blocks
}

/// The block whose info string is `info` and whose text contains `marker`.
fn block(blocks: &[(String, String)], info: &str, marker: &str) -> String {
    blocks
        .iter()
        .find(|(i, body)| i == info && body.contains(marker))
        .map(|(_, body)| body.clone())
        .unwrap_or_else(|| panic!("no ```{info} block with `{marker}` in the README section"))
}

/// The target directory the test suite builds into.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    // This test binary is `<target>/<profile>/deps/<name>`.
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors()
        .nth(3)
        .expect("target directory")
        .to_path_buf()
}

/// Writes the README's crate into `dir` and builds it; the built binary.
fn build_readme_crate(dir: &Path) -> PathBuf {
    let blocks = section_blocks();
    let dependencies = block(&blocks, "toml", "[dependencies]");
    assert!(dependencies.contains(GIT_DEP), "{dependencies}");
    let runtime = repo().join("llmcfg");
    let path_dep = format!("path = {:?}", runtime.display().to_string());
    let manifest = format!(
        "[package]\nname = \"readme-crate\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[workspace]\n\n{}",
        dependencies.replace(GIT_DEP, &path_dep)
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("Cargo.toml");
    std::fs::write(dir.join("llm.toml"), block(&blocks, "toml", "[llm]")).expect("llm.toml");
    std::fs::create_dir(dir.join("src")).expect("src/");
    std::fs::write(
        dir.join("src/main.rs"),
        block(&blocks, "rust,ignore", "fn main"),
    )
    .expect("main.rs");
    std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
    let target = target_dir();
    let out = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run cargo build");
    assert!(
        out.status.success(),
        "the README's crate does not build:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    target
        .join("debug")
        .join(format!("readme-crate{}", std::env::consts::EXE_SUFFIX))
}

/// Runs the binary with only `key` (if any) as the OpenAI key and an empty secret store.
fn run(binary: &Path, store: &Path, key: Option<&str>) -> Output {
    let mut cmd = Command::new(binary);
    cmd.env("LLMCFG_SECRETS_DIR", store)
        .env_remove("OPENAI_API_KEY")
        .env_remove("LLMCFG_DEFAULT_MODEL")
        .env_remove("LLMCFG_MODEL_REGISTRY");
    if let Some(key) = key {
        cmd.env("OPENAI_API_KEY", key);
    }
    cmd.output().expect("run the README's crate")
}

#[test]
fn the_readme_crate_builds_resolves_and_fails_readably() {
    let dir = tempfile::tempdir().expect("temp crate dir");
    let binary = build_readme_crate(dir.path());
    let store = dir.path().join("store");

    let ok = run(&binary, &store, Some(KEY));
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(stdout, "openai/gpt-5-nano via https://api.openai.com/v1\n");

    // Without the key, `main`'s `?` prints the message and both fixes, not a struct dump.
    let failed = run(&binary, &store, None);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("Error: no backend can serve `openai/gpt-5-nano` (alias `fast`)"),
        "{stderr}"
    );
    assert!(stderr.contains("export OPENAI_API_KEY="), "{stderr}");
    assert!(stderr.contains("cargo llmcfg secrets set"), "{stderr}");
    assert!(!stderr.contains("NoBackend"), "{stderr}");
    for output in [&ok.stdout, &ok.stderr, &failed.stdout, &failed.stderr] {
        assert!(!String::from_utf8_lossy(output).contains(KEY));
    }
}
