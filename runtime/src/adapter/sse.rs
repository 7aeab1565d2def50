//! Streamed answers as server-sent events (feature `reqwest`), for the `openai_chat_completion`
//! and `anthropic_messages` kinds: [`open`] sends the request with `"stream": true` (and, for
//! OpenAI-compatible backends, `stream_options.include_usage`, so the last chunk carries the
//! token counts), and yields each event's JSON as a [`Chunk`]. A [`Tally`] adds up the text and
//! the usage (OpenAI's last chunk, Anthropic's `message_start` and `message_delta`); with
//! feature `tokio`, `collect` drains an executor stream and records the usage in its
//! telemetry. Events are parsed by the `eventsource-stream` crate.
//!
//! ```no_run
//! use llmcfg::adapter::sse;
//! use llmcfg::Executor;
//!
//! # async fn run(resolver: &llmcfg::Resolver<'_>) -> Result<(), Box<dyn std::error::Error>> {
//! let client = reqwest::Client::new();
//! let executor = Executor::new(resolver);
//! let body = serde_json::json!({"max_tokens": 256, "messages": [{"role": "user", "content": "Hi"}]});
//! // Retries and failover until the first event; then the stream is committed to its backend.
//! let stream = executor.stream("fast", |t| sse::open(&client, t, body.clone())).await?;
//! match sse::collect(stream).await {
//!     Ok(tally) => println!("{} ({:?} tokens out)", tally.text(), tally.usage.output),
//!     // Broke after output was delivered: says how many chunks; not retried.
//!     Err(broke) => eprintln!("{broke}"),
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_core::Stream;
use reqwest::Client;
use reqwest::header::{ACCEPT, HeaderValue};

use super::reqwest::{Error, authorized};
use super::stream::Totals;
use super::{AdapterError, Destination, with_model};
use crate::BackendKind;
use crate::call::{Classify, Failure, FailureClass, HttpError, Usage};

/// Sends a streaming request to the destination's route and returns its events once the
/// backend answered with a success status (a failure status is [`Error::Http`], retried and
/// failed over by the executor like any other). No `reqwest` timeout is set: it would bound
/// the whole stream; the executor bounds the opening by the attempt's `timeout` and the stream
/// by `first_chunk_timeout`, `idle_timeout` and the deadline.
pub async fn open(
    client: &Client,
    to: impl Destination,
    body: serde_json::Value,
) -> Result<Events, Error> {
    let openai = match to.kind() {
        BackendKind::OpenaiChatCompletion => true,
        BackendKind::AnthropicMessages => false,
        kind => {
            return Err(AdapterError::NoEventStream {
                backend: to.backend().to_string(),
                kind,
            }
            .into());
        }
    };
    let mut body = with_model(body, to.model_name())?;
    if let Some(object) = body.as_object_mut() {
        object.insert("stream".to_string(), true.into());
        if openai {
            let options = object
                .entry("stream_options")
                .or_insert_with(|| serde_json::json!({}));
            if let Some(options) = options.as_object_mut() {
                options.insert("include_usage".to_string(), true.into());
            }
        }
    }
    let route = to.route()?;
    let request = authorized(client.post(route.url(to.base_url())), &to)?
        .header(ACCEPT, HeaderValue::from_static("text/event-stream"))
        .json(&body);
    let response = request.send().await.map_err(HttpError::Request)?;
    let response = HttpError::check(response)?;
    Ok(Events {
        inner: Box::pin(response.bytes_stream().eventsource()),
        done: false,
    })
}

type Inner = Pin<Box<dyn Stream<Item = Result<Event, EventStreamError<reqwest::Error>>> + Send>>;

/// The JSON events of a streamed answer. Ends at OpenAI's `[DONE]`, after Anthropic's
/// `message_stop`, or when the connection closes; skips `ping` events.
pub struct Events {
    inner: Inner,
    done: bool,
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Stream for Events {
    type Item = Result<Chunk, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let event = match this.inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(error))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::Sse(SseError::from(error)))));
                }
                Poll::Ready(Some(Ok(event))) => event,
            };
            let data = event.data.trim();
            if data == "[DONE]" {
                this.done = true;
                return Poll::Ready(None);
            }
            if event.event == "ping" || data.is_empty() {
                continue;
            }
            let chunk = Chunk::parse(event.event, data);
            this.done = matches!(&chunk, Ok(c) if c.event == "message_stop") || chunk.is_err();
            return Poll::Ready(Some(chunk.map_err(Error::Sse)));
        }
    }
}

/// One event of a streamed answer: its name (`message_delta`; empty for OpenAI's unnamed
/// events) and its JSON data. Its [`Usage`] is what the event reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    event: String,
    data: serde_json::Value,
}

impl Chunk {
    fn parse(event: String, data: &str) -> Result<Self, SseError> {
        let data: serde_json::Value =
            serde_json::from_str(data).map_err(|source| SseError::Json {
                event: event.clone(),
                source,
            })?;
        if let Some(error) = data.get("error").filter(|e| e.is_object()) {
            let kind = error.get("type").and_then(serde_json::Value::as_str);
            return Err(SseError::Api {
                kind: kind.unwrap_or("error").to_string(),
            });
        }
        Ok(Chunk { event, data })
    }

    /// The event's name, empty when the server sent none.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The event's JSON data.
    pub fn data(&self) -> &serde_json::Value {
        &self.data
    }

    /// The text this event adds: OpenAI's `choices[0].delta.content`, Anthropic's
    /// `content_block_delta` `delta.text`.
    pub fn text(&self) -> Option<&str> {
        let openai = self.data.pointer("/choices/0/delta/content");
        let anthropic = match self.event.as_str() {
            "content_block_delta" => self.data.pointer("/delta/text"),
            _ => None,
        };
        openai.or(anthropic).and_then(serde_json::Value::as_str)
    }

    fn usage_field(&self, openai: &str, anthropic: &str) -> Option<u64> {
        let usage = self
            .data
            .get("usage")
            .or_else(|| self.data.pointer("/message/usage"))
            .filter(|u| u.is_object())?;
        usage
            .get(openai)
            .or_else(|| usage.get(anthropic))
            .and_then(serde_json::Value::as_u64)
    }
}

impl Usage for Chunk {
    fn input_tokens(&self) -> Option<u64> {
        self.usage_field("prompt_tokens", "input_tokens")
    }
    fn output_tokens(&self) -> Option<u64> {
        self.usage_field("completion_tokens", "output_tokens")
    }
    fn response_model(&self) -> Option<&str> {
        self.data
            .get("model")
            .or_else(|| self.data.pointer("/message/model"))
            .and_then(serde_json::Value::as_str)
    }
}

/// The text and usage of a stream so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    text: String,
    /// The token counts and chunks seen.
    pub usage: Totals,
}

impl Tally {
    /// Adds one chunk.
    pub fn add(&mut self, chunk: &Chunk) {
        self.usage.add(chunk);
        if let Some(text) = chunk.text() {
            self.text.push_str(text);
        }
    }

    /// The text streamed so far.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl Usage for Tally {
    fn input_tokens(&self) -> Option<u64> {
        self.usage.input_tokens()
    }
    fn output_tokens(&self) -> Option<u64> {
        self.usage.output_tokens()
    }
    fn response_model(&self) -> Option<&str> {
        self.usage.response_model()
    }
}

/// Drains a committed executor stream into a [`Tally`] and records its usage (tokens, the
/// answering model) on the call's and the attempt's spans, also when the stream breaks
/// ([`drain`](super::stream::drain) with the text added up).
#[cfg(feature = "tokio")]
pub async fn collect<'a, S, E>(
    stream: crate::call::CallStream<'a, S>,
) -> Result<Tally, crate::call::StreamError<'a, E>>
where
    S: Stream<Item = Result<Chunk, E>>,
{
    let mut text = String::new();
    let usage = super::stream::drain(stream, |chunk: &Chunk| {
        if let Some(t) = chunk.text() {
            text.push_str(t);
        }
    })
    .await?;
    Ok(Tally { text, usage })
}

/// Why a stream's events could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum SseError {
    /// The connection failed while streaming.
    Transport(reqwest::Error),
    /// The bytes are not UTF-8 server-sent events.
    Malformed,
    /// An event's data is not JSON.
    Json {
        /// The event's name.
        event: String,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The backend sent an error event (`overloaded_error`, `rate_limit_error`, …).
    Api {
        /// The error's `type`.
        kind: String,
    },
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SseError::Transport(_) => f.write_str("reading the event stream failed"),
            SseError::Malformed => f.write_str("the answer is not a server-sent event stream"),
            SseError::Json { event, .. } => write!(f, "event `{event}` does not hold JSON"),
            SseError::Api { kind } => write!(f, "the backend sent an error event: {kind}"),
        }
    }
}

impl std::error::Error for SseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SseError::Transport(e) => Some(e),
            SseError::Json { source, .. } => Some(source),
            SseError::Malformed | SseError::Api { .. } => None,
        }
    }
}

impl From<EventStreamError<reqwest::Error>> for SseError {
    fn from(error: EventStreamError<reqwest::Error>) -> Self {
        match error {
            EventStreamError::Transport(e) => SseError::Transport(e),
            EventStreamError::Utf8(_) | EventStreamError::Parser(_) => SseError::Malformed,
        }
    }
}

/// An error event before the first chunk is retried or failed over like the HTTP status it
/// stands for: Anthropic's `overloaded_error` is its 529, `rate_limit_error` its 429.
impl Classify for SseError {
    fn classify(&self) -> Failure {
        match self {
            SseError::Transport(e) => e.classify(),
            SseError::Api { kind } => Failure::new(match kind.as_str() {
                "overloaded_error" | "api_error" | "server_error" => FailureClass::ServerError,
                "rate_limit_error" | "rate_limit_exceeded" => FailureClass::RateLimited,
                _ => FailureClass::Other,
            }),
            SseError::Malformed | SseError::Json { .. } => Failure::new(FailureClass::Other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chunk(event: &str, data: serde_json::Value) -> Chunk {
        Chunk::parse(event.to_string(), &data.to_string()).expect("chunk")
    }

    #[test]
    fn a_tally_of_an_anthropic_stream() {
        let mut tally = Tally::default();
        let events = [
            chunk(
                "message_start",
                json!({"type": "message_start", "message": {"model": "claude-x", "usage": {"input_tokens": 25, "output_tokens": 1}}}),
            ),
            chunk(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}),
            ),
            chunk(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "lo"}}),
            ),
            chunk(
                "message_delta",
                json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 15}}),
            ),
        ];
        events.iter().for_each(|c| tally.add(c));
        assert_eq!(tally.text(), "Hello");
        assert_eq!(
            (
                tally.usage.input,
                tally.usage.output,
                tally.response_model()
            ),
            (Some(25), Some(15), Some("claude-x"))
        );
    }

    #[test]
    fn a_tally_of_an_openai_stream() {
        let mut tally = Tally::default();
        tally.add(&chunk(
            "",
            json!({"model": "gpt-x", "choices": [{"delta": {"content": "Hi"}}]}),
        ));
        tally.add(&chunk(
            "",
            json!({"model": "gpt-x", "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}}),
        ));
        assert_eq!(
            (tally.text(), tally.usage.input, tally.usage.output),
            ("Hi", Some(9), Some(2))
        );
    }

    #[test]
    fn error_events_classify_like_their_status() {
        let overloaded = json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}});
        let err = Chunk::parse("error".into(), &overloaded.to_string()).expect_err("error event");
        assert_eq!(err.classify().class, FailureClass::ServerError);
        assert_eq!(
            err.to_string(),
            "the backend sent an error event: overloaded_error"
        );
        let limited = json!({"error": {"type": "rate_limit_error"}});
        let err = Chunk::parse(String::new(), &limited.to_string()).expect_err("error event");
        assert_eq!(err.classify().class, FailureClass::RateLimited);
        let bad = Chunk::parse("x".into(), "{not json").expect_err("not json");
        assert_eq!(bad.classify().class, FailureClass::Other);
    }
}
