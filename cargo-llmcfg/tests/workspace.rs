//! `check --workspace` over a throwaway workspace of three packages: one declaring its config in
//! `[package.metadata.llmcfg]`, one with two `include_llm_config!` calls (one with a `table`),
//! one with a bare `llm.toml`. Every config and every planted error is found, at the right
//! file:line:col, in every message format.

mod common;

use std::path::Path;

use common::{cli, stdout};
use serde_json::Value;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

const GOOD: &str = r#"[llm]
[[llm.backends]]
name = "local"
kind = "ollama_chat"
base_url = "http://127.0.0.1:11434"
ops = ["chat_completions"]
"#;

/// Builds the workspace; returns the temp dir holding it.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"meta\", \"macros\", \"bare\"]\n",
    );
    // 1. Metadata: config path and nothing else to find.
    write(
        root,
        "meta/Cargo.toml",
        "[package]\nname = \"meta\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [package.metadata.llmcfg]\nconfig = \"config/models.toml\"\n",
    );
    write(root, "meta/src/lib.rs", "//! Nothing here.\n");
    // Planted: unknown policy at 2:18.
    write(
        root,
        "meta/config/models.toml",
        "[llm]\ndefault_policy = \"fastest\"\n",
    );
    // An llm.toml that metadata overrides: must not be checked.
    write(root, "meta/llm.toml", "[llm]\nbogus = 1\n");
    // 2. Two macro calls, one with a table; a commented-out call must not count.
    write(
        root,
        "macros/Cargo.toml",
        "[package]\nname = \"macros\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "macros/src/lib.rs",
        r#"//! Two configs.
// llmcfg::include_llm_config!("commented.toml");
mod app {
    llmcfg::include_llm_config!("llm.toml");
}
mod spear {
    llmcfg::include_llm_config!("config/spearlet.toml", table = "spearlet.llm");
}
"#,
    );
    write(root, "macros/llm.toml", GOOD);
    // Planted: unknown op at 8:8.
    write(
        root,
        "macros/config/spearlet.toml",
        "[spearlet]\nnode_name = \"a\"\n\n[spearlet.llm]\n[[spearlet.llm.backends]]\nname = \"x\"\nkind = \"stub\"\nops = [\"chat\"]\n",
    );
    // 3. A bare llm.toml. Planted: unknown field `nmae` at 3:1 and a dangling ref at 7:18.
    write(
        root,
        "bare/Cargo.toml",
        "[package]\nname = \"bare\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(root, "bare/src/main.rs", "fn main() {}\n");
    write(
        root,
        "bare/llm.toml",
        "[llm]\n[[llm.backends]]\nnmae = \"x\"\nname = \"openai\"\nkind = \"openai_chat_completion\"\nbase_url = \"https://api.openai.com/v1\"\ncredential_ref = \"nope\"\nops = [\"chat_completions\"]\n",
    );
    dir
}

#[test]
fn finds_exactly_the_three_packages_configs() {
    let dir = workspace();
    let out = cli(dir.path())
        .args(["llmcfg", "check", "--workspace", "--message-format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let found: Vec<(String, String, u64, u64)> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line"))
        .map(|v| {
            (
                v["file"].as_str().unwrap_or_default().to_string(),
                v["code"].as_str().unwrap_or_default().to_string(),
                v["line"].as_u64().unwrap_or_default(),
                v["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("meta/config/models.toml", "unknown-policy", 2, 18),
        ("macros/config/spearlet.toml", "unknown-op", 8, 8),
        ("bare/llm.toml", "unknown-field", 3, 1),
        ("bare/llm.toml", "unknown-credential-ref", 7, 18),
    ];
    let expected: Vec<(String, String, u64, u64)> = expected
        .iter()
        .map(|(f, c, l, col)| (f.to_string(), c.to_string(), *l, *col))
        .collect();
    let mut sorted_found = found.clone();
    sorted_found.sort();
    let mut sorted_expected = expected.clone();
    sorted_expected.sort();
    assert_eq!(sorted_found, sorted_expected);

    // Human and short: all four configs checked, planted errors at the same places.
    let short = cli(dir.path())
        .args(["check", "--workspace", "--message-format", "short"])
        .output()
        .expect("runs");
    insta::assert_snapshot!("workspace_short", stdout(&short));
    let human = cli(dir.path())
        .args(["check", "--workspace"])
        .output()
        .expect("runs");
    let human = stdout(&human);
    for (file, code, line, col) in &expected {
        assert!(
            human.contains(&format!("--> {file}:{line}:{col}\n")),
            "{file}:{line}:{col} in\n{human}"
        );
        assert!(human.contains(&format!("llmcfg::{code}")), "{code}");
    }
    assert!(human.ends_with("error: 4 errors in 3 files\n"), "{human}");
    let github = cli(dir.path())
        .args(["check", "--workspace", "--message-format", "github"])
        .output()
        .expect("runs");
    let github = stdout(&github);
    for (file, code, line, col) in &expected {
        assert!(
            github.contains(&format!("::error file={file},line={line},col={col},"))
                && github.contains(&format!("title=llmcfg({code})::")),
            "{file} {code} in\n{github}"
        );
    }
    let sarif = cli(dir.path())
        .args(["check", "--workspace", "--message-format", "sarif"])
        .output()
        .expect("runs");
    let log: Value = serde_json::from_slice(&sarif.stdout).expect("sarif json");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 4);
    for (file, code, line, col) in &expected {
        assert!(results.iter().any(|r| {
            let region = &r["locations"][0]["physicalLocation"];
            r["ruleId"] == code.as_str()
                && region["artifactLocation"]["uri"] == file.as_str()
                && region["region"]["startLine"] == *line
                && region["region"]["startColumn"] == *col
        }));
    }
}

#[test]
fn the_current_package_only_without_workspace() {
    let dir = workspace();
    let out = cli(&dir.path().join("macros"))
        .args(["check", "--message-format", "short"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("macros_package_short", stdout(&out));
    let good = cli(dir.path())
        .args(["check", "--config", "macros/llm.toml"])
        .output()
        .expect("runs");
    assert_eq!(good.status.code(), Some(0));
    assert_eq!(
        stdout(&good),
        "ok: 1 config checked\n  macros/llm.toml (found by --config)\n"
    );
}

#[test]
fn a_clean_check_names_each_file_and_how_it_was_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "src/lib.rs",
        "mod a {\n    llmcfg::include_llm_config!(\"llm.toml\");\n}\n\
         mod b {\n    llmcfg::include_llm_config!(\"config/other.toml\");\n}\n",
    );
    write(root, "llm.toml", GOOD);
    write(root, "config/other.toml", GOOD);
    let out = cli(root).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    insta::assert_snapshot!("clean_check_names_files", stdout(&out));
}

#[test]
fn github_paths_are_relative_to_github_workspace() {
    let dir = workspace();
    // Run from a member, as a workflow step with `working-directory: bare` does.
    let out = cli(&dir.path().join("bare"))
        .env("GITHUB_WORKSPACE", dir.path())
        .args(["check", "--message-format", "github"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("github_relative_to_workspace", stdout(&out));
    let without = cli(&dir.path().join("bare"))
        .args(["check", "--message-format", "github"])
        .output()
        .expect("runs");
    assert!(
        stdout(&without).starts_with("::error file=llm.toml,"),
        "{}",
        stdout(&without)
    );
}

#[test]
fn no_config_and_missing_files_are_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(dir.path()).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("no llm config found"));
    let out = cli(dir.path())
        .args(["check", "--config", "missing.toml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("cannot read llm config missing.toml"));
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "llm.toml",
        "[llm]\n[[llm.credentials]]\nname = \"unused\"\napi_key_env = \"UNUSED_KEY\"\n",
    );
    let out = cli(dir.path()).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("warning: 1 warning in 1 file\n"));
    let out = cli(dir.path())
        .args(["check", "--deny-warnings"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}
