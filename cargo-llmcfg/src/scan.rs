//! Finding `include_llm_config!("path", table = "…")` calls in Rust sources, through
//! proc_macro2's tokenizer: comments, strings, raw strings and char literals are never calls.

use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};

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

/// The `(line, path, table)` of every call in `text`. The file is tokenized with proc_macro2,
/// so comments, strings, raw strings and char literals never count; a file that does not lex
/// as Rust has no calls.
pub(crate) fn calls(text: &str) -> Vec<(usize, String, Option<String>)> {
    let Ok(tokens) = text.parse::<TokenStream>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(tokens, &mut out);
    out
}

/// Finds `include_llm_config ! (…)` in `tokens` and in every group below it.
fn walk(tokens: TokenStream, out: &mut Vec<(usize, String, Option<String>)>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in tokens.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == MACRO => {
                if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(args))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                    && bang.as_char() == '!'
                    && let Some((path, table)) = arguments(args.stream())
                {
                    out.push((ident.span().start().line, path, table));
                }
            }
            TokenTree::Group(group) => walk(group.stream(), out),
            _ => {}
        }
    }
}

/// The path literal and the `table = "…"` argument of a call.
fn arguments(args: TokenStream) -> Option<(String, Option<String>)> {
    let args: Vec<TokenTree> = args.into_iter().collect();
    let TokenTree::Literal(path) = args.first()? else {
        return None;
    };
    let path = unquote(&path.to_string())?;
    let table = args.windows(3).find_map(|w| match w {
        [
            TokenTree::Ident(key),
            TokenTree::Punct(eq),
            TokenTree::Literal(value),
        ] if key == "table" && eq.as_char() == '=' => unquote(&value.to_string()),
        _ => None,
    });
    Some((path, table))
}

/// The value of a string literal as written in source: `"…"` with its escapes, or a raw
/// `r#"…"#`; `None` for any other literal.
fn unquote(repr: &str) -> Option<String> {
    if let Some(raw) = repr.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return body.strip_prefix('"')?.strip_suffix('"').map(str::to_owned);
    }
    let body = repr.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\n' => {
                // A line continuation: the break and the next line's leading whitespace go.
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
            }
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            other => out.push(other),
        }
    }
    Some(out)
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
        assert_eq!(unquote(r#""a\\\"b\u{41}""#).as_deref(), Some("a\\\"bA"));
        assert_eq!(unquote(r###"r##"x"y"##"###).as_deref(), Some("x\"y"));
        assert_eq!(calls("fn broken( {"), Vec::new());
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
