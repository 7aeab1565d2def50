//! The macro's arguments: a string-literal path, then `table = "…"` and `deny_warnings = bool`.
//! Each way of getting them wrong has its own message, spanned on the offending token.
//!
//! Read from the token trees directly: the grammar is one literal and two options, and a parser
//! crate here was a second syn major in every application that also uses derives (issue 12).

use crate::report::Output;
use crate::tokens::{At, Delimiter, Token};
use crate::unescape::{self, LitKind};

/// A string literal's value and where it was written.
#[derive(Debug)]
pub(crate) struct Str {
    pub(crate) value: String,
    pub(crate) at: At,
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

/// A mistake in the arguments (or in loading the file they name), shown at `at`.
#[derive(Debug)]
pub(crate) struct ArgError {
    at: At,
    message: String,
}

impl ArgError {
    pub(crate) fn new(at: At, message: impl Into<String>) -> Self {
        ArgError {
            at,
            message: message.into(),
        }
    }

    /// Where rustc reports the error.
    pub(crate) fn at(&self) -> At {
        self.at
    }

    /// Its `compile_error!`.
    pub(crate) fn output(&self) -> Output {
        Output::Error(self.message.clone())
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
    tokens: Vec<Token>,
    at: usize,
}

impl Cursor {
    fn new(input: Vec<Token>) -> Self {
        let mut tokens = Vec::new();
        flatten(input, &mut tokens);
        Cursor { tokens, at: 0 }
    }

    fn is_empty(&self) -> bool {
        self.at >= self.tokens.len()
    }

    fn peek(&self, ahead: usize) -> Option<&Token> {
        self.tokens.get(self.at + ahead)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn punct(&self, ahead: usize, ch: char) -> bool {
        matches!(self.peek(ahead), Some(Token::Punct(p, _)) if *p == ch)
    }

    fn ident(&self, ahead: usize) -> bool {
        matches!(self.peek(ahead), Some(Token::Ident(i, _)) if !is_keyword(i))
    }

    /// A literal token, `true`/`false` included.
    fn literal(&self) -> bool {
        match self.peek(0) {
            Some(Token::Literal(..)) => true,
            Some(Token::Ident(i, _)) => i == "true" || i == "false",
            _ => false,
        }
    }

    /// An error at the next token (a group's opening delimiter); at the end of the input, on
    /// the macro call, saying so.
    fn error(&self, message: impl std::fmt::Display) -> ArgError {
        match self.peek(0) {
            Some(token) => ArgError::new(token.at(), message.to_string()),
            None => ArgError::new(At::CallSite, format!("unexpected end of input, {message}")),
        }
    }
}

/// The tokens of `input`, with invisible groups (a `$path:expr` passed on by `macro_rules!`)
/// opened as if they were not there.
fn flatten(input: Vec<Token>, out: &mut Vec<Token>) {
    for token in input {
        match token {
            Token::Group(Delimiter::None, tokens, _) => flatten(tokens, out),
            other => out.push(other),
        }
    }
}

fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident)
}

/// Reads `include_llm_config!`'s arguments.
pub(crate) fn parse(input: Vec<Token>) -> Result<Args, ArgError> {
    let mut input = Cursor::new(input);
    if input.is_empty() {
        return Err(ArgError::new(
            At::CallSite,
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
        let (name, key) = option_name(&mut input)?;
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
                        value.at,
                        "`table` is empty: name the dotted path of the llm table, e.g. `table = \"spearlet.llm\"`, or leave the option out for `[llm]`",
                    ));
                }
                set_once(&mut table, &name, key, value)?;
            }
            "deny_warnings" => {
                let value = bool_value(&mut input)?;
                set_once(&mut deny_warnings, &name, key, value)?;
            }
            other => return Err(unknown_option(other, key)),
        }
    }
    Ok(Args {
        path,
        table,
        deny_warnings: deny_warnings.unwrap_or(false),
    })
}

fn unknown_option(name: &str, at: At) -> ArgError {
    let hint = llmcfg_core::suggest::did_you_mean(name, OPTIONS.iter().copied())
        .map_or_else(String::new, |near| format!("did you mean `{near}`? "));
    ArgError::new(
        at,
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
            s.at,
            "the config path cannot have a literal suffix",
        )),
        other => Err(ArgError::new(
            other.at(),
            format!(
                "the config path must be a string literal, found {}\n{USAGE}",
                other.describe()
            ),
        )),
    }
}

/// An option's name and where it is.
fn option_name(input: &mut Cursor) -> Result<(String, At), ArgError> {
    if input.ident(0)
        && let Some(Token::Ident(ident, at)) = input.next()
    {
        return Ok((ident, at));
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
        other => Err(ArgError::new(other.at(), message)),
    }
}

fn bool_value(input: &mut Cursor) -> Result<bool, ArgError> {
    let message = "`deny_warnings` takes `true` or `false`";
    if !input.literal() {
        return Err(input.error(message));
    }
    match lit(input) {
        Lit::Bool(value, _) => Ok(value),
        other => Err(ArgError::new(other.at(), message)),
    }
}

fn set_once<T>(slot: &mut Option<T>, key: &str, at: At, value: T) -> Result<(), ArgError> {
    if slot.is_some() {
        return Err(ArgError::new(
            at,
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
    Bool(bool, At),
    Other(LitKind, At),
}

impl Lit {
    fn at(&self) -> At {
        match self {
            Lit::Str(s, _) => s.at,
            Lit::Bool(_, at) | Lit::Other(_, at) => *at,
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
        Some(Token::Ident(i, at)) => Lit::Bool(i == "true", at),
        Some(Token::Literal(repr, at)) => match unescape::string(&repr) {
            Some((value, suffix)) if unescape::kind(&repr) == LitKind::Str => {
                Lit::Str(Str { value, at }, suffix.to_owned())
            }
            _ => Lit::Other(unescape::kind(&repr), at),
        },
        other => Lit::Other(LitKind::Int, other.map_or(At::CallSite, |t| t.at())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::test::read;
    use proc_macro2::{Group, TokenStream, TokenTree};
    use quote::quote;

    fn parse_str(tokens: TokenStream) -> Result<Args, String> {
        parse(read(tokens, &mut Vec::new())).map_err(|e| e.message().to_owned())
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
        let group = Group::new(proc_macro2::Delimiter::None, quote!("llm.toml"));
        let mut shown = Vec::new();
        let args = parse(read(TokenStream::from(TokenTree::Group(group)), &mut shown));
        let path = args.map(|a| a.path).ok();
        assert_eq!(path.as_ref().map(|p| p.value.as_str()), Some("llm.toml"));
        // The path's own token, not the group around it, is where its errors point.
        assert_eq!(path.map(|p| p.at), Some(At::Token(1)));
        assert_eq!(shown.get(1).map(String::as_str), Some("\"llm.toml\""));
    }

    /// Each case's message, and the token it is shown on (`None`: the macro call, at the end
    /// of the input).
    fn assert_mistakes<const N: usize>(cases: [(TokenStream, &str, Option<&str>); N]) {
        for (tokens, expected, token) in cases {
            let shown = tokens.to_string();
            let mut texts = Vec::new();
            match parse(read(tokens, &mut texts)) {
                Ok(_) => panic!("`{shown}` was accepted"),
                Err(e) => {
                    assert!(e.message().contains(expected), "`{shown}`: {}", e.message());
                    let at = match e.at() {
                        At::CallSite => None,
                        At::Token(i) => texts.get(i).map(String::as_str),
                    };
                    assert_eq!(at, token, "`{shown}`: {}", e.message());
                }
            }
        }
    }

    #[test]
    fn each_mistake_in_the_path_has_its_message() {
        assert_mistakes([
            (quote!(), "needs the path", None),
            (
                quote!(llm_toml),
                "must be a string literal",
                Some("llm_toml"),
            ),
            (
                quote!(("llm.toml")),
                "must be a string literal",
                Some("(\"llm.toml\")"),
            ),
            (
                quote!(b"llm.toml"),
                "found a byte string",
                Some("b\"llm.toml\""),
            ),
            (
                quote!(c"llm.toml"),
                "found a C string",
                Some("c\"llm.toml\""),
            ),
            (quote!('l'), "found a character literal", Some("'l'")),
            (quote!(1usize), "found an integer", Some("1usize")),
            (quote!(1.5), "found a float", Some("1.5")),
            (quote!(true), "found a boolean", Some("true")),
            (
                quote!("llm.toml"x),
                "cannot have a literal suffix",
                Some("\"llm.toml\"x"),
            ),
            (
                quote!(concat!("a", "b")),
                "are not expanded",
                Some("concat"),
            ),
            (quote!(table = "x"), "comes first", Some("table")),
        ]);
    }

    #[test]
    fn each_mistake_in_the_options_has_its_message() {
        assert_mistakes([
            (
                quote!("a.toml" "b.toml"),
                "expected `,`",
                Some("\"b.toml\""),
            ),
            (
                quote!("a.toml", "b.toml"),
                "only one config path",
                Some("\"b.toml\""),
            ),
            (quote!("a.toml", fn), "expected an option", Some("fn")),
            (
                quote!("a.toml", tabel = "x"),
                "did you mean `table`?",
                Some("tabel"),
            ),
            (
                quote!("a.toml", colour = "x"),
                "unknown option `colour`",
                Some("colour"),
            ),
            (
                quote!("a.toml", table),
                "unexpected end of input, expected `=` after `table`",
                None,
            ),
            (
                quote!("a.toml", table "x"),
                "expected `=` after `table`: write `table = \"…\"`",
                Some("\"x\""),
            ),
            (
                quote!("a.toml", deny_warnings),
                "write `deny_warnings = true`",
                None,
            ),
        ]);
    }

    #[test]
    fn each_mistake_in_an_option_value_has_its_message() {
        assert_mistakes([
            (
                quote!("a.toml", table = 1),
                "takes a string literal",
                Some("1"),
            ),
            (
                quote!("a.toml", table = "x"y),
                "takes a string literal",
                Some("\"x\"y"),
            ),
            (
                quote!("a.toml", table = ),
                "unexpected end of input, `table` takes a string literal",
                None,
            ),
            (
                quote!("a.toml", table = ""),
                "`table` is empty",
                Some("\"\""),
            ),
            (
                quote!("a.toml", table = " "),
                "`table` is empty",
                Some("\" \""),
            ),
            (
                quote!("a.toml", deny_warnings = "yes"),
                "`true` or `false`",
                Some("\"yes\""),
            ),
            (
                quote!("a.toml", deny_warnings = yes),
                "`true` or `false`",
                Some("yes"),
            ),
            (
                quote!("a.toml", deny_warnings =),
                "unexpected end of input, `deny_warnings`",
                None,
            ),
            (
                quote!("a.toml", table = "a", table = "b"),
                "given twice",
                Some("table"),
            ),
            (
                quote!("a.toml", deny_warnings = true, deny_warnings = false),
                "given twice",
                Some("deny_warnings"),
            ),
        ]);
    }

    /// An option given twice is shown on its second name.
    #[test]
    fn a_repeated_option_is_shown_on_its_repetition() {
        let mut texts = Vec::new();
        let error = parse(read(quote!("a.toml", table = "a", table = "b"), &mut texts));
        let second = texts.iter().rposition(|t| t == "table").map(At::Token);
        assert_eq!(error.err().map(|e| e.at()), second);
    }

    #[test]
    fn the_compile_error_carries_the_message() {
        let error = ArgError::new(At::CallSite, "no \"good\"");
        let shown = error.output().source();
        assert_eq!(shown, r#"::core::compile_error! { "no \"good\"" }"#);
    }
}
