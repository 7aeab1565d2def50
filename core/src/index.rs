//! An index of a typed config, built once: entries by name, each backend's provider, and which
//! backends can serve an alias. The validator, the macro and `Config::load` all ask it, so
//! checking or generating N aliases against N backends stays linear and they cannot disagree.

use std::collections::HashMap;

use crate::model::{Alias, Backend, LlmConfig, Spanned};
use crate::vocab::{self, Op};

/// A set of ops, as a bit mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpSet(u32);

impl OpSet {
    /// The ops a backend lists.
    pub fn of(ops: &[Spanned<Op>]) -> Self {
        OpSet(ops.iter().fold(0, |mask, op| mask | bit(op.value)))
    }

    /// Whether `op` is in the set.
    pub fn contains(self, op: Op) -> bool {
        self.0 & bit(op) != 0
    }

    fn union(self, other: OpSet) -> OpSet {
        OpSet(self.0 | other.0)
    }
}

fn bit(op: Op) -> u32 {
    1 << (op as u32)
}

/// Backends bound to no model that serve one provider: who they are and what they serve.
#[derive(Debug, Default)]
struct ProviderBackends {
    backends: Vec<usize>,
    ops: OpSet,
}

/// The index of one [`LlmConfig`]. Where names repeat (an error the validator reports), the
/// first entry of a name is the one found, as everywhere else.
#[derive(Debug)]
pub struct Index<'a> {
    config: &'a LlmConfig,
    credential_by_name: HashMap<&'a str, usize>,
    backend_by_name: HashMap<&'a str, usize>,
    providers: Vec<Option<&'static str>>,
    unbound_by_provider: HashMap<&'static str, ProviderBackends>,
    bound_by_model: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    /// Indexes `config`.
    pub fn new(config: &'a LlmConfig) -> Self {
        let n = config.backends.len();
        let mut index = Index {
            config,
            credential_by_name: HashMap::with_capacity(config.credentials.len()),
            backend_by_name: HashMap::with_capacity(n),
            providers: config
                .backends
                .iter()
                .map(|b| b.provider().map(|p| p.name))
                .collect(),
            unbound_by_provider: HashMap::new(),
            bound_by_model: HashMap::new(),
        };
        for (i, c) in config.credentials.iter().enumerate() {
            index.credential_by_name.entry(c.name.as_str()).or_insert(i);
        }
        for (i, b) in config.backends.iter().enumerate() {
            index.backend_by_name.entry(b.name.as_str()).or_insert(i);
            match &b.model {
                Some(bound) => {
                    let bound = bound.as_str();
                    let model = vocab::split_model(bound).map_or(bound, |(_, m)| m);
                    index.bound_by_model.entry(model).or_default().push(i);
                }
                None => {
                    if let Some(provider) = index.providers[i] {
                        let entry = index.unbound_by_provider.entry(provider).or_default();
                        entry.backends.push(i);
                        entry.ops = entry.ops.union(OpSet::of(&b.ops));
                    }
                }
            }
        }
        index
    }

    /// The index of the credential named `name`.
    pub fn credential(&self, name: &str) -> Option<usize> {
        self.credential_by_name.get(name).copied()
    }

    /// The index of the backend named `name`.
    pub fn backend(&self, name: &str) -> Option<usize> {
        self.backend_by_name.get(name).copied()
    }

    /// The index of the credential `backend` references, if it exists.
    pub fn credential_of(&self, backend: &Backend) -> Option<usize> {
        self.credential(backend.credential_ref.as_ref()?.as_str())
    }

    /// The built-in provider backend `i` talks to (see [`Backend::provider`]).
    pub fn provider(&self, i: usize) -> Option<&'static str> {
        self.providers.get(i).copied().flatten()
    }

    /// Bound backends among those that could match `provider/model`, that really serve it.
    fn bound_serving(&self, provider: &'a str, model: &'a str) -> impl Iterator<Item = usize> + '_ {
        let bound = self
            .bound_by_model
            .get(model)
            .map_or(&[][..], Vec::as_slice);
        bound.iter().copied().filter(move |&i| {
            let binding = self.config.backends[i].model.as_ref().map(Spanned::as_str);
            vocab::backend_serves_model(binding, self.providers[i], provider, model)
        })
    }

    /// Indices (file order) of the configured backends that could serve `alias`: its pinned
    /// backend, else every backend bound to its model or serving its provider unbound
    /// ([`vocab::backend_serves_model`]). Empty when only a built-in endpoint can.
    pub fn candidates(&self, alias: &'a Alias) -> Vec<usize> {
        if let Some(pin) = &alias.backend {
            return self.backend(pin.as_str()).into_iter().collect();
        }
        let (provider, model) = (alias.provider(), alias.model_name());
        let unbound = self
            .unbound_by_provider
            .get(provider)
            .map_or(&[][..], |p| p.backends.as_slice());
        let mut out: Vec<usize> = unbound
            .iter()
            .copied()
            .chain(self.bound_serving(provider, model))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The ops the configured backends that could serve `alias` serve together; `None` when
    /// no configured backend can serve it. Unlike [`Index::candidates`] this does not list the
    /// provider's backends, so it costs the same however many there are.
    pub fn ops_serving(&self, alias: &'a Alias) -> Option<OpSet> {
        if let Some(pin) = &alias.backend {
            return self
                .backend(pin.as_str())
                .map(|i| OpSet::of(&self.config.backends[i].ops));
        }
        let (provider, model) = (alias.provider(), alias.model_name());
        let unbound = self.unbound_by_provider.get(provider);
        let mut any = unbound.is_some_and(|p| !p.backends.is_empty());
        let mut ops = unbound.map_or(OpSet::default(), |p| p.ops);
        for i in self.bound_serving(provider, model) {
            any = true;
            ops = ops.union(OpSet::of(&self.config.backends[i].ops));
        }
        any.then_some(ops)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index agrees with a direct scan of every backend with `backend_serves_model`.
    #[test]
    fn candidates_and_ops_agree_with_a_full_scan() {
        let text = r#"
[llm]
[[llm.backends]]
name = "openai"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
ops = ["chat_completions"]
[[llm.backends]]
name = "bound"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
model = "gpt-4o"
ops = ["embeddings"]
[[llm.backends]]
name = "lab"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:8000/v1"
model = "lab/big"
ops = ["chat_completions"]
[[llm.backends]]
name = "ollama"
kind = "ollama_chat"
base_url = "http://127.0.0.1:11434"
ops = ["chat_completions", "embeddings"]
[llm.aliases]
a = "openai/gpt-4o"
b = "openai/text-embedding-3-small"
c = "lab/big"
d = "LAB/big"
e = "other/big"
f = "ollama/llama3"
g = { model = "x/y", backend = "lab" }
h = { model = "x/y", backend = "missing" }
i = "anthropic/claude"
"#;
        let report = crate::check("t.toml", text, &crate::Options::default());
        let config = &report.config;
        let index = Index::new(config);
        assert_eq!(config.aliases.len(), 9);
        for alias in &config.aliases {
            let scan: Vec<usize> = match &alias.backend {
                Some(pin) => config
                    .backends
                    .iter()
                    .position(|b| b.name.value == pin.value)
                    .into_iter()
                    .collect(),
                None => (0..config.backends.len())
                    .filter(|&i| {
                        let b = &config.backends[i];
                        let bound = b.model.as_ref().map(Spanned::as_str);
                        vocab::backend_serves_model(
                            bound,
                            b.provider().map(|p| p.name),
                            alias.provider(),
                            alias.model_name(),
                        )
                    })
                    .collect(),
            };
            let name = &alias.name.value;
            assert_eq!(index.candidates(alias), scan, "alias {name}");
            let ops = scan.iter().fold(OpSet::default(), |m, &i| {
                m.union(OpSet::of(&config.backends[i].ops))
            });
            assert_eq!(
                index.ops_serving(alias),
                (!scan.is_empty()).then_some(ops),
                "alias {name}"
            );
        }
        assert_eq!(index.candidates(&config.aliases[0]), [0, 1]);
        assert_eq!(index.candidates(&config.aliases[2]), [2]);
        assert_eq!(index.candidates(&config.aliases[5]), [3]);
    }
}
