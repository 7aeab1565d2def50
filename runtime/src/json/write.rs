//! JSON text out: strings escaped as serde_json escapes them (so files and registries written
//! before the runtime wrote its own JSON are written the same way), and the indentation of its
//! pretty form.
//!
//! Everything is appended to a `String` the caller sized: the store's encoder reserves enough
//! up front that a secret's buffer never reallocates (which would leave a copy unzeroized).

/// The most bytes [`string`] appends for a string of `len` bytes: a control character becomes
/// `\u00XX` (6 bytes), and the quotes.
pub(crate) fn string_capacity(len: usize) -> usize {
    6 * len + 2
}

/// Appends `value` as a JSON string.
pub(crate) fn string(out: &mut String, value: &str) {
    out.push('"');
    let mut run = 0;
    for (i, ch) in value.char_indices() {
        let escape = match ch {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '\0'..='\u{1f}' => "",
            _ => continue,
        };
        out.push_str(&value[run..i]);
        run = i + 1;
        if escape.is_empty() {
            push_unicode_escape(out, ch);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&value[run..]);
    out.push('"');
}

/// `\u00XX` in lowercase hex, as serde_json writes a control character without a short form.
fn push_unicode_escape(out: &mut String, ch: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let byte = ch as u32 as usize;
    out.push_str("\\u00");
    out.push(char::from(HEX[(byte >> 4) & 0xf]));
    out.push(char::from(HEX[byte & 0xf]));
}

/// An object written member by member, compact (`{"a":1}`) or pretty (two spaces per level,
/// `"a": 1`, as serde_json's `to_string_pretty`).
pub(crate) struct Object<'o> {
    out: &'o mut String,
    /// The indentation of the object's members when pretty, `None` when compact.
    indent: Option<usize>,
    empty: bool,
}

impl<'o> Object<'o> {
    /// Opens a top-level object.
    pub(crate) fn open(out: &'o mut String, pretty: bool) -> Self {
        out.push('{');
        Object {
            out,
            indent: pretty.then_some(1),
            empty: true,
        }
    }

    /// Writes a member's key and separator; its value is written next, by the caller.
    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        if let Some(level) = self.indent {
            self.out.push('\n');
            push_indent(self.out, level);
        }
        string(self.out, key);
        self.out
            .push_str(if self.indent.is_some() { ": " } else { ":" });
        self.out
    }

    /// A member whose value is a string.
    pub(crate) fn string(&mut self, key: &str, value: &str) {
        let out = self.key(key);
        string(out, value);
    }

    /// A member whose value is a number.
    pub(crate) fn u64(&mut self, key: &str, value: u64) {
        let out = self.key(key);
        out.push_str(&value.to_string());
    }

    /// A member whose value is an object, written by `members`.
    pub(crate) fn object(&mut self, key: &str, members: impl FnOnce(&mut Object<'_>)) {
        let indent = self.indent.map(|level| level + 1);
        let out = self.key(key);
        out.push('{');
        let mut inner = Object {
            out,
            indent,
            empty: true,
        };
        members(&mut inner);
        inner.close();
    }

    /// Closes the object.
    pub(crate) fn close(self) {
        if let (Some(level), false) = (self.indent, self.empty) {
            self.out.push('\n');
            push_indent(self.out, level - 1);
        }
        self.out.push('}');
    }
}

fn push_indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn quoted(value: &str) -> String {
        let mut out = String::new();
        string(&mut out, value);
        out
    }

    #[test]
    fn escapes_as_serde_json_does() {
        assert_eq!(
            quoted("a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}/é😀"),
            "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}/é😀\""
        );
    }

    /// serde_json's layouts (`to_string`, `to_string_pretty`) of the same object.
    #[test]
    fn writes_compact_and_pretty_objects_as_serde_json_does() {
        let compact = r#"{"n":18446744073709551615,"o":{"k":"v","l":"w"},"e":{},"z":0}"#;
        let pretty = "{\n  \"n\": 18446744073709551615,\n  \"o\": {\n    \"k\": \"v\",\n    \
                      \"l\": \"w\"\n  },\n  \"e\": {},\n  \"z\": 0\n}";
        for (is_pretty, want) in [(false, compact), (true, pretty)] {
            let mut out = String::new();
            let mut object = Object::open(&mut out, is_pretty);
            object.u64("n", u64::MAX);
            object.object("o", |o| {
                o.string("k", "v");
                o.string("l", "w");
            });
            object.object("e", |_| {});
            object.u64("z", 0);
            object.close();
            assert_eq!(out, want);
        }
    }

    proptest! {
        #[test]
        fn strings_are_written_as_serde_json_writes_them(text in "\\PC*|[\\x00-\\x20\"\\\\]*") {
            let mut out = String::new();
            string(&mut out, &text);
            prop_assert!(out.len() <= string_capacity(text.len()));
            prop_assert_eq!(Ok(out), serde_json::to_string(&text).map_err(|e| e.to_string()));
        }
    }
}
