//! The effective call settings `resolve` shows: each setting of an attempt on the chosen
//! backend, with the layer it comes from (alias, backend, `[llm.calls]`, built-in default),
//! and the alias's fallbacks. Cooldowns are runtime state and are not shown.

use std::time::Duration;

use llmcfg::call::{CallOverrides, CallPolicy, RetryOn};
use llmcfg::{Alias, Backend, Config};
use serde_json::{Map, Value, json};

use crate::text::escape_line;

/// The layer a setting comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Layer {
    /// The alias named.
    Alias(String),
    /// The backend named.
    Backend(String),
    /// `[llm.calls]`.
    Calls,
    /// The runtime's built-in default.
    Default,
}

impl Layer {
    fn kind(&self) -> &'static str {
        match self {
            Layer::Alias(_) => "alias",
            Layer::Backend(_) => "backend",
            Layer::Calls => "calls",
            Layer::Default => "default",
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            Layer::Alias(n) | Layer::Backend(n) => Some(n),
            Layer::Calls | Layer::Default => None,
        }
    }
}

impl std::fmt::Display for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Layer::Alias(n) => write!(f, "alias `{}`", escape_line(n)),
            Layer::Backend(n) => write!(f, "backend `{}`", escape_line(n)),
            Layer::Calls => f.write_str("[llm.calls]"),
            Layer::Default => f.write_str("built-in default"),
        }
    }
}

/// One setting: its key, its value as the file would write it, and where it comes from.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Setting {
    pub(crate) key: &'static str,
    pub(crate) value: String,
    pub(crate) from: Layer,
}

/// The settings an attempt of `alias` on `backend` runs with, and the alias's fallbacks.
#[derive(Debug)]
pub(crate) struct Effective {
    pub(crate) settings: Vec<Setting>,
    pub(crate) fallbacks: Vec<String>,
}

fn duration(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

fn retry_on(set: RetryOn) -> String {
    let words: Vec<&str> = RetryOn::words()
        .filter(|w| RetryOn::from_word(w).is_some_and(|c| set.union(c) == set))
        .collect();
    if words.is_empty() {
        "none".to_string()
    } else {
        words.join(", ")
    }
}

type Field = (&'static str, fn(&CallOverrides) -> Option<String>);

/// A setting of each kind as the file would write it.
macro_rules! shown {
    (duration, $value:expr) => {
        $value.map(duration)
    };
    (count, $value:expr) => {
        $value.map(|n| n.to_string())
    };
    (classes, $value:expr) => {
        $value.map(retry_on)
    };
}

macro_rules! fields {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// Every setting, in the order the declaration (`llmcfg_core::settings`) and the docs
        /// list them; `backoff` is two fields of one key.
        const FIELDS: &[Field] = &[
            $((llmcfg_core::call_setting_path!($field $(($table . $key))?), |o| shown!($kind, o.$field)),)*
        ];
    };
}
llmcfg_core::call_settings!(fields);

/// The built-in defaults as a layer that sets everything.
fn defaults() -> CallOverrides {
    CallPolicy::DEFAULT.as_overrides()
}

/// The settings of an attempt of `alias` on `backend` (a built-in endpoint has no layer of
/// its own), as the executor layers them with no plan set in code.
pub(crate) fn effective(
    config: &Config,
    alias: Option<&Alias>,
    backend: Option<&Backend>,
) -> Effective {
    let defaults = defaults();
    let mut layers: Vec<(&CallOverrides, Layer)> = Vec::with_capacity(4);
    if let Some(a) = alias {
        layers.push((a.call_overrides(), Layer::Alias(a.name().to_string())));
    }
    if let Some(b) = backend {
        layers.push((b.call_overrides(), Layer::Backend(b.name().to_string())));
    }
    layers.push((config.call_overrides(), Layer::Calls));
    layers.push((&defaults, Layer::Default));
    let settings = FIELDS
        .iter()
        .filter_map(|(key, get)| {
            layers.iter().find_map(|(layer, from)| {
                get(layer).map(|value| Setting {
                    key,
                    value,
                    from: from.clone(),
                })
            })
        })
        .collect();
    let fallbacks = alias.map_or_else(Vec::new, |a| {
        a.fallbacks()
            .iter()
            .map(|f| escape_line(f).into_owned())
            .collect()
    });
    Effective {
        settings,
        fallbacks,
    }
}

impl Effective {
    /// The human lines, under `resolve`'s report.
    pub(crate) fn print(&self, on: Option<&str>) {
        match on {
            Some(backend) => println!("calls on {}:", escape_line(backend)),
            None => println!("calls:"),
        }
        let key = self.settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
        let value = self
            .settings
            .iter()
            .map(|s| s.value.len())
            .max()
            .unwrap_or(0);
        for s in &self.settings {
            println!("  {:key$}  {:value$}  ({})", s.key, s.value, s.from);
        }
        if self.fallbacks.is_empty() {
            println!("fallbacks: (none)");
        } else {
            println!("fallbacks: {}", self.fallbacks.join(", then "));
        }
    }

    /// `{ "timeout": { "value": "30s", "layer": "alias", "name": "smart" }, … }` and the
    /// fallbacks.
    pub(crate) fn json(&self) -> (Value, Value) {
        let settings: Map<String, Value> = self
            .settings
            .iter()
            .map(|s| {
                let v = json!({ "value": s.value, "layer": s.from.kind(), "name": s.from.name() });
                (s.key.to_string(), v)
            })
            .collect();
        (Value::Object(settings), json!(self.fallbacks))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r#"
[llm.calls]
deadline = "3m"
retry_on = ["rate_limit", "connect"]

[[llm.backends]]
name = "a"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
ops = ["chat_completions"]
timeout = "1m"
max_retries = 1

[llm.aliases]
smart = { model = "openai/gpt-5", fallbacks = ["fast"], timeout = "2m" }
fast = "openai/gpt-5-nano"
"#;

    #[test]
    fn each_setting_names_the_layer_it_comes_from() {
        let config = Config::from_toml_str(TOML).expect("valid");
        let alias = config.alias("smart");
        let e = effective(&config, alias, config.backend("a"));
        let get = |key: &str| {
            e.settings
                .iter()
                .find(|s| s.key == key)
                .map(|s| (s.value.as_str(), s.from.to_string()))
        };
        let from = |v: &'static str, l: &str| Some((v, l.to_string()));
        assert_eq!(get("timeout"), from("2m", "alias `smart`"));
        assert_eq!(get("max_retries"), from("1", "backend `a`"));
        assert_eq!(get("deadline"), from("3m", "[llm.calls]"));
        assert_eq!(get("retry_on"), from("rate_limit, connect", "[llm.calls]"));
        assert_eq!(get("cooldown"), from("30s", "built-in default"));
        assert_eq!(get("backoff.initial"), from("250ms", "built-in default"));
        assert_eq!(e.settings.len(), FIELDS.len());
        assert_eq!(e.fallbacks, ["fast"]);
        let none = effective(&config, config.alias("fast"), None);
        assert_eq!(none.settings[0].from, Layer::Default);
        assert!(none.fallbacks.is_empty());
    }
}
