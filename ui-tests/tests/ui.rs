//! trybuild cases for `include_llm_config!`: `tests/pass` must build and run, `tests/fail` must
//! fail with the checked-in `.stderr`. Regenerate snapshots with `TRYBUILD=overwrite`.

use std::fs;
use std::path::{Path, PathBuf};

/// The trybuild project has its own `CARGO_MANIFEST_DIR` (under `target/tests/trybuild`), and the
/// macro resolves paths against it, so the TOML fixtures are copied there with the same
/// relative paths the cases use (`tests/fail/x.toml`).
fn copy_fixtures() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = target_dir()
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"));
    for dir in ["tests/pass", "tests/fail"] {
        let to = project.join(dir);
        fs::create_dir_all(&to).unwrap_or_else(|e| panic!("creating {}: {e}", to.display()));
        let from = manifest.join(dir);
        let entries = fs::read_dir(&from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let dest = to.join(entry.file_name());
                fs::copy(&path, &dest).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            }
        }
    }
}

/// The cargo target directory this test runs from (the one trybuild builds in): the nearest
/// ancestor of the test binary holding cargo's `CACHEDIR.TAG`.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    exe.ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

#[test]
fn ui() {
    copy_fixtures();
    let t = trybuild::TestCases::new();
    t.pass("tests/pass/*.rs");
    t.compile_fail("tests/fail/*.rs");
}

/// Every code the validator can emit has its compile-fail case, named after the code, whose
/// snapshot shows that code.
#[test]
fn every_code_has_a_compile_fail_case() {
    let fail = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fail");
    let mut missing = Vec::new();
    for code in llmcfg_core::Code::ALL {
        let stem = code.as_str().replace('-', "_");
        let stderr = fs::read_to_string(fail.join(format!("{stem}.stderr"))).unwrap_or_default();
        let shown = format!("[llmcfg::{}]", code.as_str());
        if !fail.join(format!("{stem}.rs")).is_file() || stderr.matches(&shown).count() != 1 {
            missing.push(code.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "codes without a compile-fail case showing exactly that code once: {missing:?}"
    );
}
