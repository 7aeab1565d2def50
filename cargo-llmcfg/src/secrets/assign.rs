//! The tokens after `secrets set NAME`: `--KEY=VALUE` / `--KEY VALUE` assignments, with
//! `--private` and `-o/--output FORMAT` allowed among them, and `--KEY=-` read from standard
//! input. No token that could be a value is ever echoed in an error: tokens are named by
//! position, and a key only once it is known to be a valid key name.

use std::collections::BTreeSet;

use llmcfg::store::SecretString;
use llmcfg_core::vocab::is_env_var_name;

use crate::failure::Failure;
use crate::output::Format;

/// The tokens after `set NAME`, split into options and assignments.
pub(super) struct ParsedSet {
    pub(super) private: bool,
    pub(super) output: Option<Format>,
    pub(super) result: Result<Vec<(String, Assigned)>, Failure>,
}

/// Where an assigned value comes from.
pub(super) enum Assigned {
    /// Written on the command line.
    Given(SecretString),
    /// `--KEY=-`: read from standard input, so it never appears in `ps` or shell history.
    Stdin,
}

/// The largest value read from standard input.
const MAX_STDIN_VALUE: u64 = 64 * 1024;

/// Everything this module refuses is a failed operation (exit 1), as the `secrets` contract
/// specifies; clap's own usage errors exit 2 in `main`.
fn refuse(code: &'static str, message: impl Into<String>) -> Failure {
    Failure::failed(code, message)
}

/// Turns `--KEY=-` into the value on standard input (one trailing newline stripped).
pub(super) fn read_stdin_values(
    assignments: Vec<(String, Assigned)>,
    stdin: impl std::io::Read,
) -> Result<Vec<(String, SecretString)>, Failure> {
    let mut stdin = Some(stdin);
    assignments
        .into_iter()
        .map(|(key, value)| match value {
            Assigned::Given(value) => Ok((key, value)),
            Assigned::Stdin => {
                let reader = stdin.take().ok_or_else(|| {
                    refuse(
                        "stdin-twice",
                        format!("--{key}=-: only one value can be read from standard input"),
                    )
                })?;
                read_one(&key, reader).map(|value| (key, value))
            }
        })
        .collect()
}

fn read_one(key: &str, reader: impl std::io::Read) -> Result<SecretString, Failure> {
    let mut text = zeroize::Zeroizing::new(String::new());
    std::io::Read::read_to_string(&mut reader.take(MAX_STDIN_VALUE + 1), &mut text).map_err(
        |e| {
            refuse(
                "stdin",
                format!("--{key}=-: cannot read standard input: {e}"),
            )
        },
    )?;
    if text.len() as u64 > MAX_STDIN_VALUE {
        return Err(refuse(
            "stdin",
            format!(
                "--{key}=-: the value on standard input is larger than {MAX_STDIN_VALUE} bytes"
            ),
        ));
    }
    let value = text
        .strip_suffix('\n')
        .map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
    if value.trim().is_empty() {
        return Err(refuse(
            "empty-value",
            format!(
                "--{key}=- read an empty value from standard input (or only whitespace): a \
                 secret value cannot be empty"
            ),
        ));
    }
    Ok(SecretString::from(value))
}

/// The `-o`/`--output` value a token carries, if it is that option: `Some(None)` when the
/// value is missing.
fn output_value<'t>(tokens: &'t [String], i: &mut usize) -> Option<Option<&'t str>> {
    let tok = tokens[*i].as_str();
    if matches!(tok, "-o" | "--output") {
        *i += 1;
        return Some(tokens.get(*i).map(String::as_str));
    }
    tok.strip_prefix("--output=")
        .or_else(|| tok.strip_prefix("-o").filter(|v| !v.is_empty()))
        .map(Some)
}

/// Splits the tokens into `--private`, `-o FORMAT` and the assignments.
pub(super) fn parse_set_tokens(tokens: &[String]) -> ParsedSet {
    let mut private = false;
    let mut output = None;
    let mut rest: Vec<(usize, &str)> = Vec::new();
    let mut option_error = None;
    let mut i = 0;
    while i < tokens.len() {
        let at = i + 1;
        if tokens[i] == "--private" {
            private = true;
        } else if let Some(value) = output_value(tokens, &mut i) {
            match value.and_then(|v| {
                Format::from_name(v).filter(|f| matches!(f, Format::Human | Format::Json))
            }) {
                Some(format) => output = Some(format),
                // The value is never shown: `--PASSWORD -oXYZ` may mean a password `-oXYZ`.
                None => {
                    option_error.get_or_insert_with(|| {
                        refuse(
                            "invalid-output",
                            format!(
                                "argument {at} after the secret name is -o/--output without \
                                 `human` or `json` after it (the value is not shown, in case it \
                                 is a secret); for a value that starts with '-', write \
                                 --KEY=VALUE"
                            ),
                        )
                    });
                }
            }
        } else {
            rest.push((at, tokens[i].as_str()));
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

/// One `--KEY…` token: its key, checked, and the value written after `=`, if any.
fn key_of(pos: usize, tok: &str) -> Result<(&str, Option<&str>), Failure> {
    if matches!(tok, "-h" | "--help") {
        return Err(refuse(
            "usage",
            "for help, run `cargo llmcfg secrets set --help` (with nothing after --help)",
        ));
    }
    let Some(body) = tok.strip_prefix("--").filter(|b| !b.is_empty()) else {
        return Err(refuse(
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
        return Err(refuse(
            "invalid-key",
            format!(
                "argument {pos} after the secret name has an invalid key: keys are \
                 environment-variable names ([A-Za-z_][A-Za-z0-9_]*), e.g. --OPENAI_API_KEY=… \
                 (the argument is not shown, in case it is a value)"
            ),
        ));
    }
    Ok((key, value))
}

fn parse_assignments(tokens: &[(usize, &str)]) -> Result<Vec<(String, Assigned)>, Failure> {
    let mut out = Vec::new();
    let mut from_stdin = false;
    let mut seen = BTreeSet::new();
    let mut iter = tokens.iter().peekable();
    while let Some(&(pos, tok)) = iter.next() {
        let (key, value) = key_of(pos, tok)?;
        let value = match value {
            Some(value) => value,
            None => match iter.next_if(|&&(_, next)| next == "-" || !next.starts_with('-')) {
                Some(&(_, next)) => next,
                None => {
                    return Err(refuse(
                        "missing-value",
                        format!(
                            "--{key} has no value: write --{key}=VALUE or --{key} VALUE (use the \
                             `=` form for a value that starts with '-')"
                        ),
                    ));
                }
            },
        };
        if value.trim().is_empty() {
            return Err(refuse(
                "empty-value",
                format!(
                    "--{key} has an empty value (or only whitespace): a secret value cannot be \
                     empty"
                ),
            ));
        }
        if !seen.insert(key) {
            return Err(refuse(
                "duplicate-key",
                format!("--{key} is given more than once"),
            ));
        }
        let value = if value == "-" {
            if std::mem::replace(&mut from_stdin, true) {
                return Err(refuse(
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
        return Err(refuse(
            "no-assignment",
            "nothing to set: give at least one --KEY=VALUE, e.g. --OPENAI_API_KEY=sk-…",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcfg::store::ExposeSecret;

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

    #[test]
    fn blank_values_are_refused_like_empty_ones() {
        assert_eq!(keys(&["--A=   "]), Err("empty-value"));
        assert_eq!(keys(&["--A", " \t "]), Err("empty-value"));
        assert_eq!(from_stdin(&["--A=-"], "  \n"), Err("empty-value"));
    }

    #[test]
    fn a_bad_output_value_is_never_echoed() {
        for t in [
            &["--PASSWORD", "-oXYZ-secret"][..],
            &["--A=1", "-o", "XYZ-secret"],
            &["--A=1", "--output=XYZ-secret"],
        ] {
            let failure = parse_set_tokens(&toks(t)).result.err().expect("refused");
            assert_eq!(failure.code, "invalid-output");
            assert!(!failure.message.contains("XYZ"), "{}", failure.message);
        }
        let missing = parse_set_tokens(&toks(&["--A=1", "-o"])).result.err();
        assert_eq!(missing.map(|f| f.code), Some("invalid-output"));
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
        assert_eq!(parsed.output, Some(Format::Json));
        assert_eq!(parsed.result.map(|v| v.len()).ok(), Some(2));
        assert_eq!(
            parse_set_tokens(&toks(&["--output=json", "--A=1"])).output,
            Some(Format::Json)
        );
        assert_eq!(
            parse_set_tokens(&toks(&["-ojson", "--A=1"])).output,
            Some(Format::Json)
        );
        assert!(
            parse_set_tokens(&toks(&["--A=1", "-o", "xml"]))
                .result
                .is_err()
        );
    }
}
