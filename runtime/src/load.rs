//! `Config::from_toml_str` / `Config::load` (feature `load`): a config that is not known at build
//! time, validated at run time by the same rules as `include_llm_config!`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use llmcfg_core::lower::{self, CallLayer, LoweredAlias, LoweredBackend};
use llmcfg_core::model::{self, LlmConfig};
use llmcfg_core::{Options, Report, render};

use crate::call::{CallOverrides, RetryOn};
use crate::config::construct::{self, AliasParts, BackendParts, ConfigParts, CredentialParts};
use crate::config::{Alias, Backend, Config, Credential};

/// Why a config could not be loaded. `{:?}` prints the same text as `{}` (the rendered
/// report), so `main() -> Result<(), Box<dyn Error>>` shows a readable failure.
#[non_exhaustive]
pub enum LoadError {
    /// The file is not a regular file, is over 16 MiB, or could not be read.
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: llmcfg_core::file::FileError,
    },
    /// The config has errors. The message is the rendered report of every error.
    Invalid {
        /// The file's name as shown in the report.
        name: String,
        /// How many errors.
        count: usize,
        /// Every error, rendered like the macro renders them.
        rendered: String,
        /// The full report, for callers that want the structured diagnostics.
        report: Box<Report>,
    },
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::File { path, source } => {
                write!(f, "cannot read llm config {}: {source}", path.display())
            }
            LoadError::Invalid {
                name,
                count,
                rendered,
                ..
            } => write!(
                f,
                "{name}: the llm config has {count} error(s)\n\n{rendered}"
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::File { source, .. } => Some(source),
            LoadError::Invalid { .. } => None,
        }
    }
}

impl std::fmt::Debug for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::error::debug_as_display(self, f)
    }
}

impl Config {
    /// Validates `text` (the `[llm]` table) and builds a config from it.
    pub fn from_toml_str(text: &str) -> Result<Config, LoadError> {
        Config::from_toml_str_with("llm.toml", text, &Options::default())
    }

    /// Validates `text`, reporting it as `name`, with the given options (e.g. the table).
    pub fn from_toml_str_with(
        name: &str,
        text: &str,
        options: &Options,
    ) -> Result<Config, LoadError> {
        Config::from_report(llmcfg_core::check(name, text, options))
    }

    /// Reads, validates and builds the config at `path` (the `[llm]` table).
    pub fn load(path: impl AsRef<Path>) -> Result<Config, LoadError> {
        Config::load_with(path, &Options::default())
    }

    /// Reads, validates and builds the config at `path` with the given options.
    pub fn load_with(path: impl AsRef<Path>, options: &Options) -> Result<Config, LoadError> {
        let path = path.as_ref();
        // A regular file of at most 16 MiB, as the macro and the CLI read it: a FIFO or a
        // device is refused instead of blocking or reading without end.
        let bytes = llmcfg_core::file::read(path).map_err(|source| LoadError::File {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path.display().to_string();
        match String::from_utf8(bytes) {
            Ok(text) => Config::from_toml_str_with(&name, &text, options),
            Err(error) => Self::from_report(llmcfg_core::file::not_utf8(&name, &error)),
        }
    }

    /// Builds a config from a validator report; fails when the report has errors.
    pub fn from_report(report: Report) -> Result<Config, LoadError> {
        if report.has_errors() {
            let errors: Vec<_> = report.errors().cloned().collect();
            // A help repeated in the file is printed once and referred to after.
            let rendered = render::plain_all(&report.source, &errors).join("\n\n");
            return Err(LoadError::Invalid {
                name: report.source.name().to_string(),
                count: errors.len(),
                rendered,
                report: Box::new(report),
            });
        }
        Ok(build(&report.config))
    }
}

fn owned(s: &str) -> Cow<'static, str> {
    Cow::Owned(s.to_string())
}

fn opt(s: Option<&model::Spanned<String>>) -> Option<Cow<'static, str>> {
    s.map(|s| owned(&s.value))
}

/// The lowered config as owned runtime data: the same precomputation the macro emits as
/// `&'static` data.
fn build(config: &LlmConfig) -> Config {
    let lowered = lower::lower(config);
    let credentials: Vec<Credential> = lowered.credentials.iter().map(|c| credential(c)).collect();
    let backends: Vec<Backend> = lowered.backends.iter().map(backend).collect();
    let aliases: Vec<Alias> = lowered.aliases.iter().map(alias).collect();
    construct::config(ConfigParts {
        default_policy: config.default_policy,
        default_alias: opt(config.default_alias.as_ref()),
        credentials: Cow::Owned(credentials),
        backends: Cow::Owned(backends),
        aliases: Cow::Owned(aliases),
        env_vars: Cow::Owned(lowered.env_vars.iter().map(|v| owned(v)).collect()),
        calls: overrides(&lowered.calls),
    })
}

fn credential(c: &model::Credential) -> Credential {
    let command = c.command.as_ref().map_or_else(Vec::new, |argv| {
        argv.value.iter().map(|a| owned(a)).collect()
    });
    construct::credential(CredentialParts {
        name: owned(&c.name.value),
        kind: c.kind,
        api_key_env: Cow::Owned(c.api_key_env.iter().map(|v| owned(&v.value)).collect()),
        secret: opt(c.secret.as_ref()),
        path: opt(c.path.as_ref()),
        command: Cow::Owned(command),
        ttl: c.ttl.map(|t| t.value),
        output: c.output.map(|o| o.value).unwrap_or_default(),
        service: opt(c.service.as_ref()),
        account: opt(c.account.as_ref()),
    })
}

fn backend(lb: &LoweredBackend<'_>) -> Backend {
    let b = lb.backend;
    construct::backend(BackendParts {
        name: owned(&b.name.value),
        kind: b.kind.value,
        base_url: owned(&b.base_url.value),
        credential_ref: opt(b.credential_ref.as_ref()),
        credential: lb.credential,
        hosting: b.hosting,
        model: opt(b.model.as_ref()),
        provider: lb.provider.map(Cow::Borrowed),
        ops: Cow::Owned(b.ops.iter().map(|o| o.value).collect()),
        features: Cow::Owned(b.features.iter().map(|f| owned(&f.value)).collect()),
        transports: Cow::Owned(b.transports.iter().map(|t| t.value).collect()),
        weight: b.weight,
        priority: b.priority,
        auth_header: opt(b.auth_header.as_ref()),
        headers: Cow::Owned(
            b.headers
                .iter()
                .map(|(n, v)| (owned(&n.value), owned(&v.value)))
                .collect(),
        ),
        calls: overrides(&lb.calls),
    })
}

fn alias(la: &LoweredAlias<'_>) -> Alias {
    let a = la.alias;
    construct::alias(AliasParts {
        name: owned(&a.name.value),
        model: owned(&a.model.value),
        secret: opt(a.secret.as_ref()),
        backend: opt(a.backend.as_ref()),
        candidates: Cow::Owned(la.candidates.clone()),
        position: la.position,
        fallbacks: Cow::Owned(la.fallbacks.iter().map(|f| owned(f)).collect()),
        calls: overrides(&la.calls),
    })
}

/// A lowered call setting of each kind in the executor's type.
macro_rules! override_value {
    (duration, $value:expr) => {
        $value
    };
    (count, $value:expr) => {
        $value
    };
    (classes, $value:expr) => {
        $value.as_ref().map(|classes| {
            classes
                .iter()
                .fold(RetryOn::NONE, |set, c| set.union(RetryOn::of(*c)))
        })
    };
}

macro_rules! overrides {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// One layer of call settings in the executor's type.
        fn overrides(layer: &CallLayer) -> CallOverrides {
            CallOverrides {
                $($field: override_value!($kind, layer.$field),)*
            }
        }
    };
}
llmcfg_core::call_settings!(overrides);

#[cfg(test)]
mod tests {
    use super::*;

    const SPEAR: &str = include_str!("../../tests/corpus/valid/spear-spearlet.toml");

    #[test]
    fn load_refuses_what_is_not_a_small_regular_utf8_file() {
        use llmcfg_core::file::FileError;
        let err = Config::load(std::env::temp_dir()).expect_err("a directory");
        assert!(
            matches!(
                err,
                LoadError::File {
                    source: FileError::Directory,
                    ..
                }
            ),
            "{err}"
        );
        #[cfg(unix)]
        {
            let err = Config::load("/dev/zero").expect_err("a device");
            assert!(
                matches!(
                    err,
                    LoadError::File {
                        source: FileError::NotRegular,
                        ..
                    }
                ),
                "{err}"
            );
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let latin1 = dir.path().join("llm.toml");
        std::fs::write(&latin1, b"[llm]\n# caf\xe9\n").expect("write");
        let err = Config::load(&latin1).expect_err("not UTF-8");
        let LoadError::Invalid { report, .. } = &err else {
            panic!("not UTF-8 is a diagnostic: {err}");
        };
        assert_eq!(report.diagnostics[0].code, llmcfg_core::Code::TomlSyntax);
        assert!(err.to_string().contains("llm.toml:2:6"), "{err}");
    }

    #[test]
    fn an_invalid_config_debugs_as_its_report() {
        let err = Config::from_toml_str("[[llm.backends]]\nname = \"x\"\nkind = \"ollama_chat\"\n")
            .expect_err("no base_url, no ops");
        let debug = format!("{err:?}");
        assert_eq!(debug, err.to_string());
        assert!(debug.contains("error[llmcfg::"), "{debug}");
        assert!(!debug.contains("Invalid {"), "no struct dump: {debug}");
    }

    #[test]
    fn loads_spear_with_its_table() {
        let config =
            Config::from_toml_str_with("config.toml", SPEAR, &Options::table("spearlet.llm"))
                .expect("Spear's config is valid");
        assert_eq!(config.backends().len(), 2);
        assert_eq!(config.credentials().len(), 2);
        let chat = config.backend("openai-chat").expect("backend");
        assert_eq!(
            config.credential_of(chat).map(Credential::name),
            Some("openai_chat")
        );
        assert_eq!(chat.provider(), Some("openai"));
        assert_eq!(
            config.env_vars().len(),
            1,
            "both credentials read OPENAI_API_KEY"
        );
    }

    #[test]
    fn aliases_are_sorted_with_candidates() {
        let config = Config::from_toml_str(
            r#"
[llm]
default_alias = "smart"
[[llm.credentials]]
name = "anthropic"
api_key_env = "ANTHROPIC_API_KEY"
[[llm.backends]]
name = "claude"
kind = "anthropic_messages"
base_url = "https://api.anthropic.com/v1"
credential_ref = "anthropic"
ops = ["chat_completions"]
[llm.aliases]
smart = { model = "anthropic/claude-sonnet-4" }
fast = "openai/gpt-5-nano"
"#,
        )
        .expect("valid");
        let names: Vec<&str> = config.aliases().iter().map(Alias::name).collect();
        assert_eq!(names, ["fast", "smart"]);
        let positions: Vec<u32> = config.aliases().iter().map(Alias::position).collect();
        assert_eq!(
            positions,
            [0, 1],
            "each alias knows its index in the sorted list"
        );
        assert_eq!(
            config.alias("SMART").map(Alias::candidates),
            Some(&[0u32][..])
        );
        assert_eq!(config.alias("fast").map(Alias::candidates), Some(&[][..]));
        assert_eq!(config.default_alias(), Some("smart"));
    }

    #[test]
    fn errors_render_like_the_macro_and_hold_no_values() {
        let err = Config::from_toml_str(
            "[llm]\n[[llm.backends]]\nname = \"x\"\nkind = \"stub\"\napi_key_env = \"X_KEY\"\nops = [\"chat_completions\"]\n",
        )
        .expect_err("legacy field");
        let text = err.to_string();
        assert!(text.contains("legacy-api-key-env"), "{text}");
        assert!(text.contains("--> llm.toml:5:1"), "{text}");
        assert!(matches!(err, LoadError::Invalid { count: 1, .. }));
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = Config::load("/nonexistent/llm.toml").expect_err("no file");
        assert!(err.to_string().contains("/nonexistent/llm.toml"));
    }
}
