//! The async front end, on tokio's timers: enforces each attempt's timeout and sleeps the
//! executor's clock between attempts.

use std::future::Future;

use super::blocking::{attempt_failed, begin, failed, succeeded};
use super::classify::{Classify, Failure, FailureClass};
use super::executor::Executor;
use super::record::{CallError, Called};
use super::run::{Run, Step};
use super::target::Target;
use super::telemetry::{self, Span};
use super::usage::Usage;
use crate::Request;

impl<'a> Executor<'a> {
    /// Calls `attempt` against the request's backends until one succeeds, following the
    /// [module rules](super). Each attempt is cut off at [`Target::timeout`] (a
    /// [`FailureClass::Timeout`] failure, retried like any other).
    pub async fn call<T, E, F, Fut>(
        &'a self,
        request: impl Into<Request<'a>>,
        attempt: F,
    ) -> Result<Called<'a, T>, CallError<E>>
    where
        F: FnMut(Target<'a>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: Classify,
        T: Usage,
    {
        let request = request.into();
        let run = Run::start(self.resolver, &self.shared, request);
        let span = telemetry::call(request.needs().op, run.requested());
        span.instrument(self.drive(run, &span, attempt)).await
    }

    async fn drive<T, E, F, Fut>(
        &'a self,
        mut run: Run<'a, E>,
        span: &Span,
        mut attempt: F,
    ) -> Result<Called<'a, T>, CallError<E>>
    where
        F: FnMut(Target<'a>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: Classify,
        T: Usage,
    {
        loop {
            let target = match run.next() {
                Step::Attempt(target) => target,
                Step::Wait(wait) => {
                    self.shared.clock.sleep(wait).await;
                    continue;
                }
                Step::Done => return Err(failed(run, span)),
            };
            let (aspan, answered) = begin(&run, span, &target);
            let timeout = target.timeout();
            let outcome = aspan
                .instrument(tokio::time::timeout(timeout, attempt(target)))
                .await;
            match outcome {
                Ok(Ok(value)) => return Ok(succeeded(&mut run, span, &aspan, answered, value)),
                Ok(Err(error)) => attempt_failed(&mut run, &aspan, error.classify(), Some(error)),
                Err(_elapsed) => {
                    attempt_failed(&mut run, &aspan, Failure::new(FailureClass::Timeout), None)
                }
            }
        }
    }
}
