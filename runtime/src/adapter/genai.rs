//! genai (feature `genai`): a [`genai::Client`] whose model names are llmcfg aliases (or
//! `provider/model`), a [`ServiceTarget`] from an executor attempt, [`Classify`] for
//! [`genai::Error`] and [`Usage`] for its chat and embedding responses.
//!
//! Two ways to use it:
//!
//! - [`client`]: `client.exec_chat("fast", …)` resolves `fast` through llmcfg: its model mapper
//!   picks genai's adapter for the backend's kind, its service-target resolver sets the
//!   endpoint, the key and the model name, all from one resolution (so they always belong to
//!   the same backend). One call, one backend: no retries or failover.
//! - [`service_target`] inside [`Executor::call`](crate::Executor::call), with a plain
//!   `genai::Client::new()`: each attempt goes to its target, with llmcfg's retries and
//!   failover. (Not with [`client`]'s: its resolver would take the target's model name for an
//!   alias.) Streams: `exec_chat_stream` with `ChatOptions::with_capture_usage(true)`, its
//!   response through [`events`] in [`Executor::stream`](crate::Executor::stream), drained with
//!   `llmcfg::adapter::stream::drain` (which records the `End` event's usage).
//!
//! [`client`] sets no auth resolver on purpose: the key comes with the endpoint from the
//! service-target resolver's one resolution. A separate auth resolution could pick another
//! backend under `weighted_random`, and would read a `command` or `file` key twice. genai's
//! resolvers must be `'static`: give [`client`] a resolver that lives as long as the program
//! (a `static`, or `Box::leak` at start-up).
//!
//! ```no_run
//! use genai::chat::{ChatMessage, ChatRequest};
//! use llmcfg::adapter::genai::{client, service_target};
//!
//! # async fn run(resolver: &'static llmcfg::Resolver<'static>) -> Result<(), Box<dyn std::error::Error>> {
//! let chat = ChatRequest::new(vec![ChatMessage::user("Say hello.")]);
//! // One call: the alias names the backend, the model and the key.
//! let answer = client(resolver).build()?.exec_chat("fast", chat.clone(), None).await?;
//! println!("{:?}", answer.first_text());
//!
//! // Through the executor: retries and failover across the alias's backends.
//! let plain = genai::Client::new()?;
//! let executor = llmcfg::Executor::new(resolver);
//! let called = executor
//!     .call("fast", |t| {
//!         let (plain, chat) = (plain.clone(), chat.clone());
//!         async move {
//!             let target = service_target(&t)?;
//!             Ok::<_, llmcfg::adapter::genai::Error>(plain.exec_chat(target, chat, None).await?)
//!         }
//!     })
//!     .await?;
//! println!("{:?} from {:?}", called.value.first_text(), called.backend());
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use genai::adapter::AdapterKind;
use genai::chat::{ChatResponse, ChatStream, ChatStreamEvent, ChatStreamResponse};
use genai::embed::EmbedResponse;
use genai::resolver::{AuthData, Endpoint, ModelMapper, ServiceTargetResolver};
use genai::{ClientBuilder, ModelIden, ServiceTarget};
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::{AdapterError, Destination};
use crate::call::{Classify, Failure, FailureClass, HttpStatus, Usage};
use crate::{BackendKind, Resolver};

/// genai's adapter for a backend kind.
fn adapter_kind(to: &(impl Destination + ?Sized)) -> Result<AdapterKind, AdapterError> {
    match to.kind() {
        BackendKind::OpenaiChatCompletion => Ok(AdapterKind::OpenAI),
        BackendKind::AnthropicMessages => Ok(AdapterKind::Anthropic),
        BackendKind::OllamaChat => Ok(AdapterKind::Ollama),
        kind => Err(AdapterError::WrongKind {
            backend: to.backend().to_string(),
            kind,
            client: "genai",
            speaks: "`openai_chat_completion`, `anthropic_messages` or `ollama_chat`",
        }),
    }
}

/// Where genai sends a call for the destination: its base URL (genai appends its paths to a
/// `/`-terminated one), its key and its model name under the adapter of its kind.
///
/// genai sends the key in its adapter's own header and has no per-target headers, so a backend
/// that sets `auth_header` or `headers` is refused ([`AdapterError::HeadersUnsupported`])
/// rather than called without them.
pub fn service_target(to: &(impl Destination + ?Sized)) -> Result<ServiceTarget, AdapterError> {
    let kind = adapter_kind(to)?;
    if to.auth_header().is_some() || !to.headers().is_empty() {
        return Err(AdapterError::HeadersUnsupported {
            backend: to.backend().to_string(),
            client: "genai",
        });
    }
    let base_url = format!("{}/", to.base_url().trim_end_matches('/'));
    let auth = match to.api_key() {
        Some(key) => AuthData::from_single(key.expose_secret()),
        None => AuthData::None,
    };
    Ok(ServiceTarget {
        endpoint: Endpoint::from_owned(base_url),
        auth,
        model: ModelIden::new(kind, to.model_name()),
    })
}

/// The resolution error as genai's resolver error. genai takes a message; llmcfg's never holds
/// a key.
fn resolver_error(error: impl std::fmt::Display) -> genai::resolver::Error {
    genai::resolver::Error::Custom(error.to_string())
}

/// A genai client builder whose model names are resolved by `resolver`: an alias (`fast`) or
/// a `provider/model`, as [`Resolver::resolve`] takes them. Add your own options (a shared
/// `reqwest::Client`, chat options), then `build()`.
pub fn client(resolver: &'static Resolver<'static>) -> ClientBuilder {
    let mapper = move |iden: ModelIden| -> genai::resolver::Result<ModelIden> {
        let resolved = resolver
            .resolve(iden.model_name.as_str())
            .map_err(resolver_error)?;
        let kind = adapter_kind(&resolved).map_err(resolver_error)?;
        // The requested name is kept: the service-target resolver resolves it again and
        // takes its endpoint, key and model name from that one resolution.
        Ok(ModelIden::new(kind, iden.model_name))
    };
    let targets = move |target: ServiceTarget| -> genai::resolver::Result<ServiceTarget> {
        let resolved = resolver
            .resolve(target.model.model_name.as_str())
            .map_err(resolver_error)?;
        service_target(&resolved).map_err(resolver_error)
    };
    genai::Client::builder()
        .with_model_mapper(ModelMapper::from_mapper_fn(mapper))
        .with_service_target_resolver(ServiceTargetResolver::from_resolver_fn(targets))
}

fn retry_after(headers: Option<&HeaderMap>) -> Option<&str> {
    headers?.get(RETRY_AFTER)?.to_str().ok()
}

/// A genai chat stream whose errors are this module's [`Error`], so it can be the stream of
/// [`Executor::stream`](crate::Executor::stream) (whose opening errors are [`Error`] too).
pub struct Events(Pin<Box<ChatStream>>);

/// The events of a streamed answer (`exec_chat_stream`'s response).
pub fn events(response: ChatStreamResponse) -> Events {
    Events(Box::pin(response.stream))
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

impl Stream for Events {
    type Item = Result<ChatStreamEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut()
            .0
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|event| event.map_err(Error::Genai)))
    }
}

/// The error of an attempt through genai: the target is not one genai can call, or the call
/// failed. `?` turns either into it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The target is not one genai can call.
    Adapter(AdapterError),
    /// genai's own error.
    Genai(genai::Error),
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12). Both variants
// are transparent: the inner error's message and source.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Adapter(e) => fmt::Display::fmt(e, f),
            Error::Genai(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Adapter(e) => std::error::Error::source(e),
            Error::Genai(e) => std::error::Error::source(e),
        }
    }
}

impl From<AdapterError> for Error {
    fn from(error: AdapterError) -> Self {
        Error::Adapter(error)
    }
}

impl From<genai::Error> for Error {
    fn from(error: genai::Error) -> Self {
        Error::Genai(error)
    }
}

impl Classify for Error {
    fn classify(&self) -> Failure {
        match self {
            Error::Adapter(e) => e.classify(),
            Error::Genai(e) => e.classify(),
        }
    }
}

impl Classify for genai::Error {
    fn classify(&self) -> Failure {
        use genai::webc::Error as Web;
        let headers = match self {
            genai::Error::HttpError { headers, .. } => Some(&**headers),
            genai::Error::WebModelCall { webc_error, .. }
            | genai::Error::WebAdapterCall { webc_error, .. } => webc_error.headers(),
            _ => None,
        };
        if let Some(status) = self.status() {
            return HttpStatus::new(status.as_u16(), retry_after(headers)).classify();
        }
        match self {
            genai::Error::WebModelCall { webc_error, .. }
            | genai::Error::WebAdapterCall { webc_error, .. } => match webc_error {
                Web::Reqwest(e) => e.classify(),
                _ => Failure::new(FailureClass::Other),
            },
            genai::Error::WebStream { error, .. } => match error.downcast_ref::<reqwest::Error>() {
                Some(e) => e.classify(),
                None => Failure::new(FailureClass::Other),
            },
            genai::Error::ChatReqHasNoMessages { .. }
            | genai::Error::LastChatMessageIsNotUser { .. }
            | genai::Error::MessageRoleNotSupported { .. }
            | genai::Error::MessageContentTypeNotSupported { .. }
            | genai::Error::JsonModeWithoutInstruction => Failure::new(FailureClass::BadRequest),
            genai::Error::RequiresApiKey { .. }
            | genai::Error::NoAuthResolver { .. }
            | genai::Error::NoAuthData { .. } => Failure::new(FailureClass::Auth),
            _ => Failure::new(FailureClass::Other),
        }
    }
}

fn tokens(n: Option<i32>) -> Option<u64> {
    n.and_then(|n| u64::try_from(n).ok())
}

impl Usage for ChatResponse {
    fn input_tokens(&self) -> Option<u64> {
        tokens(self.usage.prompt_tokens)
    }
    fn output_tokens(&self) -> Option<u64> {
        tokens(self.usage.completion_tokens)
    }
    fn response_model(&self) -> Option<&str> {
        Some(self.provider_model_iden.model_name.as_str())
    }
}

/// A stream's usage is in its `End` event, when the chat options asked to capture it
/// (`ChatOptions::with_capture_usage(true)`).
impl Usage for genai::chat::StreamEnd {
    fn input_tokens(&self) -> Option<u64> {
        self.captured_usage
            .as_ref()
            .and_then(|u| tokens(u.prompt_tokens))
    }
    fn output_tokens(&self) -> Option<u64> {
        self.captured_usage
            .as_ref()
            .and_then(|u| tokens(u.completion_tokens))
    }
}

/// A stream event: only `End` carries usage (see [`StreamEnd`](genai::chat::StreamEnd)).
impl Usage for ChatStreamEvent {
    fn input_tokens(&self) -> Option<u64> {
        match self {
            ChatStreamEvent::End(end) => end.input_tokens(),
            _ => None,
        }
    }
    fn output_tokens(&self) -> Option<u64> {
        match self {
            ChatStreamEvent::End(end) => end.output_tokens(),
            _ => None,
        }
    }
}

impl Usage for EmbedResponse {
    fn input_tokens(&self) -> Option<u64> {
        tokens(self.usage.prompt_tokens)
    }
    fn response_model(&self) -> Option<&str> {
        Some(self.provider_model_iden.model_name.as_str())
    }
}
