//! Rules across entries of the typed config: duplicate names, dangling references, what each
//! kind can serve, URLs, providers, generated-constant collisions and the deniable warnings.
//! Each rule detects; its wording is its constructor's in [`crate::diags`].

use std::collections::{HashMap, HashSet};

use crate::diagnostic::Span;
use crate::diags::{self, Collision, InvalidUrl, Sink};
use crate::index::Index;
use crate::model::{Alias, Backend, LlmConfig, Spanned};
use crate::suggest;
use crate::vocab::{self, Op};

mod calls;

/// Runs every cross-entry rule over `config`, the one pass of this sink.
pub(crate) fn validate(config: &LlmConfig, sink: &mut Sink) {
    duplicates(config, sink);
    credential_refs(config, sink);
    backends(config, sink);
    let index = Index::new(config);
    for alias in &config.aliases {
        alias_rules(config, &index, alias, sink);
    }
    calls::validate(config, &index, sink);
    default_alias(config, sink);
    discovery(config, sink);
    constants(config, sink);
}

fn duplicates(config: &LlmConfig, sink: &mut Sink) {
    let mut check = |what: &str, names: &mut dyn Iterator<Item = &Spanned<String>>| {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for name in names {
            if let Some(first) = seen.get(name.value.as_str()) {
                sink.push(diags::duplicate_name(name.span, *first, what, &name.value));
            } else {
                seen.insert(&name.value, name.span);
            }
        }
    };
    check(
        "credential",
        &mut config.credentials.iter().map(|c| &c.name),
    );
    check("backend", &mut config.backends.iter().map(|b| &b.name));
}

fn credential_refs(config: &LlmConfig, sink: &mut Sink) {
    let names: HashSet<&str> = config
        .credentials
        .iter()
        .map(|c| c.name.value.as_str())
        .collect();
    // Credentials some backend references; a misspelled reference counts for the credential
    // it most likely meant, so that one is reported once, as the dangling reference.
    let mut used: HashSet<&str> = HashSet::with_capacity(names.len());
    // A reference close to no credential could have meant any of them: while it dangles, no
    // credential is reported unused (the error says what to write; the warnings would only
    // repeat it in other words).
    let mut dangling = false;
    for backend in &config.backends {
        let Some(reference) = &backend.credential_ref else {
            continue;
        };
        if let Some(name) = names.get(reference.value.as_str()) {
            used.insert(name);
            continue;
        }
        let near = suggest::closest(
            &reference.value,
            config.credentials.iter().map(|c| c.name.value.as_str()),
        );
        match near {
            Some((near, _)) => {
                used.insert(near);
            }
            None => dangling = true,
        }
        sink.push(diags::unknown_credential_ref(
            reference.span,
            &backend.name.value,
            &reference.value,
            near,
            &config.table,
        ));
    }
    for credential in config.credentials.iter().filter(|_| !dangling) {
        if !used.contains(credential.name.value.as_str()) {
            sink.push(diags::unused_credential(
                credential.name.span,
                &credential.name.value,
            ));
        }
    }
}

fn backends(config: &LlmConfig, sink: &mut Sink) {
    for backend in &config.backends {
        let name = &backend.name.value;
        let kind = backend.kind.value;
        for op in &backend.ops {
            if backend.kind_known && !kind.serves(op.value) {
                sink.push(diags::unsupported_op(
                    op.span,
                    name,
                    (kind, backend.kind.span),
                    op.value,
                ));
            }
        }
        for transport in &backend.transports {
            if backend.kind_known && !kind.transports().contains(&transport.value) {
                sink.push(diags::unsupported_transport(
                    transport.span,
                    name,
                    kind,
                    transport.value,
                ));
            }
        }
        if backend.weight == 0 {
            sink.push(diags::zero_weight(backend.name.span, name));
        }
        url(backend, sink);
    }
}

fn url(backend: &Backend, sink: &mut Sink) {
    let raw = &backend.base_url;
    if raw.value.is_empty() && backend.kind.value == vocab::BackendKind::Stub {
        return;
    }
    let (name, kind) = (backend.name.as_str(), backend.kind.value);
    let parsed = match crate::url::Url::parse(&raw.value) {
        Ok(u) if u.has_host() || u.scheme() == "stub" => u,
        Ok(_) | Err(_) => {
            let what = InvalidUrl::Backend {
                name,
                kind,
                url: &raw.value,
            };
            sink.push(diags::invalid_url(raw.span, what));
            return;
        }
    };
    let scheme = parsed.scheme();
    if backend.kind_known && !kind.schemes().contains(&scheme) {
        sink.push(diags::unsupported_url_scheme(raw.span, name, kind, scheme));
        return;
    }
    let host = vocab::url_host(&raw.value).unwrap_or("");
    if matches!(scheme, "http" | "ws")
        && backend.credential_ref.is_some()
        && !vocab::is_loopback_host(host)
    {
        sink.push(diags::insecure_url(
            raw.span,
            name,
            (scheme, host),
            &raw.value,
        ));
    }
}

/// An alias's pin, provider and ops, against the backends that could serve it.
fn alias_rules(config: &LlmConfig, index: &Index<'_>, alias: &Alias, sink: &mut Sink) {
    let name = &alias.name.value;
    if let Some(pin) = &alias.backend
        && index.backend(&pin.value).is_none()
    {
        let names = config.backends.iter().map(|b| b.name.value.as_str());
        let near = suggest::closest(&pin.value, names);
        sink.push(diags::unknown_backend_ref(pin.span, name, &pin.value, near));
        // What its ops are served by is unknown until the pin names a backend: an
        // `op-unserved` here would only be a knock-on of this error.
        return;
    }
    let (provider, model) = (alias.provider(), alias.model_name());
    if provider.is_empty() || model.is_empty() {
        return; // reported as invalid-model
    }
    let ops_served = index.ops_serving(alias);
    let builtin = vocab::provider(provider);
    if alias.backend.is_none() && builtin.is_none() && ops_served.is_none() {
        let near = suggest::closest(provider, vocab::PROVIDERS.iter().map(|p| p.name));
        sink.push(diags::unknown_provider(
            alias.model.span,
            name,
            (provider, model),
            near,
        ));
        return;
    }
    for op in &alias.ops {
        if !alias_serves(index, alias, op.value) {
            sink.push(diags::op_unserved(op.span, name, op.value.as_str()));
        }
    }
}

/// Whether a backend that could serve `alias` serves `op`: a configured one, or the
/// provider's built-in endpoint when the alias is not pinned.
pub(crate) fn alias_serves(index: &Index<'_>, alias: &Alias, op: Op) -> bool {
    let configured = index.ops_serving(alias).is_some_and(|ops| ops.contains(op));
    let builtin = || vocab::provider(alias.provider()).is_some_and(|p| p.kind.serves(op));
    configured || (alias.backend.is_none() && builtin())
}

fn default_alias(config: &LlmConfig, sink: &mut Sink) {
    let Some(default) = &config.default_alias else {
        return;
    };
    if config.alias(&default.value).is_some() {
        return;
    }
    let names: Vec<&str> = config
        .aliases
        .iter()
        .map(|a| a.name.value.as_str())
        .collect();
    let near = suggest::closest(&default.value, names.iter().copied());
    sink.push(diags::unknown_default_alias(
        default.span,
        &default.value,
        (near, &names),
        &config.table,
    ));
}

fn discovery(config: &LlmConfig, sink: &mut Sink) {
    let Some(d) = &config.ollama_discovery else {
        return;
    };
    let Some(base) = &d.base_url else { return };
    match crate::url::Url::parse(&base.value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
            let host = vocab::url_host(&base.value).unwrap_or("");
            if !d.allow_remote && !vocab::is_loopback_host(host) {
                sink.push(diags::remote_discovery_url(base.span, host));
            }
        }
        _ => sink.push(diags::invalid_url(
            base.span,
            InvalidUrl::Discovery { url: &base.value },
        )),
    }
}

fn constants(config: &LlmConfig, sink: &mut Sink) {
    let mut check = |module: &str, names: &mut dyn Iterator<Item = &Spanned<String>>| {
        let mut seen: HashMap<String, (&str, Span)> = HashMap::new();
        for name in names {
            let constant = vocab::const_name(&name.value);
            match seen.get(&constant) {
                Some(&first) if first.0 != name.value => {
                    let c = Collision {
                        module,
                        constant: &constant,
                        first,
                    };
                    sink.push(diags::constant_collision(name.span, &name.value, c));
                }
                Some(_) => {}
                None => {
                    seen.insert(constant, (&name.value, name.span));
                }
            }
        }
    };
    check("aliases", &mut config.aliases.iter().map(|a| &a.name));
    check("backends", &mut config.backends.iter().map(|b| &b.name));
    check(
        "credentials",
        &mut config.credentials.iter().map(|c| &c.name),
    );
    check(
        "env",
        &mut config.credentials.iter().flat_map(|c| c.api_key_env.iter()),
    );
}

#[cfg(test)]
mod tests {
    use crate::{Code, Options, check};

    #[test]
    fn a_misspelled_kind_is_reported_once_without_kind_specific_cascades() {
        let report = check(
            "llm.toml",
            "[llm]\n[[llm.backends]]\nname = \"rt\"\nkind = \"openai_realtime\"\nbase_url = \"wss://api.openai.com/v1\"\nops = [\"realtime_voice\"]\ntransports = [\"websocket\"]\n",
            &Options::default(),
        );
        let codes: Vec<Code> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [Code::UnknownBackendKind],
            "{:#?}",
            report.diagnostics
        );
    }
}
