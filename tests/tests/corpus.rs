//! The config corpus: every file under `corpus/valid` must check clean (no errors, no
//! warnings), every file under `corpus/invalid` must produce exactly the diagnostics its
//! header announces, and the invalid corpus as a whole must exercise every diagnostic code.
//!
//! Header lines of a corpus file (leading `#` comments):
//!
//! ```toml
//! # table: spearlet.llm          (optional: the llm table, default `llm`)
//! # expect: legacy-api-key-env 12:1
//! # expect: unused-credential 4:8
//! ```
//!
//! Each `expect` is a code and the 1-based line:column of the diagnostic's primary span; the
//! set of diagnostics must match exactly (as a multiset), with no extras.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use llmcfg_core::{Code, Options, Report, render};

/// Spear's real config is kept byte-identical to the upstream file, so its table is given
/// here rather than in a header comment.
const SPEAR: &str = "spear-spearlet.toml";
const SPEAR_TABLE: &str = "spearlet.llm";

fn corpus_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(kind)
}

/// Every `.toml` file of `corpus/<kind>`, sorted by name.
fn corpus_files(kind: &str) -> Vec<PathBuf> {
    let dir = corpus_dir(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// What a corpus file's header says.
#[derive(Debug, Default)]
struct Header {
    table: Option<String>,
    /// (code name, line, column), sorted.
    expect: Vec<(String, usize, usize)>,
}

fn header(path: &Path, text: &str) -> Header {
    let mut header = Header::default();
    for line in text.lines() {
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        let comment = comment.trim();
        if let Some(table) = comment.strip_prefix("table:") {
            header.table = Some(table.trim().to_string());
        } else if let Some(expect) = comment.strip_prefix("expect:") {
            let mut parts = expect.split_whitespace();
            let (Some(code), Some(at), None) = (parts.next(), parts.next(), parts.next()) else {
                panic!(
                    "{}: malformed `# expect:` line {line:?} (want `# expect: CODE LINE:COL`)",
                    path.display()
                );
            };
            assert!(
                Code::from_name(code).is_some(),
                "{}: `# expect:` names unknown code `{code}`",
                path.display()
            );
            let (l, c) = at
                .split_once(':')
                .and_then(|(l, c)| Some((l.parse().ok()?, c.parse().ok()?)))
                .unwrap_or_else(|| panic!("{}: bad LINE:COL `{at}` in {line:?}", path.display()));
            header.expect.push((code.to_string(), l, c));
        }
    }
    header.expect.sort();
    header
}

fn options_for(path: &Path, header: &Header) -> Options {
    if path.file_name().is_some_and(|n| n == SPEAR) {
        return Options::table(SPEAR_TABLE);
    }
    Options {
        table: header.table.clone(),
    }
}

fn check_file(path: &Path) -> (String, Header, Report) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let header = header(path, &text);
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string();
    let report = llmcfg_core::check(&name, &text, &options_for(path, &header));
    (text, header, report)
}

/// The (code, line, column) triples of a report, sorted.
fn actual(report: &Report) -> Vec<(String, usize, usize)> {
    let mut out: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            let at = report.location(d);
            (d.code.as_str().to_string(), at.line, at.column)
        })
        .collect();
    out.sort();
    out
}

/// Every diagnostic of `report` as the plain rustc-style text, for failure messages.
fn rendered(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let _ = writeln!(out, "{}\n", render::plain(&report.source, d));
    }
    out
}

fn expect_lines(triples: &[(String, usize, usize)]) -> String {
    triples
        .iter()
        .map(|(c, l, col)| format!("# expect: {c} {l}:{col}\n"))
        .collect()
}

#[test]
fn valid_corpus_checks_clean() {
    let files = corpus_files("valid");
    assert!(
        files.len() >= 15,
        "the valid corpus needs at least 15 files, has {}",
        files.len()
    );
    let mut failures = String::new();
    for path in &files {
        let (_, header, report) = check_file(path);
        assert!(
            header.expect.is_empty(),
            "{}: a valid corpus file must not carry `# expect:` lines",
            path.display()
        );
        if !report.diagnostics.is_empty() {
            let _ = writeln!(
                failures,
                "=== {} should have no diagnostics, has {}:\n{}",
                path.display(),
                report.diagnostics.len(),
                rendered(&report)
            );
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

#[test]
fn invalid_corpus_reports_exactly_what_it_expects() {
    let files = corpus_files("invalid");
    assert!(
        files.len() >= 50,
        "the invalid corpus needs at least 50 files, has {}",
        files.len()
    );
    let mut failures = String::new();
    for path in &files {
        let (_, header, report) = check_file(path);
        if header.expect.is_empty() {
            let _ = writeln!(
                failures,
                "=== {} has no `# expect:` lines; it reports:\n{}\n{}",
                path.display(),
                expect_lines(&actual(&report)),
                rendered(&report)
            );
            continue;
        }
        let got = actual(&report);
        if got != header.expect {
            let _ = writeln!(
                failures,
                "=== {}\nexpected:\n{}got:\n{}\n{}",
                path.display(),
                expect_lines(&header.expect),
                expect_lines(&got),
                rendered(&report)
            );
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

#[test]
fn invalid_corpus_covers_every_code() {
    let mut seen = BTreeSet::new();
    for path in corpus_files("invalid") {
        let (_, header, _) = check_file(&path);
        seen.extend(header.expect.into_iter().map(|(code, _, _)| code));
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "no invalid corpus file expects these codes: {missing:?}"
    );
}

#[test]
fn spear_config_validates_unchanged() {
    let path = corpus_dir("valid").join(SPEAR);
    let text = std::fs::read_to_string(&path).expect("Spear's config is in the corpus");
    // The corpus copy must stay byte-identical to Spear's file when the shared copy is around.
    let upstream =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/spear/config.toml");
    if let Ok(original) = std::fs::read(&upstream) {
        assert_eq!(
            text.as_bytes(),
            original.as_slice(),
            "{} differs from {}",
            path.display(),
            upstream.display()
        );
    }
    let report = llmcfg_core::check("config.toml", &text, &Options::table(SPEAR_TABLE));
    assert!(
        report.diagnostics.is_empty(),
        "Spear's config must validate clean:\n{}",
        rendered(&report)
    );
    let config = &report.config;
    assert_eq!(config.table, SPEAR_TABLE);
    let credentials: Vec<(&str, Option<&str>)> = config
        .credentials
        .iter()
        .map(|c| (c.name.as_str(), c.first_var().map(|e| e.as_str())))
        .collect();
    assert_eq!(
        credentials,
        [
            ("openai_chat", Some("OPENAI_API_KEY")),
            ("openai_realtime", Some("OPENAI_API_KEY")),
        ]
    );
    let backends: Vec<(&str, Option<&str>)> = config
        .backends
        .iter()
        .map(|b| {
            (
                b.name.as_str(),
                b.credential_ref.as_ref().map(|r| r.as_str()),
            )
        })
        .collect();
    assert_eq!(
        backends,
        [
            ("openai-chat", Some("openai_chat")),
            ("openai-realtime-asr", Some("openai_realtime")),
        ]
    );
    assert!(config.router_filter.is_some(), "router table read");
    assert!(
        config.ollama_discovery.as_ref().is_some_and(|d| d.enabled),
        "discovery table read"
    );

    // Under the default table the same file has no `[llm]`: exactly one table-not-found.
    let default = llmcfg_core::check("config.toml", &text, &Options::default());
    let codes: Vec<&str> = default
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["table-not-found"], "{}", rendered(&default));
}

#[test]
fn every_diagnostic_of_the_corpus_is_well_formed() {
    for path in corpus_files("invalid") {
        let (text, _, report) = check_file(&path);
        for d in &report.diagnostics {
            let ctx = || format!("{}: {}", path.display(), render::plain(&report.source, d));
            assert!(d.span.start <= d.span.end, "inverted span\n{}", ctx());
            assert!(d.span.end <= text.len(), "span past the end\n{}", ctx());
            assert!(!d.message.trim().is_empty(), "empty message\n{}", ctx());
            assert!(!d.help.trim().is_empty(), "empty help\n{}", ctx());
            assert_eq!(d.severity, d.code.severity(), "{}", ctx());
            for r in &d.related {
                assert!(
                    r.span.start <= r.span.end && r.span.end <= text.len(),
                    "{}",
                    ctx()
                );
            }
        }
    }
}
