//! The publishable crates package cleanly, without network: `cargo package --no-verify --offline`
//! succeeds for all four together (which also proves every dependency that ships carries a
//! version, since cargo refuses path-only ones), and each package lists both licence files and
//! the README.
//!
//! `--no-verify` because verifying rebuilds every dependency from scratch in a fresh target dir
//! (minutes); `packaged_crates_also_build_from_their_tarballs` does that and is `#[ignore]`d.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every crate a user can depend on or install; the rest of the workspace is `publish = false`.
const PUBLISHABLE: &[&str] = &[
    "llmcfg-core",
    "llmcfg-macros",
    "llmcfg-runtime",
    "llmcfg",
    "cargo-llmcfg",
];

/// Files every package must ship: the licence texts the `license` field names, and the README.
const REQUIRED: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE", "README.md", "Cargo.toml"];

fn workspace_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml")
}

/// `cargo package` over the publishable crates with `extra` arguments, into its own target dir so
/// a parallel build's `target/package` is left alone.
fn cargo_package(target_dir: &Path, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.arg("package")
        .arg("--manifest-path")
        .arg(workspace_manifest())
        .args(["--allow-dirty", "--offline"])
        .arg("--target-dir")
        .arg(target_dir)
        .args(extra);
    for name in PUBLISHABLE {
        cmd.args(["-p", name]);
    }
    cmd.output().expect("run cargo package")
}

fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The file list of one package, as `cargo package --list` prints it.
fn packaged_files(name: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "-p",
            name,
        ])
        .arg("--manifest-path")
        .arg(workspace_manifest())
        .output()
        .expect("run cargo package --list");
    assert_success(&out, &format!("cargo package --list -p {name}"));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_publishable_crates_package_without_network() {
    let target = tempfile::tempdir().expect("temp target dir");
    let out = cargo_package(target.path(), &["--no-verify"]);
    assert_success(&out, "cargo package --no-verify");
    let version = env!("CARGO_PKG_VERSION");
    for name in PUBLISHABLE {
        let tarball = target
            .path()
            .join("package")
            .join(format!("{name}-{version}.crate"));
        assert!(
            tarball.is_file(),
            "no {} after cargo package",
            tarball.display()
        );
    }
}

#[test]
fn every_package_ships_both_licences_and_the_readme() {
    for name in PUBLISHABLE {
        let files = packaged_files(name);
        for required in REQUIRED {
            assert!(
                files.iter().any(|f| f == required),
                "`{name}` does not package `{required}`: {files:?}"
            );
        }
    }
}

#[test]
fn the_packaged_licences_are_the_texts_the_license_field_names() {
    // The licence files are symlinks to the workspace root's; cargo packages their content, so a
    // dangling link or an empty file would ship as nothing.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mit = std::fs::read_to_string(root.join("LICENSE-MIT")).expect("LICENSE-MIT");
    let apache = std::fs::read_to_string(root.join("LICENSE-APACHE")).expect("LICENSE-APACHE");
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0"));
    for dir in ["core", "macros", "runtime", "llmcfg", "cargo-llmcfg"] {
        for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
            let text = std::fs::read_to_string(root.join(dir).join(file))
                .unwrap_or_else(|e| panic!("{dir}/{file}: {e}"));
            let expected = if file == "LICENSE-MIT" { &mit } else { &apache };
            assert_eq!(&text, expected, "{dir}/{file} differs from the root's");
        }
    }
}

#[test]
#[ignore = "rebuilds every dependency from the packaged sources (minutes); run with --ignored"]
fn packaged_crates_also_build_from_their_tarballs() {
    let target = tempfile::tempdir().expect("temp target dir");
    let out = cargo_package(target.path(), &[]);
    assert_success(&out, "cargo package (verifying)");
}
