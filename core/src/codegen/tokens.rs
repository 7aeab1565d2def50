//! A flat writer of the generated code's source text. A proc macro runs unoptimised in a
//! debug build, and every token built through `proc_macro`'s API is a handle the compiler's
//! proc-macro bridge creates, moves and drops: at N = 10,000 entries that was most of the
//! macro's own time, and building tokens here meant compiling `proc-macro2` and `quote` in
//! every application (issue 12). Text crosses the bridge once, and rustc's lexer reads it.
//!
//! Tokens are separated by one space (none after the first half of `::` or `..`), as
//! `proc_macro2` prints a stream: no two tokens can run together into another (`a b`, `& &`,
//! a string literal and a following identifier that would be its suffix).

use std::fmt::Write as _;

/// Source text being written; [`W::finish`] hands it over.
pub(super) struct W {
    text: String,
    /// No space before the next token: it starts a group or follows a joint punctuation mark.
    glued: bool,
}

impl W {
    pub(super) fn new() -> Self {
        W {
            text: String::new(),
            glued: true,
        }
    }

    /// Writes the separator a new token needs.
    fn space(&mut self) {
        if !self.glued {
            self.text.push(' ');
        }
        self.glued = false;
    }

    /// An identifier. `name` comes from this module's own words (field names, vocabulary
    /// `ident()`s, constant names made by `vocab::const_name`), which are always identifiers.
    pub(super) fn ident(&mut self, name: &str) -> &mut Self {
        self.space();
        self.text.push_str(name);
        self
    }

    /// A single-character punctuation mark (`,`, `:`, `=`, `;`, `&`, `#`).
    pub(super) fn punct(&mut self, ch: char) -> &mut Self {
        self.space();
        self.text.push(ch);
        self
    }

    /// A two-character operator (`::`, `..`).
    pub(super) fn op2(&mut self, ch: char) -> &mut Self {
        self.punct(ch);
        self.glued = true;
        self.punct(ch)
    }

    /// `"value"`: `str`'s `Debug` writes a valid Rust string literal of any string (quotes,
    /// backslashes and control characters escaped).
    pub(super) fn str(&mut self, value: &str) -> &mut Self {
        self.space();
        // Writing to a `String` cannot fail.
        let _ = write!(self.text, "{value:?}");
        self
    }

    /// A number literal with its type suffix (`0u32`, `100i32`), or none when `suffix` is
    /// empty (array lengths, tuple fields).
    pub(super) fn num(&mut self, value: impl std::fmt::Display, suffix: &str) -> &mut Self {
        self.space();
        let _ = write!(self.text, "{value}{suffix}");
        self
    }

    /// A delimited group (`open` `close`: `(` `)`, `[` `]` or `{` `}`) whose tokens `inner`
    /// writes.
    fn group(&mut self, open: char, close: char, inner: impl FnOnce(&mut W)) -> &mut Self {
        self.space();
        self.text.push(open);
        self.glued = true;
        inner(self);
        self.text.push(close);
        self.glued = false;
        self
    }

    /// `( … )`.
    pub(super) fn paren(&mut self, inner: impl FnOnce(&mut W)) -> &mut Self {
        self.group('(', ')', inner)
    }

    /// `[ … ]`.
    pub(super) fn bracket(&mut self, inner: impl FnOnce(&mut W)) -> &mut Self {
        self.group('[', ']', inner)
    }

    /// `{ … }`.
    pub(super) fn brace(&mut self, inner: impl FnOnce(&mut W)) -> &mut Self {
        self.group('{', '}', inner)
    }

    /// Complete tokens written as source (the one-off parts: attributes, the prelude), each
    /// delimiter closed in `source` itself.
    pub(super) fn code(&mut self, source: &str) -> &mut Self {
        self.space();
        self.text.push_str(source);
        self
    }

    /// `#[doc = "…"]`.
    pub(super) fn doc(&mut self, doc: &str) -> &mut Self {
        self.punct('#').bracket(|w| {
            w.ident("doc").punct('=').str(doc);
        })
    }

    /// `__b("value")`: a borrowed `Cow<str>`.
    pub(super) fn borrowed(&mut self, value: &str) -> &mut Self {
        self.ident("__b").paren(|w| {
            w.str(value);
        })
    }

    /// `__some(__b("value"))` or `__none`.
    pub(super) fn opt_borrowed(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(value) => self.ident("__some").paren(|w| {
                w.borrowed(value);
            }),
            None => self.ident("__none"),
        }
    }

    /// `__b(&[a, b, …])`, each element written by `item`.
    pub(super) fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut W, T),
    ) -> &mut Self {
        self.ident("__b").paren(|w| {
            w.punct('&').bracket(|w| {
                for (i, value) in items.into_iter().enumerate() {
                    if i > 0 {
                        w.punct(',');
                    }
                    item(w, value);
                }
            });
        })
    }

    /// `__Enum::Variant` of a vocabulary value: `ty` is the prelude's short name of the enum,
    /// `variant` its `const fn ident()`.
    pub(super) fn word(&mut self, ty: &str, variant: &str) -> &mut Self {
        self.ident(ty).op2(':').ident(variant)
    }

    /// `name: value,` in a struct literal.
    pub(super) fn field(&mut self, name: &str, value: impl FnOnce(&mut W)) -> &mut Self {
        self.ident(name).punct(':');
        value(self);
        self.punct(',')
    }

    pub(super) fn finish(self) -> String {
        self.text
    }
}
