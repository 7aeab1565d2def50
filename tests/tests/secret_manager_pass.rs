//! A real secret manager end to end: a throwaway GPG key in a temp `GNUPGHOME`, an API key
//! stored with Debian's `pass`, read back through `run_key_command` and resolved through a config
//! whose credential is `kind = "command"`.
//!
//! Skipped, with a message, only when `pass` or `gpg` is not installed (`.ci/run` installs them).
//!
//! The process environment is never changed (edition 2024 makes that `unsafe`): the command is
//! run through `env GNUPGHOME=… PASSWORD_STORE_DIR=… pass show …`, which is also how a config
//! points a `kind = "command"` credential at a non-default store.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use std::collections::BTreeMap;

use llmcfg::source::{SourceError, run_key_command};
use llmcfg::{Config, ExposeSecret, KeySource, Resolver};

const KEY: &str = "sk-pass-e2e-0123456789abcdef";
const UID: &str = "llmcfg test <llmcfg-test@example.invalid>";

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Stops the temp GNUPGHOME's agent when the test ends, pass or fail.
struct Agent<'a>(&'a Path);

impl Drop for Agent<'_> {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

#[test]
fn pass_show_through_kind_command() {
    if !installed("pass") || !installed("gpg") {
        eprintln!(
            "SKIPPED pass_show_through_kind_command: `pass` and `gpg` are needed (apt-get install pass gnupg)"
        );
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let gnupg = tmp.path().join("gnupg");
    let store = tmp.path().join("password-store");
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&gnupg)
            .expect("mkdir GNUPGHOME");
    }
    #[cfg(not(unix))]
    std::fs::create_dir(&gnupg).expect("mkdir GNUPGHOME");
    let _agent = Agent(&gnupg);
    let with_env = |program: &str| {
        let mut cmd = Command::new(program);
        cmd.env("GNUPGHOME", &gnupg)
            .env("PASSWORD_STORE_DIR", &store)
            .stdin(Stdio::null());
        cmd
    };

    run(
        with_env("gpg").args([
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            UID,
            "future-default",
            "default",
            "never",
        ]),
        "gpg --quick-gen-key",
    );
    run(
        with_env("pass").args(["init", "llmcfg-test@example.invalid"]),
        "pass init",
    );
    let mut insert = with_env("pass")
        .args(["insert", "--multiline", "llm/openai"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pass insert");
    {
        use std::io::Write;
        let mut stdin = insert.stdin.take().expect("stdin");
        writeln!(stdin, "{KEY}").expect("write key");
    }
    let out = insert.wait_with_output().expect("pass insert");
    assert!(
        out.status.success(),
        "pass insert: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let gnupg_env = format!("GNUPGHOME={}", gnupg.display());
    let store_env = format!("PASSWORD_STORE_DIR={}", store.display());
    let argv = |entry: &'static str| {
        [
            "env",
            gnupg_env.as_str(),
            store_env.as_str(),
            "pass",
            "show",
            entry,
        ]
    };

    let key = run_key_command(&argv("llm/openai"), Duration::from_secs(30))
        .expect("pass show resolves the key");
    assert_eq!(key.expose_secret(), KEY);
    assert!(!format!("{key:?}").contains(KEY));

    // A missing entry is a reason carrying pass's stderr, never a key.
    let err =
        run_key_command(&argv("llm/missing"), Duration::from_secs(30)).expect_err("missing entry");
    assert!(matches!(err, SourceError::CommandFailed { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("llm/missing is not in the password store"),
        "{msg}"
    );
    assert!(!msg.contains(KEY), "{msg}");

    // The same key through a config, as an application resolves it: the credential's env var is
    // unset, so the key comes from `pass show`.
    let command = argv("llm/openai").map(|a| format!("{a:?}")).join(", ");
    let toml = format!(
        r#"
[llm]
[[llm.credentials]]
name = "openai"
kind = "command"
api_key_env = "OPENAI_API_KEY"
command = [{command}]

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]

[llm.aliases]
fast = "openai/gpt-5-nano"
"#
    );
    let config = Config::from_toml_str(&toml).unwrap_or_else(|e| panic!("valid config: {e}"));
    let resolver = Resolver::builder(&config)
        .env(BTreeMap::<String, String>::new())
        .build()
        .expect("resolver");
    let resolved = resolver.resolve("fast").expect("the key comes from pass");
    assert_eq!(resolved.api_key().map(|k| k.expose_secret()), Some(KEY));
    assert!(matches!(
        resolved.key_source(),
        Some(KeySource::Command { program: "env" })
    ));
    let explained = resolver.explain("fast").expect("explain").to_string();
    assert!(!explained.contains(KEY), "{explained}");
}
