//! Issue 11 item 5 through the binary: `check` renders a diagnostic at any column without
//! panicking, and every format prints the same line and column, counted in characters (after a
//! byte order mark, which is not a column, and after non-ASCII text).

mod common;

use std::path::Path;

use common::{cli, stdout};
use serde_json::Value;

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
        ("human", after(&human, "[llm.toml:", ']')),
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
