//! The on-disk JSON form of one secret: `{"version":1,"name":…,"visibility":…,"created":…,
//! "updated":…,"values":{"KEY":"VALUE"}}`, encoded into and decoded from zeroized buffers.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use llmcfg_core::vocab::is_env_var_name;
use secrecy::{ExposeSecret, SecretString};
use serde_core::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_core::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};
use zeroize::Zeroizing;

use super::{Secret, SecretMap, StoreError, Visibility};
use crate::json;

/// The format version written into every file.
const VERSION: u32 = 1;

#[derive(Clone, Copy)]
enum VisibilityRepr {
    Public,
    Private,
}

impl VisibilityRepr {
    const WORDS: &'static [&'static str] = &["public", "private"];

    fn word(self) -> &'static str {
        match self {
            VisibilityRepr::Public => "public",
            VisibilityRepr::Private => "private",
        }
    }
}

impl Serialize for VisibilityRepr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.word())
    }
}

impl<'de> Deserialize<'de> for VisibilityRepr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = json::Key::deserialize(deserializer)?;
        match word.as_str() {
            "public" => Ok(VisibilityRepr::Public),
            "private" => Ok(VisibilityRepr::Private),
            other => Err(de::Error::unknown_variant(other, Self::WORDS)),
        }
    }
}

struct FileOut<'a> {
    version: u32,
    name: &'a str,
    visibility: VisibilityRepr,
    created: u64,
    updated: u64,
    values: ValuesOut<'a>,
}

impl Serialize for FileOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("FileOut", 6)?;
        out.serialize_field("version", &self.version)?;
        out.serialize_field("name", self.name)?;
        out.serialize_field("visibility", &self.visibility)?;
        out.serialize_field("created", &self.created)?;
        out.serialize_field("updated", &self.updated)?;
        out.serialize_field("values", &self.values)?;
        out.end()
    }
}

struct ValuesOut<'a>(&'a BTreeMap<String, SecretString>);

impl Serialize for ValuesOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value.expose_secret())?;
        }
        map.end()
    }
}

struct FileIn {
    version: u32,
    name: String,
    visibility: VisibilityRepr,
    created: u64,
    updated: u64,
    values: ValuesIn,
}

/// [`FileIn`] as it is read: every field required, none twice, no other.
#[derive(Default)]
struct FileFields {
    version: Option<u32>,
    name: Option<String>,
    visibility: Option<VisibilityRepr>,
    created: Option<u64>,
    updated: Option<u64>,
    values: Option<ValuesIn>,
}

const FILE_FIELDS: &[&str] = &[
    "version",
    "name",
    "visibility",
    "created",
    "updated",
    "values",
];

impl<'de> json::Object<'de> for FileFields {
    type Output = FileIn;
    const EXPECTING: &'static str = "a secret file object";

    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "version" => json::read(&mut self.version, "version", map),
            "name" => json::read(&mut self.name, "name", map),
            "visibility" => json::read(&mut self.visibility, "visibility", map),
            "created" => json::read(&mut self.created, "created", map),
            "updated" => json::read(&mut self.updated, "updated", map),
            "values" => json::read(&mut self.values, "values", map),
            other => json::unknown(other, FILE_FIELDS),
        }
    }

    fn finish<E: de::Error>(self) -> Result<FileIn, E> {
        Ok(FileIn {
            version: json::required(self.version, "version")?,
            name: json::required(self.name, "name")?,
            visibility: json::required(self.visibility, "visibility")?,
            created: json::required(self.created, "created")?,
            updated: json::required(self.updated, "updated")?,
            values: json::required(self.values, "values")?,
        })
    }
}

/// Values decoded straight into [`SecretString`]s.
struct ValuesIn(BTreeMap<String, SecretString>);

impl<'de> Deserialize<'de> for ValuesIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ValuesIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of key names to string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<ValuesIn, A::Error> {
                let mut values = BTreeMap::new();
                while let Some(key) = access.next_key::<String>()? {
                    let value = access.next_value::<SecretValue>()?;
                    if values.insert(key, value.0).is_some() {
                        return Err(de::Error::custom("a key appears twice"));
                    }
                }
                Ok(ValuesIn(values))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// One value; its error messages never quote the input.
struct SecretValue(SecretString);

impl<'de> Deserialize<'de> for SecretValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SecretValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SecretValue, E> {
                Ok(SecretValue(SecretString::from(v)))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<SecretValue, E> {
                let v = Zeroizing::new(v);
                Ok(SecretValue(SecretString::from(v.as_str())))
            }
            // Any other type: a generic message that does not echo the value.
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<SecretValue, E> {
                Err(E::custom("a value is not a string"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<SecretValue, E> {
                Err(E::custom("a value is not a string"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<SecretValue, E> {
                Err(E::custom("a value is not a string"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<SecretValue, E> {
                Err(E::custom("a value is not a string"))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Encodes `secret` into a buffer that is zeroized when dropped.
pub(super) fn encode(secret: &Secret) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
    // Reserve enough that the buffer never reallocates (which would leave an unzeroized copy):
    // JSON escaping makes a byte at most 6 bytes long; pretty-printing adds indentation.
    let payload: usize = secret
        .values
        .iter()
        .map(|(k, v)| k.len() + 6 * v.expose_secret().len() + 16)
        .sum();
    let mut buf = Zeroizing::new(Vec::with_capacity(payload + 6 * secret.name.len() + 256));
    let file = FileOut {
        version: VERSION,
        name: &secret.name,
        visibility: match secret.visibility {
            Visibility::Public => VisibilityRepr::Public,
            Visibility::Private => VisibilityRepr::Private,
        },
        created: secret.created,
        updated: secret.updated,
        values: ValuesOut(secret.values.as_map()),
    };
    serde_json::to_writer_pretty(&mut *buf, &file)?;
    buf.push(b'\n');
    Ok(buf)
}

/// Decodes the file of secret `name` at `path`. Errors describe where the file is wrong,
/// never what it contains.
pub(super) fn decode(name: &str, path: &Path, bytes: &[u8]) -> Result<Secret, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let file = json::document::<FileFields, _>(serde_json::Deserializer::from_slice(bytes))
        .map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "truncated JSON",
                serde_json::error::Category::Syntax => "invalid JSON",
                serde_json::error::Category::Data => "unexpected JSON structure",
                serde_json::error::Category::Io => "unreadable",
            };
            corrupt(format!("{what} at line {} column {}", e.line(), e.column()))
        })?;
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
    if file.values.0.keys().any(|k| !is_env_var_name(k)) {
        return Err(corrupt(
            "a key is not an environment-variable name".to_owned(),
        ));
    }
    if file.values.0.is_empty() {
        return Err(corrupt("it holds no key".to_owned()));
    }
    Ok(Secret {
        name: file.name,
        visibility: match file.visibility {
            VisibilityRepr::Public => Visibility::Public,
            VisibilityRepr::Private => Visibility::Private,
        },
        created: file.created,
        updated: file.updated,
        values: SecretMap::from_map(file.values.0),
    })
}
