//! [`SecretMap`]: the key/value pairs of one secret, as the store holds them and as the key
//! lookup reads them. It lives with the store so the store depends on nothing of the lookup;
//! the lookup (`crate::credential`) depends on the store, one way.

use std::collections::BTreeMap;
use std::fmt;

use secrecy::SecretString;

/// The key/value pairs of one secret. `Debug` shows the keys only.
#[derive(Clone, Default)]
pub struct SecretMap {
    values: BTreeMap<String, SecretString>,
}

impl SecretMap {
    /// An empty secret.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a key.
    pub fn insert(&mut self, key: impl Into<String>, value: SecretString) {
        self.values.insert(key.into(), value);
    }

    /// Builder form of [`SecretMap::insert`].
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.insert(key, SecretString::from(value.into()));
        self
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&SecretString> {
        self.values.get(key)
    }

    /// The key names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// Keys and values, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub(crate) fn from_map(values: BTreeMap<String, SecretString>) -> Self {
        SecretMap { values }
    }

    pub(crate) fn as_map_mut(&mut self) -> &mut BTreeMap<String, SecretString> {
        &mut self.values
    }
}

impl fmt::Debug for SecretMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.values.keys().map(|k| (k, "[REDACTED]")))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn sample() -> SecretMap {
        SecretMap::new()
            .with("OPENAI_API_KEY", "sk-secretmap-canary-1")
            .with("ANTHROPIC_API_KEY", "sk-secretmap-canary-2")
    }

    #[test]
    fn debug_shows_keys_and_never_a_value() {
        let shown = format!("{:?}", sample());
        assert_eq!(
            shown,
            r#"{"ANTHROPIC_API_KEY": "[REDACTED]", "OPENAI_API_KEY": "[REDACTED]"}"#
        );
        assert!(!shown.contains("canary"), "{shown}");
    }

    #[test]
    fn keys_and_pairs_come_sorted() {
        let map = sample();
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"]
        );
        let pairs: Vec<(&str, &str)> = map.iter().map(|(k, v)| (k, v.expose_secret())).collect();
        assert_eq!(
            pairs,
            [
                ("ANTHROPIC_API_KEY", "sk-secretmap-canary-2"),
                ("OPENAI_API_KEY", "sk-secretmap-canary-1")
            ]
        );
    }

    #[test]
    fn insert_replaces_a_key() {
        let mut map = sample();
        map.insert("OPENAI_API_KEY", SecretString::from("sk-new".to_string()));
        assert_eq!(map.len(), 2);
        assert_eq!(
            map.get("OPENAI_API_KEY").map(|v| v.expose_secret()),
            Some("sk-new")
        );
        assert!(map.get("MISSING").is_none());
    }

    #[test]
    fn empty_until_a_key_is_added() {
        let mut map = SecretMap::new();
        assert!(map.is_empty());
        map.as_map_mut()
            .insert("K".to_string(), SecretString::from("v".to_string()));
        assert!(!map.is_empty());
        assert_eq!(SecretMap::from_map(map.as_map_mut().clone()).len(), 1);
    }
}
