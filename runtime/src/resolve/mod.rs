//! Model selection and resolution: which model a request means (explicit, `LLMCFG_DEFAULT_MODEL`,
//! default alias, only alias), which backend serves it, and the API key to use.
//!
//! The steps, one file each: this one builds the resolver (what is fixed at build time) and holds
//! the public API; [`target`] selects the model, [`candidates`] finds the backends that could
//! serve it and checks one (needs, then key), and [`evaluate`] is the dispatch `resolve`,
//! `failover` and `explain` share.

mod candidates;
mod evaluate;
mod target;

use std::fmt;
use std::sync::atomic::AtomicUsize;

use crate::StoreSecrets;
use crate::credential::SecretSource;
use crate::env::{Env, ProcessEnv};
use crate::error::{Reason, RegistryError, ResolveError};
use crate::explain::{Candidate, Explanation, Status};
use crate::registry::{REGISTRY_VAR, Registry};
use crate::request::{RedactedUrl, Request, Resolved};
use crate::select::Rng;
use crate::{Alias, Backend, Config};

use llmcfg_core::vocab::{PROVIDERS, Provider};

/// The environment variable naming the model used when a request names none.
pub const DEFAULT_MODEL_VAR: &str = "LLMCFG_DEFAULT_MODEL";

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
    /// One turn counter per credential, for key pools.
    key_turns: Box<[AtomicUsize]>,
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

/// `LLMCFG_DEFAULT_MODEL` as read when the resolver was built.
#[derive(Debug)]
enum DefaultModel {
    Unset,
    Blank,
    NotUnicode,
    Set(String),
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
        let registry = read_registry(&*env, self.config)?;
        let default_model = read_default_model(&*env);
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
            key_turns: (0..config.credentials().len())
                .map(|_| AtomicUsize::new(0))
                .collect(),
        })
    }
}

fn read_registry(env: &dyn Env, config: &Config) -> Result<Registry, ResolveError> {
    Ok(match env.var_os(REGISTRY_VAR) {
        None => Registry::default(),
        Some(value) => match value.to_str() {
            Some(json) if json.trim().is_empty() => Registry::default(),
            Some(json) => Registry::parse(json, config)?,
            None => {
                return Err(RegistryError::Invalid {
                    detail: "not valid UTF-8".to_string(),
                }
                .into());
            }
        },
    })
}

fn read_default_model(env: &dyn Env) -> DefaultModel {
    match env.var_os(DEFAULT_MODEL_VAR) {
        None => DefaultModel::Unset,
        Some(v) => match v.into_string() {
            Ok(s) if s.trim().is_empty() => DefaultModel::Blank,
            Ok(s) => DefaultModel::Set(s.trim().to_string()),
            Err(_) => DefaultModel::NotUnicode,
        },
    }
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
        self.find_alias(name, None).map(|(a, _)| a)
    }

    /// The default alias: the registry's `default`, else the config's `default_alias`.
    pub fn default_alias(&self) -> Option<&str> {
        self.registry
            .default
            .as_deref()
            .or(self.config.default_alias())
    }

    /// Resolves a request (an alias, a `provider/model`, `None` for the default, or a
    /// [`Request`]) to a model, an endpoint and a key, picking among the usable backends by
    /// the config's policy.
    pub fn resolve<'a>(
        &'a self,
        request: impl Into<Request<'a>>,
    ) -> Result<Resolved<'a>, ResolveError> {
        let request = request.into();
        let plan = self.plan(&request)?;
        self.resolve_plan(plan)
    }

    /// Every usable candidate for a request, in failover order (highest priority tier first,
    /// then heavier weight, then file order), each with its key. Errors when none is usable.
    pub fn failover<'a>(
        &'a self,
        request: impl Into<Request<'a>>,
    ) -> Result<Vec<Resolved<'a>>, ResolveError> {
        let request = request.into();
        self.evaluate(&request)?.into_usable()
    }

    /// Why each candidate backend of a request is usable or filtered out. Never contains a key.
    pub fn explain<'a>(
        &'a self,
        request: impl Into<Request<'a>>,
    ) -> Result<Explanation, ResolveError> {
        let request = request.into();
        let evaluation = self.evaluate(&request)?;
        let alias_secret = evaluation.target.alias.and_then(Alias::secret);
        let mut candidates: Vec<Candidate> = evaluation
            .outcomes
            .into_iter()
            .map(|outcome| {
                let endpoint = outcome.endpoint;
                let stale = match &outcome.key {
                    Ok(Some(found)) => found.stale.clone(),
                    _ => None,
                };
                Candidate {
                    backend: endpoint.name().to_string(),
                    base_url: RedactedUrl(endpoint.base_url()).to_string(),
                    builtin: endpoint.is_builtin(),
                    priority: endpoint.backend().map_or(0, Backend::priority),
                    weight: endpoint.backend().map_or(0, Backend::weight),
                    status: match outcome.key {
                        Ok(Some(found)) => Status::Usable {
                            key: Some(found.source.into()),
                        },
                        Ok(None) => Status::Usable { key: None },
                        Err(reason) => Status::Filtered(reason),
                    },
                    keys: self.pool_keys(endpoint, alias_secret),
                    stale,
                }
            })
            .collect();
        if let Some(name) = evaluation.missing_backend {
            candidates.push(Candidate {
                backend: name.to_string(),
                base_url: String::new(),
                builtin: false,
                priority: 0,
                weight: 0,
                status: Status::Filtered(Reason::MissingBackend {
                    backend: name.to_string(),
                }),
                keys: Vec::new(),
                stale: None,
            });
        }
        let target = evaluation.target;
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

/// The built-in provider named `name`, ignoring ASCII case.
fn builtin(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

/// Every env-var name the runtime may read for keys.
pub(crate) fn referenced_vars<'a>(config: &'a Config, transported: &'a [Alias]) -> Vec<&'a str> {
    let mut names: Vec<&'a str> = config.env_vars().iter().map(|v| &**v).collect();
    names.extend(
        config
            .credentials()
            .iter()
            .flat_map(|c| c.api_key_envs().iter().map(|v| &**v)),
    );
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
    use crate::config::construct::{self, AliasParts, ConfigParts};
    use crate::{Policy, Selection};
    use std::borrow::Cow::Borrowed as B;
    use std::collections::BTreeMap;

    static ALIASES: &[Alias] = &[construct::alias(AliasParts {
        name: B("fast"),
        model: B("openai/gpt-5-nano"),
        secret: None,
        backend: None,
        candidates: B(&[]),
        position: 0,
        fallbacks: B(&[]),
        calls: crate::call::CallOverrides::NONE,
    })];
    static CONFIG: Config = construct::config(ConfigParts {
        default_policy: Policy::WeightedRandom,
        default_alias: None,
        credentials: B(&[]),
        backends: B(&[]),
        aliases: B(ALIASES),
        env_vars: B(&[]),
        calls: crate::call::CallOverrides::NONE,
    });

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
