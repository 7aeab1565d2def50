//! Replays inputs saved from the cargo-fuzz targets (`fuzz/`, see BENCHMARKS.md § Fuzzing)
//! through the same assertions the targets make (`fuzz_regressions/contract.rs`):
//!
//! - `tests/corpus/fuzz/check/*`: raw bytes for `llmcfg_core::check` + every renderer;
//! - `tests/corpus/fuzz/registry/*`: raw values of `LLMCFG_MODEL_REGISTRY`.
//!
//! A crasher found by a fuzz run goes into the matching folder, named after what it breaks, and
//! stays there once fixed.

#[path = "fuzz_regressions/contract.rs"]
mod contract;

use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/fuzz")
        .join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no saved inputs in {}", dir.display());
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

/// Runs `f` on each input, naming the file of the first that fails.
fn replay(target: &str, f: fn(&[u8])) {
    for (path, bytes) in inputs(target) {
        if let Err(panic) = std::panic::catch_unwind(|| f(&bytes)) {
            eprintln!("fuzz regression {} failed", path.display());
            std::panic::resume_unwind(panic);
        }
    }
}

#[test]
fn saved_check_inputs_pass() {
    replay("check", contract::check_input);
}

#[test]
fn edge_check_inputs_pass() {
    for input in [
        &b""[..],
        b"#!table=",
        b"#!table=\n",
        b"#!table=.\n[llm]",
        b"#!table=\xff\xfe\n[\xff]\n",
        b"\xef\xbb\xbf[llm]\n",
        b"[llm]\r\n[[llm.backends]]\r\nname = \"\xc3\xa9\"\r",
        b"[llm]\nx = \"\\u0000\"\n\xf0\x9f\x9a\x80 = 1",
    ] {
        contract::check_input(input);
    }
}

#[cfg(unix)]
#[test]
fn saved_registry_inputs_pass() {
    replay("registry", contract::registry_input);
}

#[cfg(unix)]
#[test]
fn edge_registry_inputs_pass() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for input in [
        &b""[..],
        b"  \n\t",
        b"\xff",
        b"null",
        b"{}",
        b"{\"aliases\":{\"a\":{\"model\":\"x/\\ud800\"}}}",
        b"{\"aliases\":{\"a\":{\"model\":\"x/y\"}},\"default\":\"A\"}",
        b"{\"aliases\":{\"a\":{\"model\":\"x/y\"},\"a\":{\"model\":\"x/z\"}}}",
        deep.as_bytes(),
    ] {
        contract::registry_input(input);
    }
}
