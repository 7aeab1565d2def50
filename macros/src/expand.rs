//! Code generation: the `CONFIG` static and the `aliases`, `backends`, `credentials` and `env`
//! modules, built from `&'static` data through `::llmcfg::__private`.
//!
//! Depends only on `llmcfg-core`, `quote` and `proc-macro2` so the benchmark can include it.

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;

use llmcfg_core::SourceFile;
use llmcfg_core::model::{Alias, Backend, Credential, LlmConfig};
use llmcfg_core::vocab::{self, CredentialKind};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// Every generated item. Also used for a config with errors (best effort: every name that was
/// read gets its constant, so user code sees the real error rather than unresolved names) and
/// for bad arguments (an empty config).
pub(crate) fn items(config: &LlmConfig, source: &SourceFile) -> TokenStream {
    let g = Gen::new(config, source);
    let credentials = g.credentials();
    let backends = g.backends();
    let aliases = g.aliases();
    let env = g.env();
    let config = g.config();
    quote! {
        #config
        #aliases
        #backends
        #credentials
        #env
    }
}

struct Gen<'a> {
    config: &'a LlmConfig,
    source: &'a SourceFile,
    /// The built-in provider of each backend (telling it parses the URL: done once).
    providers: Vec<Option<&'static str>>,
    /// The first credential and backend of each name, as `credential_index`/`candidates` find.
    credential_by_name: HashMap<&'a str, usize>,
    backend_by_name: HashMap<&'a str, usize>,
    /// Backends bound to no model, by provider; backends bound to a model, by its model part.
    by_provider: HashMap<&'static str, Vec<usize>>,
    by_model: HashMap<&'a str, Vec<usize>>,
    /// Backends by the credential they reference; credentials by the env var they read.
    users: HashMap<&'a str, Vec<&'a str>>,
    readers: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Gen<'a> {
    /// Indexes the config once, so generating N aliases against N backends stays linear
    /// (`LlmConfig::candidates` scans every backend per alias, which a 10,000-entry config
    /// turns into minutes in an unoptimised proc macro).
    fn new(config: &'a LlmConfig, source: &'a SourceFile) -> Self {
        let mut g = Gen {
            config,
            source,
            providers: config
                .backends
                .iter()
                .map(|b| b.provider().map(|p| p.name))
                .collect(),
            credential_by_name: HashMap::new(),
            backend_by_name: HashMap::new(),
            by_provider: HashMap::new(),
            by_model: HashMap::new(),
            users: HashMap::new(),
            readers: HashMap::new(),
        };
        for (i, c) in config.credentials.iter().enumerate() {
            g.credential_by_name.entry(c.name.as_str()).or_insert(i);
            if let Some(env) = &c.api_key_env {
                g.readers
                    .entry(env.as_str())
                    .or_default()
                    .push(c.name.as_str());
            }
        }
        for (i, b) in config.backends.iter().enumerate() {
            g.backend_by_name.entry(b.name.as_str()).or_insert(i);
            if let Some(r) = &b.credential_ref {
                g.users.entry(r.as_str()).or_default().push(b.name.as_str());
            }
            match &b.model {
                Some(bound) => {
                    let bound = bound.as_str();
                    let key = vocab::split_model(bound).map_or(bound, |(_, m)| m);
                    g.by_model.entry(key).or_default().push(i);
                }
                None => {
                    if let Some(provider) = g.providers[i] {
                        g.by_provider.entry(provider).or_default().push(i);
                    }
                }
            }
        }
        g
    }

    /// What `LlmConfig::candidates` returns, from the index: the pinned backend, else the
    /// backends `vocab::backend_serves_model` accepts among those that could match at all
    /// (unbound ones of the alias's provider, bound ones to its model part), in file order.
    fn candidates(&self, alias: &Alias) -> Vec<usize> {
        if let Some(pin) = &alias.backend {
            return self
                .backend_by_name
                .get(pin.as_str())
                .copied()
                .into_iter()
                .collect();
        }
        let (provider, model) = (alias.provider(), alias.model_name());
        let none: &[usize] = &[];
        let unbound = self.by_provider.get(provider).map_or(none, Vec::as_slice);
        let bound = self.by_model.get(model).map_or(none, Vec::as_slice);
        let mut out: Vec<usize> = unbound
            .iter()
            .chain(bound)
            .copied()
            .filter(|&i| {
                let b = &self.config.backends[i];
                let binding = b.model.as_ref().map(|m| m.as_str());
                vocab::backend_serves_model(binding, self.providers[i], provider, model)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Short private names for `::llmcfg::__private` items, imported where the data is written:
/// a path per value would multiply the tokens a large config expands to (and the time to
/// build, hand over and drop them). Lowercase, so no generated constant can clash.
fn prelude() -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use ::llmcfg::__private::{
            Borrowed as __b, Some as __some, None as __none, alias as __alias,
            backend as __backend, credential as __credential, config as __config,
            BackendKind as __BackendKind, CredentialKind as __CredentialKind,
            Hosting as __Hosting, Op as __Op, Policy as __Policy, Transport as __Transport,
        };
    }
}

/// `Borrowed("…")`.
fn string(value: &str) -> TokenStream {
    quote!(__b(#value))
}

/// `Some(Borrowed("…"))` or `None`.
fn opt_string(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(__some(__b(#value))),
        None => quote!(__none),
    }
}

/// `Borrowed(&[…])`.
fn list(items: impl IntoIterator<Item = TokenStream>) -> TokenStream {
    let items = items.into_iter();
    quote!(__b(&[#(#items),*]))
}

/// `Enum::Variant` of a vocabulary value. The vocabulary enums are fieldless with derived
/// `Debug`, which prints exactly the variant's identifier, so new words need no change here.
fn word<T: Debug>(enum_name: &str, value: T) -> TokenStream {
    let ty = Ident::new(&format!("__{enum_name}"), Span::call_site());
    let variant = Ident::new(&format!("{value:?}"), Span::call_site());
    quote!(#ty::#variant)
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn codes<'s>(names: impl IntoIterator<Item = &'s str>) -> String {
    names.into_iter().map(code).collect::<Vec<_>>().join(", ")
}

/// Constant identifiers for `names` (in the order given), skipping a name whose constant is
/// already taken: valid configs never collide (the validator reports it), and a config with
/// errors must not add a duplicate-definition error to the real one.
fn const_idents<'s>(names: impl IntoIterator<Item = &'s str>) -> Vec<Option<Ident>> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let constant = vocab::const_name(name);
            seen.insert(constant.clone())
                .then(|| format_ident!("{}", constant))
        })
        .collect()
}

impl Gen<'_> {
    fn line(&self, offset: usize) -> usize {
        self.source.location(offset).line
    }

    fn declared(&self, offset: usize) -> String {
        if self.source.name().is_empty() {
            return String::new();
        }
        format!(
            "\n\nDeclared in `{}` line {}.",
            self.source.name(),
            self.line(offset)
        )
    }

    fn config(&self) -> TokenStream {
        let prelude = prelude();
        let c = self.config;
        let policy = word("Policy", c.default_policy);
        let default_alias = opt_string(c.default_alias.as_ref().map(|a| a.as_str()));
        let env_vars = list(c.env_vars().into_iter().map(string));
        let doc = if self.source.name().is_empty() {
            "The llm config (empty: the macro's arguments are wrong).".to_string()
        } else {
            format!(
                "The llm config of `{}` (table `[{}]`): {} credential(s), {} backend(s), {} alias(es); default policy `{}`{}.",
                self.source.name(),
                c.table,
                c.credentials.len(),
                c.backends.len(),
                c.aliases.len(),
                c.default_policy,
                c.default_alias
                    .as_ref()
                    .map_or_else(String::new, |a| format!(", default alias `{}`", a.value)),
            )
        };
        quote! {
            #[doc = #doc]
            #[allow(dead_code)]
            pub static CONFIG: ::llmcfg::Config = {
                #prelude
                __config(
                    #policy,
                    #default_alias,
                    __b(credentials::ALL),
                    __b(backends::ALL),
                    __b(aliases::ALL),
                    #env_vars,
                )
            };
        }
    }

    fn credentials(&self) -> TokenStream {
        let all = &self.config.credentials;
        let values = all.iter().map(|c| {
            let command = list(
                c.command
                    .iter()
                    .flat_map(|cmd| cmd.value.iter())
                    .map(|arg| string(arg)),
            );
            let name = string(&c.name.value);
            let kind = word("CredentialKind", c.kind);
            let env = opt_string(c.api_key_env.as_ref().map(|s| s.as_str()));
            let secret = opt_string(c.secret.as_ref().map(|s| s.as_str()));
            let path = opt_string(c.path.as_ref().map(|s| s.as_str()));
            quote!(__credential(#name, #kind, #env, #secret, #path, #command))
        });
        let consts = self.constants(
            all.iter().map(|c| c.name.as_str()),
            all.iter().map(|c| self.credential_doc(c)),
            quote!(::llmcfg::Credential),
        );
        module(
            "credentials",
            "The credentials of the config, by name: where each API key comes from (names only, never a key).",
            "Every credential, in file order.",
            quote!(::llmcfg::Credential),
            values,
            consts,
        )
    }

    fn credential_doc(&self, c: &Credential) -> String {
        let source = match c.kind {
            CredentialKind::Env => match &c.api_key_env {
                Some(env) => format!("the env var `{}`", env.value),
                None => "an env var".to_string(),
            },
            CredentialKind::File => {
                format!("the file `{}`", c.path.as_ref().map_or("", |p| p.as_str()))
            }
            CredentialKind::Command => format!(
                "the output of `{}`",
                c.command
                    .as_ref()
                    .map_or(String::new(), |cmd| cmd.value.join(" "))
            ),
        };
        let mut doc = format!("Credential `{}`: the key comes from {source}", c.name.value);
        if c.kind == CredentialKind::File
            && let Some(env) = &c.api_key_env
        {
            doc.push_str(&format!(" (or the env var `{}` when set)", env.value));
        }
        if let Some(secret) = &c.secret {
            doc.push_str(&format!(", else the secret `{}`", secret.value));
        }
        doc.push('.');
        let users: &[&str] = self.users.get(c.name.as_str()).map_or(&[], Vec::as_slice);
        if !users.is_empty() {
            doc.push_str(&format!("\n\nUsed by {}.", codes(users.iter().copied())));
        }
        doc.push_str(&self.declared(c.name.span.start));
        doc
    }

    fn backends(&self) -> TokenStream {
        let all = &self.config.backends;
        let values = all.iter().zip(&self.providers).map(|(b, provider)| {
            let name = string(&b.name.value);
            let kind = word("BackendKind", b.kind.value);
            let url = string(&b.base_url.value);
            let credential_ref = opt_string(b.credential_ref.as_ref().map(|s| s.as_str()));
            let index = b
                .credential_ref
                .as_ref()
                .and_then(|r| self.credential_by_name.get(r.as_str()));
            let credential = match index {
                Some(&i) => {
                    let i = i as u32;
                    quote!(__some(#i))
                }
                None => quote!(__none),
            };
            let hosting = word("Hosting", b.hosting);
            let model = opt_string(b.model.as_ref().map(|s| s.as_str()));
            let provider = opt_string(*provider);
            let ops = list(b.ops.iter().map(|o| word("Op", o.value)));
            let features = list(b.features.iter().map(|f| string(&f.value)));
            let transports = list(b.transports.iter().map(|t| word("Transport", t.value)));
            let (weight, priority) = (b.weight, b.priority);
            quote!(__backend(
                #name, #kind, #url, #credential_ref, #credential, #hosting, #model, #provider,
                #ops, #features, #transports, #weight, #priority
            ))
        });
        let consts = self.constants(
            all.iter().map(|b| b.name.as_str()),
            all.iter().map(|b| self.backend_doc(b)),
            quote!(::llmcfg::Backend),
        );
        module(
            "backends",
            "The backends (endpoints) of the config, by name.",
            "Every backend, in file order (the order `Alias::candidates` indexes).",
            quote!(::llmcfg::Backend),
            values,
            consts,
        )
    }

    fn backend_doc(&self, b: &Backend) -> String {
        let mut doc = format!("Backend `{}`: `{}`", b.name.value, b.kind.value);
        if !b.base_url.value.is_empty() {
            doc.push_str(&format!(" at <{}>", b.base_url.value));
        }
        doc.push_str(&format!(" ({}).", b.hosting));
        if let Some(model) = &b.model {
            doc.push_str(&format!("\n\nModel: `{}`.", model.value));
        }
        match &b.credential_ref {
            Some(r) => {
                let env = self
                    .credential_by_name
                    .get(r.as_str())
                    .and_then(|&i| self.config.credentials[i].api_key_env.as_ref())
                    .map_or_else(String::new, |e| format!(" (env var `{}`)", e.value));
                doc.push_str(&format!("\n\nCredential: `{}`{env}.", r.value));
            }
            None => doc.push_str("\n\nNo credential (no-auth backend)."),
        }
        if !b.ops.is_empty() {
            doc.push_str(&format!(
                "\n\nOps: {}.",
                codes(b.ops.iter().map(|o| o.value.as_str()))
            ));
        }
        doc.push_str(&format!(" Weight {}, priority {}.", b.weight, b.priority));
        doc.push_str(&self.declared(b.name.span.start));
        doc
    }

    fn aliases(&self) -> TokenStream {
        let order = self.config.aliases_by_name();
        let sorted: Vec<&Alias> = order.iter().map(|&i| &self.config.aliases[i]).collect();
        let candidates: Vec<Vec<usize>> = sorted.iter().map(|a| self.candidates(a)).collect();
        let values = sorted.iter().zip(&candidates).map(|(a, candidates)| {
            let name = string(&a.name.value);
            let model = string(&a.model.value);
            let secret = opt_string(a.secret.as_ref().map(|s| s.as_str()));
            let backend = opt_string(a.backend.as_ref().map(|s| s.as_str()));
            let candidates = list(candidates.iter().map(|&i| {
                let i = i as u32;
                quote!(#i)
            }));
            quote!(__alias(#name, #model, #secret, #backend, #candidates))
        });
        let consts = self.constants(
            sorted.iter().map(|a| a.name.as_str()),
            sorted
                .iter()
                .zip(&candidates)
                .map(|(a, c)| self.alias_doc(a, c)),
            quote!(::llmcfg::Alias),
        );
        module(
            "aliases",
            "The model aliases of the config: `aliases::FAST.name()` is `\"fast\"`, checked at compile time.",
            "Every alias, sorted by name.",
            quote!(::llmcfg::Alias),
            values,
            consts,
        )
    }

    fn alias_doc(&self, a: &Alias, candidates: &[usize]) -> String {
        let mut doc = format!("Alias `{}` → `{}`.", a.name.value, a.model.value);
        if let Some(secret) = &a.secret {
            doc.push_str(&format!("\n\nSecret: `{}`.", secret.value));
        }
        if let Some(backend) = &a.backend {
            doc.push_str(&format!("\n\nPinned to backend `{}`.", backend.value));
        } else {
            let served: Vec<&str> = candidates
                .iter()
                .filter_map(|&i| self.config.backends.get(i))
                .map(|b| b.name.as_str())
                .collect();
            if served.is_empty() {
                doc.push_str(&format!(
                    "\n\nServed by the built-in `{}` endpoint.",
                    a.provider()
                ));
            } else {
                doc.push_str(&format!("\n\nServed by {}.", codes(served)));
            }
        }
        if self
            .config
            .default_alias
            .as_ref()
            .is_some_and(|d| d.value == a.name.value)
        {
            doc.push_str("\n\nThe default alias.");
        }
        doc.push_str(&self.declared(a.name.span.start));
        doc
    }

    fn env(&self) -> TokenStream {
        // A value that is not an env-var name is reported (it may even be a pasted key), and
        // must not become an identifier.
        let vars: Vec<&str> = self
            .config
            .env_vars()
            .into_iter()
            .filter(|v| vocab::is_env_var_name(v))
            .collect();
        let idents = const_idents(vars.iter().copied());
        let consts = vars.iter().zip(&idents).filter_map(|(var, ident)| {
            let ident = ident.as_ref()?;
            let users = self.readers.get(var).into_iter().flatten().copied();
            let doc = format!(
                "`{var}`: the env var holding the API key of credential(s) {}. The name, never the value.",
                codes(users)
            );
            Some(quote! {
                #[doc = #doc]
                pub const #ident: &str = #var;
            })
        });
        quote! {
            /// The env-var names the config reads (names only: the macro never reads a value).
            #[allow(dead_code)]
            pub mod env {
                /// Every env-var name, sorted.
                pub const ALL: &[&str] = &[#(#vars),*];
                #(#consts)*
            }
        }
    }

    /// `pub const NAME: &T = &ALL[i];` for each entry, with its doc.
    fn constants<'s>(
        &self,
        names: impl Iterator<Item = &'s str>,
        docs: impl Iterator<Item = String>,
        ty: TokenStream,
    ) -> Vec<TokenStream> {
        let idents = const_idents(names);
        idents
            .into_iter()
            .zip(docs)
            .enumerate()
            .filter_map(|(i, (ident, doc))| {
                let ident = ident?;
                Some(quote! {
                    #[doc = #doc]
                    pub const #ident: &#ty = &ALL[#i];
                })
            })
            .collect()
    }
}

fn module(
    name: &str,
    doc: &str,
    all_doc: &str,
    ty: TokenStream,
    values: impl Iterator<Item = TokenStream>,
    consts: Vec<TokenStream>,
) -> TokenStream {
    let name = Ident::new(name, Span::call_site());
    let prelude = prelude();
    quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        pub mod #name {
            #prelude
            #[doc = #all_doc]
            pub static ALL: &[#ty] = &[#(#values),*];
            #(#consts)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index answers what `LlmConfig::candidates` answers, for every shape of alias.
    #[test]
    fn indexed_candidates_agree_with_the_model() {
        let text = r#"
[llm]
[[llm.backends]]
name = "openai-a"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
ops = ["chat_completions"]

[[llm.backends]]
name = "openai-bound"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
model = "gpt-4o-mini"
ops = ["chat_completions"]

[[llm.backends]]
name = "proxy-bound"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:4000"
model = "openai/gpt-4o-mini"
ops = ["chat_completions"]

[[llm.backends]]
name = "proxy-bare"
kind = "openai_chat_completion"
base_url = "http://127.0.0.1:4000"
model = "llama3"
ops = ["chat_completions"]

[[llm.backends]]
name = "claude"
kind = "anthropic_messages"
base_url = "https://proxy.internal/v1"
ops = ["chat_completions"]

[[llm.backends]]
name = "ollama"
kind = "ollama_chat"
base_url = "http://127.0.0.1:11434"
ops = ["chat_completions"]

[[llm.backends]]
name = "openai-a"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
ops = ["embeddings"]

[llm.aliases]
a = { model = "openai/gpt-4o-mini" }
b = { model = "openai/gpt-5" }
c = { model = "OpenAI/gpt-4o-mini" }
d = { model = "local/llama3" }
e = { model = "anthropic/claude-sonnet-4" }
f = { model = "ollama/llama3.1" }
g = { model = "openai/gpt-5", backend = "openai-a" }
h = { model = "openai/gpt-5", backend = "nope" }
i = { model = "mistral/large" }
j = { model = "openai/llama3" }
"#;
        let report = llmcfg_core::check("llm.toml", text, &llmcfg_core::Options::default());
        let g = Gen::new(&report.config, &report.source);
        assert_eq!(report.config.aliases.len(), 10);
        for alias in &report.config.aliases {
            assert_eq!(
                g.candidates(alias),
                report.config.candidates(alias),
                "alias `{}`",
                alias.name.value
            );
        }
    }
}
