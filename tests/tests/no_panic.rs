//! Bad input never panics the validator: arbitrary bytes, arbitrary strings and random edits
//! of the corpus files all come back as a report whose diagnostics point into the text, carry
//! a message and a help, and render in every output form.
//!
//! Bounded so the suite stays fast in debug builds: `CASES` cases per property (override with
//! `PROPTEST_CASES`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use llmcfg_core::{Options, Report, render};
use proptest::prelude::*;
use proptest::test_runner::Config;

const CASES: u32 = 384;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CASES);
    Config {
        cases,
        // Shrinking a failure is welcome; hunting for more of them is not needed here.
        max_shrink_iters: 2048,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Every corpus file (valid and invalid), read once.
fn corpus() -> &'static [(PathBuf, String)] {
    static CORPUS: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files = Vec::new();
        for kind in ["valid", "invalid"] {
            let dir = root.join(kind);
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
                .map(|e| e.expect("directory entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).expect("corpus file is UTF-8");
                files.push((path, text));
            }
        }
        assert!(!files.is_empty(), "the corpus is empty");
        files
    })
}

/// Tables to read the text with: the default, Spear's, and odd paths.
fn tables() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(None),
        2 => Just(Some("spearlet.llm".to_string())),
        1 => prop::sample::select(vec!["", ".", "llm.", ".llm", "llm..x", "a.b.c", "llm.backends", "llm.aliases.fast", "é.ü"])
            .prop_map(|t| Some(t.to_string())),
    ]
}

/// Checks `text` and asserts everything the report promises.
fn check_all(text: &str, table: Option<String>) -> Result<(), TestCaseError> {
    let options = Options { table };
    let report: Report = llmcfg_core::check("fuzz.toml", text, &options);
    let len = text.len();
    for d in &report.diagnostics {
        let show = || format!("{d:?}\nin {text:?}");
        prop_assert!(d.span.start <= d.span.end, "inverted span: {}", show());
        prop_assert!(d.span.end <= len, "span past the end ({len}): {}", show());
        prop_assert!(
            text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end),
            "span not on char boundaries: {}",
            show()
        );
        for r in &d.related {
            prop_assert!(
                r.span.start <= r.span.end && r.span.end <= len,
                "related span out of the text: {}",
                show()
            );
        }
        prop_assert!(!d.message.trim().is_empty(), "empty message: {}", show());
        prop_assert!(!d.help.trim().is_empty(), "empty help: {}", show());
        prop_assert_eq!(d.severity, d.code.severity());
        let plain = render::plain(&report.source, d);
        prop_assert!(plain.contains(d.code.as_str()));
        let json = render::json(&report.source, d);
        prop_assert!(json.line >= 1 && json.column >= 1);
        prop_assert!((json.line, json.column) <= (json.end_line, json.end_column));
        let _ = render::short(&report.source, d);
        let _ = report.location(d);
    }
    // Diagnostics come sorted by position.
    prop_assert!(
        report
            .diagnostics
            .windows(2)
            .all(|w| (w[0].span.start, w[0].span.end) <= (w[1].span.start, w[1].span.end))
    );
    Ok(())
}

/// Words to splice into corpus files: TOML punctuation, schema keys and values, odd unicode.
const WORDS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "=",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    ",",
    ".",
    "#",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\\",
    "\\u",
    "\\U0010FFFF",
    "0x",
    "1e400",
    "-0",
    "nan",
    "inf",
    "true",
    "1979-05-27T07:32:00Z",
    "99999999999999999999",
    "-9223372036854775808",
    "[llm]",
    "[[llm.backends]]",
    "[[llm.credentials]]",
    "[llm.aliases]",
    "[spearlet.llm.discovery.ollama]",
    "name",
    "kind",
    "base_url",
    "credential_ref",
    "api_key_env",
    "api_key",
    "token",
    "secret",
    "path",
    "command",
    "ops",
    "transports",
    "weight",
    "priority",
    "model",
    "backend",
    "default_alias",
    "default_policy",
    "hosting",
    "stub",
    "openai_chat_completion",
    "openai_realtime_ws",
    "ollama_chat",
    "anthropic_messages",
    "chat_completions",
    "embeddings",
    "realtime_voice",
    "websocket",
    "http://",
    "https://",
    "wss://",
    "stub://",
    "http://[::1",
    "://",
    "/",
    "openai/",
    "/gpt",
    "sk-proj-0123456789abcdefghij",
    "é",
    "日本",
    "🚀",
    "\u{feff}",
    "\u{0}",
    "\u{7f}",
    "\u{200b}",
    "\u{10ffff}",
];

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
    Swap(usize, usize, usize),
    Replace(usize, &'static str),
    Truncate(usize),
    Byte(usize, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    let pos = any::<usize>();
    let word = prop::sample::select(WORDS);
    prop_oneof![
        (pos, 1usize..40).prop_map(|(p, n)| Edit::Delete(p, n)),
        (pos, word.clone()).prop_map(|(p, w)| Edit::Insert(p, w)),
        (pos, 1usize..80).prop_map(|(p, n)| Edit::Duplicate(p, n)),
        (pos, pos, 1usize..40).prop_map(|(a, b, n)| Edit::Swap(a, b, n)),
        (pos, word).prop_map(|(p, w)| Edit::Replace(p, w)),
        pos.prop_map(Edit::Truncate),
        (pos, any::<u8>()).prop_map(|(p, b)| Edit::Byte(p, b)),
    ]
}

/// Applies `edits` to the bytes of `text`; the result may split characters, so it is read
/// back lossily, as a tool reading a damaged file would.
fn apply(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        let len = bytes.len();
        let at = |p: usize| if len == 0 { 0 } else { p % (len + 1) };
        match *edit {
            Edit::Delete(p, n) => {
                let start = at(p);
                let end = (start + n).min(len);
                bytes.drain(start..end);
            }
            Edit::Insert(p, w) => {
                let start = at(p);
                bytes.splice(start..start, w.bytes());
            }
            Edit::Duplicate(p, n) => {
                let start = at(p);
                let end = (start + n).min(len);
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Edit::Swap(a, b, n) => {
                let (a, b) = (at(a), at(b));
                let (a, b) = (a.min(b), a.max(b));
                let n = n.min(b - a).min(len - b);
                if n > 0 {
                    let (left, right) = bytes.split_at_mut(b);
                    left[a..a + n].swap_with_slice(&mut right[..n]);
                }
            }
            Edit::Replace(p, w) => {
                // Replaces the token (run of word characters) around `p` with `w`.
                let mid = at(p).min(len);
                let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
                let mut start = mid;
                while start > 0 && is_word(bytes[start - 1]) {
                    start -= 1;
                }
                let mut end = mid;
                while end < len && is_word(bytes[end]) {
                    end += 1;
                }
                bytes.splice(start..end, w.bytes());
            }
            Edit::Truncate(p) => bytes.truncate(at(p)),
            Edit::Byte(p, b) => {
                if len > 0 {
                    bytes[p % len] = b;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), table in tables()) {
        check_all(&String::from_utf8_lossy(&bytes), table)?;
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>(), table in tables()) {
        check_all(&text, table)?;
    }

    #[test]
    fn toml_shaped_strings_never_panic(
        words in prop::collection::vec(prop::sample::select(WORDS), 0..60),
        table in tables(),
    ) {
        check_all(&words.concat(), table)?;
    }

    #[test]
    fn edited_corpus_files_never_panic(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..8),
        table in tables(),
    ) {
        let files = corpus();
        let (path, text) = &files[index.index(files.len())];
        let edited = apply(text, &edits);
        // Spear's file and `# table:` files are mostly meaningful under their own table.
        let table = if path.ends_with("spear-spearlet.toml") && table.is_none() {
            Some("spearlet.llm".to_string())
        } else {
            table
        };
        check_all(&edited, table)?;
    }
}

#[test]
fn every_corpus_file_and_every_prefix_of_one_never_panics() {
    for (path, text) in corpus() {
        for table in [None, Some("spearlet.llm".to_string())] {
            check_all(text, table).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    // Every prefix of the richest file: truncation at each byte (char boundaries only).
    let (_, spear) = corpus()
        .iter()
        .find(|(p, _)| p.ends_with("spear-spearlet.toml"))
        .expect("Spear's config is in the corpus");
    for end in (0..=spear.len()).filter(|&i| spear.is_char_boundary(i)) {
        let report = llmcfg_core::check(
            "prefix.toml",
            &spear[..end],
            &Options::table("spearlet.llm"),
        );
        for d in &report.diagnostics {
            assert!(d.span.end <= end, "prefix {end}: {d:?}");
        }
    }
}
