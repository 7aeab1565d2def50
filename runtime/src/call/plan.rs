//! The seam through which code adds layers of settings and fallback chains above the config
//! file's ([`CallPlan`]), and a plan built in code ([`StaticPlan`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::policy::{CallOverrides, CallPolicy};

/// Where the executor asks for `[llm.calls]`, a backend's and an alias's overrides and an
/// alias's fallbacks. Names are compared ignoring ASCII case for aliases, exactly for
/// backends (as the config does).
pub trait CallPlan: Send + Sync + std::fmt::Debug {
    /// The `[llm.calls]` layer.
    fn calls(&self) -> Option<&CallOverrides> {
        None
    }
    /// The overrides of backend `name` (a `[[llm.backends]]` name or a built-in provider's).
    fn backend(&self, name: &str) -> Option<&CallOverrides> {
        let _ = name;
        None
    }
    /// The overrides of alias `name`.
    fn alias(&self, name: &str) -> Option<&CallOverrides> {
        let _ = name;
        None
    }
    /// The aliases (or `provider/model`s) tried, in order, once every backend of alias `name`
    /// has failed.
    fn fallbacks(&self, name: &str) -> &[Cow<'static, str>] {
        let _ = name;
        &[]
    }
    /// The effective settings of an attempt of `alias` on `backend`.
    fn policy(&self, alias: Option<&str>, backend: Option<&str>) -> CallPolicy {
        CallPolicy::layered(
            alias.and_then(|a| self.alias(a)),
            backend.and_then(|b| self.backend(b)),
            self.calls(),
        )
    }
}

/// A plan that adds nothing: the file's settings and fallbacks, then the built-in defaults.
#[derive(Clone, Copy, Debug, Default)]
pub struct Defaults;

impl CallPlan for Defaults {}

/// A [`CallPlan`] set in code: above what the config file sets, layer by layer.
///
/// ```
/// use std::time::Duration;
/// use llmcfg::call::{CallOverrides, CallPlan, StaticPlan};
///
/// let plan = StaticPlan::builder()
///     .calls(CallOverrides { max_retries: Some(1), ..CallOverrides::NONE })
///     .alias("smart", CallOverrides { timeout: Some(Duration::from_secs(120)), ..CallOverrides::NONE })
///     .fallbacks("smart", ["fast", "local"])
///     .build();
/// let policy = plan.policy(Some("SMART"), None);
/// assert_eq!(policy.timeout, Duration::from_secs(120));
/// assert_eq!(policy.max_retries, 1);
/// assert_eq!(plan.fallbacks("smart").len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct StaticPlan {
    calls: Option<CallOverrides>,
    backends: BTreeMap<String, CallOverrides>,
    /// Keyed by the lowercased alias name.
    aliases: BTreeMap<String, CallOverrides>,
    fallbacks: BTreeMap<String, Vec<Cow<'static, str>>>,
}

impl StaticPlan {
    /// An empty plan to fill in.
    pub fn builder() -> StaticPlanBuilder {
        StaticPlanBuilder(Self::default())
    }
}

impl CallPlan for StaticPlan {
    fn calls(&self) -> Option<&CallOverrides> {
        self.calls.as_ref()
    }
    fn backend(&self, name: &str) -> Option<&CallOverrides> {
        self.backends.get(name)
    }
    fn alias(&self, name: &str) -> Option<&CallOverrides> {
        lookup(&self.aliases, name)
    }
    fn fallbacks(&self, name: &str) -> &[Cow<'static, str>] {
        lookup(&self.fallbacks, name).map_or(&[], Vec::as_slice)
    }
}

/// Looks `name` up ignoring ASCII case without allocating when it is lowercase already.
fn lookup<'m, V>(map: &'m BTreeMap<String, V>, name: &str) -> Option<&'m V> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        map.get(&name.to_ascii_lowercase())
    } else {
        map.get(name)
    }
}

/// Builds a [`StaticPlan`].
#[derive(Debug)]
pub struct StaticPlanBuilder(StaticPlan);

impl StaticPlanBuilder {
    /// The `[llm.calls]` layer.
    pub fn calls(mut self, overrides: CallOverrides) -> Self {
        self.0.calls = Some(overrides);
        self
    }
    /// The layer of backend `name`.
    pub fn backend(mut self, name: &str, overrides: CallOverrides) -> Self {
        self.0.backends.insert(name.to_string(), overrides);
        self
    }
    /// The layer of alias `name`.
    pub fn alias(mut self, name: &str, overrides: CallOverrides) -> Self {
        self.0.aliases.insert(name.to_ascii_lowercase(), overrides);
        self
    }
    /// The fallback chain of alias `name`, tried in order.
    pub fn fallbacks<I, S>(mut self, name: &str, fallbacks: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let list = fallbacks
            .into_iter()
            .map(|s| Cow::Owned(s.into()))
            .collect();
        self.0.fallbacks.insert(name.to_ascii_lowercase(), list);
        self
    }
    /// The plan.
    pub fn build(self) -> StaticPlan {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn plan_layers_by_alias_and_backend() {
        let plan = StaticPlan::builder()
            .calls(CallOverrides {
                cooldown: Some(Duration::from_secs(5)),
                ..CallOverrides::NONE
            })
            .backend(
                "Primary",
                CallOverrides {
                    max_retries: Some(0),
                    ..CallOverrides::NONE
                },
            )
            .build();
        let p = plan.policy(Some("fast"), Some("Primary"));
        assert_eq!(p.max_retries, 0);
        assert_eq!(p.cooldown, Duration::from_secs(5));
        assert_eq!(plan.policy(None, Some("primary")).max_retries, 2);
        assert!(plan.fallbacks("fast").is_empty());
        assert_eq!(Defaults.policy(Some("x"), None), CallPolicy::DEFAULT);
    }
}
