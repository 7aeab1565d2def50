//! `cargo llmcfg init`: the starter config checks clean as written and with every commented
//! example uncommented, carries the `#:schema` line and the schema it names, and an existing
//! config is only overwritten with `--force`.

mod common;

use std::path::Path;

use common::{cli, stderr, stdout};
use serde_json::Value;

fn init(dir: &Path, args: &[&str]) -> std::process::Output {
    cli(dir).arg("init").args(args).output().expect("runs")
}

fn check(dir: &Path, file: &str) -> std::process::Output {
    cli(dir)
        .args(["check", "--deny-warnings", "--config", file])
        .output()
        .expect("runs")
}

/// The starter with every commented TOML line (`# [table]`, `# key = …`) uncommented, prose
/// comments kept: the config a user gets by enabling every example.
fn uncommented(starter: &str) -> String {
    starter
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if looks_like_toml(rest) => rest,
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn looks_like_toml(line: &str) -> bool {
    if line.starts_with('[') {
        return true;
    }
    line.split_once(" = ").is_some_and(|(key, _)| {
        !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

#[test]
fn init_writes_a_starter_that_checks_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = init(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("init_output", stdout(&out));
    let starter = read(&dir.path().join("llm.toml"));
    assert!(
        starter.starts_with("#:schema ./llm.schema.json\n"),
        "{starter}"
    );
    for provider in ["OpenAI", "Anthropic", "OpenRouter", "Ollama"] {
        assert!(starter.contains(&format!("# --- {provider}")), "{provider}");
    }
    let checked = check(dir.path(), "llm.toml");
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
    assert!(stdout(&checked).starts_with("ok: 1 config checked\n"));
}

#[test]
fn every_commented_example_checks_clean_when_uncommented() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(init(dir.path(), &[]).status.code(), Some(0));
    let all = uncommented(&read(&dir.path().join("llm.toml")));
    // The four providers' backends and credentials really are in the uncommented file.
    assert_eq!(all.matches("\n[[llm.backends]]").count(), 4, "{all}");
    assert_eq!(all.matches("\n[[llm.credentials]]").count(), 3, "{all}");
    std::fs::write(dir.path().join("all.toml"), &all).expect("write");
    let checked = check(dir.path(), "all.toml");
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
}

#[test]
fn the_schema_file_is_what_schema_prints_and_accepts_the_starter() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(init(dir.path(), &[]).status.code(), Some(0));
    let written = read(&dir.path().join("llm.schema.json"));
    let printed = cli(dir.path()).arg("schema").output().expect("runs");
    assert_eq!(written, stdout(&printed));
    let schema: Value = serde_json::from_str(&written).expect("json");
    let validator = jsonschema::draft7::new(&schema).expect("schema");
    let starter = read(&dir.path().join("llm.toml"));
    for text in [starter.clone(), uncommented(&starter)] {
        let doc: toml::Value = toml::from_str(&text).expect("toml");
        let doc = serde_json::to_value(doc).expect("as json");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("llm.toml");
    std::fs::write(&path, "[llm]\n# mine\n").expect("write");
    let out = init(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "error: llm.toml exists and was not changed: pass `--force` to overwrite it, or give \
         another PATH (`cargo llmcfg init config/llm.toml`)\n"
    );
    assert_eq!(read(&path), "[llm]\n# mine\n");
    assert!(!dir.path().join("llm.schema.json").exists());
    let forced = init(dir.path(), &["--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(read(&path).starts_with("#:schema ./llm.schema.json\n"));
}

#[test]
fn init_into_a_directory_or_path_keeps_an_existing_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("config")).expect("mkdir");
    std::fs::write(dir.path().join("config/llm.schema.json"), "{}\n").expect("write");
    let out = init(dir.path(), &["config"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("init_output_kept_schema", stdout(&out));
    assert!(dir.path().join("config/llm.toml").is_file());
    assert_eq!(read(&dir.path().join("config/llm.schema.json")), "{}\n");
    let named = init(dir.path(), &["other.toml"]);
    assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));
    assert!(check(dir.path(), "other.toml").status.success());
}

#[cfg(unix)]
#[test]
fn init_writes_files_readable_like_sources() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(init(dir.path(), &["--force"]).status.code(), Some(0));
    for file in ["llm.toml", "llm.schema.json"] {
        let mode = std::fs::metadata(dir.path().join(file))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0o044, "{file}: {mode:o}");
    }
}
