//! Duration values of the config (`timeout = "30s"`): one parser for every duration key, so the
//! accepted forms, the zero rule and the help text listing them cannot differ between keys.

use std::time::Duration;

/// The forms a duration key accepts, for help texts and docs.
pub const ACCEPTED_FORMS: &str = "a number and a unit, such as `\"250ms\"`, `\"2m\"` or `\"1m 30s\"` \
(units `ms`, `s`, `m`, `h`, `d`; also `us`, `ns` and long names such as `seconds`)";

/// Why a duration string was refused.
#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub enum DurationError {
    /// Nothing but whitespace.
    Empty,
    /// Parsed, and zero: a zero timeout would fail every call at once.
    Zero,
    /// Not `<number><unit>…`.
    Invalid {
        /// What the duration parser refused.
        source: humantime::DurationError,
    },
}

// The error impls of this crate are written by hand rather than derived with thiserror: an
// application using llmcfg then builds no syn at all (issue 12).
impl std::fmt::Display for DurationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DurationError::Empty => "the duration is empty",
            DurationError::Zero => "the duration is zero",
            DurationError::Invalid { .. } => "not a duration",
        })
    }
}

impl std::error::Error for DurationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DurationError::Invalid { source } => Some(source),
            DurationError::Empty | DurationError::Zero => None,
        }
    }
}

/// Parses a positive duration written as `"30s"`, `"250ms"`, `"2m"`, `"1h 30m"`.
///
/// ```
/// use std::time::Duration;
/// use llmcfg_core::duration::{DurationError, parse};
///
/// assert_eq!(parse("250ms"), Ok(Duration::from_millis(250)));
/// assert_eq!(parse("1m 30s"), Ok(Duration::from_secs(90)));
/// assert_eq!(parse("0s"), Err(DurationError::Zero));
/// assert!(matches!(parse("30"), Err(DurationError::Invalid { .. })));
/// ```
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    match humantime::parse_duration(text) {
        Ok(d) if d.is_zero() => Err(DurationError::Zero),
        Ok(d) => Ok(d),
        Err(source) => Err(DurationError::Invalid { source }),
    }
}

/// A short phrase for why `error` refused the text, for a diagnostic's label. Never quotes the
/// text (it may hold anything the user typed).
pub(crate) fn reason(error: &DurationError) -> &'static str {
    match error {
        DurationError::Empty => "empty",
        DurationError::Zero => "zero",
        DurationError::Invalid { source } => match source {
            humantime::DurationError::InvalidCharacter(_) => "unexpected character",
            humantime::DurationError::NumberExpected(_) => "expected a number",
            humantime::DurationError::UnknownUnit { .. } => "unknown unit",
            humantime::DurationError::NumberOverflow => "too large",
            humantime::DurationError::Empty => "empty",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        let cases = [
            ("30s", Duration::from_secs(30)),
            ("250ms", Duration::from_millis(250)),
            ("2m", Duration::from_secs(120)),
            ("1h", Duration::from_secs(3600)),
            ("1m 30s", Duration::from_secs(90)),
            ("1d", Duration::from_secs(86_400)),
            ("500us", Duration::from_micros(500)),
            (" 5 seconds ", Duration::from_secs(5)),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn refuses_zero_empty_and_malformed_with_a_reason() {
        assert_eq!(parse("0s"), Err(DurationError::Zero));
        assert_eq!(parse("0ms 0s"), Err(DurationError::Zero));
        assert_eq!(parse("  "), Err(DurationError::Empty));
        for (text, why) in [
            ("30", "unknown unit"),
            ("30 parsecs", "unknown unit"),
            ("s", "expected a number"),
            ("-5s", "expected a number"),
            ("5s!", "unexpected character"),
            ("99999999999999999999999s", "too large"),
        ] {
            let err = parse(text).expect_err(text);
            assert!(matches!(err, DurationError::Invalid { .. }), "{text}");
            assert_eq!(reason(&err), why, "{text}");
            assert!(
                std::error::Error::source(&err).is_some(),
                "{text}: the parser's error is kept as the source"
            );
        }
    }
}
