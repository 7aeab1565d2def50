//! The one dispatch `resolve`, `failover` and `explain` share: a request becomes a [`Plan`]
//! (target and candidates); `resolve` then picks by policy, looking up only the keys it tries,
//! while [`Resolver::evaluate`] checks every candidate in failover order.

use std::sync::atomic::Ordering;

use crate::error::{Filtered, Reason, ResolveError};
use crate::request::{Endpoint, Request, Resolved};
use crate::select::{self, Needs};
use crate::{Alias, Policy};

use super::Resolver;
use super::candidates::{Candidates, KeyOutcome, Turn};
use super::target::Target;

/// A request's target and where its candidates come from.
pub(super) struct Plan<'a> {
    pub(super) target: Target<'a>,
    pub(super) needs: Needs<'a>,
    /// The secret the alias links, the fallback of credentials that link none.
    pub(super) alias_secret: Option<&'a str>,
    pub(super) candidates: Candidates<'a>,
}

/// One candidate checked: its endpoint and its key, or why it is filtered out.
pub(super) struct Outcome<'a> {
    pub(super) endpoint: Endpoint<'a>,
    pub(super) key: KeyOutcome<'a>,
}

/// Every candidate of a request checked, in failover order.
pub(super) struct Evaluation<'a> {
    pub(super) target: Target<'a>,
    pub(super) outcomes: Vec<Outcome<'a>>,
    /// The backend the alias is pinned to, when the config does not define it.
    pub(super) missing_backend: Option<&'a str>,
}

impl<'c> Resolver<'c> {
    /// The dispatch: the target of `request` and its candidates. Inlined into `resolve`, so the
    /// plan is built in place rather than copied out of a `Result`, and a typed constant's
    /// target is found without the string request's branches.
    #[inline]
    pub(super) fn plan<'a>(&'a self, request: &Request<'a>) -> Result<Plan<'a>, ResolveError> {
        let target = self.target(request.model, request.alias)?;
        Ok(Plan {
            needs: request.needs(),
            alias_secret: target.alias.and_then(Alias::secret),
            candidates: self.candidates(&target)?,
            target,
        })
    }

    /// Checks every candidate of `request`, in failover order.
    pub(super) fn evaluate<'a>(
        &'a self,
        request: &Request<'a>,
    ) -> Result<Evaluation<'a>, ResolveError> {
        let plan = self.plan(request)?;
        let mut outcomes = Vec::new();
        let mut missing_backend = None;
        let mut check = |endpoint: Endpoint<'a>| {
            let key = self.check(endpoint, &plan.needs, plan.alias_secret);
            outcomes.push(Outcome { endpoint, key });
        };
        match &plan.candidates {
            Candidates::Builtin(p) => check(Endpoint::Builtin(p)),
            Candidates::MissingBackend(name) => missing_backend = Some(*name),
            Candidates::Configured(candidates) => {
                let backends = self.config.backends();
                for i in select::failover_order(candidates, backends) {
                    if let Some(b) = backends.get(i as usize) {
                        check(Endpoint::Configured(b));
                    }
                }
            }
        }
        Ok(Evaluation {
            target: plan.target,
            outcomes,
            missing_backend,
        })
    }

    /// Resolves a plan: the one candidate of a built-in endpoint, else a pick by policy among
    /// the configured candidates, trying the next when a key cannot be found.
    ///
    /// Not `#[inline]`: `resolve` is generic, so what it inlines is compiled again in the
    /// application's crate on every rebuild. Out of line, the pick and the key lookup stay
    /// here, and a release rebuild after an edit of `llm.toml` takes 0.2 s instead of 0.45 s
    /// (issue 12), at no cost to `resolve(aliases::X)` (BENCHMARKS.md, Runtime).
    pub(super) fn resolve_plan<'a>(&'a self, plan: Plan<'a>) -> Result<Resolved<'a>, ResolveError> {
        let candidates = match &plan.candidates {
            Candidates::Configured(c) => c,
            Candidates::Builtin(p) => {
                let endpoint = Endpoint::Builtin(p);
                return match self.check(endpoint, &plan.needs, plan.alias_secret) {
                    Ok(key) => Ok(resolved(&plan.target, endpoint, key)),
                    Err(reason) => Err(no_backend(&plan.target, vec![filtered(endpoint, reason)])),
                };
            }
            Candidates::MissingBackend(name) => {
                return Err(no_backend(&plan.target, vec![missing_backend(name)]));
            }
        };
        let backends = self.config.backends();
        let policy = self.config.default_policy();
        let ticket = match policy {
            Policy::RoundRobin => self
                .round_robin
                .get(plan.target.slot)
                .map_or(0, |c| c.fetch_add(1, Ordering::Relaxed)),
            _ => 0,
        };
        // Candidates whose key could not be found; allocated only when one fails.
        let mut failed: Vec<(u32, Reason)> = Vec::new();
        // Most requests name a model and nothing else: every candidate meets them.
        let needs = &plan.needs;
        let any = needs.op.is_none() && needs.features.is_empty() && needs.transports.is_empty();
        loop {
            let ok = |i: u32| {
                (any || backends
                    .get(i as usize)
                    .is_some_and(|b| select::meets(b, needs)))
                    && !failed.iter().any(|(f, _)| *f == i)
            };
            let Some(i) = select::pick(policy, candidates, backends, ok, &self.rng, ticket) else {
                break;
            };
            let Some(backend) = backends.get(i as usize) else {
                break;
            };
            let endpoint = Endpoint::Configured(backend);
            match self.key_of(endpoint, plan.alias_secret, Turn::Next) {
                Ok(key) => return Ok(resolved(&plan.target, endpoint, key)),
                Err(reason) => failed.push((i, reason)),
            }
        }
        let mut reasons = Vec::with_capacity(candidates.len());
        for &i in candidates.iter() {
            let Some(b) = backends.get(i as usize) else {
                continue;
            };
            let reason = select::unmet(b, &plan.needs)
                .or_else(|| failed.iter().find(|(f, _)| *f == i).map(|(_, r)| r.clone()));
            if let Some(reason) = reason {
                reasons.push(filtered(Endpoint::Configured(b), reason));
            }
        }
        Err(no_backend(&plan.target, reasons))
    }
}

impl<'a> Evaluation<'a> {
    /// The usable candidates resolved, in failover order; an error listing every reason when
    /// none is usable.
    pub(super) fn into_usable(self) -> Result<Vec<Resolved<'a>>, ResolveError> {
        let mut usable = Vec::new();
        let mut reasons = Vec::new();
        for Outcome { endpoint, key } in self.outcomes {
            match key {
                Ok(key) => usable.push(resolved(&self.target, endpoint, key)),
                Err(reason) => reasons.push(filtered(endpoint, reason)),
            }
        }
        if usable.is_empty() {
            if let Some(name) = self.missing_backend {
                reasons.push(missing_backend(name));
            }
            return Err(no_backend(&self.target, reasons));
        }
        Ok(usable)
    }
}

fn resolved<'a>(
    target: &Target<'a>,
    endpoint: Endpoint<'a>,
    key: Option<crate::credential::Found<'a>>,
) -> Resolved<'a> {
    let (key, key_source) = match key {
        Some(found) => (Some(found.key), Some(found.source)),
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

fn no_backend(target: &Target<'_>, filtered: Vec<Filtered>) -> ResolveError {
    ResolveError::NoBackend {
        model: target.model.to_string(),
        alias: target.alias.map(|a| a.name().to_string()),
        filtered,
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
