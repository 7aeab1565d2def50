//! Lowering: the validated [`LlmConfig`] turned, once, into the precomputed form both consumers
//! need — `include_llm_config!`'s code generation and the runtime's `Config::load`. Aliases
//! sorted by name with their position and candidate backends, each backend's credential index
//! and provider, the env vars. Neither consumer indexes the config itself, so they cannot
//! disagree on an order or an index.

use std::time::Duration;

use crate::index::Index;
use crate::model::{Alias, Backend, CallSettings, Credential, LlmConfig};
use crate::vocab::RetryClass;

/// The lowered config: borrowed entries plus everything computed from them.
#[derive(Debug)]
pub struct Lowered<'a> {
    /// The config lowered.
    pub config: &'a LlmConfig,
    /// Every credential, in file order.
    pub credentials: Vec<&'a Credential>,
    /// Every backend, in file order, with its credential index and provider.
    pub backends: Vec<LoweredBackend<'a>>,
    /// Every alias, sorted by name (stable: a repeated name keeps file order).
    pub aliases: Vec<LoweredAlias<'a>>,
    /// The env-var names the credentials read, sorted and deduplicated.
    pub env_vars: Vec<&'a str>,
    /// `[calls]`.
    pub calls: CallLayer,
}

/// The lowered type of a call setting of each kind, and how a spanned one becomes it.
macro_rules! lowered_setting {
    (duration) => { Option<Duration> };
    (count) => { Option<u32> };
    // Each class once, in declaration order.
    (classes) => { Option<Vec<RetryClass>> };
    (duration, $value:expr) => { $value.map(|d| d.value) };
    (count, $value:expr) => { $value.map(|n| n.value) };
    (classes, $value:expr) => {
        $value.as_ref().map(|words| {
            RetryClass::ALL
                .iter()
                .copied()
                .filter(|c| words.iter().any(|w| w.value == *c))
                .collect()
        })
    };
}

macro_rules! call_layer {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// One layer of call settings as the runtime carries it: the values of a
        /// [`CallSettings`] without their spans. `None` falls through to the layer below.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct CallLayer {
            $(#[doc = concat!("`", $crate::call_setting_path!($field $(($table . $key))?), "`.")]
            pub $field: lowered_setting!($kind),)*
        }

        impl CallLayer {
            /// The values of `settings`.
            pub fn of(settings: &CallSettings) -> Self {
                CallLayer {
                    $($field: lowered_setting!($kind, settings.$field),)*
                }
            }
        }
    };
}
crate::call_settings!(call_layer);

impl CallLayer {
    /// Whether the layer sets nothing.
    pub fn is_empty(&self) -> bool {
        *self == CallLayer::default()
    }
}

/// One backend with what the runtime needs precomputed.
#[derive(Debug)]
pub struct LoweredBackend<'a> {
    /// The backend as read.
    pub backend: &'a Backend,
    /// Index into [`Lowered::credentials`] of the credential it references, if that exists.
    pub credential: Option<u32>,
    /// The built-in provider it talks to, told from its URL or kind.
    pub provider: Option<&'static str>,
    /// Its layer of call settings.
    pub calls: CallLayer,
}

/// One alias with its place in the sorted list and the backends that could serve it.
#[derive(Debug)]
pub struct LoweredAlias<'a> {
    /// The alias as read.
    pub alias: &'a Alias,
    /// Its index in [`Lowered::aliases`] (the order the runtime binary-searches).
    pub position: u32,
    /// Indices (file order) into [`Lowered::backends`] of the backends that could serve it;
    /// empty when only a built-in endpoint can.
    pub candidates: Vec<u32>,
    /// `fallbacks`, as written.
    pub fallbacks: Vec<&'a str>,
    /// Its layer of call settings.
    pub calls: CallLayer,
}

/// Lowers `config`. Linear in its size: one [`Index`] serves every lookup.
pub fn lower(config: &LlmConfig) -> Lowered<'_> {
    let index = Index::new(config);
    let backends = config
        .backends
        .iter()
        .enumerate()
        .map(|(i, backend)| LoweredBackend {
            backend,
            credential: index.credential_of(backend).and_then(to_u32),
            provider: index.provider(i),
            calls: CallLayer::of(&backend.calls),
        })
        .collect();
    let mut sorted: Vec<&Alias> = config.aliases.iter().collect();
    sorted.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    let aliases = (0u32..)
        .zip(sorted)
        .map(|(position, alias)| LoweredAlias {
            alias,
            position,
            candidates: index
                .candidates(alias)
                .into_iter()
                .filter_map(to_u32)
                .collect(),
            fallbacks: alias.fallbacks.iter().map(|f| f.as_str()).collect(),
            calls: CallLayer::of(&alias.calls),
        })
        .collect();
    Lowered {
        config,
        credentials: config.credentials.iter().collect(),
        backends,
        aliases,
        env_vars: config.env_vars(),
        calls: CallLayer::of(&config.calls),
    }
}

/// Indices come from `Vec` positions; a config with more than `u32::MAX` entries cannot be read
/// (the file-size cap is far below), so dropping such an index never happens in practice.
fn to_u32(i: usize) -> Option<u32> {
    u32::try_from(i).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[llm]
[[llm.credentials]]
name = "a"
api_key_env = "A_KEY"
[[llm.credentials]]
name = "b"
api_key_env = "A_KEY"
[[llm.backends]]
name = "openai"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "b"
ops = ["chat_completions"]
timeout = "1m 30s"
[[llm.backends]]
name = "local"
kind = "ollama_chat"
base_url = "http://127.0.0.1:11434"
ops = ["chat_completions"]
[llm.aliases]
zeta = "openai/gpt-4o"
alpha = "ollama/llama3"
mid = "anthropic/claude"
"#;

    #[test]
    fn aliases_sorted_with_positions_candidates_and_credentials() {
        let report = crate::check("t.toml", TEXT, &crate::Options::default());
        assert!(!report.has_errors(), "{:?}", report.diagnostics);
        let lowered = lower(&report.config);
        let names: Vec<&str> = lowered
            .aliases
            .iter()
            .map(|a| a.alias.name.as_str())
            .collect();
        assert_eq!(names, ["alpha", "mid", "zeta"]);
        let positions: Vec<u32> = lowered.aliases.iter().map(|a| a.position).collect();
        assert_eq!(positions, [0, 1, 2]);
        let candidates: Vec<&[u32]> = lowered
            .aliases
            .iter()
            .map(|a| a.candidates.as_slice())
            .collect();
        assert_eq!(candidates, [&[1][..], &[][..], &[0][..]]);
        assert_eq!(lowered.backends[0].credential, Some(1));
        assert_eq!(lowered.backends[0].provider, Some("openai"));
        assert_eq!(lowered.backends[1].credential, None);
        assert_eq!(
            lowered.backends[0].calls.timeout,
            Some(std::time::Duration::from_secs(90))
        );
        assert_eq!(lowered.backends[1].calls.timeout, None);
        assert_eq!(lowered.env_vars, ["A_KEY"]);
        assert_eq!(lowered.credentials.len(), 2);
    }
}
