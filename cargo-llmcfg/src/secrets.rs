//! `cargo llmcfg secrets`: set, show, list and delete secrets in the embedded store.
//!
//! Values are printed only by `show --show-values`; every other output, including every error,
//! carries names only. Malformed assignments are refused before the store is touched.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use clap::{Args, Subcommand, ValueEnum};
use llmcfg::store::{
    ExposeSecret, Secret, SecretStore, SecretString, SetOutcome, StoreError, Visibility,
};
use llmcfg_core::vocab::is_env_var_name;
use serde_json::{Value, json};

/// The `secrets` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum SecretsCommand {
    /// Create a secret or update some of its keys: `set NAME --KEY=VALUE… [--private]`.
    ///
    /// Assignments are `--KEY=VALUE` or `--KEY VALUE`; keys are environment-variable names.
    /// Given keys are added or overwritten, the others kept. Secrets are public (group-readable
    /// file, 0640) unless `--private` (0600) is given when the secret is created.
    /// Values on a command line are visible to `ps` and shell history: write `--KEY=-` to read
    /// that value from standard input (`pass show llm/openai | cargo llmcfg secrets set NAME
    /// --OPENAI_API_KEY=-`), or use a mounted file or a secret manager (`kind = "file"` /
    /// `kind = "command"`) on shared machines.
    Set(SetArgs),
    /// Show a secret's name, visibility and key names; values only with `--show-values`.
    Show(ShowArgs),
    /// List the secrets in the store, sorted by name.
    List(ListArgs),
    /// Delete a secret.
    Delete(DeleteArgs),
}

/// How results are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Text for people.
    #[default]
    Human,
    /// One JSON document on stdout; errors as JSON on stderr.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t)]
    output: OutputFormat,
}

#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// The secret's name: 1 to 128 characters of A-Z a-z 0-9 _ . - (not starting with '.').
    name: String,
    /// Create the secret private (owner-only, 0600). Applies on creation only.
    #[arg(long)]
    private: bool,
    #[command(flatten)]
    out: OutputArgs,
    /// The values to set: `--KEY=VALUE` or `--KEY VALUE`, one or more; `--KEY=-` reads that
    /// value from standard input.
    #[arg(value_name = "--KEY=VALUE", trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    assignments: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The secret's name.
    name: String,
    /// Print the values too.
    #[arg(long)]
    show_values: bool,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The secret's name.
    name: String,
    #[command(flatten)]
    out: OutputArgs,
}

/// A failed command: a stable code and a message, never a value. Always exit code 1: errors
/// clap detects (unknown option, missing NAME) exit 2 in `main`; everything this module checks,
/// assignments included, is a failed operation as the `secrets` contract specifies.
#[derive(Debug)]
struct Failure {
    code: &'static str,
    message: String,
}

impl Failure {
    fn usage(code: &'static str, message: String) -> Self {
        Self { code, message }
    }
    fn failed(code: &'static str, message: String) -> Self {
        Self { code, message }
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            let _ = write!(message, ": {cause}");
            source = cause.source();
        }
        Self::failed(err.code(), message)
    }
}

/// What a successful command prints.
struct Report {
    human: String,
    json: Value,
    /// A note for stderr (human output only).
    note: Option<String>,
}

pub(crate) fn run(cmd: SecretsCommand) -> u8 {
    let (command, format, result) = match cmd {
        SecretsCommand::Set(args) => {
            let parsed = parse_set_tokens(&args.assignments);
            let format = parsed.output.unwrap_or(args.out.output);
            let result = parsed
                .result
                .and_then(|assignments| read_stdin_values(assignments, std::io::stdin().lock()))
                .and_then(|assignments| {
                    set(&args.name, args.private || parsed.private, assignments)
                });
            ("secrets.set", format, result)
        }
        SecretsCommand::Show(args) => (
            "secrets.show",
            args.out.output,
            show(&args.name, args.show_values),
        ),
        SecretsCommand::List(args) => ("secrets.list", args.out.output, list()),
        SecretsCommand::Delete(args) => ("secrets.delete", args.out.output, delete(&args.name)),
    };
    match result {
        Ok(report) => {
            match format {
                OutputFormat::Human => {
                    print!("{}", report.human);
                    if let Some(note) = report.note {
                        eprintln!("note: {note}");
                    }
                }
                OutputFormat::Json => {
                    let mut doc = json!({ "command": command });
                    if let (Value::Object(doc), Value::Object(body)) = (&mut doc, report.json) {
                        doc.extend(body);
                    }
                    println!("{doc}");
                }
            }
            crate::exit::CLEAN
        }
        Err(failure) => {
            match format {
                OutputFormat::Human => eprintln!("error: {}", failure.message),
                OutputFormat::Json => eprintln!(
                    "{}",
                    json!({ "command": command, "error": { "code": failure.code, "message": failure.message } })
                ),
            }
            crate::exit::FAILURE
        }
    }
}

/// The tokens after `set NAME`, split into options and assignments.
struct ParsedSet {
    private: bool,
    output: Option<OutputFormat>,
    result: Result<Vec<(String, Assigned)>, Failure>,
}

/// Where an assigned value comes from.
enum Assigned {
    /// Written on the command line.
    Given(SecretString),
    /// `--KEY=-`: read from standard input, so it never appears in `ps` or shell history.
    Stdin,
}

/// The largest value read from standard input.
const MAX_STDIN_VALUE: u64 = 64 * 1024;

/// Turns `--KEY=-` into the value on standard input (one trailing newline stripped).
fn read_stdin_values(
    assignments: Vec<(String, Assigned)>,
    stdin: impl std::io::Read,
) -> Result<Vec<(String, SecretString)>, Failure> {
    let mut stdin = Some(stdin);
    assignments
        .into_iter()
        .map(|(key, value)| match value {
            Assigned::Given(value) => Ok((key, value)),
            Assigned::Stdin => {
                let mut text = zeroize::Zeroizing::new(String::new());
                let reader = stdin.take().ok_or_else(|| {
                    Failure::usage("stdin-twice", format!("--{key}=-: only one value can be read from standard input"))
                })?;
                std::io::Read::read_to_string(&mut std::io::Read::take(reader, MAX_STDIN_VALUE + 1), &mut text)
                    .map_err(|e| Failure::usage("stdin", format!("--{key}=-: cannot read standard input: {e}")))?;
                if text.len() as u64 > MAX_STDIN_VALUE {
                    return Err(Failure::usage("stdin", format!("--{key}=-: the value on standard input is larger than {MAX_STDIN_VALUE} bytes")));
                }
                let value = text.strip_suffix('\n').map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
                if value.is_empty() {
                    return Err(Failure::usage("empty-value", format!("--{key}=- read an empty value from standard input: a secret value cannot be empty")));
                }
                Ok((key, SecretString::from(value)))
            }
        })
        .collect()
}

/// Parses `--KEY=VALUE` / `--KEY VALUE` assignments, with `--private` and `-o/--output FORMAT`
/// allowed among them. No token that could be a value is ever echoed in an error: tokens are
/// named by position, and a key only once it is known to be a valid key name.
fn parse_set_tokens(tokens: &[String]) -> ParsedSet {
    let mut private = false;
    let mut output = None;
    let mut rest: Vec<(usize, &str)> = Vec::new();
    let mut option_error = None;
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens[i].as_str();
        let format_value = match tok {
            "--private" => {
                private = true;
                i += 1;
                continue;
            }
            "-o" | "--output" => {
                i += 1;
                tokens.get(i).map(String::as_str)
            }
            _ => tok
                .strip_prefix("--output=")
                .or_else(|| tok.strip_prefix("-o").filter(|v| !v.is_empty())),
        };
        match format_value {
            Some(value) => match OutputFormat::from_str(value, false) {
                Ok(f) => output = Some(f),
                Err(_) => {
                    option_error.get_or_insert_with(|| {
                        Failure::usage(
                            "invalid-output",
                            format!("invalid value {value:?} for --output: use human or json"),
                        )
                    });
                }
            },
            None if matches!(tok, "-o" | "--output") => {
                option_error.get_or_insert_with(|| {
                    Failure::usage(
                        "invalid-output",
                        "--output needs a value: human or json".to_owned(),
                    )
                });
            }
            None => rest.push((i + 1, tok)),
        }
        i += 1;
    }
    let result = match option_error {
        Some(err) => Err(err),
        None => parse_assignments(&rest),
    };
    ParsedSet {
        private,
        output,
        result,
    }
}

fn parse_assignments(tokens: &[(usize, &str)]) -> Result<Vec<(String, Assigned)>, Failure> {
    let mut out = Vec::new();
    let mut from_stdin = false;
    let mut seen = BTreeSet::new();
    let mut iter = tokens.iter().peekable();
    while let Some(&(pos, tok)) = iter.next() {
        if matches!(tok, "-h" | "--help") {
            return Err(Failure::usage(
                "usage",
                "for help, run `cargo llmcfg secrets set --help` (with nothing after --help)"
                    .to_owned(),
            ));
        }
        let Some(body) = tok.strip_prefix("--").filter(|b| !b.is_empty()) else {
            return Err(Failure::usage(
                "stray-argument",
                format!(
                    "argument {pos} after the secret name is not an assignment: write --KEY=VALUE or \
                     --KEY VALUE (the argument is not shown, in case it is a value)"
                ),
            ));
        };
        let (key, value) = match body.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (body, None),
        };
        if !is_env_var_name(key) {
            return Err(Failure::usage(
                "invalid-key",
                format!(
                    "argument {pos} after the secret name has an invalid key: keys are environment-variable \
                     names ([A-Za-z_][A-Za-z0-9_]*), e.g. --OPENAI_API_KEY=… (the argument is not shown, in \
                     case it is a value)"
                ),
            ));
        }
        let value = match value {
            Some(value) => value,
            None => match iter.peek() {
                Some(&&(_, next)) if next == "-" || !next.starts_with('-') => {
                    iter.next();
                    next
                }
                _ => {
                    return Err(Failure::usage(
                        "missing-value",
                        format!(
                            "--{key} has no value: write --{key}=VALUE or --{key} VALUE (use the `=` form \
                             for a value that starts with '-')"
                        ),
                    ));
                }
            },
        };
        if value.is_empty() {
            return Err(Failure::usage(
                "empty-value",
                format!("--{key} has an empty value: a secret value cannot be empty"),
            ));
        }
        if !seen.insert(key) {
            return Err(Failure::usage(
                "duplicate-key",
                format!("--{key} is given more than once"),
            ));
        }
        let value = if value == "-" {
            if std::mem::replace(&mut from_stdin, true) {
                return Err(Failure::usage(
                    "stdin-twice",
                    format!("--{key}=-: only one value can be read from standard input"),
                ));
            }
            Assigned::Stdin
        } else {
            Assigned::Given(SecretString::from(value))
        };
        out.push((key.to_owned(), value));
    }
    if out.is_empty() {
        return Err(Failure::usage(
            "no-assignment",
            "nothing to set: give at least one --KEY=VALUE, e.g. --OPENAI_API_KEY=sk-…".to_owned(),
        ));
    }
    Ok(out)
}

fn open_store() -> Result<SecretStore, Failure> {
    SecretStore::open_default().map_err(Failure::from)
}

fn set(
    name: &str,
    private: bool,
    assignments: Vec<(String, SecretString)>,
) -> Result<Report, Failure> {
    let store = open_store()?;
    let visibility = if private {
        Visibility::Private
    } else {
        Visibility::Public
    };
    let outcome = store.set(name, assignments, visibility)?;
    let SetOutcome {
        secret,
        created,
        added,
        overwritten,
        ..
    } = outcome;
    let human = if created {
        format!(
            "Created {} secret `{}` with {}: {}.\n",
            secret.visibility(),
            secret.name(),
            plural(secret.values().len(), "key", "keys"),
            join(secret.values().keys())
        )
    } else {
        let kept: Vec<&str> = secret
            .values()
            .keys()
            .filter(|k| !added.iter().chain(&overwritten).any(|g| g == k))
            .collect();
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("added {}", join(added.iter().map(String::as_str))));
        }
        if !overwritten.is_empty() {
            parts.push(format!(
                "overwrote {}",
                join(overwritten.iter().map(String::as_str))
            ));
        }
        if !kept.is_empty() {
            parts.push(format!("kept {}", join(kept.iter().copied())));
        }
        format!(
            "Updated {} secret `{}`: {}.\n",
            secret.visibility(),
            secret.name(),
            parts.join("; ")
        )
    };
    let note = (private && !created && !secret.is_private()).then(|| {
        format!(
            "--private applies only when a secret is created; `{}` stays public (delete and recreate it \
             to make it private)",
            secret.name()
        )
    });
    let mut json = json!({
        "created": created,
        "added": added,
        "overwritten": overwritten,
        "item": item_json(&secret, false),
    });
    if let (Some(note), Value::Object(map)) = (&note, &mut json) {
        map.insert("note".to_owned(), Value::String(note.clone()));
    }
    Ok(Report { human, json, note })
}

fn show(name: &str, show_values: bool) -> Result<Report, Failure> {
    let store = open_store()?;
    let secret = store.get(name)?.ok_or_else(|| not_found(name, &store))?;
    let mut human = String::new();
    let _ = writeln!(human, "name:       {}", secret.name());
    let _ = writeln!(human, "visibility: {}", secret.visibility());
    let _ = writeln!(human, "created:    {}", format_time(secret.created()));
    let _ = writeln!(human, "updated:    {}", format_time(secret.updated()));
    let _ = writeln!(human, "keys:");
    for (key, value) in secret.values().iter() {
        if show_values {
            let _ = writeln!(human, "  {key}={}", value.expose_secret());
        } else {
            let _ = writeln!(human, "  {key}");
        }
    }
    if !show_values {
        let _ = writeln!(human, "(values hidden; pass --show-values to print them)");
    }
    Ok(Report {
        human,
        json: json!({ "item": item_json(&secret, show_values) }),
        note: None,
    })
}

fn list() -> Result<Report, Failure> {
    let store = open_store()?;
    let secrets = store.list()?;
    let mut human = String::new();
    if secrets.is_empty() {
        let _ = writeln!(human, "No secrets in {}.", store.dir().display());
    } else {
        let width = secrets
            .iter()
            .map(|s| s.name().len())
            .max()
            .unwrap_or(0)
            .max("NAME".len());
        let _ = writeln!(human, "{:<width$}  {:<10}  KEYS", "NAME", "VISIBILITY");
        for secret in &secrets {
            let _ = writeln!(
                human,
                "{:<width$}  {:<10}  {}",
                secret.name(),
                secret.visibility().as_str(),
                join(secret.values().keys())
            );
        }
    }
    let items: Vec<Value> = secrets.iter().map(|s| item_json(s, false)).collect();
    Ok(Report {
        human,
        json: json!({ "items": items, "count": secrets.len() }),
        note: None,
    })
}

fn delete(name: &str) -> Result<Report, Failure> {
    let store = open_store()?;
    if !store.delete(name)? {
        return Err(not_found(name, &store));
    }
    Ok(Report {
        human: format!("Deleted secret `{name}`.\n"),
        json: json!({ "item": { "name": name, "deleted": true } }),
        note: None,
    })
}

fn not_found(name: &str, store: &SecretStore) -> Failure {
    Failure::failed(
        "not-found",
        format!(
            "no secret named `{name}` in {}; create it with `cargo llmcfg secrets set {name} --KEY=VALUE`",
            store.dir().display()
        ),
    )
}

fn item_json(secret: &Secret, with_values: bool) -> Value {
    let mut item = json!({
        "name": secret.name(),
        "visibility": secret.visibility().as_str(),
        "keys": secret.values().keys().collect::<Vec<_>>(),
        "created_at": secret.created(),
        "updated_at": secret.updated(),
    });
    if with_values && let Value::Object(map) = &mut item {
        let values: serde_json::Map<String, Value> = secret
            .values()
            .iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v.expose_secret().to_owned())))
            .collect();
        map.insert("values".to_owned(), Value::Object(values));
    }
    item
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
fn format_time(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    fn keys(t: &[&str]) -> Result<Vec<String>, &'static str> {
        let parsed = parse_set_tokens(&toks(t));
        parsed
            .result
            .map(|v| v.into_iter().map(|(k, _)| k).collect())
            .map_err(|f| f.code)
    }

    #[test]
    fn assignment_forms() {
        assert_eq!(
            keys(&["--A=1", "--B", "2"]),
            Ok(vec!["A".to_owned(), "B".to_owned()])
        );
        assert_eq!(keys(&["--A=x=y"]), Ok(vec!["A".to_owned()]));
        assert_eq!(keys(&[]), Err("no-assignment"));
        assert_eq!(keys(&["--A="]), Err("empty-value"));
        assert_eq!(keys(&["--A", ""]), Err("empty-value"));
        assert_eq!(keys(&["--A=1", "--A=2"]), Err("duplicate-key"));
        assert_eq!(keys(&["--A=1", "stray"]), Err("stray-argument"));
        assert_eq!(keys(&["--1A=1"]), Err("invalid-key"));
        assert_eq!(keys(&["--A"]), Err("missing-value"));
        assert_eq!(keys(&["--A", "--B=1"]), Err("missing-value"));
        assert_eq!(keys(&["--"]), Err("stray-argument"));
        assert_eq!(keys(&["--A=-", "--B=-"]), Err("stdin-twice"));
    }

    fn from_stdin(tokens: &[&str], input: &str) -> Result<Vec<(String, String)>, &'static str> {
        let parsed = parse_set_tokens(&toks(tokens)).result.map_err(|f| f.code)?;
        read_stdin_values(parsed, input.as_bytes())
            .map(|v| {
                v.into_iter()
                    .map(|(k, s)| (k, s.expose_secret().to_owned()))
                    .collect()
            })
            .map_err(|f| f.code)
    }

    #[test]
    fn a_value_can_come_from_stdin() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert_eq!(
            from_stdin(&["--A=-", "--B=2"], "sk-x\n"),
            Ok(vec![pair("A", "sk-x"), pair("B", "2")])
        );
        assert_eq!(
            from_stdin(&["--A", "-"], "sk-y\r\n"),
            Ok(vec![pair("A", "sk-y")])
        );
        // Only one trailing newline is the terminator; the rest is the value.
        assert_eq!(from_stdin(&["--A=-"], "v\n\n"), Ok(vec![pair("A", "v\n")]));
        assert_eq!(from_stdin(&["--A=-"], "\n"), Err("empty-value"));
        assert_eq!(from_stdin(&["--A=-"], &"x".repeat(70_000)), Err("stdin"));
    }

    #[test]
    fn options_among_assignments() {
        let parsed = parse_set_tokens(&toks(&["--A=1", "--private", "-o", "json", "--B", "2"]));
        assert!(parsed.private);
        assert_eq!(parsed.output, Some(OutputFormat::Json));
        assert_eq!(parsed.result.map(|v| v.len()).ok(), Some(2));
        assert_eq!(
            parse_set_tokens(&toks(&["--output=json", "--A=1"])).output,
            Some(OutputFormat::Json)
        );
        assert_eq!(
            parse_set_tokens(&toks(&["-ojson", "--A=1"])).output,
            Some(OutputFormat::Json)
        );
        assert!(
            parse_set_tokens(&toks(&["--A=1", "-o", "xml"]))
                .result
                .is_err()
        );
    }

    #[test]
    fn times() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_time(1_700_000_000), "2023-11-14 22:13:20 UTC");
        assert_eq!(format_time(951_782_400), "2000-02-29 00:00:00 UTC");
    }
}
