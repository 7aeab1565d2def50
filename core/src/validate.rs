//! Rules across entries of the typed config: duplicate names, dangling references, what each
//! kind can serve, URLs, providers, generated-constant collisions and the deniable warnings.

use std::collections::{HashMap, HashSet};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::index::Index;
use crate::model::{Backend, LlmConfig, Spanned};
use crate::suggest;
use crate::vocab;

/// Runs every cross-entry rule over `config`, appending to `diags`.
pub(crate) fn validate(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    duplicates(config, diags);
    credential_refs(config, diags);
    backends(config, diags);
    aliases(config, diags);
    discovery(config, diags);
    constants(config, diags);
}

fn duplicates(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    let mut check = |what: &str, names: &mut dyn Iterator<Item = &Spanned<String>>| {
        let mut seen: HashMap<&str, &Span> = HashMap::new();
        for name in names {
            if let Some(first) = seen.get(name.value.as_str()) {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        name.span.clone(),
                        format!("duplicate {what} name `{}`", name.value),
                    )
                    .with_label("defined again here")
                    .with_related((*first).clone(), "first defined here")
                    .with_help(format!(
                        "rename or remove one of the two {what}s named `{}`",
                        name.value
                    )),
                );
            } else {
                seen.insert(&name.value, &name.span);
            }
        }
    };
    check(
        "credential",
        &mut config.credentials.iter().map(|c| &c.name),
    );
    check("backend", &mut config.backends.iter().map(|b| &b.name));
}

fn credential_refs(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    let names: HashSet<&str> = config
        .credentials
        .iter()
        .map(|c| c.name.value.as_str())
        .collect();
    // Credentials some backend references; a misspelled reference counts for the credential
    // it most likely meant, so that one is reported once, as the dangling reference.
    let mut used: HashSet<&str> = HashSet::with_capacity(names.len());
    for backend in &config.backends {
        let Some(reference) = &backend.credential_ref else {
            continue;
        };
        if let Some(name) = names.get(reference.value.as_str()) {
            used.insert(name);
            continue;
        }
        let near = suggest::did_you_mean(
            &reference.value,
            config.credentials.iter().map(|c| c.name.value.as_str()),
        );
        if let Some(near) = near {
            used.insert(near);
        }
        let help = match near {
            Some(near) => format!("did you mean `credential_ref = \"{near}\"`?"),
            None => format!(
                "declare it:\n\n[[{}.credentials]]\nname = \"{}\"\napi_key_env = \"OPENAI_API_KEY\"\n\nor remove `credential_ref` for a no-auth backend",
                config.table, reference.value
            ),
        };
        diags.push(
            Diagnostic::new(
                Code::UnknownCredentialRef,
                reference.span.clone(),
                format!(
                    "backend `{}` references unknown credential `{}`",
                    backend.name.value, reference.value
                ),
            )
            .with_label(format!("no credential named `{}`", reference.value))
            .with_help(help),
        );
    }
    for credential in &config.credentials {
        if !used.contains(credential.name.value.as_str()) {
            diags.push(
                Diagnostic::new(
                    Code::UnusedCredential,
                    credential.name.span.clone(),
                    format!(
                        "credential `{}` is not used by any backend",
                        credential.name.value
                    ),
                )
                .with_label("never referenced")
                .with_help(format!(
                    "reference it from a backend with `credential_ref = \"{}\"`, or remove it",
                    credential.name.value
                )),
            );
        }
    }
}

fn backends(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    for backend in &config.backends {
        let name = &backend.name.value;
        let kind = backend.kind.value;
        for op in &backend.ops {
            if backend.kind_known && !kind.serves(op.value) {
                let served = suggest::one_of(kind.ops().iter().map(|o| o.as_str()));
                diags.push(
                    Diagnostic::new(
                        Code::UnsupportedOp,
                        op.span.clone(),
                        format!(
                            "backend `{name}` of kind `{kind}` cannot serve `{}`",
                            op.value
                        ),
                    )
                    .with_label(format!("`{kind}` does not serve this op"))
                    .with_related(
                        backend.kind.span.clone(),
                        format!("the kind is `{kind}` here"),
                    )
                    .with_help(format!(
                        "remove `\"{}\"`; `{kind}` serves {served}",
                        op.value
                    )),
                );
            }
        }
        for transport in &backend.transports {
            if backend.kind_known && !kind.transports().contains(&transport.value) {
                let usable = suggest::one_of(kind.transports().iter().map(|t| t.as_str()));
                diags.push(
                    Diagnostic::new(
                        Code::UnsupportedTransport,
                        transport.span.clone(),
                        format!(
                            "backend `{name}` of kind `{kind}` cannot use transport `{}`",
                            transport.value
                        ),
                    )
                    .with_label(format!("`{kind}` does not use this transport"))
                    .with_help(format!("use {usable}")),
                );
            }
        }
        if backend.weight == 0 {
            diags.push(
                Diagnostic::new(
                    Code::ZeroWeight,
                    backend.name.span.clone(),
                    format!(
                        "backend `{name}` has weight 0 and is never picked while others can serve"
                    ),
                )
                .with_label("weight = 0")
                .with_help("give it a positive weight (the default is 100), or remove the backend"),
            );
        }
        url(backend, diags);
    }
}

fn url(backend: &Backend, diags: &mut Vec<Diagnostic>) {
    let raw = &backend.base_url;
    if raw.value.is_empty() && backend.kind.value == vocab::BackendKind::Stub {
        return;
    }
    let kind = backend.kind.value;
    let parsed = match url::Url::parse(&raw.value) {
        Ok(u) if u.has_host() || u.scheme() == "stub" => u,
        Ok(_) | Err(_) => {
            let example = match kind {
                // A URL written without its scheme only lacks `https://`.
                _ if !raw.value.is_empty() && !raw.value.contains("://") => {
                    format!("https://{}", raw.value)
                }
                vocab::BackendKind::OpenaiChatCompletion | vocab::BackendKind::OpenaiRealtimeWs => {
                    "https://api.openai.com/v1".to_string()
                }
                vocab::BackendKind::AnthropicMessages => "https://api.anthropic.com/v1".to_string(),
                vocab::BackendKind::OllamaChat => "http://127.0.0.1:11434".to_string(),
                vocab::BackendKind::Stub => "stub://echo".to_string(),
            };
            let message = if raw.value.is_empty() {
                format!("`base_url` of backend `{}` is empty", backend.name.value)
            } else {
                format!(
                    "`base_url` `{}` of backend `{}` is not a URL",
                    raw.value, backend.name.value
                )
            };
            diags.push(
                Diagnostic::new(Code::InvalidUrl, raw.span.clone(), message)
                    .with_label("expected `scheme://host[:port]/path`")
                    .with_help(format!(
                        "write an absolute URL, e.g. `base_url = \"{example}\"`"
                    )),
            );
            return;
        }
    };
    let scheme = parsed.scheme();
    if backend.kind_known && !kind.schemes().contains(&scheme) {
        let usable = suggest::one_of(kind.schemes().iter().copied());
        diags.push(
            Diagnostic::new(
                Code::UnsupportedUrlScheme,
                raw.span.clone(),
                format!(
                    "backend `{}` of kind `{kind}` cannot use `{scheme}://`",
                    backend.name.value
                ),
            )
            .with_label(format!("`{scheme}` is not a scheme `{kind}` speaks"))
            .with_help(format!("use {usable}")),
        );
        return;
    }
    let host = vocab::url_host(&raw.value).unwrap_or("");
    if matches!(scheme, "http" | "ws")
        && backend.credential_ref.is_some()
        && !vocab::is_loopback_host(host)
    {
        let secure = if scheme == "ws" { "wss" } else { "https" };
        let fixed = raw.value.replacen(scheme, secure, 1);
        diags.push(
            Diagnostic::new(Code::InsecureUrl, raw.span.clone(), format!("backend `{}` would send its API key in clear to `{host}`", backend.name.value))
                .with_label(format!("plain `{scheme}://` to a host that is not this machine"))
                .with_help(format!("use `base_url = \"{fixed}\"`; plain `{scheme}://` is fine only for loopback addresses")),
        );
    }
}

fn aliases(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    let index = Index::new(config);
    for alias in &config.aliases {
        let name = &alias.name.value;
        if let Some(pin) = &alias.backend
            && index.backend(&pin.value).is_none()
        {
            let names = config.backends.iter().map(|b| b.name.value.as_str());
            let help = match suggest::did_you_mean(&pin.value, names) {
                Some(near) => format!("did you mean `backend = \"{near}\"`?"),
                None => {
                    "name a `[[…backends]]` entry, or remove `backend` to let the runtime choose"
                        .to_string()
                }
            };
            diags.push(
                Diagnostic::new(
                    Code::UnknownBackendRef,
                    pin.span.clone(),
                    format!(
                        "alias `{name}` is pinned to unknown backend `{}`",
                        pin.value
                    ),
                )
                .with_label(format!("no backend named `{}`", pin.value))
                .with_help(help),
            );
        }
        let (provider, model) = (alias.provider(), alias.model_name());
        if provider.is_empty() || model.is_empty() {
            continue; // reported as invalid-model
        }
        let ops_served = index.ops_serving(alias);
        let builtin = vocab::provider(provider);
        if alias.backend.is_none() && builtin.is_none() && ops_served.is_none() {
            let known = vocab::PROVIDERS.iter().map(|p| p.name);
            let hint = suggest::did_you_mean(provider, known).map_or_else(String::new, |p| {
                format!("did you mean `{p}/{model}`? otherwise ")
            });
            diags.push(
                Diagnostic::new(Code::UnknownProvider, alias.model.span.clone(), format!("alias `{name}` names unknown provider `{provider}` and no backend serves it"))
                    .with_label(format!("`{provider}` is not a built-in provider"))
                    .with_help(format!("{hint}pin the alias to a configured backend with `backend = \"…\"`, or bind a backend with `model = \"{provider}/{model}\"`")),
            );
            continue;
        }
        for op in &alias.ops {
            let configured = ops_served.is_some_and(|ops| ops.contains(op.value));
            let builtin_serves =
                alias.backend.is_none() && builtin.is_some_and(|p| p.kind.serves(op.value));
            if !configured && !builtin_serves {
                diags.push(
                    Diagnostic::new(Code::OpUnserved, op.span.clone(), format!("alias `{name}` is used for `{}` but none of its backends serves it", op.value))
                        .with_label("no backend of this alias serves this op")
                        .with_help(format!("pin the alias to a backend that lists `\"{}\"` in `ops`, or add the op to one of its backends", op.value)),
                );
            }
        }
    }
    if let Some(default) = &config.default_alias
        && config.alias(&default.value).is_none()
    {
        let names = config.aliases.iter().map(|a| a.name.value.as_str());
        let help = match suggest::did_you_mean(&default.value, names) {
            Some(near) => format!("did you mean `default_alias = \"{near}\"`?"),
            None if config.aliases.is_empty() => format!(
                "define it under `[{}.aliases]`, e.g. `{} = {{ model = \"openai/gpt-5-nano\" }}`, or remove `default_alias`",
                config.table, default.value
            ),
            None => format!(
                "use one of {}",
                suggest::one_of(config.aliases.iter().map(|a| a.name.value.as_str()))
            ),
        };
        diags.push(
            Diagnostic::new(
                Code::UnknownDefaultAlias,
                default.span.clone(),
                format!("`default_alias` names unknown alias `{}`", default.value),
            )
            .with_label(format!("no alias named `{}`", default.value))
            .with_help(help),
        );
    }
}

fn discovery(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    let Some(d) = &config.ollama_discovery else {
        return;
    };
    let Some(base) = &d.base_url else { return };
    match url::Url::parse(&base.value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {
            let host = vocab::url_host(&base.value).unwrap_or("");
            if !d.allow_remote && !vocab::is_loopback_host(host) {
                diags.push(
                    Diagnostic::new(Code::RemoteDiscoveryUrl, base.span.clone(), format!("Ollama discovery points at non-loopback host `{host}` while `allow_remote = false`"))
                        .with_label("not this machine")
                        .with_help("use `base_url = \"http://127.0.0.1:11434\"`, or set `allow_remote = true` if importing from that host is intended"),
                );
            }
        }
        _ => diags.push(
            Diagnostic::new(
                Code::InvalidUrl,
                base.span.clone(),
                format!(
                    "discovery `base_url` `{}` is not an http(s) URL",
                    base.value
                ),
            )
            .with_label("expected `http://host:port`")
            .with_help("write `base_url = \"http://127.0.0.1:11434\"`"),
        ),
    }
}

fn constants(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    let mut check = |module: &str, names: Vec<(&str, &Span)>| {
        let mut seen: HashMap<String, (&str, &Span)> = HashMap::new();
        for (name, span) in names {
            let constant = vocab::const_name(name);
            match seen.get(&constant) {
                Some((first, first_span)) if *first != name => diags.push(
                    Diagnostic::new(Code::ConstantCollision, span.clone(), format!("`{name}` and `{first}` both become the constant `{module}::{constant}`"))
                        .with_label(format!("becomes `{module}::{constant}`"))
                        .with_related((*first_span).clone(), format!("`{first}` becomes `{module}::{constant}` too"))
                        .with_help(format!("rename `{name}` so it differs from `{first}` in more than case and punctuation")),
                ),
                Some(_) => {}
                None => {
                    seen.insert(constant, (name, span));
                }
            }
        }
    };
    check(
        "aliases",
        config
            .aliases
            .iter()
            .map(|a| (a.name.value.as_str(), &a.name.span))
            .collect(),
    );
    check(
        "backends",
        config
            .backends
            .iter()
            .map(|b| (b.name.value.as_str(), &b.name.span))
            .collect(),
    );
    check(
        "credentials",
        config
            .credentials
            .iter()
            .map(|c| (c.name.value.as_str(), &c.name.span))
            .collect(),
    );
    check(
        "env",
        config
            .credentials
            .iter()
            .filter_map(|c| c.api_key_env.as_ref().map(|e| (e.value.as_str(), &e.span)))
            .collect(),
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
