//! Rules across entries of the typed config: duplicate names, dangling references, what each
//! kind can serve, URLs, providers, generated-constant collisions and the deniable warnings.

use std::collections::{HashMap, HashSet};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Alias, Backend, LlmConfig, Spanned};
use crate::suggest;
use crate::vocab::{self, Op};

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

/// The bit of `op` in a set of ops.
fn op_bit(op: Op) -> u32 {
    1 << (op as u32)
}

/// The set of ops a backend lists.
fn op_mask(ops: &[Spanned<Op>]) -> u32 {
    ops.iter().fold(0, |mask, op| mask | op_bit(op.value))
}

/// Which configured backends can serve an alias, indexed once so that checking N aliases
/// against N backends stays linear. Agrees with [`LlmConfig::candidates`].
struct Serving<'a> {
    config: &'a LlmConfig,
    /// The first backend of each name: what a pin resolves to.
    by_name: HashMap<&'a str, usize>,
    /// The built-in provider each backend talks to.
    providers: Vec<Option<&'static str>>,
    /// Backends bound to no model, by provider: how many, and the union of their ops.
    by_provider: HashMap<&'static str, (usize, u32)>,
    /// Backends bound to a model, by the model part of the binding.
    by_model: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Serving<'a> {
    fn new(config: &'a LlmConfig) -> Self {
        let n = config.backends.len();
        let mut serving = Serving {
            config,
            by_name: HashMap::with_capacity(n),
            providers: Vec::with_capacity(n),
            by_provider: HashMap::new(),
            by_model: HashMap::new(),
        };
        for (i, backend) in config.backends.iter().enumerate() {
            serving
                .by_name
                .entry(backend.name.value.as_str())
                .or_insert(i);
            let provider = backend.provider().map(|p| p.name);
            serving.providers.push(provider);
            match &backend.model {
                Some(bound) => {
                    let bound = bound.value.as_str();
                    let key = vocab::split_model(bound).map_or(bound, |(_, m)| m);
                    serving.by_model.entry(key).or_default().push(i);
                }
                None => {
                    if let Some(provider) = provider {
                        let entry = serving.by_provider.entry(provider).or_insert((0, 0));
                        entry.0 += 1;
                        entry.1 |= op_mask(&backend.ops);
                    }
                }
            }
        }
        serving
    }

    /// The backend named `name`.
    fn backend(&self, name: &str) -> Option<&'a Backend> {
        self.by_name.get(name).map(|&i| &self.config.backends[i])
    }

    /// Whether any configured backend can serve `alias`, and the union of their ops.
    fn serves(&self, alias: &Alias) -> (bool, u32) {
        if let Some(pin) = &alias.backend {
            return self
                .backend(&pin.value)
                .map_or((false, 0), |b| (true, op_mask(&b.ops)));
        }
        let (provider, model) = (alias.provider(), alias.model_name());
        let (count, mut mask) = self.by_provider.get(provider).copied().unwrap_or((0, 0));
        let mut any = count > 0;
        for &i in self.by_model.get(model).map_or(&[][..], Vec::as_slice) {
            let backend = &self.config.backends[i];
            let bound = backend.model.as_ref().map(Spanned::as_str);
            if vocab::backend_serves_model(bound, self.providers[i], provider, model) {
                any = true;
                mask |= op_mask(&backend.ops);
            }
        }
        (any, mask)
    }
}

fn aliases(config: &LlmConfig, diags: &mut Vec<Diagnostic>) {
    let index = Serving::new(config);
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
        let (served, ops_served) = index.serves(alias);
        let builtin = vocab::provider(provider);
        if alias.backend.is_none() && builtin.is_none() && !served {
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
            let configured = ops_served & op_bit(op.value) != 0;
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
    use super::*;

    /// The index answers what `LlmConfig::candidates` answers, for every kind of alias.
    #[test]
    fn serving_index_agrees_with_candidates() {
        let text = r#"
[[llm.backends]]
name = "oa"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
ops = ["chat_completions"]
[[llm.backends]]
name = "oa-bound"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
model = "text-embedding-3-small"
ops = ["embeddings"]
[[llm.backends]]
name = "lab"
kind = "openai_chat_completion"
base_url = "https://lab.example/v1"
model = "lab/big"
ops = ["image_generation"]
[[llm.backends]]
name = "plain"
kind = "openai_chat_completion"
base_url = "https://lab.example/v1"
model = "big"
ops = ["speech_to_text"]
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
        let index = Serving::new(config);
        assert_eq!(config.aliases.len(), 9);
        for alias in &config.aliases {
            let candidates = config.candidates(alias);
            let mask = candidates
                .iter()
                .fold(0, |m, &i| m | op_mask(&config.backends[i].ops));
            assert_eq!(
                index.serves(alias),
                (!candidates.is_empty(), mask),
                "alias {}",
                alias.name.value
            );
        }
    }
}

#[cfg(test)]
mod kind_tests {
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
