//! Draining a committed executor stream of any client (feature `tokio`): `drain` hands each
//! chunk to a closure, keeps the latest token counts the chunks report ([`Totals`]) and
//! records them on the call's and the attempt's spans when the stream ends or breaks. The
//! executor itself records the time to the first chunk.
//!
//! Works with [`sse::Events`](super::sse::Events) (feature `reqwest`), async-openai's
//! `ChatCompletionResponseStream` and genai's `ChatStream`: their chunks implement
//! [`Usage`].

#[cfg(feature = "tokio")]
use std::{future::poll_fn, pin::Pin};

use crate::call::Usage;
#[cfg(feature = "tokio")]
use crate::call::{CallStream, StreamError};
#[cfg(feature = "tokio")]
use futures_core::Stream;

/// What a stream's chunks reported. Providers report cumulative counts (OpenAI once at the
/// end, Anthropic's `message_delta` the output so far), so the latest count wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// The prompt tokens, once reported.
    pub input: Option<u64>,
    /// The completion tokens, once reported.
    pub output: Option<u64>,
    model: Option<String>,
    /// The chunks seen.
    pub chunks: u64,
}

impl Totals {
    /// Adds one chunk's report.
    pub fn add(&mut self, chunk: &(impl Usage + ?Sized)) {
        self.chunks += 1;
        self.input = chunk.input_tokens().or(self.input);
        self.output = chunk.output_tokens().or(self.output);
        if self.model.is_none() {
            self.model = chunk.response_model().map(str::to_string);
        }
    }
}

impl Usage for Totals {
    fn input_tokens(&self) -> Option<u64> {
        self.input
    }
    fn output_tokens(&self) -> Option<u64> {
        self.output
    }
    fn response_model(&self) -> Option<&str> {
        self.model.as_deref()
    }
}

#[cfg(feature = "tokio")]
/// Reads `stream` to its end, calling `each` on every chunk, and records the [`Totals`] in
/// the telemetry, also when the stream breaks (then its [`StreamError`] is returned).
pub async fn drain<'a, S, C, E>(
    mut stream: CallStream<'a, S>,
    mut each: impl FnMut(&C),
) -> Result<Totals, StreamError<'a, E>>
where
    S: Stream<Item = Result<C, E>>,
    C: Usage,
{
    let mut totals = Totals::default();
    let result = loop {
        match poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            Some(Ok(chunk)) => {
                totals.add(&chunk);
                each(&chunk);
            }
            Some(Err(error)) => break Err(error),
            None => break Ok(()),
        }
    };
    stream.record_usage(&totals);
    result.map(|()| totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Report(Option<u64>, Option<u64>, Option<&'static str>);

    impl Usage for Report {
        fn input_tokens(&self) -> Option<u64> {
            self.0
        }
        fn output_tokens(&self) -> Option<u64> {
            self.1
        }
        fn response_model(&self) -> Option<&str> {
            self.2
        }
    }

    #[test]
    fn the_latest_count_wins_and_the_first_model() {
        let mut totals = Totals::default();
        totals.add(&Report(Some(25), Some(1), Some("m-2025")));
        totals.add(&Report(None, None, Some("other")));
        totals.add(&Report(None, Some(15), None));
        assert_eq!(
            (totals.input, totals.output, totals.chunks),
            (Some(25), Some(15), 3)
        );
        assert_eq!(totals.response_model(), Some("m-2025"));
    }
}
