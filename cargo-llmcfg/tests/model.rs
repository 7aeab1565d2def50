//! `cargo llmcfg model`: register, list, remove and default edit the file in place with comments
//! kept, refuse edits that would leave it invalid, and list transported aliases.

mod common;

use std::path::Path;

use common::{cli, stderr, stdout};

const CONFIG: &str = r#"# Team config — keep the comments.
[llm]
default_policy = "weighted_random" # the default

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"

# Our OpenAI endpoint.
[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("llm.toml"), CONFIG).expect("write");
    dir
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("llm.toml")).expect("read")
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    cli(dir).arg("model").args(args).output().expect("runs")
}

#[test]
fn register_list_default_remove() {
    let dir = setup();
    let out = run(
        dir.path(),
        &["register", " Fast ", "--model", "openai/gpt-5-nano"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(
        dir.path(),
        &["register", "smart", "--model", "anthropic/claude-sonnet-4"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(
        dir.path(),
        &[
            "register",
            "pinned",
            "--model",
            "openai/gpt-4o-mini",
            "--backend",
            "openai-chat",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("model_registered_file", read(dir.path()));
    let list = run(dir.path(), &["list"]);
    insta::assert_snapshot!("model_list", stdout(&list));
    // Re-registering replaces the entry in place.
    let out = run(
        dir.path(),
        &["register", "fast", "--model", "openai/gpt-4o"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(read(dir.path()).contains("fast = { model = \"openai/gpt-4o\" }\nsmart"));
    assert_eq!(
        run(dir.path(), &["default", "smart"]).status.code(),
        Some(0)
    );
    assert!(read(dir.path()).contains("default_alias = \"smart\""));
    assert_eq!(run(dir.path(), &["remove", "smart"]).status.code(), Some(0));
    let text = read(dir.path());
    assert!(
        !text.contains("smart") && !text.contains("default_alias"),
        "{text}"
    );
    assert!(text.starts_with("# Team config — keep the comments.\n"));
    assert!(text.contains("# Our OpenAI endpoint.\n"));
    assert!(text.contains("\"weighted_random\" # the default\n"));
    let json = run(dir.path(), &["list", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["aliases"][0]["name"], "fast");
    assert_eq!(v["aliases"][1]["name"], "pinned");
    assert_eq!(v["aliases"][1]["backend"], "openai-chat");
}

#[test]
fn invalid_edits_are_refused_and_leave_the_file_alone() {
    let dir = setup();
    let bad_name = run(dir.path(), &["register", "-bad", "--model", "openai/x"]);
    assert_eq!(bad_name.status.code(), Some(2));
    let bad_backend = run(
        dir.path(),
        &[
            "register",
            "fast",
            "--model",
            "openai/x",
            "--backend",
            "nope",
        ],
    );
    assert_eq!(bad_backend.status.code(), Some(1));
    assert!(stderr(&bad_backend).contains("unknown-backend-ref"));
    let bad_model = run(dir.path(), &["register", "fast", "--model", "gpt-4o"]);
    assert_eq!(bad_model.status.code(), Some(1));
    let missing_secret = run(
        dir.path(),
        &[
            "register",
            "fast",
            "--model",
            "openai/x",
            "--secret",
            "openai-creds",
        ],
    );
    assert_eq!(missing_secret.status.code(), Some(1));
    assert!(stderr(&missing_secret).contains("secret `openai-creds` is not in the secret store"));
    assert_eq!(run(dir.path(), &["remove", "nope"]).status.code(), Some(1));
    assert_eq!(run(dir.path(), &["default", "nope"]).status.code(), Some(1));
    assert_eq!(read(dir.path()), CONFIG);
}

#[test]
fn secrets_are_linked_by_name_only() {
    let dir = setup();
    let store = llmcfg::store::SecretStore::open(dir.path().join(".secrets-store")).expect("store");
    store
        .set(
            "openai-creds",
            [(
                "OPENAI_API_KEY",
                llmcfg::store::SecretString::from("sk-canary-value".to_string()),
            )],
            llmcfg::store::Visibility::Private,
        )
        .expect("set");
    let out = run(
        dir.path(),
        &[
            "register",
            "fast",
            "--model",
            "openai/gpt-5-nano",
            "--secret",
            "openai-creds",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = read(dir.path());
    assert!(text.contains("fast = { model = \"openai/gpt-5-nano\", secret = \"openai-creds\" }"));
    assert!(!text.contains("sk-canary-value"));
    let list = run(dir.path(), &["list"]);
    assert_eq!(
        stdout(&list),
        "fast: openai/gpt-5-nano (secret=openai-creds) [default]\n"
    );
}

#[test]
fn list_includes_transported_aliases() {
    let dir = setup();
    run(
        dir.path(),
        &["register", "fast", "--model", "openai/gpt-5-nano"],
    );
    let out = cli(dir.path())
        .env(
            "LLMCFG_MODEL_REGISTRY",
            r#"{"aliases":{"remote":{"model":"openai/gpt-4o"}},"default":"remote"}"#,
        )
        .args(["model", "list"])
        .output()
        .expect("runs");
    assert_eq!(
        stdout(&out),
        "fast: openai/gpt-5-nano\nremote: openai/gpt-4o [default] [transported]\n"
    );
}

#[test]
fn register_creates_a_missing_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = cli(dir.path())
        .args([
            "model",
            "register",
            "local",
            "--model",
            "ollama/llama3.1",
            "--config",
            "new.toml",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("new.toml")).expect("read");
    insta::assert_snapshot!("model_new_file", text);
}

#[test]
fn concurrent_registers_keep_every_alias() {
    let dir = setup();
    let children: Vec<std::process::Child> = (0..8)
        .map(|i| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-llmcfg"));
            cmd.current_dir(dir.path())
                .env("LLMCFG_SECRETS_DIR", dir.path().join(".secrets-store"))
                .args([
                    "model",
                    "register",
                    &format!("alias-{i}"),
                    "--model",
                    "openai/gpt-5-nano",
                ])
                .args(["--config", "llm.toml"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = read(dir.path());
    for i in 0..8 {
        assert!(
            text.contains(&format!("alias-{i} =")),
            "alias-{i} lost:\n{text}"
        );
    }
    assert!(text.contains("# Our OpenAI endpoint."), "comments kept");
}

#[test]
fn register_says_which_crates_must_be_rebuilt_to_see_the_alias() {
    let dir = setup();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("src")).expect("mkdir");
    std::fs::write(
        dir.path().join("src/main.rs"),
        "mod llm {\n    llmcfg::include_llm_config!(\"llm.toml\");\n}\n\nfn main() {}\n",
    )
    .expect("write");
    let out = run(
        dir.path(),
        &["register", "fast", "--model", "openai/gpt-5-nano"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("model_register_rebuild", stdout(&out));
    let json = run(
        dir.path(),
        &[
            "register",
            "smart",
            "--model",
            "openai/gpt-4o",
            "-o",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(
        v["rebuild_needed_by"],
        serde_json::json!(["include_llm_config! at src/main.rs:2"])
    );
}

#[test]
fn register_outside_a_crate_says_when_an_embedding_crate_sees_the_alias() {
    let dir = setup();
    let out = run(
        dir.path(),
        &["register", "my-fast", "--model", "openai/gpt-5-nano"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with(
            "note: a crate that embeds llm.toml with include_llm_config! sees `my-fast` \
             (aliases::MY_FAST) after its next build; Config::load reads it at start-up\n"
        ),
        "{}",
        stdout(&out)
    );
}
