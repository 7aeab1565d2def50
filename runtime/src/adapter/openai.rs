//! async-openai (feature `async-openai`): an [`OpenAIConfig`] from a [`Destination`],
//! [`Classify`] for [`OpenAIError`] and [`Usage`] for its chat and embedding responses.
//!
//! Build a client per attempt with [`client`] (cheap: it shares the `reqwest::Client` you
//! pass, and its connections), and set the request's `model` to
//! [`Target::model_name`](crate::call::Target::model_name):
//!
//! ```no_run
//! use async_openai::types::chat::{
//!     ChatCompletionRequestUserMessageArgs, ChatCompletionStreamOptions,
//!     CreateChatCompletionRequestArgs,
//! };
//! use llmcfg::{Executor, adapter::openai};
//!
//! # async fn run(resolver: &llmcfg::Resolver<'_>) -> Result<(), Box<dyn std::error::Error>> {
//! let http = reqwest::Client::new();
//! let executor = Executor::new(resolver);
//! let called = executor
//!     .call("fast", |target| {
//!         let http = http.clone();
//!         async move {
//!             // An `AdapterError` (not an OpenAI-compatible backend) converts into
//!             // `OpenAIError`, classified as itself: the executor fails over.
//!             let client = openai::client(&target, http)?;
//!             let request = CreateChatCompletionRequestArgs::default()
//!                 .model(target.model_name())
//!                 .messages([ChatCompletionRequestUserMessageArgs::default()
//!                     .content("Say hello.")
//!                     .build()?
//!                     .into()])
//!                 .build()?;
//!             client.chat().create(request).await
//!         }
//!     })
//!     .await?;
//! println!("{:?}", called.value.choices[0].message.content);
//!
//! // Streaming: failover until the first chunk; `drain` records the last chunk's usage
//! // (asked for with `stream_options.include_usage`).
//! let stream = executor
//!     .stream("fast", |target| {
//!         let http = http.clone();
//!         async move {
//!             let request = CreateChatCompletionRequestArgs::default()
//!                 .model(target.model_name())
//!                 .messages([ChatCompletionRequestUserMessageArgs::default()
//!                     .content("Say hello.")
//!                     .build()?
//!                     .into()])
//!                 .stream_options(ChatCompletionStreamOptions {
//!                     include_usage: Some(true),
//!                     include_obfuscation: None,
//!                 })
//!                 .build()?;
//!             openai::client(&target, http)?.chat().create_stream(request).await
//!         }
//!     })
//!     .await?;
//! let mut text = String::new();
//! let streamed = llmcfg::adapter::stream::drain(stream, |chunk| {
//!     text.extend(chunk.choices.iter().filter_map(|c| c.delta.content.as_deref()));
//! })
//! .await;
//! println!("{text} ({:?} tokens out)", streamed.map(|t| t.output).ok().flatten());
//! # Ok(())
//! # }
//! ```
//!
//! # Retries
//!
//! async-openai's default transport retries 429 and 5xx answers itself (three times, sleeping
//! between them), under the executor's own retries and failover. [`client`] installs a
//! transport without those retries, so the executor's policy is the only one, and it turns a
//! failure answer that carries `Retry-After` into an [`HttpStatus`] error (in
//! [`OpenAIError::Boxed`]), so the executor waits what the backend asked. A failure answer
//! without `Retry-After` stays async-openai's `ApiError`, with the backend's message.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::{HttpRequestFactory, ReqwestService};
use async_openai::types::chat::{CreateChatCompletionResponse, CreateChatCompletionStreamResponse};
use async_openai::types::embeddings::CreateEmbeddingResponse;
use reqwest::header::{HeaderName, HeaderValue};

use super::{AdapterError, Destination};
use crate::BackendKind;
use crate::call::{Classify, Failure, FailureClass, HttpStatus, Usage, status_of};

/// The config of an async-openai client for the destination: its base URL and key, and
/// nothing from the process environment (`OpenAIConfig::new` would read `OPENAI_API_KEY`,
/// `OPENAI_BASE_URL`, `OPENAI_ORG_ID` and `OPENAI_PROJECT_ID`; llmcfg already resolved them).
/// Only `openai_chat_completion` backends speak its protocol.
pub fn config(to: &(impl Destination + ?Sized)) -> Result<OpenAIConfig, AdapterError> {
    if to.kind() != BackendKind::OpenaiChatCompletion {
        return Err(AdapterError::WrongKind {
            backend: to.backend().to_string(),
            kind: to.kind(),
            client: "async-openai",
            speaks: "`openai_chat_completion`",
        });
    }
    let key = to.api_key().map_or("", |k| k.expose_secret());
    // async-openai unwraps the header it builds from the key: a key that is no header value
    // would panic inside it, so it is refused here.
    let bearer = zeroize::Zeroizing::new(format!("Bearer {key}"));
    if HeaderValue::from_str(&bearer).is_err() {
        return Err(AdapterError::KeyNotAHeader {
            backend: to.backend().to_string(),
        });
    }
    let mut config = OpenAIConfig::new()
        .with_api_base(to.base_url().trim_end_matches('/'))
        .with_api_key(key)
        .with_org_id("")
        .with_project_id("");
    let bad = |header: &str| AdapterError::BadHeader {
        backend: to.backend().to_string(),
        header: header.to_string(),
    };
    for (name, value) in to.headers() {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad(name))?;
        config = config
            .with_header(name.clone(), &**value)
            .map_err(|_| bad(name.as_str()))?;
    }
    // The key also goes in the backend's `auth_header`; async-openai always sends it as a
    // bearer token too, to the same host.
    if let (Some(name), Some(key)) = (to.auth_header(), to.api_key()) {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad(name))?;
        let value = Sensitive(key.expose_secret());
        config = config
            .with_header(header, value)
            .map_err(|_| AdapterError::KeyNotAHeader {
                backend: to.backend().to_string(),
            })?;
    }
    Ok(config)
}

/// A key on its way into a header, marked sensitive so that `Debug` of the config (its
/// `HeaderMap`) shows `Sensitive` instead of the key.
struct Sensitive<'k>(&'k str);

impl TryFrom<Sensitive<'_>> for HeaderValue {
    type Error = reqwest::header::InvalidHeaderValue;
    fn try_from(key: Sensitive<'_>) -> Result<Self, Self::Error> {
        let mut value = HeaderValue::from_str(key.0)?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// An [`AdapterError`] inside async-openai's error ([`OpenAIError::Boxed`]), so one `?` serves
/// [`client`] and async-openai's calls alike; it is classified as itself.
impl From<AdapterError> for OpenAIError {
    fn from(error: AdapterError) -> Self {
        OpenAIError::Boxed(Box::new(error))
    }
}

/// An async-openai client for the destination ([`config`]) over `http`, without
/// async-openai's own retries (see [Retries](self#retries)).
pub fn client(
    to: &(impl Destination + ?Sized),
    http: reqwest::Client,
) -> Result<async_openai::Client<OpenAIConfig>, AdapterError> {
    let config = config(to)?;
    Ok(async_openai::Client::build(http.clone(), config)
        .with_http_service(Transport(ReqwestService::new(http))))
}

/// The plain reqwest transport, with `Retry-After` kept for the executor.
#[derive(Clone, Debug)]
struct Transport(ReqwestService);

type Answer = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower_service::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequestFactory) -> Answer {
        let answer = self.0.call(request);
        Box::pin(async move {
            let response = answer.await?;
            match status_of(&response) {
                Some(status) if status.retry_after.is_some() => {
                    Err(OpenAIError::Boxed(Box::new(status)))
                }
                _ => Ok(response),
            }
        })
    }
}

impl Classify for OpenAIError {
    fn classify(&self) -> Failure {
        // Other features of async-openai (enabled elsewhere in the build) add variants.
        #[allow(unreachable_patterns)]
        match self {
            OpenAIError::Reqwest(e) => e.classify(),
            OpenAIError::ApiError(e) => Failure::from_status(e.status_code.as_u16(), None),
            OpenAIError::InvalidArgument(_) => Failure::new(FailureClass::BadRequest),
            OpenAIError::Boxed(e) => {
                if let Some(status) = e.downcast_ref::<HttpStatus>() {
                    status.classify()
                } else if let Some(adapter) = e.downcast_ref::<AdapterError>() {
                    adapter.classify()
                } else {
                    Failure::new(FailureClass::Other)
                }
            }
            _ => Failure::new(FailureClass::Other),
        }
    }
}

fn tokens(n: u32) -> Option<u64> {
    Some(u64::from(n))
}

/// A chat answer and a stream's chunk carry the same `usage`; on a stream only the last chunk
/// has it, when the request set `stream_options.include_usage`.
macro_rules! chat_usage {
    ($($response:ty),*) => {$(
        impl Usage for $response {
            fn input_tokens(&self) -> Option<u64> {
                self.usage.as_ref().and_then(|u| tokens(u.prompt_tokens))
            }
            fn output_tokens(&self) -> Option<u64> {
                self.usage
                    .as_ref()
                    .and_then(|u| tokens(u.completion_tokens))
            }
            fn response_model(&self) -> Option<&str> {
                Some(&self.model)
            }
        }
    )*};
}
chat_usage!(
    CreateChatCompletionResponse,
    CreateChatCompletionStreamResponse
);

/// Embeddings have prompt tokens only.
impl Usage for CreateEmbeddingResponse {
    fn input_tokens(&self) -> Option<u64> {
        tokens(self.usage.prompt_tokens)
    }
    fn response_model(&self) -> Option<&str> {
        Some(&self.model)
    }
}
