//! `LLMCFG_MODEL_REGISTRY`: the alias registry carried to remote runs as JSON, names only.
//! Read (transported entries and default win over the config's) and written by `snapshot_json`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use llmcfg_core::vocab::{backend_serves_model, is_alias_name, is_secret_name, split_model};

use crate::call::CallOverrides;
use crate::config::construct::{self, AliasParts};
use crate::error::RegistryError;
use crate::json::{self, Problem};
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

/// The fields of the registry's object.
const REGISTRY_FIELDS: &[&str] = &["aliases", "default"];
/// The fields of an alias entry.
const ENTRY_FIELDS: &[&str] = &["model", "secret", "backend"];

/// Reads [`RegistryJson`]: a field given twice or unknown is refused, and so is an alias given
/// twice.
fn read_registry(r: &mut json::Reader<'_>) -> Result<RegistryJson, json::Error> {
    let (mut aliases, mut default) = (None, None);
    r.object(
        "an object with `aliases` and `default`",
        |r, key| match key.as_str() {
            "aliases" => json::once(r, &mut aliases, "aliases", read_aliases),
            "default" => json::once(r, &mut default, "default", |r| {
                r.optional(|r| Ok(r.string("an alias name or null")?.to_name()))
            }),
            _ => Err(r.error(Problem::Unknown {
                known: REGISTRY_FIELDS,
            })),
        },
    )?;
    Ok(RegistryJson {
        aliases: aliases.unwrap_or_default(),
        default: default.flatten(),
    })
}

fn read_aliases(r: &mut json::Reader<'_>) -> Result<BTreeMap<String, EntryJson>, json::Error> {
    json::map(r, "an object of alias entries", "an alias", read_entry)
}

fn read_entry(r: &mut json::Reader<'_>) -> Result<EntryJson, json::Error> {
    let (mut model, mut secret, mut backend) = (None, None, None);
    let name = |r: &mut json::Reader<'_>| r.optional(|r| Ok(r.string("a name or null")?.to_name()));
    r.object("an alias entry object with `model`", |r, key| {
        match key.as_str() {
            "model" => json::once(r, &mut model, "model", |r| {
                Ok(r.string("a `provider/model` string")?.to_name())
            }),
            "secret" => json::once(r, &mut secret, "secret", name),
            "backend" => json::once(r, &mut backend, "backend", name),
            _ => Err(r.error(Problem::Unknown {
                known: ENTRY_FIELDS,
            })),
        }
    })?;
    Ok(EntryJson {
        model: json::required(r, model, "model")?,
        secret: secret.flatten(),
        backend: backend.flatten(),
    })
}

/// The registry as compact JSON: `{"aliases":{NAME:{"model":…,"secret":…,"backend":…}},
/// "default":…}`, absent fields left out.
fn write_registry(json: &RegistryJson) -> String {
    let mut out = String::new();
    let mut top = json::write::Object::open(&mut out, false);
    top.object("aliases", |aliases| {
        for (name, entry) in &json.aliases {
            aliases.object(name, |fields| {
                fields.string("model", &entry.model);
                if let Some(secret) = &entry.secret {
                    fields.string("secret", secret);
                }
                if let Some(backend) = &entry.backend {
                    fields.string("backend", backend);
                }
            });
        }
    });
    if let Some(default) = &json.default {
        top.string("default", default);
    }
    top.close();
    out
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

impl Registry {
    /// Parses the JSON value of `LLMCFG_MODEL_REGISTRY` against `config`.
    pub(crate) fn parse(json: &str, config: &Config) -> Result<Self, RegistryError> {
        if json.len() > MAX_REGISTRY_BYTES {
            return Err(RegistryError::TooLarge {
                len: json.len(),
                max: MAX_REGISTRY_BYTES,
            });
        }
        // The reader's errors give the problem and its position, never the input there.
        let parsed = json::document(json, read_registry).map_err(|e| invalid(e.to_string()))?;
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
    write_registry(&RegistryJson { aliases, default })
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

    /// A JSON object may repeat a key; the registry may not (which one would win is a guess).
    #[test]
    fn an_alias_or_a_field_given_twice_is_refused() {
        for (json, problem) in [
            (
                r#"{"aliases":{"a":{"model":"openai/o3"},"a":{"model":"openai/o4"}}}"#,
                "an alias given twice at line 1 column",
            ),
            (
                r#"{"aliases":{"a":{"model":"openai/o3","model":"openai/o4"}}}"#,
                "field `model` given twice at line 1 column",
            ),
        ] {
            let err = Registry::parse(json, &CONFIG).expect_err(json);
            assert!(err.to_string().contains(problem), "{err}");
        }
    }

    /// What `snapshot_json` writes reads back as the same registry.
    #[test]
    fn a_snapshot_reads_back() {
        let json = r#"{"aliases":{"a\"b":{"model":"openai/o3"}}}"#;
        assert!(Registry::parse(json, &CONFIG).is_err(), "not an alias name");
        let json =
            r#"{"aliases":{"fast":{"model":"openai/o3","secret":"team.x"}},"default":"fast"}"#;
        let registry = Registry::parse(json, &CONFIG).expect("valid");
        assert_eq!(snapshot_json(&CONFIG, &registry), json);
    }

    #[test]
    fn snapshot_of_nothing() {
        assert_eq!(
            snapshot_json(&CONFIG, &Registry::default()),
            r#"{"aliases":{}}"#
        );
    }
}
