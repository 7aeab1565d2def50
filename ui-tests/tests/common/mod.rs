//! A throwaway crate that depends on the workspace's `llmcfg` by path, built with cargo into a
//! fixed target dir under the workspace `target/` so dependencies compile once across runs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) struct Probe {
    dir: tempfile::TempDir,
    name: String,
}

/// The workspace root.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("ui-tests has no parent directory"))
}

fn target_dir() -> PathBuf {
    workspace().join("target").join("ui-scratch")
}

impl Probe {
    /// A binary crate named `name` with `llm.toml` and `src/main.rs`.
    pub(crate) fn new(name: &str, toml: &str, main: &str) -> Probe {
        let dir = tempfile::Builder::new()
            .prefix("llmcfg-probe-")
            .tempdir()
            .unwrap_or_else(|e| panic!("tempdir: {e}"));
        let runtime = workspace().join("llmcfg");
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
[dependencies]\nllmcfg = {{ path = {runtime:?} }}\n\n[workspace]\n"
        );
        let probe = Probe {
            dir,
            name: name.to_string(),
        };
        probe.write("Cargo.toml", &manifest);
        probe.write("llm.toml", toml);
        probe.write("src/main.rs", main);
        // The workspace's lock file pins the same dependency versions the workspace builds.
        let _ = std::fs::copy(
            workspace().join("Cargo.lock"),
            probe.path().join("Cargo.lock"),
        );
        probe
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, file: &str, text: &str) {
        let path = self.path().join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// `cargo build` with extra env vars; panics with cargo's output when the build fails.
    pub(crate) fn build(&self, envs: &[(&str, &str)]) -> Output {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.arg("build")
            .current_dir(self.path())
            .env("CARGO_TARGET_DIR", target_dir())
            .env("CARGO_TERM_COLOR", "never");
        for (key, value) in envs {
            cmd.env(key, value);
        }
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("running cargo: {e}"));
        assert!(
            out.status.success(),
            "cargo build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// `cargo build` with the address space of cargo and every rustc it runs capped at
    /// `cap_kib` (`ulimit -v`): a build that needs more fails instead of swapping the machine.
    #[cfg(unix)]
    pub(crate) fn build_capped(&self, cap_kib: u64) -> Output {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v {cap_kib} && exec \"$0\" build"))
            .arg(cargo)
            .current_dir(self.path())
            .env("CARGO_TARGET_DIR", target_dir())
            .env("CARGO_TERM_COLOR", "never")
            .output()
            .unwrap_or_else(|e| panic!("running cargo: {e}"))
    }

    /// Whether the last build's output shows this crate being compiled.
    pub(crate) fn compiled(&self, out: &Output) -> bool {
        String::from_utf8_lossy(&out.stderr).contains(&format!("Compiling {} ", self.name))
    }

    /// The built binary.
    pub(crate) fn binary(&self) -> PathBuf {
        target_dir()
            .join("debug")
            .join(format!("{}{}", self.name, std::env::consts::EXE_SUFFIX))
    }

    /// Runs the built binary and returns its standard output.
    pub(crate) fn run(&self) -> String {
        let out = Command::new(self.binary())
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", self.binary().display()));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Every file cargo wrote for this crate: the binary, its copies and dep-info under `deps/`,
    /// and the incremental-compilation caches.
    pub(crate) fn outputs(&self) -> Vec<PathBuf> {
        let debug = target_dir().join("debug");
        let stem = self.name.replace('-', "_");
        let mut files = vec![self.binary()];
        let mut stack = vec![debug.join("deps"), debug.join("incremental")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let ours = path
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with(&stem));
                if path.is_dir() {
                    stack.push(path);
                } else if ours {
                    files.push(path);
                }
            }
        }
        files
    }
}
