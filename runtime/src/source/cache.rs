//! The cache in front of key commands: one slot per argv and output mode, refreshed by one
//! caller at a time while the others wait for it (cold) or keep the last good key (stale).

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use secrecy::SecretString;

use super::clock::{KeyClock, SystemKeyClock};
use super::expiring::{
    CommandOutput, CommandSpec, EXPIRY_MARGIN, FetchedKey, check_not_expired, fetch_unchecked,
};
use super::{SourceError, off_async_workers};

/// How long a command's key is reused when the credential sets no `ttl` and the command states
/// no expiry. A secret manager's CLI takes 50–500 ms, so running it per call doubles a short
/// call's latency; five minutes turns that into about one run in twelve per hour per key,
/// while a rotated or revoked key is picked up within minutes (well inside the hour-long
/// leases of common secret managers, and shorter than AWS SDKs' 15-minute refresh window).
pub const DEFAULT_KEY_TTL: Duration = Duration::from_secs(5 * 60);

/// After a failed refresh, how long the last good key is served before the command is tried
/// again: a secret manager that is down is not asked on every call.
pub const FAILED_REFRESH_PAUSE: Duration = Duration::from_secs(10);

/// Whether a key from the cache is fresh. Never carries the key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFreshness {
    /// Within its TTL, or fetched just now.
    Fresh,
    /// The last refresh failed: the last good key is served until it expires.
    Stale {
        /// Why the refresh failed (names the program, never the key).
        reason: SourceError,
        /// How much longer the key is served.
        expires_in: Duration,
    },
}

impl fmt::Display for KeyFreshness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFreshness::Fresh => f.write_str("fresh"),
            KeyFreshness::Stale { reason, expires_in } => write!(
                f,
                "the last good key, for {}s more: refreshing it failed: {reason}",
                expires_in.as_secs()
            ),
        }
    }
}

/// A key from the cache and whether it is fresh. `Debug` redacts the key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CachedKey {
    /// The key.
    pub key: SecretString,
    /// Whether it is fresh, or served after a failed refresh.
    pub freshness: KeyFreshness,
}

impl CachedKey {
    /// A key fetched just now (a secret source without a cache answers with these).
    pub fn fresh(key: SecretString) -> Self {
        Self {
            key,
            freshness: KeyFreshness::Fresh,
        }
    }
}

impl From<FetchedKey> for CachedKey {
    fn from(fetched: FetchedKey) -> Self {
        Self::fresh(fetched.key)
    }
}

/// A cache of key commands' answers, keyed by argv and output mode.
///
/// - A key is reused without running the command for the credential's `ttl`, else
///   [`DEFAULT_KEY_TTL`], cut short to [`EXPIRY_MARGIN`] before an `expires_at` the command
///   printed; a command that prints an `expires_at` and whose credential sets no `ttl` is run
///   again only then. A `ttl` of zero bypasses the cache.
/// - Concurrent lookups that find no usable key run the command once: one runs it, the others
///   wait for its answer (or its error). When the key is stale but still usable, one lookup
///   refreshes it and the others are served the old key meanwhile. No thread is spawned.
/// - A failed refresh keeps the last good key until it expires — its `expires_at`, else one
///   more TTL after it went stale — as [`KeyFreshness::Stale`] with the reason; the command
///   is tried again [`FAILED_REFRESH_PAUSE`] later. A failure with no usable key is not
///   remembered: the callers waiting for that run get its error, and the next lookup runs the
///   command again (after `op signin`, say).
///
/// Entries live as long as the cache: one per distinct command of the config.
pub struct KeyCache {
    clock: Arc<dyn KeyClock>,
    entries: Mutex<HashMap<u64, Vec<Arc<Entry>>>>,
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCache")
            .field("clock", &self.clock)
            .field(
                "commands",
                &lock(&self.entries).values().map(Vec::len).sum::<usize>(),
            )
            .finish()
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        Self::new()
    }
}

/// One command's slot.
struct Entry {
    argv: Box<[String]>,
    output: CommandOutput,
    slot: Mutex<Slot>,
    refreshed: Condvar,
}

#[derive(Default)]
struct Slot {
    good: Option<Good>,
    /// A caller is running the command.
    refreshing: bool,
    /// Counts finished runs, so a waiter knows the run it waited for has ended.
    runs: u64,
    /// The error of the last run, cleared by a success.
    failure: Option<SourceError>,
    /// No refresh of a usable key before this.
    retry_at: Duration,
}

/// The last good key; times on the cache's monotonic clock.
struct Good {
    key: SecretString,
    refresh_at: Duration,
    expires_at: Duration,
}

impl KeyCache {
    /// A cache on the system clock.
    pub fn new() -> Self {
        Self::with_clock(SystemKeyClock::new())
    }

    /// A cache on `clock` (tests pass a [`super::ManualKeyClock`]).
    pub fn with_clock(clock: impl KeyClock + 'static) -> Self {
        Self {
            clock: Arc::new(clock),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The key of `spec`'s command: cached, or from running it (once, however many callers
    /// ask at the same time).
    pub fn get(&self, spec: &CommandSpec<'_>) -> Result<CachedKey, SourceError> {
        if spec.ttl_setting() == Some(Duration::ZERO) {
            return self.fetch(spec).map(CachedKey::from);
        }
        let entry = self.entry(spec);
        let mut slot = lock(&entry.slot);
        let mut seen_runs = None;
        loop {
            let now = self.clock.now();
            let usable = slot.good.as_ref().filter(|g| now < g.expires_at);
            match usable {
                Some(good) if now < good.refresh_at => return Ok(served(good, None, now)),
                Some(good) if slot.refreshing || now < slot.retry_at => {
                    return Ok(served(good, slot.failure.as_ref(), now));
                }
                None if slot.refreshing => {
                    seen_runs = Some(slot.runs);
                    slot = entry
                        .refreshed
                        .wait(slot)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                // The run this caller waited for failed and left no usable key: share its error.
                None if seen_runs.is_some_and(|runs| runs != slot.runs) => {
                    if let Some(failure) = &slot.failure {
                        return Err(failure.clone());
                    }
                    seen_runs = None;
                }
                _ => return self.refresh(spec, &entry, slot),
            }
        }
    }

    /// Whether a usable key of `spec`'s command is cached and how fresh it is, without running
    /// anything; `None` when there is none.
    pub fn state(&self, spec: &CommandSpec<'_>) -> Option<KeyFreshness> {
        let entry = self.find(spec)?;
        let slot = lock(&entry.slot);
        let now = self.clock.now();
        let good = slot.good.as_ref().filter(|g| now < g.expires_at)?;
        let failure = (now >= good.refresh_at).then_some(slot.failure.as_ref());
        Some(served(good, failure.flatten(), now).freshness)
    }

    /// Runs the command as this caller, with the slot marked so that others wait or keep the
    /// old key, and records the outcome.
    fn refresh(
        &self,
        spec: &CommandSpec<'_>,
        entry: &Entry,
        mut slot: MutexGuard<'_, Slot>,
    ) -> Result<CachedKey, SourceError> {
        slot.refreshing = true;
        drop(slot);
        let guard = Refreshing(entry);
        let outcome = self.fetch(spec);
        let mut slot = lock(&entry.slot);
        let now = self.clock.now();
        slot.runs += 1;
        let result = match outcome {
            Ok(fetched) => {
                let good = self.good(spec, fetched, now);
                let key = good.key.clone();
                slot.good = Some(good);
                slot.failure = None;
                Ok(CachedKey::fresh(key))
            }
            Err(error) => {
                slot.retry_at = now.saturating_add(FAILED_REFRESH_PAUSE);
                slot.failure = Some(error.clone());
                match slot.good.as_ref().filter(|g| now < g.expires_at) {
                    Some(good) => Ok(served(good, Some(&error), now)),
                    None => {
                        slot.good = None;
                        Err(error)
                    }
                }
            }
        };
        drop(slot);
        drop(guard);
        result
    }

    /// Runs the command (off the async workers) and refuses an answer that has expired.
    fn fetch(&self, spec: &CommandSpec<'_>) -> Result<FetchedKey, SourceError> {
        let fetched = off_async_workers(|| fetch_unchecked(spec))?;
        check_not_expired(spec.program(), &fetched, self.clock.wall())?;
        Ok(fetched)
    }

    /// When a key fetched at `now` is refreshed and when it stops being served.
    fn good(&self, spec: &CommandSpec<'_>, fetched: FetchedKey, now: Duration) -> Good {
        let stated = fetched.expires_at.map(|at| {
            let left = at.duration_since(self.clock.wall()).unwrap_or_default();
            now.saturating_add(left)
        });
        let (refresh_at, expires_at) = match (stated, spec.ttl_setting()) {
            (Some(expires), None) => (expires.saturating_sub(EXPIRY_MARGIN), expires),
            (Some(expires), Some(ttl)) => (
                now.saturating_add(ttl)
                    .min(expires.saturating_sub(EXPIRY_MARGIN)),
                expires,
            ),
            (None, ttl) => {
                let ttl = ttl.unwrap_or(DEFAULT_KEY_TTL);
                let refresh_at = now.saturating_add(ttl);
                (refresh_at, refresh_at.saturating_add(ttl))
            }
        };
        Good {
            key: fetched.key,
            refresh_at,
            expires_at,
        }
    }

    fn entry(&self, spec: &CommandSpec<'_>) -> Arc<Entry> {
        let hash = hash_of(spec);
        let mut entries = lock(&self.entries);
        let chain = entries.entry(hash).or_default();
        if let Some(entry) = chain.iter().find(|e| e.is(spec)) {
            return Arc::clone(entry);
        }
        let entry = Arc::new(Entry {
            argv: spec.argv().iter().map(|a| (*a).to_owned()).collect(),
            output: spec.output_mode(),
            slot: Mutex::new(Slot::default()),
            refreshed: Condvar::new(),
        });
        chain.push(Arc::clone(&entry));
        entry
    }

    fn find(&self, spec: &CommandSpec<'_>) -> Option<Arc<Entry>> {
        let entries = lock(&self.entries);
        let chain = entries.get(&hash_of(spec))?;
        chain.iter().find(|e| e.is(spec)).cloned()
    }
}

impl Entry {
    fn is(&self, spec: &CommandSpec<'_>) -> bool {
        self.output == spec.output_mode()
            && self.argv.len() == spec.argv().len()
            && self.argv.iter().zip(spec.argv()).all(|(a, b)| a == b)
    }
}

/// Clears the refreshing mark and wakes the waiters when the refresh ends, even by a panic,
/// so that no waiter waits for a run that will never finish.
struct Refreshing<'a>(&'a Entry);

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        lock(&self.0.slot).refreshing = false;
        self.0.refreshed.notify_all();
    }
}

fn served(good: &Good, failure: Option<&SourceError>, now: Duration) -> CachedKey {
    let freshness = match failure {
        Some(reason) => KeyFreshness::Stale {
            reason: reason.clone(),
            expires_in: good.expires_at.saturating_sub(now),
        },
        None => KeyFreshness::Fresh,
    };
    CachedKey {
        key: good.key.clone(),
        freshness,
    }
}

/// The argv and output mode hashed without allocating; entries with the same hash are told
/// apart by comparing the argv.
fn hash_of(spec: &CommandSpec<'_>) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    spec.argv().hash(&mut hasher);
    spec.output_mode().hash(&mut hasher);
    hasher.finish()
}

/// A poisoned lock only means another caller panicked; the slot's data stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
