//! The adapters are opt-in: without features, `llmcfg` depends on no HTTP client, async
//! runtime or LLM client crate.

use std::process::Command;

fn normal_deps(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "llmcfg",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn crates(tree: &str) -> Vec<&str> {
    tree.lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect()
}

#[test]
fn default_features_pull_in_no_client_runtime_or_llm_crate() {
    for args in [&[][..], &["--no-default-features"][..]] {
        let tree = normal_deps(args);
        let names = crates(&tree);
        assert!(names.contains(&"secrecy"), "the tree was read: {tree}");
        for heavy in [
            "reqwest",
            "tokio",
            "hyper",
            "async-openai",
            "genai",
            "eventsource-stream",
        ] {
            assert!(!names.contains(&heavy), "{heavy} with {args:?}:\n{tree}");
        }
    }
}

#[test]
fn the_adapter_features_do_pull_them_in() {
    let names_of = |feature: &str| {
        let tree = normal_deps(&["--features", feature]);
        crates(&tree)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let reqwest = names_of("reqwest");
    assert!(reqwest.iter().any(|n| n == "reqwest"));
    assert!(reqwest.iter().any(|n| n == "eventsource-stream"));
    assert!(names_of("async-openai").iter().any(|n| n == "async-openai"));
    assert!(names_of("genai").iter().any(|n| n == "genai"));
}
