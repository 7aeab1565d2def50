//! Turning diagnostics into text: a rustc-style plain report without colour (the CLI's human
//! format and the macro's `compile_error!` text), a one-line short form, a structured form for
//! JSON ([`json`](self::json)), and miette's graphical report (with the `fancy` feature).

#[cfg(feature = "parse")]
use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::snippet::LineView;
pub use crate::snippet::{clean, escape_controls, mask_keys};

#[cfg(feature = "parse")]
mod json;
#[cfg(feature = "parse")]
pub use json::{JsonChild, JsonDiagnostic, JsonSpan, json};

/// `llm.toml:12:1: error[legacy-api-key-env]: message`.
pub fn short(source: &SourceFile, diag: &Diagnostic) -> String {
    let at = source.location(diag.span.start);
    format!(
        "{}:{}:{}: {}[{}]: {}",
        clean_line(source.name()),
        at.line,
        at.column,
        diag.severity,
        diag.code,
        clean_line(&diag.message)
    )
}

/// [`clean`] for text printed on one line: a line feed is escaped too.
fn clean_line(text: &str) -> String {
    clean(text).replace('\n', "\\u{a}")
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
///
/// Key-shaped tokens are masked and control characters escaped everywhere in it; a source
/// line longer than 120 characters is cut around the span.
pub fn plain(source: &SourceFile, diag: &Diagnostic) -> String {
    plain_with_help(source, diag, &clean(&diag.help))
}

/// Every diagnostic of one file as [`plain`] renders it, except that a help of several lines
/// already printed for an earlier diagnostic of the file is not printed again: the later ones
/// say `= help: same as for the error at llm.toml:7:1`.
pub fn plain_all(source: &SourceFile, diags: &[Diagnostic]) -> Vec<String> {
    let mut seen: Vec<(String, String)> = Vec::new();
    diags
        .iter()
        .map(|diag| {
            let help = clean(&diag.help);
            if !help.contains('\n') {
                return plain_with_help(source, diag, &help);
            }
            if let Some((_, at)) = seen.iter().find(|(h, _)| *h == help) {
                return plain_with_help(source, diag, &format!("same as for the {at}"));
            }
            let here = source.location(diag.span.start);
            let at = format!(
                "{} at {}:{}:{}",
                diag.severity,
                clean_line(source.name()),
                here.line,
                here.column
            );
            seen.push((help.clone(), at));
            plain_with_help(source, diag, &help)
        })
        .collect()
}

/// [`plain`] with `help` (already cleaned) as its help.
fn plain_with_help(source: &SourceFile, diag: &Diagnostic, help: &str) -> String {
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
        diag.severity,
        diag.code,
        clean_line(&diag.message)
    );
    snippet(&mut out, source, &diag.span, &diag.label, gutter);
    for related in &diag.related {
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{pad} = note: {}", clean_line(&related.message));
        snippet(&mut out, source, &related.span, "", gutter);
    }
    if !help.is_empty() {
        let _ = writeln!(out, "{pad} |");
        let mut help = help.lines();
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
    let (from, to) = (
        source.clamp(span.start),
        source.clamp(span.end.max(span.start)),
    );
    let start = source.location(from);
    let end = source.location(to);
    let _ = writeln!(
        out,
        "{pad}--> {}:{}:{}",
        clean_line(source.name()),
        start.line,
        start.column
    );
    let _ = writeln!(out, "{pad} |");
    let view = LineView::new(source, start.line, Some(from));
    let _ = writeln!(out, "{:>gutter$} | {}", start.line, view.text);
    let (first, _) = view.position(from);
    let last = if end.line == start.line {
        view.position(to).0
    } else {
        view.width() + 1
    };
    let width = last.saturating_sub(first).max(1);
    let marks = format!("{}{}", " ".repeat(first), "^".repeat(width));
    if label.is_empty() {
        let _ = writeln!(out, "{pad} | {marks}");
    } else {
        let _ = writeln!(out, "{pad} | {marks} {}", clean_line(label));
    }
}

/// A diagnostic bound to its source, as a [`miette::Diagnostic`]. miette renders a shown copy
/// of the source: only the lines the labels need, each masked, escaped and cut as in [`plain`],
/// with the labels moved to match.
#[cfg(feature = "parse")]
#[derive(Debug)]
pub struct MietteReport<'a> {
    diag: &'a Diagnostic,
    shown: ShownSource,
    /// The primary span, then the related ones, as offsets into `shown`.
    spans: Vec<Span>,
    message: String,
    help: String,
}

#[cfg(feature = "parse")]
impl<'a> MietteReport<'a> {
    /// Binds `diag` to `source`.
    pub fn new(source: &'a SourceFile, diag: &'a Diagnostic) -> Self {
        let spans: Vec<Span> = std::iter::once(&diag.span)
            .chain(diag.related.iter().map(|r| &r.span))
            .cloned()
            .collect();
        let (shown, spans) = ShownSource::build(source, &spans);
        MietteReport {
            diag,
            shown,
            spans,
            message: clean_line(&diag.message),
            help: clean(&diag.help),
        }
    }
}

#[cfg(feature = "parse")]
impl std::fmt::Display for MietteReport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(feature = "parse")]
impl std::error::Error for MietteReport<'_> {}

#[cfg(feature = "parse")]
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
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.shown)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let mut spans = self
            .spans
            .iter()
            .map(|s| miette::SourceSpan::from(s.range()));
        let primary = miette::LabeledSpan::new_primary_with_span(
            (!self.diag.label.is_empty()).then(|| clean_line(&self.diag.label)),
            spans.next()?,
        );
        let related = self.diag.related.iter().zip(spans).map(|(r, span)| {
            miette::LabeledSpan::new_with_span(Some(clean_line(&r.message)), span)
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// The text miette renders: every line of the file, empty unless a label needs it (so line
/// numbers stay true), the needed ones as [`LineView`] prints them. miette counts columns in
/// bytes of what it is given, so each span start carries its true column (characters of the
/// file, as every other format counts them).
#[cfg(feature = "parse")]
#[derive(Debug)]
struct ShownSource {
    name: String,
    text: String,
    /// `(offset in text, 0-based column in the file)` of each span start.
    columns: Vec<(usize, usize)>,
}

#[cfg(feature = "parse")]
impl ShownSource {
    /// The shown text for labels at `spans` (file offsets), and the spans moved into it.
    fn build(source: &SourceFile, spans: &[Span]) -> (Self, Vec<Span>) {
        let spans: Vec<Span> = spans
            .iter()
            .map(|s| {
                let start = source.clamp(s.start);
                Span::new(start, source.clamp(s.end.max(start)))
            })
            .collect();
        let last_line = source.location(source.text().len()).line;
        let mut focus = BTreeMap::new();
        for span in &spans {
            focus
                .entry(source.location(span.start).line)
                .or_insert(span.start);
            focus
                .entry(source.location(span.end).line)
                .or_insert(span.end);
        }
        // miette shows one line of context on each side, and merges the snippets of nearby
        // labels into one with every line between them: all of those are kept.
        let first = focus
            .keys()
            .next()
            .map_or(1, |l| l.saturating_sub(1).max(1));
        let last = focus
            .keys()
            .next_back()
            .map_or(1, |l| (l + 1).min(last_line));
        let needed = first..=last;
        let mut text = String::new();
        let mut views = BTreeMap::new();
        for line in 1..=last_line {
            if line > 1 {
                text.push('\n');
            }
            if !needed.contains(&line) {
                continue;
            }
            let view = LineView::new(source, line, focus.get(&line).copied());
            text.push_str(&view.text);
            if focus.contains_key(&line) {
                views.insert(line, (text.len() - view.text.len(), view));
            }
        }
        let moved = |offset: usize| {
            let line = source.location(offset).line;
            views
                .get(&line)
                .map_or(0, |(start, view): &(usize, LineView)| {
                    start + view.position(offset).1
                })
        };
        let mapped: Vec<Span> = spans
            .iter()
            .map(|s| Span::new(moved(s.start), moved(s.end).max(moved(s.start))))
            .collect();
        let columns = spans
            .iter()
            .zip(&mapped)
            .map(|(s, m)| (m.start, source.location(s.start).column - 1))
            .collect();
        let shown = ShownSource {
            name: clean_line(source.name()),
            text,
            columns,
        };
        (shown, mapped)
    }
}

#[cfg(feature = "parse")]
impl miette::SourceCode for ShownSource {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        let column = match self.columns.iter().find(|(at, _)| *at == span.offset()) {
            Some(&(_, column)) if context_lines_before == 0 => column,
            _ => inner.column(),
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
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

// The tests compare every form, JSON and miette included.
#[cfg(all(test, feature = "parse"))]
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

    /// The header location of each text format: plain `-->`, short, JSON and the graphical
    /// `[file:line:col]`.
    fn columns(source: &SourceFile, diag: &Diagnostic) -> Vec<String> {
        let j = json(source, diag);
        let mut found = vec![format!("{}:{}", j.line, j.column)];
        let plain = plain(source, diag);
        let at = plain.split("--> ").nth(1).unwrap_or_default();
        found.push(
            at.lines()
                .next()
                .unwrap_or_default()
                .replacen("x.toml:", "", 1),
        );
        let short = short(source, diag);
        found.push(
            short
                .split(": ")
                .next()
                .unwrap_or_default()
                .replacen("x.toml:", "", 1),
        );
        #[cfg(feature = "fancy")]
        {
            let graphical = graphical(source, diag, false);
            let at = graphical.split("[x.toml:").nth(1).unwrap_or_default();
            found.push(at.split(']').next().unwrap_or_default().to_string());
        }
        found
    }

    /// Item 5: a diagnostic at column 70,000 renders in every form (the graphical one panicked
    /// at 65,536), the line is cut around the span, and every form prints the same column.
    #[test]
    fn a_span_at_column_70_000_renders_cut_around_it() {
        let text = format!(
            "[llm]\nx = \"{}\" y = 1 {}\n",
            "a".repeat(69_993),
            "b".repeat(5_000)
        );
        let at = text.find(" y").unwrap_or_default() + 1;
        let source = SourceFile::new("x.toml", text.as_str());
        let diag = Diagnostic::new(
            Code::TomlSyntax,
            at..at + 1,
            "invalid TOML: expected newline",
        )
        .with_label("here")
        .with_help("fix the TOML syntax here");
        assert_eq!(source.location(at).column, 70_001);
        for found in columns(&source, &diag) {
            assert_eq!(found, "2:70001");
        }
        let plain = plain(&source, &diag);
        assert!(
            plain.len() < 1_000,
            "the line is cut: {} bytes",
            plain.len()
        );
        let marked = plain.lines().find(|l| l.contains('^')).unwrap_or_default();
        let line = plain
            .lines()
            .find(|l| l.starts_with("2 | "))
            .unwrap_or_default();
        let caret = marked.find('^').unwrap_or_default();
        assert_eq!(line.chars().nth(caret), Some('y'), "{plain}");
        assert!(
            line.contains("2 | …aaa") && line.ends_with("bbb…"),
            "{line}"
        );
        #[cfg(feature = "fancy")]
        {
            let graphical = graphical(&source, &diag, false);
            assert!(graphical.len() < 2_000, "{graphical}");
            assert!(graphical.contains("y = 1"), "{graphical}");
        }
    }

    /// Item 5: columns are characters in every form, after a byte order mark (which is not a
    /// column) and after non-ASCII text.
    #[test]
    fn columns_are_characters_after_a_bom_and_non_ascii_text() {
        for text in [
            "\u{feff}x = [1,\n",
            "\u{feff}[llm]\nname = \"é\" é = 1\n",
            "[llm]\n# 日本語\nname = \"日本語\" é = 1\n",
        ] {
            // The character before the last ` = `.
            let eq = text.rfind(" = ").unwrap_or_default();
            let at = text[..eq].char_indices().last().map_or(0, |(i, _)| i);
            let source = SourceFile::new("x.toml", text);
            let diag = Diagnostic::new(Code::TomlSyntax, at..at + 1, "invalid TOML")
                .with_label("here")
                .with_help("fix it");
            let expected = source.location(at);
            let chars = source.text()[source.line_start(expected.line)..at]
                .trim_start_matches('\u{feff}')
                .chars()
                .count();
            assert_eq!(expected.column, chars + 1, "{text:?}");
            for found in columns(&source, &diag) {
                assert_eq!(
                    found,
                    format!("{}:{}", expected.line, expected.column),
                    "{text:?}"
                );
            }
            let plain = plain(&source, &diag);
            assert!(!plain.contains('\u{feff}'), "{plain}");
        }
    }

    /// Item 2: a key pasted unquoted (a syntax error) is masked in the snippet of every form.
    #[test]
    fn keys_in_syntax_error_snippets_are_masked() {
        const KEY: &str = "sk-proj-Canary0123456789abcdefXYZ";
        let text = format!("[llm]\n[[llm.credentials]]\nname = \"openai\"\napi_key_env = {KEY}\n");
        let report = crate::check("x.toml", &text, &crate::Options::default());
        assert!(report.has_errors());
        for d in &report.diagnostics {
            assert_eq!(d.code, Code::TomlSyntax);
            let mut shown = plain(&report.source, d);
            shown.push_str(&short(&report.source, d));
            shown.push_str(&format!("{:?}", json(&report.source, d)));
            #[cfg(feature = "fancy")]
            shown.push_str(&graphical(&report.source, d, false));
            assert!(!shown.contains(KEY), "{shown}");
            assert!(shown.contains("api_key_env = ******"), "{shown}");
        }
    }

    /// Item 12: control characters in the file, its name and messages are escaped in every form.
    #[test]
    fn control_characters_are_escaped_in_every_form() {
        let text = "[llm]\nname = \"\u{1b}[2J\" \u{7} = 1\n";
        let at = text.find('\u{7}').unwrap_or_default();
        let source = SourceFile::new("x\u{1b}.toml", text);
        let diag = Diagnostic::new(Code::TomlSyntax, at..at + 1, "bad `\u{1b}[31m`")
            .with_label("here\u{9b}")
            .with_help("fix \u{1b}")
            .with_related(at..at + 1, "also \u{7f}");
        let mut shown = plain(&source, &diag);
        shown.push_str(&short(&source, &diag));
        let j = json(&source, &diag);
        shown.push_str(&format!("{} {} {}", j.file, j.message, j.help));
        #[cfg(feature = "fancy")]
        shown.push_str(&graphical(&source, &diag, false));
        for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{7f}'] {
            assert!(!shown.contains(c), "{c:?} in {shown}");
        }
        assert!(
            shown.contains("name = \"\\u{1b}[2J\" \\u{7} = 1"),
            "{shown}"
        );
        assert!(shown.contains("x\\u{1b}.toml"), "{shown}");
        // The caret still sits under the escaped character.
        let plain = plain(&source, &diag);
        let line = plain
            .lines()
            .find(|l| l.starts_with("2 | "))
            .unwrap_or_default();
        let marks = plain.lines().find(|l| l.contains('^')).unwrap_or_default();
        let caret = marks.find('^').unwrap_or_default();
        assert!(line[caret..].starts_with("\\u{7}"), "{plain}");
    }
}
