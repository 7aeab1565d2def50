//! Small text helpers every command shares: counted nouns, and escaping the control characters
//! a hostile config or registry could use to write terminal escape sequences into a log.

use std::borrow::Cow;

/// `1 file`, `2 files`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `text` with every control character but tab and line feed written as `\u{1b}`: core's, so
/// the CLI and the diagnostics escape alike.
pub(crate) use llmcfg_core::render::escape_controls;

/// [`escape_controls`] also for line feeds: for a name on one line of output.
pub(crate) fn escape_line(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return escape_controls(text);
    }
    Cow::Owned(escape_controls(text).replace('\n', "\\u{a}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(0, "file", "files"), "0 files");
    }

    #[test]
    fn escapes_controls_but_keeps_text() {
        assert_eq!(
            escape_controls("plain `name`\n\tnext"),
            "plain `name`\n\tnext"
        );
        assert_eq!(escape_controls("a\u{1b}[31mred\r"), "a\\u{1b}[31mred\\u{d}");
        assert_eq!(escape_controls("\u{9b}2J\u{7f}"), "\\u{9b}2J\\u{7f}");
        assert_eq!(escape_line("a\nb\u{7}"), "a\\u{a}b\\u{7}");
        assert!(matches!(escape_controls("é ü"), Cow::Borrowed(_)));
    }
}
