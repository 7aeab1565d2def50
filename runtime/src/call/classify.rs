//! How a failed attempt is classified ([`Classify`]), what each class makes the executor do,
//! and the classification of HTTP statuses, `Retry-After` headers and I/O errors.

use std::fmt;
use std::time::{Duration, SystemTime};

/// Why an attempt failed, as far as the executor's decisions go.
///
/// | class | retried on the same backend | then |
/// |---|---|---|
/// | `RateLimited`, `ServerError`, `Timeout`, `Connect` | when in `retry_on`, up to `max_retries`, with backoff or `Retry-After`; never for a refused connection ([`Failure::fail_over`]) | fail over |
/// | `Auth` | no | fail over |
/// | `Other` | no | fail over |
/// | `BadRequest` | no | the call fails at once |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureClass {
    /// Rate limited (HTTP 429).
    RateLimited,
    /// The server failed (HTTP 5xx, 529).
    ServerError,
    /// The attempt ran out of time (HTTP 408, a client timeout, the executor's timeout).
    Timeout,
    /// No connection could be made.
    Connect,
    /// The key was refused (HTTP 401, 403).
    Auth,
    /// The request itself is wrong (HTTP 400, 413, 422): no backend would take it.
    BadRequest,
    /// Anything else (HTTP 404, an unreadable body, an application error).
    Other,
}

impl FailureClass {
    /// The class's word: the `error.type` of telemetry and the words of `retry_on`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FailureClass::RateLimited => "rate_limit",
            FailureClass::ServerError => "server_error",
            FailureClass::Timeout => "timeout",
            FailureClass::Connect => "connect",
            FailureClass::Auth => "auth",
            FailureClass::BadRequest => "bad_request",
            FailureClass::Other => "other",
        }
    }

    /// Whether a failure of this class counts towards the backend's `allowed_fails`: a bad
    /// request or an application error says nothing about the backend's health.
    pub const fn counts_against_backend(self) -> bool {
        !matches!(self, FailureClass::BadRequest | FailureClass::Other)
    }

    /// The class of an HTTP status; `None` for 1xx–3xx.
    pub const fn of_status(status: u16) -> Option<Self> {
        Some(match status {
            0..=399 => return None,
            429 => FailureClass::RateLimited,
            408 => FailureClass::Timeout,
            401 | 403 => FailureClass::Auth,
            400 | 413 | 422 => FailureClass::BadRequest,
            500..=599 => FailureClass::ServerError,
            _ => FailureClass::Other,
        })
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureClass::RateLimited => "rate limited",
            FailureClass::ServerError => "server error",
            FailureClass::Timeout => "timed out",
            FailureClass::Connect => "connection failed",
            FailureClass::Auth => "key refused",
            FailureClass::BadRequest => "bad request",
            FailureClass::Other => "failed",
        })
    }
}

/// A classified failure: the class, the wait the backend asked for, and the HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure {
    /// What kind of failure.
    pub class: FailureClass,
    /// The backend's `Retry-After`, already turned into a wait.
    pub retry_after: Option<Duration>,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// Skip the retries on this backend and fail over at once, whatever the class: set for a
    /// refused connection (nothing listens there, so waiting will not help).
    pub fail_over: bool,
}

impl Failure {
    /// A failure of `class` with no `Retry-After` and no status.
    pub const fn new(class: FailureClass) -> Self {
        Self {
            class,
            retry_after: None,
            status: None,
            fail_over: false,
        }
    }

    /// A refused connection: class `Connect`, failing over without retrying.
    pub const fn refused() -> Self {
        let mut f = Self::new(FailureClass::Connect);
        f.fail_over = true;
        f
    }

    /// The failure an HTTP status means (`Other` for a status that is no failure), with the
    /// value of its `Retry-After` header, if any, read against the current wall clock.
    pub fn from_status(status: u16, retry_after: Option<&str>) -> Self {
        Self {
            class: FailureClass::of_status(status).unwrap_or(FailureClass::Other),
            retry_after: retry_after.and_then(|v| parse_retry_after(v, SystemTime::now())),
            status: Some(status),
            fail_over: false,
        }
    }

    /// Sets the wait the backend asked for.
    pub const fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }
}

/// Classifies the error of one attempt. Implemented for [`Failure`], [`HttpStatus`],
/// [`std::io::Error`] and, with feature `reqwest`, for `reqwest::Error` and
/// [`HttpError`](super::HttpError); implement it for your own error types.
pub trait Classify {
    /// The failure this error stands for.
    fn classify(&self) -> Failure;
}

impl Classify for Failure {
    fn classify(&self) -> Failure {
        *self
    }
}

impl<T: Classify + ?Sized> Classify for &T {
    fn classify(&self) -> Failure {
        (**self).classify()
    }
}

impl<T: Classify + ?Sized> Classify for Box<T> {
    fn classify(&self) -> Failure {
        (**self).classify()
    }
}

impl Classify for std::io::Error {
    fn classify(&self) -> Failure {
        use std::io::ErrorKind as K;
        if self.kind() == K::ConnectionRefused {
            return Failure::refused();
        }
        Failure::new(match self.kind() {
            K::TimedOut | K::WouldBlock => FailureClass::Timeout,
            K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::AddrNotAvailable
            | K::BrokenPipe => FailureClass::Connect,
            K::PermissionDenied => FailureClass::Auth,
            K::InvalidInput => FailureClass::BadRequest,
            _ => FailureClass::Other,
        })
    }
}

/// A non-success HTTP response: its status and `Retry-After`. The error an attempt returns
/// when the backend answered with a failure status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpStatus {
    /// The status code.
    pub status: u16,
    /// The `Retry-After` header as a wait.
    pub retry_after: Option<Duration>,
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl fmt::Display for HttpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)
    }
}

impl std::error::Error for HttpStatus {}

impl HttpStatus {
    /// A status with its `Retry-After` header value, if any (seconds or an HTTP date).
    pub fn new(status: u16, retry_after: Option<&str>) -> Self {
        Self {
            status,
            retry_after: retry_after.and_then(|v| parse_retry_after(v, SystemTime::now())),
        }
    }
}

impl Classify for HttpStatus {
    fn classify(&self) -> Failure {
        Failure {
            class: FailureClass::of_status(self.status).unwrap_or(FailureClass::Other),
            retry_after: self.retry_after,
            status: Some(self.status),
            fail_over: false,
        }
    }
}

/// Reads a `Retry-After` value: delay seconds (`"2"`) or an HTTP date, which is turned into
/// the wait from `now` (zero when it has passed). `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // A number too long for u64 is still a (very long) wait, not garbage.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_classes() {
        use FailureClass as C;
        let cases = [
            (200, None),
            (302, None),
            (429, Some(C::RateLimited)),
            (500, Some(C::ServerError)),
            (503, Some(C::ServerError)),
            (529, Some(C::ServerError)),
            (408, Some(C::Timeout)),
            (401, Some(C::Auth)),
            (403, Some(C::Auth)),
            (400, Some(C::BadRequest)),
            (422, Some(C::BadRequest)),
            (404, Some(C::Other)),
        ];
        for (status, class) in cases {
            assert_eq!(FailureClass::of_status(status), class, "{status}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after(" 2 ", now), Some(Duration::from_secs(2)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("", now), None);
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn http_status_and_io_errors_classify() {
        let f = HttpStatus::new(429, Some("3")).classify();
        assert_eq!(f.class, FailureClass::RateLimited);
        assert_eq!(f.retry_after, Some(Duration::from_secs(3)));
        assert_eq!(f.status, Some(429));
        assert_eq!(HttpStatus::new(503, None).to_string(), "HTTP 503");
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(refused.classify().class, FailureClass::Connect);
        assert!(!FailureClass::BadRequest.counts_against_backend());
        assert!(FailureClass::Auth.counts_against_backend());
        assert_eq!(FailureClass::RateLimited.as_str(), "rate_limit");
    }
}
