//! The runtime's view of a validated config. `include_llm_config!` builds these from `&'static`
//! data (no parsing, no allocation); `Config::load` builds the same types from owned data.

use std::borrow::Cow;

pub use llmcfg_core::vocab::{BackendKind, CredentialKind, Hosting, Op, Policy, Transport};

/// A string that is `&'static` in a compiled-in config and owned in a loaded one.
pub(crate) type Str = Cow<'static, str>;
/// A list that is `&'static` in a compiled-in config and owned in a loaded one.
pub(crate) type List<T> = Cow<'static, [T]>;

/// A validated llm config: credentials, backends and aliases.
///
/// Aliases are kept sorted by name, and every alias carries the indices of the backends that
/// could serve it, so resolving an alias is a binary search and a pick, with no allocation.
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) default_policy: Policy,
    pub(crate) default_alias: Option<Str>,
    pub(crate) credentials: List<Credential>,
    pub(crate) backends: List<Backend>,
    pub(crate) aliases: List<Alias>,
    pub(crate) env_vars: List<Str>,
}

/// A named credential: where an API key comes from. Holds names, never a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub(crate) name: Str,
    pub(crate) kind: CredentialKind,
    pub(crate) api_key_env: Option<Str>,
    pub(crate) secret: Option<Str>,
    pub(crate) path: Option<Str>,
    pub(crate) command: List<Str>,
}

/// A configured endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    pub(crate) name: Str,
    pub(crate) kind: BackendKind,
    pub(crate) base_url: Str,
    pub(crate) credential_ref: Option<Str>,
    /// Index into [`Config::credentials`] of `credential_ref`, resolved when the config was built.
    pub(crate) credential: Option<u32>,
    pub(crate) hosting: Hosting,
    pub(crate) model: Option<Str>,
    /// The built-in provider this backend talks to, when one can be told from its URL or kind.
    pub(crate) provider: Option<Str>,
    pub(crate) ops: List<Op>,
    pub(crate) features: List<Str>,
    pub(crate) transports: List<Transport>,
    pub(crate) weight: u32,
    pub(crate) priority: i32,
}

/// A model alias: a short name (`fast`) for a `provider/model` string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alias {
    pub(crate) name: Str,
    pub(crate) model: Str,
    pub(crate) secret: Option<Str>,
    pub(crate) backend: Option<Str>,
    /// Indices into [`Config::backends`] of the configured backends that could serve this alias,
    /// in file order. Empty when only the provider's built-in endpoint can.
    pub(crate) candidates: List<u32>,
}

impl Config {
    /// The policy used to pick among several candidate backends.
    pub fn default_policy(&self) -> Policy {
        self.default_policy
    }

    /// The alias used when a caller names no model and `LLMCFG_DEFAULT_MODEL` is unset.
    pub fn default_alias(&self) -> Option<&str> {
        self.default_alias.as_deref()
    }

    /// Every credential, in file order.
    pub fn credentials(&self) -> &[Credential] {
        &self.credentials
    }

    /// Every backend, in file order.
    pub fn backends(&self) -> &[Backend] {
        &self.backends
    }

    /// Every alias, sorted by name.
    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    /// The env-var names the config references (credentials' `api_key_env`), sorted, deduplicated.
    pub fn env_vars(&self) -> &[Str] {
        &self.env_vars
    }

    /// Looks an alias up by name, ignoring ASCII case.
    pub fn alias(&self, name: &str) -> Option<&Alias> {
        self.aliases
            .binary_search_by(|a| cmp_ignore_ascii_case(&a.name, name))
            .ok()
            .map(|i| &self.aliases[i])
    }

    /// Looks a backend up by its exact name.
    pub fn backend(&self, name: &str) -> Option<&Backend> {
        self.backends.iter().find(|b| b.name == name)
    }

    /// Looks a credential up by its exact name.
    pub fn credential(&self, name: &str) -> Option<&Credential> {
        self.credentials.iter().find(|c| c.name == name)
    }

    /// The credential a backend references, if any.
    pub fn credential_of(&self, backend: &Backend) -> Option<&Credential> {
        backend
            .credential
            .and_then(|i| self.credentials.get(i as usize))
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
        &self.name
    }
    /// Where the key comes from when the env var is unset.
    pub fn kind(&self) -> CredentialKind {
        self.kind
    }
    /// The NAME of the env var holding the key.
    pub fn api_key_env(&self) -> Option<&str> {
        self.api_key_env.as_deref()
    }
    /// The secret-store entry holding the key under `api_key_env`, for `kind = "env"`.
    pub fn secret(&self) -> Option<&str> {
        self.secret.as_deref()
    }
    /// The file holding the key, for `kind = "file"`.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }
    /// The argv printing the key, for `kind = "command"`.
    pub fn command(&self) -> &[Str] {
        &self.command
    }
}

impl Backend {
    /// The backend's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The protocol the backend speaks.
    pub fn kind(&self) -> BackendKind {
        self.kind
    }
    /// The endpoint.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// The name of the credential the backend uses; `None` for a no-auth backend.
    pub fn credential_ref(&self) -> Option<&str> {
        self.credential_ref.as_deref()
    }
    /// Where the backend runs.
    pub fn hosting(&self) -> Hosting {
        self.hosting
    }
    /// The one model this backend is bound to, if any.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }
    /// The built-in provider this backend talks to, if one can be told.
    pub fn provider(&self) -> Option<&str> {
        self.provider.as_deref()
    }
    /// The ops the backend serves.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }
    /// The features the backend declares (`supports_tools`, …).
    pub fn features(&self) -> &[Str] {
        &self.features
    }
    /// The transports the backend can be reached over.
    pub fn transports(&self) -> &[Transport] {
        &self.transports
    }
    /// The weight used by the `weighted_random` and `priority` policies.
    pub fn weight(&self) -> u32 {
        self.weight
    }
    /// The tier used by the `priority` policy; higher is tried first.
    pub fn priority(&self) -> i32 {
        self.priority
    }
    /// Whether the backend serves `op`.
    pub fn serves(&self, op: Op) -> bool {
        self.ops.contains(&op)
    }
}

impl Alias {
    /// The alias's name (lowercase).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The `provider/model` string the alias stands for.
    pub fn model(&self) -> &str {
        &self.model
    }
    /// The provider part of [`Alias::model`].
    pub fn provider(&self) -> &str {
        self.model.split_once('/').map_or("", |(p, _)| p)
    }
    /// The model part of [`Alias::model`].
    pub fn model_name(&self) -> &str {
        self.model.split_once('/').map_or(&*self.model, |(_, m)| m)
    }
    /// The secret-store entry linked to the alias.
    pub fn secret(&self) -> Option<&str> {
        self.secret.as_deref()
    }
    /// The backend the alias is pinned to.
    pub fn backend(&self) -> Option<&str> {
        self.backend.as_deref()
    }
    /// Indices of the configured backends that could serve the alias.
    pub fn candidates(&self) -> &[u32] {
        &self.candidates
    }
}

/// Constructors used by generated code (through `::llmcfg::__private`) and by `Config::load`.
/// Not a public API: arguments and order change without notice.
#[doc(hidden)]
pub(crate) mod construct {
    #![allow(clippy::too_many_arguments)]
    use super::*;

    pub const fn config(
        default_policy: Policy,
        default_alias: Option<Str>,
        credentials: List<Credential>,
        backends: List<Backend>,
        aliases: List<Alias>,
        env_vars: List<Str>,
    ) -> Config {
        Config {
            default_policy,
            default_alias,
            credentials,
            backends,
            aliases,
            env_vars,
        }
    }

    pub const fn credential(
        name: Str,
        kind: CredentialKind,
        api_key_env: Option<Str>,
        secret: Option<Str>,
        path: Option<Str>,
        command: List<Str>,
    ) -> Credential {
        Credential {
            name,
            kind,
            api_key_env,
            secret,
            path,
            command,
        }
    }

    pub const fn backend(
        name: Str,
        kind: BackendKind,
        base_url: Str,
        credential_ref: Option<Str>,
        credential: Option<u32>,
        hosting: Hosting,
        model: Option<Str>,
        provider: Option<Str>,
        ops: List<Op>,
        features: List<Str>,
        transports: List<Transport>,
        weight: u32,
        priority: i32,
    ) -> Backend {
        Backend {
            name,
            kind,
            base_url,
            credential_ref,
            credential,
            hosting,
            model,
            provider,
            ops,
            features,
            transports,
            weight,
            priority,
        }
    }

    pub const fn alias(
        name: Str,
        model: Str,
        secret: Option<Str>,
        backend: Option<Str>,
        candidates: List<u32>,
    ) -> Alias {
        Alias {
            name,
            model,
            secret,
            backend,
            candidates,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow::Borrowed as B;

    static ALIASES: &[Alias] = &[
        construct::alias(B("fast"), B("openai/gpt-5-nano"), None, None, B(&[])),
        construct::alias(B("smart"), B("anthropic/claude"), None, None, B(&[])),
    ];
    static CONFIG: Config = construct::config(
        Policy::WeightedRandom,
        Some(B("fast")),
        B(&[]),
        B(&[]),
        B(ALIASES),
        B(&[]),
    );

    #[test]
    fn alias_lookup_ignores_case_without_allocating() {
        assert_eq!(CONFIG.alias("FAST").map(Alias::name), Some("fast"));
        assert_eq!(CONFIG.alias("Smart").map(Alias::model_name), Some("claude"));
        assert!(CONFIG.alias("slow").is_none());
    }
}
