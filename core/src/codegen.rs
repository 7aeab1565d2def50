//! Code generation (feature `codegen`): what `include_llm_config!` expands to — the `CONFIG`
//! static and the `aliases`, `backends`, `credentials` and `env` modules, built from `&'static`
//! data through `::llmcfg::__private`. A library, as `sqlx-macros-core` is for sqlx, so it is
//! unit-tested and benchmarked (`benches/expand.rs`) like the rest of the pipeline; the
//! proc-macro crate parses its arguments, reads the file and calls [`items`].
//!
//! The items are Rust source text, not tokens: a proc macro hands text to the compiler with
//! `proc_macro::TokenStream::from_str`, so neither this crate nor the macro needs
//! `proc-macro2` or `quote`, crates every application would otherwise compile (issue 12).

mod entries;
mod module;
mod tokens;

use std::collections::{HashMap, HashSet};

use crate::SourceFile;
use crate::lower::{self, Lowered, LoweredAlias, LoweredBackend};
use crate::model::{Credential, LlmConfig, Spanned};
use crate::vocab::{self, CredentialKind};
use module::Module;
use tokens::W;

/// The generated items as Rust source: parse it with `proc_macro::TokenStream::from_str` (or
/// `str::parse`) in a proc macro. Every token in it is valid Rust, so a failed parse is a bug
/// of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Items(String);

impl Items {
    /// The source text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The source text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Every generated item. Also used for a config with errors (best effort: every name that was
/// read gets its constant, so user code sees the real error rather than unresolved names) and
/// for bad arguments (an empty config).
pub fn items(config: &LlmConfig, source: &SourceFile) -> Items {
    let g = Gen::new(config, source);
    let mut w = W::new();
    g.config(&mut w);
    g.aliases(&mut w);
    g.backends(&mut w);
    g.credentials(&mut w);
    g.env(&mut w);
    Items(w.finish())
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
/// lex, parse and resolve them). Lowercase or `__`-prefixed, so no generated constant can
/// clash; the three public types keep their names (constants are upper case), which the docs
/// of `ALL` and of each constant show.
const PRELUDE: &str = "#[allow(unused_imports)] use ::llmcfg::__private::{\
    Borrowed as __b, Some as __some, None as __none, alias as __alias, \
    backend as __backend, credential as __credential, config as __config, \
    Alias, Backend, Credential, \
    AliasParts as __AliasParts, BackendParts as __BackendParts, \
    ConfigParts as __ConfigParts, CredentialParts as __CredentialParts, \
    BackendKind as __BackendKind, CredentialKind as __CredentialKind, \
    Hosting as __Hosting, Op as __Op, Policy as __Policy, Transport as __Transport, \
    KeyOutput as __KeyOutput, \
    CallOverrides as __CallOverrides, Duration as __Duration, RetryOn as __RetryOn, \
    RetryClass as __RetryClass};";

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn codes<'s>(names: impl IntoIterator<Item = &'s str>) -> String {
    names.into_iter().map(code).collect::<Vec<_>>().join(", ")
}

/// Constant names for `names` (in the order given), skipping a name whose constant is
/// already taken: valid configs never collide (the validator reports it), and a config with
/// errors must not add a duplicate-definition error to the real one.
fn const_idents<'s>(names: impl IntoIterator<Item = &'s str>) -> Vec<Option<String>> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let constant = vocab::const_name(name);
            seen.insert(constant.clone()).then_some(constant)
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

    fn config_doc(&self) -> String {
        let c = self.config;
        if self.source.name().is_empty() {
            return "The llm config (empty: the macro's arguments are wrong).".to_string();
        }
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
    }

    /// `pub static CONFIG: ::llmcfg::Config = { prelude; __config(__ConfigParts { … }) };`
    fn config(&self, w: &mut W) {
        let c = self.config;
        w.doc(&self.config_doc());
        w.code("#[allow(dead_code)] pub static CONFIG: ::llmcfg::Config =");
        w.brace(|w| {
            w.code(PRELUDE);
            w.ident("__config").paren(|w| {
                w.ident("__ConfigParts").brace(|w| {
                    w.field("default_policy", |w| {
                        w.word("__Policy", c.default_policy.ident());
                    });
                    w.field("default_alias", |w| {
                        w.opt_borrowed(c.default_alias.as_ref().map(|a| a.as_str()));
                    });
                    for (field, module) in [
                        ("credentials", "credentials"),
                        ("backends", "backends"),
                        ("aliases", "aliases"),
                    ] {
                        w.field(field, |w| {
                            w.ident("__b").paren(|w| {
                                w.ident(module).op2(':').ident("ALL");
                            });
                        });
                    }
                    w.field("env_vars", |w| {
                        w.list(&self.lowered.env_vars, |w, v| {
                            w.borrowed(v);
                        });
                    });
                    w.field("calls", |w| entries::call_layer(w, &self.lowered.calls));
                });
            });
        });
        w.punct(';');
    }

    fn credentials(&self, w: &mut W) {
        let all = &self.config.credentials;
        let module = Module {
            name: "credentials",
            doc: "The credentials of the config, by name: where each API key comes from (names only, never a key).",
            all_doc: "Every credential, in file order.",
            ty: "Credential",
            parts: "__CredentialParts",
            ctor: "__credential",
        };
        self.module(w, &module, all, entries::credential, |c| {
            (c.name.as_str(), self.credential_doc(c))
        });
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

    fn backends(&self, w: &mut W) {
        let module = Module {
            name: "backends",
            doc: "The backends (endpoints) of the config, by name.",
            all_doc: "Every backend, in file order (the order `Alias::candidates` indexes).",
            ty: "Backend",
            parts: "__BackendParts",
            ctor: "__backend",
        };
        self.module(w, &module, &self.lowered.backends, entries::backend, |b| {
            (b.backend.name.as_str(), self.backend_doc(b))
        });
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

    fn aliases(&self, w: &mut W) {
        let module = Module {
            name: "aliases",
            doc: "The model aliases of the config: `aliases::FAST.name()` is `\"fast\"`, checked at compile time.",
            all_doc: "Every alias, sorted by name.",
            ty: "Alias",
            parts: "__AliasParts",
            ctor: "__alias",
        };
        self.module(w, &module, &self.lowered.aliases, entries::alias, |a| {
            (a.alias.name.as_str(), self.alias_doc(a))
        });
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

    fn env(&self, w: &mut W) {
        // A value that is not an env-var name is reported (it may even be a pasted key), and
        // must not become an identifier.
        let vars: Vec<&str> = self
            .config
            .env_vars()
            .into_iter()
            .filter(|v| vocab::is_env_var_name(v))
            .collect();
        let idents = const_idents(vars.iter().copied());
        w.doc(" The env-var names the config reads (names only: the macro never reads a value).");
        w.code("#[allow(dead_code)] pub mod env");
        w.brace(|w| {
            w.doc(" Every env-var name, sorted.");
            w.code("pub const ALL: &[&str] =");
            w.punct('&').bracket(|w| {
                for var in &vars {
                    w.str(var).punct(',');
                }
            });
            w.punct(';');
            for (var, ident) in vars.iter().zip(&idents) {
                let Some(ident) = ident else { continue };
                let users = self.readers.get(var).into_iter().flatten().copied();
                w.doc(&format!(
                    "`{var}`: the env var holding the API key of credential(s) {}. The name, never the value.",
                    codes(users)
                ));
                w.ident("pub").ident("const").ident(ident).punct(':').punct('&').ident("str");
                w.punct('=').str(var).punct(';');
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::module::CHUNK;
    use super::*;
    use crate::vocab::{
        BackendKind, CredentialKind, Hosting, KeyOutput, Op, Policy, RetryClass, Transport,
    };

    /// Every vocabulary value's `ident()` is what `W::word` writes as an identifier: anything
    /// else would make the macro's text fail to parse, or parse as other tokens.
    #[test]
    fn every_vocabulary_ident_is_a_rust_identifier() {
        let idents = BackendKind::ALL
            .iter()
            .map(|v| v.ident())
            .chain(CredentialKind::ALL.iter().map(|v| v.ident()))
            .chain(Hosting::ALL.iter().map(|v| v.ident()))
            .chain(Op::ALL.iter().map(|v| v.ident()))
            .chain(Policy::ALL.iter().map(|v| v.ident()))
            .chain(Transport::ALL.iter().map(|v| v.ident()))
            .chain(KeyOutput::ALL.iter().map(|v| v.ident()))
            .chain(RetryClass::ALL.iter().map(|v| v.ident()));
        for ident in idents {
            let mut chars = ident.chars();
            assert!(
                chars.next().is_some_and(|c| c.is_ascii_uppercase())
                    && chars.all(|c| c.is_ascii_alphanumeric()),
                "{ident}"
            );
        }
        let mut w = W::new();
        w.word("__BackendKind", BackendKind::OpenaiChatCompletion.ident());
        assert_eq!(w.finish(), "__BackendKind :: OpenaiChatCompletion");
    }

    /// Tokens are spaced as `proc_macro2` prints them, so none runs into the next, and a string
    /// is a literal of exactly its value.
    #[test]
    fn the_writer_spaces_tokens_and_escapes_strings() {
        let mut w = W::new();
        w.ident("x").punct(':').punct('&').bracket(|w| {
            w.str("a\"b\\c\nd\u{7f}").punct(',').num(-5, "i32");
        });
        w.brace(|w| {
            w.op2('.').ident("__D");
        });
        w.paren(|_| {}).punct(';');
        assert_eq!(
            w.finish(),
            r#"x : & ["a\"b\\c\nd\u{7f}" , -5i32] {.. __D} () ;"#
        );
    }

    /// Entries go into `const` arrays of at most `CHUNK`, all the same size (the last one
    /// padded), and `ALL` is the slice of exactly the entries.
    #[test]
    fn entries_are_chunked_and_all_is_cut_to_them() {
        let code = |n: usize| {
            let mut text = String::from("[llm.aliases]\n");
            for i in 0..n {
                text.push_str(&format!("a{i} = \"openai/m\"\n"));
            }
            let report = crate::check("llm.toml", &text, &crate::Options::default());
            assert!(!report.has_errors(), "{:?}", report.diagnostics);
            items(&report.config, &report.source).into_string()
        };
        let one = code(3);
        assert!(one.contains("const __C0 : [Alias ; 3] = ["), "{one}");
        assert!(one.contains("static __CHUNKS : [[Alias ; 3] ; 1] = [__C0 ,]"));
        assert!(one.contains("pub static ALL : & [Alias] = __CHUNKS . as_flattened () ;"));
        let padded = code(CHUNK + 7);
        let size = (CHUNK + 7).div_ceil(2);
        assert!(padded.contains(&format!("const __C1 : [Alias ; {size}]")));
        assert!(!padded.contains("__C2"));
        assert_eq!(
            padded.matches("__alias (__D)").count(),
            2 * size - (CHUNK + 7)
        );
        let all = format!(
            "__CHUNKS . as_flattened () . split_at ({}) . 0 ;",
            CHUNK + 7
        );
        assert!(padded.contains(&all), "{padded}");
    }

    /// The alias constants get their place in the sorted list, which `resolve` trusts (after a
    /// check) instead of searching; fields are written by name, those at their default left out.
    #[test]
    fn aliases_are_emitted_sorted_with_their_positions() {
        let text = "[llm]\n[llm.aliases]\nzeta = \"openai/gpt-4o\"\nalpha = \"ollama/llama3\"\n";
        let report = crate::check("llm.toml", text, &crate::Options::default());
        assert!(!report.has_errors(), "{:?}", report.diagnostics);
        let code = items(&report.config, &report.source).into_string();
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
        // Position 0 is the default the literal leaves to `..__D`.
        assert!(!alpha.contains("position"), "{alpha}");
        assert!(alpha.contains(".. __D"), "{alpha}");
        assert!(zeta.contains("position : 1u32"), "{zeta}");
        assert!(code.contains("pub const ZETA : & Alias = & ALL [1usize]"));
    }
}
