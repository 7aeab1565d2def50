//! Procedural macros of llmcfg. Depend on `llmcfg` and use `llmcfg::include_llm_config!`.

use proc_macro::TokenStream;

/// Validates an llm config at compile time and expands to its typed constants.
/// See the `llmcfg` crate documentation.
#[proc_macro]
pub fn include_llm_config(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
