//! Key pools in the executor. A key that draws a rate limit or an authentication failure
//! rests on its own, by the executor's clock, while the pool's other keys serve; the backend
//! does not count the failure, since the key, not the backend, was refused.
//!
//! Rests are kept per credential and variable (names only), shared by every clone of an
//! executor. Credentials without a pool never reach this map, so the executor's hot path does
//! not lock it.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::classify::FailureClass;
use crate::credential::Pool;
use crate::{ApiKey, KeySource, Resolved, Resolver};

/// One credential's resting variables: when each rest ends, by the executor's clock.
type Ends = HashMap<Box<str>, Duration>;

/// The resting keys, by credential.
#[derive(Debug, Default)]
pub(crate) struct KeyRests {
    map: Mutex<HashMap<Box<str>, Ends>>,
}

impl KeyRests {
    fn lock(&self) -> MutexGuard<'_, HashMap<Box<str>, Ends>> {
        // Every update is one insert or remove: the map stays consistent under a panic.
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Rests `var` of `credential` until the clock reads `until`.
    pub(crate) fn rest(&self, credential: &str, var: &str, until: Duration) {
        let mut map = self.lock();
        let vars = match map.get_mut(credential) {
            Some(vars) => vars,
            None => map.entry(credential.into()).or_default(),
        };
        match vars.get_mut(var) {
            Some(end) => *end = (*end).max(until),
            None => {
                vars.insert(var.into(), until);
            }
        }
    }

    /// How long `var` of `credential` still rests at `now`; `None` when it may serve.
    pub(crate) fn remaining(&self, credential: &str, var: &str, now: Duration) -> Option<Duration> {
        let map = self.lock();
        let end = *map.get(credential)?.get(var)?;
        (end > now).then(|| end - now)
    }
}

/// Whether a failure of `class` is the key's fault, so that the key rests and another key of
/// its pool may be tried at once.
pub(crate) const fn blames_key(class: FailureClass) -> bool {
    matches!(class, FailureClass::RateLimited | FailureClass::Auth)
}

/// The key an attempt uses, for a backend whose credential has a key pool.
#[derive(Debug)]
pub(crate) enum Pick<'a> {
    /// The key resolution found: its variable does not rest.
    Resolved(&'a str),
    /// That key rests: the pool's next key that does not, and its variable.
    Other(ApiKey, &'a str),
    /// Every key of the pool rests (the soonest back in `remaining`), or none can be found.
    Resting(Duration),
}

/// The variable a pool key was found under: the env var or the key inside the linked secret.
fn var_of<'a>(resolved: &Resolved<'a>) -> Option<&'a str> {
    match resolved.key_source()? {
        KeySource::Env { var } | KeySource::Secret { key: var, .. } => Some(var),
        _ => None,
    }
}

/// The key of an attempt on `resolved`, drawn from `pool` around the resting keys.
pub(crate) fn pick<'a>(
    resolver: &'a Resolver<'a>,
    rests: &KeyRests,
    (pool, resolved): (&Pool<'a>, &Resolved<'a>),
    now: Duration,
) -> Pick<'a> {
    let credential = pool.credential.name();
    let resting = |var: &str| rests.remaining(credential, var, now);
    if let Some(var) = var_of(resolved)
        && resting(var).is_none()
    {
        return Pick::Resolved(var);
    }
    match resolver.pool_key(pool, &|var| resting(var).is_none()) {
        Ok(found) => match found.source {
            KeySource::Env { var } | KeySource::Secret { key: var, .. } => {
                Pick::Other(found.key, var)
            }
            _ => Pick::Resting(Duration::ZERO),
        },
        Err(_) => Pick::Resting(pool.vars().filter_map(resting).min().unwrap_or_default()),
    }
}

/// Whether a key of `pool` other than `var` may serve at `now`.
pub(crate) fn another_serves(rests: &KeyRests, pool: &Pool<'_>, var: &str, now: Duration) -> bool {
    let credential = pool.credential.name();
    pool.vars()
        .any(|v| v != var && rests.remaining(credential, v, now).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn a_key_rests_until_its_end_and_only_that_key() {
        let rests = KeyRests::default();
        rests.rest("openai", "KEY_A", S(30));
        assert_eq!(rests.remaining("openai", "KEY_A", S(10)), Some(S(20)));
        assert_eq!(rests.remaining("openai", "KEY_B", S(10)), None);
        assert_eq!(rests.remaining("other", "KEY_A", S(10)), None);
        assert_eq!(rests.remaining("openai", "KEY_A", S(30)), None);
    }

    #[test]
    fn a_shorter_rest_does_not_cut_a_longer_one() {
        let rests = KeyRests::default();
        rests.rest("c", "K", S(60));
        rests.rest("c", "K", S(5));
        assert_eq!(rests.remaining("c", "K", S(0)), Some(S(60)));
    }

    #[test]
    fn only_rate_limits_and_refused_keys_blame_the_key() {
        assert!(blames_key(FailureClass::RateLimited));
        assert!(blames_key(FailureClass::Auth));
        for class in [
            FailureClass::ServerError,
            FailureClass::Timeout,
            FailureClass::Connect,
            FailureClass::BadRequest,
            FailureClass::Other,
        ] {
            assert!(!blames_key(class), "{class:?}");
        }
    }
}
