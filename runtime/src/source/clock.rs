//! The key caches' clock: monotonic time for TTLs and refresh times, wall-clock time to read a
//! command's `expires_at` against. Injectable, so tests move time instead of sleeping.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// What "now" is for a [`super::KeyCache`].
pub trait KeyClock: Send + Sync + fmt::Debug {
    /// Monotonic time since the clock's origin: a wall-clock jump (NTP, a laptop waking up)
    /// neither expires every cached key nor keeps one forever.
    fn now(&self) -> Duration;
    /// The wall-clock time, only to turn a command's `expires_at` into a monotonic deadline
    /// when the key arrives.
    fn wall(&self) -> SystemTime;
}

/// The real clock: [`Instant`] and [`SystemTime`].
#[derive(Clone, Copy, Debug)]
pub struct SystemKeyClock {
    origin: Instant,
}

impl SystemKeyClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemKeyClock {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyClock for SystemKeyClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock for tests that moves only when told to: both its monotonic and its wall-clock time
/// advance by [`ManualKeyClock::advance`], never by themselves. Clones share the time.
#[derive(Clone, Debug)]
pub struct ManualKeyClock {
    wall_origin: SystemTime,
    offset_nanos: Arc<AtomicU64>,
}

impl ManualKeyClock {
    /// A clock at monotonic zero whose wall-clock time is `wall`.
    pub fn at(wall: SystemTime) -> Self {
        Self {
            wall_origin: wall,
            offset_nanos: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A clock at monotonic zero whose wall-clock time is the real one now.
    pub fn new() -> Self {
        Self::at(SystemTime::now())
    }

    /// Moves both times forward by `by`.
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.offset_nanos.fetch_add(nanos, Ordering::SeqCst);
    }

    fn offset(&self) -> Duration {
        Duration::from_nanos(self.offset_nanos.load(Ordering::SeqCst))
    }
}

impl Default for ManualKeyClock {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyClock for ManualKeyClock {
    fn now(&self) -> Duration {
        self.offset()
    }
    fn wall(&self) -> SystemTime {
        self.wall_origin + self.offset()
    }
}

impl<C: KeyClock + ?Sized> KeyClock for Arc<C> {
    fn now(&self) -> Duration {
        (**self).now()
    }
    fn wall(&self) -> SystemTime {
        (**self).wall()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manual_clock_moves_only_when_told_and_clones_share_it() {
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let clock = ManualKeyClock::at(wall);
        let other = clock.clone();
        assert_eq!(clock.now(), Duration::ZERO);
        std::thread::yield_now();
        assert_eq!(clock.now(), Duration::ZERO, "real time does not move it");
        other.advance(Duration::from_secs(90));
        assert_eq!(clock.now(), Duration::from_secs(90));
        assert_eq!(clock.wall(), wall + Duration::from_secs(90));
    }

    #[test]
    fn the_system_clock_is_monotonic_and_near_the_wall_clock() {
        let clock = SystemKeyClock::new();
        let a = clock.now();
        let b = clock.now();
        assert!(b >= a);
        let drift = clock
            .wall()
            .duration_since(SystemTime::now() - Duration::from_secs(5))
            .expect("within seconds of now");
        assert!(drift < Duration::from_secs(10), "{drift:?}");
    }
}
