//! Turning validator findings into compiler output: one `compile_error!` per error, spanned on
//! the path literal, and warnings the compiler prints (or, with `deny_warnings`, errors).

use llmcfg_core::{Diagnostic, Report, SourceFile};
use proc_macro::{Delimiter, Group, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::tokens;

/// One error or warning for the compiler to show, as source text (see [`Output::tokens`]).
#[derive(Debug)]
pub(crate) enum Output {
    /// `::core::compile_error! { "text" }`.
    Error(String),
    /// A use of a `#[deprecated]` constant `name` whose note is the report. Warnings do not
    /// fail the build unless `deny_warnings` is set; they are shown through the `deprecated`
    /// lint, the one lint a macro can trigger on stable Rust with its own text, so `cargo build`
    /// prints them and `#![deny(deprecated)]` also denies them.
    Warning { name: String, note: String },
}

impl Output {
    /// The source of the tokens that carry the report's span.
    pub(crate) fn source(&self) -> String {
        match self {
            Output::Error(text) => format!("::core::compile_error! {{ {text:?} }}"),
            Output::Warning { name, note } => format!(
                "#[deprecated(note = {note:?})] #[allow(non_upper_case_globals)] const {name}: () = (); {name}"
            ),
        }
    }

    /// The compiler's tokens, on `span` (the path literal's, or the offending argument's) so
    /// rustc reports there: a warning's lint is not muted as coming from a macro.
    pub(crate) fn tokens(&self, span: Span) -> TokenStream {
        let spanned = tokens::spanned(&self.source(), span);
        match self {
            Output::Error(_) => spanned,
            Output::Warning { .. } => {
                // The unnamed const around the constant and its use is the macro's own code, on
                // the call site.
                let mut out = tokens::parse("const _: () =");
                out.extend([
                    TokenTree::Group(Group::new(Delimiter::Brace, spanned)),
                    TokenTree::Punct(Punct::new(';', Spacing::Alone)),
                ]);
                out
            }
        }
    }
}

/// Every diagnostic of `report` as compiler output: errors, and warnings (errors with
/// `deny_warnings`).
pub(crate) fn diagnostics(report: &Report, deny_warnings: bool) -> Vec<Output> {
    let mut out = Vec::new();
    // Rendered together, so a help repeated in the file is printed once, as by the CLI.
    let texts = llmcfg_core::render::plain_all(&report.source, &report.diagnostics);
    for (diag, rendered) in report.diagnostics.iter().zip(texts) {
        let pad = " ".repeat(gutter(&report.source, diag));
        if diag.is_error() {
            out.push(Output::Error(text(&rendered, diag)));
        } else if deny_warnings {
            let mut text = text(&rendered, diag);
            text.push_str(&format!(
                "\n{pad} = note: `deny_warnings = true` in the macro's arguments turns llmcfg \
                 warnings into errors"
            ));
            out.push(Output::Error(text));
        } else {
            let mut text = text(&rendered, diag);
            text.push_str(&format!(
                "\n{pad} = note: an llmcfg warning: `deny_warnings = true` in the macro's arguments \
                 makes it an error, `#[allow(deprecated)]` on the item around the macro call \
                 hides it"
            ));
            out.push(Output::Warning {
                name: format!("llmcfg_{}", diag.code.as_str().replace('-', "_")),
                note: text,
            });
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
        let outputs = diagnostics(&report, true);
        assert!(!outputs.is_empty());
        for output in outputs {
            let source = output.source();
            assert!(!source.contains(KEY), "{source}");
        }
    }
}
