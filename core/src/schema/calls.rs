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

/// How a setting of each kind is read from a layer's table (only when the table declares it).
macro_rules! read_setting {
    ($r:ident, $f:ident, duration, $name:expr) => {
        $f.declares($name).then(|| $f.duration($r, $name)).flatten()
    };
    ($r:ident, $f:ident, count, $name:expr) => {
        count($r, $f, $name)
    };
    ($r:ident, $f:ident, classes, $name:expr) => {
        if $f.declares($name) {
            $f.words($r, $name, RETRY_CLASSES)
        } else {
            None
        }
    };
}

/// A setting written in the layer itself is read by its kind; one of a sub-table (`backoff`)
/// is left to that table's reader.
macro_rules! read_in_layer {
    ($settings:ident, $r:ident, $f:ident, $field:ident, $kind:ident) => {
        $settings.$field = read_setting!($r, $f, $kind, stringify!($field));
    };
    ($settings:ident, $r:ident, $f:ident, $field:ident, $kind:ident ($table:ident . $key:ident)) => {};
}

macro_rules! read_declared {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// Every declared setting (`crate::settings`) written in the layer itself.
        fn read_declared(r: &mut Reader, f: &mut Fields<'_, '_>) -> CallSettings {
            let mut settings = CallSettings::default();
            $(read_in_layer!(settings, r, f, $field, $kind $(($table . $key))?);)*
            settings
        }
    };
}
crate::call_settings!(read_declared);

/// The call keys the table behind `f` declares; the others are left for `finalize` to
/// report.
pub(super) fn read_settings(r: &mut Reader, f: &mut Fields<'_, '_>) -> CallSettings {
    let mut settings = read_declared(r, f);
    if let Some(n) = settings.max_retries
        && n.value > RETRY_LIMIT
    {
        r.push(diags::excessive_retries(n.span, n.value, RETRY_LIMIT));
    }
    if let Some(backoff) = f.declares("backoff").then(|| f.take("backoff")).flatten() {
        (settings.backoff_initial, settings.backoff_max) = read_backoff(r, backoff);
    }
    settings
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
