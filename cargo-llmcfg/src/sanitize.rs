//! A report made safe to print on a terminal or in a CI log: control characters in the file's
//! name, its text and every message written as `\u{1b}`, with spans moved to match, so a hostile
//! config cannot write escape sequences through `check`, `model` or `migrate`.

use std::borrow::Cow;

use llmcfg_core::{Diagnostic, Report, SourceFile, Span};

use crate::text::{escape_controls, escape_line};

/// `report` with every control character escaped; borrowed when there is none.
pub(crate) fn sanitized(report: &Report) -> Cow<'_, Report> {
    let shown = report.source.shown();
    let clean = |s: &str| matches!(escape_controls(s), Cow::Borrowed(_));
    let name_clean = matches!(escape_line(report.source.name()), Cow::Borrowed(_));
    let diags_clean = report.diagnostics.iter().all(|d| {
        clean(&d.message)
            && clean(&d.label)
            && clean(&d.help)
            && d.related.iter().all(|r| clean(&r.message))
    });
    // Tabs, line feeds and carriage returns are the text's own structure; other controls are
    // not valid TOML anyway and only reach a snippet through a syntax error.
    let text_map = OffsetMap::of(shown);
    if name_clean && diags_clean && text_map.is_identity() {
        return Cow::Borrowed(report);
    }
    let source = SourceFile::new(escape_line(report.source.name()), text_map.text.clone());
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| escaped_diagnostic(d, &text_map))
        .collect();
    Cow::Owned(Report {
        source,
        config: report.config.clone(),
        diagnostics,
    })
}

fn escaped_diagnostic(d: &Diagnostic, map: &OffsetMap) -> Diagnostic {
    let mut out = d.clone();
    out.message = escape_controls(&d.message).into_owned();
    out.label = escape_controls(&d.label).into_owned();
    out.help = escape_controls(&d.help).into_owned();
    out.span = map.span(d.span);
    for (rel, orig) in out.related.iter_mut().zip(&d.related) {
        rel.message = escape_controls(&orig.message).into_owned();
        rel.span = map.span(orig.span);
    }
    out.secret = d.secret.map(|s| map.span(s));
    out
}

/// The text with its controls escaped (`\r` kept: it is part of a CRLF line break), and where
/// each original byte offset went.
struct OffsetMap {
    text: String,
    /// `(original offset after an escaped char, bytes added so far)`, ascending.
    shifts: Vec<(usize, usize)>,
}

impl OffsetMap {
    fn of(text: &str) -> Self {
        let mut out = String::with_capacity(text.len());
        let mut shifts = Vec::new();
        let mut added = 0;
        for (i, c) in text.char_indices() {
            let keep =
                c == '\r' || !matches!(escape_controls(c.encode_utf8(&mut [0; 4])), Cow::Owned(_));
            if keep {
                out.push(c);
                continue;
            }
            let escaped = escape_controls(c.encode_utf8(&mut [0; 4])).into_owned();
            added += escaped.len() - c.len_utf8();
            out.push_str(&escaped);
            shifts.push((i + c.len_utf8(), added));
        }
        Self { text: out, shifts }
    }

    fn is_identity(&self) -> bool {
        self.shifts.is_empty()
    }

    fn offset(&self, offset: usize) -> usize {
        let i = self.shifts.partition_point(|&(end, _)| end <= offset);
        offset + i.checked_sub(1).map_or(0, |j| self.shifts[j].1)
    }

    fn span(&self, span: Span) -> Span {
        let start = self.offset(span.start);
        let end = self.offset(span.end.max(span.start));
        Span::new(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcfg_core::Code;

    #[test]
    fn controls_in_text_and_messages_are_escaped_and_spans_follow() {
        let text = "[llm]\na = \u{1b}[2J x\n";
        let at = text.find('x').expect("x");
        let report = Report {
            source: SourceFile::new("a\u{1b}.toml", text),
            config: Default::default(),
            diagnostics: vec![
                Diagnostic::new(Code::TomlSyntax, at..at + 1, "bad `\u{1b}[31m`")
                    .with_label("here\u{7}"),
            ],
        };
        let clean = sanitized(&report);
        assert!(matches!(clean, Cow::Owned(_)));
        let d = &clean.diagnostics[0];
        assert_eq!(&clean.source.text()[d.span.range()], "x");
        assert_eq!(d.message, "bad `\\u{1b}[31m`");
        assert_eq!(clean.source.name(), "a\\u{1b}.toml");
        let out = llmcfg_core::render::plain(&clean.source, d);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
    }

    #[test]
    fn a_clean_report_is_borrowed() {
        let report = llmcfg_core::check("llm.toml", "[llm]\r\n", &Default::default());
        assert!(matches!(sanitized(&report), Cow::Borrowed(_)));
    }
}
