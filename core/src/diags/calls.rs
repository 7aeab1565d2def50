//! The wording of the call-settings rules: retry classes, backoff, retries, timeouts against
//! the deadline, and fallbacks.

use std::time::Duration;

use super::values::{Near, UnknownWord, with_word_fix};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};

fn shown(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

/// `unknown-retry-class`.
pub(crate) fn unknown_retry_class(word: UnknownWord<'_>) -> Diagnostic {
    word.build(Code::UnknownRetryClass)
}

/// `backoff-inverted`: the first wait's ceiling above the largest one.
pub(crate) fn backoff_inverted(
    span: Span,
    (initial, max): (Duration, Duration),
    max_span: Option<Span>,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::BackoffInverted,
        span,
        format!(
            "backoff `initial` ({}) is above `max` ({})",
            shown(initial),
            shown(max)
        ),
    )
    .with_label("the first wait would already exceed the ceiling")
    .with_help(format!(
        "lower `initial` or raise `max`, e.g. `backoff = {{ initial = \"{}\", max = \"{}\" }}`",
        shown(max.min(initial)),
        shown(initial.max(max))
    ));
    match max_span {
        Some(s) => d.with_related(s, "`max` set here"),
        None => d.with_related(span, "`max` is the built-in default"),
    }
}

/// `excessive-retries`: `max_retries` above ten.
pub(crate) fn excessive_retries(span: Span, retries: u32, limit: u32) -> Diagnostic {
    Diagnostic::new(
        Code::ExcessiveRetries,
        span,
        format!("`max_retries = {retries}` retries one backend more than {limit} times"),
    )
    .with_label("more retries than a failing backend is worth")
    .with_help(format!(
        "write `max_retries = 2` (or at most {limit}) and let the call fail over to the next \
         backend or a fallback"
    ))
}

/// Where the deadline a timeout is compared with comes from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DeadlineFrom<'a> {
    /// Written at `span` in `place` (`[llm.calls]`, alias `smart`).
    Written { span: Span, place: &'a str },
    /// The built-in default.
    Default,
}

/// `timeout-exceeds-deadline`: `key` (a timeout) longer than the call's deadline.
pub(crate) fn timeout_exceeds_deadline(
    span: Span,
    (key, value): (&str, Duration),
    (deadline, from): (Duration, DeadlineFrom<'_>),
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::TimeoutExceedsDeadline,
        span,
        format!(
            "`{key}` ({}) is longer than the call's deadline ({})",
            shown(value),
            shown(deadline)
        ),
    )
    .with_label("the deadline ends the attempt first")
    .with_help(format!(
        "write `{key}` no longer than `deadline`, or raise `deadline` to at least \"{}\"",
        shown(value)
    ));
    match from {
        DeadlineFrom::Written { span, place } => {
            d.with_related(span, format!("the deadline of {place}"))
        }
        DeadlineFrom::Default => d,
    }
}

/// `unknown-fallback`: a fallback naming no alias.
pub(crate) fn unknown_fallback(
    span: Span,
    alias: &str,
    fallback: &str,
    near: Near<'_>,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::UnknownFallback,
        span,
        format!("alias `{alias}` falls back to `{fallback}`, which is not an alias"),
    );
    let d = match near.map(|(n, _)| n) {
        Some(near) => d
            .with_label(format!("did you mean `{near}`?"))
            .with_help(format!("write `\"{near}\"`")),
        None => d.with_label("no alias of this name").with_help(format!(
            "add the alias under `[llm.aliases]` (`{fallback} = \"provider/model\"`) or \
                 remove it from `fallbacks`"
        )),
    };
    with_word_fix(d, span, near)
}

/// `fallback-self`: an alias listed in its own fallbacks.
pub(crate) fn fallback_self(span: Span, alias: &str) -> Diagnostic {
    Diagnostic::new(
        Code::FallbackSelf,
        span,
        format!("alias `{alias}` lists itself in `fallbacks`"),
    )
    .with_label("its own backends are already tried first")
    .with_help(format!(
        "remove `\"{alias}\"`; to try its backends more often, raise `max_retries`"
    ))
}

/// `duplicate-fallback`: the same fallback listed twice.
pub(crate) fn duplicate_fallback(span: Span, first: Span, alias: &str, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateFallback,
        span,
        format!("alias `{alias}` lists the fallback `{name}` twice"),
    )
    .with_label("listed again here")
    .with_related(first, "first listed here")
    .with_help(format!(
        "remove the second `\"{name}\"`: a fallback already tried would only spend the deadline"
    ))
}

/// One edge of a fallback cycle: `from` lists `to` at `span`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edge<'a> {
    pub(crate) span: Span,
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
}

/// `fallback-cycle`: aliases that fall back to each other; `edges` in cycle order.
pub(crate) fn fallback_cycle(edges: &[Edge<'_>]) -> Diagnostic {
    let names: Vec<&str> = edges
        .iter()
        .map(|e| e.from)
        .chain(edges.first().map(|e| e.from))
        .collect();
    let chain = names.join(" → ");
    let (first, rest) = match edges.split_first() {
        Some((first, rest)) => (*first, rest),
        None => {
            return Diagnostic::new(Code::FallbackCycle, Span::default(), "fallback cycle");
        }
    };
    let mut d = Diagnostic::new(
        Code::FallbackCycle,
        first.span,
        format!("fallback cycle: {chain}"),
    )
    .with_label(format!("`{}` falls back to `{}`", first.from, first.to))
    .with_help(format!(
        "fallbacks are not followed transitively: a call of `{}` tries `{}` but not its \
         fallbacks; list the whole chain on the alias that needs it and remove one edge of \
         the cycle",
        first.from, first.to
    ));
    for e in rest {
        d = d.with_related(e.span, format!("`{}` falls back to `{}`", e.from, e.to));
    }
    d
}

/// `fallback-ops-unserved`: a fallback that serves none of the ops its alias declares.
pub(crate) fn fallback_ops_unserved(
    span: Span,
    alias: &str,
    fallback: &str,
    ops: &[&str],
) -> Diagnostic {
    let ops = ops
        .iter()
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Diagnostic::new(
        Code::FallbackOpsUnserved,
        span,
        format!("fallback `{fallback}` of alias `{alias}` serves none of its ops ({ops})"),
    )
    .with_label("this fallback would fail every call of the alias")
    .with_help(format!(
        "fall back to an alias whose backends serve {ops}, or remove `\"{fallback}\"`"
    ))
}
