//! Call settings: `[llm.calls]` and the same keys on a backend or an alias, read by one
//! function for every layer (each table's declaration lists the keys it takes), and the rules
//! on one layer's values: a backoff whose `initial` is above its `max`, more than ten retries.

use std::time::Duration;

use super::RETRY_CLASSES;
use crate::diagnostic::Span;
use crate::diags;
use crate::keys::{self, Value};
use crate::model::{CallSettings, Spanned};
use crate::parse::RawValue;
use crate::read::{Fields, Reader, span_of};

/// More retries than this on one backend is reported (`excessive-retries`).
pub(crate) const RETRY_LIMIT: u32 = 10;

/// `[llm.calls]`.
pub(super) fn read_calls(r: &mut Reader, value: &RawValue<'_>) -> CallSettings {
    let Some(table) = r.section("calls", value, "calls") else {
        return CallSettings::default();
    };
    let mut f = Fields::new(&keys::CALLS, table);
    let settings = read_settings(r, &mut f);
    let place = format!("`[{}.calls]`", r.table);
    f.finalize(r, &place);
    settings
}

/// The call keys the table behind `f` declares; the others are left for `finalize` to
/// report.
pub(super) fn read_settings(r: &mut Reader, f: &mut Fields<'_, '_>) -> CallSettings {
    let duration = |r: &mut Reader, f: &mut Fields<'_, '_>, name: &str| {
        f.declares(name).then(|| f.duration(r, name)).flatten()
    };
    let timeout = duration(r, f, "timeout");
    let connect_timeout = duration(r, f, "connect_timeout");
    let deadline = duration(r, f, "deadline");
    let first_chunk_timeout = duration(r, f, "first_chunk_timeout");
    let idle_timeout = duration(r, f, "idle_timeout");
    let cooldown = duration(r, f, "cooldown");
    let max_retries = count(r, f, "max_retries");
    if let Some(n) = max_retries
        && n.value > RETRY_LIMIT
    {
        r.push(diags::excessive_retries(n.span, n.value, RETRY_LIMIT));
    }
    let retry_on = if f.declares("retry_on") {
        f.words(r, "retry_on", RETRY_CLASSES)
    } else {
        None
    };
    let backoff = f.declares("backoff").then(|| f.take("backoff")).flatten();
    let (backoff_initial, backoff_max) = backoff.map_or((None, None), |v| read_backoff(r, v));
    CallSettings {
        timeout,
        connect_timeout,
        deadline,
        first_chunk_timeout,
        idle_timeout,
        max_retries,
        retry_on,
        backoff_initial,
        backoff_max,
        allowed_fails: count(r, f, "allowed_fails"),
        cooldown,
    }
}

/// A non-negative integer key, spanned; its declared range keeps it within `u32`.
fn count(r: &mut Reader, f: &mut Fields<'_, '_>, name: &str) -> Option<Spanned<u32>> {
    if !f.declares(name) {
        return None;
    }
    let span = f.written(name).map(span_of)?;
    let n = f.integer(r, name)?;
    u32::try_from(n).ok().map(|n| Spanned::new(n, span))
}

/// `backoff = { initial = "…", max = "…" }`, with `initial` checked against the effective
/// `max` (the written one, else the declared default).
fn read_backoff(
    r: &mut Reader,
    value: &RawValue<'_>,
) -> (Option<Spanned<Duration>>, Option<Spanned<Duration>>) {
    let Some(table) = r.section("backoff", value, "calls.backoff") else {
        return (None, None);
    };
    let mut f = Fields::new(&keys::BACKOFF_TABLE, table);
    let initial = f.duration(r, "initial");
    let max = f.duration(r, "max");
    let place = format!("`{}.calls.backoff`", r.table);
    f.finalize(r, &place);
    let effective = |written: Option<Spanned<Duration>>, name: &str| {
        written
            .map(|d| d.value)
            .or_else(|| declared_duration(&keys::BACKOFF_TABLE, name))
    };
    if let (Some(i), Some(m)) = (effective(initial, "initial"), effective(max, "max"))
        && i > m
    {
        let span: Span = initial.map_or(span_of(value), |d| d.span);
        r.push(diags::backoff_inverted(span, (i, m), max.map(|d| d.span)));
    }
    (initial, max)
}

/// The default a declaration gives a duration key (`"90s"` for `deadline`).
pub(crate) fn declared_duration(table: &keys::Table, name: &str) -> Option<Duration> {
    match table.key(name)?.default? {
        Value::Str(text) => crate::duration::parse(text).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::{Code, Options, check};
    use std::time::Duration;

    fn codes(text: &str) -> Vec<Code> {
        check("t.toml", text, &Options::default())
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn every_key_of_the_calls_table_is_read() {
        let text = "[llm.calls]\ntimeout = \"20s\"\nconnect_timeout = \"2s\"\ndeadline = \"1m\"\n\
                    first_chunk_timeout = \"5s\"\nidle_timeout = \"15s\"\nmax_retries = 1\n\
                    retry_on = [\"rate_limit\", \"connect\"]\n\
                    backoff = { initial = \"100ms\", max = \"2s\" }\nallowed_fails = 5\n\
                    cooldown = \"1m\"\n";
        let report = check("t.toml", text, &Options::default());
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
        let c = &report.config.calls;
        let secs = |d: Option<crate::model::Spanned<Duration>>| d.map(|d| d.value.as_secs_f64());
        assert_eq!(secs(c.timeout), Some(20.0));
        assert_eq!(secs(c.connect_timeout), Some(2.0));
        assert_eq!(secs(c.deadline), Some(60.0));
        assert_eq!(secs(c.first_chunk_timeout), Some(5.0));
        assert_eq!(secs(c.idle_timeout), Some(15.0));
        assert_eq!(secs(c.backoff_initial), Some(0.1));
        assert_eq!(secs(c.backoff_max), Some(2.0));
        assert_eq!(secs(c.cooldown), Some(60.0));
        assert_eq!(c.max_retries.map(|n| n.value), Some(1));
        assert_eq!(c.allowed_fails.map(|n| n.value), Some(5));
        let words: Vec<&str> = c
            .retry_on
            .iter()
            .flatten()
            .map(|w| w.value.as_str())
            .collect();
        assert_eq!(words, ["rate_limit", "connect"]);
        assert_eq!(&text[c.max_retries.map_or(0..0, |n| n.span.range())], "1");
    }

    #[test]
    fn layer_rules_have_their_own_codes() {
        let inverted = "[llm.calls]\nbackoff = { initial = \"5s\", max = \"1s\" }\n";
        assert_eq!(codes(inverted), [Code::BackoffInverted]);
        // Above the built-in max of 10 s.
        let above_default = "[llm.calls]\nbackoff = { initial = \"20s\" }\n";
        assert_eq!(codes(above_default), [Code::BackoffInverted]);
        assert_eq!(
            codes("[llm.calls]\nmax_retries = 11\n"),
            [Code::ExcessiveRetries]
        );
        assert!(codes("[llm.calls]\nmax_retries = 10\n").is_empty());
        assert_eq!(
            codes("[llm.calls]\nretry_on = [\"ratelimit\"]\n"),
            [Code::UnknownRetryClass]
        );
        assert_eq!(
            codes("[llm.calls]\ncooldown = \"0s\"\n"),
            [Code::InvalidDuration]
        );
        assert_eq!(codes("[llm.calls]\nmax_retries = -1\n"), [Code::OutOfRange]);
        assert_eq!(
            codes("[llm.calls]\nbackoff = { initail = \"1s\" }\n"),
            [Code::UnknownField]
        );
    }

    #[test]
    fn the_unknown_retry_class_says_which_one_was_meant() {
        let report = check(
            "t.toml",
            "[llm.calls]\nretry_on = [\"server_errors\"]\n",
            &Options::default(),
        );
        let d = &report.diagnostics[0];
        assert_eq!(d.label, "did you mean `server_error`?", "{d:#?}");
    }

    #[test]
    fn keys_of_the_calls_table_alone_are_unknown_on_a_backend() {
        let text = "[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\nops = [\"embeddings\"]\n\
                    connect_timeout = \"1s\"\nmax_retries = 1\ncooldown = \"1s\"\n";
        let report = check("t.toml", text, &Options::default());
        let codes: Vec<Code> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::UnknownField], "{:#?}", report.diagnostics);
        let b = &report.config.backends[0];
        assert_eq!(b.calls.max_retries.map(|n| n.value), Some(1));
        assert_eq!(
            b.calls.connect_timeout.map(|d| d.value),
            Some(Duration::from_secs(1))
        );
    }
}
