//! Model selection and resolution: which model a request means (explicit, `LLMCFG_DEFAULT_MODEL`,
//! default alias, only alias), which backend serves it, and the API key to use.

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use llmcfg_core::vocab::{PROVIDERS, Provider, backend_serves_model, split_model};

use crate::config::cmp_ignore_ascii_case;
use crate::credential::{KeySpec, SecretSource, StoreSecrets, lookup};
use crate::env::{Env, ProcessEnv};
use crate::error::{Filtered, Reason, ResolveError};
use crate::explain::{Candidate, Explanation, Status};
use crate::key::{ApiKey, KeySource};
use crate::registry::{REGISTRY_VAR, Registry};
use crate::request::{Endpoint, Request, Resolved, Selection};
use crate::select::{self, Rng};
use crate::{Alias, Backend, Config, Policy};

/// The environment variable naming the model used when a request names none.
pub const DEFAULT_MODEL_VAR: &str = "LLMCFG_DEFAULT_MODEL";

/// `LLMCFG_DEFAULT_MODEL` as read when the resolver was built.
#[derive(Debug)]
enum DefaultModel {
    Unset,
    Blank,
    NotUnicode,
    Set(String),
}

/// Resolves requests against a [`Config`], the environment, the transported registry and the
/// secret store. Build it once and share it: it holds the round-robin counters and the random
/// state. Resolving an alias allocates nothing but the returned key.
pub struct Resolver<'c> {
    config: &'c Config,
    env: Box<dyn Env + 'c>,
    secrets: Box<dyn SecretSource + 'c>,
    registry: Registry,
    default_model: DefaultModel,
    visible_aliases: usize,
    rng: Rng,
    /// One counter per config alias, then per transported alias, then one for raw models.
    round_robin: Box<[AtomicUsize]>,
}

impl fmt::Debug for Resolver<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolver")
            .field("aliases", &self.visible_aliases)
            .field("transported", &self.registry.aliases.len())
            .field("default_model", &self.default_model)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Resolver`] with a substitute environment, secret source or seed.
pub struct ResolverBuilder<'c> {
    config: &'c Config,
    env: Option<Box<dyn Env + 'c>>,
    secrets: Option<Box<dyn SecretSource + 'c>>,
    seed: Option<u64>,
}

impl fmt::Debug for ResolverBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolverBuilder")
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl<'c> ResolverBuilder<'c> {
    /// Reads env vars from `env` instead of the process environment.
    pub fn env(mut self, env: impl Env + 'c) -> Self {
        self.env = Some(Box::new(env));
        self
    }
    /// Reads secrets, key files and key commands through `secrets`.
    pub fn secrets(mut self, secrets: impl SecretSource + 'c) -> Self {
        self.secrets = Some(Box::new(secrets));
        self
    }
    /// Fixes the seed of the `weighted_random` and `priority` picks.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }
    /// Reads `LLMCFG_MODEL_REGISTRY` and `LLMCFG_DEFAULT_MODEL` and builds the resolver.
    pub fn build(self) -> Result<Resolver<'c>, ResolveError> {
        let env: Box<dyn Env + 'c> = self.env.unwrap_or_else(|| Box::new(ProcessEnv));
        let secrets = self
            .secrets
            .unwrap_or_else(|| Box::new(StoreSecrets::new()));
        let registry = match env.var_os(REGISTRY_VAR) {
            None => Registry::default(),
            Some(value) => match value.to_str() {
                Some(json) if json.trim().is_empty() => Registry::default(),
                Some(json) => Registry::parse(json, self.config)?,
                None => {
                    return Err(crate::error::RegistryError::Invalid {
                        detail: "not valid UTF-8".to_string(),
                    }
                    .into());
                }
            },
        };
        let default_model = match env.var_os(DEFAULT_MODEL_VAR) {
            None => DefaultModel::Unset,
            Some(v) => match v.into_string() {
                Ok(s) if s.trim().is_empty() => DefaultModel::Blank,
                Ok(s) => DefaultModel::Set(s.trim().to_string()),
                Err(_) => DefaultModel::NotUnicode,
            },
        };
        let config = self.config;
        let visible_aliases = config.aliases().len()
            + registry
                .aliases
                .iter()
                .filter(|a| config.alias(a.name()).is_none())
                .count();
        let slots = config.aliases().len() + registry.aliases.len() + 1;
        Ok(Resolver {
            config,
            env,
            secrets,
            registry,
            default_model,
            visible_aliases,
            rng: Rng::new(self.seed.unwrap_or_else(Rng::entropy)),
            round_robin: (0..slots).map(|_| AtomicUsize::new(0)).collect(),
        })
    }
}

/// The model a request resolved to, before a backend is chosen.
#[derive(Clone, Copy, Debug)]
struct Target<'a> {
    selection: Selection,
    alias: Option<&'a Alias>,
    /// Round-robin slot.
    slot: usize,
    model: &'a str,
    provider: &'a str,
    model_name: &'a str,
}

/// Where the candidates of a target come from.
enum Candidates<'a> {
    Configured(Cow<'a, [u32]>),
    Builtin(&'static Provider),
    MissingBackend(&'a str),
}

/// The built-in provider named `name`, ignoring ASCII case.
fn builtin(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

impl<'c> Resolver<'c> {
    /// A resolver over the process environment and the default secret store.
    pub fn new(config: &'c Config) -> Result<Self, ResolveError> {
        Self::builder(config).build()
    }

    /// A builder, to substitute the environment, the secret source or the seed.
    pub fn builder(config: &'c Config) -> ResolverBuilder<'c> {
        ResolverBuilder {
            config,
            env: None,
            secrets: None,
            seed: None,
        }
    }

    /// The config.
    pub fn config(&self) -> &'c Config {
        self.config
    }

    /// The aliases transported by `LLMCFG_MODEL_REGISTRY`, sorted by name.
    pub fn transported_aliases(&self) -> &[Alias] {
        &self.registry.aliases
    }

    /// Looks an alias up: transported entries first, then the config's.
    pub fn alias(&self, name: &str) -> Option<&Alias> {
        self.find_alias(name).map(|(a, _)| a)
    }

    /// The default alias: the registry's `default`, else the config's `default_alias`.
    pub fn default_alias(&self) -> Option<&str> {
        self.registry
            .default
            .as_deref()
            .or(self.config.default_alias())
    }

    fn find_alias(&self, name: &str) -> Option<(&Alias, usize)> {
        let transported = &self.registry.aliases;
        if !transported.is_empty()
            && let Ok(i) = transported.binary_search_by(|a| cmp_ignore_ascii_case(a.name(), name))
        {
            return transported
                .get(i)
                .map(|a| (a, self.config.aliases().len() + i));
        }
        let aliases = self.config.aliases();
        let i = aliases
            .binary_search_by(|a| cmp_ignore_ascii_case(a.name(), name))
            .ok()?;
        aliases.get(i).map(|a| (a, i))
    }

    fn alias_target<'a>(
        &'a self,
        alias: &'a Alias,
        slot: usize,
        selection: Selection,
    ) -> Target<'a> {
        let (provider, model_name) = split_model(alias.model()).unwrap_or(("", alias.model()));
        Target {
            selection,
            alias: Some(alias),
            slot,
            model: alias.model(),
            provider,
            model_name,
        }
    }

    /// Interprets a requested string: an alias if one matches, else `provider/model`.
    fn interpret<'a>(
        &'a self,
        requested: &'a str,
        selection: Selection,
    ) -> Result<Target<'a>, ResolveError> {
        if let Some((alias, slot)) = self.find_alias(requested) {
            return Ok(self.alias_target(alias, slot, selection));
        }
        let Some((provider, model_name)) = split_model(requested).filter(|(p, _)| !p.is_empty())
        else {
            return Err(ResolveError::MissingProvider {
                model: requested.to_string(),
                known: self.alias_names(),
            });
        };
        if model_name.is_empty() {
            return Err(ResolveError::EmptyModel {
                model: requested.to_string(),
                provider: provider.to_string(),
            });
        }
        let provider = builtin(provider).map_or(provider, |p| p.name);
        if builtin(provider).is_none()
            && !self
                .config
                .backends()
                .iter()
                .any(|b| backend_serves_model(b.model(), b.provider(), provider, model_name))
        {
            return Err(ResolveError::UnknownProvider {
                provider: provider.to_string(),
                model: requested.to_string(),
                known: PROVIDERS
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(Target {
            selection,
            alias: None,
            slot: self.round_robin.len().saturating_sub(1),
            model: requested,
            provider,
            model_name,
        })
    }

    fn alias_names(&self) -> String {
        let mut names: Vec<&str> = self
            .config
            .aliases()
            .iter()
            .chain(&self.registry.aliases)
            .map(Alias::name)
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            "none configured".to_string()
        } else {
            names.join(", ")
        }
    }

    /// Model selection: explicit → `LLMCFG_DEFAULT_MODEL` → default alias → only alias.
    fn target<'a>(&'a self, requested: Option<&'a str>) -> Result<Target<'a>, ResolveError> {
        if let Some(requested) = requested {
            return self.interpret(requested, Selection::Explicit);
        }
        match &self.default_model {
            DefaultModel::Set(model) => return self.interpret(model, Selection::EnvDefault),
            DefaultModel::Blank => return Err(ResolveError::BlankDefaultModel),
            DefaultModel::NotUnicode => return Err(ResolveError::DefaultModelNotUnicode),
            DefaultModel::Unset => {}
        }
        if let Some(default) = &self.registry.default {
            return self.interpret(default, Selection::RegistryDefault);
        }
        if let Some(default) = self.config.default_alias() {
            return self.interpret(default, Selection::DefaultAlias);
        }
        if self.visible_aliases == 1 {
            let only = self
                .registry
                .aliases
                .first()
                .map(|a| (a, self.config.aliases().len()))
                .or_else(|| self.config.aliases().first().map(|a| (a, 0)));
            if let Some((alias, slot)) = only {
                return Ok(self.alias_target(alias, slot, Selection::OnlyAlias));
            }
        }
        Err(ResolveError::NoModel {
            aliases: self.visible_aliases,
        })
    }

    fn candidates<'a>(&'a self, target: &Target<'a>) -> Result<Candidates<'a>, ResolveError> {
        let backends = self.config.backends();
        if let Some(alias) = target.alias {
            if let Some(pinned) = alias.backend() {
                let c = alias.candidates();
                if let [i] = c
                    && backends
                        .get(*i as usize)
                        .is_some_and(|b| b.name() == pinned)
                {
                    return Ok(Candidates::Configured(Cow::Borrowed(c)));
                }
                return Ok(match backends.iter().position(|b| b.name() == pinned) {
                    Some(i) => Candidates::Configured(Cow::Owned(vec![i as u32])),
                    None => Candidates::MissingBackend(pinned),
                });
            }
            if !alias.candidates().is_empty() {
                return Ok(Candidates::Configured(Cow::Borrowed(alias.candidates())));
            }
        } else {
            let found: Vec<u32> = (0u32..)
                .zip(backends)
                .filter(|(_, b)| {
                    backend_serves_model(
                        b.model(),
                        b.provider(),
                        target.provider,
                        target.model_name,
                    )
                })
                .map(|(i, _)| i)
                .collect();
            if !found.is_empty() {
                return Ok(Candidates::Configured(Cow::Owned(found)));
            }
        }
        match builtin(target.provider) {
            Some(p) => Ok(Candidates::Builtin(p)),
            None => Err(ResolveError::UnknownProvider {
                provider: target.provider.to_string(),
                model: target.model.to_string(),
                known: PROVIDERS
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    fn key_spec<'a>(&'a self, backend: &'a Backend) -> KeySpec<'a> {
        let Some(reference) = backend.credential_ref() else {
            return KeySpec::None;
        };
        let credential = self
            .config
            .credential_of(backend)
            .filter(|c| c.name() == reference)
            .or_else(|| self.config.credential(reference));
        match credential {
            Some(credential) => KeySpec::Credential {
                credential,
                // The provider's variable is needed only when the credential names none.
                standard_var: match credential.api_key_env() {
                    Some(_) => None,
                    None => backend
                        .provider()
                        .and_then(builtin)
                        .and_then(|p| p.api_key_env),
                },
            },
            None => KeySpec::Unknown(reference),
        }
    }

    fn builtin_spec(p: &'static Provider) -> KeySpec<'static> {
        match p.api_key_env {
            Some(var) => KeySpec::Builtin {
                var,
                provider: p.name,
            },
            None => KeySpec::None,
        }
    }

    fn resolved<'a>(
        &self,
        target: &Target<'a>,
        endpoint: Endpoint<'a>,
        key: Option<(ApiKey, KeySource<'a>)>,
    ) -> Resolved<'a> {
        let (key, key_source) = match key {
            Some((k, s)) => (Some(k), Some(s)),
            None => (None, None),
        };
        Resolved {
            selection: target.selection,
            alias: target.alias,
            model: target.model,
            provider: target.provider,
            model_name: target.model_name,
            endpoint,
            key,
            key_source,
        }
    }

    /// Resolves a request (an alias, a `provider/model`, `None` for the default, or a
    /// [`Request`]) to a model, an endpoint and a key, picking among the usable backends by
    /// the config's policy.
    pub fn resolve<'a>(
        &'a self,
        request: impl Into<Request<'a>>,
    ) -> Result<Resolved<'a>, ResolveError> {
        let request = request.into();
        let needs = request.needs();
        let target = self.target(request.model)?;
        let alias_secret = target.alias.and_then(Alias::secret);
        let candidates = match self.candidates(&target)? {
            Candidates::Configured(c) => c,
            Candidates::Builtin(p) => {
                if let Some(reason) = select::builtin_unmet(p.kind, &needs) {
                    return Err(
                        self.no_backend(&target, vec![filtered(Endpoint::Builtin(p), reason)])
                    );
                }
                return match crate::credential::lookup(
                    Self::builtin_spec(p),
                    alias_secret,
                    &*self.env,
                    &*self.secrets,
                ) {
                    Ok(key) => Ok(self.resolved(&target, Endpoint::Builtin(p), key)),
                    Err(reason) => {
                        Err(self.no_backend(&target, vec![filtered(Endpoint::Builtin(p), reason)]))
                    }
                };
            }
            Candidates::MissingBackend(name) => {
                return Err(self.no_backend(&target, vec![missing_backend(name)]));
            }
        };
        let backends = self.config.backends();
        let policy = self.config.default_policy();
        let ticket = match policy {
            Policy::RoundRobin => self
                .round_robin
                .get(target.slot)
                .map_or(0, |c| c.fetch_add(1, Ordering::Relaxed)),
            _ => 0,
        };
        // Candidates whose key could not be found; allocated only when one fails.
        let mut failed: Vec<(u32, Reason)> = Vec::new();
        loop {
            let ok = |i: u32| {
                backends
                    .get(i as usize)
                    .is_some_and(|b| select::meets(b, &needs))
                    && !failed.iter().any(|(f, _)| *f == i)
            };
            let Some(i) = select::pick(policy, &candidates, backends, ok, &self.rng, ticket) else {
                break;
            };
            let Some(backend) = backends.get(i as usize) else {
                break;
            };
            match lookup(
                self.key_spec(backend),
                alias_secret,
                &*self.env,
                &*self.secrets,
            ) {
                Ok(key) => return Ok(self.resolved(&target, Endpoint::Configured(backend), key)),
                Err(reason) => failed.push((i, reason)),
            }
        }
        let mut reasons = Vec::with_capacity(candidates.len());
        for &i in candidates.iter() {
            let Some(b) = backends.get(i as usize) else {
                continue;
            };
            let reason = select::unmet(b, &needs)
                .or_else(|| failed.iter().find(|(f, _)| *f == i).map(|(_, r)| r.clone()));
            if let Some(reason) = reason {
                reasons.push(filtered(Endpoint::Configured(b), reason));
            }
        }
        Err(self.no_backend(&target, reasons))
    }

    fn no_backend(&self, target: &Target<'_>, filtered: Vec<Filtered>) -> ResolveError {
        ResolveError::NoBackend {
            model: target.model.to_string(),
            alias: target.alias.map(|a| a.name().to_string()),
            filtered,
        }
    }

    /// Every usable candidate for a request, in failover order (highest priority tier first,
    /// then heavier weight, then file order), each with its key. Errors when none is usable.
    pub fn failover<'a>(
        &'a self,
        request: impl Into<Request<'a>>,
    ) -> Result<Vec<Resolved<'a>>, ResolveError> {
        let request = request.into();
        let explanation = self.evaluate(&request)?;
        let mut usable = Vec::new();
        let mut reasons = Vec::new();
        for (endpoint, outcome) in explanation.1 {
            match outcome {
                Ok(key) => usable.push(self.resolved(&explanation.0, endpoint, key)),
                Err(reason) => reasons.push(filtered(endpoint, reason)),
            }
        }
        if usable.is_empty() {
            let mut reasons = reasons;
            if let Some(name) = explanation.2 {
                reasons.push(missing_backend(name));
            }
            return Err(self.no_backend(&explanation.0, reasons));
        }
        Ok(usable)
    }

    /// Every candidate in failover order with its key, or why it is filtered out.
    #[allow(clippy::type_complexity)]
    fn evaluate<'a>(
        &'a self,
        request: &Request<'a>,
    ) -> Result<
        (
            Target<'a>,
            Vec<(
                Endpoint<'a>,
                Result<Option<(ApiKey, KeySource<'a>)>, Reason>,
            )>,
            Option<&'a str>,
        ),
        ResolveError,
    > {
        let needs = request.needs();
        let target = self.target(request.model)?;
        let alias_secret = target.alias.and_then(Alias::secret);
        let mut out = Vec::new();
        let mut missing = None;
        match self.candidates(&target)? {
            Candidates::Builtin(p) => {
                let outcome = match select::builtin_unmet(p.kind, &needs) {
                    Some(reason) => Err(reason),
                    None => lookup(
                        Self::builtin_spec(p),
                        alias_secret,
                        &*self.env,
                        &*self.secrets,
                    ),
                };
                out.push((Endpoint::Builtin(p), outcome));
            }
            Candidates::MissingBackend(name) => missing = Some(name),
            Candidates::Configured(candidates) => {
                let backends = self.config.backends();
                for i in select::failover_order(&candidates, backends) {
                    let Some(b) = backends.get(i as usize) else {
                        continue;
                    };
                    let outcome = match select::unmet(b, &needs) {
                        Some(reason) => Err(reason),
                        None => lookup(self.key_spec(b), alias_secret, &*self.env, &*self.secrets),
                    };
                    out.push((Endpoint::Configured(b), outcome));
                }
            }
        }
        Ok((target, out, missing))
    }

    /// Why each candidate backend of a request is usable or filtered out. Never contains a key.
    pub fn explain<'a>(
        &'a self,
        request: impl Into<Request<'a>>,
    ) -> Result<Explanation, ResolveError> {
        let request = request.into();
        let (target, outcomes, missing) = self.evaluate(&request)?;
        let mut candidates: Vec<Candidate> = outcomes
            .into_iter()
            .map(|(endpoint, outcome)| Candidate {
                backend: endpoint.name().to_string(),
                base_url: endpoint.base_url().to_string(),
                builtin: endpoint.is_builtin(),
                priority: endpoint.backend().map_or(0, Backend::priority),
                weight: endpoint.backend().map_or(0, Backend::weight),
                status: match outcome {
                    Ok(Some((_, source))) => Status::Usable {
                        key: Some(source.to_string()),
                    },
                    Ok(None) => Status::Usable { key: None },
                    Err(reason) => Status::Filtered(reason),
                },
            })
            .collect();
        if let Some(name) = missing {
            candidates.push(Candidate {
                backend: name.to_string(),
                base_url: String::new(),
                builtin: false,
                priority: 0,
                weight: 0,
                status: Status::Filtered(Reason::MissingBackend {
                    backend: name.to_string(),
                }),
            });
        }
        Ok(Explanation {
            selection: target.selection,
            alias: target.alias.map(|a| a.name().to_string()),
            model: target.model.to_string(),
            policy: self.config.default_policy(),
            op: request.op,
            candidates,
        })
    }

    /// The env vars the config references (credentials' variables, and the standard variables
    /// of providers whose built-in endpoint an alias uses) that are set and non-empty. Never the
    /// whole environment.
    pub fn global_environment(&self) -> crate::Environment {
        crate::env::collect(
            &*self.env,
            referenced_vars(self.config, &self.registry.aliases),
        )
    }

    /// The effective alias registry as `LLMCFG_MODEL_REGISTRY` JSON, for a remote run: names
    /// only, never a secret value.
    pub fn snapshot_json(&self) -> String {
        crate::registry::snapshot_json(self.config, &self.registry)
    }

    /// Reads a secret for non-LLM use.
    pub fn get_secret(&self, name: &str) -> Result<crate::SecretMap, crate::SecretError> {
        crate::get_secret_from(&*self.secrets, name)
    }

    /// The env map for a child process: every key of each named secret (later names win).
    pub fn secret_environment(
        &self,
        names: &[&str],
    ) -> Result<crate::Environment, crate::SecretError> {
        crate::secret_environment_from(&*self.secrets, names)
    }
}

fn filtered(endpoint: Endpoint<'_>, reason: Reason) -> Filtered {
    Filtered {
        backend: endpoint.label(),
        reason,
    }
}

fn missing_backend(name: &str) -> Filtered {
    Filtered {
        backend: name.to_string(),
        reason: Reason::MissingBackend {
            backend: name.to_string(),
        },
    }
}

/// Every env-var name the runtime may read for keys.
pub(crate) fn referenced_vars<'a>(config: &'a Config, transported: &'a [Alias]) -> Vec<&'a str> {
    let mut names: Vec<&'a str> = config.env_vars().iter().map(|v| &**v).collect();
    names.extend(config.credentials().iter().filter_map(|c| c.api_key_env()));
    for b in config.backends() {
        if let Some(c) = b.credential_ref().and_then(|r| config.credential(r))
            && c.api_key_env().is_none()
            && let Some(var) = b.provider().and_then(builtin).and_then(|p| p.api_key_env)
        {
            names.push(var);
        }
    }
    for a in config.aliases().iter().chain(transported) {
        if a.backend().is_none()
            && a.candidates().is_empty()
            && let Some(var) = builtin(a.provider()).and_then(|p| p.api_key_env)
        {
            names.push(var);
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow::Borrowed as B;
    use std::collections::BTreeMap;

    static ALIASES: &[Alias] = &[crate::config::construct::alias(
        B("fast"),
        B("openai/gpt-5-nano"),
        None,
        None,
        B(&[]),
    )];
    static CONFIG: Config = crate::config::construct::config(
        Policy::WeightedRandom,
        None,
        B(&[]),
        B(&[]),
        B(ALIASES),
        B(&[]),
    );

    #[test]
    fn resolver_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Resolver<'static>>();
        assert_send_sync::<Resolved<'static>>();
    }

    #[test]
    fn static_config_resolves_through_the_builtin_endpoint() {
        let env: BTreeMap<String, String> =
            [("OPENAI_API_KEY".to_string(), "k".to_string())].into();
        let r = Resolver::builder(&CONFIG)
            .env(env)
            .seed(1)
            .build()
            .expect("resolver");
        let resolved = r.resolve(None).expect("only alias");
        assert_eq!(resolved.selection(), Selection::OnlyAlias);
        assert_eq!(resolved.base_url(), "https://api.openai.com/v1");
        assert_eq!(
            resolved.to_string(),
            "openai/gpt-5-nano (alias `fast`, the only alias) via built-in openai \
             (https://api.openai.com/v1), key from env OPENAI_API_KEY"
        );
        assert_eq!(r.default_alias(), None);
        assert!(r.alias("FAST").is_some());
        assert!(r.transported_aliases().is_empty());
        assert!(format!("{r:?}").starts_with("Resolver"));
    }
}
