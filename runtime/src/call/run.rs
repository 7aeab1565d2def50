//! The planning and state core shared by the async and blocking front ends: the order of
//! attempts (the pick, the alias's other candidates in failover order, then each fallback
//! alias), the decision after each outcome (retry after a wait, fail over, stop), backoff and
//! the breaker's bookkeeping. It does no I/O and never sleeps: the front ends do.

use std::borrow::Cow;
use std::time::Duration;

use super::classify::{Failure, FailureClass};
use super::executor::Shared;
use super::health::{Admission, End, Key, Verdict};
use super::keys::{self, Pick};
use super::policy::{Backoff, CallPolicy};
use super::record::{Attempt, CallError, CallErrorKind, Outcome};
use super::target::Target;
use crate::credential::Pool;
use crate::select::Rng;
use crate::{Alias, ApiKey, Backend, Request, ResolveError, Resolved, Resolver};

/// How often a call whose only candidates left are unproven backends with as many attempts
/// in flight as they may have looks again.
const SATURATED_POLL: Duration = Duration::from_millis(10);

/// What the front end does next.
#[derive(Debug)]
pub(crate) enum Step<'a> {
    /// Run the attempt.
    Attempt(Target<'a>),
    /// Wait (backoff, `Retry-After`, a saturated backend), then ask again.
    Wait(Duration),
    /// Stop: the call failed (see [`Run::into_error`]).
    Done,
}

/// One candidate backend of the call, while it is being tried.
#[derive(Debug)]
struct Current<'a> {
    resolved: Resolved<'a>,
    policy: CallPolicy,
    fallback_from: Option<&'a str>,
    retries: u32,
    waited: Duration,
    /// `Some(probe)` while an admitted attempt is running.
    admitted: Option<bool>,
    started: Duration,
    /// The key pool of the backend's credential, if it has one.
    pool: Option<Pool<'a>>,
    /// The pool key of the running attempt: its variable, and the key when it is not the one
    /// resolution found.
    key_var: Option<&'a str>,
    key: Option<ApiKey>,
    /// Immediate retries with another key of the pool.
    key_switches: u32,
}

/// The state of one call.
#[derive(Debug)]
pub(crate) struct Run<'a, E> {
    resolver: &'a Resolver<'a>,
    shared: &'a Shared,
    request: Request<'a>,
    requested: Option<&'a str>,
    policy: CallPolicy,
    deadline_at: Duration,
    fallbacks: &'a [Cow<'static, str>],
    /// 0 while trying the request's own candidates, `n` while trying fallback `n`.
    group: usize,
    pick: Option<Resolved<'a>>,
    picked: Option<Key<'a>>,
    rest: std::vec::IntoIter<Resolved<'a>>,
    expanded: bool,
    requeued: std::vec::IntoIter<Current<'a>>,
    deferred: Vec<Current<'a>>,
    current: Option<Current<'a>>,
    retry_wait: Option<Duration>,
    attempts: Vec<Attempt<'a>>,
    number: u32,
    last: Option<E>,
    unresolved: Vec<(String, ResolveError)>,
    stop: Option<CallErrorKind>,
}

impl<'a, E> Run<'a, E> {
    /// Resolves the request (its pick only: the other candidates are listed when needed).
    pub(crate) fn start(
        resolver: &'a Resolver<'a>,
        shared: &'a Shared,
        request: Request<'a>,
    ) -> Self {
        let first = resolver.resolve(request);
        let entry = match &first {
            Ok(r) => r.alias(),
            Err(_) => request.requested_model().and_then(|m| resolver.alias(m)),
        };
        let alias = entry.map(Alias::name);
        let plan = &shared.plan;
        // The call's own settings (its deadline): the alias's, then `[llm.calls]`; set in code
        // over set in the file, layer by layer.
        let policy = CallPolicy::from_layers(&[
            alias.and_then(|a| plan.alias(a)),
            entry.map(Alias::call_overrides),
            plan.calls(),
            Some(resolver.config().call_overrides()),
        ]);
        let fallbacks = match alias.map(|a| plan.fallbacks(a)) {
            Some(set) if !set.is_empty() => set,
            _ => entry.map_or(&[][..], Alias::fallbacks),
        };
        let mut run = Run {
            resolver,
            shared,
            request,
            requested: alias.or(request.requested_model()),
            policy,
            deadline_at: shared.clock.now().saturating_add(policy.deadline),
            fallbacks,
            group: 0,
            pick: None,
            picked: None,
            rest: Vec::new().into_iter(),
            expanded: false,
            requeued: Vec::new().into_iter(),
            deferred: Vec::new(),
            current: None,
            retry_wait: None,
            attempts: Vec::new(),
            number: 0,
            last: None,
            unresolved: Vec::new(),
            stop: None,
        };
        match first {
            Ok(r) => {
                run.picked = Some(Key::of(&r.endpoint()));
                run.pick = Some(r);
            }
            Err(e) => run.unresolve(e),
        }
        run
    }

    /// The alias or model asked for.
    pub(crate) fn requested(&self) -> Option<&'a str> {
        self.requested
    }

    /// What is left of the deadline.
    pub(crate) fn remaining(&self) -> Duration {
        self.deadline_at.saturating_sub(self.shared.clock.now())
    }

    /// The running attempt's settings and fallback origin.
    pub(crate) fn current(&self) -> Option<(&CallPolicy, Option<&'a str>)> {
        self.current.as_ref().map(|c| (&c.policy, c.fallback_from))
    }

    fn unresolve(&mut self, error: ResolveError) {
        let name = match self.group {
            0 => self.requested.unwrap_or("the default model"),
            n => self.fallbacks.get(n - 1).map_or("", |f| &**f),
        };
        self.unresolved.push((name.to_string(), error));
        self.expanded = true;
    }

    fn group_request(&self) -> Request<'a> {
        let mut request = self.request;
        if let Some(fallback) = self
            .group
            .checked_sub(1)
            .and_then(|i| self.fallbacks.get(i))
        {
            request.model = Some(&**fallback);
        }
        request
    }

    fn candidate(&self, resolved: Resolved<'a>) -> Current<'a> {
        let entry = resolved.alias();
        let plan = &self.shared.plan;
        // Alias over backend over `[llm.calls]`; within each layer, what is set in code sits
        // above what the file sets.
        let policy = CallPolicy::from_layers(&[
            entry.and_then(|a| plan.alias(a.name())),
            entry.map(Alias::call_overrides),
            plan.backend(resolved.endpoint().name()),
            resolved.backend().map(Backend::call_overrides),
            plan.calls(),
            Some(self.resolver.config().call_overrides()),
        ]);
        let pool = self
            .resolver
            .pool_of(resolved.endpoint(), entry.and_then(Alias::secret));
        Current {
            policy,
            fallback_from: if self.group > 0 { self.requested } else { None },
            resolved,
            retries: 0,
            waited: Duration::ZERO,
            admitted: None,
            started: Duration::ZERO,
            pool,
            key_var: None,
            key: None,
            key_switches: 0,
        }
    }

    /// The next backend to try, in order; `None` once the request and every fallback are
    /// used up.
    fn next_candidate(&mut self) -> Option<Current<'a>> {
        if let Some(c) = self.requeued.next() {
            return Some(c);
        }
        loop {
            if let Some(r) = self.pick.take() {
                return Some(self.candidate(r));
            }
            if let Some(r) = self.rest.next() {
                if Some(Key::of(&r.endpoint())) == self.picked {
                    continue;
                }
                return Some(self.candidate(r));
            }
            if !self.expanded {
                self.expanded = true;
                if let Ok(all) = self.resolver.failover(self.group_request()) {
                    self.rest = all.into_iter();
                }
                continue;
            }
            if self.group >= self.fallbacks.len() {
                return None;
            }
            self.group += 1;
            self.picked = None;
            self.expanded = false;
            match self.resolver.resolve(self.group_request()) {
                Ok(r) => {
                    self.picked = Some(Key::of(&r.endpoint()));
                    self.pick = Some(r);
                }
                Err(e) => self.unresolve(e),
            }
        }
    }

    /// Decides the next step at the clock's current time.
    pub(crate) fn next(&mut self) -> Step<'a> {
        if self.stop.is_some() {
            return Step::Done;
        }
        let now = self.shared.clock.now();
        if now >= self.deadline_at {
            self.stop = Some(CallErrorKind::Deadline);
            return Step::Done;
        }
        if let Some(wait) = self.retry_wait.take() {
            return Step::Wait(wait);
        }
        loop {
            let Some(mut cur) = self.current.take().or_else(|| self.next_candidate()) else {
                return self.exhausted();
            };
            if let Some(remaining) = self.pick_key(&mut cur, now) {
                self.skip(&cur, Outcome::KeysResting { remaining });
                continue;
            }
            let key = Key::of(&cur.resolved.endpoint());
            match self.shared.health.admit(key, cur.policy.allowed_fails, now) {
                Admission::Go { probe } => {
                    cur.admitted = Some(probe);
                    cur.started = now;
                    self.number += 1;
                    let target = self.target(&cur, now);
                    self.current = Some(cur);
                    return Step::Attempt(target);
                }
                Admission::CoolingDown { remaining } => {
                    self.skip(&cur, Outcome::CoolingDown { remaining });
                }
                Admission::Probing => self.skip(&cur, Outcome::Probing),
                Admission::Saturated => self.deferred.push(cur),
            }
        }
    }

    /// Chooses the key of a pool backend's next attempt; `Some(remaining)` when every key of
    /// its pool rests.
    fn pick_key(&self, cur: &mut Current<'a>, now: Duration) -> Option<Duration> {
        let pool = cur.pool?;
        let rests = &self.shared.keys;
        match keys::pick(self.resolver, rests, (&pool, &cur.resolved), now) {
            Pick::Resolved(var) => {
                cur.key_var = Some(var);
                cur.key = None;
            }
            Pick::Other(key, var) => {
                cur.key_var = Some(var);
                cur.key = Some(key);
            }
            Pick::Resting(remaining) => return Some(remaining),
        }
        None
    }

    fn target(&self, cur: &Current<'a>, now: Duration) -> Target<'a> {
        let r = &cur.resolved;
        let timeout = cur.policy.timeout.min(self.deadline_at.saturating_sub(now));
        Target {
            endpoint: r.endpoint(),
            alias: r.alias().map(Alias::name),
            model: r.model(),
            model_name: r.model_name(),
            op: self.request.needs().op,
            key: cur.key.clone().or_else(|| r.api_key().cloned()),
            timeout,
            connect_timeout: cur.policy.connect_timeout.min(timeout),
            attempt: self.number,
        }
    }

    fn exhausted(&mut self) -> Step<'a> {
        if !self.deferred.is_empty() {
            self.requeued = std::mem::take(&mut self.deferred).into_iter();
            return Step::Wait(SATURATED_POLL.min(self.remaining()));
        }
        let tried = self
            .attempts
            .iter()
            .any(|a| matches!(a.outcome, Outcome::Failed(_)));
        let skipped = self.attempts.iter().any(|a| {
            matches!(
                a.outcome,
                Outcome::CoolingDown { .. } | Outcome::Probing | Outcome::KeysResting { .. }
            )
        });
        self.stop = Some(if tried {
            CallErrorKind::Exhausted
        } else if skipped {
            CallErrorKind::CoolingDown
        } else if !self.unresolved.is_empty() {
            CallErrorKind::Unresolved
        } else {
            CallErrorKind::Exhausted
        });
        Step::Done
    }

    fn record(
        &mut self,
        cur: &Current<'a>,
        outcome: Outcome,
        failure: Option<&Failure>,
        latency: Duration,
    ) {
        let r = &cur.resolved;
        self.attempts.push(Attempt {
            number: self.number,
            alias: r.alias().map(|a| Cow::Borrowed(a.name())),
            fallback_from: cur.fallback_from.map(Cow::Borrowed),
            backend: Cow::Borrowed(r.endpoint().name()),
            builtin: r.endpoint().is_builtin(),
            model: Cow::Borrowed(r.model_name()),
            outcome,
            status: failure.and_then(|f| f.status),
            latency,
            waited: cur.waited,
            retry_after: failure.and_then(|f| f.retry_after),
            key_var: cur.key_var.map(Cow::Borrowed),
        });
    }

    fn skip(&mut self, cur: &Current<'a>, outcome: Outcome) {
        self.number += 1;
        self.record(cur, outcome, None, Duration::ZERO);
    }

    fn settle(&self, cur: &mut Current<'a>, verdict: Verdict, now: Duration) {
        if let Some(probe) = cur.admitted.take() {
            let end = End {
                probe,
                verdict,
                allowed_fails: cur.policy.allowed_fails,
                cooldown: cur.policy.cooldown,
                now,
            };
            self.shared
                .health
                .settle(Key::of(&cur.resolved.endpoint()), end);
        }
    }

    /// The running attempt succeeded: the call is over. Returns every attempt.
    pub(crate) fn succeed(&mut self) -> Vec<Attempt<'a>> {
        let now = self.shared.clock.now();
        if let Some(mut cur) = self.current.take() {
            self.settle(&mut cur, Verdict::Success, now);
            self.record(
                &cur,
                Outcome::Success,
                None,
                now.saturating_sub(cur.started),
            );
        }
        self.stop = Some(CallErrorKind::Exhausted);
        std::mem::take(&mut self.attempts)
    }

    /// The running attempt failed: decides between a retry on the same backend (after a
    /// wait that must end before the deadline), failing over, and stopping.
    pub(crate) fn fail(&mut self, failure: Failure, error: Option<E>) {
        let now = self.shared.clock.now();
        let Some(mut cur) = self.current.take() else {
            return;
        };
        let key_retry = self.rest_key(&cur, &failure, now);
        let verdict = if key_retry.is_some() {
            // The key was refused, not the backend.
            Verdict::Neutral
        } else if failure.class.counts_against_backend() {
            Verdict::Failure
        } else {
            Verdict::Neutral
        };
        self.settle(&mut cur, verdict, now);
        self.record(
            &cur,
            Outcome::Failed(failure.class),
            Some(&failure),
            now.saturating_sub(cur.started),
        );
        if error.is_some() {
            self.last = error;
        }
        if key_retry == Some(true) {
            // Another key of the pool serves: try it on the same backend at once.
            cur.key_switches += 1;
            cur.waited = Duration::ZERO;
            self.current = Some(cur);
            return;
        }
        if failure.class == FailureClass::BadRequest {
            self.stop = Some(CallErrorKind::BadRequest);
            return;
        }
        let policy = cur.policy;
        if !failure.fail_over
            && policy.retry_on.retries(failure.class)
            && cur.retries < policy.max_retries
        {
            let wait = failure
                .retry_after
                .unwrap_or_else(|| jitter(&self.shared.rng, policy.backoff, cur.retries));
            if now.saturating_add(wait) < self.deadline_at {
                cur.retries += 1;
                cur.waited = wait;
                self.retry_wait = Some(wait);
                self.current = Some(cur);
            }
        }
    }

    /// After a rate limit or a refused key on a pool key: rests the key (for `Retry-After`,
    /// else the cooldown) and says whether another key of the pool may serve at once (at most
    /// once per key of the pool and candidate). `None` when the failure is not the key's.
    fn rest_key(&self, cur: &Current<'a>, failure: &Failure, now: Duration) -> Option<bool> {
        let (pool, var) = (cur.pool?, cur.key_var?);
        if !keys::blames_key(failure.class) {
            return None;
        }
        let rest = failure.retry_after.unwrap_or(cur.policy.cooldown);
        let rests = &self.shared.keys;
        rests.rest(pool.credential.name(), var, now.saturating_add(rest));
        let switches = usize::try_from(cur.key_switches).unwrap_or(usize::MAX);
        Some(
            switches + 1 < pool.credential.api_key_envs().len()
                && keys::another_serves(rests, &pool, var, now),
        )
    }

    /// The attempts so far.
    pub(crate) fn attempts(&self) -> &[Attempt<'a>] {
        &self.attempts
    }

    /// The failed call's error.
    pub(crate) fn into_error(mut self) -> CallError<E> {
        CallError {
            kind: self.stop.unwrap_or(CallErrorKind::Exhausted),
            model: self.requested.map(str::to_owned),
            deadline: self.policy.deadline,
            attempts: std::mem::take(&mut self.attempts)
                .into_iter()
                .map(Attempt::into_owned)
                .collect(),
            last: self.last.take(),
            unresolved: std::mem::take(&mut self.unresolved),
        }
    }
}

impl<E> Drop for Run<'_, E> {
    /// A call dropped mid-attempt (a cancelled future) frees its backend's slot.
    fn drop(&mut self) {
        if let Some(mut cur) = self.current.take() {
            let now = self.shared.clock.now();
            self.settle(&mut cur, Verdict::Neutral, now);
        }
    }
}

/// Full jitter: uniform in `0..=ceiling`.
fn jitter(rng: &Rng, backoff: Backoff, retry: u32) -> Duration {
    let ceiling = u64::try_from(backoff.ceiling(retry).as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(rng.below(ceiling.saturating_add(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_under_the_ceiling_and_is_seeded() {
        let backoff = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        let (a, b) = (Rng::new(3), Rng::new(3));
        for retry in 0..8 {
            let wait = jitter(&a, backoff, retry);
            assert!(wait <= backoff.ceiling(retry));
            assert_eq!(wait, jitter(&b, backoff, retry));
        }
    }
}
