//! Ready `reqwest` requests for a [`Destination`] (feature `reqwest`): the backend kind's path
//! for the op, its auth headers, the attempt's timeout, and the body's `model`.
//!
//! ```no_run
//! use llmcfg::adapter::reqwest::{Error, send_json};
//! use llmcfg::{Executor, Op, Request};
//!
//! # async fn run(resolver: &llmcfg::Resolver<'_>) -> Result<(), Box<dyn std::error::Error>> {
//! let client = reqwest::Client::new();
//! let executor = Executor::new(resolver);
//! let body = serde_json::json!({
//!     "max_tokens": 256,
//!     "messages": [{"role": "user", "content": "Say hello."}],
//! });
//! // Each attempt goes to its backend's path with its auth; `model` is set to the model name.
//! let called = executor
//!     .call(Request::from("fast").op(Op::ChatCompletions), |target| {
//!         send_json(&client, target, body.clone())
//!     })
//!     .await?;
//! println!("{} answered after {} attempts", called.backend().unwrap_or("?"), called.attempts.len());
//! println!("{}", called.value["choices"][0]["message"]["content"]);
//! # Ok(())
//! # }
//! ```

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Client, RequestBuilder};

use super::{ANTHROPIC_VERSION, AdapterError, Destination, with_model};
use crate::call::{AuthScheme, Classify, Failure, FailureClass, HttpError, HttpStatus};

/// A `POST` to the destination's route for its op (default `chat_completions`), with the
/// backend kind's auth headers and, for an executor attempt, its timeout. Add the body: JSON
/// with `model` set through [`with_model`] ([`post_json`] does both), or for
/// `speech_to_text` a multipart form with a `model` field of [`Destination::model_name`].
///
/// The connect timeout is the client's: build it with
/// `reqwest::Client::builder().connect_timeout(…)` (an attempt's
/// [`Target::connect_timeout`](crate::call::Target::connect_timeout)).
pub fn request(
    client: &Client,
    to: &(impl Destination + ?Sized),
) -> Result<RequestBuilder, AdapterError> {
    let route = to.route()?;
    let mut request = authorized(client.post(route.url(to.base_url())), to)?;
    if let Some(timeout) = to.timeout() {
        request = request.timeout(timeout);
    }
    Ok(request)
}

/// [`request`] with a JSON body whose `model` is set to the destination's model name.
pub fn post_json(
    client: &Client,
    to: &(impl Destination + ?Sized),
    body: serde_json::Value,
) -> Result<RequestBuilder, AdapterError> {
    let body = with_model(body, to.model_name())?;
    Ok(request(client, to)?.json(&body))
}

/// One whole attempt (taking the destination by value, so the executor's closure can hand
/// it its target): [`post_json`], send, turn a 4xx/5xx into [`Error::Http`] (with its
/// `Retry-After`), and read the JSON answer. The answer's [`Usage`](crate::call::Usage) reads
/// the token counts of the OpenAI, Anthropic and Ollama body shapes.
pub async fn send_json(
    client: &Client,
    to: impl Destination,
    body: serde_json::Value,
) -> Result<serde_json::Value, Error> {
    let response = post_json(client, &to, body)?
        .send()
        .await
        .map_err(HttpError::Request)?;
    let response = HttpError::check(response)?;
    let bytes = response.bytes().await.map_err(HttpError::Request)?;
    serde_json::from_slice(&bytes).map_err(Error::Json)
}

/// Adds the backend's static headers, then the auth headers: the raw key in its
/// `auth_header`, else its kind's scheme. A key is marked sensitive, so `reqwest` never shows
/// it in `Debug`.
pub(crate) fn authorized(
    mut request: RequestBuilder,
    to: &(impl Destination + ?Sized),
) -> Result<RequestBuilder, AdapterError> {
    for (name, value) in to.headers() {
        // Checked by the config's rules (`invalid-header`); a config built in code may hold
        // anything, so a header that is none is refused here rather than sent half.
        let header = HeaderValue::from_str(value).map_err(|_| AdapterError::BadHeader {
            backend: to.backend().to_string(),
            header: name.to_string(),
        })?;
        request = request.header(&**name, header);
    }
    let scheme = AuthScheme::of(to.kind());
    // A kind that sends no key (Ollama) sends one when the backend names its header: a proxy
    // in front of it may want one.
    let sends = scheme != AuthScheme::None || to.auth_header().is_some();
    let Some(key) = to.api_key().filter(|_| sends) else {
        return Ok(request);
    };
    let not_a_header = || AdapterError::KeyNotAHeader {
        backend: to.backend().to_string(),
    };
    if let Some(name) = to.auth_header() {
        let mut value = HeaderValue::from_str(key.expose_secret()).map_err(|_| not_a_header())?;
        value.set_sensitive(true);
        return Ok(request.header(name, value));
    }
    Ok(match scheme {
        AuthScheme::XApiKey => {
            let mut value =
                HeaderValue::from_str(key.expose_secret()).map_err(|_| not_a_header())?;
            value.set_sensitive(true);
            request
                .header("x-api-key", value)
                .header("anthropic-version", ANTHROPIC_VERSION)
        }
        _ => {
            // The formatted header is wiped when dropped; the header value keeps its own copy.
            let bearer = zeroize::Zeroizing::new(format!("Bearer {}", key.expose_secret()));
            let mut value = HeaderValue::from_str(&bearer).map_err(|_| not_a_header())?;
            value.set_sensitive(true);
            request.header(AUTHORIZATION, value)
        }
    })
}

/// The error of an attempt made through this module.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built for the destination.
    Adapter(AdapterError),
    /// The request failed, or the backend answered with a failure status.
    Http(HttpError),
    /// The answer was not JSON.
    Json(serde_json::Error),
    /// A server-sent event could not be read, or was not JSON.
    Sse(super::sse::SseError),
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12). `Adapter` and
// `Http` are transparent: the inner error's message and source.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Adapter(e) => fmt::Display::fmt(e, f),
            Error::Http(e) => fmt::Display::fmt(e, f),
            Error::Json(_) => f.write_str("the backend's answer is not JSON"),
            Error::Sse(_) => f.write_str("the backend's event stream broke"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Adapter(e) => std::error::Error::source(e),
            Error::Http(e) => std::error::Error::source(e),
            Error::Json(e) => Some(e),
            Error::Sse(e) => Some(e),
        }
    }
}

impl From<AdapterError> for Error {
    fn from(error: AdapterError) -> Self {
        Error::Adapter(error)
    }
}

impl From<HttpError> for Error {
    fn from(error: HttpError) -> Self {
        Error::Http(error)
    }
}

impl From<HttpStatus> for Error {
    fn from(status: HttpStatus) -> Self {
        Error::Http(HttpError::Status(status))
    }
}

impl Error {
    /// The failure status the backend answered with, if that is what this is.
    pub fn status(&self) -> Option<HttpStatus> {
        match self {
            Error::Http(HttpError::Status(status)) => Some(*status),
            _ => None,
        }
    }
}

impl Classify for Error {
    fn classify(&self) -> Failure {
        match self {
            Error::Adapter(e) => e.classify(),
            Error::Http(e) => e.classify(),
            Error::Json(_) => Failure::new(FailureClass::Other),
            Error::Sse(e) => e.classify(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiKey, BackendKind};

    struct To(BackendKind, ApiKey);

    impl Destination for To {
        fn backend(&self) -> &str {
            "b"
        }
        fn kind(&self) -> BackendKind {
            self.0
        }
        fn base_url(&self) -> &str {
            "http://127.0.0.1:9/v1"
        }
        fn api_key(&self) -> Option<&ApiKey> {
            Some(&self.1)
        }
        fn model_name(&self) -> &str {
            "m"
        }
    }

    #[test]
    fn a_key_that_is_no_header_value_is_refused_without_showing_it() {
        let client = Client::new();
        for kind in [
            BackendKind::OpenaiChatCompletion,
            BackendKind::AnthropicMessages,
        ] {
            let to = To(kind, ApiKey::from("sk-line\nbreak".to_string()));
            let err = request(&client, &to).expect_err("a newline");
            assert!(matches!(err, AdapterError::KeyNotAHeader { .. }));
            assert_eq!(err.classify().class, FailureClass::Auth);
            assert!(!format!("{err}{err:?}").contains("sk-line"), "{err}");
        }
        let ollama = To(BackendKind::OllamaChat, ApiKey::from("sk-x\n".to_string()));
        let built = request(&client, &ollama).expect("no key is sent to Ollama");
        let built = built.build().expect("request");
        assert!(built.headers().is_empty());
    }
}
