//! `llmcfg_core::check` on arbitrary input, with every diagnostic rendered in every form.
//!
//! The input is read as lossy UTF-8: `check` takes `&str`, so invalid bytes become U+FFFD
//! (three bytes each), which exercises multi-byte spans and columns. When the first line is
//! `#!table=PATH` (itself a TOML comment, so it stays in the text), the llm table is read at
//! `PATH` instead of the default `llm`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use llmcfg_core::{Options, render};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let table = text
        .strip_prefix("#!table=")
        .map(|rest| rest.split('\n').next().unwrap_or("").trim_end_matches('\r').to_string());
    let report = llmcfg_core::check("fuzz.toml", text, &Options { table });
    let len = text.len();
    let lines = text.split('\n').count();
    for d in &report.diagnostics {
        for (start, end) in std::iter::once((d.span.start, d.span.end))
            .chain(d.related.iter().map(|r| (r.span.start, r.span.end)))
        {
            assert!(start <= end, "inverted span {start}..{end}: {d:?}");
            assert!(end <= len, "span {start}..{end} past the end ({len}): {d:?}");
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "span {start}..{end} not on char boundaries: {d:?}"
            );
        }
        assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
        assert!(!d.help.trim().is_empty(), "empty help: {d:?}");
        assert_eq!(d.severity, d.code.severity(), "{d:?}");

        let plain = render::plain(&report.source, d);
        assert!(plain.contains(d.code.as_str()), "{plain}");
        let short = render::short(&report.source, d);
        assert!(short.starts_with("fuzz.toml:"), "{short}");
        assert!(!short.contains('\n') || d.message.contains('\n'), "{short}");
        let json = render::json(&report.source, d);
        assert!(json.line >= 1 && json.column >= 1, "{json:?}");
        assert!(json.line <= lines && json.end_line <= lines, "{json:?}");
        assert!((json.line, json.column) <= (json.end_line, json.end_column), "{json:?}");
        let encoded = serde_json::to_string(&json).expect("a JSON diagnostic serializes");
        let back: serde_json::Value = serde_json::from_str(&encoded).expect("and parses back");
        assert_eq!(back["code"], d.code.as_str());
        let at = report.location(d);
        assert_eq!((at.line, at.column), (json.line, json.column));
    }
    assert!(
        report
            .diagnostics
            .windows(2)
            .all(|w| (w[0].span.start, w[0].span.end) <= (w[1].span.start, w[1].span.end)),
        "diagnostics out of order"
    );
    // A report without errors lowers to a runtime config, which resolves without panicking
    // (with no environment, no secrets, and no key files or commands run).
    if !report.has_errors() {
        let config = llmcfg::Config::from_report(report).expect("a report without errors loads");
        let resolver = llmcfg::Resolver::builder(&config)
            .env(std::collections::BTreeMap::<String, String>::new())
            .secrets(NoSecrets)
            .seed(7)
            .build()
            .expect("no registry, so the resolver builds");
        for alias in config.aliases() {
            let _ = resolver.resolve(alias.name());
            let _ = resolver.explain(alias.name());
        }
        let _ = resolver.resolve(None);
        let _ = resolver.global_environment();
        let _ = resolver.snapshot_json();
    }
});

/// No secrets, no files, and above all no commands: fuzz inputs name arbitrary argv.
struct NoSecrets;

impl llmcfg::SecretSource for NoSecrets {
    fn secret(&self, _name: &str) -> Result<Option<llmcfg::SecretMap>, String> {
        Ok(None)
    }
    fn read_file(&self, _path: &std::path::Path) -> Result<llmcfg::SecretString, String> {
        Err("no files while fuzzing".into())
    }
    fn run_command(&self, _argv: &[&str]) -> Result<llmcfg::SecretString, String> {
        Err("no commands while fuzzing".into())
    }
}
