//! `LLMCFG_MODEL_REGISTRY`: the alias registry carried to remote runs as JSON, names only.
//! Read (transported entries and default win over the config's) and written by `snapshot_json`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use llmcfg_core::vocab::{backend_serves_model, is_alias_name, is_secret_name, split_model};
use serde_core::de::{self, Deserialize, Deserializer, MapAccess};
use serde_core::ser::{Serialize, SerializeStruct, Serializer};

use crate::call::CallOverrides;
use crate::config::construct::{self, AliasParts};
use crate::error::RegistryError;
use crate::json;
use crate::{Alias, Config};

/// The environment variable carrying the registry: JSON of at most 1 MiB (larger values are
/// refused unread). Its errors give the error class and position, or the alias concerned
/// (names cut to 16 characters), never a value it holds.
pub const REGISTRY_VAR: &str = "LLMCFG_MODEL_REGISTRY";

/// The largest `LLMCFG_MODEL_REGISTRY` read: far more than 10,000 aliases need.
pub(crate) const MAX_REGISTRY_BYTES: usize = 1024 * 1024;
/// The most characters of a name repeated in an error.
const MAX_NAME_CHARS: usize = 16;

/// The registry's JSON: `{"aliases": {NAME: ENTRY, …}, "default": NAME}`, both optional.
#[derive(Debug, Default)]
struct RegistryJson {
    aliases: BTreeMap<String, EntryJson>,
    default: Option<String>,
}

/// One alias: `{"model": …, "secret": …, "backend": …}`, `model` required.
#[derive(Debug)]
struct EntryJson {
    model: String,
    secret: Option<String>,
    backend: Option<String>,
}

/// [`RegistryJson`] as it is read: a field given twice or unknown is refused.
#[derive(Default)]
struct RegistryIn {
    aliases: Option<BTreeMap<String, EntryJson>>,
    default: Option<Option<String>>,
}

impl<'de> json::Object<'de> for RegistryIn {
    type Output = RegistryJson;
    const EXPECTING: &'static str = "an object with `aliases` and `default`";

    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "aliases" => json::read(&mut self.aliases, "aliases", map),
            "default" => json::read(&mut self.default, "default", map),
            other => json::unknown(other, &["aliases", "default"]),
        }
    }

    fn finish<E: de::Error>(self) -> Result<RegistryJson, E> {
        Ok(RegistryJson {
            aliases: self.aliases.unwrap_or_default(),
            default: self.default.flatten(),
        })
    }
}

#[derive(Default)]
struct EntryIn {
    model: Option<String>,
    secret: Option<Option<String>>,
    backend: Option<Option<String>>,
}

impl<'de> json::Object<'de> for EntryIn {
    type Output = EntryJson;
    const EXPECTING: &'static str = "an alias entry object with `model`";

    fn field<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "model" => json::read(&mut self.model, "model", map),
            "secret" => json::read(&mut self.secret, "secret", map),
            "backend" => json::read(&mut self.backend, "backend", map),
            other => json::unknown(other, &["model", "secret", "backend"]),
        }
    }

    fn finish<E: de::Error>(self) -> Result<EntryJson, E> {
        Ok(EntryJson {
            model: json::required(self.model, "model")?,
            secret: self.secret.flatten(),
            backend: self.backend.flatten(),
        })
    }
}

impl<'de> Deserialize<'de> for EntryJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        json::object::<EntryIn, D>(deserializer)
    }
}

impl Serialize for RegistryJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("RegistryJson", 2)?;
        out.serialize_field("aliases", &self.aliases)?;
        if let Some(default) = &self.default {
            out.serialize_field("default", default)?;
        }
        out.end()
    }
}

impl Serialize for EntryJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("EntryJson", 3)?;
        out.serialize_field("model", &self.model)?;
        if let Some(secret) = &self.secret {
            out.serialize_field("secret", secret)?;
        }
        if let Some(backend) = &self.backend {
            out.serialize_field("backend", backend)?;
        }
        out.end()
    }
}

/// The transported aliases, as runtime [`Alias`]es with precomputed candidates, sorted by name.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub(crate) aliases: Vec<Alias>,
    pub(crate) default: Option<String>,
}

fn invalid(detail: impl Into<String>) -> RegistryError {
    RegistryError::Invalid {
        detail: detail.into(),
    }
}

/// A name as errors show it: cut to [`MAX_NAME_CHARS`], control characters escaped.
fn shown(name: &str) -> String {
    let mut out: String = name
        .chars()
        .take(MAX_NAME_CHARS)
        .flat_map(char::escape_default)
        .collect();
    if name.chars().count() > MAX_NAME_CHARS {
        out.push('…');
    }
    out
}

/// A JSON error as its class and position: serde's message can quote the input.
fn json_error(e: &serde_json::Error) -> RegistryError {
    let class = match e.classify() {
        serde_json::error::Category::Eof => "truncated JSON",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "a field or value of the wrong kind",
        serde_json::error::Category::Io => "unreadable",
    };
    invalid(format!(
        "{class} at line {} column {}",
        e.line(),
        e.column()
    ))
}

impl Registry {
    /// Parses the JSON value of `LLMCFG_MODEL_REGISTRY` against `config`.
    pub(crate) fn parse(json: &str, config: &Config) -> Result<Self, RegistryError> {
        if json.len() > MAX_REGISTRY_BYTES {
            return Err(RegistryError::TooLarge {
                len: json.len(),
                max: MAX_REGISTRY_BYTES,
            });
        }
        let parsed = json::document::<RegistryIn, _>(serde_json::Deserializer::from_str(json))
            .map_err(|e| json_error(&e))?;
        let mut aliases = parsed
            .aliases
            .into_iter()
            .map(|(name, entry)| alias_parts(name, entry, config))
            .collect::<Result<Vec<_>, _>>()?;
        aliases.sort_by(|a, b| a.name.cmp(&b.name));
        if aliases.windows(2).any(|w| w[0].name == w[1].name) {
            return Err(invalid("two aliases differ only in case"));
        }
        let registry = Registry {
            aliases: (0u32..)
                .zip(aliases)
                .map(|(position, parts)| construct::alias(AliasParts { position, ..parts }))
                .collect(),
            default: parsed.default.map(|d| d.to_ascii_lowercase()),
        };
        if let Some(default) = &registry.default
            && registry.alias(default).is_none()
            && config.alias(default).is_none()
        {
            // Not echoed: a value that names nothing may be anything, a pasted key included.
            return Err(invalid("`default` names no alias"));
        }
        Ok(registry)
    }

    /// A transported alias, by name, ignoring ASCII case.
    pub(crate) fn alias(&self, name: &str) -> Option<&Alias> {
        self.aliases
            .binary_search_by(|a| crate::config::cmp_ignore_ascii_case(a.name(), name))
            .ok()
            .and_then(|i| self.aliases.get(i))
    }
}

/// One transported entry checked and turned into alias fields with its candidates; its position
/// is set once the entries are sorted.
fn alias_parts(
    name: String,
    entry: EntryJson,
    config: &Config,
) -> Result<AliasParts, RegistryError> {
    let lower = name.to_ascii_lowercase();
    if !is_alias_name(&lower) {
        return Err(invalid(
            "an alias name is not a valid alias name ([a-z0-9][a-z0-9_-]*)",
        ));
    }
    let name = shown(&name);
    let Some((provider, model)) = split_model(&entry.model) else {
        return Err(invalid(format!(
            "alias `{name}` has a model without a provider prefix (write provider/model)"
        )));
    };
    if provider.is_empty() || model.is_empty() {
        return Err(invalid(format!(
            "alias `{name}` has a model with an empty part (write provider/model)"
        )));
    }
    if let Some(secret) = &entry.secret
        && !is_secret_name(secret)
    {
        return Err(invalid(format!(
            "alias `{name}` links a secret whose name is not a valid secret name"
        )));
    }
    if entry.backend.as_deref().is_some_and(str::is_empty) {
        return Err(invalid(format!("alias `{name}` has an empty backend")));
    }
    let provider = provider.to_ascii_lowercase();
    let candidates: Vec<u32> = match &entry.backend {
        Some(pinned) => config
            .backends()
            .iter()
            .position(|b| b.name() == pinned)
            .and_then(|i| u32::try_from(i).ok())
            .into_iter()
            .collect(),
        None => (0u32..)
            .zip(config.backends())
            .filter(|(_, b)| backend_serves_model(b.model(), b.provider(), &provider, model))
            .map(|(i, _)| i)
            .collect(),
    };
    // The registry moves an alias to another model; its call settings and fallbacks stay
    // those the config gives the alias of that name, if any.
    let base = config.alias(&lower);
    let fallbacks = base.map_or_else(Vec::new, |a| a.fallbacks().to_vec());
    let calls = base.map_or(CallOverrides::NONE, |a| *a.call_overrides());
    Ok(AliasParts {
        name: Cow::Owned(lower),
        model: Cow::Owned(format!("{provider}/{model}")),
        secret: entry.secret.map(Cow::Owned),
        backend: entry.backend.map(Cow::Owned),
        candidates: Cow::Owned(candidates),
        position: 0,
        fallbacks: Cow::Owned(fallbacks),
        calls,
    })
}

/// The effective registry (config aliases overridden by transported ones) as JSON: names only.
pub(crate) fn snapshot_json(config: &Config, registry: &Registry) -> String {
    let entry = |a: &Alias| EntryJson {
        model: a.model().to_string(),
        secret: a.secret().map(str::to_string),
        backend: a.backend().map(str::to_string),
    };
    let mut aliases: BTreeMap<String, EntryJson> = config
        .aliases()
        .iter()
        .map(|a| (a.name().to_string(), entry(a)))
        .collect();
    for a in &registry.aliases {
        aliases.insert(a.name().to_string(), entry(a));
    }
    let default = registry
        .default
        .clone()
        .or_else(|| config.default_alias().map(str::to_string));
    let json = RegistryJson { aliases, default };
    // Serializing plain strings and maps cannot fail.
    serde_json::to_string(&json).unwrap_or_else(|_| String::from("{\"aliases\":{}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::construct::ConfigParts;
    use std::borrow::Cow::Borrowed as B;

    static CONFIG: Config = construct::config(ConfigParts {
        default_policy: crate::Policy::WeightedRandom,
        default_alias: None,
        credentials: B(&[]),
        backends: B(&[]),
        aliases: B(&[]),
        env_vars: B(&[]),
        calls: CallOverrides::NONE,
    });

    #[test]
    fn names_are_lowercased_and_sorted() {
        let json = r#"{"aliases":{"Zed":{"model":"OpenAI/o3"},"abc":{"model":"groq/llama"}},"default":"ZED"}"#;
        let r = Registry::parse(json, &CONFIG).expect("valid");
        let names: Vec<_> = r.aliases.iter().map(Alias::name).collect();
        assert_eq!(names, ["abc", "zed"]);
        let positions: Vec<_> = r.aliases.iter().map(Alias::position).collect();
        assert_eq!(positions, [0, 1]);
        assert_eq!(r.alias("ZED").map(Alias::model), Some("openai/o3"));
        assert_eq!(r.default.as_deref(), Some("zed"));
    }

    #[test]
    fn case_clashes_are_rejected() {
        let json = r#"{"aliases":{"a":{"model":"openai/o3"},"A":{"model":"openai/o4"}}}"#;
        let err = Registry::parse(json, &CONFIG).expect_err("clash");
        assert!(err.to_string().contains("LLMCFG_MODEL_REGISTRY"));
    }

    /// Issue 11 item 3: errors give the class and position, never the offending value; names
    /// are cut; the size is capped.
    #[test]
    fn errors_never_quote_a_value() {
        // Past the first 16 characters, which a name in an error may keep.
        let canary = "sk-proj-01234567-registrycanary";
        for json in [
            format!(r#"{{"aliases":{{"fast":"{canary}"}}}}"#),
            format!(r#"{{"aliases":{{"fast":{{"model":"{canary}"}}}}}}"#),
            format!(r#"{{"aliases":{{"fast":{{"model":"openai/o3","secret":"{canary}/x"}}}}}}"#),
            format!(r#"{{"aliases":{{"fast":{{"model":"openai/o3","{canary}":1}}}}}}"#),
            format!(r#"{{"aliases":{{"{canary}!":{{"model":"openai/o3"}}}}}}"#),
            format!(r#"{{"aliases":{{}},"default":"{canary}"}}"#),
            format!(r#"{{"aliases":{{"{canary}":{{"model":"o3"}}}}}}"#),
            format!(r#"["{canary}"]"#),
            format!(r#"{{"aliases":{{"fast":{{"model":"openai/o3"}}}},"default":{canary}}}"#),
        ] {
            let err = Registry::parse(&json, &CONFIG).expect_err(&json);
            let msg = err.to_string();
            assert!(msg.contains("LLMCFG_MODEL_REGISTRY"), "{msg}");
            assert!(!msg.contains("registrycanary"), "{json}: {msg}");
            assert!(!format!("{err:?}").contains("registrycanary"), "{err:?}");
        }
        let err = Registry::parse(r#"{"aliases":{"fast":1}}"#, &CONFIG).expect_err("data");
        assert!(err.to_string().contains("at line 1 column"), "{err}");
        let big = format!(
            r#"{{"aliases":{{}},"x":"{}"}}"#,
            "a".repeat(MAX_REGISTRY_BYTES)
        );
        let err = Registry::parse(&big, &CONFIG).expect_err("too large");
        assert!(matches!(err, RegistryError::TooLarge { .. }), "{err}");
        assert!(err.to_string().contains("1048576"), "{err}");
    }

    #[test]
    fn snapshot_of_nothing() {
        assert_eq!(
            snapshot_json(&CONFIG, &Registry::default()),
            r#"{"aliases":{}}"#
        );
    }
}
