//! Streaming calls: retries and failover happen only until the first chunk; after it the
//! stream is the caller's, bounded by `idle_timeout` between chunks and by the deadline.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use tokio::time::{Instant, Sleep, sleep};

use super::blocking::{Answered, attempt_failed, begin, failed};
use super::classify::{Classify, Failure, FailureClass};
use super::executor::Executor;
use super::record::{Attempt, CallError};
use super::run::{Run, Step};
use super::target::Target;
use super::telemetry::{self, Span};
use super::usage::Usage;
use crate::Request;

impl<'a> Executor<'a> {
    /// Opens a stream with `attempt` and waits for its first chunk, retrying and failing over
    /// like [`Executor::call`] until a first chunk arrives within `first_chunk_timeout`.
    /// Opening is bounded by `timeout`. A stream that ends before any chunk counts as a
    /// success.
    pub async fn stream<S, C, E, F, Fut>(
        &'a self,
        request: impl Into<Request<'a>>,
        attempt: F,
    ) -> Result<CallStream<'a, S>, CallError<E>>
    where
        F: FnMut(Target<'a>) -> Fut,
        Fut: Future<Output = Result<S, E>>,
        S: Stream<Item = Result<C, E>>,
        E: Classify,
    {
        let request = request.into();
        let run = Run::start(self.resolver, &self.shared, request);
        let span = telemetry::call(request.needs().op, run.requested());
        span.instrument(self.open(run, span.clone(), attempt)).await
    }

    async fn open<S, C, E, F, Fut>(
        &'a self,
        mut run: Run<'a, E>,
        span: Span,
        mut attempt: F,
    ) -> Result<CallStream<'a, S>, CallError<E>>
    where
        F: FnMut(Target<'a>) -> Fut,
        Fut: Future<Output = Result<S, E>>,
        S: Stream<Item = Result<C, E>>,
        E: Classify,
    {
        loop {
            let target = match run.next() {
                Step::Attempt(target) => target,
                Step::Wait(wait) => {
                    self.shared.clock.sleep(wait).await;
                    continue;
                }
                Step::Done => return Err(failed(run, &span)),
            };
            let (aspan, answered) = begin(&run, &span, &target);
            let (first_chunk, idle) = run
                .current()
                .map_or((Duration::ZERO, Duration::ZERO), |(p, _)| {
                    (p.first_chunk_timeout, p.idle_timeout)
                });
            let started = Instant::now();
            let opened = aspan
                .instrument(tokio::time::timeout(target.timeout(), attempt(target)))
                .await;
            let mut inner = match opened {
                Ok(Ok(stream)) => Box::pin(stream),
                Ok(Err(error)) => {
                    attempt_failed(&mut run, &aspan, error.classify(), Some(error));
                    continue;
                }
                Err(_) => {
                    attempt_failed(&mut run, &aspan, Failure::new(FailureClass::Timeout), None);
                    continue;
                }
            };
            let wait = first_chunk.min(run.remaining());
            let next = poll_fn(|cx| inner.as_mut().poll_next(cx));
            let first = match aspan.instrument(tokio::time::timeout(wait, next)).await {
                Ok(Some(Err(error))) => {
                    attempt_failed(&mut run, &aspan, error.classify(), Some(error));
                    continue;
                }
                Ok(first) => first,
                Err(_) => {
                    attempt_failed(&mut run, &aspan, Failure::new(FailureClass::Timeout), None);
                    continue;
                }
            };
            aspan.first_chunk(started.elapsed());
            let spans = (span, aspan);
            let commit = Commit {
                answered,
                idle,
                first,
                spans,
            };
            return Ok(CallStream::commit(&mut run, inner, commit));
        }
    }
}

/// What a stream is committed with once its first chunk arrived.
struct Commit<'a, S: Stream> {
    answered: Answered<'a>,
    idle: Duration,
    first: Option<S::Item>,
    spans: (Span, Span),
}

/// Why a committed stream ended early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamErrorKind {
    /// The stream returned an error.
    Broke,
    /// No chunk came for `idle_timeout`.
    Idle,
    /// The call's deadline came.
    Deadline,
}

/// An error after output was delivered: no retry or failover happens then. Says how many
/// chunks had been delivered.
pub struct StreamError<'a, E> {
    kind: StreamErrorKind,
    backend: &'a str,
    delivered: u64,
    after: Duration,
    source: Option<E>,
}

impl<'a, E> StreamError<'a, E> {
    /// Why the stream ended.
    pub fn kind(&self) -> StreamErrorKind {
        self.kind
    }
    /// The chunks delivered before the error.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }
    /// The backend that was streaming.
    pub fn backend(&self) -> &'a str {
        self.backend
    }
    /// The stream's own error, for [`StreamErrorKind::Broke`].
    pub fn source_error(&self) -> Option<&E> {
        self.source.as_ref()
    }
}

impl<E> fmt::Debug for StreamError<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamError")
            .field("kind", &self.kind)
            .field("backend", &self.backend)
            .field("delivered", &self.delivered)
            .field("after", &self.after)
            .finish_non_exhaustive()
    }
}

impl<E> fmt::Display for StreamError<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            StreamErrorKind::Broke => "broke",
            StreamErrorKind::Idle => "stalled (no chunk within idle_timeout)",
            StreamErrorKind::Deadline => "reached the call's deadline",
        };
        write!(
            f,
            "stream from `{}` {what} after {} chunk{} had been delivered ({} ms); not retried, \
             since output was already delivered",
            self.backend,
            self.delivered,
            if self.delivered == 1 { "" } else { "s" },
            self.after.as_millis()
        )
    }
}

impl<E: std::error::Error + 'static> std::error::Error for StreamError<'_, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A committed stream: yields the backend's chunks, then ends; or one [`StreamError`].
pub struct CallStream<'a, S: Stream> {
    inner: Pin<Box<S>>,
    first: Option<S::Item>,
    attempts: Vec<Attempt<'a>>,
    backend: &'a str,
    delivered: u64,
    started: Instant,
    idle_timeout: Duration,
    idle: Pin<Box<Sleep>>,
    deadline: Pin<Box<Sleep>>,
    done: bool,
    spans: (Span, Span),
}

impl<'a, S: Stream> CallStream<'a, S> {
    fn commit<E>(run: &mut Run<'a, E>, inner: Pin<Box<S>>, c: Commit<'a, S>) -> Self {
        let remaining = run.remaining();
        let attempts = run.succeed();
        c.spans
            .0
            .answered(c.answered.0, c.answered.1, attempts.len());
        let done = c.first.is_none();
        Self {
            inner,
            first: c.first,
            backend: c.answered.0,
            attempts,
            delivered: 0,
            started: Instant::now(),
            idle_timeout: c.idle,
            idle: Box::pin(sleep(c.idle)),
            deadline: Box::pin(sleep(remaining)),
            done,
            spans: c.spans,
        }
    }

    /// Every attempt made before the stream was committed.
    pub fn attempts(&self) -> &[Attempt<'a>] {
        &self.attempts
    }
    /// The backend streaming.
    pub fn backend(&self) -> &'a str {
        self.backend
    }
    /// The chunks delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }
    /// Records token usage reported by the stream (typically in its last event) on the call's
    /// and the attempt's spans.
    pub fn record_usage(&self, usage: &dyn Usage) {
        self.spans.0.usage(usage);
        self.spans.1.usage(usage);
    }

    fn error<E>(&mut self, kind: StreamErrorKind, source: Option<E>) -> StreamError<'a, E> {
        self.done = true;
        StreamError {
            kind,
            backend: self.backend,
            delivered: self.delivered,
            after: self.started.elapsed(),
            source,
        }
    }

    fn delivered_one(&mut self) {
        self.delivered += 1;
        let at = Instant::now() + self.idle_timeout;
        self.idle.as_mut().reset(at);
    }
}

// Nothing is pinned in place: the inner stream and the timers are boxed.
impl<S: Stream> Unpin for CallStream<'_, S> {}

impl<S: Stream> fmt::Debug for CallStream<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallStream")
            .field("backend", &self.backend)
            .field("delivered", &self.delivered)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl<'a, S, C, E> Stream for CallStream<'a, S>
where
    S: Stream<Item = Result<C, E>>,
{
    type Item = Result<C, StreamError<'a, E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done && this.first.is_none() {
            return Poll::Ready(None);
        }
        let item = match this.first.take() {
            Some(item) => Poll::Ready(Some(item)),
            None => this.inner.as_mut().poll_next(cx),
        };
        match item {
            Poll::Ready(Some(Ok(chunk))) => {
                this.delivered_one();
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                Poll::Ready(Some(Err(this.error(StreamErrorKind::Broke, Some(e)))))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Some(Err(this.error(StreamErrorKind::Deadline, None))));
                }
                if this.idle.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Some(Err(this.error(StreamErrorKind::Idle, None))));
                }
                Poll::Pending
            }
        }
    }
}
