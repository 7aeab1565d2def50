//! The macro's own model of its input tokens, and the way back to the compiler's tokens.
//!
//! Arguments are parsed from this model rather than from `proc_macro`'s types: those only work
//! inside a running macro (they panic in a unit test), and `proc-macro2`, which wraps them for
//! tests, would be compiled in every application's build (issue 12). A token's span is kept
//! aside, in [`Spans`], and the model holds its index.

use proc_macro::{Delimiter as PmDelimiter, Group, Span, TokenStream, TokenTree};

/// Where a token was written: the macro call itself, or the token at this index of
/// [`Spans`] (in tests, of whatever the test kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum At {
    CallSite,
    Token(usize),
}

/// A group's delimiter; `None` is the invisible group of a `$x:expr` passed on by
/// `macro_rules!`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delimiter {
    Parenthesis,
    Bracket,
    Brace,
    None,
}

/// One token tree of the input.
#[derive(Clone, Debug)]
pub(crate) enum Token {
    /// An identifier or keyword (`true` and `false` included), as written (`r#x` keeps `r#`).
    Ident(String, At),
    Punct(char, At),
    /// A literal's source text (`"a\n"`, `r#"a"#`, `1usize`), as the compiler lexed it.
    Literal(String, At),
    /// A delimited group, with where its opening delimiter is.
    Group(Delimiter, Vec<Token>, At),
}

impl Token {
    /// Where the token is; for a group, its opening delimiter.
    pub(crate) fn at(&self) -> At {
        match self {
            Token::Ident(_, at) | Token::Punct(_, at) | Token::Literal(_, at) => *at,
            Token::Group(_, _, at) => *at,
        }
    }
}

/// The spans of the input's tokens, indexed by [`At::Token`].
#[derive(Debug, Default)]
pub(crate) struct Spans(Vec<Span>);

impl Spans {
    fn keep(&mut self, span: Span) -> At {
        self.0.push(span);
        At::Token(self.0.len() - 1)
    }

    /// The span `at` names; an index this input never gave out (none should reach here) is
    /// the macro call.
    pub(crate) fn get(&self, at: At) -> Span {
        match at {
            At::Token(i) => self.0.get(i).copied().unwrap_or_else(Span::call_site),
            At::CallSite => Span::call_site(),
        }
    }

    /// `input` as the model, each token's span kept here.
    pub(crate) fn read(&mut self, input: TokenStream) -> Vec<Token> {
        input
            .into_iter()
            .map(|token| match token {
                TokenTree::Ident(i) => Token::Ident(i.to_string(), self.keep(i.span())),
                TokenTree::Punct(p) => Token::Punct(p.as_char(), self.keep(p.span())),
                TokenTree::Literal(l) => Token::Literal(l.to_string(), self.keep(l.span())),
                TokenTree::Group(g) => {
                    let delimiter = match g.delimiter() {
                        PmDelimiter::Parenthesis => Delimiter::Parenthesis,
                        PmDelimiter::Bracket => Delimiter::Bracket,
                        PmDelimiter::Brace => Delimiter::Brace,
                        PmDelimiter::None => Delimiter::None,
                    };
                    let at = self.keep(g.span_open());
                    Token::Group(delimiter, self.read(g.stream()), at)
                }
            })
            .collect()
    }
}

/// The tokens of `source` (Rust source text written by this crate or by `llmcfg_core::codegen`).
/// It always lexes; if it ever did not, the expansion is a `compile_error!` calling it a bug,
/// never a panic in the compiler.
pub(crate) fn parse(source: &str) -> TokenStream {
    source.parse().unwrap_or_else(|error| {
        let message = format!(
            "llmcfg bug: the code `include_llm_config!` generated does not lex ({error:?}); \
             please report it at https://github.com/llmcfg/llmcfg/issues"
        );
        format!("::core::compile_error! {{ {message:?} }}")
            .parse()
            .unwrap_or_default()
    })
}

/// The tokens of `source`, every one of them (inside groups too) on `span`: rustc reports a
/// `compile_error!` or a lint at the span of the tokens that make it, so these point at the
/// path literal or the offending argument instead of the whole macro call.
pub(crate) fn spanned(source: &str, span: Span) -> TokenStream {
    respan(parse(source), span)
}

fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(g) = &token {
                let mut group = Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                return TokenTree::Group(group);
            }
            token.set_span(span);
            token
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod test {
    //! The model built from `proc_macro2` tokens (`quote!` in tests), whose spans are the
    //! tokens' own text, so a test can tell which token an error points at.

    use super::{At, Delimiter, Token};

    /// `input` as the model; `shown[i]` is the text of the token at `At::Token(i)`.
    pub(crate) fn read(input: proc_macro2::TokenStream, shown: &mut Vec<String>) -> Vec<Token> {
        use proc_macro2::TokenTree as Tt;
        let mut tokens = Vec::new();
        for token in input {
            let at = At::Token(shown.len());
            shown.push(token.to_string());
            tokens.push(match token {
                Tt::Ident(i) => Token::Ident(i.to_string(), at),
                Tt::Punct(p) => Token::Punct(p.as_char(), at),
                Tt::Literal(l) => Token::Literal(l.to_string(), at),
                Tt::Group(g) => {
                    let delimiter = match g.delimiter() {
                        proc_macro2::Delimiter::Parenthesis => Delimiter::Parenthesis,
                        proc_macro2::Delimiter::Bracket => Delimiter::Bracket,
                        proc_macro2::Delimiter::Brace => Delimiter::Brace,
                        proc_macro2::Delimiter::None => Delimiter::None,
                    };
                    Token::Group(delimiter, read(g.stream(), shown), at)
                }
            });
        }
        tokens
    }
}
