//! `cargo llmcfg migrate` on every legacy corpus file: the result passes `check` (but for the
//! file's other planted problems), keeps every comment, and a second run changes nothing.

mod common;

use common::{Scratch, cli, corpus_files, expected_codes, stderr, stdout};

#[test]
fn every_legacy_corpus_file_round_trips() {
    let mut migrated = 0;
    for file in corpus_files("invalid") {
        let text = std::fs::read_to_string(&file).expect("read");
        let codes = expected_codes(&text);
        if !codes.iter().any(|c| c == "legacy-api-key-env") {
            continue;
        }
        let scratch = Scratch::new(&text);
        let with_table = |args: &[&str]| scratch.run(args);
        // Dry run: a diff, the file untouched.
        let dry = with_table(&["migrate", "llm.toml"]);
        assert!(stdout(&dry).starts_with("--- a/llm.toml\n+++ b/llm.toml\n"));
        assert_eq!(scratch.config(), text);
        let only_legacy = codes.iter().all(|c| c == "legacy-api-key-env");
        let write = with_table(&["migrate", "llm.toml", "--write"]);
        let after = scratch.config();
        for comment in text.lines().filter(|l| l.contains('#')) {
            let comment = &comment[comment.find('#').unwrap_or(0)..];
            assert!(
                after.contains(comment),
                "{}: lost {comment}",
                file.display()
            );
        }
        let check = with_table(&["check", "--config", "llm.toml", "--message-format", "short"]);
        assert!(
            !stdout(&check).contains("legacy-api-key-env"),
            "{}:\n{after}",
            file.display()
        );
        if only_legacy {
            assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
            assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
        }
        let again = with_table(&["migrate", "llm.toml", "--write"]);
        assert!(stderr(&again).contains("nothing to migrate"));
        assert_eq!(scratch.config(), after, "idempotent");
        migrated += 1;
    }
    assert!(migrated >= 2, "only {migrated} legacy corpus files");
}

#[test]
fn diff_snapshot_and_failure_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "# Models.\n[llm]\n\n# Chat.\n[[llm.backends]]\nname = \"openai-chat\"\nkind = \"openai_chat_completion\"\nbase_url = \"https://api.openai.com/v1\"\napi_key_env = \"OPENAI_CHAT_API_KEY\" # CI\nops = [\"chat_completions\"]\n\n[[llm.backends]]\nname = \"groq\"\nkind = \"openai_chat_completion\"\nbase_url = \"https://api.groq.com/openai/v1\"\napi_key_env = \"GROQ_API_KEY\"\nops = [\"chat_completions\"]\n";
    std::fs::write(dir.path().join("llm.toml"), text).expect("write");
    let out = cli(dir.path()).arg("migrate").output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("migrate_diff", stdout(&out));
    // Something migrate cannot fix: exit 1, reported.
    std::fs::write(
        dir.path().join("llm.toml"),
        format!("{text}\n[llm.aliases]\nfast = {{ model = \"x\" }}\n"),
    )
    .expect("write");
    let out = cli(dir.path())
        .args(["migrate", "--write"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("invalid-model"));
}
