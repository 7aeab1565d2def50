//! The runtime's three JSON forms (the `LLMCFG_MODEL_REGISTRY` registry, a store file, a key
//! command's answer) read through serde's traits without `serde_derive`.
//!
//! Why by hand: `serde_core` is all the runtime then needs, so it neither waits for nor (in an
//! application without derives of its own) compiles syn and serde_derive, the longest chain of a
//! cold build (issue 12). Each form is a small object; [`Object`] reads one field by field with
//! the checks a derive makes (unknown fields refused where the form is closed, a field given
//! twice refused, required fields present).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde_core::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use zeroize::Zeroize;

/// An object read key by key into `Self`, then turned into its [`Object::Output`].
pub(crate) trait Object<'de>: Default {
    type Output;
    /// What the value should be, for the error on a value of another type.
    const EXPECTING: &'static str;
    /// Reads the value of `key` (with [`read`]), or refuses or skips a key it does not know
    /// (with [`unknown`] or [`skip`]).
    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error>;
    /// The value once every key is read: required fields are checked here (with [`required`]).
    fn finish<E: de::Error>(self) -> Result<Self::Output, E>;
}

/// Reads a JSON object as `O` (only an object: serde's derive also takes an array for a struct).
pub(crate) fn object<'de, O: Object<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<O::Output, D::Error> {
    deserializer.deserialize_map(ObjectVisitor::<O>(PhantomData))
}

/// A whole document that is one object read as `O`: anything after the object (a second
/// value, stray characters) is an error, as with `serde_json::from_str`.
pub(crate) fn document<'de, O: Object<'de>, R: serde_json::de::Read<'de>>(
    mut deserializer: serde_json::Deserializer<R>,
) -> Result<O::Output, serde_json::Error> {
    let value = object::<O, _>(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

struct ObjectVisitor<O>(PhantomData<O>);

impl<'de, O: Object<'de>> Visitor<'de> for ObjectVisitor<O> {
    type Value = O::Output;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(O::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<O::Output, A::Error> {
        let mut object = O::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            object.field(key.as_str(), &mut map)?;
        }
        object.finish()
    }
}

/// Reads the value of field `name` into `slot`; a field given twice is an error.
pub(crate) fn read<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Refuses a key that is not one of `known`.
pub(crate) fn unknown<E: de::Error>(key: &str, known: &'static [&'static str]) -> Result<(), E> {
    Err(de::Error::unknown_field(key, known))
}

/// Skips the value of a key the form ignores.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// The value of required field `name`.
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| de::Error::missing_field(name))
}

/// A key or a short word, borrowed from the input when it holds no escape. An owned copy is
/// zeroized when dropped: a key command's answer is secret, and so may be whatever it prints as
/// a key.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// A string borrowed from the input (no escape in it).
    pub(crate) fn borrowed(value: &'de str) -> Self {
        Key(Cow::Borrowed(value))
    }

    /// A string the deserializer had to copy (it held an escape): zeroized when dropped.
    pub(crate) fn owned(value: String) -> Self {
        Key(Cow::Owned(value))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for Key<'_> {
    fn drop(&mut self) {
        if let Cow::Owned(owned) = &mut self.0 {
            owned.zeroize();
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed form with one required and one optional field.
    #[derive(Default)]
    struct Probe {
        name: Option<String>,
        count: Option<Option<u32>>,
    }

    #[derive(Debug, PartialEq)]
    struct ProbeOut {
        name: String,
        count: Option<u32>,
    }

    impl<'de> Object<'de> for Probe {
        type Output = ProbeOut;
        const EXPECTING: &'static str = "a probe object";

        fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
            match key {
                "name" => read(&mut self.name, "name", map),
                "count" => read(&mut self.count, "count", map),
                "ignored" => skip(map),
                other => unknown(other, &["name", "count", "ignored"]),
            }
        }

        fn finish<E: de::Error>(self) -> Result<ProbeOut, E> {
            Ok(ProbeOut {
                name: required(self.name, "name")?,
                count: self.count.flatten(),
            })
        }
    }

    fn parse(json: &str) -> Result<ProbeOut, String> {
        document::<Probe, _>(serde_json::Deserializer::from_str(json)).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_fields_in_any_order_with_optional_ones_absent_or_null() {
        let want = |count| ProbeOut {
            name: "a\"b".to_owned(),
            count,
        };
        assert_eq!(parse(r#"{"count":3,"name":"a\"b"}"#), Ok(want(Some(3))));
        assert_eq!(parse(r#"{"name":"a\"b"}"#), Ok(want(None)));
        assert_eq!(parse(r#"{"name":"a\"b","count":null}"#), Ok(want(None)));
        assert_eq!(
            parse(r#"{"name":"a\"b","ignored":[1,{"x":2}]}"#),
            Ok(want(None))
        );
    }

    #[test]
    fn refuses_what_a_derive_refuses_and_an_array() {
        for (json, error) in [
            (r#"{"count":1}"#, "missing field `name`"),
            (r#"{"name":"a","name":"b"}"#, "duplicate field `name`"),
            (r#"{"name":"a","other":1}"#, "unknown field `other`"),
            (
                r#"{"name":1}"#,
                "invalid type: integer `1`, expected a string",
            ),
            (r#"["a"]"#, "expected a probe object"),
            (r#"{"name":"a"} {"name":"b"}"#, "trailing characters"),
        ] {
            let message = parse(json).expect_err(json);
            assert!(message.contains(error), "{json}: {message}");
        }
    }

    #[test]
    fn a_key_borrows_unless_escaped() {
        let mut de = serde_json::Deserializer::from_str(r#""plain""#);
        assert!(matches!(
            Key::deserialize(&mut de),
            Ok(Key(Cow::Borrowed("plain")))
        ));
        let mut de = serde_json::Deserializer::from_str(r#""esc\naped""#);
        let key = Key::deserialize(&mut de).expect("a string");
        assert!(matches!(&key.0, Cow::Owned(s) if s == "esc\naped"));
    }
}
