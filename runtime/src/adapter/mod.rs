//! The resolved target in the clients Rust applications already use: where each backend kind
//! takes each op ([`route`]), the body's `model` ([`with_model`]), and per client:
//!
//! - `reqwest` (feature `reqwest`): a ready `reqwest::RequestBuilder` with the
//!   backend kind's path and auth, a one-call JSON attempt, and server-sent-event streams;
//! - `openai` (feature `async-openai`): an `async_openai::config::OpenAIConfig` from a target;
//! - `genai` (feature `genai`): a `genai::Client` that resolves aliases through
//!   llmcfg, and a `genai::ServiceTarget` from a target.
//!
//! With feature `tokio`, `stream::drain` reads any client's stream through the executor and
//! records its final usage.
//!
//! Each works on a [`Destination`]: an executor attempt's [`Target`] (the usual case: retries
//! and failover come from the [`Executor`](crate::Executor)) or a single [`Resolved`].
//!
//! # Base URLs
//!
//! A backend's `base_url` is the URL its API paths hang under, as in the built-in providers:
//! `https://api.openai.com/v1`, `https://api.anthropic.com/v1` (so Anthropic's Messages API is
//! `{base_url}/messages`) and `http://127.0.0.1:11434` for Ollama (`{base_url}/api/chat`).
//!
//! | kind | op | path | auth |
//! |---|---|---|---|
//! | `openai_chat_completion` | `chat_completions` | `/chat/completions` | `Authorization: Bearer KEY` |
//! | | `embeddings` | `/embeddings` | |
//! | | `image_generation` | `/images/generations` | |
//! | | `speech_to_text` | `/audio/transcriptions` (multipart) | |
//! | | `text_to_speech` | `/audio/speech` | |
//! | `anthropic_messages` | `chat_completions` | `/messages` | `x-api-key: KEY`, `anthropic-version: 2023-06-01` |
//! | `ollama_chat` | `chat_completions` | `/api/chat` | none |
//! | | `embeddings` | `/api/embed` | |
//!
//! `openai_realtime_ws` speaks a websocket and `stub` nothing: they have no HTTP route.
//!
//! With any other HTTP client, the route and the body (feature `json`) are all it takes:
//!
//! ```
//! use llmcfg::adapter::{route, with_model};
//! use llmcfg::{BackendKind, Op};
//!
//! let messages = route(BackendKind::AnthropicMessages, Op::ChatCompletions).expect("a route");
//! assert_eq!(messages.url("https://api.anthropic.com/v1"), "https://api.anthropic.com/v1/messages");
//! // `model` is the model name (`Resolved::model_name`), never `provider/model`.
//! let body = with_model(serde_json::json!({"max_tokens": 64, "messages": []}), "claude-sonnet-4");
//! assert_eq!(body.expect("an object")["model"], "claude-sonnet-4");
//! ```

#[cfg(feature = "genai")]
pub mod genai;
#[cfg(feature = "async-openai")]
pub mod openai;
#[cfg(feature = "reqwest")]
pub mod reqwest;
#[cfg(feature = "reqwest")]
pub mod sse;
#[cfg(any(feature = "reqwest", feature = "tokio"))]
pub mod stream;

use std::borrow::Cow;
use std::time::Duration;

use crate::call::{Classify, Failure, FailureClass, Target};
use crate::{ApiKey, BackendKind, Op, Resolved};

/// The version header Anthropic's Messages API requires (its current, documented value).
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// How an op's request body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// A JSON object.
    Json,
    /// `multipart/form-data` (OpenAI's transcriptions: the audio file and a `model` field).
    Multipart,
}

/// Where a backend kind takes an op: a `POST` to `{base_url}{path}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The path after the base URL, starting with `/`.
    pub path: &'static str,
    /// How the body is sent.
    pub body: BodyKind,
}

impl Route {
    /// `{base_url}{path}`, whether or not the base URL ends with `/`.
    pub fn url(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.path)
    }
}

/// The route of `op` on a backend of `kind`; `None` when the kind has no HTTP route for it.
pub const fn route(kind: BackendKind, op: Op) -> Option<Route> {
    use BackendKind as K;
    let (path, body) = match (kind, op) {
        (K::OpenaiChatCompletion, Op::ChatCompletions) => ("/chat/completions", BodyKind::Json),
        (K::OpenaiChatCompletion, Op::Embeddings) => ("/embeddings", BodyKind::Json),
        (K::OpenaiChatCompletion, Op::ImageGeneration) => ("/images/generations", BodyKind::Json),
        (K::OpenaiChatCompletion, Op::SpeechToText) => {
            ("/audio/transcriptions", BodyKind::Multipart)
        }
        (K::OpenaiChatCompletion, Op::TextToSpeech) => ("/audio/speech", BodyKind::Json),
        (K::AnthropicMessages, Op::ChatCompletions) => ("/messages", BodyKind::Json),
        (K::OllamaChat, Op::ChatCompletions) => ("/api/chat", BodyKind::Json),
        (K::OllamaChat, Op::Embeddings) => ("/api/embed", BodyKind::Json),
        _ => return None,
    };
    Some(Route { path, body })
}

/// Why a request could not be built for a destination.
#[derive(Debug)]
#[non_exhaustive]
pub enum AdapterError {
    /// The backend's kind has no HTTP route for the op.
    NoRoute {
        /// The backend.
        backend: String,
        /// Its kind.
        kind: BackendKind,
        /// The op asked for.
        op: Op,
    },
    /// The backend's kind does not stream server-sent events (Ollama streams NDJSON).
    NoEventStream {
        /// The backend.
        backend: String,
        /// Its kind.
        kind: BackendKind,
    },
    /// A static header of the backend is not a valid HTTP header (a config built in code; the
    /// file's are checked by `invalid-header`).
    BadHeader {
        /// The backend.
        backend: String,
        /// The header's name.
        header: String,
    },
    /// The client cannot send the backend's `auth_header` or `headers`.
    HeadersUnsupported {
        /// The backend.
        backend: String,
        /// The client (`genai`).
        client: &'static str,
    },
    /// The client speaks another protocol than the backend's kind.
    WrongKind {
        /// The backend.
        backend: String,
        /// Its kind.
        kind: BackendKind,
        /// The client (`async-openai`).
        client: &'static str,
        /// The kinds it speaks.
        speaks: &'static str,
    },
    /// The request body is not a JSON object, so it has no `model` field to set.
    BodyNotObject {
        /// What it was (`an array`, `a string`, …).
        found: &'static str,
    },
    /// The key cannot go in an HTTP header (a control character, say). The key is not shown.
    KeyNotAHeader {
        /// The backend.
        backend: String,
    },
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl std::fmt::Display for AdapterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdapterError::NoRoute { backend, kind, op } => write!(
                f,
                "backend `{backend}` ({kind}) has no HTTP route for op `{op}`; list the op only on \
                 backends whose kind serves it (see `llmcfg::adapter`), or request another op"
            ),
            AdapterError::NoEventStream { backend, kind } => write!(
                f,
                "backend `{backend}` ({kind}) does not stream server-sent events; call it without \
                 streaming, or stream from an `openai_chat_completion` or `anthropic_messages` backend"
            ),
            AdapterError::BadHeader { backend, header } => write!(
                f,
                "backend `{backend}`'s header `{header}` is not a valid HTTP header; fix it in `headers`"
            ),
            AdapterError::HeadersUnsupported { backend, client } => write!(
                f,
                "backend `{backend}` sets `auth_header` or `headers`, which the {client} adapter cannot send; call it through the reqwest or async-openai adapter"
            ),
            AdapterError::WrongKind {
                backend,
                kind,
                client,
                speaks,
            } => write!(
                f,
                "backend `{backend}` is `{kind}`, which {client} does not speak; request an op or alias \
                 served by a backend of kind {speaks}"
            ),
            AdapterError::BodyNotObject { found } => write!(
                f,
                "the request body must be a JSON object (`{{\"messages\": …}}`), not {found}"
            ),
            AdapterError::KeyNotAHeader { backend } => write!(
                f,
                "the key of backend `{backend}` cannot be sent in an HTTP header (it holds a character \
                 headers forbid, such as a newline); store the key without it"
            ),
        }
    }
}

impl std::error::Error for AdapterError {}

/// A destination the request cannot be built for says nothing about the backend's health: the
/// executor fails over (`KeyNotAHeader` counts as a refused key).
impl Classify for AdapterError {
    fn classify(&self) -> Failure {
        Failure::new(match self {
            AdapterError::KeyNotAHeader { .. } => FailureClass::Auth,
            AdapterError::BodyNotObject { .. } => FailureClass::BadRequest,
            _ => FailureClass::Other,
        })
    }
}

/// Sets the `model` field of a JSON request body to `model_name` (the model part, never
/// `provider/model`), replacing whatever was there. Feature `json` (on with each client's
/// feature).
#[cfg(feature = "json")]
pub fn with_model(
    mut body: serde_json::Value,
    model_name: &str,
) -> Result<serde_json::Value, AdapterError> {
    match body.as_object_mut() {
        Some(object) => {
            object.insert("model".to_string(), model_name.into());
            Ok(body)
        }
        None => Err(AdapterError::BodyNotObject {
            found: json_kind(&body),
        }),
    }
}

#[cfg(feature = "json")]
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// What a request is built from: an executor attempt's [`Target`] or a [`Resolved`] model.
pub trait Destination {
    /// The backend's name (or the built-in provider's).
    fn backend(&self) -> &str;
    /// The backend's protocol.
    fn kind(&self) -> BackendKind;
    /// The base URL.
    fn base_url(&self) -> &str;
    /// The key; `None` for a no-auth backend.
    fn api_key(&self) -> Option<&ApiKey>;
    /// The model name for the body (`gpt-5-nano`).
    fn model_name(&self) -> &str;
    /// The op asked for; requests default to `chat_completions` without one.
    fn op(&self) -> Option<Op> {
        None
    }
    /// The time the whole request may take, if bounded.
    fn timeout(&self) -> Option<Duration> {
        None
    }
    /// The backend's `auth_header`: the header the raw key goes in instead of the kind's.
    fn auth_header(&self) -> Option<&str> {
        None
    }
    /// The backend's static headers (name, value).
    fn headers(&self) -> &[(Cow<'static, str>, Cow<'static, str>)] {
        &[]
    }
    /// The route of this destination's op (default `chat_completions`).
    fn route(&self) -> Result<Route, AdapterError> {
        let op = self.op().unwrap_or(Op::ChatCompletions);
        route(self.kind(), op).ok_or_else(|| AdapterError::NoRoute {
            backend: self.backend().to_string(),
            kind: self.kind(),
            op,
        })
    }
}

impl Destination for Target<'_> {
    fn backend(&self) -> &str {
        Target::backend(self)
    }
    fn kind(&self) -> BackendKind {
        Target::kind(self)
    }
    fn base_url(&self) -> &str {
        Target::base_url(self)
    }
    fn api_key(&self) -> Option<&ApiKey> {
        Target::api_key(self)
    }
    fn model_name(&self) -> &str {
        Target::model_name(self)
    }
    fn op(&self) -> Option<Op> {
        Target::op(self)
    }
    fn timeout(&self) -> Option<Duration> {
        Some(Target::timeout(self))
    }
    fn auth_header(&self) -> Option<&str> {
        Target::auth_header(self)
    }
    fn headers(&self) -> &[(Cow<'static, str>, Cow<'static, str>)] {
        Target::headers(self)
    }
}

impl Destination for Resolved<'_> {
    fn backend(&self) -> &str {
        self.endpoint().name()
    }
    fn kind(&self) -> BackendKind {
        self.endpoint().kind()
    }
    fn base_url(&self) -> &str {
        Resolved::base_url(self)
    }
    fn api_key(&self) -> Option<&ApiKey> {
        Resolved::api_key(self)
    }
    fn model_name(&self) -> &str {
        Resolved::model_name(self)
    }
    fn auth_header(&self) -> Option<&str> {
        self.endpoint().auth_header()
    }
    fn headers(&self) -> &[(Cow<'static, str>, Cow<'static, str>)] {
        self.endpoint().headers()
    }
}

impl<D: Destination + ?Sized> Destination for &D {
    fn backend(&self) -> &str {
        (**self).backend()
    }
    fn kind(&self) -> BackendKind {
        (**self).kind()
    }
    fn base_url(&self) -> &str {
        (**self).base_url()
    }
    fn api_key(&self) -> Option<&ApiKey> {
        (**self).api_key()
    }
    fn model_name(&self) -> &str {
        (**self).model_name()
    }
    fn op(&self) -> Option<Op> {
        (**self).op()
    }
    fn timeout(&self) -> Option<Duration> {
        (**self).timeout()
    }
    fn auth_header(&self) -> Option<&str> {
        (**self).auth_header()
    }
    fn headers(&self) -> &[(Cow<'static, str>, Cow<'static, str>)] {
        (**self).headers()
    }
}

/// A destination with its op set: `for_op(&resolved, Op::Embeddings)`.
#[derive(Clone, Copy, Debug)]
pub struct ForOp<'d, D: ?Sized> {
    to: &'d D,
    op: Op,
}

/// `to` with its op replaced by `op`.
pub fn for_op<D: Destination + ?Sized>(to: &D, op: Op) -> ForOp<'_, D> {
    ForOp { to, op }
}

impl<D: Destination + ?Sized> Destination for ForOp<'_, D> {
    fn backend(&self) -> &str {
        self.to.backend()
    }
    fn kind(&self) -> BackendKind {
        self.to.kind()
    }
    fn base_url(&self) -> &str {
        self.to.base_url()
    }
    fn api_key(&self) -> Option<&ApiKey> {
        self.to.api_key()
    }
    fn model_name(&self) -> &str {
        self.to.model_name()
    }
    fn op(&self) -> Option<Op> {
        Some(self.op)
    }
    fn timeout(&self) -> Option<Duration> {
        self.to.timeout()
    }
    fn auth_header(&self) -> Option<&str> {
        self.to.auth_header()
    }
    fn headers(&self) -> &[(Cow<'static, str>, Cow<'static, str>)] {
        self.to.headers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_by_kind_and_op() {
        let path = |k, op| route(k, op).map(|r| r.path);
        use BackendKind as K;
        assert_eq!(
            path(K::OpenaiChatCompletion, Op::ChatCompletions),
            Some("/chat/completions")
        );
        assert_eq!(
            path(K::OpenaiChatCompletion, Op::Embeddings),
            Some("/embeddings")
        );
        assert_eq!(
            path(K::OpenaiChatCompletion, Op::ImageGeneration),
            Some("/images/generations")
        );
        assert_eq!(
            route(K::OpenaiChatCompletion, Op::SpeechToText),
            Some(Route {
                path: "/audio/transcriptions",
                body: BodyKind::Multipart
            })
        );
        assert_eq!(
            path(K::OpenaiChatCompletion, Op::TextToSpeech),
            Some("/audio/speech")
        );
        assert_eq!(path(K::OpenaiChatCompletion, Op::RealtimeVoice), None);
        assert_eq!(
            path(K::AnthropicMessages, Op::ChatCompletions),
            Some("/messages")
        );
        assert_eq!(path(K::AnthropicMessages, Op::Embeddings), None);
        assert_eq!(path(K::OllamaChat, Op::ChatCompletions), Some("/api/chat"));
        assert_eq!(path(K::OllamaChat, Op::Embeddings), Some("/api/embed"));
        assert_eq!(path(K::OpenaiRealtimeWs, Op::RealtimeVoice), None);
        assert_eq!(path(K::Stub, Op::ChatCompletions), None);
        let r = route(K::AnthropicMessages, Op::ChatCompletions).expect("route");
        assert_eq!(
            r.url("https://api.anthropic.com/v1/"),
            "https://api.anthropic.com/v1/messages"
        );
    }

    #[cfg(feature = "json")]
    #[test]
    fn the_model_field_is_set_or_replaced() {
        use serde_json::json;
        let body = with_model(json!({"model": "openai/x", "messages": []}), "x").expect("object");
        assert_eq!(body, json!({"model": "x", "messages": []}));
        let err = with_model(json!([1]), "x").expect_err("array");
        assert_eq!(
            err.to_string(),
            "the request body must be a JSON object (`{\"messages\": …}`), not an array"
        );
        assert_eq!(err.classify().class, FailureClass::BadRequest);
    }
}
