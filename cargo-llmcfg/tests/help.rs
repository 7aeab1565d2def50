//! Snapshots of `--help` for every subcommand.

mod common;

use common::{cli, stdout};

const COMMANDS: &[&[&str]] = &[
    &[],
    &["init"],
    &["check"],
    &["migrate"],
    &["model"],
    &["model", "register"],
    &["model", "list"],
    &["model", "remove"],
    &["model", "default"],
    &["resolve"],
    &["env"],
    &["schema"],
    &["explain"],
    &["secrets"],
    &["secrets", "set"],
    &["secrets", "show"],
    &["secrets", "list"],
    &["secrets", "delete"],
];

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    for command in COMMANDS {
        let out = cli(dir.path())
            .args(*command)
            .arg("--help")
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{command:?}");
        let name = if command.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", command.join("_"))
        };
        insta::assert_snapshot!(name, stdout(&out));
    }
}

#[test]
fn works_as_cargo_subcommand_and_reports_usage_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let direct = cli(dir.path())
        .args(["explain", "no-ops"])
        .output()
        .expect("runs");
    let via_cargo = cli(dir.path())
        .args(["llmcfg", "explain", "no-ops"])
        .output()
        .expect("runs");
    assert_eq!(direct.status.code(), Some(0));
    assert_eq!(stdout(&direct), stdout(&via_cargo));
    let bad = cli(dir.path()).arg("frobnicate").output().expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn explain_knows_every_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    for code in llmcfg_core::Code::ALL {
        let out = cli(dir.path())
            .args(["explain", code.as_str()])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        let text = stdout(&out);
        assert!(text.starts_with(code.as_str()));
        assert!(text.contains(code.explanation()));
    }
    let list = cli(dir.path()).arg("explain").output().expect("runs");
    assert_eq!(stdout(&list).lines().count(), llmcfg_core::Code::ALL.len());
    let typo = cli(dir.path())
        .args(["explain", "legacy-api-key"])
        .output()
        .expect("runs");
    assert_eq!(typo.status.code(), Some(2));
    assert!(common::stderr(&typo).contains("did you mean `legacy-api-key-env`"));
}
