//! The on-disk JSON form of one secret: `{"version":1,"name":…,"visibility":…,"created":…,
//! "updated":…,"values":{"KEY":"VALUE"}}`, encoded into and decoded from zeroized buffers.

use std::collections::BTreeMap;
use std::path::Path;

use llmcfg_core::vocab::is_env_var_name;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::{Secret, SecretMap, StoreError, Visibility};
use crate::json::{self, Problem, write};

/// The format version written into every file.
const VERSION: u64 = 1;

const FILE_FIELDS: &[&str] = &[
    "version",
    "name",
    "visibility",
    "created",
    "updated",
    "values",
];

/// The file as it is read: every field required, none twice, no other.
struct FileIn {
    version: u64,
    name: String,
    visibility: Visibility,
    created: u64,
    updated: u64,
    values: BTreeMap<String, SecretString>,
}

fn read_file(r: &mut json::Reader<'_>) -> Result<FileIn, json::Error> {
    let (mut version, mut name, mut visibility) = (None, None, None);
    let (mut created, mut updated, mut values) = (None, None, None);
    let time = |r: &mut json::Reader<'_>| r.u64("seconds since the Unix epoch");
    r.object("a secret file object", |r, key| match key.as_str() {
        "version" => json::once(r, &mut version, "version", |r| r.u64("a format version")),
        "name" => json::once(r, &mut name, "name", |r| {
            Ok(r.string("the secret's name")?.to_name())
        }),
        "visibility" => json::once(r, &mut visibility, "visibility", read_visibility),
        "created" => json::once(r, &mut created, "created", time),
        "updated" => json::once(r, &mut updated, "updated", time),
        "values" => json::once(r, &mut values, "values", read_values),
        _ => Err(r.error(Problem::Unknown { known: FILE_FIELDS })),
    })?;
    Ok(FileIn {
        version: json::required(r, version, "version")?,
        name: json::required(r, name, "name")?,
        visibility: json::required(r, visibility, "visibility")?,
        created: json::required(r, created, "created")?,
        updated: json::required(r, updated, "updated")?,
        values: json::required(r, values, "values")?,
    })
}

fn read_visibility(r: &mut json::Reader<'_>) -> Result<Visibility, json::Error> {
    const ALL: [Visibility; 2] = [Visibility::Public, Visibility::Private];
    let i = r.one_of("`public` or `private`", &ALL.map(Visibility::as_str))?;
    Ok(ALL[i])
}

/// Values decoded straight into [`SecretString`]s: a decoded copy is zeroized (`json::Key`).
fn read_values(r: &mut json::Reader<'_>) -> Result<BTreeMap<String, SecretString>, json::Error> {
    json::map(r, "a map of key names to string values", "a key", |r| {
        Ok(SecretString::from(r.string("a string value")?.as_str()))
    })
}

/// Encodes `secret` into a buffer that is zeroized when dropped.
pub(super) fn encode(secret: &Secret) -> Zeroizing<Vec<u8>> {
    // Reserved so that the buffer never reallocates (which would leave an unzeroized copy).
    let payload: usize = secret
        .values
        .iter()
        .map(|(k, v)| {
            write::string_capacity(k.len()) + write::string_capacity(v.expose_secret().len()) + 8
        })
        .sum();
    let mut buf = Zeroizing::new(String::with_capacity(
        payload + write::string_capacity(secret.name.len()) + 256,
    ));
    let mut file = write::Object::open(&mut buf, true);
    file.u64("version", VERSION);
    file.string("name", &secret.name);
    file.string("visibility", secret.visibility.as_str());
    file.u64("created", secret.created);
    file.u64("updated", secret.updated);
    file.object("values", |values| {
        for (key, value) in secret.values.iter() {
            values.string(key, value.expose_secret());
        }
    });
    file.close();
    buf.push('\n');
    // Moves the buffer (no copy) into the zeroizing byte buffer the store writes.
    Zeroizing::new(std::mem::take(&mut *buf).into_bytes())
}

/// Decodes the file of secret `name` at `path`. Errors describe where the file is wrong,
/// never what it contains.
pub(super) fn decode(name: &str, path: &Path, bytes: &[u8]) -> Result<Secret, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    // The reader's errors give the problem and its position, never the input there.
    let file = json::document(bytes, read_file).map_err(|e| corrupt(e.to_string()))?;
    if file.version != VERSION {
        return Err(corrupt(format!(
            "unsupported format version {} (expected {VERSION})",
            file.version
        )));
    }
    if file.name != name {
        return Err(corrupt(format!(
            "it names secret {:?}, not {name:?}",
            file.name
        )));
    }
    if file.values.keys().any(|k| !is_env_var_name(k)) {
        return Err(corrupt(
            "a key is not an environment-variable name".to_owned(),
        ));
    }
    if file.values.is_empty() {
        return Err(corrupt("it holds no key".to_owned()));
    }
    Ok(Secret {
        name: file.name,
        visibility: file.visibility,
        created: file.created,
        updated: file.updated,
        values: SecretMap::from_map(file.values),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(values: &[(&str, &str)]) -> Secret {
        let map = values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), SecretString::from(*v)))
            .collect();
        Secret {
            name: "team/openai".to_owned(),
            visibility: Visibility::Private,
            created: 1_700_000_000,
            updated: 1_700_000_001,
            values: SecretMap::from_map(map),
        }
    }

    /// The layout serde_json's `to_writer_pretty` gave the files before the runtime wrote its
    /// own JSON: files written by either version read the same and diff cleanly.
    #[test]
    fn encodes_the_layout_files_have_always_had() {
        let bytes = encode(&secret(&[("A_KEY", "sk-\"quoted\"\\\n"), ("B", "é")]));
        let want = "{\n  \"version\": 1,\n  \"name\": \"team/openai\",\n  \"visibility\": \
                    \"private\",\n  \"created\": 1700000000,\n  \"updated\": 1700000001,\n  \
                    \"values\": {\n    \"A_KEY\": \"sk-\\\"quoted\\\"\\\\\\n\",\n    \"B\": \
                    \"é\"\n  }\n}\n";
        assert_eq!(std::str::from_utf8(&bytes), Ok(want));
        let back = decode("team/openai", Path::new("f.json"), &bytes).expect("decodes");
        let values: Vec<_> = back
            .values
            .iter()
            .map(|(k, v)| (k, v.expose_secret()))
            .collect();
        assert_eq!(values, [("A_KEY", "sk-\"quoted\"\\\n"), ("B", "é")]);
    }

    /// The buffer is sized once: a reallocation would leave a copy of the values unzeroized.
    #[test]
    fn the_buffer_never_grows_even_when_every_byte_is_escaped() {
        let worst = "\u{1}".repeat(1000);
        let bytes = encode(&secret(&[("K", &worst), ("L", "\"\\")]));
        let reserved = 2 * 8
            + write::string_capacity(1) * 2
            + write::string_capacity(1000)
            + write::string_capacity(2)
            + write::string_capacity("team/openai".len())
            + 256;
        assert_eq!(bytes.capacity(), reserved);
    }

    #[test]
    fn errors_give_the_problem_and_position_never_the_value() {
        let path = Path::new("s.json");
        let good = std::str::from_utf8(&encode(&secret(&[("K", "sk-canary")])))
            .expect("UTF-8")
            .to_owned();
        for (text, detail) in [
            (
                good.replace("\"sk-canary\"", "12345"),
                "expected a string value, found a number at line 8",
            ),
            (
                good.replace("\"private\"", "\"sk-canary\""),
                "expected `public` or `private`, found another string at line 4 column 17",
            ),
            (
                good.replace("\"values\"", "\"sk-canary\""),
                "an unknown field (expected `version`,",
            ),
            (
                good.replace("\"K\"", "\"sk\\x\""),
                "invalid JSON: expected an escape",
            ),
            (good[..good.len() / 2].to_owned(), "truncated JSON"),
        ] {
            let err = decode("team/openai", path, text.as_bytes()).expect_err(&text);
            let shown = err.to_string();
            assert!(shown.contains(detail), "{shown}");
            assert!(
                !shown.contains("canary") && !shown.contains("12345"),
                "{shown}"
            );
        }
    }

    proptest::proptest! {
        /// Any bytes decode or are `Corrupt`, and what decodes encodes back to the same secret.
        #[test]
        fn any_bytes_decode_or_are_corrupt(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            value in "\\PC{0,40}",
        ) {
            let path = Path::new("s.json");
            match decode("s", path, &bytes) {
                Ok(secret) => proptest::prop_assert!(decode("s", path, &encode(&secret)).is_ok()),
                Err(err) => {
                    proptest::prop_assert!(matches!(err, StoreError::Corrupt { .. }), "{}", err);
                }
            }
            let mut one = secret(&[("K", &value)]);
            one.name = "s".to_owned();
            let back = decode("s", path, &encode(&one))
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let values: Vec<_> = back
                .values
                .iter()
                .map(|(k, v)| (k.to_owned(), v.expose_secret().to_owned()))
                .collect();
            proptest::prop_assert_eq!(values, vec![("K".to_owned(), value)]);
        }
    }
}
