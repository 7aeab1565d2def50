//! A backend's `auth_header` and `headers`: the names checked as HTTP header names (RFC 9110
//! tokens), the values for characters a header cannot carry, and the headers the runtime sets
//! itself (the auth header, the body's type and length, the host) refused, so a static header
//! can never replace or duplicate them. A key written as a value is `plaintext-secret`, as for
//! every string the reader reads.

use crate::diags::{self, HeaderProblem, WrongType};
use crate::model::Spanned;
use crate::read::{Fields, Reader, span_of};

/// Headers every request carries from the runtime or the HTTP client; `headers` may not set
/// them. Compared ignoring ASCII case.
const RESERVED: [&str; 7] = [
    "authorization",
    "x-api-key",
    "anthropic-version",
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
];

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b))
}

/// `auth_header`, checked.
pub(super) fn read_auth_header(r: &mut Reader, f: &mut Fields<'_, '_>) -> Option<Spanned<String>> {
    let name = f.string(r, "auth_header")?;
    let problem = if !is_token(&name.value) {
        Some(HeaderProblem::NotAName)
    } else if [
        "content-type",
        "content-length",
        "host",
        "transfer-encoding",
    ]
    .iter()
    .any(|h| h.eq_ignore_ascii_case(&name.value))
    {
        Some(HeaderProblem::Reserved)
    } else {
        None
    };
    match problem {
        Some(problem) => {
            r.push(diags::invalid_header(
                name.span,
                "auth_header",
                &name.value,
                problem,
            ));
            None
        }
        None => Some(name),
    }
}

/// `headers = { "Name" = "value", … }`, checked; the ones refused are left out.
pub(super) fn read_headers(
    r: &mut Reader,
    f: &mut Fields<'_, '_>,
    auth_header: Option<&str>,
) -> Vec<(Spanned<String>, Spanned<String>)> {
    let Some(value) = f.take("headers") else {
        return Vec::new();
    };
    let Some(table) = value.get_ref().as_table() else {
        let what = WrongType::Value {
            key: "headers",
            expected: "a table of strings",
            found: value.get_ref().type_str(),
            example: "`headers = { \"OpenAI-Organization\" = \"org-…\" }`",
        };
        r.push(diags::wrong_type(span_of(value), what));
        return Vec::new();
    };
    let mut out: Vec<(Spanned<String>, Spanned<String>)> = Vec::with_capacity(table.len());
    for (key, v) in crate::parse::entries(table) {
        let name = Spanned::new(key.get_ref().to_string(), key.span());
        let Some(text) = r.string("headers", v) else {
            continue;
        };
        let problem = header_problem(&name.value, &text.value, auth_header, &out);
        match problem {
            Some((problem, at)) => {
                let span = if at { text.span } else { name.span };
                r.push(diags::invalid_header(span, "headers", &name.value, problem));
            }
            None => out.push((name, text)),
        }
    }
    out
}

/// What is wrong with header `name: value`, and whether it is the value (not the name).
fn header_problem(
    name: &str,
    value: &str,
    auth_header: Option<&str>,
    earlier: &[(Spanned<String>, Spanned<String>)],
) -> Option<(HeaderProblem, bool)> {
    if !is_token(name) {
        return Some((HeaderProblem::NotAName, false));
    }
    let same = |other: &str| other.eq_ignore_ascii_case(name);
    if RESERVED.iter().any(|h| same(h)) || auth_header.is_some_and(same) {
        return Some((HeaderProblem::Reserved, false));
    }
    if earlier.iter().any(|(n, _)| same(&n.value)) {
        return Some((HeaderProblem::Repeated, false));
    }
    // RFC 9110 field values: visible characters, spaces and tabs; no CR or LF.
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Some((HeaderProblem::ControlCharacter, true));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::{Code, Options, check};

    fn report(keys: &str) -> crate::Report {
        let text = format!(
            "[[llm.backends]]\nname = \"b\"\nkind = \"openai_chat_completion\"\n\
             base_url = \"https://gw.example.com/v1\"\nops = [\"chat_completions\"]\n{keys}\n"
        );
        check("t.toml", &text, &Options::default())
    }

    fn codes(keys: &str) -> Vec<Code> {
        report(keys).diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn auth_header_and_headers_are_read() {
        let r = report(
            "auth_header = \"api-key\"\nheaders = { \"OpenAI-Organization\" = \"org-123\", X-Team = \"core\" }",
        );
        assert!(r.diagnostics.is_empty(), "{:#?}", r.diagnostics);
        let b = &r.config.backends[0];
        assert_eq!(b.auth_header.as_ref().map(|h| h.as_str()), Some("api-key"));
        let headers: Vec<(&str, &str)> = b
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            headers,
            [("OpenAI-Organization", "org-123"), ("X-Team", "core")]
        );
    }

    #[test]
    fn bad_names_reserved_headers_and_control_characters_are_invalid_headers() {
        assert_eq!(codes("auth_header = \"api key\""), [Code::InvalidHeader]);
        assert_eq!(
            codes("auth_header = \"Content-Type\""),
            [Code::InvalidHeader]
        );
        assert_eq!(
            codes("headers = { \"Bad Name\" = \"x\" }"),
            [Code::InvalidHeader]
        );
        assert_eq!(
            codes("headers = { Authorization = \"x\" }"),
            [Code::InvalidHeader]
        );
        assert_eq!(
            codes("auth_header = \"api-key\"\nheaders = { API-Key = \"x\" }"),
            [Code::InvalidHeader]
        );
        assert_eq!(
            codes("headers = { A = \"x\", a = \"y\" }"),
            [Code::InvalidHeader]
        );
        assert_eq!(
            codes("headers = { A = \"x\\r\\nHost: evil\" }"),
            [Code::InvalidHeader]
        );
        assert_eq!(codes("headers = [\"A: x\"]"), [Code::WrongType]);
    }

    #[test]
    fn a_key_as_a_header_value_is_a_plaintext_secret() {
        let r = report("headers = { X-Token = \"sk-proj-abcdefghijklmnopqrstuvwxyz123456\" }");
        let codes: Vec<Code> = r.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&Code::PlaintextSecret), "{codes:?}");
        assert!(
            r.config.backends[0].headers.is_empty()
                || !format!("{:?}", r.config).contains("sk-proj")
        );
    }
}
