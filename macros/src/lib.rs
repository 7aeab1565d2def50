//! Procedural macros of llmcfg. Depend on `llmcfg` and use `llmcfg::include_llm_config!`;
//! this crate only parses arguments, reads the file, calls `llmcfg-core` and generates code.
//!
//! ```
//! mod llm {
//!     // The path is relative to the crate's `Cargo.toml`; the file is checked while the crate
//!     // compiles, and editing it rebuilds the crate.
//!     llmcfg::include_llm_config!("doc/llm.toml");
//! }
//!
//! // Typed names: a misspelled alias is a compile error, not a run-time surprise.
//! assert_eq!(llm::aliases::SMART.model(), "anthropic/claude-sonnet-4");
//! assert_eq!(llm::aliases::SMART.backend(), Some(llm::backends::ANTHROPIC_MAIN.name()));
//! assert_eq!(llm::env::ANTHROPIC_API_KEY, "ANTHROPIC_API_KEY");
//! assert_eq!(llm::CONFIG.aliases().len(), llm::aliases::ALL.len());
//! ```
//!
//! Only the compiler's `proc_macro` is used: the code is written as source text
//! (`llmcfg_core::codegen`), so an application's build compiles no `proc-macro2` or `quote`
//! for llmcfg (issue 12).

mod args;
mod load;
mod report;
mod tokens;
mod unescape;

use llmcfg_core::codegen::{self, Items};
use proc_macro::TokenStream;
use report::Output;
use tokens::{At, Spans, Token};

/// Validates an llm config at compile time and expands to its typed constants.
/// See the `llmcfg` crate documentation.
#[proc_macro]
pub fn include_llm_config(input: TokenStream) -> TokenStream {
    let mut spans = Spans::default();
    let input = spans.read(input);
    expand(input).tokens(&spans)
}

/// What the macro expands to, as source text.
struct Expansion {
    /// Where the reports point: the path literal, or the offending argument.
    at: At,
    reports: Vec<Output>,
    items: Items,
    /// The `include_bytes!` of the file, once it was read.
    dependency: Option<String>,
}

impl Expansion {
    /// A bad argument (or a file that cannot be read): its `compile_error!`, then placeholder
    /// items (an empty config) so code that uses `CONFIG` does not add errors of its own.
    fn argument_error(error: &args::ArgError) -> Self {
        Expansion {
            at: error.at(),
            reports: vec![error.output()],
            items: codegen::items(
                &llmcfg_core::LlmConfig::default(),
                &llmcfg_core::SourceFile::new("", ""),
            ),
            dependency: None,
        }
    }

    /// The compiler's tokens: reports and the dependency on the reports' span, the items on
    /// the call site.
    fn tokens(self, spans: &Spans) -> TokenStream {
        let span = spans.get(self.at);
        let mut out = TokenStream::new();
        for report in &self.reports {
            out.extend(report.tokens(span));
        }
        out.extend(tokens::parse(self.items.as_str()));
        if let Some(dependency) = &self.dependency {
            out.extend(tokens::spanned(dependency, span));
        }
        out
    }
}

/// The whole macro on the token model: arguments, file, validation, code.
fn expand(input: Vec<Token>) -> Expansion {
    let args = match args::parse(input) {
        Ok(args) => args,
        Err(error) => return Expansion::argument_error(&error),
    };
    let at = args.path.at;
    let file = match load::load(std::env::var_os("CARGO_MANIFEST_DIR"), &args.path.value) {
        Ok(file) => file,
        Err(message) => return Expansion::argument_error(&args::ArgError::new(at, message)),
    };
    let options = llmcfg_core::Options {
        table: args.table.map(|t| t.value),
    };
    let report = llmcfg_core::check(&file.name, &file.text, &options);
    Expansion {
        at,
        reports: report::diagnostics(&report, args.deny_warnings),
        items: codegen::items(&report.config, &report.source),
        dependency: Some(load::dependency(&file)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The items' text lexes (as `proc_macro2`'s fallback lexer reads Rust), and a string with
    /// quotes, backslashes, a newline and non-ASCII text comes back as the same value.
    #[test]
    fn the_generated_source_lexes_and_keeps_string_values() {
        let model = r#"openai/gpt-4o \"q\" \\ é→"#;
        let config = format!("[llm.aliases]\nfast = \"{model}\"\n");
        let report = llmcfg_core::check("llm.toml", &config, &Default::default());
        let items = codegen::items(&report.config, &report.source);
        let stream = items.as_str().parse::<proc_macro2::TokenStream>();
        let stream = stream.unwrap_or_else(|e| panic!("{e}: {}", items.as_str()));
        let mut literals = Vec::new();
        collect_strings(stream, &mut literals);
        assert!(
            literals.iter().any(|s| s == "openai/gpt-4o \"q\" \\ é→"),
            "{literals:?}"
        );
        let empty = Expansion::argument_error(&args::ArgError::new(At::CallSite, "x"));
        assert!(
            empty
                .items
                .as_str()
                .parse::<proc_macro2::TokenStream>()
                .is_ok()
        );
    }

    fn collect_strings(stream: proc_macro2::TokenStream, out: &mut Vec<String>) {
        for token in stream {
            match token {
                proc_macro2::TokenTree::Group(g) => collect_strings(g.stream(), out),
                proc_macro2::TokenTree::Literal(l) => {
                    out.extend(unescape::string(&l.to_string()).map(|(value, _)| value));
                }
                _ => {}
            }
        }
    }

    /// A warning is a `#[deprecated]` constant and its use, the code in its name.
    #[test]
    fn a_warning_is_a_deprecated_constant_and_its_use() {
        let config = "[llm]\n[[llm.credentials]]\nname = \"a\"\napi_key_env = \"A_KEY\"\n";
        let report = llmcfg_core::check("llm.toml", config, &Default::default());
        let outputs = report::diagnostics(&report, false);
        let source = match outputs.as_slice() {
            [warning @ Output::Warning { .. }] => warning.source(),
            other => panic!("{other:?}"),
        };
        assert!(
            source.starts_with("#[deprecated(note = \"[llmcfg::unused-credential]: ")
                && source.ends_with(
                    "#[allow(non_upper_case_globals)] const llmcfg_unused_credential: () = (); \
                     llmcfg_unused_credential"
                ),
            "{source}"
        );
        assert!(matches!(
            report::diagnostics(&report, true).as_slice(),
            [Output::Error(_)]
        ));
    }
}
