//! Classification of `reqwest`'s errors and responses (feature `reqwest`).

use std::fmt;

use super::classify::{Classify, Failure, FailureClass, HttpStatus};

impl Classify for reqwest::Error {
    fn classify(&self) -> Failure {
        if let Some(status) = self.status() {
            return Failure::from_status(status.as_u16(), None);
        }
        if self.is_connect() && refused(self) {
            return Failure::refused();
        }
        Failure::new(if self.is_timeout() {
            FailureClass::Timeout
        } else if self.is_connect() {
            FailureClass::Connect
        } else if self.is_builder() {
            FailureClass::BadRequest
        } else {
            FailureClass::Other
        })
    }
}

/// Whether an I/O error in the chain is a refused connection.
fn refused(error: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        source = e.source();
    }
    false
}

/// The error of an attempt made with `reqwest`: the request failed, or the backend answered
/// with a failure status.
#[derive(Debug)]
#[non_exhaustive]
pub enum HttpError {
    /// A failure status, with its `Retry-After`.
    Status(HttpStatus),
    /// The request could not be sent or its response read.
    Request(reqwest::Error),
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12). Both variants
// are transparent: the inner error's message and source.
impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Status(e) => fmt::Display::fmt(e, f),
            HttpError::Request(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HttpError::Status(e) => std::error::Error::source(e),
            HttpError::Request(e) => std::error::Error::source(e),
        }
    }
}

impl From<HttpStatus> for HttpError {
    fn from(status: HttpStatus) -> Self {
        HttpError::Status(status)
    }
}

impl From<reqwest::Error> for HttpError {
    fn from(error: reqwest::Error) -> Self {
        HttpError::Request(error)
    }
}

impl HttpError {
    /// Passes a success response through; turns a 4xx or 5xx into [`HttpError::Status`],
    /// reading its `Retry-After` header.
    pub fn check(response: reqwest::Response) -> Result<reqwest::Response, Self> {
        match status_of(&response) {
            Some(status) => Err(Self::Status(status)),
            None => Ok(response),
        }
    }
}

/// The failure status of a response, with its `Retry-After`; `None` for 1xx–3xx.
pub fn status_of(response: &reqwest::Response) -> Option<HttpStatus> {
    let status = response.status().as_u16();
    FailureClass::of_status(status)?;
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok());
    Some(HttpStatus::new(status, retry_after))
}

impl Classify for HttpError {
    fn classify(&self) -> Failure {
        match self {
            HttpError::Status(status) => status.classify(),
            HttpError::Request(error) => error.classify(),
        }
    }
}
