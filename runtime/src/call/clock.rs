//! The executor's clock: what "now" is for deadlines, cooldowns and latencies, and how it
//! waits for a backoff or a `Retry-After`.
//!
//! Timeouts of a running attempt (`timeout`, `first_chunk_timeout`, `idle_timeout`) are real
//! timers of the async runtime, not the clock: they bound real I/O. The clock covers the
//! waits between attempts, so a test can make a 2 s `Retry-After` pass in no real time while
//! the requests still go over real sockets.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[cfg(feature = "tokio")]
use std::{future::Future, pin::Pin};

/// A future returned by [`Clock::sleep`].
#[cfg(feature = "tokio")]
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A monotonic clock that can wait.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The time since the clock's origin.
    fn now(&self) -> Duration;
    /// Blocks the thread for `wait` (the blocking executor).
    fn sleep_blocking(&self, wait: Duration);
    /// Waits for `wait` (the async executor).
    #[cfg(feature = "tokio")]
    fn sleep(&self, wait: Duration) -> Sleep;
}

/// The real clock: [`Instant`], `std::thread::sleep` and tokio's timers.
#[derive(Clone, Copy, Debug)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock whose origin is now.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
    fn sleep_blocking(&self, wait: Duration) {
        std::thread::sleep(wait);
    }
    #[cfg(feature = "tokio")]
    fn sleep(&self, wait: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock for tests: real monotonic time plus an offset that grows by every
/// [`ManualClock::advance`] and by every sleep, which returns at once. Clones share the
/// offset.
///
/// Every sleep of every call moves the shared time forward by its length; with concurrent
/// calls that sleep, time runs faster than any single call waited.
#[derive(Clone, Debug)]
pub struct ManualClock {
    origin: Instant,
    offset_nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at zero.
    pub fn new() -> Self {
        Self {
            origin: Instant::now(),
            offset_nanos: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.offset_nanos.fetch_add(nanos, Ordering::SeqCst);
    }

    /// The time added by sleeps and advances so far (the clock's time less real time).
    pub fn skipped(&self) -> Duration {
        Duration::from_nanos(self.offset_nanos.load(Ordering::SeqCst))
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.origin.elapsed() + self.skipped()
    }
    fn sleep_blocking(&self, wait: Duration) {
        self.advance(wait);
    }
    #[cfg(feature = "tokio")]
    fn sleep(&self, wait: Duration) -> Sleep {
        self.advance(wait);
        // Yield once so that a loop of zero-length sleeps cannot starve the runtime.
        Box::pin(YieldOnce(false))
    }
}

/// Pending once (waking itself), then ready.
#[cfg(feature = "tokio")]
struct YieldOnce(bool);

#[cfg(feature = "tokio")]
impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_skips_sleeps() {
        let clock = ManualClock::new();
        let before = clock.now();
        clock.sleep_blocking(Duration::from_secs(30));
        clock.clone().advance(Duration::from_secs(1));
        assert!(clock.now() - before >= Duration::from_secs(31));
        assert_eq!(clock.skipped(), Duration::from_secs(31));
        let real = SystemClock::new();
        let t = real.now();
        real.sleep_blocking(Duration::from_millis(1));
        assert!(real.now() > t);
    }
}
