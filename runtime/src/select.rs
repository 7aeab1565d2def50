//! Picking one backend among the candidates: the static filters (op, features, transports),
//! the `weighted_random` / `priority` / `round_robin` policies and the failover order.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Reason;
use crate::{Backend, Op, Policy, Transport};

/// What the caller needs from a backend besides a model.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Needs<'a> {
    pub(crate) op: Option<Op>,
    pub(crate) features: &'a [&'a str],
    pub(crate) transports: &'a [Transport],
}

/// The ops a backend serves: its list, else everything its kind can.
fn ops(b: &Backend) -> &[Op] {
    if b.ops().is_empty() {
        b.kind().ops()
    } else {
        b.ops()
    }
}

/// The transports a backend offers: its list, else its kind's.
fn transports(b: &Backend) -> &[Transport] {
    if b.transports().is_empty() {
        b.kind().transports()
    } else {
        b.transports()
    }
}

/// Whether `b` meets `needs`; no allocation.
pub(crate) fn meets(b: &Backend, needs: &Needs<'_>) -> bool {
    needs.op.is_none_or(|op| ops(b).contains(&op))
        && needs
            .features
            .iter()
            .all(|f| b.features().iter().any(|have| have == f))
        && needs.transports.iter().all(|t| transports(b).contains(t))
}

/// Why `b` fails `needs`, if it does.
pub(crate) fn unmet(b: &Backend, needs: &Needs<'_>) -> Option<Reason> {
    if let Some(op) = needs.op
        && !ops(b).contains(&op)
    {
        return Some(Reason::OpNotServed { op });
    }
    if let Some(f) = needs
        .features
        .iter()
        .find(|f| !b.features().iter().any(|have| have == *f))
    {
        return Some(Reason::FeatureMissing {
            feature: f.to_string(),
        });
    }
    needs
        .transports
        .iter()
        .find(|t| !transports(b).contains(t))
        .map(|&transport| Reason::TransportMissing { transport })
}

/// Why a provider's built-in endpoint fails `needs`, if it does. Built-in endpoints declare no
/// features.
pub(crate) fn builtin_unmet(kind: crate::BackendKind, needs: &Needs<'_>) -> Option<Reason> {
    if let Some(op) = needs.op
        && !kind.serves(op)
    {
        return Some(Reason::OpNotServed { op });
    }
    if let Some(f) = needs.features.first() {
        return Some(Reason::FeatureMissing {
            feature: f.to_string(),
        });
    }
    needs
        .transports
        .iter()
        .find(|t| !kind.transports().contains(t))
        .map(|&transport| Reason::TransportMissing { transport })
}

/// A small, fast, thread-safe PRNG (splitmix64 over an atomic counter). Seedable, so picks are
/// reproducible in tests.
#[derive(Debug)]
pub(crate) struct Rng(AtomicU64);

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl Rng {
    pub(crate) const fn new(seed: u64) -> Self {
        Self(AtomicU64::new(seed))
    }

    /// A seed from the OS-seeded hasher keys of the standard library (no allocation).
    pub(crate) fn entropy() -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(GAMMA);
        h.finish()
    }

    pub(crate) fn next_u64(&self) -> u64 {
        let mut z = self
            .0
            .fetch_add(GAMMA, Ordering::Relaxed)
            .wrapping_add(GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// Picks one candidate index (a value of `candidates`) among those for which `ok` holds.
/// `ticket` is the round-robin counter value of this request. No allocation.
pub(crate) fn pick(
    policy: Policy,
    candidates: &[u32],
    backends: &[Backend],
    ok: impl Fn(u32) -> bool,
    rng: &Rng,
    ticket: usize,
) -> Option<u32> {
    let eligible = || {
        candidates
            .iter()
            .copied()
            .filter(|&i| ok(i) && backends.get(i as usize).is_some())
    };
    match policy {
        Policy::RoundRobin => {
            let count = eligible().count();
            if count == 0 {
                return None;
            }
            eligible().nth(ticket % count)
        }
        Policy::WeightedRandom => weighted(eligible(), backends, rng),
        Policy::Priority => {
            let top = eligible()
                .filter_map(|i| backends.get(i as usize))
                .map(Backend::priority)
                .max()?;
            weighted(
                eligible().filter(|&i| {
                    backends
                        .get(i as usize)
                        .is_some_and(|b| b.priority() == top)
                }),
                backends,
                rng,
            )
        }
    }
}

/// Weighted random pick; when every weight is zero, a uniform pick.
fn weighted(
    items: impl Iterator<Item = u32> + Clone,
    backends: &[Backend],
    rng: &Rng,
) -> Option<u32> {
    let weight = |i: u32| {
        backends
            .get(i as usize)
            .map_or(0, |b| u64::from(b.weight()))
    };
    let (count, total) = items
        .clone()
        .fold((0u64, 0u64), |(c, t), i| (c + 1, t + weight(i)));
    if count == 0 {
        return None;
    }
    if total == 0 {
        return items.clone().nth(rng.below(count) as usize);
    }
    let mut target = rng.below(total);
    let mut last = None;
    for i in items {
        let w = weight(i);
        if target < w {
            return Some(i);
        }
        target -= w;
        last = Some(i);
    }
    last
}

/// The failover order of `candidates`: highest priority tier first, then heavier weight, then
/// file order. Deterministic.
pub(crate) fn failover_order(candidates: &[u32], backends: &[Backend]) -> Vec<u32> {
    let mut order: Vec<u32> = candidates
        .iter()
        .copied()
        .filter(|&i| backends.get(i as usize).is_some())
        .collect();
    order.sort_by_key(|&i| {
        let b = &backends[i as usize];
        (
            std::cmp::Reverse(b.priority()),
            std::cmp::Reverse(b.weight()),
            i,
        )
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_reproducible_and_in_range() {
        let a = Rng::new(7);
        let b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            assert!(x < 10);
        }
        assert_ne!(Rng::entropy(), 0);
    }
}
