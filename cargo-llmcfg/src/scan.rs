//! A light scanner for `include_llm_config!("path", table = "…")` calls in Rust sources: skips
//! comments, strings, raw strings and char literals, so only real calls count.

use std::path::{Path, PathBuf};

/// One `include_llm_config!` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Call {
    /// The Rust file holding the call.
    pub(crate) file: PathBuf,
    /// 1-based line of the macro name.
    pub(crate) line: usize,
    /// The path argument, relative to the package root.
    pub(crate) path: String,
    /// The `table = "…"` argument.
    pub(crate) table: Option<String>,
}

const MACRO: &str = "include_llm_config";

/// Every call in `src/`, `examples/`, `tests/` and `benches/` of the package at `dir`, in
/// path order.
pub(crate) fn package_calls(dir: &Path) -> Vec<Call> {
    let mut files = Vec::new();
    for sub in ["src", "examples", "tests", "benches"] {
        collect_rs(&dir.join(sub), &mut files, 0);
    }
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if !text.contains(MACRO) {
            continue;
        }
        for (line, path, table) in calls(&text) {
            out.push(Call {
                file: file.clone(),
                line,
                path,
                table,
            });
        }
    }
    out
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_rs(&path, out, depth + 1);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A token of the light lexer.
#[derive(Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

/// The `(line, path, table)` of every call in `text`.
pub(crate) fn calls(text: &str) -> Vec<(usize, String, Option<String>)> {
    let toks = lex(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let (line, tok) = &toks[i];
        i += 1;
        if *tok != Tok::Ident(MACRO.into()) {
            continue;
        }
        if toks.get(i).map(|t| &t.1) != Some(&Tok::Punct('!')) {
            continue;
        }
        let Some((_, Tok::Punct(open @ ('(' | '[' | '{')))) = toks.get(i + 1) else {
            continue;
        };
        let close = match open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        let mut j = i + 2;
        let Some((_, Tok::Str(path))) = toks.get(j) else {
            continue;
        };
        j += 1;
        let mut table = None;
        while let Some((_, t)) = toks.get(j) {
            match t {
                Tok::Punct(c) if *c == close => break,
                Tok::Ident(name) if name == "table" => {
                    if let (Some((_, Tok::Punct('='))), Some((_, Tok::Str(v)))) =
                        (toks.get(j + 1), toks.get(j + 2))
                    {
                        table = Some(v.clone());
                        j += 2;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        out.push((*line, path.clone(), table));
        i = j;
    }
    out
}

/// Tokens with their 1-based line: identifiers, string literals (decoded for simple escapes),
/// punctuation. Comments, char literals, lifetimes and numbers are skipped.
fn lex(text: &str) -> Vec<(usize, Tok)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let n = chars.len();
    while i < n {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < n && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let mut depth = 0usize;
                while i < n {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if chars[i] == '\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
            }
            '"' => {
                let start_line = line;
                let (s, next, lines) = string(&chars, i + 1);
                line += lines;
                i = next;
                out.push((start_line, Tok::Str(s)));
            }
            '\'' => {
                // A char literal (`'a'`, `'\n'`, `'"'`) or a lifetime (`'a`).
                if chars.get(i + 1) == Some(&'\\') {
                    i += 2;
                    while i < n && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            }
            c if c == 'r' || c == 'b' || c == 'c' || c.is_alphabetic() || c == '_' => {
                // Raw strings `r#"…"#`, byte and C strings, or an identifier.
                if let Some((s, next, lines)) = raw_or_prefixed(&chars, i) {
                    out.push((line, Tok::Str(s)));
                    line += lines;
                    i = next;
                    continue;
                }
                let start = i;
                while i < n && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((line, Tok::Ident(chars[start..i].iter().collect())));
            }
            c if c.is_ascii_digit() => {
                while i < n && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
            }
            c if c.is_whitespace() => i += 1,
            c => {
                out.push((line, Tok::Punct(c)));
                i += 1;
            }
        }
    }
    out
}

/// A normal string body starting after the opening quote: (value, index after the closing
/// quote, newlines inside).
fn string(chars: &[char], mut i: usize) -> (String, usize, usize) {
    let mut s = String::new();
    let mut lines = 0;
    while i < chars.len() {
        match chars[i] {
            '"' => return (s, i + 1, lines),
            '\\' => {
                match chars.get(i + 1) {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('\\') => s.push('\\'),
                    Some('"') => s.push('"'),
                    Some('\'') => s.push('\''),
                    Some('\n') => {
                        lines += 1;
                        i += 2;
                        while i < chars.len() && chars[i].is_whitespace() {
                            if chars[i] == '\n' {
                                lines += 1;
                            }
                            i += 1;
                        }
                        continue;
                    }
                    Some(other) => {
                        s.push('\\');
                        s.push(*other);
                    }
                    None => {}
                }
                i += 2;
            }
            c => {
                if c == '\n' {
                    lines += 1;
                }
                s.push(c);
                i += 1;
            }
        }
    }
    (s, i, lines)
}

/// `r"…"`, `r#"…"#`, `b"…"`, `br#"…"#`, `c"…"` at `i`, if there is one.
fn raw_or_prefixed(chars: &[char], i: usize) -> Option<(String, usize, usize)> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    let raw = chars.get(j) == Some(&'r');
    if raw {
        j += 1;
    }
    if j == i {
        return None;
    }
    if !raw {
        if chars.get(j) != Some(&'"') {
            return None;
        }
        let (s, next, lines) = string(chars, j + 1);
        return Some((s, next, lines));
    }
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    let start = j;
    let mut lines = 0;
    while j < chars.len() {
        if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
            let s: String = chars[start..j].iter().collect();
            return Some((s, j + 1 + hashes, lines));
        }
        if chars[j] == '\n' {
            lines += 1;
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_calls_with_tables_and_skips_comments_and_strings() {
        let src = r####"
// llmcfg::include_llm_config!("commented.toml");
/* include_llm_config!("block.toml") /* nested */ */
const S: &str = "include_llm_config!(\"in-string.toml\")";
const R: &str = r#"include_llm_config!("raw.toml")"#;
fn f<'a>(x: &'a str) -> char { '"' }
llmcfg::include_llm_config!("llm.toml");
mod other {
    llmcfg::include_llm_config!(
        r"config/app.toml",
        table = "spearlet.llm"
    );
}
"####;
        let found = calls(src);
        assert_eq!(
            found,
            vec![
                (7, "llm.toml".to_string(), None),
                (
                    9,
                    "config/app.toml".to_string(),
                    Some("spearlet.llm".to_string())
                ),
            ]
        );
    }
}
