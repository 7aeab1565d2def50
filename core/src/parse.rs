//! Phase one: the TOML text becomes toml's spanned tree (`DeTable`), the llm table is selected
//! by its dotted path, and typed readers turn spanned values into spanned Rust values, reporting
//! wrong types, unknown words and plaintext secrets as they go.

use toml::Spanned as TomlSpanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::Spanned;
use crate::suggest;

/// A spanned key of the raw tree.
pub(crate) type RawKey<'i> = TomlSpanned<DeString<'i>>;
/// A spanned value of the raw tree.
pub(crate) type RawValue<'i> = TomlSpanned<DeValue<'i>>;

/// Parses `text` into the spanned tree, keeping what could be read. Syntax errors come back as
/// diagnostics, one per line: toml's recovery reports follow-on errors that only repeat the first.
pub(crate) fn parse_toml(text: &str) -> (TomlSpanned<DeTable<'_>>, Vec<Diagnostic>) {
    let (root, errors) = DeTable::parse_recoverable(text);
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut last_line = None;
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        let line = text[..span.start.min(text.len())].matches('\n').count();
        if last_line == Some(line) {
            continue;
        }
        last_line = Some(line);
        let message = error.message().trim_end_matches('.').to_string();
        diags.push(
            Diagnostic::new(Code::TomlSyntax, span, format!("invalid TOML: {message}"))
                .with_label(message)
                .with_help("fix the TOML syntax here; the llm rules run once the file parses"),
        );
    }
    (root, diags)
}

/// Finds the table at dotted `path` (`spearlet.llm`) in `root`.
pub(crate) fn select<'a, 'i>(
    root: &'a TomlSpanned<DeTable<'i>>,
    path: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<(&'a DeTable<'i>, Span)> {
    let mut table = root.get_ref();
    let mut span = 0..0;
    let mut walked = String::new();
    for segment in path.split('.') {
        let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == segment) else {
            let here = if walked.is_empty() {
                "the file".to_string()
            } else {
                format!("`[{walked}]`")
            };
            let mut diag = Diagnostic::new(
                Code::TableNotFound,
                span.clone(),
                format!("no `[{path}]` table in {here}"),
            )
            .with_label(format!("expected `[{path}]`"));
            let keys = table.iter().map(|(k, _)| k.get_ref().as_ref());
            diag = match suggest::did_you_mean(segment, keys) {
                Some(near) => diag.with_help(format!(
                    "did you mean `{near}`? point `table` at the table that holds the llm config"
                )),
                None => diag.with_help(format!(
                    "add a `[{path}]` table with credentials, backends and aliases, or select another table with `table = \"…\"`"
                )),
            };
            diags.push(diag);
            return None;
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        span = value.span();
        let DeValue::Table(inner) = value.get_ref() else {
            diags.push(
                Diagnostic::new(
                    Code::WrongType,
                    key.span(),
                    format!(
                        "`{walked}` is a {}, not a table",
                        value.get_ref().type_str()
                    ),
                )
                .with_label("expected a table")
                .with_help(format!("`{path}` must be a table: `[{path}]`")),
            );
            return None;
        };
        table = inner;
    }
    Some((table, span))
}

/// Reads spanned values into typed ones, collecting diagnostics.
#[derive(Debug)]
pub(crate) struct Reader {
    /// The dotted path of the llm table, for help texts.
    pub(crate) table: String,
    pub(crate) diags: Vec<Diagnostic>,
}

impl Reader {
    pub(crate) fn new(table: &str) -> Self {
        Reader {
            table: table.to_string(),
            diags: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    fn wrong_type(&mut self, key: &str, value: &RawValue<'_>, expected: &str, example: &str) {
        self.push(
            Diagnostic::new(
                Code::WrongType,
                value.span(),
                format!(
                    "`{key}` must be {expected}, found {}",
                    value.get_ref().type_str()
                ),
            )
            .with_label(format!("expected {expected}"))
            .with_help(format!("write it as {example}")),
        );
    }

    /// A string value. Strings that look like API keys are reported as plaintext secrets.
    pub(crate) fn string(&mut self, key: &str, value: &RawValue<'_>) -> Option<Spanned<String>> {
        let Some(s) = value.get_ref().as_str() else {
            self.wrong_type(key, value, "a string", &format!("`{key} = \"…\"`"));
            return None;
        };
        if key != "api_key_env" && holds_secret(s) {
            self.plaintext_secret(key, value.span(), value.span());
            // Treated as absent: later messages would otherwise quote the key.
            return None;
        }
        Some(Spanned::new(s.to_string(), value.span()))
    }

    /// A boolean value.
    pub(crate) fn boolean(&mut self, key: &str, value: &RawValue<'_>) -> Option<bool> {
        let b = value.get_ref().as_bool();
        if b.is_none() {
            self.wrong_type(
                key,
                value,
                "a boolean",
                &format!("`{key} = true` or `{key} = false`"),
            );
        }
        b
    }

    /// An integer within `min..=max`; `example` is the value help texts propose.
    pub(crate) fn integer(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
        (min, max): (i64, i64),
        example: i64,
    ) -> Option<i64> {
        let Some(int) = value.get_ref().as_integer() else {
            self.wrong_type(key, value, "an integer", &format!("`{key} = {example}`"));
            return None;
        };
        let parsed = i128::from_str_radix(int.as_str(), int.radix()).ok();
        match parsed {
            Some(n) if (i128::from(min)..=i128::from(max)).contains(&n) => i64::try_from(n).ok(),
            _ => {
                let (message, help) = if max == i64::MAX {
                    (
                        format!("`{key}` must not be negative"),
                        format!("write 0 or a positive number, e.g. `{key} = {example}`"),
                    )
                } else {
                    (
                        format!("`{key}` must be between {min} and {max}"),
                        format!("write a value from {min} to {max}, e.g. `{key} = {example}`"),
                    )
                };
                self.push(
                    Diagnostic::new(Code::OutOfRange, value.span(), message)
                        .with_label("out of range")
                        .with_help(help),
                );
                None
            }
        }
    }

    /// An array of strings; elements of another type are reported and skipped.
    pub(crate) fn strings(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
    ) -> Option<Vec<Spanned<String>>> {
        let Some(array) = value.get_ref().as_array() else {
            // A single string only lacks its brackets.
            let example = match value.get_ref().as_str() {
                Some(one) if !one.contains(['"', '\\', '\n']) => format!("`{key} = [\"{one}\"]`"),
                _ => format!("`{key} = [\"…\"]`"),
            };
            self.wrong_type(key, value, "an array of strings", &example);
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for item in array.iter() {
            if let Some(s) = self.string(key, item) {
                out.push(s);
            }
        }
        Some(out)
    }

    /// An array of vocabulary words (ops, transports), each checked with "did you mean".
    pub(crate) fn words<T: Copy + PartialEq>(
        &mut self,
        key: &str,
        value: &RawValue<'_>,
        vocab: Vocab<T>,
    ) -> Option<Vec<Spanned<T>>> {
        let items = self.strings(key, value)?;
        let mut out: Vec<Spanned<T>> = Vec::with_capacity(items.len());
        for item in items {
            let Some(word) = self.word(&item, vocab) else {
                continue;
            };
            if let Some(first) = out.iter().find(|w| w.value == word) {
                let first = first.span.clone();
                self.push(
                    Diagnostic::new(
                        Code::DuplicateEntry,
                        item.span.clone(),
                        format!("`{}` is listed twice in `{key}`", item.value),
                    )
                    .with_label("repeated here")
                    .with_related(first, "first listed here")
                    .with_help(format!("remove the second `\"{}\"`", item.value)),
                );
                continue;
            }
            out.push(Spanned::new(word, item.span));
        }
        Some(out)
    }

    /// One vocabulary word, with "did you mean" when unknown.
    pub(crate) fn word<T: Copy>(&mut self, item: &Spanned<String>, vocab: Vocab<T>) -> Option<T> {
        if let Some(word) = (vocab.parse)(&item.value) {
            return Some(word);
        }
        let words = (vocab.words)();
        let near = (vocab.near)(&item.value)
            .or_else(|| suggest::did_you_mean(&item.value, words.iter().copied()));
        let hint = near.map_or_else(String::new, |n| format!("did you mean `{n}`?"));
        let expected = suggest::one_of(words.iter().copied());
        let help = match near {
            Some(near) => format!(
                "write `\"{near}\"`; the {} values are {expected}",
                vocab.what
            ),
            None => format!("use one of {expected}"),
        };
        self.push(
            Diagnostic::new(
                vocab.code,
                item.span.clone(),
                format!("unknown {} `{}`", vocab.what, item.value),
            )
            .with_label(if hint.is_empty() {
                format!("not a known {}", vocab.what)
            } else {
                hint
            })
            .with_help(help),
        );
        None
    }

    /// Reports a key the schema does not know at `key`, unless it is a plaintext secret, and
    /// scans its value for secrets nested deeper.
    pub(crate) fn unknown_key(
        &mut self,
        key: &RawKey<'_>,
        value: &RawValue<'_>,
        known: &[&str],
        place: &str,
    ) {
        let name = key.get_ref().as_ref();
        if is_secret_key(name) && value.get_ref().is_str() {
            self.plaintext_secret(name, key.span().start..value.span().end, value.span());
            return;
        }
        let near = suggest::did_you_mean(name, known.iter().copied());
        let hint = near.map_or_else(String::new, |n| format!("did you mean `{n}`?"));
        let help = match near {
            Some(near) => format!("rename `{name}` to `{near}`"),
            None => format!(
                "remove it; {place} accepts {}",
                suggest::one_of(known.iter().copied())
            ),
        };
        self.push(
            Diagnostic::new(
                Code::UnknownField,
                key.span(),
                format!("unknown field `{name}` in {place}"),
            )
            .with_label(if hint.is_empty() {
                "unknown field".to_string()
            } else {
                hint
            })
            .with_help(help),
        );
        self.scan_secrets(value);
    }

    /// Reports secret-looking keys anywhere inside `value`.
    pub(crate) fn scan_secrets(&mut self, value: &RawValue<'_>) {
        match value.get_ref() {
            DeValue::Table(table) => {
                for (k, v) in table.iter() {
                    if is_secret_key(k.get_ref()) && v.get_ref().is_str() {
                        self.plaintext_secret(k.get_ref(), k.span().start..v.span().end, v.span());
                    } else {
                        self.scan_secrets(v);
                    }
                }
            }
            DeValue::Array(array) => array.iter().for_each(|v| self.scan_secrets(v)),
            DeValue::String(s) if holds_secret(s) => {
                self.plaintext_secret("value", value.span(), value.span());
            }
            _ => {}
        }
    }

    /// Reports the secret at `value` (inside `span`); the value is masked in every snippet.
    fn plaintext_secret(&mut self, key: &str, span: Span, value: Span) {
        let table = &self.table;
        self.push(
            Diagnostic::new(Code::PlaintextSecret, span, format!("`{key}` holds a secret in plain text"))
                .with_secret(value)
                .with_label("a key, token or password written into the file")
                .with_help(format!(
                    "remove the value and rotate it; name the env var that holds it instead:\n\n\
                     [[{table}.credentials]]\nname = \"openai\"\napi_key_env = \"OPENAI_API_KEY\"\n\n\
                     then `export OPENAI_API_KEY=…` or `cargo llmcfg secrets set NAME --OPENAI_API_KEY=…`"
                )),
        );
    }
}

/// A closed vocabulary as the reader needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Vocab<T> {
    pub(crate) what: &'static str,
    pub(crate) code: Code,
    pub(crate) parse: fn(&str) -> Option<T>,
    pub(crate) words: fn() -> Vec<&'static str>,
    /// A word-specific suggestion tried before spelling distance (a provider name written as
    /// a backend kind: `openai` → `openai_chat_completion`).
    pub(crate) near: fn(&str) -> Option<&'static str>,
}

/// Whether a key name is one that holds a secret value (`api_key`, `token`, `password`, …).
/// `api_key_env` (a variable's name) and `secret` (a store entry's name) are not.
pub(crate) fn is_secret_key(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    const EXACT: &[&str] = &[
        "api_key",
        "apikey",
        "key",
        "token",
        "access_token",
        "auth_token",
        "bearer",
        "bearer_token",
        "password",
        "passwd",
        "pass",
        "secret_key",
        "client_secret",
        "private_key",
        "api_token",
        "authorization",
        "auth",
    ];
    const SUFFIXES: &[&str] = &[
        "_api_key",
        "_apikey",
        "_token",
        "_password",
        "_secret",
        "_secret_key",
        "_passwd",
    ];
    EXACT.contains(&n.as_str()) || SUFFIXES.iter().any(|s| n.ends_with(s))
}

/// Whether a string value holds a secret anywhere in it: it is key-shaped, a token in it is
/// (`--token=sk-…`, `https://host/v1?key=sk-…`), or it is a URL with a password in its userinfo.
pub(crate) fn holds_secret(s: &str) -> bool {
    has_key_prefix(s) || !crate::snippet::key_tokens(s).is_empty() || url_password(s)
}

/// Whether `s` is a URL whose userinfo has a password (`https://user:pass@host`). The authority
/// ends at the first `/`, `?` or `#` after `://` and the userinfo at its last `@`, as URL
/// parsers read it.
fn url_password(s: &str) -> bool {
    let Some(scheme_end) = s.find("://") else {
        return false;
    };
    let rest = &s[scheme_end + 3..];
    let authority = rest.find(['/', '?', '#']).map_or(rest, |end| &rest[..end]);
    authority
        .rfind('@')
        .and_then(|at| authority[..at].split_once(':'))
        .is_some_and(|(_, password)| !password.is_empty())
}

/// Whether a string starts like a provider's API key (`sk-…`, `sk-ant-…`, `gsk_…`, `AIza…`).
pub(crate) fn has_key_prefix(s: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "sk-",
        "sk_live_",
        "sk_test_",
        "gsk_",
        "xai-",
        "AIza",
        "ghp_",
        "github_pat_",
        "glpat-",
        "hf_",
        "pplx-",
        "r8_",
        "csk-",
        "fw_",
    ];
    s.len() >= 20
        && !s.contains(char::is_whitespace)
        && !s.contains("://")
        && PREFIXES.iter().any(|p| s.starts_with(p))
}

/// Whether an `api_key_env` value looks like a key rather than a variable name.
pub(crate) fn looks_like_key(s: &str) -> bool {
    if has_key_prefix(s) {
        return true;
    }
    let (mut lower, mut upper, mut digit) = (false, false, false);
    for c in s.chars() {
        lower |= c.is_ascii_lowercase();
        upper |= c.is_ascii_uppercase();
        digit |= c.is_ascii_digit();
    }
    // Variable names are words; keys are long runs of mixed-case letters and digits.
    s.len() >= 24
        && lower
        && digit
        && (upper || s.contains('-'))
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for k in [
            "api_key",
            "API-KEY",
            "token",
            "openai_token",
            "password",
            "client_secret",
            "key",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "api_key_env",
            "secret",
            "max_tokens",
            "name",
            "keys",
            "secret_ref",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn keys_versus_names() {
        assert!(looks_like_key("sk-proj-abcdefghijklmnop1234"));
        assert!(looks_like_key("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOp"));
        assert!(looks_like_key("a8F3kLq92mZx7Pw4Rt6Yb1Nc"));
        assert!(!looks_like_key("OPENAI_API_KEY"));
        assert!(!looks_like_key("my_very_long_service_api_key_variable"));
        assert!(!has_key_prefix("sk-short"));
    }

    #[test]
    fn secrets_are_found_anywhere_inside_a_string() {
        let key = "sk-proj-Canary0123456789abcdefXYZ";
        for s in [
            format!("--token={key}"),
            format!("https://api.example.com/v1?api_key={key}"),
            format!("https://api.example.com/{key}/v1"),
            "https://user:hunter2@api.example.com/v1".to_string(),
            key.to_string(),
        ] {
            assert!(holds_secret(&s), "{s}");
        }
        for s in [
            "https://user@api.example.com/v1",
            "https://api.example.com/v1?q=a:b@c",
            "anthropic/claude-3-5-sonnet-20241022",
            "vault",
        ] {
            assert!(!holds_secret(s), "{s}");
        }
    }

    #[test]
    fn syntax_errors_one_per_line() {
        let (_, diags) = parse_toml("a = [1,\nb = 2\n");
        assert!(!diags.is_empty());
        let lines: Vec<usize> = diags.iter().map(|d| d.span.start).collect();
        assert!(
            diags.iter().all(|d| d.code == Code::TomlSyntax),
            "{lines:?}"
        );
    }
}
