//! A flat token writer for the generated code. A proc macro runs unoptimised in a debug build,
//! and `quote!` builds a stream per invocation and per interpolated value, each one a handle
//! the compiler's proc-macro bridge creates, clones, concatenates and drops: at N = 10,000
//! entries that was most of the macro's own time. Here each group's tokens go into one `Vec`
//! and become one stream, the fewest the token shape allows.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Tokens being written, in order; [`W::finish`] turns them into a stream.
#[derive(Default)]
pub(super) struct W(Vec<TokenTree>);

impl W {
    pub(super) fn new() -> Self {
        W(Vec::new())
    }

    /// An identifier. `name` comes from this module's own words (field names, vocabulary
    /// `ident()`s, constant names made by `vocab::const_name`), which are always identifiers.
    pub(super) fn ident(&mut self, name: &str) -> &mut Self {
        self.0.push(Ident::new(name, Span::call_site()).into());
        self
    }

    /// A single-character punctuation mark (`,`, `:`, `=`, `;`, `&`, `#`).
    pub(super) fn punct(&mut self, ch: char) -> &mut Self {
        self.0.push(Punct::new(ch, Spacing::Alone).into());
        self
    }

    /// A two-character operator (`::`, `..`).
    pub(super) fn op2(&mut self, ch: char) -> &mut Self {
        self.0.push(Punct::new(ch, Spacing::Joint).into());
        self.punct(ch)
    }

    /// `"value"`.
    pub(super) fn str(&mut self, value: &str) -> &mut Self {
        self.0.push(Literal::string(value).into());
        self
    }

    /// A suffixed or otherwise ready literal (`0u32`, `100i32`).
    pub(super) fn lit(&mut self, literal: Literal) -> &mut Self {
        self.0.push(literal.into());
        self
    }

    /// A delimited group whose tokens `inner` writes.
    pub(super) fn group(&mut self, delimiter: Delimiter, inner: impl FnOnce(&mut W)) -> &mut Self {
        let mut w = W::new();
        inner(&mut w);
        self.0.push(Group::new(delimiter, w.finish()).into());
        self
    }

    /// `( … )`.
    pub(super) fn paren(&mut self, inner: impl FnOnce(&mut W)) -> &mut Self {
        self.group(Delimiter::Parenthesis, inner)
    }

    /// `[ … ]`.
    pub(super) fn bracket(&mut self, inner: impl FnOnce(&mut W)) -> &mut Self {
        self.group(Delimiter::Bracket, inner)
    }

    /// `{ … }`.
    pub(super) fn brace(&mut self, inner: impl FnOnce(&mut W)) -> &mut Self {
        self.group(Delimiter::Brace, inner)
    }

    /// A stream built elsewhere (`quote!` for the one-off parts).
    pub(super) fn stream(&mut self, tokens: TokenStream) -> &mut Self {
        self.0.extend(tokens);
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

    pub(super) fn finish(self) -> TokenStream {
        self.0.into_iter().collect()
    }
}
