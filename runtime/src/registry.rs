//! `LLMCFG_MODEL_REGISTRY`: the alias registry carried to remote runs as JSON, names only.
//! Read (transported entries and default win over the config's) and written by `snapshot_json`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use llmcfg_core::vocab::{backend_serves_model, is_alias_name, is_secret_name, split_model};
use serde::{Deserialize, Serialize};

use crate::config::construct;
use crate::error::RegistryError;
use crate::{Alias, Config};

/// The environment variable carrying the registry.
pub const REGISTRY_VAR: &str = "LLMCFG_MODEL_REGISTRY";

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RegistryJson {
    #[serde(default)]
    aliases: BTreeMap<String, EntryJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default: Option<String>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct EntryJson {
    model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    backend: Option<String>,
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

impl Registry {
    /// Parses the JSON value of `LLMCFG_MODEL_REGISTRY` against `config`.
    pub(crate) fn parse(json: &str, config: &Config) -> Result<Self, RegistryError> {
        let parsed: RegistryJson =
            serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
        let mut aliases = Vec::with_capacity(parsed.aliases.len());
        for (name, entry) in parsed.aliases {
            let lower = name.to_ascii_lowercase();
            if !is_alias_name(&lower) {
                return Err(invalid(format!(
                    "alias `{name}` is not a valid alias name ([a-z0-9][a-z0-9_-]*)"
                )));
            }
            let Some((provider, model)) = split_model(&entry.model) else {
                return Err(invalid(format!(
                    "alias `{name}` has model `{}` without a provider prefix (write provider/model)",
                    entry.model
                )));
            };
            if provider.is_empty() || model.is_empty() {
                return Err(invalid(format!(
                    "alias `{name}` has model `{}` with an empty part (write provider/model)",
                    entry.model
                )));
            }
            if let Some(secret) = &entry.secret
                && !is_secret_name(secret)
            {
                return Err(invalid(format!(
                    "alias `{name}` links `{secret}`, which is not a valid secret name"
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
                    .filter(|(_, b)| {
                        backend_serves_model(b.model(), b.provider(), &provider, model)
                    })
                    .map(|(i, _)| i)
                    .collect(),
            };
            let full = format!("{provider}/{model}");
            aliases.push(construct::alias(
                Cow::Owned(lower),
                Cow::Owned(full),
                entry.secret.map(Cow::Owned),
                entry.backend.map(Cow::Owned),
                Cow::Owned(candidates),
            ));
        }
        aliases.sort_by(|a, b| a.name().cmp(b.name()));
        if aliases.windows(2).any(|w| w[0].name() == w[1].name()) {
            return Err(invalid("two aliases differ only in case"));
        }
        let registry = Registry {
            aliases,
            default: parsed.default.map(|d| d.to_ascii_lowercase()),
        };
        if let Some(default) = &registry.default
            && registry.alias(default).is_none()
            && config.alias(default).is_none()
        {
            return Err(invalid(format!("default `{default}` names no alias")));
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
    use std::borrow::Cow::Borrowed as B;

    static CONFIG: Config = construct::config(
        crate::Policy::WeightedRandom,
        None,
        B(&[]),
        B(&[]),
        B(&[]),
        B(&[]),
    );

    #[test]
    fn names_are_lowercased_and_sorted() {
        let json = r#"{"aliases":{"Zed":{"model":"OpenAI/o3"},"abc":{"model":"groq/llama"}},"default":"ZED"}"#;
        let r = Registry::parse(json, &CONFIG).expect("valid");
        let names: Vec<_> = r.aliases.iter().map(Alias::name).collect();
        assert_eq!(names, ["abc", "zed"]);
        assert_eq!(r.alias("ZED").map(Alias::model), Some("openai/o3"));
        assert_eq!(r.default.as_deref(), Some("zed"));
    }

    #[test]
    fn case_clashes_are_rejected() {
        let json = r#"{"aliases":{"a":{"model":"openai/o3"},"A":{"model":"openai/o4"}}}"#;
        let err = Registry::parse(json, &CONFIG).expect_err("clash");
        assert!(err.to_string().contains("LLMCFG_MODEL_REGISTRY"));
    }

    #[test]
    fn snapshot_of_nothing() {
        assert_eq!(
            snapshot_json(&CONFIG, &Registry::default()),
            r#"{"aliases":{}}"#
        );
    }
}
