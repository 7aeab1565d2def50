//! What a key command is asked for ([`CommandSpec`]) and how its answer is read: the first line
//! of its stdout, or (`output = "json"`) an object with the key and when it expires.

use std::fmt;
use std::time::{Duration, SystemTime};

use secrecy::SecretString;

use super::command::{run_capturing, run_key_command};
use super::{DEFAULT_COMMAND_TIMEOUT, SourceError};
use crate::json;

/// How long before a command's `expires_at` its key is refreshed: long enough for a call
/// started with the key (a streamed answer can run for a minute) to reach the provider
/// before the key lapses.
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// What a key command prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CommandOutput {
    /// The key on the first line of stdout (the `pass` convention: later lines are ignored).
    #[default]
    Line,
    /// `{"api_key": "…", "expires_at": "<RFC 3339>"}`, the shape of AWS's
    /// `credential_process`; `expires_at` is optional, other fields are ignored.
    Json,
}

/// A key command as a credential describes it: the argv (run without a shell), how long its
/// key may be reused, what it prints and how long it may run.
///
/// `Debug` shows the program (argv\[0\]) only: the arguments may hold a token.
#[derive(Clone, Copy)]
pub struct CommandSpec<'a> {
    argv: &'a [&'a str],
    ttl: Option<Duration>,
    output: CommandOutput,
    timeout: Duration,
}

impl<'a> CommandSpec<'a> {
    /// `argv` printing its key on one line, reused for [`super::DEFAULT_KEY_TTL`], killed after
    /// [`DEFAULT_COMMAND_TIMEOUT`].
    pub fn new(argv: &'a [&'a str]) -> Self {
        Self {
            argv,
            ttl: None,
            output: CommandOutput::Line,
            timeout: DEFAULT_COMMAND_TIMEOUT,
        }
    }

    /// How long a key is reused before the command runs again; `None` for the default (see
    /// [`super::KeyCache`]), `Some(Duration::ZERO)` to run it on every lookup.
    pub fn ttl(mut self, ttl: Option<Duration>) -> Self {
        self.ttl = ttl;
        self
    }

    /// What the command prints.
    pub fn output(mut self, output: CommandOutput) -> Self {
        self.output = output;
        self
    }

    /// How long the command may run before its process group is killed.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The argv.
    pub fn argv(&self) -> &'a [&'a str] {
        self.argv
    }

    /// argv\[0\], the name errors and explanations show (`""` for an empty argv).
    pub fn program(&self) -> &'a str {
        self.argv.first().copied().unwrap_or("")
    }

    /// The TTL the credential set, if any.
    pub fn ttl_setting(&self) -> Option<Duration> {
        self.ttl
    }

    /// What the command prints.
    pub fn output_mode(&self) -> CommandOutput {
        self.output
    }

    /// How long the command may run.
    pub fn timeout_setting(&self) -> Duration {
        self.timeout
    }
}

impl fmt::Debug for CommandSpec<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandSpec")
            .field("program", &self.program())
            .field("ttl", &self.ttl)
            .field("output", &self.output)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A key a command printed, and when it expires if it said so. `Debug` redacts the key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FetchedKey {
    /// The key.
    pub key: SecretString,
    /// The `expires_at` of an `output = "json"` answer.
    pub expires_at: Option<SystemTime>,
}

/// What is wrong with an `output = "json"` answer. Never carries any of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonProblem {
    /// It is not a JSON object (or is followed by more than whitespace).
    NotAnObject,
    /// It has no `api_key` string.
    NoApiKey,
    /// Its `api_key` is empty or blank.
    EmptyApiKey,
    /// Its `api_key` holds a control character, which no key holds.
    ApiKeyNotAKey,
    /// Its `expires_at` is not an RFC 3339 time such as `2025-01-31T12:00:00Z`.
    BadExpiresAt,
}

impl fmt::Display for JsonProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JsonProblem::NotAnObject => "something that is not a JSON object",
            JsonProblem::NoApiKey => "a JSON object without an `api_key` string",
            JsonProblem::EmptyApiKey => "an empty `api_key`",
            JsonProblem::ApiKeyNotAKey => "an `api_key` holding a control character",
            JsonProblem::BadExpiresAt => {
                "an `expires_at` that is not an RFC 3339 time such as `2025-01-31T12:00:00Z`"
            }
        })
    }
}

/// Runs the command once, uncached, and reads its answer as `spec` says. An answer whose
/// `expires_at` has passed (by the system clock) is [`SourceError::CommandKeyExpired`].
pub fn fetch_command_key(spec: &CommandSpec<'_>) -> Result<FetchedKey, SourceError> {
    let fetched = fetch_unchecked(spec)?;
    check_not_expired(spec.program(), &fetched, SystemTime::now())?;
    Ok(fetched)
}

/// Runs the command and reads its answer, without looking at the clock.
pub(super) fn fetch_unchecked(spec: &CommandSpec<'_>) -> Result<FetchedKey, SourceError> {
    match spec.output {
        CommandOutput::Line => Ok(FetchedKey {
            key: run_key_command(spec.argv, spec.timeout)?,
            expires_at: None,
        }),
        CommandOutput::Json => {
            let printed = run_capturing(spec.argv, spec.timeout)?;
            parse_json_key(printed.program, &printed.stdout)
        }
    }
}

/// An expired answer is refused rather than cached.
pub(super) fn check_not_expired(
    program: &str,
    fetched: &FetchedKey,
    now: SystemTime,
) -> Result<(), SourceError> {
    match fetched.expires_at {
        Some(at) if at <= now => Err(SourceError::CommandKeyExpired {
            program: program.to_string(),
            expired_at: at,
        }),
        _ => Ok(()),
    }
}

/// The answer's fields. A string borrows from the zeroized stdout when it holds no escape.
struct Answer<'a> {
    api_key: Option<Field<'a>>,
    expires_at: Option<Field<'a>>,
}

/// A field's value: a string, or what kind of thing it is instead (never its content).
enum Field<'a> {
    /// Zeroized when dropped if it had to be decoded (`json::Key`).
    Str(json::Key<'a>),
    Null,
    Other,
}

/// Reads the answer: other fields are ignored, a field given twice is refused.
fn read_answer<'a>(r: &mut json::Reader<'a>) -> Result<Answer<'a>, json::Error> {
    let (mut api_key, mut expires_at) = (None, None);
    r.object("an object with `api_key`", |r, key| match key.as_str() {
        "api_key" => json::once(r, &mut api_key, "api_key", read_field),
        "expires_at" => json::once(r, &mut expires_at, "expires_at", read_field),
        _ => r.skip().map(drop),
    })?;
    Ok(Answer {
        api_key,
        expires_at,
    })
}

fn read_field<'a>(r: &mut json::Reader<'a>) -> Result<Field<'a>, json::Error> {
    match r.kind()? {
        json::Kind::String => r.string("a string").map(Field::Str),
        json::Kind::Null => r.skip().map(|_| Field::Null),
        _ => r.skip().map(|_| Field::Other),
    }
}

fn parse_json_key(program: &str, stdout: &[u8]) -> Result<FetchedKey, SourceError> {
    let bad = |problem| SourceError::CommandBadJson {
        program: program.to_string(),
        problem,
    };
    let text = std::str::from_utf8(stdout).map_err(|_| SourceError::CommandNotUtf8 {
        program: program.to_string(),
    })?;
    // Only an object is an answer (`["sk-…"]` is not). Which field is wrong is reported, never
    // the output.
    let answer = json::document(text, read_answer).map_err(|_| bad(JsonProblem::NotAnObject))?;
    let expires_at = match &answer.expires_at {
        None | Some(Field::Null) => None,
        Some(Field::Str(at)) => {
            Some(parse_rfc3339(at.as_str()).ok_or(bad(JsonProblem::BadExpiresAt))?)
        }
        Some(Field::Other) => return Err(bad(JsonProblem::BadExpiresAt)),
    };
    let Some(Field::Str(raw)) = &answer.api_key else {
        return Err(bad(JsonProblem::NoApiKey));
    };
    let key = check_key(raw.as_str()).map_err(bad)?;
    Ok(FetchedKey {
        key: SecretString::from(key),
        expires_at,
    })
}

fn check_key(raw: &str) -> Result<&str, JsonProblem> {
    let key = raw.trim();
    if key.is_empty() {
        return Err(JsonProblem::EmptyApiKey);
    }
    if key.chars().any(char::is_control) {
        return Err(JsonProblem::ApiKeyNotAKey);
    }
    Ok(key)
}

/// An RFC 3339 time: `humantime` reads the UTC (`Z`) form; a numeric offset (`+02:00`, which
/// many tools print) is taken off here first.
fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let text = text.trim().to_ascii_uppercase();
    if text.ends_with('Z') {
        return humantime::parse_rfc3339(&text).ok();
    }
    let split = text.len().checked_sub(6)?;
    let (local, offset) = (text.get(..split)?, text.get(split..)?.as_bytes());
    let digits = |a: u8, b: u8| -> Option<u64> {
        let (a, b) = ((a as char).to_digit(10)?, (b as char).to_digit(10)?);
        Some(u64::from(a * 10 + b))
    };
    let [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] = *offset else {
        return None;
    };
    let (hours, minutes) = (digits(h1, h2)?, digits(m1, m2)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let at_utc_clock = humantime::parse_rfc3339(&format!("{local}Z")).ok()?;
    let offset = Duration::from_secs(hours * 3600 + minutes * 60);
    // `12:00+02:00` is 10:00 UTC.
    if sign == b'+' {
        at_utc_clock.checked_sub(offset)
    } else {
        at_utc_clock.checked_add(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    const EPOCH_1_7E9: &str = "2023-11-14T22:13:20Z";

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn rfc3339_utc_and_offsets() {
        assert_eq!(parse_rfc3339(EPOCH_1_7E9), Some(at(1_700_000_000)));
        assert_eq!(
            parse_rfc3339("2023-11-14T22:13:20.5z"),
            Some(at(1_700_000_000) + Duration::from_millis(500))
        );
        assert_eq!(
            parse_rfc3339("2023-11-15T00:13:20+02:00"),
            Some(at(1_700_000_000))
        );
        assert_eq!(
            parse_rfc3339("2023-11-14T21:43:20-00:30"),
            Some(at(1_700_000_000))
        );
        for bad in [
            "",
            "tomorrow",
            "2023-11-14T22:13:20",
            "2023-11-14T22:13:20+2:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_json_answer_gives_the_key_and_its_expiry() {
        let out =
            br#"{"version": 1, "api_key": " sk-json ", "expires_at": "2023-11-14T22:13:20Z"}"#;
        let got = parse_json_key("vault", out).expect("parses");
        assert_eq!(got.key.expose_secret(), "sk-json");
        assert_eq!(got.expires_at, Some(at(1_700_000_000)));
        let escaped = parse_json_key("vault", br#"{"api_key": "sk-\u0061b"}"#).expect("parses");
        assert_eq!(escaped.key.expose_secret(), "sk-ab");
        assert_eq!(escaped.expires_at, None);
    }

    /// A malformed answer names the program and the field, never any of the output.
    #[test]
    fn a_malformed_answer_is_a_typed_reason_without_the_output() {
        let cases: [(&[u8], JsonProblem); 8] = [
            (b"sk-canary-plain", JsonProblem::NotAnObject),
            (br#"["sk-canary"]"#, JsonProblem::NotAnObject),
            (
                br#"{"api_key": "sk-canary"} trailing"#,
                JsonProblem::NotAnObject,
            ),
            (br#"{"key": "sk-canary"}"#, JsonProblem::NoApiKey),
            (br#"{"api_key": 12345}"#, JsonProblem::NoApiKey),
            (br#"{"api_key": "  "}"#, JsonProblem::EmptyApiKey),
            (
                br#"{"api_key": "sk-canary\u001b[2J"}"#,
                JsonProblem::ApiKeyNotAKey,
            ),
            (
                br#"{"api_key": "sk-canary", "expires_at": "sk-canary soon"}"#,
                JsonProblem::BadExpiresAt,
            ),
        ];
        for (out, want) in cases {
            let err = parse_json_key("op", out).expect_err("refused");
            assert_eq!(
                err,
                SourceError::CommandBadJson {
                    program: "op".into(),
                    problem: want
                }
            );
            let text = format!("{err} {err:?}");
            assert!(
                !text.contains("canary") && !text.contains("12345"),
                "{text}"
            );
            assert!(text.contains("key command `op`"), "{text}");
        }
        let err = parse_json_key("op", br#"{"api_key": "x", "expires_at": 5}"#).expect_err("num");
        assert!(matches!(
            err,
            SourceError::CommandBadJson {
                problem: JsonProblem::BadExpiresAt,
                ..
            }
        ));
    }

    #[test]
    fn an_expired_answer_is_refused() {
        let fetched = FetchedKey {
            key: SecretString::from("sk-canary"),
            expires_at: Some(at(1_700_000_000)),
        };
        let err = check_not_expired("vault", &fetched, at(1_700_000_000)).expect_err("expired");
        assert_eq!(
            err.to_string(),
            format!(
                "key command `vault` printed a key that expired at {EPOCH_1_7E9}: make it print a \
                 current one"
            )
        );
        assert!(check_not_expired("vault", &fetched, at(1_699_999_999)).is_ok());
    }

    #[test]
    fn fetch_runs_the_command_in_the_mode_asked() {
        let json = [
            "sh",
            "-c",
            r#"printf '{"api_key":"sk-j","expires_at":"2999-01-01T00:00:00Z"}'"#,
        ];
        let got =
            fetch_command_key(&CommandSpec::new(&json).output(CommandOutput::Json)).expect("json");
        assert_eq!(got.key.expose_secret(), "sk-j");
        assert!(got.expires_at.is_some());
        let line = ["sh", "-c", "printf 'sk-l\\nmeta\\n'"];
        let got = fetch_command_key(&CommandSpec::new(&line)).expect("line");
        assert_eq!((got.key.expose_secret(), got.expires_at), ("sk-l", None));
        let spec = CommandSpec::new(&["op", "read", "--token=sk-argv-canary"]);
        assert!(!format!("{spec:?}").contains("canary"), "{spec:?}");
    }
}
