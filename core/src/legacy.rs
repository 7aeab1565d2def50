//! The legacy backend `api_key_env` and its replacement: the credential name a migration
//! proposes, and the exact TOML the diagnostic, its fix and `cargo llmcfg migrate` write.

use crate::diagnostic::{Edit, Span};
use crate::suggest;

/// The credential name proposed for `env_var`: lowercased, without an `_api_key`/`_key`/`_token`
/// suffix (`OPENAI_CHAT_API_KEY` → `openai_chat`), made unique against `taken` with `_2`, `_3`, ….
pub fn credential_name_for_env(env_var: &str, taken: impl Fn(&str) -> bool) -> String {
    let lower = env_var.to_ascii_lowercase();
    let base = ["_api_key", "_apikey", "_key", "_token"]
        .iter()
        .find_map(|suffix| lower.strip_suffix(suffix))
        .unwrap_or(&lower)
        .trim_matches('_');
    let base = if base.is_empty() { "credential" } else { base };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| base.to_string())
}

/// The `[[TABLE.credentials]]` block declaring `name` as reading `env_var`.
pub fn credential_block(table: &str, name: &str, env_var: &str) -> String {
    format!(
        "[[{table}.credentials]]\nname = \"{name}\"\nkind = \"env\"\napi_key_env = \"{env_var}\"\n"
    )
}

/// What the fix of one legacy backend `api_key_env` line does.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fix<'a> {
    /// The bytes of `api_key_env = "…"`.
    pub(crate) line: Span,
    /// The credential the backend should reference; `None` when it already has a
    /// `credential_ref`, so the line only goes away.
    pub(crate) reference: Option<&'a str>,
    /// A credential to declare, `(name, env var)`, and where its table goes.
    pub(crate) declare: Option<((&'a str, &'a str), Insertion)>,
}

/// Where a new credential table goes, and the line breaks around it there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Insertion {
    /// The byte it goes before.
    pub(crate) at: usize,
    /// Written before the table (a blank line at the end of the file).
    lead: &'static str,
    /// Written after it (a blank line before what follows).
    trail: &'static str,
}

impl Insertion {
    /// `block` as inserted here.
    fn wrap(self, block: &str) -> String {
        format!("{}{block}{}", self.lead, self.trail)
    }
}

/// The edits of `fix` in the file of llm table `table`: the line replaced (or emptied), the
/// credential's table inserted. `None` when a name or variable cannot be written back as a plain
/// TOML string. Every legacy backend reading the same variable inserts the same table at the
/// same place, so tools that drop repeated identical edits (`check --fix`, rustfix) declare it
/// once.
pub(crate) fn fix_edits(table: &str, fix: Fix<'_>) -> Option<Vec<Edit>> {
    let replacement = match fix.reference {
        Some(name) => format!("credential_ref = {}", suggest::quoted(name)?),
        None => String::new(),
    };
    let mut edits = vec![Edit {
        span: fix.line,
        replacement,
    }];
    if let Some(((name, env), place)) = fix.declare {
        suggest::quoted(name)?;
        suggest::quoted(env)?;
        edits.push(Edit {
            span: Span::new(place.at, place.at),
            replacement: place.wrap(&credential_block(table, name, env)),
        });
    }
    Some(edits)
}

/// The bytes to remove for the line `api_key_env = "…"` at `span` to go: also the blanks after
/// it, and the line break when nothing else is on the line (a comment after it stays).
pub(crate) fn removal(text: &str, span: Span) -> Span {
    let rest = text.get(span.end..).unwrap_or("");
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let after = &rest[blanks..];
    let line_start = text
        .get(..span.start)
        .map_or(0, |t| t.rfind('\n').map_or(0, |i| i + 1));
    let alone = text
        .get(line_start..span.start)
        .is_some_and(|t| t.trim().is_empty());
    let end_of_line = if after.starts_with("\r\n") {
        Some(2)
    } else if after.starts_with('\n') {
        Some(1)
    } else {
        None
    };
    match end_of_line {
        Some(newline) if alone => Span::new(line_start, span.end + blanks + newline),
        _ => Span::new(span.start, span.end + blanks),
    }
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .map_or(0, |t| t.rfind('\n').map_or(0, |i| i + 1))
}

/// `line` (a line start) moved up over the comment lines directly above it: they describe
/// what follows, so nothing is inserted between them and it.
fn above_comments(text: &str, line: usize) -> usize {
    let mut at = line;
    while at > 0 {
        let above = line_start(text, at - 1);
        if !text
            .get(above..at)
            .is_some_and(|l| l.trim_start().starts_with('#'))
        {
            break;
        }
        at = above;
    }
    at
}

/// Where a credential table goes before the backend entry whose header starts at `header`: at
/// the start of its line, above its comments. `None` when the entry is not a `[[…]]` section
/// (an inline table).
pub(crate) fn before_entry(text: &str, header: usize) -> Option<Insertion> {
    let start = line_start(text, header);
    if !text.get(start..)?.trim_start().starts_with("[[") {
        return None;
    }
    Some(Insertion {
        at: above_comments(text, start),
        lead: "",
        trail: "\n",
    })
}

/// Where a credential table goes after the credential entry whose header starts at `header`:
/// before the next line that opens a table (above its comments), else at the end of the text.
/// `None` when the entry is not a `[[…]]` section. The caller checks the result parses: a line
/// inside a multi-line string or array may look like a header.
pub(crate) fn after_entry(text: &str, header: usize) -> Option<Insertion> {
    let start = line_start(text, header);
    if !text.get(start..)?.trim_start().starts_with("[[") {
        return None;
    }
    let body = text
        .get(start..)?
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let mut at = body;
    while at < text.len() {
        let line = &text[at..];
        if line.trim_start().starts_with('[') {
            return Some(Insertion {
                at: above_comments(text, at),
                lead: "",
                trail: "\n",
            });
        }
        at = line.find('\n').map_or(text.len(), |i| at + i + 1);
    }
    let lead = if text.ends_with('\n') { "\n" } else { "\n\n" };
    Some(Insertion {
        at: text.len(),
        lead,
        trail: "",
    })
}

/// The help of the `legacy-api-key-env` diagnostic. `existing` is a credential that already
/// reads `env_var`, which the backend should reference instead of declaring a new one.
pub(crate) fn help(table: &str, env_var: &str, existing: Option<&str>, proposed: &str) -> String {
    let tail = "`cargo llmcfg check --fix` (or `migrate --write`) rewrites every legacy backend of the file this way, keeping comments";
    match existing {
        Some(name) => format!(
            "credential `{name}` already reads `{env_var}`; in this backend replace the line with:\n\n\
             credential_ref = \"{name}\"\n\n{tail}"
        ),
        None => format!(
            "declare the credential once and reference it from the backend:\n\n{}\n\
             and in this backend replace the line with:\n\ncredential_ref = \"{proposed}\"\n\n{tail}",
            credential_block(table, proposed, env_var)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_line_takes_its_blanks_and_break_along() {
        let text = "a = 1\n  api_key_env = \"K\"  \nb = 2\napi_key_env = \"K\" # why\n";
        let first = text.find("api").unwrap_or_default();
        let span = Span::new(first, first + 17);
        let gone = removal(text, span);
        assert_eq!(&text[gone.range()], "  api_key_env = \"K\"  \n");
        let second = text.rfind("api").unwrap_or_default();
        let gone = removal(text, Span::new(second, second + 17));
        assert_eq!(&text[gone.range()], "api_key_env = \"K\" ");
    }

    #[test]
    fn credentials_go_above_the_backend_and_its_comments() {
        let text = "[llm]\n\n# main\n# backend\n[[llm.backends]]\nname = \"a\"\n";
        let header = text.find("[[").unwrap_or_default();
        let place = before_entry(text, header).map(|p| p.at);
        assert_eq!(place, text.find("# main"));
        let inline = "[llm]\nbackends = [{ name = \"a\" }]\n";
        let at = inline.find('{').unwrap_or_default();
        assert_eq!(before_entry(inline, at), None);
    }

    #[test]
    fn credentials_go_after_the_last_credential() {
        let text = "[[llm.credentials]]\nname = \"a\"\n\n# chat\n[[llm.backends]]\n";
        let place = after_entry(text, 0);
        assert_eq!(place.map(|p| p.at), text.find("# chat"));
        let last = "[[llm.credentials]]\nname = \"a\"";
        let place = after_entry(last, 0).unwrap_or(Insertion {
            at: 0,
            lead: "",
            trail: "",
        });
        assert_eq!(
            (place.at, place.wrap("X")),
            (last.len(), "\n\nX".to_string())
        );
    }

    #[test]
    fn fix_replaces_the_line_and_declares_the_credential() {
        let fix = Fix {
            line: Span::new(10, 20),
            reference: Some("openai"),
            declare: Some((
                ("openai", "OPENAI_API_KEY"),
                Insertion {
                    at: 3,
                    lead: "",
                    trail: "\n",
                },
            )),
        };
        let edits = fix_edits("llm", fix).unwrap_or_default();
        assert_eq!(edits[0].replacement, "credential_ref = \"openai\"");
        assert_eq!(edits[1].span, Span::new(3, 3));
        assert!(
            edits[1]
                .replacement
                .starts_with("[[llm.credentials]]\nname = \"openai\"\n")
        );
        let odd = Fix {
            reference: Some("a\"b"),
            ..fix
        };
        assert!(fix_edits("llm", odd).is_none());
    }

    #[test]
    fn names_from_env_vars() {
        assert_eq!(
            credential_name_for_env("OPENAI_CHAT_API_KEY", |_| false),
            "openai_chat"
        );
        assert_eq!(
            credential_name_for_env("OPENAI_API_KEY", |_| false),
            "openai"
        );
        assert_eq!(credential_name_for_env("HF_TOKEN", |_| false), "hf");
        assert_eq!(credential_name_for_env("API_KEY", |_| false), "api");
        assert_eq!(credential_name_for_env("_KEY", |_| false), "credential");
        assert_eq!(
            credential_name_for_env("OPENAI_API_KEY", |n| n == "openai"),
            "openai_2"
        );
        assert_eq!(
            credential_name_for_env("OPENAI_API_KEY", |n| n == "openai" || n == "openai_2"),
            "openai_3"
        );
    }
}
