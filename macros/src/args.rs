//! The macro's arguments: a string-literal path, then `table = "…"` and `deny_warnings = bool`.
//! Each way of getting them wrong has its own message, spanned on the offending token.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, Lit, LitBool, LitStr, Token};

/// What `include_llm_config!(…)` was given.
#[derive(Debug)]
pub(crate) struct Args {
    /// The config path, relative to `CARGO_MANIFEST_DIR`.
    pub(crate) path: LitStr,
    /// The dotted path of the llm table (`spearlet.llm`).
    pub(crate) table: Option<LitStr>,
    /// Turns llmcfg warnings into errors.
    pub(crate) deny_warnings: bool,
}

const OPTIONS: &[&str] = &["table", "deny_warnings"];
const USAGE: &str = "usage: `include_llm_config!(\"llm.toml\")` or \
`include_llm_config!(\"config.toml\", table = \"app.llm\", deny_warnings = true)`";

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "`include_llm_config!` needs the path of an llm config file, relative to the crate root\n{USAGE}"
                ),
            ));
        }
        let path = path(input)?;
        let mut table: Option<LitStr> = None;
        let mut deny_warnings: Option<LitBool> = None;
        while !input.is_empty() {
            if !input.peek(Token![,]) {
                return Err(input.error(format!(
                    "expected `,` followed by an option (`table = \"…\"`, `deny_warnings = true`)\n{USAGE}"
                )));
            }
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key = option_name(input)?;
            if !input.peek(Token![=]) {
                return Err(input.error(format!(
                    "expected `=` after `{key}`: write `{key} = {}`",
                    example(&key.to_string())
                )));
            }
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "table" => {
                    let value = string_value(input, "table", "\"app.llm\"")?;
                    if value.value().trim().is_empty() {
                        return Err(syn::Error::new(
                            value.span(),
                            "`table` is empty: name the dotted path of the llm table, e.g. `table = \"spearlet.llm\"`, or leave the option out for `[llm]`",
                        ));
                    }
                    set_once(&mut table, &key, value)?;
                }
                "deny_warnings" => {
                    let value = bool_value(input)?;
                    set_once(&mut deny_warnings, &key, value)?;
                }
                other => {
                    let hint = llmcfg_core::suggest::did_you_mean(other, OPTIONS.iter().copied())
                        .map_or_else(String::new, |near| format!("did you mean `{near}`? "));
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{other}` of `include_llm_config!`\n{hint}the options are `table = \"…\"` (the dotted path of the llm table) and `deny_warnings = true` (llmcfg warnings fail the build)"
                        ),
                    ));
                }
            }
        }
        Ok(Args {
            path,
            table,
            deny_warnings: deny_warnings.is_some_and(|b| b.value),
        })
    }
}

/// The first argument: a plain string literal.
fn path(input: ParseStream<'_>) -> syn::Result<LitStr> {
    if input.peek(Ident) && input.peek2(Token![=]) {
        return Err(input.error(format!(
            "the config path comes first, before any option\n{USAGE}"
        )));
    }
    if input.peek(Ident) && input.peek2(Token![!]) {
        return Err(input.error(
            "the config path must be a string literal; macros such as `concat!` or `env!` are not expanded here\n\
help: write the path relative to the crate root, e.g. `include_llm_config!(\"llm.toml\")`",
        ));
    }
    if input.peek(Lit) {
        return match input.parse::<Lit>()? {
            Lit::Str(s) if s.suffix().is_empty() => Ok(s),
            Lit::Str(s) => Err(syn::Error::new(
                s.span(),
                "the config path cannot have a literal suffix",
            )),
            other => Err(syn::Error::new(
                other.span(),
                format!(
                    "the config path must be a string literal, found {}\n{USAGE}",
                    describe(&other)
                ),
            )),
        };
    }
    Err(input.error(format!("the config path must be a string literal\n{USAGE}")))
}

fn option_name(input: ParseStream<'_>) -> syn::Result<Ident> {
    if input.peek(Ident) {
        return input.parse();
    }
    if input.peek(Lit) {
        return Err(input.error(
            "only one config path may be given; options are written `name = value` (`table = \"…\"`, `deny_warnings = true`)",
        ));
    }
    Err(input.error("expected an option: `table = \"…\"` or `deny_warnings = true`"))
}

fn string_value(input: ParseStream<'_>, key: &str, example: &str) -> syn::Result<LitStr> {
    match input.parse::<Lit>() {
        Ok(Lit::Str(s)) if s.suffix().is_empty() => Ok(s),
        Ok(other) => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes a string literal, e.g. `{key} = {example}`"),
        )),
        Err(_) => Err(input.error(format!(
            "`{key}` takes a string literal, e.g. `{key} = {example}`"
        ))),
    }
}

fn bool_value(input: ParseStream<'_>) -> syn::Result<LitBool> {
    match input.parse::<Lit>() {
        Ok(Lit::Bool(b)) => Ok(b),
        Ok(other) => Err(syn::Error::new(
            other.span(),
            "`deny_warnings` takes `true` or `false`",
        )),
        Err(_) => Err(input.error("`deny_warnings` takes `true` or `false`")),
    }
}

fn set_once<T>(slot: &mut Option<T>, key: &Ident, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
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

fn describe(lit: &Lit) -> &'static str {
    match lit {
        Lit::ByteStr(_) => "a byte string",
        Lit::CStr(_) => "a C string",
        Lit::Byte(_) => "a byte literal",
        Lit::Char(_) => "a character literal",
        Lit::Int(_) => "an integer",
        Lit::Float(_) => "a float",
        Lit::Bool(_) => "a boolean",
        _ => "a literal of another kind",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: proc_macro2::TokenStream) -> Result<Args, String> {
        syn::parse2::<Args>(tokens).map_err(|e| e.to_string())
    }

    #[test]
    fn path_and_options() {
        let args = parse(quote!(
            "config.toml",
            table = "spearlet.llm",
            deny_warnings = true,
        ))
        .map_err(|e| e.to_string());
        let args = args.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.path.value(), "config.toml");
        assert_eq!(
            args.table.map(|t| t.value()).as_deref(),
            Some("spearlet.llm")
        );
        assert!(args.deny_warnings);
    }

    #[test]
    fn each_mistake_has_its_message() {
        let cases = [
            (quote!(), "needs the path"),
            (quote!(llm_toml), "must be a string literal"),
            (quote!(b"llm.toml"), "found a byte string"),
            (quote!(concat!("a", "b")), "are not expanded"),
            (quote!(table = "x"), "comes first"),
            (quote!("a.toml" "b.toml"), "expected `,`"),
            (quote!("a.toml", "b.toml"), "only one config path"),
            (quote!("a.toml", tabel = "x"), "did you mean `table`?"),
            (quote!("a.toml", table), "expected `=`"),
            (quote!("a.toml", table = 1), "takes a string literal"),
            (quote!("a.toml", table = ""), "`table` is empty"),
            (quote!("a.toml", deny_warnings = "yes"), "`true` or `false`"),
            (quote!("a.toml", table = "a", table = "b"), "given twice"),
        ];
        for (tokens, expected) in cases {
            let shown = tokens.to_string();
            match parse(tokens) {
                Ok(_) => panic!("`{shown}` was accepted"),
                Err(e) => assert!(e.contains(expected), "`{shown}`: {e}"),
            }
        }
    }
}
