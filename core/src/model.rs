//! The typed config: what phase two builds from the spanned TOML tree. Every value keeps the
//! span it was read from, so later rules and the macro can point back into the file.

use std::time::Duration;

use crate::diagnostic::Span;
use crate::vocab::{
    self, BackendKind, CredentialKind, Hosting, KeyOutput, Op, Policy, Provider, RetryClass,
    Transport,
};

/// A value and the byte span of the TOML that wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: impl Into<Span>) -> Self {
        Spanned {
            value,
            span: span.into(),
        }
    }
}

impl Spanned<String> {
    /// The string value.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A validated llm table.
///
/// When the report has errors this is a best-effort view: entries whose name could be read are
/// kept, with defaults standing in for values that could not, so the macro can still emit every
/// name and users see the real error instead of a cascade of unresolved constants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LlmConfig {
    /// The dotted path of the table (`llm`, `spearlet.llm`).
    pub table: String,
    /// The span of the table in the file.
    pub span: Span,
    /// The routing policy.
    pub default_policy: Policy,
    /// The alias used when no model is requested.
    pub default_alias: Option<Spanned<String>>,
    /// `[[credentials]]`, in file order.
    pub credentials: Vec<Credential>,
    /// `[[backends]]`, in file order.
    pub backends: Vec<Backend>,
    /// `[aliases]`, in file order.
    pub aliases: Vec<Alias>,
    /// `[discovery.ollama]`, if present.
    pub ollama_discovery: Option<OllamaDiscovery>,
    /// `[router_grpc_filter_stream]`, if present.
    pub router_filter: Option<RouterFilter>,
    /// `[calls]`: the call settings below every backend's and alias's.
    pub calls: CallSettings,
}

/// The spanned type of a call setting of each kind.
macro_rules! spanned_setting {
    (duration) => { Option<Spanned<Duration>> };
    (count) => { Option<Spanned<u32>> };
    // `Some(empty)` retries none.
    (classes) => { Option<Vec<Spanned<RetryClass>>> };
}

macro_rules! call_settings_struct {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// One layer of call settings: `[calls]`, or the same keys on a backend or an alias
        /// (each table takes the keys its declaration lists). `None` is "not written here": the
        /// layer below decides (alias over backend over `[calls]` over the runtime's built-in
        /// defaults). Its fields are the declared settings (`crate::settings`).
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct CallSettings {
            $(#[doc = concat!("`", $crate::call_setting_path!($field $(($table . $key))?), "`: ", $doc)]
            pub $field: spanned_setting!($kind),)*
        }
    };
}
crate::call_settings!(call_settings_struct);

/// A named source of an API key. Holds names, never a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// The whole entry.
    pub span: Span,
    /// `name`.
    pub name: Spanned<String>,
    /// `kind`.
    pub kind: CredentialKind,
    /// `api_key_env`: the NAMES of the env vars holding the key, in the order written. One
    /// for a plain credential; more than one is a key pool, used in turn. Empty when not
    /// written.
    pub api_key_env: Vec<Spanned<String>>,
    /// `secret`: the secret-store entry to fall back to.
    pub secret: Option<Spanned<String>>,
    /// `path`, for `kind = "file"`.
    pub path: Option<Spanned<String>>,
    /// `command`, for `kind = "command"`.
    pub command: Option<Spanned<Vec<String>>>,
    /// `ttl`: how long a command's key is reused.
    pub ttl: Option<Spanned<Duration>>,
    /// `output`: what the command prints.
    pub output: Option<Spanned<KeyOutput>>,
    /// `service`, for `kind = "keyring"`.
    pub service: Option<Spanned<String>>,
    /// `account`, for `kind = "keyring"`.
    pub account: Option<Spanned<String>>,
}

impl Credential {
    /// The first variable of `api_key_env` (the only one unless it is a key pool).
    pub fn first_var(&self) -> Option<&Spanned<String>> {
        self.api_key_env.first()
    }

    /// Whether `api_key_env` names several variables: a key pool.
    pub fn is_pool(&self) -> bool {
        self.api_key_env.len() > 1
    }
}

/// A configured endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    /// The whole entry.
    pub span: Span,
    /// `name`.
    pub name: Spanned<String>,
    /// `kind`. A placeholder (`stub`) when [`Backend::kind_known`] is false.
    pub kind: Spanned<BackendKind>,
    /// Whether `kind` was written and known. When it was not, that is reported once and the
    /// rules that depend on the kind (ops, transports, URL scheme) are skipped for this backend.
    pub kind_known: bool,
    /// `base_url` (empty for a stub without one).
    pub base_url: Spanned<String>,
    /// `credential_ref`.
    pub credential_ref: Option<Spanned<String>>,
    /// `hosting`, defaulted from the URL (loopback → local) when omitted.
    pub hosting: Hosting,
    /// `model`: the one model this backend serves, if bound.
    pub model: Option<Spanned<String>>,
    /// `ops`.
    pub ops: Vec<Spanned<Op>>,
    /// `features`.
    pub features: Vec<Spanned<String>>,
    /// `transports`, defaulted from the kind when omitted.
    pub transports: Vec<Spanned<Transport>>,
    /// `weight` (default 100).
    pub weight: u32,
    /// `priority` (default 0).
    pub priority: i32,
    /// `auth_header`: the header the key is sent in instead of the kind's scheme.
    pub auth_header: Option<Spanned<String>>,
    /// `headers`: static headers sent on every request, in file order (name, value).
    pub headers: Vec<(Spanned<String>, Spanned<String>)>,
    /// Its layer of call settings (`timeout`, `connect_timeout`, `max_retries`, …).
    pub calls: CallSettings,
}

/// A model alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    /// The whole entry (key and value).
    pub span: Span,
    /// The key in `[aliases]`.
    pub name: Spanned<String>,
    /// `model`: `provider/model`.
    pub model: Spanned<String>,
    /// `secret`: the secret-store entry linked to the alias.
    pub secret: Option<Spanned<String>>,
    /// `backend`: the backend the alias is pinned to.
    pub backend: Option<Spanned<String>>,
    /// `ops`: what the application uses the alias for (checked against its backends).
    pub ops: Vec<Spanned<Op>>,
    /// `fallbacks`: aliases tried in order once every backend of this one has failed.
    pub fallbacks: Vec<Spanned<String>>,
    /// Its layer of call settings (`timeout`, `deadline`, …), above its backends'.
    pub calls: CallSettings,
}

impl Alias {
    /// The provider part of `model`.
    pub fn provider(&self) -> &str {
        self.model.value.split_once('/').map_or("", |(p, _)| p)
    }

    /// The model part of `model`.
    pub fn model_name(&self) -> &str {
        self.model
            .value
            .split_once('/')
            .map_or(self.model.value.as_str(), |(_, m)| m)
    }
}

/// `[discovery.ollama]`: importing the models a local Ollama serves (Spear).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OllamaDiscovery {
    /// The whole table.
    pub span: Span,
    /// `enabled`.
    pub enabled: bool,
    /// `scope`: `serving` or `installed`.
    pub scope: String,
    /// `base_url`.
    pub base_url: Option<Spanned<String>>,
    /// `allow_remote`.
    pub allow_remote: bool,
    /// `timeout_ms`.
    pub timeout_ms: u64,
    /// `max_models`.
    pub max_models: u64,
    /// `allow_models`.
    pub allow_models: Vec<String>,
    /// `deny_models`.
    pub deny_models: Vec<String>,
    /// `name_prefix`.
    pub name_prefix: String,
    /// `name_conflict`: `skip` or `overwrite`.
    pub name_conflict: String,
    /// `default_weight`.
    pub default_weight: u32,
    /// `default_priority`.
    pub default_priority: i32,
    /// `default_ops`.
    pub default_ops: Vec<Op>,
    /// `default_features`.
    pub default_features: Vec<String>,
    /// `default_transports`.
    pub default_transports: Vec<Transport>,
}

/// `[router_grpc_filter_stream]`: Spear's external routing filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouterFilter {
    /// The whole table.
    pub span: Span,
    /// `enabled`.
    pub enabled: bool,
    /// `addr`: `host:port`, or empty for the SMS address.
    pub addr: String,
    /// `decision_timeout_ms`.
    pub decision_timeout_ms: u64,
    /// `fail_open`.
    pub fail_open: bool,
    /// `max_candidates_sent`.
    pub max_candidates_sent: u64,
    /// `max_debug_kv`.
    pub max_debug_kv: u64,
    /// `max_inflight_total`.
    pub max_inflight_total: u64,
    /// `per_agent_max_inflight`.
    pub per_agent_max_inflight: u64,
    /// `content_fetch_enabled`.
    pub content_fetch_enabled: bool,
    /// `content_fetch_max_bytes`.
    pub content_fetch_max_bytes: u64,
}

impl Backend {
    /// The built-in provider this backend talks to, told from its URL's host or its kind.
    pub fn provider(&self) -> Option<&'static Provider> {
        vocab::provider_of_backend(self.kind.value, &self.base_url.value)
    }
}

impl LlmConfig {
    /// The credential named `name`.
    pub fn credential(&self, name: &str) -> Option<&Credential> {
        self.credentials.iter().find(|c| c.name.value == name)
    }

    /// The backend named `name`.
    pub fn backend(&self, name: &str) -> Option<&Backend> {
        self.backends.iter().find(|b| b.name.value == name)
    }

    /// The alias named `name`.
    pub fn alias(&self, name: &str) -> Option<&Alias> {
        self.aliases.iter().find(|a| a.name.value == name)
    }

    /// The env-var names the config reads, sorted and deduplicated.
    pub fn env_vars(&self) -> Vec<&str> {
        let mut vars: Vec<&str> = self
            .credentials
            .iter()
            .flat_map(|c| c.api_key_env.iter().map(Spanned::as_str))
            .collect();
        vars.sort_unstable();
        vars.dedup();
        vars
    }
}
