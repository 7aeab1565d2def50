//! Diagnostics about the shape of the file: tables and keys that are missing, unknown or of the
//! wrong TOML type, and values outside what their key accepts.

use crate::code::Code;
use crate::diagnostic::{Applicability, Diagnostic, Span};
use crate::duration::{self, DurationError};
use crate::suggest;

/// `table-not-found`: no table at the selected dotted `path`; `here` names where it was looked
/// for, `near` is a key there spelled like the missing segment.
pub(crate) fn table_not_found(
    span: Span,
    path: &str,
    here: &str,
    near: Option<&str>,
) -> Diagnostic {
    let help = match near {
        Some(near) => {
            format!("did you mean `{near}`? point `table` at the table that holds the llm config")
        }
        None => format!(
            "add a `[{path}]` table with credentials, backends and aliases, or select another table with `table = \"…\"`"
        ),
    };
    Diagnostic::new(
        Code::TableNotFound,
        span,
        format!("no `[{path}]` table in {here}"),
    )
    .with_label(format!("expected `[{path}]`"))
    .with_help(help)
}

/// Where a value of the wrong TOML type was found (`found` is TOML's name of its type).
#[derive(Clone, Copy, Debug)]
pub(crate) enum WrongType<'a> {
    /// A key's value; `example` is the help's `key = …`.
    Value {
        key: &'a str,
        expected: &'a str,
        found: &'a str,
        example: &'a str,
    },
    /// `key` of the llm table at `table` is not an array of tables.
    ArrayOfTables {
        key: &'a str,
        found: &'a str,
        table: &'a str,
    },
    /// An element of the array of tables `key` is not a table.
    Entry {
        key: &'a str,
        found: &'a str,
        table: &'a str,
    },
    /// `aliases` is not a table.
    Aliases { found: &'a str, table: &'a str },
    /// Alias `name` is neither a table nor a string.
    Alias { name: &'a str, found: &'a str },
    /// A section (`discovery`) is not a table; `heading` is what to write.
    Section { key: &'a str, heading: &'a str },
    /// A segment of the selected dotted `path` is not a table.
    Selected {
        walked: &'a str,
        found: &'a str,
        path: &'a str,
    },
}

/// `wrong-type`.
pub(crate) fn wrong_type(span: Span, what: WrongType<'_>) -> Diagnostic {
    let (message, label, help) = match what {
        WrongType::Value {
            key,
            expected,
            found,
            example,
        } => (
            format!("`{key}` must be {expected}, found {found}"),
            format!("expected {expected}"),
            format!("write it as {example}"),
        ),
        WrongType::ArrayOfTables { key, found, table } => (
            format!("`{key}` must be an array of tables, found {found}"),
            "expected an array of tables".to_string(),
            format!("write each entry as a `[[{table}.{key}]]` section"),
        ),
        WrongType::Entry { key, found, table } => (
            format!("each entry of `{key}` must be a table, found {found}"),
            "expected a table".to_string(),
            format!("write each entry as a `[[{table}.{key}]]` section"),
        ),
        WrongType::Aliases { found, table } => (
            format!("`aliases` must be a table, found {found}"),
            "expected a table".to_string(),
            format!(
                "write `[{table}.aliases]` followed by `fast = {{ model = \"openai/gpt-5-nano\" }}`"
            ),
        ),
        WrongType::Alias { name, found } => (
            format!("alias `{name}` must be a table or a string, found {found}"),
            "expected `{ model = \"provider/model\" }`".to_string(),
            format!("write `{name} = {{ model = \"openai/gpt-5-nano\" }}`"),
        ),
        WrongType::Section { key, heading } => (
            format!("`{key}` must be a table"),
            "expected a table".to_string(),
            format!("write `[{heading}]`"),
        ),
        WrongType::Selected {
            walked,
            found,
            path,
        } => (
            format!("`{walked}` is a {found}, not a table"),
            "expected a table".to_string(),
            format!("`{path}` must be a table: `[{path}]`"),
        ),
    };
    Diagnostic::new(Code::WrongType, span, message)
        .with_label(label)
        .with_help(help)
}

/// `missing-field`: `what` (`credential \`openai\``) has no `key`; `example` is its value in
/// the help.
pub(crate) fn missing_field(span: Span, what: &str, key: &str, example: &str) -> Diagnostic {
    Diagnostic::new(
        Code::MissingField,
        span,
        format!("{what} is missing `{key}`"),
    )
    .with_label(format!("no `{key}` here"))
    .with_help(format!("add `{key} = {example}`"))
}

/// `unknown-field`: `name` is not a key of `place`, which accepts `known`.
pub(crate) fn unknown_field<'a>(
    span: Span,
    name: &str,
    place: &str,
    known: impl IntoIterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let close = suggest::closest(name, known.clone());
    let near = close.map(|(n, _)| n);
    let help = match near {
        Some(near) => format!("rename `{name}` to `{near}`"),
        None => format!("remove it; {place} accepts {}", suggest::one_of(known)),
    };
    let diag = Diagnostic::new(
        Code::UnknownField,
        span,
        format!("unknown field `{name}` in {place}"),
    )
    .with_label(near.map_or_else(
        || "unknown field".to_string(),
        |n| format!("did you mean `{n}`?"),
    ))
    .with_help(help);
    // Known keys are bare keys, so the written key (bare or quoted) is replaced as it is.
    match close {
        Some((near, sure)) => diag.with_fix(
            format!("rename `{name}` to `{near}`"),
            (span, near.to_string()),
            sure,
        ),
        None => diag,
    }
}

/// `diag` with a fix replacing the string at `span` by `"near"`, when `near` is one.
pub(crate) fn with_word_fix(diag: Diagnostic, span: Span, near: Near<'_>) -> Diagnostic {
    let Some((near, sure)) = near else {
        return diag;
    };
    match suggest::quoted(near) {
        Some(text) => diag.with_fix(format!("write `{text}`"), (span, text), sure),
        None => diag,
    }
}

/// The word a misspelling most likely meant, and how sure that is.
pub(crate) type Near<'a> = Option<(&'a str, Applicability)>;

/// `out-of-range`: `key` is outside `min..=max`; `example` is the value the help proposes.
pub(crate) fn out_of_range(
    span: Span,
    key: &str,
    (min, max): (i64, i64),
    example: i64,
) -> Diagnostic {
    let (message, help) = if max == i64::MAX {
        (
            format!("`{key}` must not be negative"),
            format!("write 0 or a positive number, e.g. `{key} = {example}`"),
        )
    } else {
        (
            format!("`{key}` must be between {min} and {max}"),
            format!("write a value from {min} to {max}, e.g. `{key} = {example}`"),
        )
    };
    Diagnostic::new(Code::OutOfRange, span, message)
        .with_label("out of range")
        .with_help(help)
}

/// A word outside a closed vocabulary, with the word it most likely meant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UnknownWord<'a> {
    pub(crate) span: Span,
    /// What the vocabulary is called (`op`, `backend kind`).
    pub(crate) what: &'a str,
    pub(crate) word: &'a str,
    pub(crate) near: Near<'a>,
    pub(crate) words: &'a [&'static str],
}

impl UnknownWord<'_> {
    /// The vocabulary codes share one wording on purpose: they differ only in the set.
    pub(super) fn build(self, code: Code) -> Diagnostic {
        let (what, expected) = (self.what, suggest::one_of(self.words.iter().copied()));
        let (label, help) = match self.near.map(|(n, _)| n) {
            Some(near) => (
                format!("did you mean `{near}`?"),
                format!("write `\"{near}\"`; the {what} values are {expected}"),
            ),
            None => (
                format!("not a known {what}"),
                format!("use one of {expected}"),
            ),
        };
        let diag = Diagnostic::new(code, self.span, format!("unknown {what} `{}`", self.word))
            .with_label(label)
            .with_help(help);
        with_word_fix(diag, self.span, self.near)
    }
}

/// `unknown-op`.
pub(crate) fn unknown_op(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownOp)
}

/// `unknown-transport`.
pub(crate) fn unknown_transport(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownTransport)
}

/// `unknown-backend-kind`.
pub(crate) fn unknown_backend_kind(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownBackendKind)
}

/// `unknown-credential-kind`.
pub(crate) fn unknown_credential_kind(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownCredentialKind)
}

/// `unknown-key-output`.
pub(crate) fn unknown_key_output(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownKeyOutput)
}

/// `unknown-policy`.
pub(crate) fn unknown_policy(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownPolicy)
}

/// `unknown-hosting`.
pub(crate) fn unknown_hosting(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownHosting)
}

/// A value outside the few a setting accepts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum UnknownValue<'a> {
    /// `key = value` is none of `allowed`.
    NotOneOf {
        key: &'a str,
        value: &'a str,
        allowed: &'a [&'static str],
    },
    /// `addr = value` is not `host:port`.
    NotHostPort { value: &'a str },
}

/// `unknown-value`.
pub(crate) fn unknown_value(span: Span, what: UnknownValue<'_>) -> Diagnostic {
    match what {
        UnknownValue::NotHostPort { value } => Diagnostic::new(
            Code::UnknownValue,
            span,
            format!("`addr` `{value}` is not `host:port`"),
        )
        .with_label("expected `host:port` or empty")
        .with_help("write `addr = \"127.0.0.1:50051\"`, or `addr = \"\"` to use the SMS address"),
        UnknownValue::NotOneOf {
            key,
            value,
            allowed,
        } => {
            let near = suggest::closest(value, allowed.iter().copied());
            let diag = Diagnostic::new(
                Code::UnknownValue,
                span,
                format!("`{key}` cannot be `{value}`"),
            )
            .with_label(near.map_or_else(
                || "not an accepted value".to_string(),
                |(n, _)| format!("did you mean `{n}`?"),
            ))
            .with_help(format!("use {}", suggest::one_of(allowed.iter().copied())));
            with_word_fix(diag, span, near)
        }
    }
}

/// `duplicate-entry`: `value` listed again in `key`, first at `first`.
pub(crate) fn duplicate_entry(span: Span, first: Span, key: &str, value: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateEntry,
        span,
        format!("`{value}` is listed twice in `{key}`"),
    )
    .with_label("repeated here")
    .with_related(first, "first listed here")
    .with_help(format!("remove the second `\"{value}\"`"))
}

/// `diag` (a `duplicate-entry`) with the fix removing the repeat at `removal`, when known.
pub(crate) fn with_removal(diag: Diagnostic, removal: Option<Span>) -> Diagnostic {
    match removal {
        Some(span) => diag.with_fix(
            "remove the repeat",
            (span, String::new()),
            Applicability::MachineApplicable,
        ),
        None => diag,
    }
}

/// `invalid-duration`: `key`'s string is not a positive duration.
pub(crate) fn invalid_duration(span: Span, key: &str, error: &DurationError) -> Diagnostic {
    let (message, label) = match error {
        DurationError::Zero => (
            format!("`{key}` must be greater than zero"),
            "a zero duration would fail every call at once".to_string(),
        ),
        _ => (
            format!("`{key}` is not a duration"),
            format!("{}: expected a number and a unit", duration::reason(error)),
        ),
    };
    Diagnostic::new(Code::InvalidDuration, span, message)
        .with_label(label)
        .with_help(format!(
            "write `{key} = \"30s\"`: {}",
            duration::ACCEPTED_FORMS
        ))
}
