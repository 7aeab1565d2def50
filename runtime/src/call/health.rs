//! Backend health, shared by every clone of an executor and across threads: a breaker per
//! backend that opens after `allowed_fails` consecutive failures, stays open for `cooldown`,
//! then lets one probe through (half-open).
//!
//! A backend that has not answered successfully yet, or whose last counted attempt failed,
//! is *unproven*: it gets at most `allowed_fails` attempts in flight at once (less the
//! failures already counted), so a burst of concurrent calls cannot all hit a dead backend
//! before the first failure is recorded. A backend that has answered is not limited.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::Endpoint;

/// Identifies a backend: configured backends and built-in endpoints have separate names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key<'a> {
    pub(crate) name: &'a str,
    pub(crate) builtin: bool,
}

impl<'a> Key<'a> {
    pub(crate) fn of(endpoint: &Endpoint<'a>) -> Self {
        Self {
            name: endpoint.name(),
            builtin: endpoint.is_builtin(),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    /// Consecutive counted failures since the breaker last closed.
    fails: u32,
    /// Whether the last counted outcome was a success.
    proven: bool,
    /// When the breaker is open: the clock time it may half-open.
    open_until: Option<Duration>,
    /// A half-open probe is in flight.
    probing: bool,
    in_flight: u32,
}

#[derive(Debug, Default)]
struct Maps {
    configured: HashMap<Box<str>, State>,
    builtin: HashMap<Box<str>, State>,
}

impl Maps {
    /// Runs `f` on the state of `key`; allocates only on the first sight of a backend.
    fn with<R>(&mut self, key: Key<'_>, f: impl FnOnce(&mut State) -> R) -> R {
        let map = if key.builtin {
            &mut self.builtin
        } else {
            &mut self.configured
        };
        if let Some(state) = map.get_mut(key.name) {
            return f(state);
        }
        f(map.entry(key.name.into()).or_default())
    }
}

/// The health of every backend an executor has tried.
#[derive(Debug, Default)]
pub(crate) struct Health {
    maps: Mutex<Maps>,
}

/// Whether an attempt may go to a backend now.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Go; `probe` when this is the half-open probe.
    Go { probe: bool },
    /// The breaker is open for `remaining` more.
    CoolingDown { remaining: Duration },
    /// The cooldown has passed and another call's probe is in flight.
    Probing,
    /// Unproven, with as many attempts in flight as it may have.
    Saturated,
}

/// What an attempt's end does to its backend's health.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Success,
    /// A failure that counts against the backend.
    Failure,
    /// An outcome that says nothing about the backend (a bad request, a cancelled attempt).
    Neutral,
}

impl Health {
    fn lock(&self) -> MutexGuard<'_, Maps> {
        // The maps stay consistent under a panic (every update is a few plain stores).
        self.maps.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides whether an attempt may go to `key` at `now`; counts it in flight when it may.
    pub(crate) fn admit(&self, key: Key<'_>, allowed_fails: u32, now: Duration) -> Admission {
        self.lock().with(key, |st| admit(st, allowed_fails, now))
    }

    /// Records the end of an admitted attempt.
    pub(crate) fn settle(&self, key: Key<'_>, end: End) {
        self.lock().with(key, |st| settle(st, end));
    }
}

/// How an admitted attempt ended, with the breaker settings of its backend.
#[derive(Clone, Copy, Debug)]
pub(crate) struct End {
    pub(crate) probe: bool,
    pub(crate) verdict: Verdict,
    pub(crate) allowed_fails: u32,
    pub(crate) cooldown: Duration,
    pub(crate) now: Duration,
}

fn admit(st: &mut State, allowed_fails: u32, now: Duration) -> Admission {
    if allowed_fails > 0 {
        if let Some(until) = st.open_until {
            if now < until {
                return Admission::CoolingDown {
                    remaining: until - now,
                };
            }
            if st.probing {
                return Admission::Probing;
            }
            st.probing = true;
            st.in_flight += 1;
            return Admission::Go { probe: true };
        }
        if !st.proven && st.fails.saturating_add(st.in_flight) >= allowed_fails {
            return Admission::Saturated;
        }
    }
    st.in_flight += 1;
    Admission::Go { probe: false }
}

fn settle(st: &mut State, end: End) {
    st.in_flight = st.in_flight.saturating_sub(1);
    if end.probe {
        st.probing = false;
    }
    match end.verdict {
        Verdict::Success => {
            st.fails = 0;
            st.proven = true;
            st.open_until = None;
        }
        Verdict::Failure => {
            st.proven = false;
            if end.allowed_fails == 0 {
                return;
            }
            st.fails = st.fails.saturating_add(1);
            if end.probe || st.fails >= end.allowed_fails {
                st.open_until = Some(end.now.saturating_add(end.cooldown));
                st.fails = 0;
            }
        }
        Verdict::Neutral => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: Key<'static> = Key {
        name: "a",
        builtin: false,
    };
    const S: fn(u64) -> Duration = Duration::from_secs;

    fn end(probe: bool, verdict: Verdict, now: Duration) -> End {
        End {
            probe,
            verdict,
            allowed_fails: 3,
            cooldown: S(30),
            now,
        }
    }

    fn fail(h: &Health, probe: bool, now: Duration) {
        h.settle(K, end(probe, Verdict::Failure, now));
    }

    #[test]
    fn opens_after_allowed_fails_then_half_opens_once() {
        let h = Health::default();
        for _ in 0..3 {
            assert!(matches!(
                h.admit(K, 3, S(0)),
                Admission::Go { probe: false }
            ));
            fail(&h, false, S(0));
        }
        assert!(
            matches!(h.admit(K, 3, S(10)), Admission::CoolingDown { remaining } if remaining == S(20))
        );
        assert!(matches!(
            h.admit(K, 3, S(30)),
            Admission::Go { probe: true }
        ));
        assert!(matches!(h.admit(K, 3, S(30)), Admission::Probing));
        fail(&h, true, S(31));
        assert!(matches!(
            h.admit(K, 3, S(60)),
            Admission::CoolingDown { .. }
        ));
        assert!(matches!(
            h.admit(K, 3, S(61)),
            Admission::Go { probe: true }
        ));
        h.settle(K, end(true, Verdict::Success, S(61)));
        for _ in 0..10 {
            assert!(matches!(
                h.admit(K, 3, S(62)),
                Admission::Go { probe: false }
            ));
        }
    }

    #[test]
    fn unproven_backends_limit_attempts_in_flight() {
        let h = Health::default();
        for _ in 0..3 {
            assert!(matches!(h.admit(K, 3, S(0)), Admission::Go { .. }));
        }
        assert!(matches!(h.admit(K, 3, S(0)), Admission::Saturated));
        h.settle(K, end(false, Verdict::Neutral, S(0)));
        assert!(matches!(h.admit(K, 3, S(0)), Admission::Go { .. }));
        let other = Key {
            name: "a",
            builtin: true,
        };
        assert!(matches!(h.admit(other, 0, S(0)), Admission::Go { .. }));
    }
}
