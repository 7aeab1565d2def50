//! The runtime's view of a validated config. `include_llm_config!` builds these from `&'static`
//! data (no parsing, no allocation); `Config::load` builds the same types from owned data.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

pub use llmcfg_core::vocab::{
    BackendKind, CredentialKind, Hosting, KeyOutput, Op, Policy, Transport,
};

use construct::{AliasParts, BackendParts, ConfigParts, CredentialParts};

// A leaf of the call module (it imports nothing of the config): the config carries each
// backend's layer of call settings in the executor's own type.
use crate::call::CallOverrides;

/// A string that is `&'static` in a compiled-in config and owned in a loaded one.
pub(crate) type Str = Cow<'static, str>;
/// A list that is `&'static` in a compiled-in config and owned in a loaded one.
pub(crate) type List<T> = Cow<'static, [T]>;

/// A validated llm config: credentials, backends and aliases.
///
/// Aliases are kept sorted by name, and every alias carries the indices of the backends that
/// could serve it, so resolving an alias is a binary search and a pick, with no allocation.
/// Resolving a typed constant (`aliases::FAST`) skips the search: it carries its position.
#[derive(Clone)]
pub struct Config(ConfigParts);

/// A named credential: where an API key comes from. Holds names, never a key.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(CredentialParts);

/// A configured endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct Backend(BackendParts);

/// A model alias: a short name (`fast`) for a `provider/model` string.
#[derive(Clone, PartialEq, Eq)]
pub struct Alias(AliasParts);

// `Debug` shows the fields, as a struct with named fields would.
macro_rules! debug_as_parts {
    ($($ty:ident),+) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }
    )+};
}
debug_as_parts!(Config, Credential, Backend, Alias);

impl Config {
    /// The policy used to pick among several candidate backends.
    pub fn default_policy(&self) -> Policy {
        self.0.default_policy
    }

    /// The alias used when a caller names no model and `LLMCFG_DEFAULT_MODEL` is unset.
    pub fn default_alias(&self) -> Option<&str> {
        self.0.default_alias.as_deref()
    }

    /// Every credential, in file order.
    pub fn credentials(&self) -> &[Credential] {
        &self.0.credentials
    }

    /// Every backend, in file order.
    pub fn backends(&self) -> &[Backend] {
        &self.0.backends
    }

    /// Every alias, sorted by name.
    pub fn aliases(&self) -> &[Alias] {
        &self.0.aliases
    }

    /// The env-var names the config references (credentials' `api_key_env`), sorted, deduplicated.
    pub fn env_vars(&self) -> &[Str] {
        &self.0.env_vars
    }

    /// The `[llm.calls]` layer of call settings: below every backend's and alias's.
    pub fn call_overrides(&self) -> &CallOverrides {
        &self.0.calls
    }

    /// Looks an alias up by name, ignoring ASCII case.
    pub fn alias(&self, name: &str) -> Option<&Alias> {
        self.0
            .aliases
            .binary_search_by(|a| cmp_ignore_ascii_case(&a.0.name, name))
            .ok()
            .map(|i| &self.0.aliases[i])
    }

    /// Looks a backend up by its exact name.
    pub fn backend(&self, name: &str) -> Option<&Backend> {
        self.0.backends.iter().find(|b| b.0.name == name)
    }

    /// Looks a credential up by its exact name.
    pub fn credential(&self, name: &str) -> Option<&Credential> {
        self.0.credentials.iter().find(|c| c.0.name == name)
    }

    /// The credential a backend references, if any.
    pub fn credential_of(&self, backend: &Backend) -> Option<&Credential> {
        backend
            .credential_index()
            .and_then(|i| self.0.credentials.get(i))
    }
}

/// Compares `stored` (already lowercase) with `query` as if `query` were lowercased, without
/// allocating.
pub(crate) fn cmp_ignore_ascii_case(stored: &str, query: &str) -> std::cmp::Ordering {
    stored
        .bytes()
        .cmp(query.bytes().map(|b| b.to_ascii_lowercase()))
}

impl Credential {
    /// The credential's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
    /// Where the key comes from when the env var is unset.
    pub fn kind(&self) -> CredentialKind {
        self.0.kind
    }
    /// The NAME of the env var holding the key: the first of a key pool's.
    pub fn api_key_env(&self) -> Option<&str> {
        self.0.api_key_env.first().map(|v| &**v)
    }
    /// Every variable `api_key_env` names, in the order written: one, or a key pool's, whose
    /// keys are used in turn.
    pub fn api_key_envs(&self) -> &[Str] {
        &self.0.api_key_env
    }
    /// Whether `api_key_env` names several variables: a key pool.
    pub fn is_pool(&self) -> bool {
        self.0.api_key_env.len() > 1
    }
    /// The secret-store entry holding the key under `api_key_env`, for `kind = "env"`.
    pub fn secret(&self) -> Option<&str> {
        self.0.secret.as_deref()
    }
    /// The file holding the key, for `kind = "file"`.
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }
    /// The argv printing the key, for `kind = "command"`.
    pub fn command(&self) -> &[Str] {
        &self.0.command
    }
    /// `ttl`: how long the command's key is reused; `None` for the default
    /// ([`crate::source::DEFAULT_KEY_TTL`]).
    pub fn ttl(&self) -> Option<Duration> {
        self.0.ttl
    }
    /// `output`: what the command prints.
    pub fn output(&self) -> KeyOutput {
        self.0.output
    }
    /// The OS credential store's service, for `kind = "keyring"`.
    pub fn service(&self) -> Option<&str> {
        self.0.service.as_deref()
    }
    /// The OS credential store's account, for `kind = "keyring"`.
    pub fn account(&self) -> Option<&str> {
        self.0.account.as_deref()
    }
}

impl Backend {
    /// Where [`Config::credentials`] holds the credential `credential_ref` names, as the
    /// config was built with it.
    pub(crate) fn credential_index(&self) -> Option<usize> {
        self.0.credential.map(|i| i as usize)
    }

    /// The backend's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
    /// The protocol the backend speaks.
    pub fn kind(&self) -> BackendKind {
        self.0.kind
    }
    /// The endpoint.
    pub fn base_url(&self) -> &str {
        &self.0.base_url
    }
    /// The name of the credential the backend uses; `None` for a no-auth backend.
    pub fn credential_ref(&self) -> Option<&str> {
        self.0.credential_ref.as_deref()
    }
    /// Where the backend runs.
    pub fn hosting(&self) -> Hosting {
        self.0.hosting
    }
    /// The one model this backend is bound to, if any.
    pub fn model(&self) -> Option<&str> {
        self.0.model.as_deref()
    }
    /// The built-in provider this backend talks to, if one can be told.
    pub fn provider(&self) -> Option<&str> {
        self.0.provider.as_deref()
    }
    /// The ops the backend serves.
    pub fn ops(&self) -> &[Op] {
        &self.0.ops
    }
    /// The features the backend declares (`supports_tools`, …).
    pub fn features(&self) -> &[Str] {
        &self.0.features
    }
    /// The transports the backend can be reached over.
    pub fn transports(&self) -> &[Transport] {
        &self.0.transports
    }
    /// `timeout`: how long one attempt on this backend may take, when the file sets it
    /// (the executor's default, [`crate::call::CallPolicy::DEFAULT`], otherwise).
    pub fn timeout(&self) -> Option<Duration> {
        self.0.calls.timeout
    }
    /// The call settings this backend's entry sets: the executor layers them below the
    /// alias's and above `[llm.calls]`.
    pub fn call_overrides(&self) -> &CallOverrides {
        &self.0.calls
    }
    /// `auth_header`: the header the raw key is sent in (`api-key`), instead of the kind's
    /// own scheme (`Authorization: Bearer`, `x-api-key`).
    pub fn auth_header(&self) -> Option<&str> {
        self.0.auth_header.as_deref()
    }
    /// `headers`: static, non-secret headers (name, value) sent on every request.
    pub fn headers(&self) -> &[(Str, Str)] {
        &self.0.headers
    }
    /// The weight used by the `weighted_random` and `priority` policies.
    pub fn weight(&self) -> u32 {
        self.0.weight
    }
    /// The tier used by the `priority` policy; higher is tried first.
    pub fn priority(&self) -> i32 {
        self.0.priority
    }
    /// Whether the backend serves `op`.
    pub fn serves(&self, op: Op) -> bool {
        self.0.ops.contains(&op)
    }
}

impl Alias {
    /// The alias's name (lowercase).
    pub fn name(&self) -> &str {
        &self.0.name
    }
    /// The `provider/model` string the alias stands for.
    pub fn model(&self) -> &str {
        &self.0.model
    }
    /// The provider part of [`Alias::model`].
    pub fn provider(&self) -> &str {
        self.0.model.split_once('/').map_or("", |(p, _)| p)
    }
    /// The model part of [`Alias::model`].
    pub fn model_name(&self) -> &str {
        self.0
            .model
            .split_once('/')
            .map_or(&*self.0.model, |(_, m)| m)
    }
    /// The secret-store entry linked to the alias.
    pub fn secret(&self) -> Option<&str> {
        self.0.secret.as_deref()
    }
    /// The backend the alias is pinned to.
    pub fn backend(&self) -> Option<&str> {
        self.0.backend.as_deref()
    }
    /// Indices of the configured backends that could serve the alias.
    pub fn candidates(&self) -> &[u32] {
        &self.0.candidates
    }
    /// `fallbacks`: the aliases tried, in order, once every backend of this one has failed.
    pub fn fallbacks(&self) -> &[Str] {
        &self.0.fallbacks
    }
    /// The alias's layer of call settings (`timeout`, `deadline`, …): above its backends'.
    pub fn call_overrides(&self) -> &CallOverrides {
        &self.0.calls
    }
    /// The alias's index in the sorted list it came from: a hint, checked before it is used.
    pub(crate) fn position(&self) -> u32 {
        self.0.position
    }
}

/// The named fields of the runtime types, for generated code (through `::llmcfg::__private`)
/// and `Config::load`: built as struct literals, so two swapped `Option`s do not compile, and
/// wrapped by non-generic `const fn`s, so a large generated `static` stays cheap to compile.
/// Not a public API: fields change without notice.
#[doc(hidden)]
pub(crate) mod construct {
    use super::*;

    /// The fields of a [`Config`].
    #[derive(Clone, Debug)]
    pub struct ConfigParts {
        pub default_policy: Policy,
        pub default_alias: Option<Str>,
        pub credentials: List<Credential>,
        pub backends: List<Backend>,
        /// Sorted by name; each alias's `position` is its index here.
        pub aliases: List<Alias>,
        /// The credentials' `api_key_env` names, sorted and deduplicated.
        pub env_vars: List<Str>,
        /// `[llm.calls]`.
        pub calls: CallOverrides,
    }

    /// The fields of a [`Credential`].
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CredentialParts {
        pub name: Str,
        pub kind: CredentialKind,
        /// Every name of `api_key_env`; more than one is a key pool.
        pub api_key_env: List<Str>,
        pub secret: Option<Str>,
        pub path: Option<Str>,
        pub command: List<Str>,
        pub ttl: Option<Duration>,
        pub output: KeyOutput,
        pub service: Option<Str>,
        pub account: Option<Str>,
    }

    /// The fields of a [`Backend`].
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct BackendParts {
        pub name: Str,
        pub kind: BackendKind,
        pub base_url: Str,
        pub credential_ref: Option<Str>,
        /// Index into [`Config::credentials`] of `credential_ref`, resolved when the config was
        /// built.
        pub credential: Option<u32>,
        pub hosting: Hosting,
        pub model: Option<Str>,
        /// The built-in provider this backend talks to, when one can be told from its URL or
        /// kind.
        pub provider: Option<Str>,
        pub ops: List<Op>,
        pub features: List<Str>,
        pub transports: List<Transport>,
        pub weight: u32,
        pub priority: i32,
        /// `auth_header`: the header the raw key is sent in, instead of the kind's scheme.
        pub auth_header: Option<Str>,
        /// `headers`: static headers (name, value) sent on every request.
        pub headers: List<(Str, Str)>,
        /// The backend's layer of call settings (`timeout`, …), below the alias's.
        pub calls: CallOverrides,
    }

    /// The fields of an [`Alias`].
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct AliasParts {
        pub name: Str,
        pub model: Str,
        pub secret: Option<Str>,
        pub backend: Option<Str>,
        /// Indices into [`Config::backends`] of the configured backends that could serve this
        /// alias, in file order. Empty when only the provider's built-in endpoint can.
        pub candidates: List<u32>,
        /// The alias's index in the sorted list it belongs to ([`Config::aliases`] or the
        /// transported registry's), so resolving a typed constant needs no search.
        pub position: u32,
        /// `fallbacks`, tried in order.
        pub fallbacks: List<Str>,
        /// The alias's layer of call settings, above its backends'.
        pub calls: CallOverrides,
    }

    // The base of the generated struct literals (`..__D`): the code `include_llm_config!` emits
    // writes only the fields that differ from these, so a large config expands to fewer tokens
    // for the compiler to read, type-check and record. Codegen (`core/src/codegen/entries.rs`)
    // compares each field with the same values; `runtime/tests/generated_matches_load.rs`
    // holds the two to agreement, since the compiler no longer makes codegen write every field.

    impl CredentialParts {
        /// What a generated credential leaves out: no name, `kind = "env"` with no variable,
        /// `output = "line"`, nothing else set.
        pub const DEFAULT: Self = Self {
            name: Cow::Borrowed(""),
            kind: CredentialKind::Env,
            api_key_env: Cow::Borrowed(&[]),
            secret: None,
            path: None,
            command: Cow::Borrowed(&[]),
            ttl: None,
            output: KeyOutput::Line,
            service: None,
            account: None,
        };
    }

    impl BackendParts {
        /// What a generated backend leaves out: an `openai_chat_completion` remote backend over
        /// HTTP with weight 100 and priority 0, everything else empty.
        pub const DEFAULT: Self = Self {
            name: Cow::Borrowed(""),
            kind: BackendKind::OpenaiChatCompletion,
            base_url: Cow::Borrowed(""),
            credential_ref: None,
            credential: None,
            hosting: Hosting::Remote,
            model: None,
            provider: None,
            ops: Cow::Borrowed(&[]),
            features: Cow::Borrowed(&[]),
            transports: Cow::Borrowed(&[Transport::Http]),
            weight: 100,
            priority: 0,
            auth_header: None,
            headers: Cow::Borrowed(&[]),
            calls: CallOverrides::NONE,
        };
    }

    impl AliasParts {
        /// What a generated alias leaves out: position 0, everything else empty.
        pub const DEFAULT: Self = Self {
            name: Cow::Borrowed(""),
            model: Cow::Borrowed(""),
            secret: None,
            backend: None,
            candidates: Cow::Borrowed(&[]),
            position: 0,
            fallbacks: Cow::Borrowed(&[]),
            calls: CallOverrides::NONE,
        };
    }

    pub const fn config(parts: ConfigParts) -> Config {
        Config(parts)
    }

    pub const fn credential(parts: CredentialParts) -> Credential {
        Credential(parts)
    }

    pub const fn backend(parts: BackendParts) -> Backend {
        Backend(parts)
    }

    pub const fn alias(parts: AliasParts) -> Alias {
        Alias(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow::Borrowed as B;

    const fn alias(name: &'static str, model: &'static str, position: u32) -> Alias {
        construct::alias(AliasParts {
            name: B(name),
            model: B(model),
            secret: None,
            backend: None,
            candidates: B(&[]),
            position,
            fallbacks: B(&[]),
            calls: CallOverrides::NONE,
        })
    }

    static ALIASES: &[Alias] = &[
        alias("fast", "openai/gpt-5-nano", 0),
        alias("smart", "anthropic/claude", 1),
    ];
    static CONFIG: Config = construct::config(ConfigParts {
        default_policy: Policy::WeightedRandom,
        default_alias: Some(B("fast")),
        credentials: B(&[]),
        backends: B(&[]),
        aliases: B(ALIASES),
        env_vars: B(&[]),
        calls: CallOverrides::NONE,
    });

    #[test]
    fn alias_lookup_ignores_case_without_allocating() {
        assert_eq!(CONFIG.alias("FAST").map(Alias::name), Some("fast"));
        assert_eq!(CONFIG.alias("Smart").map(Alias::model_name), Some("claude"));
        assert!(CONFIG.alias("slow").is_none());
    }

    #[test]
    fn debug_shows_the_named_fields() {
        let shown = format!("{:?}", ALIASES[1]);
        assert!(shown.starts_with("AliasParts { name: \"smart\""), "{shown}");
        assert!(shown.contains("position: 1"), "{shown}");
    }
}
