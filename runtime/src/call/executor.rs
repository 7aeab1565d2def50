//! The [`Executor`]: a resolver plus the call plan, the clock, the backoff RNG and the backend
//! health that every clone shares.

use std::fmt;
use std::sync::Arc;

use super::clock::{Clock, SystemClock};
use super::health::Health;
use super::keys::KeyRests;
use super::plan::{CallPlan, Defaults};
use crate::select::Rng;
use crate::{Explanation, KeyState, Request, ResolveError, Resolver};

/// What every clone of an executor shares.
pub(crate) struct Shared {
    pub(crate) plan: Box<dyn CallPlan>,
    pub(crate) clock: Box<dyn Clock>,
    pub(crate) health: Health,
    /// The resting keys of key pools.
    pub(crate) keys: KeyRests,
    pub(crate) rng: Rng,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("plan", &self.plan)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// Runs calls against the backends a [`Resolver`] resolves: timeouts, retries with backoff,
/// failover, fallbacks and a breaker per backend. Cheap to clone; clones share the backend
/// health (and so do threads holding clones). See the [module docs](super) for the rules.
#[derive(Clone)]
pub struct Executor<'a> {
    pub(crate) resolver: &'a Resolver<'a>,
    pub(crate) shared: Arc<Shared>,
}

impl fmt::Debug for Executor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Executor")
            .field("resolver", self.resolver)
            .field("plan", &self.shared.plan)
            .field("clock", &self.shared.clock)
            .finish_non_exhaustive()
    }
}

impl<'a> Executor<'a> {
    /// An executor with the built-in defaults, no fallbacks and the system clock.
    pub fn new(resolver: &'a Resolver<'a>) -> Self {
        Self::builder(resolver).build()
    }

    /// A builder, to set the plan, the clock or the backoff seed.
    pub fn builder(resolver: &'a Resolver<'a>) -> ExecutorBuilder<'a> {
        ExecutorBuilder {
            resolver,
            plan: None,
            clock: None,
            seed: None,
        }
    }

    /// The resolver.
    pub fn resolver(&self) -> &'a Resolver<'a> {
        self.resolver
    }

    /// The plan the settings and fallbacks come from.
    pub fn plan(&self) -> &dyn CallPlan {
        &*self.shared.plan
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.shared.clock
    }

    /// [`Resolver::explain`], with the keys of key pools that this executor rests after a
    /// rate limit or an authentication failure marked [`KeyState::CoolingDown`]. Names only.
    pub fn explain<'r>(
        &'r self,
        request: impl Into<Request<'r>>,
    ) -> Result<Explanation, ResolveError> {
        let mut explanation = self.resolver.explain(request)?;
        let now = self.shared.clock.now();
        for candidate in &mut explanation.candidates {
            let Some(credential) = self
                .resolver
                .config()
                .backend(&candidate.backend)
                .filter(|_| !candidate.builtin)
                .and_then(|b| b.credential_ref())
            else {
                continue;
            };
            for key in &mut candidate.keys {
                let (KeyState::Ready(origin), Some(remaining)) = (
                    &key.state,
                    self.shared.keys.remaining(credential, &key.var, now),
                ) else {
                    continue;
                };
                key.state = KeyState::CoolingDown {
                    origin: origin.clone(),
                    remaining,
                };
            }
        }
        Ok(explanation)
    }
}

/// Builds an [`Executor`].
pub struct ExecutorBuilder<'a> {
    resolver: &'a Resolver<'a>,
    plan: Option<Box<dyn CallPlan>>,
    clock: Option<Box<dyn Clock>>,
    seed: Option<u64>,
}

impl fmt::Debug for ExecutorBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorBuilder")
            .field("plan", &self.plan)
            .field("clock", &self.clock)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl<'a> ExecutorBuilder<'a> {
    /// Where the settings and fallbacks come from (default: [`Defaults`]).
    pub fn plan(mut self, plan: impl CallPlan + 'static) -> Self {
        self.plan = Some(Box::new(plan));
        self
    }
    /// The clock (default: [`SystemClock`]); [`ManualClock`](super::ManualClock) in tests.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Box::new(clock));
        self
    }
    /// Fixes the seed of the backoff jitter.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }
    /// The executor.
    pub fn build(self) -> Executor<'a> {
        Executor {
            resolver: self.resolver,
            shared: Arc::new(Shared {
                plan: self.plan.unwrap_or_else(|| Box::new(Defaults)),
                clock: self.clock.unwrap_or_else(|| Box::new(SystemClock::new())),
                health: Health::default(),
                keys: KeyRests::default(),
                rng: Rng::new(self.seed.unwrap_or_else(Rng::entropy)),
            }),
        }
    }
}
