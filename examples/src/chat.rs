//! An OpenAI-compatible chat-completions request built from a resolved alias, and a minimal
//! HTTP/1.1 client for plain-HTTP local endpoints (real applications use reqwest or ureq).

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use llmcfg::{ApiKey, Resolved};

/// A chat-completions request, ready to send. `Debug` never shows the bearer token.
pub struct ChatRequest {
    url: String,
    model: String,
    body: String,
    key: Option<ApiKey>,
}

impl fmt::Debug for ChatRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatRequest")
            .field("url", &self.url)
            .field("model", &self.model)
            .field(
                "authorization",
                &self.key.as_ref().map(|_| "Bearer [REDACTED]"),
            )
            .finish()
    }
}

/// Why a request could not be sent or answered.
#[derive(Debug)]
pub enum ChatError {
    /// The URL is not a plain `http://host:port/path` this client speaks.
    UnsupportedUrl(String),
    /// The connection failed.
    Io(std::io::Error),
    /// The server answered with a non-2xx status.
    Status(u16, String),
    /// The answer was not a chat completion.
    BadResponse(String),
}

impl fmt::Display for ChatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChatError::UnsupportedUrl(url) => write!(
                f,
                "{url}: this example's client speaks plain HTTP to local servers only; use an HTTPS client such as reqwest for real providers"
            ),
            ChatError::Io(e) => write!(f, "request failed: {e}"),
            ChatError::Status(code, body) => write!(f, "server answered {code}: {body}"),
            ChatError::BadResponse(why) => write!(f, "unexpected response: {why}"),
        }
    }
}

impl std::error::Error for ChatError {}

impl From<std::io::Error> for ChatError {
    fn from(e: std::io::Error) -> Self {
        ChatError::Io(e)
    }
}

impl ChatRequest {
    /// A request asking the resolved model to answer `prompt`, sent to the resolved endpoint.
    pub fn new(resolved: &Resolved<'_>, prompt: &str) -> Self {
        let body = serde_json::json!({
            "model": resolved.model_name(),
            "messages": [{ "role": "user", "content": prompt }],
        });
        ChatRequest {
            url: format!(
                "{}/chat/completions",
                resolved.base_url().trim_end_matches('/')
            ),
            model: resolved.model_name().to_string(),
            body: body.to_string(),
            key: resolved.api_key().cloned(),
        }
    }

    /// Sends the request to `base_url` instead of the resolved endpoint (a local proxy, a mock).
    #[must_use]
    pub fn with_base_url(mut self, base_url: &str) -> Self {
        self.url = format!("{}/chat/completions", base_url.trim_end_matches('/'));
        self
    }

    /// The URL the request goes to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The model named in the body.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The JSON body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Whether an `Authorization: Bearer …` header will be sent.
    pub fn has_bearer_token(&self) -> bool {
        self.key.is_some()
    }

    /// Sends the request and returns the assistant's reply.
    pub fn send(&self) -> Result<String, ChatError> {
        let rest = self
            .url
            .strip_prefix("http://")
            .ok_or_else(|| ChatError::UnsupportedUrl(self.url.clone()))?;
        let (authority, path) = rest
            .split_once('/')
            .map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
        let mut stream = TcpStream::connect(authority)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.body.len()
        );
        if let Some(key) = &self.key {
            head.push_str("Authorization: Bearer ");
            head.push_str(key.expose_secret());
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(self.body.as_bytes())?;
        drop(head);

        let mut reader = BufReader::new(stream);
        let mut status_line = String::new();
        reader.read_line(&mut status_line)?;
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ChatError::BadResponse(format!("status line {status_line:?}")))?;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
        }
        let mut body = String::new();
        reader.read_to_string(&mut body)?;
        if !(200..300).contains(&status) {
            return Err(ChatError::Status(status, body));
        }
        let json: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| ChatError::BadResponse(e.to_string()))?;
        json["choices"][0]["message"]["content"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ChatError::BadResponse("no choices[0].message.content".to_string()))
    }
}
