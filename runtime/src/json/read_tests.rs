use proptest::prelude::*;

use super::*;
use crate::json::document;

fn skip_all(json: &str) -> Result<Kind, Error> {
    // Both ways in: as text (strings sliced from it) and as bytes (strings validated).
    let from_bytes = document(json.as_bytes(), Reader::skip);
    let from_text = document(json, Reader::skip);
    assert_eq!(from_bytes, from_text, "{json:?}");
    from_text
}

fn string(json: &str) -> Result<String, Error> {
    let from_bytes = document(json.as_bytes(), |r| Ok(r.string("a string")?.to_name()));
    let from_text = document(json, |r| Ok(r.string("a string")?.to_name()));
    assert_eq!(from_bytes, from_text, "{json:?}");
    from_text
}

#[test]
fn skips_every_kind_of_value() {
    for (json, kind) in [
        (
            r#"{"a":[1,-0.5e+3,true,false,null,{"b":"c"}],"d":{}}"#,
            Kind::Object,
        ),
        ("[]", Kind::Array),
        (r#""x\"y""#, Kind::String),
        ("-0", Kind::Number),
        (" true\n", Kind::Bool),
        ("null", Kind::Null),
    ] {
        assert_eq!(skip_all(json), Ok(kind), "{json}");
    }
}

#[test]
fn refuses_what_rfc_8259_refuses() {
    for json in [
        "",
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{a:1}",
        "01",
        "1.",
        ".5",
        "-",
        "1e",
        "+1",
        "tru",
        "nulls",
        "'a'",
        "\"\\x\"",
        "\"\\u12\"",
        "\"a\tb\"",
        "[1 2]",
        "{\"a\" 1}",
        "NaN",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
    ] {
        assert!(skip_all(json).is_err(), "{json:?} accepted");
    }
}

#[test]
fn decodes_escapes_and_surrogate_pairs() {
    assert_eq!(
        string(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#),
        Ok("a\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}".to_owned())
    );
    assert_eq!(string(r#""é and \u00e9""#), Ok("é and é".to_owned()));
}

#[test]
fn invalid_utf8_in_a_string_is_an_error_at_its_byte() {
    let error = document(&b"\"ab\xff\""[..], |r| r.string("a string").map(drop)).expect_err("bad");
    assert_eq!(error.problem, Problem::Syntax("UTF-8 text"));
    assert_eq!((error.line, error.column), (1, 4));
    let error =
        document(&b"\"a\\n\xff\""[..], |r| r.string("a string").map(drop)).expect_err("bad");
    assert_eq!((error.line, error.column), (1, 5));
}

#[test]
fn columns_count_characters() {
    let error = skip_all("{\"é\":\n  \"ü\" x}").expect_err("bad");
    assert_eq!((error.line, error.column), (2, 7));
    assert_eq!(error.problem, Problem::Syntax("`,` or `}`"));
}

#[test]
fn nesting_is_capped_without_recursing_past_it() {
    let at_cap = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert_eq!(skip_all(&at_cap), Ok(Kind::Array));
    // Far deeper than a stack would take if each level recursed.
    let deep = "[".repeat(1_000_000);
    let error = skip_all(&deep).expect_err("too deep");
    assert_eq!(error.problem, Problem::TooDeep);
    assert_eq!(error.column, MAX_DEPTH + 1);
    let objects = "{\"a\":".repeat(MAX_DEPTH + 1);
    assert_eq!(
        skip_all(&objects).map_err(|e| e.problem),
        Err(Problem::TooDeep)
    );
}

#[test]
fn u64_takes_only_a_non_negative_integer_in_range() {
    let read = |json: &str| document(json.as_bytes(), |r| r.u64("a count"));
    assert_eq!(read("0"), Ok(0));
    assert_eq!(read("18446744073709551615"), Ok(u64::MAX));
    for json in ["18446744073709551616", "-1", "1.0", "1e3", "\"1\""] {
        let error = read(json).expect_err(json);
        assert!(
            matches!(
                error.problem,
                Problem::WrongType {
                    expected: "a count",
                    ..
                }
            ),
            "{json}: {error}"
        );
        assert_eq!(error.column, 1, "{json}");
    }
}

#[test]
fn a_truncated_literal_or_string_is_truncated_not_invalid() {
    for json in ["nul", "[tr", "\"abc", "\"ab\\", "\"\\u00", "{\"a\":"] {
        let error = skip_all(json).expect_err(json);
        assert_eq!(error.problem, Problem::Truncated, "{json}");
    }
}

/// Pieces whose concatenations cover valid and invalid JSON: structure, strings with every
/// kind of escape (and broken ones), numbers and their malformed forms, literals.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        " ",
        "\n",
        "\"a\"",
        "\"\\u00e9\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\x\"",
        "\"\\\"\"",
        "\"é\"",
        "\"",
        "\\",
        "1",
        "0",
        "-",
        ".5",
        "e-3",
        "E+2",
        "true",
        "fals",
        "null",
        "x",
    ])
}

proptest! {
    /// The reader accepts exactly the documents serde_json accepts, and says which kind the
    /// top-level value is.
    #[test]
    fn accepts_what_serde_json_accepts(pieces in prop::collection::vec(piece(), 0..24)) {
        let json = pieces.concat();
        let ours = skip_all(&json);
        match serde_json::from_str::<serde_json::Value>(&json) {
            // An exponent past f64's range: JSON allows it, serde_json's `Value` does not.
            Err(e) if e.to_string().contains("out of range") => {}
            Err(e) => prop_assert!(ours.is_err(), "{json:?}: ours accepted, serde_json: {e}"),
            Ok(value) => {
                let kind = match value {
                    serde_json::Value::Null => Kind::Null,
                    serde_json::Value::Bool(_) => Kind::Bool,
                    serde_json::Value::Number(_) => Kind::Number,
                    serde_json::Value::String(_) => Kind::String,
                    serde_json::Value::Array(_) => Kind::Array,
                    serde_json::Value::Object(_) => Kind::Object,
                };
                prop_assert_eq!(ours, Ok(kind), "{:?}", json);
            }
        }
    }

    /// Any string a writer escapes, or any text at all quoted, decodes as serde_json decodes it.
    #[test]
    fn strings_decode_as_serde_json_decodes_them(text in "\\PC*", raw in "[a-z\\\\\"u0-9dD]{0,12}") {
        let escaped = serde_json::to_string(&text).expect("a string serializes");
        prop_assert_eq!(string(&escaped), Ok(text));
        let quoted = format!("\"{raw}\"");
        let theirs = serde_json::from_str::<String>(&quoted).ok();
        prop_assert_eq!(string(&quoted).ok(), theirs, "{:?}", quoted);
    }
}
