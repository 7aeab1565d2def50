//! Candidates: the configured backends that could serve a target (the alias's precomputed
//! list, its pinned backend, or a scan for a raw `provider/model`), else the provider's
//! built-in endpoint; and the check each candidate goes through (the request's needs, then the
//! key: what the endpoint needs for it, [`KeySpec`], looked up by [`lookup`]).

use std::borrow::Cow;

use llmcfg_core::vocab::{PROVIDERS, Provider, backend_serves_model};

use std::sync::atomic::Ordering;

use crate::credential::{Found, KeySpec, Pool, lookup};
use crate::error::{Reason, ResolveError};
use crate::explain::{KeyState, PoolKey};
use crate::request::Endpoint;
use crate::select::{self, Needs};
use crate::{Backend, Credential};

use super::target::Target;
use super::{Resolver, builtin};

/// A candidate's key (`None`: it needs none), or why it cannot be used.
pub(super) type KeyOutcome<'a> = Result<Option<Found<'a>>, Reason>;

/// Whether a lookup takes a key pool's turn (a resolve) or only looks at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Turn {
    Next,
    Peek,
}

/// Where the candidates of a target come from.
pub(super) enum Candidates<'a> {
    Configured(Cow<'a, [u32]>),
    Builtin(&'static Provider),
    MissingBackend(&'a str),
}

impl<'c> Resolver<'c> {
    pub(super) fn candidates<'a>(
        &'a self,
        target: &Target<'a>,
    ) -> Result<Candidates<'a>, ResolveError> {
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
                known: PROVIDERS.iter().map(|p| p.name).collect(),
            }),
        }
    }

    /// The credential `backend` references, with its index in the config, if the config has
    /// it: where the config was built to find it, else by name.
    fn credential_for<'a>(&'a self, backend: &'a Backend) -> Option<(usize, &'a Credential)> {
        let reference = backend.credential_ref()?;
        let all = self.config.credentials();
        backend
            .credential_index()
            .filter(|&i| all.get(i).is_some_and(|c| c.name() == reference))
            .or_else(|| all.iter().position(|c| c.name() == reference))
            .map(|i| (i, &all[i]))
    }

    fn key_spec<'a>(&'a self, backend: &'a Backend, turn: Turn) -> KeySpec<'a> {
        let Some(reference) = backend.credential_ref() else {
            return KeySpec::None;
        };
        match self.credential_for(backend) {
            Some((index, credential)) => KeySpec::Credential {
                credential,
                index,
                turn: self.key_turn(index, credential, turn),
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

    /// The turn of `credential`'s key pool (0 for a single variable). A resolve takes the
    /// next turn, so the keys are used in turn; `explain` and `failover` look at it only.
    fn key_turn(&self, index: usize, credential: &Credential, turn: Turn) -> usize {
        if !credential.is_pool() {
            return 0;
        }
        self.key_turns.get(index).map_or(0, |counter| match turn {
            Turn::Next => counter.fetch_add(1, Ordering::Relaxed),
            Turn::Peek => counter.load(Ordering::Relaxed),
        })
    }

    /// The key pool of `endpoint`'s credential, when it has one: each variable's key state.
    pub(super) fn pool_keys(
        &self,
        endpoint: Endpoint<'_>,
        alias_secret: Option<&str>,
    ) -> Vec<PoolKey> {
        let Some(pool) = self.pool_of(endpoint, alias_secret) else {
            return Vec::new();
        };
        pool.vars()
            .map(|var| PoolKey {
                var: var.to_string(),
                state: match pool.lookup(var, &*self.env, &*self.secrets) {
                    Ok(found) => KeyState::Ready(found.source.into()),
                    Err(reason) => KeyState::Unavailable(reason),
                },
            })
            .collect()
    }

    /// The key pool `endpoint` draws its key from, if its credential has one.
    pub(crate) fn pool_of<'a>(
        &'a self,
        endpoint: Endpoint<'a>,
        alias_secret: Option<&'a str>,
    ) -> Option<Pool<'a>> {
        let (index, credential) = self.credential_for(endpoint.backend()?)?;
        Pool::of(index, credential, alias_secret)
    }

    /// A key of `pool`, from its next turn on, skipping the variables `usable` refuses.
    pub(crate) fn pool_key<'a>(
        &'a self,
        pool: &Pool<'a>,
        usable: &dyn Fn(&str) -> bool,
    ) -> Result<Found<'a>, Reason> {
        let turn = self.key_turn(pool.index, pool.credential, Turn::Next);
        pool.key(turn, &*self.env, &*self.secrets, usable)
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

    /// The key of `endpoint`; `alias_secret` is the secret the alias links.
    pub(super) fn key_of<'a>(
        &'a self,
        endpoint: Endpoint<'a>,
        alias_secret: Option<&'a str>,
        turn: Turn,
    ) -> KeyOutcome<'a> {
        let spec = match endpoint {
            Endpoint::Configured(b) => self.key_spec(b, turn),
            Endpoint::Builtin(p) => Self::builtin_spec(p),
        };
        lookup(spec, alias_secret, &*self.env, &*self.secrets)
    }

    /// Whether `endpoint` meets `needs` and, if it does, its key.
    pub(super) fn check<'a>(
        &'a self,
        endpoint: Endpoint<'a>,
        needs: &Needs<'_>,
        alias_secret: Option<&'a str>,
    ) -> KeyOutcome<'a> {
        let unmet = match endpoint {
            Endpoint::Configured(b) => select::unmet(b, needs),
            Endpoint::Builtin(p) => select::builtin_unmet(p.kind, needs),
        };
        match unmet {
            Some(reason) => Err(reason),
            None => self.key_of(endpoint, alias_secret, Turn::Peek),
        }
    }
}
