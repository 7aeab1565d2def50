//! Helpers shared by the CLI integration tests: the binary with a clean environment, and the
//! config corpus.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `cargo-llmcfg` without colours, with no llmcfg variables leaking in from the environment and
/// a secret store of its own.
pub fn cli(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("cargo-llmcfg").expect("binary");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("LLMCFG_SECRETS_DIR", dir.join(".secrets-store"))
        .env_remove("LLMCFG_MODEL_REGISTRY")
        .env_remove("LLMCFG_DEFAULT_MODEL")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_WORKSPACE");
    cmd
}

/// `tests/corpus` of the workspace.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

/// The `.toml` files of `tests/corpus/{kind}`, sorted.
pub fn corpus_files(kind: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus().join(kind))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The table a corpus file declares on its first line (`# table: spearlet.llm`).
pub fn declared_table(text: &str) -> Option<String> {
    text.lines()
        .next()?
        .strip_prefix("# table:")
        .map(|t| t.trim().to_string())
}

/// The codes a corpus file expects (`# expect: CODE L:C`).
pub fn expected_codes(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("# expect:"))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// stdout of a finished command as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr of a finished command as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A config copied to `llm.toml` in a temp dir of its own, run with the `--table` its first
/// line declares: what the fix and migrate round trips do to each file.
pub struct Scratch {
    dir: tempfile::TempDir,
    table: Option<String>,
}

impl Scratch {
    /// `text` as `llm.toml`, its table read from its first line (`# table: …`).
    pub fn new(text: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("llm.toml"), text).expect("copy");
        Scratch {
            dir,
            table: declared_table(text),
        }
    }

    /// The directory holding `llm.toml`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `llm.toml` as it is now.
    pub fn config(&self) -> String {
        std::fs::read_to_string(self.dir().join("llm.toml")).expect("read llm.toml")
    }

    /// `cargo-llmcfg ARGS [--table TABLE]` in the directory.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = cli(self.dir());
        cmd.args(args);
        if let Some(table) = &self.table {
            cmd.args(["--table", table]);
        }
        cmd.output().expect("runs")
    }

    /// `cargo llmcfg check --config llm.toml ARGS [--table TABLE]`.
    pub fn check(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["check", "--config", "llm.toml"];
        all.extend_from_slice(args);
        self.run(&all)
    }
}
