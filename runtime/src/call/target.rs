//! What one attempt is handed: the model name to send, where to send it, the key, the auth
//! scheme of the backend's kind, this attempt's timeouts and its number.

use std::fmt;
use std::time::Duration;

use crate::{ApiKey, BackendKind, Endpoint, Op};

/// How a backend kind expects the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// `Authorization: Bearer KEY` (OpenAI-compatible APIs).
    Bearer,
    /// `x-api-key: KEY` plus `anthropic-version` (Anthropic's Messages API).
    XApiKey,
    /// No key is sent (Ollama, the stub).
    None,
    /// The raw key in the header the backend's `auth_header` names
    /// ([`Target::auth_header`]).
    Header,
}

impl AuthScheme {
    /// The scheme of a backend kind.
    pub const fn of(kind: BackendKind) -> Self {
        match kind {
            BackendKind::OpenaiChatCompletion | BackendKind::OpenaiRealtimeWs => Self::Bearer,
            BackendKind::AnthropicMessages => Self::XApiKey,
            BackendKind::OllamaChat | BackendKind::Stub => Self::None,
        }
    }
}

/// One attempt against one backend. `Debug` shows the key as `[REDACTED]`.
#[derive(Clone)]
pub struct Target<'a> {
    pub(crate) endpoint: Endpoint<'a>,
    pub(crate) alias: Option<&'a str>,
    pub(crate) model: &'a str,
    pub(crate) model_name: &'a str,
    pub(crate) op: Option<Op>,
    pub(crate) key: Option<ApiKey>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt: u32,
}

impl<'a> Target<'a> {
    /// The model name to put in the request body (`gpt-5-nano`, never `openai/gpt-5-nano`).
    pub fn model_name(&self) -> &'a str {
        self.model_name
    }
    /// The full `provider/model`.
    pub fn model(&self) -> &'a str {
        self.model
    }
    /// The base URL to send the request to.
    pub fn base_url(&self) -> &'a str {
        self.endpoint.base_url()
    }
    /// The key; `None` for a no-auth backend.
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.key.as_ref()
    }
    /// How the backend expects the key: its `auth_header`, else its kind's scheme.
    pub fn auth(&self) -> AuthScheme {
        match self.endpoint.auth_header() {
            Some(_) => AuthScheme::Header,
            None => AuthScheme::of(self.endpoint.kind()),
        }
    }
    /// The header the raw key goes in, when the backend sets `auth_header`.
    pub fn auth_header(&self) -> Option<&'a str> {
        self.endpoint.auth_header()
    }
    /// The backend's static headers (name, value), to send on every request.
    pub fn headers(
        &self,
    ) -> &'a [(
        std::borrow::Cow<'static, str>,
        std::borrow::Cow<'static, str>,
    )] {
        self.endpoint.headers()
    }
    /// The backend's protocol.
    pub fn kind(&self) -> BackendKind {
        self.endpoint.kind()
    }
    /// The backend (or built-in endpoint).
    pub fn endpoint(&self) -> Endpoint<'a> {
        self.endpoint
    }
    /// The backend's name.
    pub fn backend(&self) -> &'a str {
        self.endpoint.name()
    }
    /// The alias this attempt serves, if the model came from one.
    pub fn alias(&self) -> Option<&'a str> {
        self.alias
    }
    /// The op of the request, if it named one.
    pub fn op(&self) -> Option<Op> {
        self.op
    }
    /// The time this attempt may take, already cut to what is left of the deadline. The async
    /// executor enforces it; give it to your client too (the blocking executor relies on it).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
    /// The connect timeout for your client.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
    /// 1-based number of this attempt within the call.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
}

impl fmt::Debug for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("backend", &self.endpoint.name())
            .field("base_url", &self.endpoint.base_url())
            .field("model_name", &self.model_name)
            .field("alias", &self.alias)
            .field("key", &self.key)
            .field("timeout", &self.timeout)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// The host and port of a base URL (`server.address`, `server.port`), the port defaulting
/// by scheme. Userinfo (`user:pass@`) is dropped, so a key in a URL never reaches telemetry.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) fn server_of(base_url: &str) -> (&str, Option<u16>) {
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("", base_url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let default_port = match scheme {
        "https" | "wss" => Some(443),
        "http" | "ws" => Some(80),
        _ => None,
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((host, tail)) => (host, tail.strip_prefix(':')),
            None => (v6, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok(),
        None => default_port,
    };
    (host, port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_address_and_port() {
        assert_eq!(
            server_of("http://127.0.0.1:8080/v1"),
            ("127.0.0.1", Some(8080))
        );
        assert_eq!(
            server_of("https://api.openai.com/v1"),
            ("api.openai.com", Some(443))
        );
        assert_eq!(server_of("http://[::1]:11434"), ("::1", Some(11434)));
        assert_eq!(
            server_of("https://user:sk-secret@proxy.example/v1"),
            ("proxy.example", Some(443))
        );
        assert_eq!(server_of("stub://x"), ("x", None));
    }

    #[test]
    fn auth_by_kind() {
        assert_eq!(
            AuthScheme::of(BackendKind::OpenaiChatCompletion),
            AuthScheme::Bearer
        );
        assert_eq!(
            AuthScheme::of(BackendKind::AnthropicMessages),
            AuthScheme::XApiKey
        );
        assert_eq!(AuthScheme::of(BackendKind::OllamaChat), AuthScheme::None);
    }
}
