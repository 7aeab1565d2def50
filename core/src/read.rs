//! Phase two's tools: [`Reader`] turns spanned TOML values into typed, spanned Rust values
//! (reporting wrong types, unknown words, bad durations and plaintext secrets into the pass's
//! one sink), and [`Fields`] reads one table against its declaration in [`crate::keys`],
//! recording which keys were read so that [`Fields::finalize`] reports every other key as
//! unknown. toml's spanned tree holds `[section]` tables and `{ inline }` tables alike, so one
//! path serves both.

use std::sync::Arc;
use std::time::Duration;

use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Applicability, Diagnostic, Span};
use crate::diags::{self, Sink, UnknownWord, WrongType};
use crate::keys::{self, Ty};
use crate::model::Spanned;
use crate::parse::{RawKey, RawValue, holds_secret, is_secret_key};
use crate::suggest;

mod fields;
pub(crate) use fields::Fields;

/// The span of a raw key or value.
pub(crate) fn span_of<T>(spanned: &toml::Spanned<T>) -> Span {
    spanned.span().into()
}

/// The bytes that remove the array item at `span`, a repeat of an earlier one: from the comma
/// before it (blanks and line breaks between allowed) to its end. `None` when something else
/// (a comment) is in between, so nothing but the item and its comma ever goes.
fn repeated_item(text: &str, span: Span) -> Option<Span> {
    let before = text.get(..span.start)?.trim_end();
    let kept = before.strip_suffix(',')?;
    // A `#` earlier on the comma's line may start a comment holding that comma.
    let line = &kept[kept.rfind('\n').map_or(0, |i| i + 1)..];
    (!line.contains('#')).then(|| Span::new(kept.len(), span.end))
}

/// Reads spanned values into typed ones; the sink of the reading pass.
#[derive(Debug)]
pub(crate) struct Reader {
    /// The dotted path of the llm table, for help texts.
    pub(crate) table: String,
    /// The file's text: fixes that insert text look at what is written around them.
    pub(crate) text: Arc<str>,
    sink: Sink,
}

impl Reader {
    pub(crate) fn new(table: &str, text: Arc<str>) -> Self {
        Reader {
            table: table.to_string(),
            text,
            sink: Sink::default(),
        }
    }

    pub(crate) fn push(&mut self, diag: Diagnostic) {
        self.sink.push(diag);
    }

    /// Ends the pass.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.sink.finish()
    }

    fn wrong_type(&mut self, key: &str, value: &RawValue<'_>, expected: &str, example: &str) {
        let what = WrongType::Value {
            key,
            expected,
            found: value.get_ref().type_str(),
            example,
        };
        self.push(diags::wrong_type(span_of(value), what));
    }

    /// A string value. Strings that look like API keys are reported as plaintext secrets.
    pub(crate) fn string(&mut self, key: &str, value: &RawValue<'_>) -> Option<Spanned<String>> {
        let Some(s) = value.get_ref().as_str() else {
            self.wrong_type(key, value, "a string", &format!("`{key} = \"…\"`"));
            return None;
        };
        if key != "api_key_env" && holds_secret(s) {
            self.plaintext_secret(key, span_of(value), span_of(value));
            // Treated as absent: later messages would otherwise quote the key.
            return None;
        }
        Some(Spanned::new(s.to_string(), value.span()))
    }

    /// A boolean value.
    pub(crate) fn boolean(&mut self, key: &str, value: &RawValue<'_>) -> Option<bool> {
        let b = value.get_ref().as_bool();
        if b.is_none() {
            self.wrong_type(
                key,
                value,
                "a boolean",
                &format!("`{key} = true` or `{key} = false`"),
            );
        }
        b
    }

    /// An integer within `range`; `example` is the value help texts propose.
    pub(crate) fn integer(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
        range: (i64, i64),
        example: i64,
    ) -> Option<i64> {
        let Some(int) = value.get_ref().as_integer() else {
            self.wrong_type(key, value, "an integer", &format!("`{key} = {example}`"));
            return None;
        };
        let parsed = i128::from_str_radix(int.as_str(), int.radix()).ok();
        match parsed {
            Some(n) if (i128::from(range.0)..=i128::from(range.1)).contains(&n) => {
                i64::try_from(n).ok()
            }
            _ => {
                self.push(diags::out_of_range(span_of(value), key, range, example));
                None
            }
        }
    }

    /// A positive duration string (`"30s"`), parsed by [`crate::duration::parse`].
    pub(crate) fn duration(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
    ) -> Option<Spanned<Duration>> {
        let Some(text) = value.get_ref().as_str() else {
            let example = format!("`{key} = \"30s\"`");
            self.wrong_type(key, value, "a duration string", &example);
            return None;
        };
        match crate::duration::parse(text) {
            Ok(d) => Some(Spanned::new(d, value.span())),
            Err(error) => {
                self.push(diags::invalid_duration(span_of(value), key, &error));
                None
            }
        }
    }

    /// An array of strings; elements of another type are reported and skipped.
    pub(crate) fn strings(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
    ) -> Option<Vec<Spanned<String>>> {
        let Some(array) = value.get_ref().as_array() else {
            // A single string only lacks its brackets.
            let example = match value.get_ref().as_str() {
                Some(one) if !one.contains(['"', '\\', '\n']) => format!("`{key} = [\"{one}\"]`"),
                _ => format!("`{key} = [\"…\"]`"),
            };
            self.wrong_type(key, value, "an array of strings", &example);
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for item in array.iter() {
            if let Some(s) = self.string(key, item) {
                out.push(s);
            }
        }
        Some(out)
    }

    /// A string or an array of strings (`api_key_env`): the strings, and the span of the
    /// whole value. `None` when the value is of another type (reported).
    pub(crate) fn string_or_strings(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        if value.get_ref().as_array().is_some() {
            let items = self.strings(key, value)?;
            return Some(Spanned::new(items, value.span()));
        }
        if value.get_ref().as_str().is_none() {
            let example = format!("`{key} = \"…\"` or `{key} = [\"…\", \"…\"]`");
            self.wrong_type(key, value, "a string or an array of strings", &example);
            return None;
        }
        let one = self.string(key, value)?;
        Some(Spanned::new(vec![one], value.span()))
    }

    /// The bytes to delete to remove the repeated array item at `item` (with its comma).
    pub(crate) fn removal_of(&self, item: Span) -> Option<Span> {
        repeated_item(&self.text, item)
    }

    /// An array of vocabulary words (ops, transports), each checked with "did you mean".
    pub(crate) fn words<T: Copy + PartialEq>(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
        vocab: Vocab<T>,
    ) -> Option<Vec<Spanned<T>>> {
        let items = self.strings(key, value)?;
        let mut out: Vec<Spanned<T>> = Vec::with_capacity(items.len());
        for item in items {
            let Some(word) = self.word(&item, vocab) else {
                continue;
            };
            if let Some(first) = out.iter().find(|w| w.value == word) {
                let first = first.span;
                let removal = repeated_item(&self.text, item.span);
                let diag = diags::duplicate_entry(item.span, first, key, &item.value);
                self.push(diags::with_removal(diag, removal));
                continue;
            }
            out.push(Spanned::new(word, item.span));
        }
        Some(out)
    }

    /// One vocabulary word, with "did you mean" when unknown.
    pub(crate) fn word<T: Copy>(&mut self, item: &Spanned<String>, vocab: Vocab<T>) -> Option<T> {
        if let Some(word) = (vocab.parse)(&item.value) {
            return Some(word);
        }
        let words = (vocab.words)();
        // A provider written as a kind names one kind: as sure as a single close word.
        let near = (vocab.near)(&item.value)
            .map(|n| (n, Applicability::MachineApplicable))
            .or_else(|| suggest::closest(&item.value, words.iter().copied()));
        self.push((vocab.unknown)(UnknownWord {
            span: item.span,
            what: vocab.what,
            word: &item.value,
            near,
            words: &words,
        }));
        None
    }

    /// Reports a key the schema does not know at `key`, unless it is a plaintext secret, and
    /// scans its value for secrets nested deeper.
    pub(crate) fn unknown_key(
        &mut self,
        key: &RawKey<'_>,
        value: &RawValue<'_>,
        known: &keys::Table,
        place: &str,
    ) {
        let name = key.get_ref().as_ref();
        if is_secret_key(name) && value.get_ref().is_str() {
            self.plaintext_secret(name, span_of(key).to(span_of(value)), span_of(value));
            return;
        }
        self.push(diags::unknown_field(
            span_of(key),
            name,
            place,
            known.names(),
        ));
        self.scan_secrets(value);
    }

    /// Reports secret-looking keys anywhere inside `value`.
    pub(crate) fn scan_secrets(&mut self, value: &RawValue<'_>) {
        match value.get_ref() {
            DeValue::Table(table) => {
                for (k, v) in crate::parse::entries(table) {
                    if is_secret_key(k.get_ref()) && v.get_ref().is_str() {
                        self.plaintext_secret(k.get_ref(), span_of(k).to(span_of(v)), span_of(v));
                    } else {
                        self.scan_secrets(v);
                    }
                }
            }
            DeValue::Array(array) => array.iter().for_each(|v| self.scan_secrets(v)),
            DeValue::String(s) if holds_secret(s) => {
                self.plaintext_secret("value", span_of(value), span_of(value));
            }
            _ => {}
        }
    }

    /// Reports the secret at `value` (inside `span`); the value is masked in every snippet.
    fn plaintext_secret(&mut self, key: &str, span: Span, value: Span) {
        let diag = diags::plaintext_secret(span, value, key, &self.table);
        self.push(diag);
    }

    /// The tables of an array of tables (`[[llm.backends]]`), reporting anything else.
    pub(crate) fn array_of_tables<'a, 'i>(
        &mut self,
        key: &str,
        value: Option<&'a RawValue<'i>>,
    ) -> Vec<(&'a DeTable<'i>, Span)> {
        let Some(value) = value else {
            return Vec::new();
        };
        let Some(array) = value.get_ref().as_array() else {
            let found = value.get_ref().type_str();
            let what = WrongType::ArrayOfTables {
                key,
                found,
                table: &self.table,
            };
            let diag = diags::wrong_type(span_of(value), what);
            self.push(diag);
            return Vec::new();
        };
        let mut out = Vec::with_capacity(array.len());
        for item in array.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, span_of(item))),
                other => {
                    let what = WrongType::Entry {
                        key,
                        found: other.type_str(),
                        table: &self.table,
                    };
                    let diag = diags::wrong_type(span_of(item), what);
                    self.push(diag);
                }
            }
        }
        out
    }

    /// The table at `value`, or a `wrong-type` telling to write `[heading]` (under the llm
    /// table) instead.
    pub(crate) fn section<'a, 'i>(
        &mut self,
        key: &str,
        value: &'a RawValue<'i>,
        heading: &str,
    ) -> Option<&'a DeTable<'i>> {
        if let Some(table) = value.get_ref().as_table() {
            return Some(table);
        }
        let heading = format!("{}.{heading}", self.table);
        let what = WrongType::Section {
            key,
            heading: &heading,
        };
        self.push(diags::wrong_type(span_of(value), what));
        None
    }
}

/// A closed vocabulary as the reader needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Vocab<T> {
    pub(crate) what: &'static str,
    /// The constructor of the vocabulary's own code.
    pub(crate) unknown: fn(UnknownWord<'_>) -> Diagnostic,
    pub(crate) parse: fn(&str) -> Option<T>,
    pub(crate) words: fn() -> Vec<&'static str>,
    /// A word-specific suggestion tried before spelling distance (a provider name written as
    /// a backend kind: `openai` → `openai_chat_completion`).
    pub(crate) near: fn(&str) -> Option<&'static str>,
}

/// The integer range a declaration gives `key`, and the example help texts propose (its
/// default, else 0).
pub(crate) fn int_decl(key: &keys::Key) -> ((i64, i64), i64) {
    let range = match key.ty {
        Ty::Int { min, max } => (min, max),
        _ => (i64::MIN, i64::MAX),
    };
    let example = match key.default {
        Some(keys::Value::Int(n)) => n,
        _ => 0,
    };
    (range, example)
}

#[cfg(test)]
mod tests {
    use crate::{Diagnostic, Options, check};

    fn only(text: &str) -> Diagnostic {
        let report = check("t.toml", text, &Options::default());
        assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
        report.diagnostics[0].clone()
    }

    fn backend_with(timeout: &str) -> String {
        format!(
            "[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\nops = [\"embeddings\"]\ntimeout = {timeout}\n"
        )
    }

    #[test]
    fn a_timeout_is_read_as_a_duration() {
        let report = check("t.toml", &backend_with("\"250ms\""), &Options::default());
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let timeout = report.config.backends[0].calls.timeout.expect("timeout");
        assert_eq!(timeout.value, std::time::Duration::from_millis(250));
        assert_eq!(
            &backend_with("\"250ms\"")[timeout.span.range()],
            "\"250ms\""
        );
    }

    #[test]
    fn zero_and_malformed_durations_have_their_own_code_and_wording() {
        let zero = only(&backend_with("\"0s\""));
        assert_eq!(zero.code.as_str(), "invalid-duration");
        assert_eq!(zero.message, "`timeout` must be greater than zero");
        assert!(zero.help.contains("`\"250ms\"`"), "{}", zero.help);
        let bare = only(&backend_with("\"30\""));
        assert_eq!(bare.code.as_str(), "invalid-duration");
        assert_eq!(bare.message, "`timeout` is not a duration");
        assert_eq!(bare.label, "unknown unit: expected a number and a unit");
        assert!(
            bare.help
                .starts_with("write `timeout = \"30s\"`: a number and a unit")
        );
    }

    #[test]
    fn a_timeout_that_is_not_a_string_is_a_wrong_type_with_a_duration_example() {
        let d = only(&backend_with("30"));
        assert_eq!(d.code.as_str(), "wrong-type");
        assert_eq!(
            d.message,
            "`timeout` must be a duration string, found integer"
        );
        assert_eq!(d.help, "write it as `timeout = \"30s\"`");
    }
}
