//! The message formats on corpus files: snapshots of human, short, JSON and GitHub output, the
//! JSON fields, and SARIF validated against the SARIF 2.1.0 schema.

mod common;

use std::path::Path;

use common::{cli, corpus, stdout};
use serde_json::Value;

/// Output of `check --config FILE` run from the corpus directory (relative file names).
fn check(file: &str, format: &str) -> (Option<i32>, String) {
    let path = corpus().join(file);
    let text = std::fs::read_to_string(&path).expect("corpus file");
    let mut cmd = cli(&corpus());
    cmd.args(["check", "--config", file, "--message-format", format]);
    if let Some(table) = common::declared_table(&text) {
        cmd.args(["--table", &table]);
    }
    let out = cmd.output().expect("runs");
    (out.status.code(), stdout(&out))
}

const FILES: &[&str] = &[
    "invalid/legacy-api-key-env-on-backend.toml",
    "invalid/many-problems-one-pass.toml",
    "invalid/duplicate-name-backends.toml",
    "invalid/unused-credential.toml",
    "valid/design-example.toml",
];

fn snapshot_name(file: &str, format: &str) -> String {
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("file");
    format!("{format}__{stem}")
}

#[test]
fn human_short_json_github_snapshots() {
    for file in FILES {
        if !corpus().join(file).exists() {
            continue;
        }
        for format in ["human", "short", "json", "github"] {
            let (code, out) = check(file, format);
            let expected = if file.starts_with("valid/") || file.contains("unused") {
                Some(0)
            } else {
                Some(1)
            };
            assert_eq!(code, expected, "{file} {format}\n{out}");
            insta::assert_snapshot!(snapshot_name(file, format), out);
        }
    }
}

#[test]
fn json_lines_carry_every_field() {
    let (_, out) = check("invalid/many-problems-one-pass.toml", "json");
    assert!(out.lines().count() >= 2);
    for line in out.lines() {
        let v: Value = serde_json::from_str(line).expect("one object per line");
        for key in [
            "code",
            "severity",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "help",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {line}");
        }
    }
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json"))
        .expect("schema json");
    jsonschema::draft7::new(&schema).expect("valid schema")
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    let mut files: Vec<String> = common::corpus_files("invalid")
        .into_iter()
        .chain(common::corpus_files("valid"))
        .map(|p| {
            p.strip_prefix(corpus())
                .expect("in corpus")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.truncate(200);
    assert!(!files.is_empty());
    for file in &files {
        let (_, out) = check(file, "sarif");
        let log: Value = serde_json::from_str(&out).expect("sarif is json");
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
        assert_eq!(log["version"], "2.1.0");
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules");
        assert_eq!(rules.len(), llmcfg_core::Code::ALL.len());
        for rule in rules {
            assert!(!rule["help"]["text"].as_str().unwrap_or("").is_empty());
        }
    }
}

#[test]
fn github_commands_escape_newlines_commas_and_colons() {
    let (_, out) = check("invalid/legacy-api-key-env-on-backend.toml", "github");
    for line in out.lines() {
        assert!(line.starts_with("::error ") || line.starts_with("::warning "));
        let (props, message) = line
            .split_once("::")
            .and_then(|(_, rest)| rest.split_once("::"))
            .expect("command shape");
        assert!(!props.contains('\n') && !message.contains('\n'));
        assert!(message.contains("%0A"), "help lines are escaped");
    }
}
