//! The blocking front end: runs the attempts on the calling thread, sleeping the executor's
//! clock between them. No async runtime.

use super::classify::Classify;
use super::executor::Executor;
use super::record::{CallError, Called, Outcome};
use super::run::{Run, Step};
use super::target::Target;
use super::telemetry::{self, Span};
use super::usage::Usage;
use crate::Request;

impl<'a> Executor<'a> {
    /// Calls `attempt` against the request's backends until one succeeds, following the
    /// [module rules](super) on the calling thread.
    ///
    /// The executor cannot interrupt a blocking closure: give [`Target::timeout`] to your
    /// client (the async [`Executor::call`] enforces it itself).
    pub fn call_blocking<T, E, F>(
        &'a self,
        request: impl Into<Request<'a>>,
        mut attempt: F,
    ) -> Result<Called<'a, T>, CallError<E>>
    where
        F: FnMut(Target<'a>) -> Result<T, E>,
        E: Classify,
        T: Usage,
    {
        let request = request.into();
        let mut run = Run::start(self.resolver, &self.shared, request);
        let span = telemetry::call(request.needs().op, run.requested());
        span.in_scope(|| {
            loop {
                let target = match run.next() {
                    Step::Attempt(target) => target,
                    Step::Wait(wait) => {
                        self.shared.clock.sleep_blocking(wait);
                        continue;
                    }
                    Step::Done => return Err(failed(run, &span)),
                };
                let (aspan, answered) = begin(&run, &span, &target);
                match aspan.in_scope(|| attempt(target)) {
                    Ok(value) => return Ok(succeeded(&mut run, &span, &aspan, answered, value)),
                    Err(error) => attempt_failed(&mut run, &aspan, error.classify(), Some(error)),
                }
            }
        })
    }
}

/// The backend and `provider/model` an attempt goes to, for the call span once it answers.
pub(crate) type Answered<'a> = (&'a str, &'a str);

/// Opens an attempt's span (recording the request model on the call span at the first).
pub(crate) fn begin<'a, E>(
    run: &Run<'a, E>,
    span: &Span,
    target: &Target<'a>,
) -> (Span, Answered<'a>) {
    if run.attempts().is_empty() {
        span.request(target);
    }
    let fallback_from = run.current().and_then(|(_, from)| from);
    (
        telemetry::attempt(target, fallback_from),
        (target.backend(), target.model()),
    )
}

/// Records a failed attempt and lets the run decide what follows.
pub(crate) fn attempt_failed<E>(
    run: &mut Run<'_, E>,
    aspan: &Span,
    failure: super::Failure,
    error: Option<E>,
) {
    aspan.outcome(Outcome::Failed(failure.class), failure.status);
    run.fail(failure, error);
}

/// Ends a call whose attempt succeeded.
pub(crate) fn succeeded<'a, T: Usage, E>(
    run: &mut Run<'a, E>,
    span: &Span,
    aspan: &Span,
    (backend, model): Answered<'a>,
    value: T,
) -> Called<'a, T> {
    aspan.usage(&value);
    let attempts = run.succeed();
    span.answered(backend, model, attempts.len());
    span.usage(&value);
    Called { value, attempts }
}

/// Ends a call that failed.
pub(crate) fn failed<'a, E>(run: Run<'a, E>, span: &Span) -> CallError<E> {
    let error = run.into_error();
    span.failed(error.kind(), error.attempts().len());
    error
}
