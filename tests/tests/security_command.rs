//! SECURITY.md: a `kind = "command"` credential is an argv run without a shell. Shell syntax in
//! an argument (`;`, `$(…)`, backticks, `&&`, `|`, `>`, globs, `$VAR`) reaches the program as
//! literal bytes, and a program name is never split on spaces, so a config (or a registry or a
//! merge request touching one) cannot smuggle a second command into the key lookup.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use llmcfg::source::{SourceError, run_key_command};
use llmcfg::{Config, ExposeSecret, KeySource, Resolver, StoreSecrets};

const TIMEOUT: Duration = Duration::from_secs(10);

/// An argument full of shell syntax that would create files in `dir` if a shell ran it.
fn payload(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "sk-lit;touch {d}/semicolon $(touch {d}/subst) `touch {d}/backtick` && touch {d}/and \
         || touch {d}/or | tee {d}/pipe > {d}/redirect & touch {d}/bg * ? [a] ~ $HOME ${{PATH}} \
         'quoted' \"double\" \\escaped\nnewline; touch {d}/newline"
    )
}

/// What the reader takes from a command's output: its first line, trimmed.
fn first_line(output: &str) -> &str {
    output.lines().next().unwrap_or("").trim()
}

fn assert_no_side_effects(dir: &Path) {
    let created: Vec<_> = std::fs::read_dir(dir)
        .expect("read tempdir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert!(
        created.is_empty(),
        "a shell ran: it created {created:?} in {}",
        dir.display()
    );
}

#[test]
fn shell_syntax_in_an_argument_is_passed_literally() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let arg = payload(tmp.path());
    let key = run_key_command(&["printf", "%s", &arg], TIMEOUT).expect("printf runs");
    // The key is the first line of the output (the `pass` convention); the newline in the
    // argument ran nothing either.
    assert_eq!(key.expose_secret(), first_line(&arg));
    // On one line, the whole argument comes back byte for byte (trailing whitespace aside,
    // which the reader trims): nothing was expanded, substituted, globbed or split.
    let one_line = arg.replace('\n', " ");
    let key = run_key_command(&["printf", "%s", &one_line], TIMEOUT).expect("printf runs");
    assert_eq!(key.expose_secret(), one_line.trim_end());
    assert_no_side_effects(tmp.path());
}

#[test]
fn the_program_name_is_not_split_or_interpreted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let marker = tmp.path().join("ran");
    for program in [
        format!("printf sk-split; touch {}", marker.display()),
        format!("touch {}", marker.display()),
        "printf sk-split".to_string(),
        "$(printf sk-split)".to_string(),
    ] {
        let err = run_key_command(&[program.as_str()], TIMEOUT)
            .expect_err("a program name with spaces or shell syntax is not a program");
        assert!(
            matches!(err, SourceError::CommandSpawn { .. }),
            "{program:?}: {err}"
        );
    }
    assert!(!marker.exists(), "a shell ran the program name");
    assert_no_side_effects(tmp.path());
}

#[test]
fn a_config_command_credential_runs_its_argv_without_a_shell() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let effects = tmp.path().join("effects");
    std::fs::create_dir(&effects).expect("mkdir");
    let arg = payload(&effects);
    let command = ["printf", "%s", arg.as_str()]
        .map(|a| format!("{a:?}"))
        .join(", ");
    let toml = format!(
        r#"
[llm]
[[llm.credentials]]
name = "vault"
kind = "command"
api_key_env = "LLMCFG_SECURITY_COMMAND_KEY"
command = [{command}]

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "vault"
ops = ["chat_completions"]

[llm.aliases]
fast = "openai/gpt-5-nano"
"#
    );
    let config = Config::from_toml_str(&toml).unwrap_or_else(|e| panic!("valid config: {e}"));
    let resolver = Resolver::builder(&config)
        .env(BTreeMap::<String, String>::new())
        .secrets(StoreSecrets::at(tmp.path().join("store")))
        .build()
        .expect("resolver");
    let resolved = resolver
        .resolve("fast")
        .expect("the key comes from the command");
    assert_eq!(
        resolved.api_key().map(|k| k.expose_secret()),
        Some(first_line(&arg))
    );
    assert!(matches!(
        resolved.key_source(),
        Some(KeySource::Command { program: "printf" })
    ));
    assert_no_side_effects(&effects);
}
