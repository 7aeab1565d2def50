//! Issue 11 regressions in the CLI: each test fails on the code before its fix. Hostile or
//! careless input gets a clear error, never a hang, a leaked value, a lost edit or a terminal
//! escape sequence.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{cli, stderr, stdout};
use serde_json::Value;

const CONFIG: &str = r#"[llm]
default_alias = "fast"

[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"

[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["chat_completions"]

[llm.aliases]
fast = { model = "openai/gpt-5-nano", secret = "team-openai" }
"#;

fn setup(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("llm.toml"), text).expect("write");
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    cli(dir).args(args).output().expect("runs")
}

/// Item 4: `--PASSWORD -oXYZ…` is read as `-o XYZ…`; the refusal never shows the token.
#[test]
fn secrets_set_never_echoes_a_bad_output_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        dir.path(),
        &["secrets", "set", "s", "--PASSWORD", "-oXYZ-hunter2"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("--output") && !err.contains("XYZ"), "{err}");
}

/// Item 6: a FIFO and `/dev/zero` are refused at once (no hang, no unbounded read), exit 2,
/// and no `ok:` summary stands beside the error.
#[cfg(unix)]
#[test]
fn check_refuses_fifos_and_devices_without_blocking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let mut paths = vec!["/dev/zero".to_owned()];
    if made.is_ok_and(|s| s.success()) {
        paths.push("fifo.toml".to_owned());
    }
    for path in paths {
        let out = run(dir.path(), &["check", "--config", &path]);
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
        assert!(!stdout(&out).contains("ok:"), "{}", stdout(&out));
    }
}

/// Item 6: invalid UTF-8 is a `toml-syntax` diagnostic at line:col, exit 1.
#[test]
fn invalid_utf8_is_a_diagnostic_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("latin1.toml"), b"[llm]\n# caf\xe9\n").expect("write");
    let out = run(
        dir.path(),
        &[
            "check",
            "--config",
            "latin1.toml",
            "--message-format",
            "short",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("latin1.toml:2:6: error[toml-syntax]"),
        "{text}"
    );
    assert!(!text.contains("ok:"), "{text}");
}

/// Item 9: one corrupt secret does not hide the others from `list`; it is reported, exit 1.
#[test]
fn list_shows_the_readable_secrets_and_reports_the_corrupt_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["a", "b"] {
        let out = run(dir.path(), &["secrets", "set", name, "--K=v"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let store = dir.path().join(".secrets-store");
    std::fs::write(store.join("a.json"), "{ torn").expect("corrupt");
    let out = run(dir.path(), &["secrets", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("\nb "), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("a.json is corrupt"),
        "{}",
        stderr(&out)
    );
    let out = run(dir.path(), &["secrets", "list", "-o", "json"]);
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(doc["count"], 1);
    assert_eq!(doc["problems"][0]["code"], "corrupt");
}

/// Item 9: a `0755` store is refused with the `chmod` that fixes it.
#[cfg(unix)]
#[test]
fn a_0755_store_is_refused_with_the_chmod() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(dir.path(), &["secrets", "set", "s", "--K=v"]);
    assert!(out.status.success());
    let store = dir.path().join(".secrets-store");
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = run(dir.path(), &["secrets", "show", "s"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("chmod 700"), "{}", stderr(&out));
}

/// Item 10: 16 concurrent `model register`s, half through a symlink to the file, keep all 16.
#[cfg(unix)]
#[test]
fn concurrent_registers_through_a_symlink_keep_every_alias() {
    let dir = setup(CONFIG);
    std::fs::create_dir(dir.path().join("other")).expect("mkdir");
    std::os::unix::fs::symlink(
        dir.path().join("llm.toml"),
        dir.path().join("other/link.toml"),
    )
    .expect("symlink");
    let children: Vec<std::process::Child> = (0..16)
        .map(|i| {
            let config = if i % 2 == 0 {
                "llm.toml"
            } else {
                "other/link.toml"
            };
            Command::new(env!("CARGO_BIN_EXE_cargo-llmcfg"))
                .current_dir(dir.path())
                .env("LLMCFG_SECRETS_DIR", dir.path().join(".secrets-store"))
                .args([
                    "model",
                    "register",
                    &format!("alias-{i}"),
                    "--model",
                    "openai/gpt-5-nano",
                ])
                .args(["--config", config])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let text = std::fs::read_to_string(dir.path().join("llm.toml")).expect("read");
    for i in 0..16 {
        assert!(
            text.contains(&format!("alias-{i} =")),
            "alias-{i} lost:\n{text}"
        );
    }
    assert!(
        std::fs::symlink_metadata(dir.path().join("other/link.toml"))
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

/// Item 10: an edit keeps CRLF line endings and the file's mode, and leaves no temp file.
#[cfg(unix)]
#[test]
fn edits_keep_crlf_and_mode_and_leave_no_temp_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = setup(&CONFIG.replace('\n', "\r\n"));
    let path = dir.path().join("llm.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o604)).expect("chmod");
    let out = run(
        dir.path(),
        &[
            "model",
            "register",
            "cheap",
            "--model",
            "openai/gpt-4o-mini",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("cheap = "), "{text}");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "{text:?}"
    );
    let meta = std::fs::metadata(&path).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o777, 0o604);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp-") || n.starts_with(".llmcfg-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Item 11: empty `--table` segments are a usage error (exit 2) and nothing is written.
#[test]
fn empty_table_segments_are_a_usage_error() {
    let dir = setup(CONFIG);
    for table in ["", "\"\"", "a..b", "."] {
        let out = run(
            dir.path(),
            &[
                "model",
                "register",
                "x",
                "--model",
                "openai/gpt-4o",
                "--table",
                table,
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{table:?}: {}", stderr(&out));
        let out = run(
            dir.path(),
            &["check", "--config", "llm.toml", "--table", table],
        );
        assert_eq!(out.status.code(), Some(2), "{table:?}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("llm.toml")).expect("read"),
        CONFIG
    );
}

/// Item 11: `--table` is a TOML dotted key, quoted parts allowed.
#[test]
fn quoted_table_segments_select_the_table() {
    let text = CONFIG
        .replace("[llm", "[\"my app\".llm")
        .replace("[[llm", "[[\"my app\".llm");
    let dir = setup(&text);
    let out = run(
        dir.path(),
        &[
            "check",
            "--config",
            "llm.toml",
            "--table",
            "\"my app\".llm",
            "--message-format",
            "short",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let out = run(
        dir.path(),
        &[
            "model",
            "register",
            "x",
            "--model",
            "openai/gpt-4o",
            "--table",
            "\"my app\" . llm",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let edited = std::fs::read_to_string(dir.path().join("llm.toml")).expect("read");
    assert!(
        edited.contains("x = { model = \"openai/gpt-4o\" }"),
        "{edited}"
    );
}

/// Item 12: control characters from a config never reach human, short or github output raw.
#[test]
fn control_characters_from_a_config_are_escaped() {
    let hostile = CONFIG.replace(
        "name = \"openai-chat\"",
        "name = \"openai-chat\"\nnote\\u001b = 1\nbogus = \"\\u001b]0;owned\\u0007\"",
    );
    let hostile = hostile.replace("note\\u001b = 1\n", "\"note\\u001b[2J\" = 1\n");
    let dir = setup(&hostile);
    for format in ["human", "short", "github"] {
        let out = run(
            dir.path(),
            &["check", "--config", "llm.toml", "--message-format", format],
        );
        let text = stdout(&out) + &stderr(&out);
        assert!(text.contains("note"), "{format}: no finding?\n{text}");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{format}: raw control character in\n{text}"
        );
    }
}

/// Item 12: names from `LLMCFG_MODEL_REGISTRY` are escaped in `model list`.
#[test]
fn control_characters_from_the_registry_are_escaped() {
    let dir = setup(CONFIG);
    let out = cli(dir.path())
        .env(
            "LLMCFG_MODEL_REGISTRY",
            r#"{"aliases":{"remote":{"model":"openai/gpt\u001b[2J-4o"}}}"#,
        )
        .args(["model", "list"])
        .output()
        .expect("runs");
    let text = stdout(&out) + &stderr(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

fn resolve_json(dir: &Path, env: &[(&str, &str)]) -> (Option<i32>, Value) {
    let mut cmd = cli(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(["resolve", "-o", "json"]).output().expect("runs");
    let doc = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?}", stdout(&out)));
    (out.status.code(), doc)
}

/// Item 14: `resolve -o json` prints one JSON object for every failure.
#[test]
fn resolve_json_on_every_failure() {
    let dir = setup(CONFIG);
    let (code, doc) = resolve_json(dir.path(), &[("LLMCFG_MODEL_REGISTRY", "{not json")]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error_code"], "invalid-registry");

    let broken = setup("[llm]\nbackends = 3\n");
    let (code, doc) = resolve_json(broken.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["ok"], false);
    assert_eq!(doc["error_code"], "invalid-config");
    assert_eq!(doc["file"], "llm.toml");

    let empty = tempfile::tempdir().expect("tempdir");
    let (code, doc) = resolve_json(empty.path(), &[]);
    assert_eq!(code, Some(2));
    assert_eq!(doc["ok"], false);
}

/// Item 14: the JSON carries `provider`, `provider_model` and the alias's linked `secret`.
#[test]
fn resolve_json_carries_provider_model_and_secret() {
    let dir = setup(CONFIG);
    let (code, doc) = resolve_json(dir.path(), &[("OPENAI_API_KEY", "sk-canary-json")]);
    assert_eq!(code, Some(0), "{doc}");
    assert_eq!(doc["provider"], "openai");
    assert_eq!(doc["provider_model"], "gpt-5-nano");
    assert_eq!(doc["secret"], "team-openai");
    assert!(!doc.to_string().contains("sk-canary-json"));
}

/// Item 7: `resolve` runs a `kind = "command"` key command once (it ran twice: once for the
/// explanation, once for the decision), and the `chosen:` line and the JSON show the URL with
/// its userinfo redacted.
#[cfg(unix)]
#[test]
fn resolve_runs_a_key_command_once_and_redacts_the_chosen_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    let counter = dir.path().join("runs");
    let config = format!(
        r#"[llm]
default_alias = "fast"

[[llm.credentials]]
name = "vault"
kind = "command"
command = ["sh", "-c", "echo run >> \"$1\"; echo k3y-from-the-command", "sh", "{}"]

[[llm.backends]]
name = "gateway"
kind = "openai_chat_completion"
base_url = "https://deploy-user@gateway.example.com/v1"
credential_ref = "vault"
ops = ["chat_completions"]

[llm.aliases]
fast = {{ model = "openai/gpt-5-nano", backend = "gateway" }}
"#,
        counter.display()
    );
    std::fs::write(dir.path().join("llm.toml"), config).expect("write");
    let runs = || {
        std::fs::read_to_string(&counter)
            .unwrap_or_default()
            .lines()
            .count()
    };
    let out = run(dir.path(), &["resolve"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert_eq!(runs(), 1, "the key command ran {} times", runs());
    let chosen = text
        .lines()
        .find(|l| l.starts_with("chosen:"))
        .unwrap_or_default();
    assert!(
        chosen.contains("https://[REDACTED]@gateway.example.com/v1"),
        "{chosen}"
    );
    assert!(
        !text.contains("deploy-user") && !text.contains("k3y-from"),
        "{text}"
    );

    let out = run(dir.path(), &["resolve", "-o", "json"]);
    assert_eq!(runs(), 2, "once more for the second invocation");
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(
        doc["chosen"]["base_url"],
        "https://[REDACTED]@gateway.example.com/v1"
    );
    assert!(!doc.to_string().contains("deploy-user"), "{doc}");
}

// Item 5 through the binary: `check` renders a diagnostic at any column without panicking,
// and every format prints the same line and column, counted in characters.

/// `(line, column)` of the first diagnostic as each format prints it.
fn locations(dir: &Path) -> Vec<(&'static str, String)> {
    let run = |format: &str| {
        let out = cli(dir)
            .args(["check", "--message-format", format])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stdout(&out));
        stdout(&out)
    };
    let after = |text: &str, marker: &str, end: char| {
        let rest = text.split(marker).nth(1).unwrap_or_default();
        rest.split(end).next().unwrap_or_default().to_string()
    };
    let human = run("human");
    let short = run("short");
    let json: Value =
        serde_json::from_str(run("json").lines().next().unwrap_or_default()).expect("a JSON line");
    let github = run("github");
    let sarif: Value = serde_json::from_str(&run("sarif")).expect("SARIF");
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    vec![
        ("human", after(&human, "--> llm.toml:", '\n')),
        ("short", {
            let at = after(&short, "llm.toml:", ' ');
            at.trim_end_matches(':').to_string()
        }),
        ("json", format!("{}:{}", json["line"], json["column"])),
        (
            "github",
            format!(
                "{}:{}",
                after(&github, "line=", ','),
                after(&github, "col=", ',')
            ),
        ),
        (
            "sarif",
            format!("{}:{}", region["startLine"], region["startColumn"]),
        ),
    ]
}

/// Where the first diagnostic starts, counted here independently: characters of its line before
/// it, a leading byte order mark not counted.
fn character_location(text: &str) -> String {
    let report = llmcfg_core::check("llm.toml", text, &Default::default());
    let at = report.diagnostics[0].span.start;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..at].trim_start_matches('\u{feff}');
    let line = text[..at].matches('\n').count() + 1;
    format!("{line}:{}", before.chars().count() + 1)
}

#[test]
fn every_format_prints_the_same_character_column() {
    let long = format!("[llm]\nx = \"{}\" y = 2\n", "a".repeat(69_993));
    for text in [
        "\u{feff}x = 1 y = 2\n".to_string(),
        "[llm]\nname = \"日本語\" y = 2\n".to_string(),
        "\u{feff}[llm]\n# é\nname = \"é\" y = 2\n".to_string(),
        long,
    ] {
        let expected = character_location(&text);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("llm.toml"), &text).expect("write");
        for (format, found) in locations(dir.path()) {
            assert_eq!(
                found,
                expected,
                "{format} for {:?}",
                &text[..text.len().min(40)]
            );
        }
    }
}

/// The human report of a diagnostic at column 70,000 is a short report, not a panic (exit 101)
/// nor a 70,000-character line.
#[test]
fn a_diagnostic_at_column_70_000_is_a_short_human_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("[llm]\nx = \"{}\" y = 2\n", "a".repeat(69_993));
    std::fs::write(dir.path().join("llm.toml"), text).expect("write");
    let out = cli(dir.path()).arg("check").output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let shown = stdout(&out);
    assert!(shown.len() < 2_000, "{} bytes", shown.len());
    assert!(shown.contains("…aaa") && shown.contains("y = 2"), "{shown}");
}
