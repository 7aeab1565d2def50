//! One table read against its declaration: every read marks its key, and [`Fields::finalize`]
//! reports the keys nobody read as unknown, with "did you mean" over the declared names, so no
//! reader keeps a list of the keys it knows.

use std::time::Duration;

use toml::de::DeTable;

use super::{Reader, Vocab, int_decl};
use crate::diags::{self, UnknownValue};
use crate::keys::{Key, Table, Ty, Value};
use crate::model::Spanned;
use crate::parse::{RawKey, RawValue};

/// The keys of one table and which of them were read.
#[derive(Debug)]
pub(crate) struct Fields<'a, 'i> {
    decl: &'static Table,
    entries: Vec<(&'a RawKey<'i>, &'a RawValue<'i>)>,
    read: Vec<bool>,
}

impl<'a, 'i> Fields<'a, 'i> {
    /// Starts reading `table`, whose keys `decl` declares.
    pub(crate) fn new(decl: &'static Table, table: &'a DeTable<'i>) -> Self {
        let entries = crate::parse::entries(table);
        let read = vec![false; entries.len()];
        Fields {
            decl,
            entries,
            read,
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(k, _)| k.get_ref().as_ref() == name)
    }

    /// The declaration of `name`. Reading a key the table does not declare is a bug in the
    /// reader, not in the file: the tests read every declared key.
    fn decl(&self, name: &str) -> Option<&'static Key> {
        let key = self.decl.key(name);
        debug_assert!(
            key.is_some(),
            "`{name}` is not declared in `{}`",
            self.decl.id
        );
        key
    }

    /// Whether the table declares `name` (the call keys are read on every table that does).
    pub(crate) fn declares(&self, name: &str) -> bool {
        self.decl.key(name).is_some()
    }

    /// The key and value written for `name`, marked read. For keys no declaration lists (a
    /// legacy key with its own diagnostic).
    pub(crate) fn take_entry(&mut self, name: &str) -> Option<(&'a RawKey<'i>, &'a RawValue<'i>)> {
        let i = self.position(name)?;
        self.read[i] = true;
        Some(self.entries[i])
    }

    /// The value of declared key `name`, marked read.
    pub(crate) fn take(&mut self, name: &str) -> Option<&'a RawValue<'i>> {
        self.decl(name)?;
        self.take_entry(name).map(|(_, v)| v)
    }

    /// Whether `name` was written at all, whatever its value (read or not).
    pub(crate) fn written(&self, name: &str) -> Option<&'a RawValue<'i>> {
        self.position(name).map(|i| self.entries[i].1)
    }

    /// A string key.
    pub(crate) fn string(&mut self, r: &mut Reader, name: &str) -> Option<Spanned<String>> {
        let value = self.take(name)?;
        r.string(name, value)
    }

    /// A boolean key.
    pub(crate) fn boolean(&mut self, r: &mut Reader, name: &str) -> Option<bool> {
        let value = self.take(name)?;
        r.boolean(name, value)
    }

    /// An integer key, in the range its declaration gives; help texts propose its default.
    pub(crate) fn integer(&mut self, r: &mut Reader, name: &str) -> Option<i64> {
        let (range, example) = int_decl(self.decl(name)?);
        let value = self.take(name)?;
        r.integer(name, value, range, example)
    }

    /// A duration key.
    pub(crate) fn duration(&mut self, r: &mut Reader, name: &str) -> Option<Spanned<Duration>> {
        let value = self.take(name)?;
        r.duration(name, value)
    }

    /// An array-of-strings key.
    pub(crate) fn strings(&mut self, r: &mut Reader, name: &str) -> Option<Vec<Spanned<String>>> {
        let value = self.take(name)?;
        r.strings(name, value)
    }

    /// A key holding a string or an array of strings.
    pub(crate) fn string_or_strings(
        &mut self,
        r: &mut Reader,
        name: &str,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let value = self.take(name)?;
        r.string_or_strings(name, value)
    }

    /// An array-of-strings key as plain strings; empty when absent or unreadable.
    pub(crate) fn plain_strings(&mut self, r: &mut Reader, name: &str) -> Vec<String> {
        self.strings(r, name)
            .map(|v| v.into_iter().map(|s| s.value).collect())
            .unwrap_or_default()
    }

    /// An array-of-words key.
    pub(crate) fn words<T: Copy + PartialEq>(
        &mut self,
        r: &mut Reader,
        name: &str,
        vocab: Vocab<T>,
    ) -> Option<Vec<Spanned<T>>> {
        let value = self.take(name)?;
        r.words(name, value, vocab)
    }

    /// A one-word key, spanned where the word was written.
    pub(crate) fn word<T: Copy>(
        &mut self,
        r: &mut Reader,
        name: &str,
        vocab: Vocab<T>,
    ) -> Option<Spanned<T>> {
        let s = self.string(r, name)?;
        r.word(&s, vocab).map(|w| Spanned::new(w, s.span))
    }

    /// The default the declaration of `name` gives.
    fn default_of(&self, name: &str) -> Option<Value> {
        self.decl(name).and_then(|k| k.default)
    }

    /// An integer key, or its declared default when absent or unreadable.
    pub(crate) fn integer_or_default(&mut self, r: &mut Reader, name: &str) -> i64 {
        let default = match self.default_of(name) {
            Some(Value::Int(n)) => n,
            _ => 0,
        };
        self.integer(r, name).unwrap_or(default)
    }

    /// A boolean key, or its declared default when absent or unreadable.
    pub(crate) fn boolean_or_default(&mut self, r: &mut Reader, name: &str) -> bool {
        let default = matches!(self.default_of(name), Some(Value::Bool(true)));
        self.boolean(r, name).unwrap_or(default)
    }

    /// A string key, or its declared default when absent or unreadable.
    pub(crate) fn string_or_default(&mut self, r: &mut Reader, name: &str) -> String {
        let default = match self.default_of(name) {
            Some(Value::Str(s)) => s,
            _ => "",
        };
        self.string(r, name)
            .map_or_else(|| default.to_string(), |s| s.value)
    }

    /// An array-of-words key: the declared default when absent, what could be read when
    /// written (nothing, when it could not).
    pub(crate) fn words_or_default<T: Copy + PartialEq>(
        &mut self,
        r: &mut Reader,
        name: &str,
        vocab: Vocab<T>,
    ) -> Vec<T> {
        if self.written(name).is_none() {
            let words = match self.default_of(name) {
                Some(Value::Strs(words)) => words,
                _ => &[],
            };
            return words.iter().filter_map(|w| (vocab.parse)(w)).collect();
        }
        self.words(r, name, vocab)
            .map(|v| v.into_iter().map(|w| w.value).collect())
            .unwrap_or_default()
    }

    /// A key that takes one of the few words its declaration lists (`scope`); the declared
    /// default when absent or refused.
    pub(crate) fn one_of(&mut self, r: &mut Reader, name: &str) -> String {
        let allowed = match self.decl(name).map(|k| k.ty) {
            Some(Ty::Word(words)) => (words.list)(),
            _ => Vec::new(),
        };
        let default = match self.default_of(name) {
            Some(Value::Str(s)) => s.to_string(),
            _ => String::new(),
        };
        let Some(s) = self.string(r, name) else {
            return default;
        };
        if allowed.contains(&s.value.as_str()) {
            return s.value;
        }
        let what = UnknownValue::NotOneOf {
            key: name,
            value: &s.value,
            allowed: &allowed,
        };
        r.push(diags::unknown_value(s.span, what));
        default
    }

    /// Ends the table: every key nobody read is unknown in `place` (`a \`[[llm.backends]]\`
    /// entry`).
    pub(crate) fn finalize(self, r: &mut Reader, place: &str) {
        for (i, (key, value)) in self.entries.into_iter().enumerate() {
            if !self.read[i] {
                r.unknown_key(key, value, self.decl, place);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, check};

    fn unknown_fields(text: &str) -> Vec<String> {
        check("t.toml", text, &Options::default())
            .diagnostics
            .iter()
            .filter(|d| d.code.as_str() == "unknown-field")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn every_unread_key_is_reported_once_in_file_order() {
        let text = "[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\nops = [\"embeddings\"]\n\
                    zeta = 1\nalpha = { x = 1 }\n";
        assert_eq!(
            unknown_fields(text),
            [
                "unknown field `zeta` in a `[[llm.backends]]` entry",
                "unknown field `alpha` in a `[[llm.backends]]` entry",
            ]
        );
    }

    #[test]
    fn inline_and_section_tables_read_the_same() {
        let section = "[llm.discovery.ollama]\nenabeld = true\n";
        let inline = "[llm]\ndiscovery = { ollama = { enabeld = true } }\n";
        for text in [section, inline] {
            let report = check("t.toml", text, &Options::default());
            let d = &report.diagnostics[0];
            assert_eq!(d.code.as_str(), "unknown-field", "{text}");
            assert_eq!(d.label, "did you mean `enabled`?", "{text}");
        }
    }
}
