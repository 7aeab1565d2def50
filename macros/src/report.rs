//! Turning validator findings into compiler output: one `compile_error!` per error, spanned on
//! the path literal, and warnings the compiler prints (or, with `deny_warnings`, errors).

use llmcfg_core::{Diagnostic, Report, Severity, SourceFile};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

/// A bad argument: its `compile_error!`, then placeholder items (an empty config) so code that
/// uses `CONFIG` does not add errors of its own.
pub(crate) fn argument_error(error: &syn::Error) -> TokenStream {
    let mut out = error.to_compile_error();
    out.extend(crate::expand::items(
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
    for diag in &report.diagnostics {
        if diag.is_error() {
            out.extend(compile_error(&text(&report.source, diag), span));
        } else if deny_warnings {
            let mut denied = diag.clone();
            denied.severity = Severity::Error;
            let mut text = text(&report.source, &denied);
            text.push_str(&format!(
                "\n{} = note: `deny_warnings = true` turns llmcfg warnings into errors",
                " ".repeat(gutter(&report.source, diag))
            ));
            out.extend(compile_error(&text, span));
        } else {
            out.extend(warning(&text(&report.source, diag), diag, span));
        }
    }
    out
}

/// The rendered report, with its first line shaped for a compiler message: rustc already
/// prints `error:`/`warning:`, so `error[llmcfg::code]: message` becomes `[llmcfg::code] message`.
pub(crate) fn text(source: &SourceFile, diag: &Diagnostic) -> String {
    let rendered = llmcfg_core::render::plain(source, diag);
    let head = format!("{}[llmcfg::{}]: ", diag.severity, diag.code);
    let body = match rendered.strip_prefix(&head) {
        Some(rest) => format!("[llmcfg::{}] {rest}", diag.code),
        None => rendered,
    };
    // The snippet quotes the file verbatim; a stray control character (an escape sequence
    // in a comment) must not reach the terminal through the compiler.
    body.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
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
    let name = syn::Ident::new(
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
