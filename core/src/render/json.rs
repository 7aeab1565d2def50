//! The structured form of a diagnostic, as `--message-format json` prints it: the fields every
//! reader relies on, and the suggestions in rustc's JSON shape.

use serde::Serialize;

use super::{clean, mask_keys};
use crate::diagnostic::{Diagnostic, SourceFile};

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
    /// The fixes, in the shape of rustc's JSON: one `help` child per suggestion, its spans
    /// holding `suggested_replacement` and `suggestion_applicability`.
    pub children: Vec<JsonChild>,
}

/// A child of a [`JsonDiagnostic`], as rustc's JSON writes one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JsonChild {
    /// What the fix does.
    pub message: String,
    /// Always `help`.
    pub level: &'static str,
    /// The edits.
    pub spans: Vec<JsonSpan>,
}

/// One edit of a suggestion, with rustc's field names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JsonSpan {
    /// The file, as named when checked.
    pub file_name: String,
    /// The first byte replaced.
    pub byte_start: usize,
    /// One past the last byte replaced (`byte_start` for an insertion).
    pub byte_end: usize,
    /// 1-based line of `byte_start`.
    pub line_start: usize,
    /// 1-based column (characters) of `byte_start`.
    pub column_start: usize,
    /// 1-based line of `byte_end`.
    pub line_end: usize,
    /// 1-based column (characters) of `byte_end`.
    pub column_end: usize,
    /// Always true: every edit is part of the fix.
    pub is_primary: bool,
    /// The text that replaces the bytes.
    pub suggested_replacement: String,
    /// `MachineApplicable`, `MaybeIncorrect`, `HasPlaceholders` or `Unspecified`.
    pub suggestion_applicability: &'static str,
}

/// The suggestions of `diag` as rustc's JSON children. A suggestion whose replacement masking
/// would change (something key-shaped) is left out: a fix never carries a secret.
fn children(source: &SourceFile, diag: &Diagnostic) -> Vec<JsonChild> {
    let file_name = clean(source.name());
    diag.suggestions
        .iter()
        .filter(|s| {
            s.edits
                .iter()
                .all(|e| mask_keys(&e.replacement) == e.replacement)
        })
        .map(|s| JsonChild {
            message: clean(&s.message),
            level: "help",
            spans: s
                .edits
                .iter()
                .map(|e| {
                    let (start, end) = (source.location(e.span.start), source.location(e.span.end));
                    JsonSpan {
                        file_name: file_name.clone(),
                        byte_start: e.span.start,
                        byte_end: e.span.end,
                        line_start: start.line,
                        column_start: start.column,
                        line_end: end.line,
                        column_end: end.column,
                        is_primary: true,
                        suggested_replacement: e.replacement.clone(),
                        suggestion_applicability: s.applicability.as_str(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The structured form of `diag`.
pub fn json(source: &SourceFile, diag: &Diagnostic) -> JsonDiagnostic {
    let start = source.location(diag.span.start);
    let end = source.location(diag.span.end.max(diag.span.start));
    JsonDiagnostic {
        code: diag.code.as_str(),
        severity: diag.severity.as_str(),
        file: clean(source.name()),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: clean(&diag.message),
        help: clean(&diag.help),
        children: children(source, diag),
    }
}
