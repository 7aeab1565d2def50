//! Reading the environment through [`Env`] (the process environment by default, a map in tests),
//! and building the env maps handed to child processes: [`Environment`].

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// Where the resolver reads environment variables. The default, [`ProcessEnv`], reads the
/// process environment; a map (`BTreeMap<String, String>` or `HashMap<String, String>`) stands
/// in for it in tests and for explicit injection.
pub trait Env: Send + Sync {
    /// The value of `name`, or `None` when it is unset.
    fn var_os(&self, name: &str) -> Option<OsString>;
}

/// The process environment, read with [`std::env::var_os`] (no allocation when a short name is
/// unset).
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var_os(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
    }
}

impl Env for BTreeMap<String, String> {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.get(name).map(OsString::from)
    }
}

impl Env for HashMap<String, String> {
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.get(name).map(OsString::from)
    }
}

impl<E: Env + ?Sized> Env for &E {
    fn var_os(&self, name: &str) -> Option<OsString> {
        (**self).var_os(name)
    }
}

impl<E: Env + ?Sized> Env for Box<E> {
    fn var_os(&self, name: &str) -> Option<OsString> {
        (**self).var_os(name)
    }
}

impl<E: Env + ?Sized> Env for std::sync::Arc<E> {
    fn var_os(&self, name: &str) -> Option<OsString> {
        (**self).var_os(name)
    }
}

/// What an env var holds, as far as a key lookup cares.
pub(crate) enum EnvValue {
    /// Unset, or set to the empty string (or only whitespace).
    Unset,
    /// Set but not valid UTF-8.
    NotUnicode,
    /// A usable value.
    Set(SecretString),
}

/// Reads `name` from `env`: an empty or blank value counts as unset.
pub(crate) fn read_var(env: &dyn Env, name: &str) -> EnvValue {
    match env.var_os(name) {
        None => EnvValue::Unset,
        Some(value) => match value.into_string() {
            Ok(s) if s.trim().is_empty() => EnvValue::Unset,
            Ok(s) => EnvValue::Set(SecretString::from(s)),
            Err(_) => EnvValue::NotUnicode,
        },
    }
}

/// A set of environment variables for a child process, whose values are secrets.
///
/// `Debug` lists the names only. Apply it with [`Environment::apply_to`], or read values
/// explicitly with [`Environment::get`] and `expose_secret()`.
#[derive(Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, SecretString>,
}

impl Environment {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a variable.
    pub fn insert(&mut self, name: impl Into<String>, value: SecretString) {
        self.vars.insert(name.into(), value);
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&SecretString> {
        self.vars.get(name)
    }

    /// Whether `name` is in the set.
    pub fn contains(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// The variable names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// Names and values, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many variables.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// Sets every variable on `command` (adding to what it inherits).
    pub fn apply_to<'c>(
        &self,
        command: &'c mut std::process::Command,
    ) -> &'c mut std::process::Command {
        command.envs(self.vars.iter().map(|(k, v)| (k, v.expose_secret())))
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.vars.keys().map(|k| (k, "[REDACTED]")))
            .finish()
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for name in self.vars.keys() {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "{name}=[REDACTED]")?;
        }
        Ok(())
    }
}

/// The variables among `names` that `env` has set to a non-blank value.
pub(crate) fn collect<'n>(env: &dyn Env, names: impl IntoIterator<Item = &'n str>) -> Environment {
    let mut out = Environment::new();
    for name in names {
        if out.contains(name) {
            continue;
        }
        if let EnvValue::Set(value) = read_var(env, name) {
            out.insert(name, value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn blank_counts_as_unset() {
        let e = env(&[("A", "x"), ("B", ""), ("C", "  ")]);
        assert!(matches!(read_var(&e, "A"), EnvValue::Set(_)));
        assert!(matches!(read_var(&e, "B"), EnvValue::Unset));
        assert!(matches!(read_var(&e, "C"), EnvValue::Unset));
        assert!(matches!(read_var(&e, "D"), EnvValue::Unset));
    }

    #[test]
    fn collect_keeps_only_set_names_and_redacts() {
        let e = env(&[("A", "sk-canary"), ("B", ""), ("OTHER", "o")]);
        let out = collect(&e, ["A", "B", "C", "A"]);
        assert_eq!(out.names().collect::<Vec<_>>(), ["A"]);
        assert_eq!(format!("{out:?}"), r#"{"A": "[REDACTED]"}"#);
        assert_eq!(out.to_string(), "A=[REDACTED]");
        assert_eq!(out.get("A").map(|v| v.expose_secret()), Some("sk-canary"));
    }

    #[test]
    fn apply_to_sets_values() {
        let mut out = Environment::new();
        out.insert("K", SecretString::from("v"));
        let mut cmd = std::process::Command::new("true");
        out.apply_to(&mut cmd);
        let envs: Vec<_> = cmd.get_envs().collect();
        assert_eq!(envs.len(), 1);
        assert_eq!(envs[0].0, "K");
    }
}
