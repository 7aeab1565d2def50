//! What a call leaves behind: one [`Attempt`] per try or skip, the value on success
//! ([`Called`]) and, on failure, a [`CallError`] listing every attempt with its reason.
//! None of them holds a key.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::time::Duration;

use super::classify::FailureClass;
use crate::ResolveError;

/// How an attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The backend answered (for a stream: its first chunk arrived).
    Success,
    /// The attempt failed.
    Failed(FailureClass),
    /// The backend was skipped: its breaker is open for `remaining` more.
    CoolingDown {
        /// Until the breaker half-opens.
        remaining: Duration,
    },
    /// The backend was skipped: its cooldown has passed and another call's probe is out.
    Probing,
    /// The backend was skipped: every key of its credential's key pool rests after a rate
    /// limit or an authentication failure, the soonest for `remaining` more.
    KeysResting {
        /// Until the first key may serve again.
        remaining: Duration,
    },
}

impl Outcome {
    /// The `error.type` word of a failure; `None` for a success or a skip.
    pub fn error_type(&self) -> Option<&'static str> {
        match self {
            Outcome::Failed(class) => Some(class.as_str()),
            _ => None,
        }
    }
}

/// One try (or skip) of one backend.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// 1-based, across the whole call; skips are numbered too.
    pub number: u32,
    /// The alias this attempt served (a fallback's, after a fallback).
    pub alias: Option<Cow<'a, str>>,
    /// The requested alias this attempt is a fallback for.
    pub fallback_from: Option<Cow<'a, str>>,
    /// The backend's name (the provider's for a built-in endpoint).
    pub backend: Cow<'a, str>,
    /// Whether the backend is a provider's built-in endpoint.
    pub builtin: bool,
    /// The model name sent.
    pub model: Cow<'a, str>,
    /// How it ended.
    pub outcome: Outcome,
    /// The HTTP status, when the failure had one.
    pub status: Option<u16>,
    /// From the start of the attempt to its end, by the executor's clock.
    pub latency: Duration,
    /// The wait before this attempt (backoff or `Retry-After`).
    pub waited: Duration,
    /// The `Retry-After` the backend answered this attempt with.
    pub retry_after: Option<Duration>,
    /// For a credential with a key pool: the variable whose key the attempt used (a name,
    /// never the key).
    pub key_var: Option<Cow<'a, str>>,
}

impl Attempt<'_> {
    /// The same attempt owning its names, so that it outlives the configuration (a
    /// [`CallError`] holds its attempts this way).
    pub fn into_owned(self) -> Attempt<'static> {
        Attempt {
            alias: self.alias.map(|a| Cow::Owned(a.into_owned())),
            fallback_from: self.fallback_from.map(|a| Cow::Owned(a.into_owned())),
            backend: Cow::Owned(self.backend.into_owned()),
            model: Cow::Owned(self.model.into_owned()),
            key_var: self.key_var.map(|v| Cow::Owned(v.into_owned())),
            ..self
        }
    }
}

impl fmt::Display for Attempt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} ", self.number)?;
        if self.builtin {
            f.write_str("built-in ")?;
        }
        write!(f, "{} ({})", self.backend, self.model)?;
        if let Some(var) = &self.key_var {
            write!(f, " key {var}")?;
        }
        f.write_str(": ")?;
        match self.outcome {
            Outcome::Success => f.write_str("ok")?,
            Outcome::Failed(class) => write!(f, "{class}")?,
            Outcome::CoolingDown { remaining } => {
                return write!(f, "skipped, cooling down for {}", ms(remaining));
            }
            Outcome::Probing => return f.write_str("skipped, another call is probing it"),
            Outcome::KeysResting { remaining } => {
                return write!(f, "skipped, every pool key rests for {}", ms(remaining));
            }
        }
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        write!(f, " after {}", ms(self.latency))?;
        if let Some(wait) = self.retry_after {
            write!(f, ", Retry-After {}", ms(wait))?;
        }
        Ok(())
    }
}

fn ms(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// A successful call: the attempt's value and every attempt made.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Called<'a, T> {
    /// What the successful attempt returned.
    pub value: T,
    /// Every attempt, the successful one last.
    pub attempts: Vec<Attempt<'a>>,
}

impl<'a, T> Called<'a, T> {
    /// The successful attempt.
    pub fn succeeded(&self) -> Option<&Attempt<'a>> {
        self.attempts.last()
    }
    /// The backend that answered.
    pub fn backend(&self) -> Option<&str> {
        self.succeeded().map(|a| &*a.backend)
    }
    /// The value.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// Why a call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallErrorKind {
    /// A backend answered that the request is wrong; no other was tried.
    BadRequest,
    /// Every backend of the alias and of its fallbacks was tried and failed.
    Exhausted,
    /// The deadline came before any attempt succeeded.
    Deadline,
    /// Every backend left was cooling down (or being probed by another call); none was tried.
    CoolingDown,
    /// Neither the request nor any fallback resolved to a usable backend.
    Unresolved,
}

/// A failed call: why, every attempt with its reason, the last attempt's error and the
/// resolution errors of the request or its fallbacks.
///
/// It owns everything it reports (no borrow of the configuration), so `?` can carry it
/// into a `Box<dyn Error>` or an `anyhow::Error`.
pub struct CallError<E> {
    pub(crate) kind: CallErrorKind,
    pub(crate) model: Option<String>,
    pub(crate) deadline: Duration,
    pub(crate) attempts: Vec<Attempt<'static>>,
    pub(crate) last: Option<E>,
    pub(crate) unresolved: Vec<(String, ResolveError)>,
}

impl<E> CallError<E> {
    /// Why the call failed.
    pub fn kind(&self) -> CallErrorKind {
        self.kind
    }
    /// Every attempt and skip, in order.
    pub fn attempts(&self) -> &[Attempt<'static>] {
        &self.attempts
    }
    /// The error of the last attempt that returned one (a timeout the executor enforced
    /// returns none).
    pub fn last_error(&self) -> Option<&E> {
        self.last.as_ref()
    }
    /// Takes the last attempt's error out.
    pub fn into_last_error(self) -> Option<E> {
        self.last
    }
    /// The requests (the alias or a fallback) that did not resolve, with why.
    pub fn unresolved(&self) -> &[(String, ResolveError)] {
        &self.unresolved
    }
}

impl<E> fmt::Debug for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallError")
            .field("kind", &self.kind)
            .field("model", &self.model)
            .field("attempts", &self.attempts)
            .field("unresolved", &self.unresolved)
            .finish_non_exhaustive()
    }
}

impl<E> fmt::Display for CallError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let model = self.model.as_deref().unwrap_or("the default model");
        let tried = self
            .attempts
            .iter()
            .filter(|a| matches!(a.outcome, Outcome::Success | Outcome::Failed(_)))
            .count();
        match self.kind {
            CallErrorKind::BadRequest => write!(f, "call to `{model}` rejected as a bad request")?,
            CallErrorKind::Exhausted => write!(
                f,
                "call to `{model}` failed on every backend ({tried} attempts)"
            )?,
            CallErrorKind::Deadline => write!(
                f,
                "call to `{model}` reached its deadline of {} after {tried} attempts",
                ms(self.deadline)
            )?,
            CallErrorKind::CoolingDown => write!(
                f,
                "call to `{model}` found every remaining backend cooling down after \
                 consecutive failures; none was tried (they are tried again once their \
                 cooldown ends)"
            )?,
            CallErrorKind::Unresolved => write!(f, "call to `{model}` resolved to no backend")?,
        }
        for attempt in &self.attempts {
            write!(f, "\n  {attempt}")?;
        }
        for (request, error) in &self.unresolved {
            write!(f, "\n  `{request}` did not resolve: {error}")?;
        }
        Ok(())
    }
}

impl<E: Error + 'static> Error for CallError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.last.as_ref().map(|e| e as &(dyn Error + 'static))
    }
}
