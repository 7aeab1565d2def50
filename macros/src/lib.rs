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

mod args;
mod load;
mod report;
mod unescape;

use proc_macro::TokenStream;

/// Validates an llm config at compile time and expands to its typed constants.
/// See the `llmcfg` crate documentation.
#[proc_macro]
pub fn include_llm_config(input: TokenStream) -> TokenStream {
    include(input.into()).into()
}

/// The whole macro on `proc_macro2` tokens: arguments, file, validation, code.
fn include(input: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let args = match args::parse(input) {
        Ok(args) => args,
        Err(error) => return report::argument_error(&error),
    };
    let span = args.path.span;
    let file = match load::load(std::env::var_os("CARGO_MANIFEST_DIR"), &args.path.value) {
        Ok(file) => file,
        Err(message) => return report::argument_error(&args::ArgError::new(span, message)),
    };
    let options = llmcfg_core::Options {
        table: args.table.map(|t| t.value),
    };
    let report = llmcfg_core::check(&file.name, &file.text, &options);
    let mut out = report::diagnostics(&report, span, args.deny_warnings);
    out.extend(llmcfg_core::codegen::items(&report.config, &report.source));
    out.extend(load::dependency(&file, span));
    out
}
