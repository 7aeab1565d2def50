//! The macro's arguments: a string-literal path, then `table = "…"` and `deny_warnings = bool`.
//! Each way of getting them wrong has its own message, spanned on the offending token.
//!
//! Read from the token trees directly: the grammar is one literal and two options, and a parser
//! crate here was a second syn major in every application that also uses derives (issue 12).

use crate::unescape::{self, LitKind};
use proc_macro2::{Delimiter, Ident, Literal, Span, TokenStream, TokenTree};
use quote::quote_spanned;

/// A string literal's value and where it was written.
#[derive(Debug)]
pub(crate) struct Str {
    pub(crate) value: String,
    pub(crate) span: Span,
}

/// What `include_llm_config!(…)` was given.
#[derive(Debug)]
pub(crate) struct Args {
    /// The config path, relative to `CARGO_MANIFEST_DIR`.
    pub(crate) path: Str,
    /// The dotted path of the llm table (`spearlet.llm`).
    pub(crate) table: Option<Str>,
    /// Turns llmcfg warnings into errors.
    pub(crate) deny_warnings: bool,
}

/// A mistake in the arguments (or in loading the file they name), shown at `span`.
#[derive(Debug)]
pub(crate) struct ArgError {
    span: Span,
    message: String,
}

impl ArgError {
    pub(crate) fn new(span: Span, message: impl Into<String>) -> Self {
        ArgError {
            span,
            message: message.into(),
        }
    }

    /// `::core::compile_error! { "…" }`, every token on the error's span so rustc reports it
    /// there.
    pub(crate) fn to_compile_error(&self) -> TokenStream {
        let mut message = Literal::string(&self.message);
        message.set_span(self.span);
        quote_spanned! {self.span=> ::core::compile_error! { #message } }
    }

    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

const OPTIONS: &[&str] = &["table", "deny_warnings"];
const USAGE: &str = "usage: `include_llm_config!(\"llm.toml\")` or \
`include_llm_config!(\"config.toml\", table = \"app.llm\", deny_warnings = true)`";

/// Keywords are not option names (and `true`/`false` are literals), as in Rust's own grammar.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "_",
];

/// The argument tokens and a position in them.
struct Cursor {
    tokens: Vec<TokenTree>,
    at: usize,
}

impl Cursor {
    fn new(input: TokenStream) -> Self {
        let mut tokens = Vec::new();
        flatten(input, &mut tokens);
        Cursor { tokens, at: 0 }
    }

    fn is_empty(&self) -> bool {
        self.at >= self.tokens.len()
    }

    fn peek(&self, ahead: usize) -> Option<&TokenTree> {
        self.tokens.get(self.at + ahead)
    }

    fn next(&mut self) -> Option<TokenTree> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn punct(&self, ahead: usize, ch: char) -> bool {
        matches!(self.peek(ahead), Some(TokenTree::Punct(p)) if p.as_char() == ch)
    }

    fn ident(&self, ahead: usize) -> bool {
        matches!(self.peek(ahead), Some(TokenTree::Ident(i)) if !is_keyword(i))
    }

    /// A literal token, `true`/`false` included.
    fn literal(&self) -> bool {
        match self.peek(0) {
            Some(TokenTree::Literal(_)) => true,
            Some(TokenTree::Ident(i)) => i == "true" || i == "false",
            _ => false,
        }
    }

    /// An error at the next token; at the end of the input, on the macro call, saying so.
    fn error(&self, message: impl std::fmt::Display) -> ArgError {
        match self.peek(0) {
            Some(TokenTree::Group(g)) => ArgError::new(g.span_open(), message.to_string()),
            Some(token) => ArgError::new(token.span(), message.to_string()),
            None => ArgError::new(
                Span::call_site(),
                format!("unexpected end of input, {message}"),
            ),
        }
    }
}

/// The tokens of `input`, with invisible groups (a `$path:expr` passed on by `macro_rules!`)
/// opened as if they were not there.
fn flatten(input: TokenStream, out: &mut Vec<TokenTree>) {
    for token in input {
        match token {
            TokenTree::Group(g) if g.delimiter() == Delimiter::None => flatten(g.stream(), out),
            other => out.push(other),
        }
    }
}

fn is_keyword(ident: &Ident) -> bool {
    let name = ident.to_string();
    KEYWORDS.contains(&name.as_str())
}

/// Reads `include_llm_config!`'s arguments.
pub(crate) fn parse(input: TokenStream) -> Result<Args, ArgError> {
    let mut input = Cursor::new(input);
    if input.is_empty() {
        return Err(ArgError::new(
            Span::call_site(),
            format!(
                "`include_llm_config!` needs the path of an llm config file, relative to the crate root\n{USAGE}"
            ),
        ));
    }
    let path = path(&mut input)?;
    let mut table: Option<Str> = None;
    let mut deny_warnings: Option<bool> = None;
    while !input.is_empty() {
        if !input.punct(0, ',') {
            return Err(input.error(format!(
                "expected `,` followed by an option (`table = \"…\"`, `deny_warnings = true`)\n{USAGE}"
            )));
        }
        input.next();
        if input.is_empty() {
            break;
        }
        let key = option_name(&mut input)?;
        let name = key.to_string();
        if !input.punct(0, '=') {
            return Err(input.error(format!(
                "expected `=` after `{name}`: write `{name} = {}`",
                example(&name)
            )));
        }
        input.next();
        match name.as_str() {
            "table" => {
                let value = string_value(&mut input, "table", "\"app.llm\"")?;
                if value.value.trim().is_empty() {
                    return Err(ArgError::new(
                        value.span,
                        "`table` is empty: name the dotted path of the llm table, e.g. `table = \"spearlet.llm\"`, or leave the option out for `[llm]`",
                    ));
                }
                set_once(&mut table, &key, value)?;
            }
            "deny_warnings" => {
                let value = bool_value(&mut input)?;
                set_once(&mut deny_warnings, &key, value)?;
            }
            other => return Err(unknown_option(other, key.span())),
        }
    }
    Ok(Args {
        path,
        table,
        deny_warnings: deny_warnings.unwrap_or(false),
    })
}

fn unknown_option(name: &str, span: Span) -> ArgError {
    let hint = llmcfg_core::suggest::did_you_mean(name, OPTIONS.iter().copied())
        .map_or_else(String::new, |near| format!("did you mean `{near}`? "));
    ArgError::new(
        span,
        format!(
            "unknown option `{name}` of `include_llm_config!`\n{hint}the options are `table = \"…\"` (the dotted path of the llm table) and `deny_warnings = true` (llmcfg warnings fail the build)"
        ),
    )
}

/// The first argument: a plain string literal.
fn path(input: &mut Cursor) -> Result<Str, ArgError> {
    if input.ident(0) && input.punct(1, '=') {
        return Err(input.error(format!(
            "the config path comes first, before any option\n{USAGE}"
        )));
    }
    if input.ident(0) && input.punct(1, '!') {
        return Err(input.error(
            "the config path must be a string literal; macros such as `concat!` or `env!` are not expanded here\n\
help: write the path relative to the crate root, e.g. `include_llm_config!(\"llm.toml\")`",
        ));
    }
    if !input.literal() {
        return Err(input.error(format!("the config path must be a string literal\n{USAGE}")));
    }
    match lit(input) {
        Lit::Str(s, suffix) if suffix.is_empty() => Ok(s),
        Lit::Str(s, _) => Err(ArgError::new(
            s.span,
            "the config path cannot have a literal suffix",
        )),
        other => Err(ArgError::new(
            other.span(),
            format!(
                "the config path must be a string literal, found {}\n{USAGE}",
                other.describe()
            ),
        )),
    }
}

fn option_name(input: &mut Cursor) -> Result<Ident, ArgError> {
    if input.ident(0)
        && let Some(TokenTree::Ident(ident)) = input.next()
    {
        return Ok(ident);
    }
    if input.literal() {
        return Err(input.error(
            "only one config path may be given; options are written `name = value` (`table = \"…\"`, `deny_warnings = true`)",
        ));
    }
    Err(input.error("expected an option: `table = \"…\"` or `deny_warnings = true`"))
}

fn string_value(input: &mut Cursor, key: &str, example: &str) -> Result<Str, ArgError> {
    let message = format!("`{key}` takes a string literal, e.g. `{key} = {example}`");
    if !input.literal() {
        return Err(input.error(message));
    }
    match lit(input) {
        Lit::Str(s, suffix) if suffix.is_empty() => Ok(s),
        other => Err(ArgError::new(other.span(), message)),
    }
}

fn bool_value(input: &mut Cursor) -> Result<bool, ArgError> {
    let message = "`deny_warnings` takes `true` or `false`";
    if !input.literal() {
        return Err(input.error(message));
    }
    match lit(input) {
        Lit::Bool(value, _) => Ok(value),
        other => Err(ArgError::new(other.span(), message)),
    }
}

fn set_once<T>(slot: &mut Option<T>, key: &Ident, value: T) -> Result<(), ArgError> {
    if slot.is_some() {
        return Err(ArgError::new(
            key.span(),
            format!("option `{key}` is given twice; keep one"),
        ));
    }
    *slot = Some(value);
    Ok(())
}

fn example(key: &str) -> &'static str {
    match key {
        "deny_warnings" => "true",
        _ => "\"…\"",
    }
}

/// A literal argument, read.
enum Lit {
    /// A string literal and its suffix.
    Str(Str, String),
    Bool(bool, Span),
    Other(LitKind, Span),
}

impl Lit {
    fn span(&self) -> Span {
        match self {
            Lit::Str(s, _) => s.span,
            Lit::Bool(_, span) | Lit::Other(_, span) => *span,
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Lit::Other(LitKind::ByteStr, _) => "a byte string",
            Lit::Other(LitKind::CStr, _) => "a C string",
            Lit::Other(LitKind::Byte, _) => "a byte literal",
            Lit::Other(LitKind::Char, _) => "a character literal",
            Lit::Other(LitKind::Int, _) => "an integer",
            Lit::Other(LitKind::Float, _) => "a float",
            Lit::Bool(..) => "a boolean",
            Lit::Str(..) | Lit::Other(LitKind::Str, _) => "a literal of another kind",
        }
    }
}

/// Takes the literal the cursor is on (the caller has checked there is one).
fn lit(input: &mut Cursor) -> Lit {
    match input.next() {
        Some(TokenTree::Ident(i)) => Lit::Bool(i == "true", i.span()),
        Some(TokenTree::Literal(l)) => {
            let repr = l.to_string();
            match unescape::string(&repr) {
                Some((value, suffix)) if unescape::kind(&repr) == LitKind::Str => Lit::Str(
                    Str {
                        value,
                        span: l.span(),
                    },
                    suffix.to_owned(),
                ),
                _ => Lit::Other(unescape::kind(&repr), l.span()),
            }
        }
        other => Lit::Other(
            LitKind::Int,
            other.map_or_else(Span::call_site, |t| t.span()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Group;
    use quote::quote;

    fn parse_str(tokens: TokenStream) -> Result<Args, String> {
        parse(tokens).map_err(|e| e.message().to_owned())
    }

    #[test]
    fn path_and_options() {
        let args = parse_str(quote!(
            "config.toml",
            table = "spearlet.llm",
            deny_warnings = true,
        ));
        let args = args.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.path.value, "config.toml");
        assert_eq!(args.table.map(|t| t.value).as_deref(), Some("spearlet.llm"));
        assert!(args.deny_warnings);
    }

    #[test]
    fn string_values_are_unescaped_and_raw_strings_accepted() {
        let args = parse_str(quote!(
            r#"dir\llm.toml"#,
            table = "a\u{2e}b",
            deny_warnings = false
        ));
        let args = args.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.path.value, "dir\\llm.toml");
        assert_eq!(args.table.map(|t| t.value).as_deref(), Some("a.b"));
        assert!(!args.deny_warnings);
        let args = parse_str(quote!("a\"b.toml")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.path.value, "a\"b.toml");
    }

    #[test]
    fn a_path_passed_on_by_macro_rules_is_read_through_its_invisible_group() {
        let group = Group::new(Delimiter::None, quote!("llm.toml"));
        let args = parse(TokenStream::from(TokenTree::Group(group)));
        assert_eq!(args.map(|a| a.path.value).ok().as_deref(), Some("llm.toml"));
    }

    #[test]
    fn each_mistake_has_its_message() {
        let cases = [
            (quote!(), "needs the path"),
            (quote!(llm_toml), "must be a string literal"),
            (quote!(b"llm.toml"), "found a byte string"),
            (quote!(c"llm.toml"), "found a C string"),
            (quote!('l'), "found a character literal"),
            (quote!(1usize), "found an integer"),
            (quote!(1.5), "found a float"),
            (quote!(true), "found a boolean"),
            (quote!("llm.toml"x), "cannot have a literal suffix"),
            (quote!(concat!("a", "b")), "are not expanded"),
            (quote!(table = "x"), "comes first"),
            (quote!("a.toml" "b.toml"), "expected `,`"),
            (quote!("a.toml", "b.toml"), "only one config path"),
            (quote!("a.toml", fn), "expected an option"),
            (quote!("a.toml", tabel = "x"), "did you mean `table`?"),
            (quote!("a.toml", colour = "x"), "unknown option `colour`"),
            (
                quote!("a.toml", table),
                "unexpected end of input, expected `=` after `table`",
            ),
            (
                quote!("a.toml", table "x"),
                "expected `=` after `table`: write `table = \"…\"`",
            ),
            (
                quote!("a.toml", deny_warnings),
                "write `deny_warnings = true`",
            ),
            (quote!("a.toml", table = 1), "takes a string literal"),
            (quote!("a.toml", table = "x"y), "takes a string literal"),
            (
                quote!("a.toml", table = ),
                "unexpected end of input, `table` takes a string literal",
            ),
            (quote!("a.toml", table = ""), "`table` is empty"),
            (quote!("a.toml", table = " "), "`table` is empty"),
            (quote!("a.toml", deny_warnings = "yes"), "`true` or `false`"),
            (quote!("a.toml", deny_warnings = yes), "`true` or `false`"),
            (
                quote!("a.toml", deny_warnings =),
                "unexpected end of input, `deny_warnings`",
            ),
            (quote!("a.toml", table = "a", table = "b"), "given twice"),
            (
                quote!("a.toml", deny_warnings = true, deny_warnings = false),
                "given twice",
            ),
        ];
        for (tokens, expected) in cases {
            let shown = tokens.to_string();
            match parse_str(tokens) {
                Ok(_) => panic!("`{shown}` was accepted"),
                Err(e) => assert!(e.contains(expected), "`{shown}`: {e}"),
            }
        }
    }

    #[test]
    fn the_compile_error_carries_the_message() {
        let error = ArgError::new(Span::call_site(), "no \"good\"");
        let shown = error.to_compile_error().to_string();
        assert_eq!(shown, r#":: core :: compile_error ! { "no \"good\"" }"#);
    }
}
