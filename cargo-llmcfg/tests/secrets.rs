//! `cargo llmcfg secrets`: every message of set/show/list/delete, in text and JSON, and the rule
//! that no value appears in any output without `--show-values`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const VALUE: &str = "sk-test-VALUE-0123456789";

struct Store {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    dir: PathBuf,
}

fn store() -> Store {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().to_path_buf();
    let dir = root.join("store");
    Store {
        _tmp: tmp,
        root,
        dir,
    }
}

impl Store {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-llmcfg"));
        cmd.env("LLMCFG_SECRETS_DIR", &self.dir)
            .arg("secrets")
            .args(args);
        cmd
    }

    /// Runs and returns (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(args).output().expect("run");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn json(&self, args: &[&str]) -> Value {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        serde_json::from_str(&stdout).expect("stdout is JSON")
    }

    /// Runs a failing command in JSON mode; returns the error object from stderr.
    fn json_error(&self, args: &[&str]) -> Value {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: stdout {stdout}");
        let doc: Value = serde_json::from_str(&stderr).expect("stderr is JSON");
        doc
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

fn no_value(text: &str) {
    assert!(
        !text.contains(VALUE) && !text.contains("VALUE-0123"),
        "a value leaked: {text}"
    );
}

#[test]
fn set_creates_a_public_secret_by_default() {
    let s = store();
    let (code, stdout, stderr) =
        s.run(&["set", "openai-creds", &format!("--OPENAI_API_KEY={VALUE}")]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "Created public secret `openai-creds` with 1 key: OPENAI_API_KEY.\n\
             Wrote {} (the secret store at $LLMCFG_SECRETS_DIR).\n",
            s.dir.join("openai-creds.json").display()
        )
    );
    no_value(&stdout);
    no_value(&stderr);
    #[cfg(unix)]
    {
        assert_eq!(mode(&s.dir), 0o700);
        assert_eq!(mode(&s.dir.join("openai-creds.json")), 0o640);
    }
}

#[test]
fn set_private_and_the_space_form() {
    let s = store();
    s.cmd(&["set", "p", "--private", "--A", VALUE, "--B=two"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Created private secret `p` with 2 keys: A, B.\nWrote ",
        ));
    #[cfg(unix)]
    assert_eq!(mode(&s.dir.join("p.json")), 0o600);
    // Options may also follow the assignments.
    s.cmd(&["set", "q", "--A=1", "--private"])
        .assert()
        .success()
        .stdout(predicate::str::contains("private secret `q`"));
}

#[test]
fn set_updates_adds_overwrites_and_keeps() {
    let s = store();
    s.cmd(&["set", "c", "--A=1", "--B=2"]).assert().success();
    let (code, stdout, stderr) = s.run(&["set", "c", "--B", VALUE, "--C=3", "--private"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().next(),
        Some("Updated private secret `c`: added C; overwrote B; kept A; made it private (0600).")
    );
    no_value(&stdout);
    no_value(&stderr);
    let (_, shown, _) = s.run(&["show", "c", "--show-values"]);
    assert!(
        shown.contains("  A=1\n")
            && shown.contains(&format!("  B={VALUE}\n"))
            && shown.contains("  C=3\n"),
        "{shown}"
    );
    #[cfg(unix)]
    assert_eq!(mode(&s.dir.join("c.json")), 0o600);
}

#[test]
fn set_names_the_store_it_wrote_to() {
    let s = store();
    let (code, stdout, stderr) =
        s.run(&["set", "openai-creds", &format!("--OPENAI_API_KEY={VALUE}")]);
    assert_eq!(code, 0, "{stderr}");
    let shown = stdout.replace(&s.root.display().to_string(), "[TMP]");
    insta::assert_snapshot!("secrets_set_names_the_store", shown);
    // Without the variable: the platform's default store, said to be the default.
    let home = s.root.join("home");
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-llmcfg"))
        .env_remove("LLMCFG_SECRETS_DIR")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .args(["secrets", "set", "d", "--A=1"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(" (the default secret store; $LLMCFG_SECRETS_DIR chooses another).\n"),
        "{stdout}"
    );
    #[cfg(target_os = "linux")]
    assert!(
        stdout.contains(&format!(
            "Wrote {}/.config/llmcfg/secrets/d.json ",
            home.display()
        )),
        "{stdout}"
    );
}

/// The default store follows the XDG spec on Linux: `$XDG_CONFIG_HOME` when it is an absolute
/// path, else `$HOME/.config` (a relative `XDG_CONFIG_HOME` is ignored, as the spec says).
#[cfg(target_os = "linux")]
#[test]
fn the_default_store_follows_xdg_config_home() {
    let s = store();
    let home = s.root.join("home");
    let xdg = s.root.join("xdg");
    let cases: [(Option<&std::ffi::OsStr>, PathBuf); 3] = [
        (Some(xdg.as_os_str()), xdg.join("llmcfg/secrets/d.json")),
        (None, home.join(".config/llmcfg/secrets/d.json")),
        (
            Some(std::ffi::OsStr::new("relative/dir")),
            home.join(".config/llmcfg/secrets/d.json"),
        ),
    ];
    for (config_home, written) in cases {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-llmcfg"));
        command.env_remove("LLMCFG_SECRETS_DIR").env("HOME", &home);
        match config_home {
            Some(dir) => command.env("XDG_CONFIG_HOME", dir),
            None => command.env_remove("XDG_CONFIG_HOME"),
        };
        let out = command
            .current_dir(&s.root)
            .args(["secrets", "set", "d", "--A=1"])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{config_home:?}: {stderr}");
        assert!(
            written.is_file(),
            "{config_home:?}: no {}",
            written.display()
        );
        std::fs::remove_file(&written).expect("remove");
    }
}

#[test]
fn set_json() {
    let s = store();
    let doc = s.json(&["set", "j", &format!("--K={VALUE}"), "-o", "json"]);
    assert_eq!(doc["command"], "secrets.set");
    assert_eq!(doc["created"], true);
    assert_eq!(doc["item"]["name"], "j");
    assert_eq!(doc["item"]["visibility"], "public");
    assert_eq!(doc["item"]["keys"], serde_json::json!(["K"]));
    assert!(doc["item"].get("values").is_none());
    assert_eq!(doc["store"], s.dir.display().to_string());
    assert_eq!(doc["file"], s.dir.join("j.json").display().to_string());
    no_value(&doc.to_string());
    let doc = s.json(&["set", "j", "-o", "json", "--K=x", "--L=y"]);
    assert_eq!(doc["created"], false);
    assert_eq!(doc["added"], serde_json::json!(["L"]));
    assert_eq!(doc["overwritten"], serde_json::json!(["K"]));
    assert!(doc.get("note").is_none());
    assert_eq!(doc["made_private"], false);
    // `--private` on an existing public secret makes it private (issue 11, item 15).
    let doc = s.json(&["set", "j", "--private", "--K=z", "-o", "json"]);
    assert_eq!(doc["made_private"], true, "{doc}");
    assert_eq!(doc["item"]["visibility"], "private");
    #[cfg(unix)]
    assert_eq!(mode(&s.dir.join("j.json")), 0o600);
}

/// Each malformed assignment: exit 1, a clear message in text and JSON, nothing written, no
/// value echoed.
#[test]
fn set_assignment_errors() {
    let secret_token = format!("{VALUE}-stray");
    let cases: [(&[&str], &str, &str); 8] = [
        (&["--A="], "empty-value", "--A has an empty value"),
        (&["--A", ""], "empty-value", "--A has an empty value"),
        (
            &["--A=1", "--A=2"],
            "duplicate-key",
            "--A is given more than once",
        ),
        (
            &["--A=1", &secret_token],
            "stray-argument",
            "argument 2 after the secret name is not an assignment",
        ),
        (
            &[&secret_token],
            "stray-argument",
            "argument 1 after the secret name is not an assignment",
        ),
        (
            &[],
            "no-assignment",
            "nothing to set: give at least one --KEY=VALUE",
        ),
        (
            &["--1BAD=x"],
            "invalid-key",
            "keys are environment-variable names",
        ),
        (
            &["--A"],
            "missing-value",
            "--A has no value: write --A=VALUE or --A VALUE",
        ),
    ];
    let s = store();
    for (assignments, code, message) in cases {
        let mut args = vec!["set", "x"];
        args.extend_from_slice(assignments);
        let (exit, stdout, stderr) = s.run(&args);
        assert_eq!(exit, 1, "{args:?}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(message),
            "{args:?}: {stderr}"
        );
        no_value(&stderr);

        args.extend_from_slice(&["-o", "json"]);
        let doc = s.json_error(&args);
        assert_eq!(doc["command"], "secrets.set", "{args:?}");
        assert_eq!(doc["error"]["code"], code, "{args:?}");
        assert!(
            doc["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(message)),
            "{args:?}: {doc}"
        );
        no_value(&doc.to_string());
    }
    // A key that looks like a value is not echoed either.
    let (_, _, stderr) = s.run(&["set", "x", &format!("--{VALUE}")]);
    no_value(&stderr);
    assert!(!s.dir.exists(), "nothing was written");
}

#[test]
fn odd_names_are_refused_and_create_nothing() {
    let s = store();
    std::fs::create_dir(s.root.join("outside")).expect("mkdir");
    for name in [
        "../x",
        "../outside/x",
        "a/b",
        ".hidden",
        "..",
        ".",
        "/etc/passwd",
        "x y",
        "é",
        &"n".repeat(129),
    ] {
        let (code, _, stderr) = s.run(&["set", name, "--A=1"]);
        assert_eq!(code, 1, "{name:?}: {stderr}");
        assert!(stderr.contains("invalid secret name"), "{name:?}: {stderr}");
        let doc = s.json_error(&["show", name, "-o", "json"]);
        assert_eq!(doc["error"]["code"], "invalid-name", "{name:?}");
        let doc = s.json_error(&["delete", name, "-o", "json"]);
        assert_eq!(doc["error"]["code"], "invalid-name", "{name:?}");
    }
    // An empty name is refused too.
    s.cmd(&["set", "", "--A=1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("invalid secret name \"\""));
    let mut entries: Vec<_> = std::fs::read_dir(&s.root)
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    entries.sort();
    assert_eq!(entries, ["outside"], "nothing created next to the store");
    assert_eq!(
        std::fs::read_dir(s.root.join("outside"))
            .expect("read")
            .count(),
        0
    );
    assert!(!s.dir.exists(), "not even the store");
}

#[test]
fn show_hides_values_unless_asked() {
    let s = store();
    s.cmd(&[
        "set",
        "s",
        "--private",
        &format!("--OPENAI_API_KEY={VALUE}"),
        "--ORG=o",
    ])
    .assert()
    .success();
    let (code, stdout, stderr) = s.run(&["show", "s"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("name:       s\nvisibility: private\ncreated:    "),
        "{stdout}"
    );
    assert!(
        stdout.contains("keys:\n  OPENAI_API_KEY\n  ORG\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("values hidden; pass --show-values"),
        "{stdout}"
    );
    no_value(&stdout);

    let doc = s.json(&["show", "s", "-o", "json"]);
    assert_eq!(doc["command"], "secrets.show");
    assert_eq!(
        doc["item"]["keys"],
        serde_json::json!(["OPENAI_API_KEY", "ORG"])
    );
    assert!(doc["item"].get("values").is_none());
    assert!(doc["item"]["created_at"].is_u64() && doc["item"]["updated_at"].is_u64());
    no_value(&doc.to_string());

    s.cmd(&["show", "s", "--show-values"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "  OPENAI_API_KEY={VALUE}\n"
        )));
    let doc = s.json(&["show", "s", "--show-values", "-o", "json"]);
    assert_eq!(doc["item"]["values"]["OPENAI_API_KEY"], VALUE);
}

#[test]
fn show_and_delete_missing() {
    let s = store();
    s.cmd(&["show", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("error: no secret named `nope` in"));
    let doc = s.json_error(&["delete", "nope", "-o", "json"]);
    assert_eq!(doc["command"], "secrets.delete");
    assert_eq!(doc["error"]["code"], "not-found");
}

#[test]
fn list_sorted_text_and_json() {
    let s = store();
    s.cmd(&["list"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("No secrets in "));
    let doc = s.json(&["list", "-o", "json"]);
    assert_eq!(
        doc,
        serde_json::json!({"command": "secrets.list", "items": [], "count": 0})
    );
    for name in ["zeta", "alpha", "Mid"] {
        s.cmd(&["set", name, &format!("--K={VALUE}")])
            .assert()
            .success();
    }
    s.cmd(&["set", "alpha", "--private", "--L=1"])
        .assert()
        .success();
    let (code, stdout, _) = s.run(&["list"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "NAME   VISIBILITY  KEYS\nMid    public      K\nalpha  private     K, L\nzeta   public      K\n"
    );
    let doc = s.json(&["list", "-o", "json"]);
    assert_eq!(doc["command"], "secrets.list");
    assert_eq!(doc["count"], 3);
    let names: Vec<_> = doc["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].clone())
        .collect();
    assert_eq!(names, ["Mid", "alpha", "zeta"]);
    no_value(&doc.to_string());
}

#[test]
fn delete_text_and_json() {
    let s = store();
    s.cmd(&["set", "d", "--K=1"]).assert().success();
    s.cmd(&["set", "e", "--K=1"]).assert().success();
    s.cmd(&["delete", "d"])
        .assert()
        .success()
        .stdout("Deleted secret `d`.\n");
    let doc = s.json(&["delete", "e", "-o", "json"]);
    assert_eq!(
        doc,
        serde_json::json!({"command": "secrets.delete", "item": {"name": "e", "deleted": true}})
    );
    assert!(!s.dir.join("d.json").exists() && !s.dir.join("e.json").exists());
}

#[cfg(unix)]
#[test]
fn insecure_store_and_files_are_refused_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let chmod = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    let s = store();
    s.cmd(&["set", "s", &format!("--K={VALUE}")])
        .assert()
        .success();
    let file = s.dir.join("s.json");

    chmod(&s.dir, 0o777);
    let (code, _, stderr) = s.run(&["show", "s"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains(&format!("refusing {}", s.dir.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("chmod 700 {}", s.dir.display())),
        "{stderr}"
    );
    let doc = s.json_error(&["set", "s", "--K=2", "-o", "json"]);
    assert_eq!(doc["error"]["code"], "insecure");
    chmod(&s.dir, 0o700);

    chmod(&file, 0o666);
    for args in [&["show", "s"][..], &["list"], &["set", "s", "--K=3"]] {
        let (code, stdout, stderr) = s.run(args);
        assert_eq!(code, 1, "{args:?}");
        assert!(
            stderr.contains(&format!("refusing {}", file.display())),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("chmod 600 {}", file.display())),
            "{stderr}"
        );
        no_value(&stdout);
        no_value(&stderr);
    }
    chmod(&file, 0o600);
    // Fixed as told: readable again, and the refused write did not happen.
    s.cmd(&["show", "s", "--show-values"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("K={VALUE}")));
}

#[test]
fn clap_usage_errors_exit_2() {
    let s = store();
    s.cmd(&["set"]).assert().code(2);
    s.cmd(&["show"]).assert().code(2);
    s.cmd(&["list", "--bogus"]).assert().code(2);
}

#[test]
fn a_value_from_stdin_never_touches_the_command_line() {
    let s = store();
    let out = s
        .cmd(&["set", "piped", "--OPENAI_API_KEY=-", "--ORG=acme"])
        .write_stdin(format!("{VALUE}\n"))
        .output()
        .expect("run");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    no_value(&stdout);
    no_value(&stderr);
    let shown = s
        .json(&["show", "piped", "--show-values", "-o", "json"])
        .to_string();
    assert!(
        shown.contains(&format!("\"{VALUE}\"")),
        "stored without the newline: {shown}"
    );
    // An empty stdin is refused like an empty value, and nothing is written.
    let out = s
        .cmd(&["set", "empty", "--K=-"])
        .write_stdin("\n")
        .output()
        .expect("run");
    let (code, stderr) = (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("--K=- read an empty value from standard input"),
        "{stderr}"
    );
    assert!(!s.dir.join("empty.json").exists());
}
