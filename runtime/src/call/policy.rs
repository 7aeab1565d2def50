//! The call policy: timeouts, retries, backoff and the breaker's thresholds, as built-in
//! defaults and as layers of overrides merged alias > backend > `[llm.calls]` > defaults.

use std::fmt;
use std::ops::BitOr;
use std::time::Duration;

use llmcfg_core::vocab::RetryClass;

use super::classify::FailureClass;

/// The failure classes retried on the same backend: a small set of
/// [`FailureClass::RateLimited`], [`FailureClass::ServerError`], [`FailureClass::Timeout`] and
/// [`FailureClass::Connect`]. Auth, bad-request and other failures are never retried.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryOn(u8);

impl RetryOn {
    /// Retry nothing.
    pub const NONE: Self = Self(0);
    /// `rate_limit`: HTTP 429.
    pub const RATE_LIMIT: Self = Self(1);
    /// `server_error`: HTTP 5xx.
    pub const SERVER_ERROR: Self = Self(1 << 1);
    /// `timeout`: the attempt ran out of time.
    pub const TIMEOUT: Self = Self(1 << 2);
    /// `connect`: the connection could not be made.
    pub const CONNECT: Self = Self(1 << 3);
    /// Every retryable class (the default).
    pub const ALL: Self = Self(0b1111);

    /// The set holding `class` alone.
    pub const fn of(class: RetryClass) -> Self {
        match class {
            RetryClass::RateLimit => Self::RATE_LIMIT,
            RetryClass::ServerError => Self::SERVER_ERROR,
            RetryClass::Timeout => Self::TIMEOUT,
            RetryClass::Connect => Self::CONNECT,
        }
    }

    /// The class's word as written in `retry_on = [...]`, for the four retryable classes.
    pub fn from_word(word: &str) -> Option<Self> {
        RetryClass::from_word(word).map(Self::of)
    }

    /// Every accepted word.
    pub fn words() -> impl Iterator<Item = &'static str> {
        RetryClass::words()
    }

    /// Both sets.
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether failures of `class` are retried; always `false` for the classes that never are.
    pub const fn retries(self, class: FailureClass) -> bool {
        let bit = match class {
            FailureClass::RateLimited => Self::RATE_LIMIT,
            FailureClass::ServerError => Self::SERVER_ERROR,
            FailureClass::Timeout => Self::TIMEOUT,
            FailureClass::Connect => Self::CONNECT,
            FailureClass::Auth | FailureClass::BadRequest | FailureClass::Other => Self::NONE,
        };
        self.0 & bit.0 != 0
    }
}

impl BitOr for RetryOn {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        self.union(rhs)
    }
}

impl fmt::Debug for RetryOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(
                RetryClass::ALL
                    .iter()
                    .filter(|c| self.0 & Self::of(**c).0 != 0)
                    .map(|c| c.as_str()),
            )
            .finish()
    }
}

/// Exponential backoff with full jitter: before retry `n` (0-based) the executor waits a
/// uniformly random time in `0..=min(max, initial × 2ⁿ)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The ceiling of the first wait.
    pub initial: Duration,
    /// The largest ceiling.
    pub max: Duration,
}

impl Backoff {
    /// The ceiling of the wait before retry `retry` (0-based).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.initial
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max)
    }
}

/// The effective settings of one attempt (and, for `deadline`, of the whole call).
///
/// Built-in defaults ([`CallPolicy::DEFAULT`]): `timeout` 30 s, `connect_timeout` 5 s,
/// `deadline` 90 s, `first_chunk_timeout` 10 s, `idle_timeout` 30 s, `max_retries` 2,
/// `retry_on` every retryable class, `backoff` 250 ms to 10 s, `allowed_fails` 3, `cooldown` 30 s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallPolicy {
    /// One attempt, from connect to last byte (for a stream: until the stream is opened).
    pub timeout: Duration,
    /// Handed to the attempt for its client's connect timeout.
    pub connect_timeout: Duration,
    /// The whole call: retries, failover and fallbacks together. No attempt starts after it.
    pub deadline: Duration,
    /// Streaming: the wait for the first chunk; failover happens only before it.
    pub first_chunk_timeout: Duration,
    /// Streaming: the longest gap between two chunks.
    pub idle_timeout: Duration,
    /// Retries per backend, on the classes of `retry_on` only.
    pub max_retries: u32,
    /// The classes retried on the same backend.
    pub retry_on: RetryOn,
    /// The wait between retries when the backend gives no `Retry-After`.
    pub backoff: Backoff,
    /// Consecutive failures before a backend cools down; `0` turns the breaker off.
    pub allowed_fails: u32,
    /// How long a backend is skipped once it has failed `allowed_fails` times in a row.
    pub cooldown: Duration,
}

impl CallPolicy {
    /// The built-in defaults.
    pub const DEFAULT: Self = Self {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(90),
        first_chunk_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(30),
        max_retries: 2,
        retry_on: RetryOn::ALL,
        backoff: Backoff {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(10),
        },
        allowed_fails: 3,
        cooldown: Duration::from_secs(30),
    };

    /// Merges the layers: each setting comes from the alias if it sets it, else the backend,
    /// else `[llm.calls]`, else [`CallPolicy::DEFAULT`].
    pub fn layered(
        alias: Option<&CallOverrides>,
        backend: Option<&CallOverrides>,
        calls: Option<&CallOverrides>,
    ) -> Self {
        Self::from_layers(&[alias, backend, calls])
    }

    /// The settings of `layers`, highest first: each field is the first layer's that sets
    /// it, else the built-in default.
    pub fn from_layers(layers: &[Option<&CallOverrides>]) -> Self {
        macro_rules! pick {
            ($field:ident, $default:expr) => {
                layers
                    .iter()
                    .flatten()
                    .find_map(|o| o.$field)
                    .unwrap_or($default)
            };
        }
        let d = Self::DEFAULT;
        Self {
            timeout: pick!(timeout, d.timeout),
            connect_timeout: pick!(connect_timeout, d.connect_timeout),
            deadline: pick!(deadline, d.deadline),
            first_chunk_timeout: pick!(first_chunk_timeout, d.first_chunk_timeout),
            idle_timeout: pick!(idle_timeout, d.idle_timeout),
            max_retries: pick!(max_retries, d.max_retries),
            retry_on: pick!(retry_on, d.retry_on),
            backoff: Backoff {
                initial: pick!(backoff_initial, d.backoff.initial),
                max: pick!(backoff_max, d.backoff.max),
            },
            allowed_fails: pick!(allowed_fails, d.allowed_fails),
            cooldown: pick!(cooldown, d.cooldown),
        }
    }
}

impl CallPolicy {
    /// The policy as a layer that sets every setting: what `cargo llmcfg resolve` shows as the
    /// built-in defaults.
    pub const fn as_overrides(&self) -> CallOverrides {
        CallOverrides {
            timeout: Some(self.timeout),
            connect_timeout: Some(self.connect_timeout),
            deadline: Some(self.deadline),
            first_chunk_timeout: Some(self.first_chunk_timeout),
            idle_timeout: Some(self.idle_timeout),
            max_retries: Some(self.max_retries),
            retry_on: Some(self.retry_on),
            backoff_initial: Some(self.backoff.initial),
            backoff_max: Some(self.backoff.max),
            allowed_fails: Some(self.allowed_fails),
            cooldown: Some(self.cooldown),
        }
    }
}

impl Default for CallPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The type of a call setting of each kind in one layer.
macro_rules! override_ty {
    (duration) => { Option<Duration> };
    (count) => { Option<u32> };
    (classes) => { Option<RetryOn> };
}

macro_rules! call_overrides {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// One layer of settings (`[llm.calls]`, a backend's or an alias's): each `None` falls
        /// through to the layer below. See [`CallPolicy::layered`]. Its fields are the settings
        /// the file declares (`llmcfg_core::settings`), one per key.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct CallOverrides {
            $(#[doc = concat!("`", llmcfg_core::call_setting_path!($field $(($table . $key))?), "`: ", $doc)]
            pub $field: override_ty!($kind),)*
        }

        impl CallOverrides {
            /// A layer that sets nothing.
            pub const NONE: Self = Self { $($field: None,)* };
        }
    };
}
llmcfg_core::call_settings!(call_overrides);

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn alias_over_backend_over_calls_over_defaults() {
        let calls = CallOverrides {
            timeout: Some(S(10)),
            max_retries: Some(5),
            cooldown: Some(S(7)),
            ..CallOverrides::NONE
        };
        let backend = CallOverrides {
            timeout: Some(S(20)),
            max_retries: Some(1),
            ..CallOverrides::NONE
        };
        let alias = CallOverrides {
            timeout: Some(S(120)),
            ..CallOverrides::NONE
        };
        let p = CallPolicy::layered(Some(&alias), Some(&backend), Some(&calls));
        assert_eq!(p.timeout, S(120));
        assert_eq!(p.max_retries, 1);
        assert_eq!(p.cooldown, S(7));
        assert_eq!(p.deadline, CallPolicy::DEFAULT.deadline);
        assert_eq!(CallPolicy::layered(None, None, None), CallPolicy::default());
    }

    macro_rules! declared {
        (duration, $default:expr) => {
            humantime::parse_duration($default).expect("a declared duration")
        };
        (count, $default:expr) => {
            $default
        };
        (classes, $default:expr) => {
            $default.iter().fold(RetryOn::NONE, |set, word| {
                set.union(RetryOn::from_word(word).expect("a declared class"))
            })
        };
    }

    macro_rules! declared_defaults {
        ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
            /// `CallPolicy::DEFAULT` is written by hand; the defaults the JSON Schema and the
            /// docs show are the declaration's. They must agree.
            #[test]
            fn built_in_defaults_are_the_declared_ones() {
                let built_in = CallPolicy::DEFAULT.as_overrides();
                $(assert_eq!(built_in.$field, Some(declared!($kind, $default)), stringify!($field));)*
            }
        };
    }
    llmcfg_core::call_settings!(declared_defaults);

    #[test]
    fn backoff_doubles_up_to_max() {
        let b = Backoff {
            initial: Duration::from_millis(250),
            max: S(1),
        };
        assert_eq!(b.ceiling(0), Duration::from_millis(250));
        assert_eq!(b.ceiling(1), Duration::from_millis(500));
        assert_eq!(b.ceiling(2), S(1));
        assert_eq!(b.ceiling(40), S(1));
    }

    #[test]
    fn retry_on_words_and_classes() {
        let set = RetryOn::from_word("rate_limit").expect("word") | RetryOn::CONNECT;
        assert!(set.retries(FailureClass::RateLimited));
        assert!(set.retries(FailureClass::Connect));
        assert!(!set.retries(FailureClass::ServerError));
        assert!(!RetryOn::ALL.retries(FailureClass::Auth));
        assert!(!RetryOn::ALL.retries(FailureClass::BadRequest));
        assert_eq!(RetryOn::from_word("sometimes"), None);
        assert_eq!(format!("{set:?}"), r#"{"rate_limit", "connect"}"#);
        assert_eq!(RetryOn::words().count(), 4);
    }
}
