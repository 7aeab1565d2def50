//! The value of a string literal token, as rustc lexed it (`"llm.toml"`, `r#"a "b""#`).
//!
//! The macro's arguments are a few string literals, so reading them here costs ~100 lines where
//! a parser crate (syn) cost a second syn major in every application (issue 12). The token's
//! text comes from rustc, which has already rejected malformed escapes; this only decodes them.

/// A string literal's kind of token, as the argument errors name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LitKind {
    Str,
    ByteStr,
    CStr,
    Byte,
    Char,
    Int,
    Float,
}

/// Which kind of literal the token text `repr` is.
pub(crate) fn kind(repr: &str) -> LitKind {
    let starts = |p: &str| repr.starts_with(p);
    if starts("\"") || starts("r\"") || starts("r#") {
        LitKind::Str
    } else if starts("b\"") || starts("br") {
        LitKind::ByteStr
    } else if starts("c\"") || starts("cr") {
        LitKind::CStr
    } else if starts("b'") {
        LitKind::Byte
    } else if starts("'") {
        LitKind::Char
    } else if is_float(repr) {
        LitKind::Float
    } else {
        LitKind::Int
    }
}

fn is_float(repr: &str) -> bool {
    if ["0x", "0o", "0b"].iter().any(|p| repr.starts_with(p)) {
        return false;
    }
    // The digits, then what follows them: a `.` or an exponent makes a float, and so does an
    // `f32`/`f64` suffix; any other suffix (`1usize`) is an integer's.
    let rest = repr.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    let mut next = rest.chars();
    match next.next() {
        Some('.') => true,
        Some('e' | 'E') => next
            .next()
            .is_some_and(|c| c.is_ascii_digit() || "+-_".contains(c)),
        _ => rest == "f32" || rest == "f64",
    }
}

/// A string literal's value and suffix (`"a"x` has the suffix `x`); `None` if `repr` is not a
/// (raw) string literal.
pub(crate) fn string(repr: &str) -> Option<(String, &str)> {
    if let Some(raw) = repr.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = body.rfind(&close)?;
        return Some((body[..end].to_owned(), &body[end + close.len()..]));
    }
    let body = repr.strip_prefix('"')?;
    let end = body.rfind('"')?;
    Some((cooked(&body[..end])?, &body[end + 1..]))
}

/// Decodes the escapes of a (non-raw) string literal's contents.
fn cooked(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            // A literal CRLF inside a string is one newline, as rustc reads it.
            if c == '\r' && chars.peek() == Some(&'\n') {
                continue;
            }
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = [chars.next()?, chars.next()?].iter().collect();
                let byte = u8::from_str_radix(&hex, 16).ok().filter(|b| b.is_ascii())?;
                out.push(char::from(byte));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex.replace('_', ""), 16).ok()?;
                out.push(char::from_u32(code)?);
            }
            // `\` at the end of a line continues the string: the newline and the next line's
            // leading whitespace are not part of it.
            '\n' | '\r' => while chars.next_if(|c| c.is_whitespace()).is_some() {},
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Literal;

    fn value(repr: &str) -> Option<String> {
        string(repr).map(|(v, _)| v)
    }

    #[test]
    fn plain_strings_and_every_escape() {
        assert_eq!(value(r#""llm.toml""#).as_deref(), Some("llm.toml"));
        assert_eq!(value(r#""a\nb\tc""#).as_deref(), Some("a\nb\tc"));
        assert_eq!(value(r#""back\\slash""#).as_deref(), Some("back\\slash"));
        assert_eq!(value(r#""say \"hi\"""#).as_deref(), Some("say \"hi\""));
        assert_eq!(value(r#""it\'s""#).as_deref(), Some("it's"));
        assert_eq!(value(r#""\r\0""#).as_deref(), Some("\r\0"));
        assert_eq!(value(r#""\x41\x7f""#).as_deref(), Some("A\u{7f}"));
        assert_eq!(
            value(r#""\u{e9}\u{1F680}\u{1_F680}""#).as_deref(),
            Some("é🚀🚀")
        );
        assert_eq!(value("\"a\\\n    b\"").as_deref(), Some("ab"));
        assert_eq!(value("\"a\r\nb\"").as_deref(), Some("a\nb"));
        assert_eq!(value(r#""""#).as_deref(), Some(""));
        assert_eq!(
            value(r#""日本/llm.toml""#).as_deref(),
            Some("日本/llm.toml")
        );
    }

    #[test]
    fn raw_strings_keep_backslashes_and_quotes() {
        assert_eq!(value(r#"r"a\n""#).as_deref(), Some("a\\n"));
        assert_eq!(value(r###"r#"say "hi""#"###).as_deref(), Some("say \"hi\""));
        assert_eq!(value(r####"r##"a "# b"##"####).as_deref(), Some("a \"# b"));
        assert_eq!(value(r#"r"""#).as_deref(), Some(""));
    }

    #[test]
    fn suffixes_are_split_off() {
        assert_eq!(string(r#""a"suffix"#), Some(("a".to_owned(), "suffix")));
        assert_eq!(string(r##"r#"a"#x"##), Some(("a".to_owned(), "x")));
        assert_eq!(string(r#""a""#), Some(("a".to_owned(), "")));
    }

    #[test]
    fn what_is_not_a_string_is_refused() {
        for repr in [
            "b\"a\"",
            "'a'",
            "1",
            "\"unterminated",
            r#""\q""#,
            r#""\x80""#,
        ] {
            assert_eq!(value(repr), None, "{repr}");
        }
        assert_eq!(value(r#""\u{d800}""#), None);
    }

    #[test]
    fn what_proc_macro2_prints_reads_back() {
        for s in [
            "llm.toml",
            "a\"b",
            "tab\there",
            "nl\n",
            "é🚀",
            "\\",
            "\0",
            "\u{7f}",
        ] {
            let repr = Literal::string(s).to_string();
            assert_eq!(value(&repr).as_deref(), Some(s), "{repr}");
        }
    }

    #[test]
    fn kinds_of_literals() {
        let cases = [
            ("\"a\"", LitKind::Str),
            ("r#\"a\"#", LitKind::Str),
            ("b\"a\"", LitKind::ByteStr),
            ("br\"a\"", LitKind::ByteStr),
            ("c\"a\"", LitKind::CStr),
            ("cr\"a\"", LitKind::CStr),
            ("b'a'", LitKind::Byte),
            ("'a'", LitKind::Char),
            ("1", LitKind::Int),
            ("0xE5", LitKind::Int),
            ("1u8", LitKind::Int),
            ("1usize", LitKind::Int),
            ("7i64", LitKind::Int),
            ("1.5", LitKind::Float),
            ("1e3", LitKind::Float),
            ("2.5E-3", LitKind::Float),
            ("1f32", LitKind::Float),
        ];
        for (repr, expected) in cases {
            assert_eq!(kind(repr), expected, "{repr}");
        }
    }
}
