//! Code generation (feature `codegen`): what `include_llm_config!` expands to — the `CONFIG`
//! static and the `aliases`, `backends`, `credentials` and `env` modules, built from `&'static`
//! data through `::llmcfg::__private`. A library, as `sqlx-macros-core` is for sqlx, so it is
//! unit-tested and benchmarked (`benches/expand.rs`) like the rest of the pipeline; the
//! proc-macro crate parses its arguments, reads the file and calls [`items`].

use std::collections::{HashMap, HashSet};

use crate::SourceFile;
use crate::lower::{self, CallLayer, Lowered, LoweredAlias, LoweredBackend};
use crate::model::{Credential, LlmConfig, Spanned};
use crate::vocab::{self, CredentialKind};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// Every generated item. Also used for a config with errors (best effort: every name that was
/// read gets its constant, so user code sees the real error rather than unresolved names) and
/// for bad arguments (an empty config).
pub fn items(config: &LlmConfig, source: &SourceFile) -> TokenStream {
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
    /// Sorted aliases, candidates, credential indices and providers, computed once (linear even
    /// in an unoptimised proc macro) by the same lowering `Config::load` uses.
    lowered: Lowered<'a>,
    /// Backends by the credential they reference; credentials by the env var they read.
    users: HashMap<&'a str, Vec<&'a str>>,
    readers: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Gen<'a> {
    fn new(config: &'a LlmConfig, source: &'a SourceFile) -> Self {
        let mut users: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
        let mut readers: HashMap<&'a str, Vec<&'a str>> = HashMap::new();
        for c in &config.credentials {
            for env in &c.api_key_env {
                readers
                    .entry(env.as_str())
                    .or_default()
                    .push(c.name.as_str());
            }
        }
        for b in &config.backends {
            if let Some(r) = &b.credential_ref {
                users.entry(r.as_str()).or_default().push(b.name.as_str());
            }
        }
        Gen {
            config,
            source,
            lowered: lower::lower(config),
            users,
            readers,
        }
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
            AliasParts as __AliasParts, BackendParts as __BackendParts,
            ConfigParts as __ConfigParts, CredentialParts as __CredentialParts,
            BackendKind as __BackendKind, CredentialKind as __CredentialKind,
            Hosting as __Hosting, Op as __Op, Policy as __Policy, Transport as __Transport,
            KeyOutput as __KeyOutput,
            CallOverrides as __CallOverrides, Duration as __Duration, RetryOn as __RetryOn,
            RetryClass as __RetryClass,
        };
    }
}

/// `Some(Duration::new(…))` for a duration setting the layer sets.
fn emit_duration(d: Option<std::time::Duration>) -> Option<TokenStream> {
    d.map(|d| {
        let (secs, nanos) = (d.as_secs(), d.subsec_nanos());
        quote!(__some(__Duration::new(#secs, #nanos)))
    })
}

fn emit_count(n: Option<u32>) -> Option<TokenStream> {
    n.map(|n| quote!(__some(#n)))
}

fn emit_classes(classes: Option<&Vec<crate::vocab::RetryClass>>) -> Option<TokenStream> {
    classes.map(|classes| {
        let classes = classes.iter().map(|c| format_ident!("{}", c.ident()));
        quote!(__some(__RetryOn::NONE #(.union(__RetryOn::of(__RetryClass::#classes)))*))
    })
}

macro_rules! emit_setting {
    (duration, $value:expr) => {
        emit_duration($value)
    };
    (count, $value:expr) => {
        emit_count($value)
    };
    (classes, $value:expr) => {
        emit_classes($value.as_ref())
    };
}

macro_rules! layer_fields {
    ($($field:ident: $kind:ident = $default:expr, $doc:literal $(($table:ident . $key:ident))?;)*) => {
        /// Every declared setting (`crate::settings`) by field name, with its value when the
        /// layer sets it.
        fn layer_fields(layer: &CallLayer) -> Vec<(&'static str, Option<TokenStream>)> {
            vec![$((stringify!($field), emit_setting!($kind, layer.$field)),)*]
        }
    };
}
crate::call_settings!(layer_fields);

/// One layer of call settings: only the fields the file sets, the rest `NONE`.
fn call_layer(layer: &CallLayer) -> TokenStream {
    if layer.is_empty() {
        return quote!(__CallOverrides::NONE);
    }
    let fields = layer_fields(layer);
    let count = fields.len();
    let set: Vec<TokenStream> = fields
        .into_iter()
        .filter_map(|(name, value)| {
            let name = format_ident!("{}", name);
            value.map(|v| quote!(#name: #v,))
        })
        .collect();
    // `..NONE` only when something is left to fill: with every field set it is a needless
    // update that clippy reports in the user's crate.
    let rest = (set.len() < count).then(|| quote!(..__CallOverrides::NONE));
    quote!(__CallOverrides { #(#set)* #rest })
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

/// `Enum::Variant` of a vocabulary value; `ident` is the variant's `const fn ident()`, which
/// `vocabulary!` derives from the declaration, so new words need no change here.
fn word(enum_name: &str, ident: &str) -> TokenStream {
    let ty = Ident::new(&format!("__{enum_name}"), Span::call_site());
    let variant = Ident::new(ident, Span::call_site());
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
        let policy = word("Policy", c.default_policy.ident());
        let default_alias = opt_string(c.default_alias.as_ref().map(|a| a.as_str()));
        let env_vars = list(self.lowered.env_vars.iter().map(|v| string(v)));
        let calls = call_layer(&self.lowered.calls);
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
                __config(__ConfigParts {
                    default_policy: #policy,
                    default_alias: #default_alias,
                    credentials: __b(credentials::ALL),
                    backends: __b(backends::ALL),
                    aliases: __b(aliases::ALL),
                    env_vars: #env_vars,
                    calls: #calls,
                })
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
            let kind = word("CredentialKind", c.kind.ident());
            let env = list(c.api_key_env.iter().map(|s| string(s.as_str())));
            let secret = opt_string(c.secret.as_ref().map(|s| s.as_str()));
            let path = opt_string(c.path.as_ref().map(|s| s.as_str()));
            let ttl = match c.ttl {
                Some(t) => {
                    let (secs, nanos) = (t.value.as_secs(), t.value.subsec_nanos());
                    quote!(__some(__Duration::new(#secs, #nanos)))
                }
                None => quote!(__none),
            };
            let output = word(
                "KeyOutput",
                c.output.map(|o| o.value).unwrap_or_default().ident(),
            );
            let service = opt_string(c.service.as_ref().map(|s| s.as_str()));
            let account = opt_string(c.account.as_ref().map(|s| s.as_str()));
            quote!(__credential(__CredentialParts {
                name: #name, kind: #kind, api_key_env: #env, secret: #secret, path: #path,
                command: #command, ttl: #ttl, output: #output, service: #service,
                account: #account,
            }))
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
            CredentialKind::Env => match c.api_key_env.as_slice() {
                [] => "an env var".to_string(),
                [env] => format!("the env var `{}`", env.value),
                pool => format!(
                    "a key pool, used in turn: the env vars {}",
                    codes(pool.iter().map(Spanned::as_str))
                ),
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
            CredentialKind::Keyring => format!(
                "the OS keyring entry service `{}` account `{}`",
                c.service.as_ref().map_or("", |s| s.as_str()),
                c.account.as_ref().map_or("", |s| s.as_str())
            ),
        };
        let mut doc = format!("Credential `{}`: the key comes from {source}", c.name.value);
        if c.kind == CredentialKind::File
            && let Some(env) = c.first_var()
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
        let all = &self.lowered.backends;
        let values = all.iter().map(|lb| {
            let b = lb.backend;
            let name = string(&b.name.value);
            let kind = word("BackendKind", b.kind.value.ident());
            let url = string(&b.base_url.value);
            let credential_ref = opt_string(b.credential_ref.as_ref().map(|s| s.as_str()));
            let credential = match lb.credential {
                Some(c) => quote!(__some(#c)),
                None => quote!(__none),
            };
            let hosting = word("Hosting", b.hosting.ident());
            let model = opt_string(b.model.as_ref().map(|s| s.as_str()));
            let provider = opt_string(lb.provider);
            let ops = list(b.ops.iter().map(|o| word("Op", o.value.ident())));
            let features = list(b.features.iter().map(|f| string(&f.value)));
            let transports = list(
                b.transports
                    .iter()
                    .map(|t| word("Transport", t.value.ident())),
            );
            let (weight, priority) = (b.weight, b.priority);
            let calls = call_layer(&lb.calls);
            let auth_header = opt_string(b.auth_header.as_ref().map(|s| s.as_str()));
            let headers = list(b.headers.iter().map(|(n, v)| {
                let (n, v) = (string(&n.value), string(&v.value));
                quote!((#n, #v))
            }));
            quote!(__backend(__BackendParts {
                name: #name, kind: #kind, base_url: #url, credential_ref: #credential_ref,
                credential: #credential, hosting: #hosting, model: #model, provider: #provider,
                ops: #ops, features: #features, transports: #transports, weight: #weight,
                priority: #priority, auth_header: #auth_header, headers: #headers,
                calls: #calls,
            }))
        });
        let consts = self.constants(
            all.iter().map(|b| b.backend.name.as_str()),
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

    fn backend_doc(&self, lb: &LoweredBackend<'_>) -> String {
        let b = lb.backend;
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
                let env = lb
                    .credential
                    .and_then(|i| self.config.credentials[i as usize].first_var())
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
        let sorted = &self.lowered.aliases;
        let values = sorted.iter().map(|la| {
            let a = la.alias;
            let name = string(&a.name.value);
            let model = string(&a.model.value);
            let secret = opt_string(a.secret.as_ref().map(|s| s.as_str()));
            let backend = opt_string(a.backend.as_ref().map(|s| s.as_str()));
            let candidates = list(la.candidates.iter().map(|i| quote!(#i)));
            let position = la.position;
            let fallbacks = list(la.fallbacks.iter().map(|f| string(f)));
            let calls = call_layer(&la.calls);
            quote!(__alias(__AliasParts {
                name: #name, model: #model, secret: #secret, backend: #backend,
                candidates: #candidates, position: #position, fallbacks: #fallbacks,
                calls: #calls,
            }))
        });
        let consts = self.constants(
            sorted.iter().map(|a| a.alias.name.as_str()),
            sorted.iter().map(|a| self.alias_doc(a)),
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

    fn alias_doc(&self, la: &LoweredAlias<'_>) -> String {
        let a = la.alias;
        let mut doc = format!("Alias `{}` → `{}`.", a.name.value, a.model.value);
        if let Some(secret) = &a.secret {
            doc.push_str(&format!("\n\nSecret: `{}`.", secret.value));
        }
        if let Some(backend) = &a.backend {
            doc.push_str(&format!("\n\nPinned to backend `{}`.", backend.value));
        } else {
            let served: Vec<&str> = la
                .candidates
                .iter()
                .filter_map(|&i| self.config.backends.get(i as usize))
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
    // One `const` item per entry, and `ALL` a list of their names: each entry's literal (with
    // its nested borrows) is its own small body for the compiler, instead of all of them in
    // one initializer whose analysis grows faster than the number of entries.
    let (items, names): (Vec<TokenStream>, Vec<Ident>) = values
        .enumerate()
        .map(|(i, value)| {
            let item = format_ident!("__E{}", i);
            (quote!(const #item: #ty = #value;), item)
        })
        .unzip();
    quote! {
        #[doc = #doc]
        #[allow(dead_code)]
        pub mod #name {
            #prelude
            #(#items)*
            #[doc = #all_doc]
            pub static ALL: &[#ty] = &[#(#names),*];
            #(#consts)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{BackendKind, CredentialKind, Hosting, Op, Policy, Transport};

    /// Every vocabulary value's `ident()` is what `word` hands to `Ident::new`, which panics
    /// inside rustc on anything but an identifier.
    #[test]
    fn every_vocabulary_ident_is_a_rust_identifier() {
        let idents = BackendKind::ALL
            .iter()
            .map(|v| v.ident())
            .chain(CredentialKind::ALL.iter().map(|v| v.ident()))
            .chain(Hosting::ALL.iter().map(|v| v.ident()))
            .chain(Op::ALL.iter().map(|v| v.ident()))
            .chain(Policy::ALL.iter().map(|v| v.ident()))
            .chain(Transport::ALL.iter().map(|v| v.ident()));
        for ident in idents {
            let tokens: Vec<proc_macro2::TokenTree> = ident
                .parse::<TokenStream>()
                .map(|t| t.into_iter().collect())
                .unwrap_or_default();
            assert!(
                matches!(tokens.as_slice(), [proc_macro2::TokenTree::Ident(i)] if i == ident),
                "{ident}"
            );
        }
        assert_eq!(
            word("BackendKind", BackendKind::OpenaiChatCompletion.ident()).to_string(),
            "__BackendKind :: OpenaiChatCompletion"
        );
    }

    /// The alias constants get their place in the sorted list, which `resolve` trusts (after a
    /// check) instead of searching; fields are written by name.
    #[test]
    fn aliases_are_emitted_sorted_with_their_positions() {
        let text = "[llm]\n[llm.aliases]\nzeta = \"openai/gpt-4o\"\nalpha = \"ollama/llama3\"\n";
        let report = crate::check("llm.toml", text, &crate::Options::default());
        assert!(!report.has_errors(), "{:?}", report.diagnostics);
        let code = items(&report.config, &report.source).to_string();
        // The fields of the alias named `name`: from its name to the end of its struct literal.
        let fields = |name: &str| {
            let at = code
                .find(&format!("name : __b (\"{name}\")"))
                .unwrap_or_else(|| panic!("{name} emitted: {code}"));
            let rest = &code[at..];
            (at, &rest[..rest.find('}').unwrap_or(rest.len())])
        };
        let (alpha_at, alpha) = fields("alpha");
        let (zeta_at, zeta) = fields("zeta");
        assert!(alpha_at < zeta_at, "sorted by name");
        assert!(alpha.contains("position : 0u32"), "{alpha}");
        assert!(zeta.contains("position : 1u32"), "{zeta}");
        assert!(code.contains("pub const ZETA : & :: llmcfg :: Alias = & ALL [1usize]"));
    }
}
