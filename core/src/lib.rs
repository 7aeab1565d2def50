//! The one place that knows llmcfg's rules: the schema of an llm config, a span-accurate parser,
//! every validation rule, and the diagnostics they produce.
//!
//! The macro (`include_llm_config!`), the CLI (`cargo llmcfg check`) and the runtime's
//! `Config::load` all call [`check`]; nothing else implements a rule.
//!
//! ```
//! let report = llmcfg_core::check(
//!     "llm.toml",
//!     r#"
//! [llm]
//! [[llm.backends]]
//! name = "openai-chat"
//! kind = "openai_chat_completion"
//! base_url = "https://api.openai.com/v1"
//! api_key_env = "OPENAI_API_KEY"
//! ops = ["chat_completions"]
//! "#,
//!     &llmcfg_core::Options::default(),
//! );
//! assert!(report.has_errors());
//! assert_eq!(report.diagnostics[0].code.as_str(), "legacy-api-key-env");
//! assert_eq!(report.location(&report.diagnostics[0]).line, 7);
//! ```

pub mod settings;
pub mod vocab;

#[cfg(feature = "rules")]
mod code;
#[cfg(feature = "codegen")]
pub mod codegen;
#[cfg(feature = "rules")]
mod diagnostic;
#[cfg(feature = "rules")]
mod diags;
#[cfg(feature = "rules")]
pub mod duration;
#[cfg(feature = "rules")]
pub mod file;
#[cfg(feature = "rules")]
pub mod index;
#[cfg(feature = "rules")]
pub mod keys;
#[cfg(feature = "rules")]
pub mod legacy;
#[cfg(feature = "rules")]
pub mod lower;
#[cfg(feature = "rules")]
pub mod model;
#[cfg(feature = "rules")]
mod parse;
#[cfg(feature = "rules")]
mod read;
#[cfg(feature = "rules")]
pub mod render;
#[cfg(feature = "rules")]
mod schema;
#[cfg(feature = "rules")]
mod snippet;
#[cfg(feature = "rules")]
pub mod suggest;
#[cfg(feature = "rules")]
pub mod url;
#[cfg(feature = "rules")]
mod validate;

#[cfg(feature = "rules")]
pub use code::{Code, Severity};
#[cfg(feature = "rules")]
pub use diagnostic::{
    Applicability, Diagnostic, Edit, Location, Related, SourceFile, Span, Suggestion,
};
#[cfg(feature = "rules")]
pub use model::LlmConfig;

/// The dotted path of the llm table when none is given.
pub const DEFAULT_TABLE: &str = "llm";

/// How to read a config file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The dotted path of the llm table (`spearlet.llm`); [`DEFAULT_TABLE`] when `None`.
    pub table: Option<String>,
}

impl Options {
    /// Options selecting the table at `table`.
    pub fn table(table: impl Into<String>) -> Self {
        Options {
            table: Some(table.into()),
        }
    }
}

/// The outcome of checking one file: the typed config and every diagnostic, in file order.
#[cfg(feature = "rules")]
#[derive(Clone, Debug)]
pub struct Report {
    /// The checked file.
    pub source: SourceFile,
    /// The typed config; best effort when [`Report::has_errors`].
    pub config: LlmConfig,
    /// Every finding, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(feature = "rules")]
impl Report {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Whether any diagnostic is a warning.
    pub fn has_warnings(&self) -> bool {
        self.diagnostics.iter().any(|d| !d.is_error())
    }

    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// Where a diagnostic starts.
    pub fn location(&self, diagnostic: &Diagnostic) -> Location {
        self.source.location(diagnostic.span.start)
    }
}

/// Parses and validates the config in `text` (shown as `name` in reports).
///
/// Never panics, whatever the input: every problem becomes a diagnostic. When the TOML itself
/// does not parse, only syntax errors are reported, since rules run on a half-read tree would
/// mostly report the syntax error again in other words.
#[cfg(feature = "rules")]
pub fn check(name: &str, text: &str, options: &Options) -> Report {
    check_source(SourceFile::new(name, text), options)
}

/// [`check`] for a [`SourceFile`] the caller already holds.
#[cfg(feature = "rules")]
pub fn check_source(source: SourceFile, options: &Options) -> Report {
    let table = options.table.as_deref().unwrap_or(DEFAULT_TABLE);
    let (root, mut diagnostics) = parse::parse_toml(source.text());
    let syntax_failed = !diagnostics.is_empty();
    let mut config = LlmConfig {
        table: table.to_string(),
        ..LlmConfig::default()
    };
    let mut selecting = diags::Sink::default();
    let selected = parse::select(&root, table, &mut selecting);
    let mut semantic = selecting.finish();
    if let Some((llm, span)) = selected {
        let mut reader = read::Reader::new(table, source.shared_text());
        config = schema::read_llm(&mut reader, llm, span);
        semantic.append(&mut reader.finish());
        let mut validating = diags::Sink::default();
        validate::validate(&config, &mut validating);
        semantic.append(&mut validating.finish());
    }
    if !syntax_failed {
        diagnostics.append(&mut semantic);
    }
    drop_explained(&mut diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let mut source = source;
    for secret in diagnostics.iter().filter_map(|d| d.secret) {
        source.redact(secret);
    }
    Report {
        source,
        config,
        diagnostics,
    }
}

/// Drops the warnings an error of the file already explains. The rules that see both drop
/// their own (`validate`: an `unused-credential` for the credential a dangling `credential_ref`
/// most likely meant, or for any while a reference is close to none; an `op-unserved` of an
/// alias pinned to an unknown backend). The reader and the validator see different halves of
/// one case, handled here: an `unused-credential` for the credential a `legacy-api-key-env`
/// error says to reference (its related span), and every `unused-credential` while a key is
/// a misspelled `credential_ref`.
#[cfg(feature = "rules")]
fn drop_explained(diagnostics: &mut Vec<Diagnostic>) {
    let proposed: Vec<Span> = diagnostics
        .iter()
        .filter(|d| d.code == Code::LegacyApiKeyEnv)
        .flat_map(|d| d.related.iter().map(|r| r.span))
        .collect();
    // A key one fix away from `credential_ref` (`credental_ref = "openai"`) is a reference
    // not read: like a dangling one, it could name any credential.
    let misspelled_ref = diagnostics.iter().any(|d| {
        d.code == Code::UnknownField
            && d.suggestions
                .iter()
                .any(|s| s.edits.iter().any(|e| e.replacement == "credential_ref"))
    });
    diagnostics.retain(|d| {
        d.code != Code::UnusedCredential || !(misspelled_ref || proposed.contains(&d.span))
    });
}

#[cfg(all(test, feature = "parse"))]
mod tests {
    use super::*;

    /// Secrets the validator finds are masked in every rendering of every diagnostic, and never
    /// kept in the typed config, so a build or CI log never repeats them.
    #[test]
    fn found_secrets_never_appear_in_any_report() {
        const KEY_A: &str = "sk-proj-Canary0123456789abcdefXYZ";
        const KEY_B: &str = "hunter2-correct-horse-battery";
        const KEY_C: &str = "sk-ant-Canary9876543210zyxwvuQ";
        let text = format!(
            "[llm]\n[[llm.credentials]]\nname = \"openai\"\napi_key_env = \"{KEY_A}\"\n\
             [[llm.backends]]\nname = \"b\"\nkind = \"stub\"\ncredential_ref = \"openai\"\n\
             api_key = \"{KEY_B}\"\nops = [\"chat_completions\"]\nmodel = \"{KEY_C}\"\n"
        );
        let report = check("llm.toml", &text, &Options::default());
        let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes
                .iter()
                .filter(|c| **c != "api-key-env-holds-key" && **c != "plaintext-secret")
                .count(),
            0,
            "{codes:?}"
        );
        assert_eq!(codes.len(), 3, "{codes:?}");
        let mut shown = format!("{report:?}");
        for d in &report.diagnostics {
            shown.push_str(&render::plain(&report.source, d));
            shown.push_str(&render::short(&report.source, d));
            shown.push_str(&format!("{:?}", render::json(&report.source, d)));
            #[cfg(feature = "fancy")]
            shown.push_str(&render::graphical(&report.source, d, false));
        }
        for key in [KEY_A, KEY_B, KEY_C] {
            assert!(!shown.contains(key), "{key} leaked:\n{shown}");
        }
        // The snippet still points at the right place, with the value masked.
        let plain = render::plain(&report.source, &report.diagnostics[0]);
        assert!(plain.contains("--> llm.toml:4:15"), "{plain}");
        assert!(
            plain.contains("api_key_env = \"*********************************\""),
            "{plain}"
        );
        assert_eq!(
            report.source.text(),
            text,
            "the raw text is kept for tools that edit it"
        );
    }
}
