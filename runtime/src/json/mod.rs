//! The runtime's three JSON forms (the `LLMCFG_MODEL_REGISTRY` registry, a store file, a key
//! command's answer), read by a strict reader ([`Reader`]) and written by [`write`].
//!
//! Why not serde_json: serde_core, serde_json and their helpers were about 4 s of CPU and the
//! longest chain of the runtime's cold build (issue 12), for three small objects. And a string
//! with an escape in it is decoded here straight into a buffer that is zeroized when dropped
//! ([`Key`]); serde_json decodes it into a scratch buffer of its own first, which a key
//! command's answer or a store file would leave behind unzeroized. The reader's grammar is
//! RFC 8259, checked against serde_json's (a dev-dependency) by property tests.
//!
//! Errors ([`Error`]) say what is wrong and where (line and column), never what the input
//! holds there: any string in these forms may be a key.

mod read;
pub(crate) mod write;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use zeroize::Zeroize;

pub(crate) use read::{Kind, Reader};

/// Why a document was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The input ends inside a value.
    Truncated,
    /// Not JSON: what was expected at the position.
    Syntax(&'static str),
    /// Arrays and objects nested deeper than [`read::MAX_DEPTH`].
    TooDeep,
    /// A value of another type than the form's.
    WrongType { expected: &'static str, found: Kind },
    /// A string, but not one of the words the form takes.
    OtherString { expected: &'static str },
    /// A required field is absent.
    Missing(&'static str),
    /// A field given twice.
    DuplicateField(&'static str),
    /// In a map, a key given twice: what the key is (`an alias`).
    DuplicateKey(&'static str),
    /// A field the form does not have (not named: it may be anything, a pasted key included).
    Unknown { known: &'static [&'static str] },
}

/// A refused document: the problem and its position (1-based line, and column in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Error {
    pub(crate) problem: Problem,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Truncated => f.write_str("truncated JSON"),
            Problem::Syntax(expected) => write!(f, "invalid JSON: expected {expected}"),
            Problem::TooDeep => write!(f, "JSON nested more than {} deep", read::MAX_DEPTH),
            Problem::WrongType { expected, found } => {
                write!(f, "expected {expected}, found {}", found.described())
            }
            Problem::OtherString { expected } => {
                write!(f, "expected {expected}, found another string")
            }
            Problem::Missing(name) => write!(f, "missing field `{name}`"),
            Problem::DuplicateField(name) => write!(f, "field `{name}` given twice"),
            Problem::DuplicateKey(what) => write!(f, "{what} given twice"),
            Problem::Unknown { known } => {
                f.write_str("an unknown field (expected ")?;
                for (i, name) in known.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}`{name}`")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.problem, self.line, self.column
        )
    }
}

impl std::error::Error for Error {}

/// Reads a whole document that is one value read by `read`: anything after it but whitespace
/// is an error.
pub(crate) fn document<'a, T>(
    input: impl Into<Reader<'a>>,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut reader = input.into();
    let value = read(&mut reader)?;
    reader.end()?;
    Ok(value)
}

/// Reads the value of field `name` with `read` into `slot`; a field given twice is an error.
pub(crate) fn once<'a, T>(
    reader: &mut Reader<'a>,
    slot: &mut Option<T>,
    name: &'static str,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<(), Error> {
    if slot.is_some() {
        return Err(reader.error(Problem::DuplicateField(name)));
    }
    *slot = Some(read(reader)?);
    Ok(())
}

/// An object whose keys the form does not fix (alias names, key names), each value read by
/// `read`; a key given twice is an error saying `what` a key is (`an alias`).
pub(crate) fn map<'a, T>(
    reader: &mut Reader<'a>,
    expected: &'static str,
    what: &'static str,
    mut read: impl FnMut(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<BTreeMap<String, T>, Error> {
    let mut map = BTreeMap::new();
    reader.object(expected, |r, key| {
        let value = read(r)?;
        match map.insert(key.to_name(), value) {
            Some(_) => Err(r.error(Problem::DuplicateKey(what))),
            None => Ok(()),
        }
    })?;
    Ok(map)
}

/// The value of required field `name`, or an error at the reader's position (the object's end).
pub(crate) fn required<T>(
    reader: &Reader<'_>,
    slot: Option<T>,
    name: &'static str,
) -> Result<T, Error> {
    slot.ok_or_else(|| reader.error(Problem::Missing(name)))
}

/// A string of the input, borrowed when it holds no escape. A decoded copy is zeroized when
/// dropped: a key command's answer is secret, and so may be whatever it prints as a key.
pub(crate) struct Key<'a>(Cow<'a, str>);

impl<'a> Key<'a> {
    /// A string borrowed from the input (no escape in it).
    pub(crate) fn borrowed(value: &'a str) -> Self {
        Key(Cow::Borrowed(value))
    }

    /// A string decoded from its escapes: zeroized when dropped.
    pub(crate) fn owned(value: String) -> Self {
        Key(Cow::Owned(value))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The string as a `String` of its own (for names, which are not secret).
    pub(crate) fn to_name(&self) -> String {
        self.0.as_ref().to_owned()
    }
}

impl Drop for Key<'_> {
    fn drop(&mut self) {
        if let Cow::Owned(owned) = &mut self.0 {
            owned.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed form with one required and one optional field.
    #[derive(Debug, PartialEq)]
    struct Probe {
        name: String,
        count: Option<u64>,
    }

    const KNOWN: &[&str] = &["name", "count", "ignored"];

    fn probe(reader: &mut Reader<'_>) -> Result<Probe, Error> {
        let (mut name, mut count) = (None, None);
        reader.object("a probe object", |r, key| match key.as_str() {
            "name" => once(r, &mut name, "name", |r| {
                Ok(r.string("a string")?.to_name())
            }),
            "count" => once(r, &mut count, "count", |r| r.optional(|r| r.u64("a count"))),
            "ignored" => r.skip().map(drop),
            _ => Err(r.error(Problem::Unknown { known: KNOWN })),
        })?;
        Ok(Probe {
            name: required(reader, name, "name")?,
            count: count.flatten(),
        })
    }

    fn parse(json: &str) -> Result<Probe, String> {
        document(json, probe).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_fields_in_any_order_with_optional_ones_absent_or_null() {
        let want = |count| Probe {
            name: "a\"b".to_owned(),
            count,
        };
        assert_eq!(parse(r#"{"count":3,"name":"a\"b"}"#), Ok(want(Some(3))));
        assert_eq!(parse(r#" {"name":"a\"b"} "#), Ok(want(None)));
        assert_eq!(parse(r#"{"name":"a\"b","count":null}"#), Ok(want(None)));
        assert_eq!(
            parse(r#"{"name":"a\"b","ignored":[1,{"x":2e-3}]}"#),
            Ok(want(None))
        );
    }

    #[test]
    fn refuses_what_a_derive_refuses_and_an_array() {
        for (json, error) in [
            (r#"{"count":1}"#, "missing field `name` at line 1 column 12"),
            (r#"{"name":"a","name":"b"}"#, "field `name` given twice"),
            (
                r#"{"name":"a","other":1}"#,
                "an unknown field (expected `name`, `count`, `ignored`)",
            ),
            (r#"{"name":1}"#, "expected a string, found a number"),
            (
                r#"{"name":"a","count":-1}"#,
                "expected a count, found a number",
            ),
            (r#"["a"]"#, "expected a probe object, found an array"),
            (
                r#"{"name":"a"} {"name":"b"}"#,
                "expected the end of the input",
            ),
            (r#"{"name":"a""#, "truncated JSON at line 1 column 12"),
            ("{\n\"count\":nul", "truncated JSON at line 2 column 12"),
        ] {
            let message = parse(json).expect_err(json);
            assert!(message.contains(error), "{json}: {message}");
        }
    }

    #[test]
    fn an_unknown_field_is_not_named() {
        let message = parse(r#"{"name":"a","sk-canary":1}"#).expect_err("unknown");
        assert!(!message.contains("canary"), "{message}");
    }

    #[test]
    fn a_key_borrows_unless_escaped() {
        let mut reader = Reader::from(r#""plain""#);
        let key = reader.string("a string").expect("a string");
        assert!(matches!(key.0, Cow::Borrowed("plain")));
        let mut reader = Reader::from(&br#""esc\naped""#[..]);
        let key = reader.string("a string").expect("a string");
        assert!(matches!(&key.0, Cow::Owned(s) if s == "esc\naped"));
    }
}
