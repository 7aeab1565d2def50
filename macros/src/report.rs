//! Turning validator findings into compiler output: one `compile_error!` per error, spanned on
//! the path literal, and warnings the compiler prints (or, with `deny_warnings`, errors).

use llmcfg_core::{Diagnostic, Report, SourceFile};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

/// A bad argument: its `compile_error!`, then placeholder items (an empty config) so code that
/// uses `CONFIG` does not add errors of its own.
pub(crate) fn argument_error(error: &crate::args::ArgError) -> TokenStream {
    let mut out = error.to_compile_error();
    out.extend(llmcfg_core::codegen::items(
        &llmcfg_core::LlmConfig::default(),
        &SourceFile::new("", ""),
    ));
    out
}

/// Every diagnostic of `report` as compiler output.
///
/// Errors become `compile_error!`. Warnings do not fail the build unless `deny_warnings` is set;
/// they are shown through the `deprecated` lint, the one lint a macro can trigger on stable Rust
/// with its own text, so `cargo build` prints them and `#![deny(deprecated)]` also denies them.
pub(crate) fn diagnostics(report: &Report, span: Span, deny_warnings: bool) -> TokenStream {
    let mut out = TokenStream::new();
    // Rendered together, so a help repeated in the file is printed once, as by the CLI.
    let texts = llmcfg_core::render::plain_all(&report.source, &report.diagnostics);
    for (diag, rendered) in report.diagnostics.iter().zip(texts) {
        let pad = " ".repeat(gutter(&report.source, diag));
        if diag.is_error() {
            out.extend(compile_error(&text(&rendered, diag), span));
        } else if deny_warnings {
            let mut text = text(&rendered, diag);
            text.push_str(&format!(
                "\n{pad} = note: `deny_warnings = true` in the macro's arguments turns llmcfg \
                 warnings into errors"
            ));
            out.extend(compile_error(&text, span));
        } else {
            let mut text = text(&rendered, diag);
            text.push_str(&format!(
                "\n{pad} = note: an llmcfg warning: `deny_warnings = true` in the macro's arguments \
                 makes it an error, `#[allow(deprecated)]` on the item around the macro call \
                 hides it"
            ));
            out.extend(warning(&text, diag, span));
        }
    }
    out
}

/// `rendered` (one report of `render::plain`) shaped for a compiler message: rustc prints
/// `error: ` / `warning: ` itself, so the severity word goes and everything after it is the
/// CLI's text: `error[llmcfg::code]: message` becomes `[llmcfg::code]: message`.
pub(crate) fn text(rendered: &str, diag: &Diagnostic) -> String {
    // `render::plain` has already masked key-shaped tokens and escaped control characters, so
    // neither a key pasted unquoted nor an escape sequence reaches the compiler's output.
    let severity = diag.severity.as_str();
    match rendered.strip_prefix(severity) {
        Some(rest) if rest.starts_with("[llmcfg::") => rest.to_string(),
        _ => rendered.to_string(),
    }
}

/// The width of the line-number gutter `render::plain` used, to align an extra note.
fn gutter(source: &SourceFile, diag: &Diagnostic) -> usize {
    std::iter::once(&diag.span)
        .chain(diag.related.iter().map(|r| &r.span))
        .map(|s| source.location(s.start).line.to_string().len())
        .max()
        .unwrap_or(1)
}

fn compile_error(text: &str, span: Span) -> TokenStream {
    quote_spanned! {span=> ::core::compile_error! { #text } }
}

/// A use of a `#[deprecated]` constant whose note is the report. The tokens carry the path
/// literal's span so the lint is reported there and not muted as coming from a macro.
fn warning(text: &str, diag: &Diagnostic, span: Span) -> TokenStream {
    let name = proc_macro2::Ident::new(
        &format!("llmcfg_{}", diag.code.as_str().replace('-', "_")),
        span,
    );
    let item = quote_spanned! {span=>
        #[deprecated(note = #text)]
        #[allow(non_upper_case_globals)]
        const #name: () = ();
    };
    let use_ = quote_spanned! {span=> #name };
    quote! {
        const _: () = {
            #item
            #use_
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Item 2: a key pasted unquoted after `api_key_env =` is a TOML syntax error whose
    /// snippet the compile error shows; the key is masked there, and control characters are
    /// escaped.
    #[test]
    fn compile_errors_mask_keys_and_escape_controls() {
        const KEY: &str = "sk-proj-Canary0123456789abcdefXYZ";
        let config = format!(
            "[llm]\n[[llm.credentials]]\nname = \"openai\"\napi_key_env = {KEY}\n# \u{1b}[2J\n"
        );
        let report = llmcfg_core::check("llm.toml", &config, &Default::default());
        let shown: String = report
            .diagnostics
            .iter()
            .map(|d| text(&llmcfg_core::render::plain(&report.source, d), d))
            .collect();
        assert!(shown.contains("[llmcfg::toml-syntax]"), "{shown}");
        assert!(shown.contains("api_key_env = *****"), "{shown}");
        assert!(!shown.contains(KEY) && !shown.contains('\u{1b}'), "{shown}");
        let tokens = diagnostics(&report, Span::call_site(), true).to_string();
        assert!(!tokens.contains(KEY), "{tokens}");
    }
}
