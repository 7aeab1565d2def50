//! Turning diagnostics into text: a rustc-style plain report without colour (the macro's
//! `compile_error!` text), a one-line short form, a structured form for JSON, and miette's
//! graphical report for people (with the `fancy` feature).

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, SourceFile, Span};

/// The structured form of a diagnostic, as `--message-format json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JsonDiagnostic {
    /// The stable code.
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The file, as named when checked.
    pub file: String,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column (characters).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive, characters).
    pub end_column: usize,
    /// The one-line message.
    pub message: String,
    /// What to write instead.
    pub help: String,
}

/// The structured form of `diag`.
pub fn json(source: &SourceFile, diag: &Diagnostic) -> JsonDiagnostic {
    let start = source.location(diag.span.start);
    let end = source.location(diag.span.end.max(diag.span.start));
    JsonDiagnostic {
        code: diag.code.as_str(),
        severity: diag.severity.as_str(),
        file: source.name().to_string(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: diag.message.clone(),
        help: diag.help.clone(),
    }
}

/// `llm.toml:12:1: error[legacy-api-key-env]: message`.
pub fn short(source: &SourceFile, diag: &Diagnostic) -> String {
    let at = source.location(diag.span.start);
    format!(
        "{}:{}:{}: {}[{}]: {}",
        source.name(),
        at.line,
        at.column,
        diag.severity,
        diag.code,
        diag.message
    )
}

/// A rustc-style report without colour:
///
/// ```text
/// error[llmcfg::unknown-credential-ref]: backend `a` references unknown credential `b`
///   --> llm.toml:12:18
///    |
/// 12 | credential_ref = "b"
///    |                  ^^^ no credential named `b`
///    |
///    = help: did you mean `credential_ref = "c"`?
/// ```
pub fn plain(source: &SourceFile, diag: &Diagnostic) -> String {
    let mut lines = vec![source.location(diag.span.start).line];
    lines.extend(
        diag.related
            .iter()
            .map(|r| source.location(r.span.start).line),
    );
    let gutter = lines.iter().max().map_or(1, |l| l.to_string().len());
    let pad = " ".repeat(gutter);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}[llmcfg::{}]: {}",
        diag.severity, diag.code, diag.message
    );
    snippet(&mut out, source, &diag.span, &diag.label, gutter);
    for related in &diag.related {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{pad} = note: {}", related.message);
        snippet(&mut out, source, &related.span, "", gutter);
    }
    if !diag.help.is_empty() {
        let _ = writeln!(out, "{pad} |");
        let mut help = diag.help.lines();
        let _ = writeln!(out, "{pad} = help: {}", help.next().unwrap_or(""));
        for line in help {
            if line.is_empty() {
                let _ = writeln!(out);
            } else {
                let _ = writeln!(out, "{pad}         {line}");
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

fn snippet(out: &mut String, source: &SourceFile, span: &Span, label: &str, gutter: usize) {
    let pad = " ".repeat(gutter);
    let start = source.location(span.start);
    let end = source.location(span.end.max(span.start));
    let _ = writeln!(
        out,
        "{pad}--> {}:{}:{}",
        source.name(),
        start.line,
        start.column
    );
    let _ = writeln!(out, "{pad} |");
    let text = source.line_text(start.line);
    let _ = writeln!(out, "{:>gutter$} | {}", start.line, text.replace('\t', " "));
    let width = if end.line == start.line {
        end.column.saturating_sub(start.column).max(1)
    } else {
        (text.chars().count() + 1)
            .saturating_sub(start.column)
            .max(1)
    };
    let marks = format!("{}{}", " ".repeat(start.column - 1), "^".repeat(width));
    if label.is_empty() {
        let _ = writeln!(out, "{pad} | {marks}");
    } else {
        let _ = writeln!(out, "{pad} | {marks} {label}");
    }
}

/// A diagnostic bound to its source, as a [`miette::Diagnostic`].
#[derive(Debug)]
pub struct MietteReport<'a> {
    source: &'a SourceFile,
    diag: &'a Diagnostic,
    named: miette::NamedSource<String>,
}

impl<'a> MietteReport<'a> {
    /// Binds `diag` to `source`.
    pub fn new(source: &'a SourceFile, diag: &'a Diagnostic) -> Self {
        let named = miette::NamedSource::new(source.name(), source.shown().to_string());
        MietteReport {
            source,
            diag,
            named,
        }
    }
}

impl std::fmt::Display for MietteReport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for MietteReport<'_> {}

impl miette::Diagnostic for MietteReport<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(format!("llmcfg::{}", self.diag.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            crate::Severity::Error => miette::Severity::Error,
            crate::Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        (!self.diag.help.is_empty())
            .then(|| Box::new(&self.diag.help) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.named)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let clamp = |span: &Span| {
            let start = self.source.clamp(span.start);
            let end = self.source.clamp(span.end.max(start));
            miette::SourceSpan::from(start..end)
        };
        let primary = miette::LabeledSpan::new_primary_with_span(
            (!self.diag.label.is_empty()).then(|| self.diag.label.clone()),
            clamp(&self.diag.span),
        );
        let related = self.diag.related.iter().map(move |r| {
            miette::LabeledSpan::new_with_span(Some(r.message.clone()), clamp(&r.span))
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// miette's graphical report of `diag`: unicode, with colours when `color` is set.
#[cfg(feature = "fancy")]
pub fn graphical(source: &SourceFile, diag: &Diagnostic, color: bool) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler
        .render_report(&mut out, &MietteReport::new(source, diag))
        .is_err()
    {
        return plain(source, diag);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    fn sample() -> (SourceFile, Diagnostic) {
        let source = SourceFile::new("llm.toml", "[llm]\nname = \"a\"\ncredential_ref = \"b\"\n");
        let diag = Diagnostic::new(
            Code::UnknownCredentialRef,
            34..37,
            "backend `a` references unknown credential `b`",
        )
        .with_label("no credential named `b`")
        .with_help("did you mean `c`?\nor add it");
        (source, diag)
    }

    #[test]
    fn plain_points_at_line_and_column() {
        let (source, diag) = sample();
        let text = plain(&source, &diag);
        let expected =
            "error[llmcfg::unknown-credential-ref]: backend `a` references unknown credential `b`
 --> llm.toml:3:18
  |
3 | credential_ref = \"b\"
  |                  ^^^ no credential named `b`
  |
  = help: did you mean `c`?
          or add it";
        assert_eq!(text, expected);
        assert!(!text.contains('\u{1b}'), "no ANSI escapes");
    }

    #[test]
    fn short_and_json_agree() {
        let (source, diag) = sample();
        assert_eq!(
            short(&source, &diag),
            "llm.toml:3:18: error[unknown-credential-ref]: backend `a` references unknown credential `b`"
        );
        let j = json(&source, &diag);
        assert_eq!((j.line, j.column, j.end_line, j.end_column), (3, 18, 3, 21));
        assert_eq!(j.code, "unknown-credential-ref");
    }

    #[test]
    fn spans_past_the_end_are_clamped() {
        let source = SourceFile::new("x.toml", "a");
        let diag = Diagnostic::new(Code::TomlSyntax, 5..9, "oops").with_help("fix");
        assert!(plain(&source, &diag).contains("x.toml:1:2"));
    }
}
