//! `cargo llmcfg check --fix` on a set of misspelled and legacy configs
//! (`tests/fixtures/fix/*.toml`): each becomes a clean file, every comment line is kept, a
//! second run changes nothing; snapshots of what each fix writes, of the JSON suggestions and
//! of the unified human layout; standard input is refused.

mod common;

use std::path::{Path, PathBuf};

use common::{Scratch, cli, stderr, stdout};
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fix");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("file")
        .to_string()
}

#[test]
fn fix_turns_every_fixture_into_a_clean_file_keeping_comments() {
    let files = fixtures();
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let scratch = Scratch::new(&text);
        let before = scratch.check(&[]);
        assert_eq!(
            before.status.code(),
            Some(1),
            "{}: has findings",
            file.display()
        );

        let fixed = scratch.check(&["--fix"]);
        let after = scratch.config();
        assert_eq!(
            fixed.status.code(),
            Some(0),
            "{}:\n{}\n{after}",
            file.display(),
            stdout(&fixed)
        );
        assert!(
            stderr(&fixed).contains("llm.toml: applied "),
            "{}",
            stderr(&fixed)
        );
        for comment in text.lines().filter(|l| l.contains('#')) {
            let comment = &comment[comment.find('#').unwrap_or(0)..];
            assert!(
                after.contains(comment),
                "{}: lost {comment}",
                file.display()
            );
        }
        insta::assert_snapshot!(format!("fixed__{}", stem(&file)), after);

        let clean = scratch.check(&["--message-format", "short"]);
        assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
        let again = scratch.check(&["--fix"]);
        assert_eq!(again.status.code(), Some(0));
        assert!(
            stderr(&again).contains("nothing to fix"),
            "{}",
            stderr(&again)
        );
        assert_eq!(scratch.config(), after);
    }
}

/// Every fixture's findings in JSON: the rustc-shaped `children` with their spans.
#[test]
fn json_carries_the_suggestions_in_rustcs_shape() {
    for file in fixtures() {
        let text = std::fs::read_to_string(&file).expect("read");
        let out = Scratch::new(&text).check(&["--message-format", "json"]);
        let mut applicable = 0;
        for line in stdout(&out).lines() {
            let v: Value = serde_json::from_str(line).expect("one object per line");
            for child in v["children"].as_array().expect("children") {
                assert_eq!(child["level"], "help");
                for span in child["spans"].as_array().expect("spans") {
                    for key in [
                        "file_name",
                        "byte_start",
                        "byte_end",
                        "line_start",
                        "column_start",
                        "line_end",
                        "column_end",
                        "suggested_replacement",
                        "suggestion_applicability",
                    ] {
                        assert!(span.get(key).is_some(), "{key} missing in {line}");
                    }
                    let (start, end) = (span["byte_start"].as_u64(), span["byte_end"].as_u64());
                    assert!(start <= end && end <= Some(text.len() as u64), "{line}");
                    if span["suggestion_applicability"] == "MachineApplicable" {
                        applicable += 1;
                    }
                }
            }
        }
        assert!(applicable > 0, "{}", file.display());
        insta::assert_snapshot!(format!("json__{}", stem(&file)), stdout(&out));
    }
}

/// The human format is rustc's layout; a help repeated in a file is printed once.
#[test]
fn human_layout_refers_to_a_repeated_help() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fix/legacy.toml");
    let text = std::fs::read_to_string(file).expect("read");
    let out = stdout(&Scratch::new(&text).check(&[]));
    assert!(
        out.starts_with("error[llmcfg::legacy-api-key-env]: "),
        "{out}"
    );
    assert_eq!(
        out.matches("declare the credential once").count(),
        2,
        "{out}"
    );
    assert!(
        out.contains("= help: same as for the error at llm.toml:11:1"),
        "{out}"
    );
    insta::assert_snapshot!("human__legacy", out);
}

#[test]
fn fix_refuses_standard_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(dir.path())
        .args(["check", "--config", "-", "--fix"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("standard input cannot be fixed"),
        "{}",
        stderr(&out)
    );
}

/// On every invalid corpus file: `--fix` never breaks the TOML, never loses a comment, leaves no
/// machine-applicable fix behind, and a second run changes nothing.
#[test]
fn fix_on_the_whole_corpus_is_safe_and_idempotent() {
    for file in common::corpus_files("invalid") {
        let text = std::fs::read_to_string(&file).expect("read");
        let scratch = Scratch::new(&text);
        let first = scratch.check(&["--fix", "--message-format", "json"]);
        assert_ne!(
            first.status.code(),
            Some(2),
            "{}: {}",
            file.display(),
            stderr(&first)
        );
        let after = scratch.config();
        let syntax = |out: &str| out.contains("\"code\":\"toml-syntax\"");
        if !text.contains("expect: toml-syntax") {
            assert!(!syntax(&stdout(&first)), "{}:\n{after}", file.display());
        }
        for comment in text.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(
                after.contains(comment),
                "{}: lost {comment}",
                file.display()
            );
        }
        assert!(
            !stdout(&first).contains("MachineApplicable"),
            "{}: a fix left behind\n{}",
            file.display(),
            stdout(&first)
        );
        let again = scratch.check(&["--fix"]);
        assert!(
            stderr(&again).contains("nothing to fix"),
            "{}",
            file.display()
        );
        assert_eq!(scratch.config(), after);
    }
}
