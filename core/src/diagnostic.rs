//! A diagnostic (code, severity, span, message, help) and the source file it points into,
//! which turns byte spans into 1-based line:column locations.

use std::ops::Range;
use std::sync::Arc;

use crate::code::{Code, Severity};

/// A byte range into the source text: `start..end`, copied freely (two words, no heap).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// From the start of `self` to the end of `other` (a key and its value).
    #[must_use]
    pub const fn to(self, other: Span) -> Span {
        Span::new(self.start, other.end)
    }

    /// The same bytes as a range, for slicing.
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

impl From<Span> for Range<usize> {
    fn from(span: Span) -> Self {
        span.range()
    }
}

/// One finding of the validator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// Where it is wrong.
    pub span: Span,
    /// A short note printed under the span; empty for none.
    pub label: String,
    /// What to write instead. Never empty.
    pub help: String,
    /// Other places that matter (the first definition of a duplicate, …).
    pub related: Vec<Related>,
    /// The span of a secret value this diagnostic found in the file. Reports never show it:
    /// [`check`](crate::check) masks it in every snippet of the file's source.
    pub secret: Option<Span>,
    /// Edits that fix it, as rustc's suggestions: `cargo llmcfg check --fix` applies the
    /// [`Applicability::MachineApplicable`] ones.
    pub suggestions: Vec<Suggestion>,
}

/// How sure a [`Suggestion`] is, with rustc's names and meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Applicability {
    /// Certainly what was meant: tools may apply it without asking.
    MachineApplicable,
    /// Probably what was meant; a person should look first.
    MaybeIncorrect,
    /// Contains a placeholder a person must fill in.
    HasPlaceholders,
    /// Not known.
    Unspecified,
}

impl Applicability {
    /// The name rustc's JSON uses (`MachineApplicable`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
            Applicability::HasPlaceholders => "HasPlaceholders",
            Applicability::Unspecified => "Unspecified",
        }
    }
}

/// One replacement of the bytes of `span` (empty for an insertion).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    /// The bytes replaced; `start == end` inserts.
    pub span: Span,
    /// What goes there.
    pub replacement: String,
}

/// A fix: one or more edits applied together, with how sure it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What the fix does, shown as its `help` (rustc's child message).
    pub message: String,
    /// The edits, in file order, not overlapping.
    pub edits: Vec<Edit>,
    /// Whether a tool may apply it unasked.
    pub applicability: Applicability,
}

/// A secondary location of a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Where.
    pub span: Span,
    /// What is there.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic of `code` at `span`, with the code's default severity.
    pub fn new(code: Code, span: impl Into<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            span: span.into(),
            label: String::new(),
            help: String::new(),
            related: Vec::new(),
            secret: None,
            suggestions: Vec::new(),
        }
    }

    /// Adds a fix replacing `span` with `replacement`.
    #[must_use]
    pub fn with_fix(
        self,
        message: impl Into<String>,
        (span, replacement): (Span, String),
        applicability: Applicability,
    ) -> Self {
        let edit = Edit { span, replacement };
        self.with_edits(message, vec![edit], applicability)
    }

    /// Adds a fix made of several edits applied together (sorted into file order).
    #[must_use]
    pub fn with_edits(
        mut self,
        message: impl Into<String>,
        mut edits: Vec<Edit>,
        applicability: Applicability,
    ) -> Self {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        self.suggestions.push(Suggestion {
            message: message.into(),
            edits,
            applicability,
        });
        self
    }

    /// The fixes a tool may apply unasked.
    pub fn machine_fixes(&self) -> impl Iterator<Item = &Suggestion> {
        self.suggestions
            .iter()
            .filter(|s| s.applicability == Applicability::MachineApplicable)
    }

    /// Marks `span` as a secret value that reports must not show.
    #[must_use]
    pub fn with_secret(mut self, span: impl Into<Span>) -> Self {
        self.secret = Some(span.into());
        self
    }

    /// Sets the note printed under the span.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets what to write instead.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }

    /// Adds a secondary location.
    #[must_use]
    pub fn with_related(mut self, span: impl Into<Span>, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span: span.into(),
            message: message.into(),
        });
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A config file's name (as shown in reports) and text, with an index of line starts, and the
/// text reports show: the same with every secret value masked.
#[derive(Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    shown: Arc<str>,
    line_starts: Arc<[usize]>,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The raw text may hold a secret the validator found; show only what reports show.
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .field("text", &self.shown)
            .finish()
    }
}

impl SourceFile {
    /// A source named `name` (usually the path as the user wrote it) holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text: String = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect::<Vec<_>>();
        let text: Arc<str> = Arc::from(text);
        SourceFile {
            name: Arc::from(name.into()),
            shown: Arc::clone(&text),
            text,
            line_starts: Arc::from(line_starts),
        }
    }

    /// Masks the bytes of `span` (between its quotes, if any) with `*` in [`SourceFile::shown`].
    /// Byte offsets and line breaks are kept, so every span still points at the same place.
    pub fn redact(&mut self, span: Span) {
        let start = self.clamp(span.start);
        let end = self.clamp(span.end.max(start));
        let mut bytes = self.shown.as_bytes().to_vec();
        let (mut from, mut to) = (start, end);
        if to >= from + 2 && matches!(bytes[from], b'"' | b'\'') && bytes[to - 1] == bytes[from] {
            from += 1;
            to -= 1;
        }
        for b in &mut bytes[from..to] {
            if !matches!(*b, b'\n' | b'\r') {
                *b = b'*';
            }
        }
        // Whole chars were replaced by ASCII, so the bytes stay UTF-8.
        if let Ok(shown) = String::from_utf8(bytes) {
            self.shown = Arc::from(shown);
        }
    }

    /// The text as reports show it: [`SourceFile::text`] with secret values masked.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The name shown in reports.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The whole text, shared (for readers that build fixes from what is written).
    pub(crate) fn shared_text(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// The location of byte `offset` (clamped to the text and to a char boundary).
    pub fn location(&self, offset: usize) -> Location {
        let offset = self.clamp(offset);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        // A byte order mark is invisible in editors: line 1's columns start after it.
        let column = self.text[start..offset]
            .trim_start_matches('\u{feff}')
            .chars()
            .count()
            + 1;
        Location {
            line: line + 1,
            column,
        }
    }

    /// The text of 1-based line `line` as reports show it (secrets masked), without its line
    /// break.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next);
        self.shown[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte offset where 1-based line `line` starts (the text's end past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .map_or(self.text.len(), |&start| start)
    }

    /// `offset` moved into the text and back onto a char boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based_and_count_chars() {
        let src = SourceFile::new("a.toml", "a = 1\n# é\nb = 2");
        assert_eq!(src.location(0), Location { line: 1, column: 1 });
        assert_eq!(src.location(4), Location { line: 1, column: 5 });
        assert_eq!(src.location(6), Location { line: 2, column: 1 });
        // After the two-byte `é`.
        assert_eq!(src.location(10), Location { line: 2, column: 4 });
        assert_eq!(src.location(11), Location { line: 3, column: 1 });
        assert_eq!(src.location(999), Location { line: 3, column: 6 });
        // Inside `é`: clamped back to its start.
        assert_eq!(src.location(9), Location { line: 2, column: 3 });
        assert_eq!(src.line_text(2), "# é");
        assert_eq!(src.line_text(9), "");
    }
}
