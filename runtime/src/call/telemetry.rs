//! Spans per the OpenTelemetry GenAI semantic conventions: `llmcfg.call` for the call and
//! `llmcfg.attempt` (a client span) for each attempt, with `otel.name` set to
//! `"{gen_ai.operation.name} {model}"`. Only names, models, addresses, counts and classes are
//! recorded: never a key, a prompt or a completion. Without feature `tracing` every function
//! here is a no-op.

use std::future::Future;

use super::record::{CallErrorKind, Outcome};
use super::target::Target;
use super::usage::Usage;
use crate::Op;

#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
/// `gen_ai.operation.name` of an op; a request that names no op is taken for a chat.
pub(crate) fn operation(op: Option<Op>) -> &'static str {
    match op {
        None | Some(Op::ChatCompletions) => "chat",
        Some(Op::Embeddings) => "embeddings",
        Some(op) => op.as_str(),
    }
}

#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
/// `gen_ai.provider.name` of a `provider/model` string, in the conventions' spelling.
pub(crate) fn provider(model: &str) -> &str {
    match model.split_once('/').map_or(model, |(p, _)| p) {
        "gemini" => "gcp.gemini",
        "mistral" => "mistral_ai",
        "xai" => "x_ai",
        other => other,
    }
}

impl CallErrorKind {
    /// The call span's `error.type`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CallErrorKind::BadRequest => "bad_request",
            CallErrorKind::Exhausted => "exhausted",
            CallErrorKind::Deadline => "deadline",
            CallErrorKind::CoolingDown => "cooling_down",
            CallErrorKind::Unresolved => "unresolved",
        }
    }
}

/// A span, or nothing without feature `tracing`.
#[derive(Clone, Debug)]
pub(crate) struct Span(#[cfg(feature = "tracing")] tracing::Span);

#[cfg(feature = "tracing")]
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
mod imp {
    use super::*;
    use tracing::field::Empty;

    pub(crate) fn call(op: Option<Op>, requested: Option<&str>) -> Span {
        let operation = operation(op);
        Span(tracing::info_span!(
            "llmcfg.call",
            otel.name = format_args!("{operation} {}", requested.unwrap_or("")),
            gen_ai.operation.name = operation,
            llmcfg.alias = requested,
            gen_ai.request.model = Empty,
            gen_ai.provider.name = Empty,
            gen_ai.response.model = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
            llmcfg.backend = Empty,
            llmcfg.attempts = Empty,
            error.type = Empty,
            otel.status_code = Empty,
        ))
    }

    pub(crate) fn attempt(target: &Target<'_>, fallback_from: Option<&str>) -> Span {
        let operation = operation(target.op());
        let (address, port) = super::super::target::server_of(target.base_url());
        Span(tracing::info_span!(
            "llmcfg.attempt",
            otel.name = format_args!("{operation} {}", target.model_name()),
            otel.kind = "client",
            gen_ai.operation.name = operation,
            gen_ai.provider.name = provider(target.model()),
            gen_ai.request.model = target.model_name(),
            server.address = address,
            server.port = port,
            llmcfg.alias = target.alias(),
            llmcfg.backend = target.backend(),
            llmcfg.attempt = target.attempt(),
            llmcfg.fallback_from = fallback_from,
            gen_ai.response.model = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
            llmcfg.time_to_first_chunk_ms = Empty,
            http.response.status_code = Empty,
            error.type = Empty,
            otel.status_code = Empty,
        ))
    }

    impl Span {
        pub(crate) fn usage(&self, usage: &dyn Usage) {
            let s = &self.0;
            if let Some(model) = usage.response_model() {
                s.record("gen_ai.response.model", model);
            }
            if let Some(n) = usage.input_tokens() {
                s.record("gen_ai.usage.input_tokens", n);
            }
            if let Some(n) = usage.output_tokens() {
                s.record("gen_ai.usage.output_tokens", n);
            }
        }
        pub(crate) fn request(&self, target: &Target<'_>) {
            self.0.record("gen_ai.request.model", target.model_name());
        }
        pub(crate) fn answered(&self, target_backend: &str, model: &str, attempts: usize) {
            self.0.record("llmcfg.backend", target_backend);
            self.0.record("gen_ai.provider.name", provider(model));
            self.0.record("llmcfg.attempts", attempts);
        }
        pub(crate) fn outcome(&self, outcome: Outcome, status: Option<u16>) {
            if let Some(status) = status {
                self.0.record("http.response.status_code", status);
            }
            if let Some(kind) = outcome.error_type() {
                self.0.record("error.type", kind);
                self.0.record("otel.status_code", "ERROR");
            }
        }
        pub(crate) fn failed(&self, kind: CallErrorKind, attempts: usize) {
            self.0.record("error.type", kind.as_str());
            self.0.record("otel.status_code", "ERROR");
            self.0.record("llmcfg.attempts", attempts);
        }
        pub(crate) fn first_chunk(&self, after: std::time::Duration) {
            let ms = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
            self.0.record("llmcfg.time_to_first_chunk_ms", ms);
        }
        pub(crate) fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
            self.0.in_scope(f)
        }
        pub(crate) fn instrument<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> {
            tracing::Instrument::instrument(fut, self.0.clone())
        }
    }
}

#[cfg(not(feature = "tracing"))]
#[cfg_attr(not(feature = "tokio"), allow(dead_code))]
mod imp {
    use super::*;

    pub(crate) fn call(_: Option<Op>, _: Option<&str>) -> Span {
        Span()
    }

    pub(crate) fn attempt(_: &Target<'_>, _: Option<&str>) -> Span {
        Span()
    }

    impl Span {
        pub(crate) fn usage(&self, _: &dyn Usage) {}
        pub(crate) fn request(&self, _: &Target<'_>) {}
        pub(crate) fn answered(&self, _: &str, _: &str, _: usize) {}
        pub(crate) fn outcome(&self, _: Outcome, _: Option<u16>) {}
        pub(crate) fn failed(&self, _: CallErrorKind, _: usize) {}
        pub(crate) fn first_chunk(&self, _: std::time::Duration) {}
        pub(crate) fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
            f()
        }
        pub(crate) fn instrument<F: Future>(&self, fut: F) -> impl Future<Output = F::Output> {
            fut
        }
    }
}

pub(crate) use imp::{attempt, call};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_and_provider_names() {
        assert_eq!(operation(None), "chat");
        assert_eq!(operation(Some(Op::Embeddings)), "embeddings");
        assert_eq!(operation(Some(Op::TextToSpeech)), "text_to_speech");
        assert_eq!(provider("gemini/gemini-2.5"), "gcp.gemini");
        assert_eq!(provider("openai/gpt-5-nano"), "openai");
        assert_eq!(CallErrorKind::CoolingDown.as_str(), "cooling_down");
    }
}
