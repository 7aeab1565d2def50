//! `--table`: the llm table's place in the file, read as a TOML dotted key (`spearlet.llm`,
//! `"my app".llm`), so what the flag names is what the file's header would say.

use std::fmt;

use toml_edit::Key;

/// The dotted path of the llm table: one or more non-empty keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TablePath {
    segments: Vec<String>,
}

/// Why a `--table` value is refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TableError(String);

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TableError {}

impl TablePath {
    /// Parses `text` as a TOML dotted key. Empty keys (`""`, `a..b`, `.`) are refused: no
    /// config has an llm table there, and an edit would write a junk table.
    pub(crate) fn parse(text: &str) -> Result<Self, TableError> {
        let shown = crate::text::escape_line(text);
        let keys = Key::parse(text).map_err(|_| {
            TableError(format!(
                "`{shown}` is not a TOML dotted key: write the table's path as its header does, \
                 e.g. `spearlet.llm` or `\"my app\".llm`, with no empty part"
            ))
        })?;
        if keys.iter().any(|k| k.get().trim().is_empty()) {
            return Err(TableError(format!(
                "`{shown}` has an empty part: every part of the table path names a table, e.g. \
                 `spearlet.llm`"
            )));
        }
        // The validator selects the table by splitting on `.`, so a key holding one cannot be
        // told apart from two keys.
        if keys.iter().any(|k| k.get().contains('.')) {
            return Err(TableError(format!(
                "`{shown}` has a quoted part holding `.`, which llmcfg cannot select; rename the \
                 table"
            )));
        }
        Ok(Self {
            segments: keys.into_iter().map(|k| k.get().to_owned()).collect(),
        })
    }

    /// The table's keys, outermost first.
    pub(crate) fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The path as the validator's `Options::table` takes it: keys joined by `.`.
    pub(crate) fn dotted(&self) -> String {
        self.segments.join(".")
    }

    /// The default `llm` table.
    pub(crate) fn default_table() -> Self {
        Self {
            segments: vec![llmcfg_core::DEFAULT_TABLE.to_owned()],
        }
    }
}

impl fmt::Display for TablePath {
    /// The path as a TOML header would write it (quoting the keys that need it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(&Key::new(segment.as_str()).display_repr())?;
        }
        Ok(())
    }
}

/// The clap parser of `--table`.
pub(crate) fn parse_table(text: &str) -> Result<TablePath, TableError> {
    TablePath::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(text: &str) -> Result<Vec<String>, TableError> {
        TablePath::parse(text).map(|t| t.segments)
    }

    #[test]
    fn dotted_keys_with_quotes() {
        assert_eq!(segments("llm"), Ok(vec!["llm".to_owned()]));
        assert_eq!(
            segments("spearlet . llm"),
            Ok(vec!["spearlet".to_owned(), "llm".to_owned()])
        );
        let quoted = TablePath::parse("\"my app\".llm").expect("quoted");
        assert_eq!(quoted.dotted(), "my app.llm");
        assert_eq!(quoted.to_string(), "\"my app\".llm");
    }

    #[test]
    fn empty_parts_are_refused() {
        for bad in ["", "\"\"", "a..b", ".", "a.", ".a", "a.\"\".b", "a.' '"] {
            assert!(TablePath::parse(bad).is_err(), "{bad:?}");
        }
        assert!(TablePath::parse("\"a.b\".llm").is_err());
        let err = TablePath::parse("a\u{1b}[2J..b").expect_err("bad");
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
    }
}
