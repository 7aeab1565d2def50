//! The runtime stays light: without its `load` feature, the normal dependency tree of `llmcfg`
//! (proc macros aside — they run in the compiler, not in the application) has no TOML parser,
//! no miette, no syn and no proc-macro2.

use std::path::Path;
use std::process::Command;

const HEAVY: &[&str] = &["toml", "toml_parser", "miette", "syn", "proc-macro2"];

/// The crate names in `cargo tree -p PACKAGE -e EDGES` with `features`.
fn tree(package: &str, edges: &str, features: &[&str]) -> Vec<String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["tree", "-p", package, "-e", edges, "--prefix", "none"])
        .arg("--manifest-path")
        .arg(&manifest);
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    let out = cmd.output().expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// What the application links: `llmcfg`'s tree without proc macros, with `features`.
fn runtime_tree(features: &[&str]) -> Vec<String> {
    tree("llmcfg", "normal,no-proc-macro", features)
}

/// What the application builds: `PACKAGE`'s tree with its proc macros and theirs.
fn normal_tree(package: &str) -> Vec<String> {
    tree(package, "normal", &[])
}

fn holds(tree: &[String], krate: &str) -> bool {
    tree.iter().any(|t| t == krate)
}

/// Fails naming the first of `crates` that `tree` (the tree of `what`) holds.
fn assert_none_of(tree: &[String], crates: &[&str], what: &str) {
    if let Some(found) = crates.iter().find(|c| holds(tree, c)) {
        panic!("`{found}` is in {what}: {tree:?}");
    }
}

/// Fails naming the first of `crates` that `tree` (the tree of `what`) lacks.
fn assert_all_of(tree: &[String], crates: &[&str], what: &str) {
    if let Some(missing) = crates.iter().find(|c| !holds(tree, c)) {
        panic!("`{missing}` is not in {what}: {tree:?}");
    }
}

#[test]
fn without_load_the_runtime_has_no_parser_or_macro_dependencies() {
    let tree = runtime_tree(&[]);
    assert_all_of(&tree, &["llmcfg-core"], "the runtime's tree");
    assert_none_of(&tree, HEAVY, "the runtime's tree");
}

#[test]
fn the_load_feature_is_what_brings_the_parser_in() {
    // Proves the check above can fail: the same query sees toml once `load` is on.
    let tree = runtime_tree(&["load"]);
    assert_all_of(&tree, &["toml"], "the runtime's tree with `load`");
}

/// Issue 12: in a cold build the runtime compiles beside the proc macro, not after it, and
/// without serde: it depends on neither (its JSON forms are read by `runtime/src/json/`), and
/// the facade is what joins it to the macro. serde_json comes only with feature `json`.
#[test]
fn the_runtime_waits_for_neither_the_macro_nor_serde() {
    let runtime = normal_tree("llmcfg-runtime");
    assert_all_of(&runtime, &["llmcfg-core"], "the runtime's tree");
    let waits = [
        "llmcfg-macros",
        "serde_derive",
        "serde",
        "serde_core",
        "serde_json",
    ];
    assert_none_of(&runtime, &waits, "the runtime's tree");
    let facade = normal_tree("llmcfg");
    let joined = ["llmcfg-runtime", "llmcfg-macros"];
    assert_all_of(&facade, &joined, "the facade's tree");
    // Proves the check can fail: the same query sees serde_json once `json` is on.
    let json = tree("llmcfg-runtime", "normal", &["json"]);
    assert_all_of(&json, &["serde_json"], "the runtime's tree with `json`");
}

/// Issue 12: nothing in an application's build of llmcfg, the proc macro and what it runs
/// included, needs syn (the error types implement `Display` and `Error` by hand), nor
/// proc-macro2 and quote (the macro writes its code as source text and hands it to the
/// compiler's `proc_macro`). syn and a derive are the longest chain of a cold build, and
/// proc-macro2, quote and unicode-ident a second early in it; an application that derives for
/// itself pays for them once, not for llmcfg.
#[test]
fn an_application_s_build_of_llmcfg_compiles_no_syn_proc_macro2_or_quote() {
    let facade = normal_tree("llmcfg");
    assert_all_of(&facade, &["llmcfg-macros"], "the build of `llmcfg`");
    let derive_chain = [
        "syn",
        "thiserror",
        "thiserror-impl",
        "serde_derive",
        "proc-macro2",
        "quote",
        "unicode-ident",
    ];
    assert_none_of(&facade, &derive_chain, "the build of `llmcfg`");
}
