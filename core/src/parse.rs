//! Phase one: the TOML text becomes toml's spanned tree (`DeTable`) and the llm table is
//! selected by its dotted path; what looks like a secret is told here too. Phase two, the typed
//! readers, is [`crate::read`].

use toml::Spanned as TomlSpanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::diags::{self, Sink, WrongType};
use crate::suggest;

/// A spanned key of the raw tree.
pub(crate) type RawKey<'i> = TomlSpanned<DeString<'i>>;
/// A spanned value of the raw tree.
pub(crate) type RawValue<'i> = TomlSpanned<DeValue<'i>>;

/// The entries of `table` in file order. toml keeps a table sorted by key unless its
/// `preserve_order` feature is on, which would add `indexmap` and `hashbrown` (about 1.2 s of
/// CPU) to every build of the macro; diagnostics, headers and suggestions follow the file.
pub(crate) fn entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a RawKey<'i>, &'a RawValue<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

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
    sink: &mut Sink,
) -> Option<(&'a DeTable<'i>, Span)> {
    let mut table = root.get_ref();
    let mut span = Span::default();
    let mut walked = String::new();
    for segment in path.split('.') {
        let Some((key, value)) = table.iter().find(|(k, _)| k.get_ref() == segment) else {
            let here = if walked.is_empty() {
                "the file".to_string()
            } else {
                format!("`[{walked}]`")
            };
            let keys = entries(table)
                .into_iter()
                .map(|(k, _)| k.get_ref().as_ref());
            let near = suggest::did_you_mean(segment, keys);
            sink.push(diags::table_not_found(span, path, &here, near));
            return None;
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        span = value.span().into();
        let DeValue::Table(inner) = value.get_ref() else {
            let what = WrongType::Selected {
                walked: &walked,
                found: value.get_ref().type_str(),
                path,
            };
            sink.push(diags::wrong_type(key.span().into(), what));
            return None;
        };
        table = inner;
    }
    Some((table, span))
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

    /// toml sorts a table's keys unless `preserve_order` is on (it is not): the readers see the
    /// file's order all the same, in `[section]` and `{ inline }` tables.
    #[test]
    fn entries_come_in_file_order() {
        let text = "[t]\nzeta = 1\nalpha = 2\nmid = { z = 1, a = 2 }\n";
        let (root, errors) = parse_toml(text);
        assert!(errors.is_empty(), "{errors:?}");
        let t = root.get_ref().get("t").and_then(|v| v.get_ref().as_table());
        let t = t.expect("table t");
        let names = |table| {
            entries(table)
                .iter()
                .map(|(k, _)| k.get_ref().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(t), ["zeta", "alpha", "mid"]);
        let inline = t
            .get("mid")
            .and_then(|v| v.get_ref().as_table())
            .expect("inline");
        assert_eq!(names(inline), ["z", "a"]);
    }

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
