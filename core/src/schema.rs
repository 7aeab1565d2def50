//! Phase two, field by field: each table of the llm config (credentials, backends, aliases,
//! Spear's discovery and router tables) is read into the typed model with its own known keys,
//! required keys and per-value rules.

use toml::de::{DeTable, DeValue};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::legacy;
use crate::model::{Alias, Backend, Credential, LlmConfig, OllamaDiscovery, RouterFilter, Spanned};
use crate::parse::{RawValue, Reader, Vocab, looks_like_key};
use crate::suggest;
use crate::vocab::{self, BackendKind, CredentialKind, Hosting, Op, Policy, Transport};

const LLM_KEYS: &[&str] = &[
    "default_policy",
    "default_alias",
    "credentials",
    "backends",
    "aliases",
    "discovery",
    "router_grpc_filter_stream",
];
const CREDENTIAL_KEYS: &[&str] = &["name", "kind", "api_key_env", "secret", "path", "command"];
const BACKEND_KEYS: &[&str] = &[
    "name",
    "kind",
    "base_url",
    "credential_ref",
    "hosting",
    "model",
    "ops",
    "features",
    "transports",
    "weight",
    "priority",
];
const ALIAS_KEYS: &[&str] = &["model", "secret", "backend", "ops"];

pub(crate) const OPS: Vocab<Op> = Vocab {
    what: "op",
    code: Code::UnknownOp,
    parse: Op::from_word,
    words: || Op::words().collect(),
    near: |_| None,
};
pub(crate) const TRANSPORTS: Vocab<Transport> = Vocab {
    what: "transport",
    code: Code::UnknownTransport,
    parse: Transport::from_word,
    words: || Transport::words().collect(),
    near: |_| None,
};
const BACKEND_KINDS: Vocab<BackendKind> = Vocab {
    what: "backend kind",
    code: Code::UnknownBackendKind,
    parse: BackendKind::from_word,
    words: || BackendKind::words().collect(),
    // `kind = "openai"` names a provider; propose the kind that provider speaks.
    near: |word| vocab::provider(&word.to_ascii_lowercase()).map(|p| p.kind.as_str()),
};
const CREDENTIAL_KINDS: Vocab<CredentialKind> = Vocab {
    what: "credential kind",
    code: Code::UnknownCredentialKind,
    parse: CredentialKind::from_word,
    words: || CredentialKind::words().collect(),
    near: |_| None,
};
const POLICIES: Vocab<Policy> = Vocab {
    what: "policy",
    code: Code::UnknownPolicy,
    parse: Policy::from_word,
    words: || Policy::words().collect(),
    near: |_| None,
};
const HOSTINGS: Vocab<Hosting> = Vocab {
    what: "hosting",
    code: Code::UnknownHosting,
    parse: Hosting::from_word,
    words: || Hosting::words().collect(),
    near: |_| None,
};

/// Reads the selected llm table.
pub(crate) fn read_llm(r: &mut Reader, table: &DeTable<'_>, span: Span) -> LlmConfig {
    let mut config = LlmConfig {
        table: r.table.clone(),
        span,
        ..LlmConfig::default()
    };
    let (mut credentials, mut backends, mut aliases) = (None, None, None);
    for (key, value) in table.iter() {
        match key.get_ref().as_ref() {
            "default_policy" => {
                if let Some(s) = r.string("default_policy", value) {
                    config.default_policy = r.word(&s, POLICIES).unwrap_or_default();
                }
            }
            "default_alias" => config.default_alias = r.string("default_alias", value),
            "credentials" => credentials = Some(value),
            "backends" => backends = Some(value),
            "aliases" => aliases = Some(value),
            "discovery" => read_discovery(r, &mut config, value),
            "router_grpc_filter_stream" => config.router_filter = read_router(r, value),
            _ => {
                let place = format!("`[{}]`", r.table);
                r.unknown_key(key, value, LLM_KEYS, &place);
            }
        }
    }
    // Credentials first, whatever the file order: the legacy backend help names existing ones.
    for (entry, span) in array_of_tables(r, "credentials", credentials) {
        if let Some(c) = read_credential(r, entry, span) {
            config.credentials.push(c);
        }
    }
    for (entry, span) in array_of_tables(r, "backends", backends) {
        if let Some(b) = read_backend(r, entry, span, &config.credentials) {
            config.backends.push(b);
        }
    }
    if let Some(value) = aliases {
        read_aliases(r, value, &mut config.aliases);
    }
    config
}

/// The tables of an array of tables (`[[llm.backends]]`), reporting anything else.
fn array_of_tables<'a, 'i>(
    r: &mut Reader,
    key: &str,
    value: Option<&'a RawValue<'i>>,
) -> Vec<(&'a DeTable<'i>, Span)> {
    let Some(value) = value else {
        return Vec::new();
    };
    let example = format!("a `[[{}.{key}]]` section", r.table);
    let Some(array) = value.get_ref().as_array() else {
        r.push(
            Diagnostic::new(
                Code::WrongType,
                value.span(),
                format!(
                    "`{key}` must be an array of tables, found {}",
                    value.get_ref().type_str()
                ),
            )
            .with_label("expected an array of tables")
            .with_help(format!("write each entry as {example}")),
        );
        return Vec::new();
    };
    let mut out = Vec::with_capacity(array.len());
    for item in array.iter() {
        match item.get_ref() {
            DeValue::Table(t) => out.push((t, item.span())),
            other => r.push(
                Diagnostic::new(
                    Code::WrongType,
                    item.span(),
                    format!(
                        "each entry of `{key}` must be a table, found {}",
                        other.type_str()
                    ),
                )
                .with_label("expected a table")
                .with_help(format!("write each entry as {example}")),
            ),
        }
    }
    out
}

fn missing(r: &mut Reader, span: &Span, what: &str, key: &str, example: &str) {
    r.push(
        Diagnostic::new(
            Code::MissingField,
            span.clone(),
            format!("{what} is missing `{key}`"),
        )
        .with_label(format!("no `{key}` here"))
        .with_help(format!("add `{key} = {example}`")),
    );
}

/// Checks an env-var name (`api_key_env`): a name, not a key, and well formed.
fn check_env_name(r: &mut Reader, value: &Spanned<String>) {
    let name = &value.value;
    if looks_like_key(name) {
        r.push(
            Diagnostic::new(Code::ApiKeyEnvHoldsKey, value.span.clone(), "`api_key_env` holds what looks like an API key")
                .with_label("this should be the NAME of an env var")
                .with_help("remove the key from the file and rotate it; write the variable's name instead, e.g. `api_key_env = \"OPENAI_API_KEY\"`"),
        );
    } else if !vocab::is_env_var_name(name) {
        let fixed: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        let fixed = if fixed.starts_with(|c: char| c.is_ascii_digit()) || fixed.is_empty() {
            format!("_{fixed}")
        } else {
            fixed
        };
        let (message, fixed) = if name.is_empty() {
            (
                "`api_key_env` is empty".to_string(),
                "OPENAI_API_KEY".to_string(),
            )
        } else {
            (format!("`{name}` is not a valid env-var name"), fixed)
        };
        r.push(
            Diagnostic::new(Code::InvalidEnvName, value.span.clone(), message)
                .with_label("expected `[A-Za-z_][A-Za-z0-9_]*`")
                .with_help(format!(
                    "name the variable with letters, digits and `_`, not starting with a digit, e.g. `\"{fixed}\"`"
                )),
        );
    }
}

fn check_secret_name(r: &mut Reader, value: &Spanned<String>) {
    if !vocab::is_secret_name(&value.value) {
        r.push(
            Diagnostic::new(Code::InvalidSecretName, value.span.clone(), format!("`{}` is not a valid secret name", value.value))
                .with_label("expected 1–128 of `[A-Za-z0-9_.-]`, not starting with `.`")
                .with_help("name the secret with letters, digits, `_`, `.` and `-`, e.g. `secret = \"openai-creds\"`"),
        );
    }
}

fn check_entry_name(r: &mut Reader, what: &str, value: &Spanned<String>) {
    let name = &value.value;
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'));
    if !ok {
        let message = if name.is_empty() {
            format!("{what} name is empty")
        } else {
            format!("invalid {what} name `{name}`")
        };
        r.push(
            Diagnostic::new(Code::InvalidName, value.span.clone(), message)
            .with_label(
                "expected letters, digits, `_`, `-`, `.` or `/`, starting with a letter or digit",
            )
            .with_help(format!("rename the {what}, e.g. `name = \"openai-chat\"`")),
        );
    }
}

fn read_credential(r: &mut Reader, table: &DeTable<'_>, span: Span) -> Option<Credential> {
    let (mut name, mut kind, mut kind_span) = (None, CredentialKind::Env, None);
    // An unknown kind is reported once; the kind-specific checks would only guess.
    let mut kind_unknown = false;
    let (mut api_key_env, mut secret, mut path, mut command) = (None, None, None, None);
    for (key, value) in table.iter() {
        match key.get_ref().as_ref() {
            "name" => name = r.string("name", value),
            "kind" => {
                if let Some(s) = r.string("kind", value) {
                    let word = r.word(&s, CREDENTIAL_KINDS);
                    kind_unknown = word.is_none();
                    kind = word.unwrap_or_default();
                    kind_span = Some(s.span);
                }
            }
            "api_key_env" => api_key_env = r.string("api_key_env", value),
            "secret" => secret = r.string("secret", value),
            "path" => path = r.string("path", value),
            "command" => {
                command = r.strings("command", value).map(|argv| {
                    Spanned::new(
                        argv.into_iter().map(|a| a.value).collect::<Vec<_>>(),
                        value.span(),
                    )
                });
            }
            _ => {
                let place = format!("a `[[{}.credentials]]` entry", r.table);
                r.unknown_key(key, value, CREDENTIAL_KEYS, &place);
            }
        }
    }
    let Some(name) = name else {
        missing(r, &span, "credential", "name", "\"openai\"");
        return None;
    };
    check_entry_name(r, "credential", &name);
    let what = format!("credential `{}`", name.value);
    if let Some(env) = &api_key_env {
        check_env_name(r, env);
    }
    if let Some(s) = &secret {
        check_secret_name(r, s);
    }
    match kind {
        _ if kind_unknown => {}
        CredentialKind::Env if api_key_env.is_none() => {
            missing(r, &span, &what, "api_key_env", "\"OPENAI_API_KEY\"")
        }
        CredentialKind::File if path.is_none() => {
            missing(r, &span, &what, "path", "\"/run/secrets/openai_api_key\"")
        }
        CredentialKind::Command if command.is_none() => missing(
            r,
            &span,
            &what,
            "command",
            "[\"pass\", \"show\", \"llm/openai\"]",
        ),
        _ => {}
    }
    let kind_word = kind.as_str();
    let mismatch = |r: &mut Reader, key: &str, owner: &str, field: &Span| {
        let mut diag = Diagnostic::new(
            Code::FieldKindMismatch,
            field.clone(),
            format!("`{key}` does not apply to a credential of kind `{kind_word}`"),
        )
        .with_label(format!("only used by `kind = \"{owner}\"`"))
        .with_help(format!("set `kind = \"{owner}\"` or remove `{key}`"));
        if let Some(k) = &kind_span {
            diag = diag.with_related(k.clone(), format!("the kind is `{kind_word}` here"));
        }
        r.push(diag);
    };
    if let Some(p) = path
        .as_ref()
        .filter(|_| !kind_unknown && kind != CredentialKind::File)
    {
        mismatch(r, "path", "file", &p.span);
    }
    if let Some(c) = command
        .as_ref()
        .filter(|_| !kind_unknown && kind != CredentialKind::Command)
    {
        mismatch(r, "command", "command", &c.span);
    }
    if let Some(s) = secret
        .as_ref()
        .filter(|_| !kind_unknown && kind != CredentialKind::Env)
    {
        mismatch(r, "secret", "env", &s.span);
    }
    if let Some(argv) = &command
        && (argv.value.is_empty() || argv.value.iter().any(String::is_empty))
    {
        r.push(
            Diagnostic::new(Code::InvalidCommand, argv.span.clone(), format!("the command of {what} has an empty program or argument"))
                .with_label("empty argv or empty string")
                .with_help("write the argv of the program that prints the key, e.g. `command = [\"pass\", \"show\", \"llm/openai\"]`"),
        );
    }
    Some(Credential {
        span,
        name,
        kind,
        api_key_env,
        secret,
        path,
        command,
    })
}

fn read_backend(
    r: &mut Reader,
    table: &DeTable<'_>,
    span: Span,
    credentials: &[Credential],
) -> Option<Backend> {
    let (mut name, mut kind, mut base_url, mut credential_ref) = (None, None, None, None);
    let (mut hosting, mut model, mut ops, mut features, mut transports) =
        (None, None, None, None, None);
    let (mut weight, mut priority, mut legacy) = (100, 0, None);
    let mut ops_span = span.clone();
    for (key, value) in table.iter() {
        match key.get_ref().as_ref() {
            "name" => name = r.string("name", value),
            "kind" => {
                kind = r
                    .string("kind", value)
                    .and_then(|s| r.word(&s, BACKEND_KINDS).map(|k| Spanned::new(k, s.span)))
            }
            "base_url" => base_url = r.string("base_url", value),
            "credential_ref" => credential_ref = r.string("credential_ref", value),
            "hosting" => {
                hosting = r
                    .string("hosting", value)
                    .and_then(|s| r.word(&s, HOSTINGS))
            }
            "model" => model = r.string("model", value),
            "ops" => {
                ops_span = value.span();
                ops = r.words("ops", value, OPS);
            }
            "features" => features = r.strings("features", value),
            "transports" => transports = r.words("transports", value, TRANSPORTS),
            "weight" => {
                weight = r
                    .integer("weight", value, (0, i64::from(u32::MAX)), 100)
                    .map_or(100, |w| w as u32)
            }
            "priority" => {
                priority = r
                    .integer(
                        "priority",
                        value,
                        (i64::from(i32::MIN), i64::from(i32::MAX)),
                        0,
                    )
                    .map_or(0, |p| p as i32)
            }
            "api_key_env" => legacy = Some((key.span().start..value.span().end, value)),
            _ => {
                let place = format!("a `[[{}.backends]]` entry", r.table);
                r.unknown_key(key, value, BACKEND_KEYS, &place);
            }
        }
    }
    if let Some((legacy_span, value)) = legacy {
        let env = value.get_ref().as_str().unwrap_or("OPENAI_API_KEY");
        let existing = credentials
            .iter()
            .find(|c| c.api_key_env.as_ref().is_some_and(|e| e.value == env))
            .map(|c| c.name.value.as_str());
        let proposed =
            legacy::credential_name_for_env(env, |n| credentials.iter().any(|c| c.name.value == n));
        let who = name.as_ref().map_or_else(
            || "a backend".to_string(),
            |n| format!("backend `{}`", n.value),
        );
        r.push(
            Diagnostic::new(
                Code::LegacyApiKeyEnv,
                legacy_span,
                format!("{who} uses the legacy `api_key_env` field"),
            )
            .with_label("backends reference a credential with `credential_ref` instead")
            .with_help(legacy::help(&r.table, env, existing, &proposed)),
        );
    }
    let Some(name) = name else {
        missing(r, &span, "backend", "name", "\"openai-chat\"");
        return None;
    };
    check_entry_name(r, "backend", &name);
    let what = format!("backend `{}`", name.value);
    let kind_known = kind.is_some();
    let kind_written = table.iter().any(|(k, _)| k.get_ref() == "kind");
    let kind = match kind {
        Some(k) => k,
        None => {
            if !kind_written {
                missing(r, &span, &what, "kind", "\"openai_chat_completion\"");
            }
            Spanned::new(BackendKind::Stub, span.clone())
        }
    };
    let base_url = match base_url {
        Some(u) => u,
        None => {
            // Only a stub may go without a URL; a backend that names no kind at all most
            // likely is not one, so both omissions are reported in one pass.
            let may_omit = kind.value == BackendKind::Stub && (kind_known || kind_written);
            if !may_omit && !table.iter().any(|(k, _)| k.get_ref() == "base_url") {
                missing(r, &span, &what, "base_url", "\"https://api.openai.com/v1\"");
            }
            Spanned::new(String::new(), span.clone())
        }
    };
    let ops = ops.unwrap_or_default();
    if ops.is_empty()
        && table.iter().all(|(k, v)| {
            k.get_ref() != "ops" || v.get_ref().as_array().is_some_and(|a| a.is_empty())
        })
    {
        let help = if kind_known {
            let served = suggest::one_of(kind.value.ops().iter().map(|o| o.as_str()));
            format!(
                "list what it serves, e.g. `ops = [\"{}\"]`; backends of kind `{}` can serve {served}",
                kind.value.ops()[0],
                kind.value
            )
        } else {
            "list what it serves, e.g. `ops = [\"chat_completions\"]`".to_string()
        };
        r.push(
            Diagnostic::new(Code::NoOps, ops_span, format!("{what} serves no op"))
                .with_label("no ops listed")
                .with_help(help),
        );
    }
    let transports = transports.filter(|t| !t.is_empty()).unwrap_or_else(|| {
        kind.value
            .transports()
            .iter()
            .map(|t| Spanned::new(*t, kind.span.clone()))
            .collect()
    });
    let hosting = hosting.unwrap_or_else(|| match vocab::url_host(&base_url.value) {
        Some(host) if vocab::is_loopback_host(host) => Hosting::Local,
        _ => Hosting::Remote,
    });
    Some(Backend {
        span,
        name,
        kind,
        base_url,
        credential_ref,
        hosting,
        model,
        ops,
        features: features.unwrap_or_default(),
        transports,
        weight,
        priority,
    })
}

fn read_aliases(r: &mut Reader, value: &RawValue<'_>, out: &mut Vec<Alias>) {
    let Some(table) = value.get_ref().as_table() else {
        r.push(
            Diagnostic::new(
                Code::WrongType,
                value.span(),
                format!(
                    "`aliases` must be a table, found {}",
                    value.get_ref().type_str()
                ),
            )
            .with_label("expected a table")
            .with_help(format!(
                "write `[{}.aliases]` followed by `fast = {{ model = \"openai/gpt-5-nano\" }}`",
                r.table
            )),
        );
        return;
    };
    for (key, value) in table.iter() {
        let name = Spanned::new(key.get_ref().to_string(), key.span());
        if !vocab::is_alias_name(&name.value) {
            let lower = alias_name_for(&name.value);
            r.push(
                Diagnostic::new(
                    Code::InvalidAliasName,
                    name.span.clone(),
                    format!("invalid alias name `{}`", name.value),
                )
                .with_label("expected `[a-z0-9][a-z0-9_-]*`")
                .with_help(format!(
                    "use lowercase letters, digits, `_` and `-`, e.g. `{lower}`"
                )),
            );
        }
        let span = key.span().start..value.span().end;
        let (mut model, mut secret, mut backend, mut ops) = (None, None, None, Vec::new());
        match value.get_ref() {
            // `fast = "openai/gpt-5-nano"` is shorthand for `fast = { model = "…" }`.
            DeValue::String(_) => model = r.string("model", value),
            DeValue::Table(fields) => {
                for (k, v) in fields.iter() {
                    match k.get_ref().as_ref() {
                        "model" => model = r.string("model", v),
                        "secret" => secret = r.string("secret", v),
                        "backend" => backend = r.string("backend", v),
                        "ops" => ops = r.words("ops", v, OPS).unwrap_or_default(),
                        _ => {
                            let place = format!("alias `{}`", name.value);
                            r.unknown_key(k, v, ALIAS_KEYS, &place);
                        }
                    }
                }
            }
            other => {
                r.push(
                    Diagnostic::new(
                        Code::WrongType,
                        value.span(),
                        format!(
                            "alias `{}` must be a table or a string, found {}",
                            name.value,
                            other.type_str()
                        ),
                    )
                    .with_label("expected `{ model = \"provider/model\" }`")
                    .with_help(format!(
                        "write `{} = {{ model = \"openai/gpt-5-nano\" }}`",
                        name.value
                    )),
                );
                continue;
            }
        }
        if let Some(s) = &secret {
            check_secret_name(r, s);
        }
        let Some(model) = model else {
            if value.get_ref().is_table() {
                missing(
                    r,
                    &value.span(),
                    &format!("alias `{}`", name.value),
                    "model",
                    "\"openai/gpt-5-nano\"",
                );
            }
            continue;
        };
        let valid = model
            .value
            .split_once('/')
            .is_some_and(|(p, m)| !p.trim().is_empty() && !m.trim().is_empty());
        if !valid {
            let guess = match model.value.split_once('/') {
                Some((p, _)) if !p.is_empty() => format!("{p}/<model>"),
                Some((_, m)) if !m.is_empty() => format!("{}/{m}", guess_provider(m)),
                Some(_) => "openai/gpt-5-nano".to_string(),
                None => format!("{}/{}", guess_provider(&model.value), model.value),
            };
            r.push(
                Diagnostic::new(
                    Code::InvalidModel,
                    model.span.clone(),
                    format!(
                        "alias `{}`: `{}` is not `provider/model`",
                        name.value, model.value
                    ),
                )
                .with_label("expected `provider/model`")
                .with_help(format!(
                    "name the provider and the model, e.g. `model = \"{guess}\"`"
                )),
            );
        }
        out.push(Alias {
            span,
            name,
            model,
            secret,
            backend,
            ops,
        });
    }
}

/// A valid alias name close to `name`, for help texts: lowercase, other characters as `-`,
/// leading separators dropped (`Fast` → `fast`, `gpt.4o` → `gpt-4o`, `-x` → `x`).
fn alias_name_for(name: &str) -> String {
    let lower: String = name
        .trim()
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_' | '-') => c,
            _ => '-',
        })
        .collect();
    let trimmed = lower.trim_start_matches(['-', '_']);
    if trimmed.is_empty() {
        "fast".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The provider a bare model name most likely belongs to, for help texts only.
fn guess_provider(model: &str) -> &'static str {
    const FAMILIES: &[(&str, &str)] = &[
        ("claude", "anthropic"),
        ("gemini", "gemini"),
        ("mistral", "mistral"),
        ("mixtral", "mistral"),
        ("codestral", "mistral"),
        ("grok", "xai"),
        ("deepseek", "deepseek"),
        ("llama", "ollama"),
        ("qwen", "ollama"),
    ];
    let lower = model.to_ascii_lowercase();
    FAMILIES
        .iter()
        .find(|(family, _)| lower.starts_with(family))
        .map_or("openai", |(_, provider)| provider)
}

fn read_discovery(r: &mut Reader, config: &mut LlmConfig, value: &RawValue<'_>) {
    let Some(table) = value.get_ref().as_table() else {
        r.push(
            Diagnostic::new(Code::WrongType, value.span(), "`discovery` must be a table")
                .with_label("expected a table")
                .with_help(format!("write `[{}.discovery.ollama]`", r.table)),
        );
        return;
    };
    for (key, value) in table.iter() {
        match key.get_ref().as_ref() {
            "ollama" => config.ollama_discovery = read_ollama(r, value),
            _ => {
                let place = format!("`[{}.discovery]`", r.table);
                r.unknown_key(key, value, &["ollama"], &place);
            }
        }
    }
}

fn one_word(
    r: &mut Reader,
    key: &str,
    value: &RawValue<'_>,
    allowed: &[&'static str],
) -> Option<String> {
    let s = r.string(key, value)?;
    if allowed.contains(&s.value.as_str()) {
        return Some(s.value);
    }
    let hint = suggest::hint(&s.value, allowed.iter().copied());
    r.push(
        Diagnostic::new(
            Code::UnknownValue,
            s.span,
            format!("`{key}` cannot be `{}`", s.value),
        )
        .with_label(if hint.is_empty() {
            "not an accepted value".to_string()
        } else {
            hint
        })
        .with_help(format!("use {}", suggest::one_of(allowed.iter().copied()))),
    );
    None
}

fn read_ollama(r: &mut Reader, value: &RawValue<'_>) -> Option<OllamaDiscovery> {
    const KEYS: &[&str] = &[
        "enabled",
        "scope",
        "base_url",
        "allow_remote",
        "timeout_ms",
        "max_models",
        "allow_models",
        "deny_models",
        "name_prefix",
        "name_conflict",
        "default_weight",
        "default_priority",
        "default_ops",
        "default_features",
        "default_transports",
    ];
    let Some(table) = value.get_ref().as_table() else {
        r.push(
            Diagnostic::new(
                Code::WrongType,
                value.span(),
                "`discovery.ollama` must be a table",
            )
            .with_label("expected a table")
            .with_help(format!("write `[{}.discovery.ollama]`", r.table)),
        );
        return None;
    };
    let mut d = OllamaDiscovery {
        span: value.span(),
        enabled: false,
        scope: "serving".into(),
        base_url: None,
        allow_remote: false,
        timeout_ms: 1500,
        max_models: 32,
        allow_models: Vec::new(),
        deny_models: Vec::new(),
        name_prefix: "ollama/".into(),
        name_conflict: "skip".into(),
        default_weight: 100,
        default_priority: 0,
        default_ops: vec![Op::ChatCompletions],
        default_features: Vec::new(),
        default_transports: vec![Transport::Http],
    };
    let plain = |v: Vec<Spanned<String>>| v.into_iter().map(|s| s.value).collect::<Vec<_>>();
    for (key, value) in table.iter() {
        let k = key.get_ref().as_ref();
        match k {
            "enabled" => d.enabled = r.boolean(k, value).unwrap_or(d.enabled),
            "allow_remote" => d.allow_remote = r.boolean(k, value).unwrap_or(d.allow_remote),
            "scope" => {
                d.scope = one_word(r, k, value, &["serving", "installed"]).unwrap_or(d.scope)
            }
            "name_conflict" => {
                d.name_conflict =
                    one_word(r, k, value, &["skip", "overwrite"]).unwrap_or(d.name_conflict)
            }
            "base_url" => d.base_url = r.string(k, value),
            "name_prefix" => d.name_prefix = r.string(k, value).map_or(d.name_prefix, |s| s.value),
            "timeout_ms" => {
                d.timeout_ms = r
                    .integer(k, value, (0, i64::MAX), 1500)
                    .map_or(d.timeout_ms, |n| n as u64)
            }
            "max_models" => {
                d.max_models = r
                    .integer(k, value, (0, i64::MAX), 32)
                    .map_or(d.max_models, |n| n as u64)
            }
            "default_weight" => {
                d.default_weight = r
                    .integer(k, value, (0, i64::from(u32::MAX)), 100)
                    .map_or(d.default_weight, |n| n as u32)
            }
            "default_priority" => {
                d.default_priority = r
                    .integer(k, value, (i64::from(i32::MIN), i64::from(i32::MAX)), 0)
                    .map_or(d.default_priority, |n| n as i32);
            }
            "allow_models" => d.allow_models = r.strings(k, value).map(plain).unwrap_or_default(),
            "deny_models" => d.deny_models = r.strings(k, value).map(plain).unwrap_or_default(),
            "default_features" => {
                d.default_features = r.strings(k, value).map(plain).unwrap_or_default()
            }
            "default_ops" => {
                d.default_ops = r
                    .words(k, value, OPS)
                    .map(|v| v.into_iter().map(|s| s.value).collect())
                    .unwrap_or_default()
            }
            "default_transports" => {
                d.default_transports = r
                    .words(k, value, TRANSPORTS)
                    .map(|v| v.into_iter().map(|s| s.value).collect())
                    .unwrap_or_default();
            }
            _ => {
                let place = format!("`[{}.discovery.ollama]`", r.table);
                r.unknown_key(key, value, KEYS, &place);
            }
        }
    }
    Some(d)
}

fn read_router(r: &mut Reader, value: &RawValue<'_>) -> Option<RouterFilter> {
    const KEYS: &[&str] = &[
        "enabled",
        "addr",
        "decision_timeout_ms",
        "fail_open",
        "max_candidates_sent",
        "max_debug_kv",
        "max_inflight_total",
        "per_agent_max_inflight",
        "content_fetch_enabled",
        "content_fetch_max_bytes",
    ];
    let Some(table) = value.get_ref().as_table() else {
        r.push(
            Diagnostic::new(
                Code::WrongType,
                value.span(),
                "`router_grpc_filter_stream` must be a table",
            )
            .with_label("expected a table")
            .with_help(format!("write `[{}.router_grpc_filter_stream]`", r.table)),
        );
        return None;
    };
    let mut f = RouterFilter {
        span: value.span(),
        enabled: false,
        addr: String::new(),
        decision_timeout_ms: 5,
        fail_open: true,
        max_candidates_sent: 64,
        max_debug_kv: 32,
        max_inflight_total: 4096,
        per_agent_max_inflight: 512,
        content_fetch_enabled: false,
        content_fetch_max_bytes: 65536,
    };
    for (key, value) in table.iter() {
        let k = key.get_ref().as_ref();
        let count = |r: &mut Reader, slot: &mut u64| {
            let example = i64::try_from(*slot).unwrap_or(0);
            if let Some(n) = r.integer(k, value, (0, i64::MAX), example) {
                *slot = n as u64;
            }
        };
        match k {
            "enabled" => f.enabled = r.boolean(k, value).unwrap_or(f.enabled),
            "fail_open" => f.fail_open = r.boolean(k, value).unwrap_or(f.fail_open),
            "content_fetch_enabled" => {
                f.content_fetch_enabled = r.boolean(k, value).unwrap_or(f.content_fetch_enabled)
            }
            "decision_timeout_ms" => count(r, &mut f.decision_timeout_ms),
            "max_candidates_sent" => count(r, &mut f.max_candidates_sent),
            "max_debug_kv" => count(r, &mut f.max_debug_kv),
            "max_inflight_total" => count(r, &mut f.max_inflight_total),
            "per_agent_max_inflight" => count(r, &mut f.per_agent_max_inflight),
            "content_fetch_max_bytes" => count(r, &mut f.content_fetch_max_bytes),
            "addr" => {
                if let Some(addr) = r.string(k, value) {
                    let ok = addr.value.is_empty()
                        || addr.value.rsplit_once(':').is_some_and(|(host, port)| {
                            !host.is_empty() && port.parse::<u16>().is_ok()
                        });
                    if !ok {
                        r.push(
                            Diagnostic::new(Code::UnknownValue, addr.span.clone(), format!("`addr` `{}` is not `host:port`", addr.value))
                                .with_label("expected `host:port` or empty")
                                .with_help("write `addr = \"127.0.0.1:50051\"`, or `addr = \"\"` to use the SMS address"),
                        );
                    }
                    f.addr = addr.value;
                }
            }
            _ => {
                let place = format!("`[{}.router_grpc_filter_stream]`", r.table);
                r.unknown_key(key, value, KEYS, &place);
            }
        }
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use crate::{Options, check};

    fn codes(text: &str) -> Vec<&'static str> {
        check("t.toml", text, &Options::default())
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    fn help_of(text: &str, code: &str) -> String {
        let report = check("t.toml", text, &Options::default());
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == code)
            .unwrap_or_else(|| panic!("no {code} in {:?}", report.diagnostics));
        format!("{} | {} | {}", d.message, d.label, d.help)
    }

    #[test]
    fn unknown_credential_kind_is_reported_once() {
        // Used to fall back to `env` and add a missing `api_key_env` and a `path` mismatch.
        let text = "[[llm.credentials]]\nname = \"f\"\nkind = \"File\"\npath = \"/k\"\n\
                    [[llm.backends]]\nname = \"b\"\nkind = \"stub\"\ncredential_ref = \"f\"\nops = [\"embeddings\"]\n";
        assert_eq!(codes(text), ["unknown-credential-kind"]);
    }

    #[test]
    fn backend_without_kind_reports_missing_url_too() {
        let text = "[[llm.backends]]\nname = \"x\"\nops = [\"chat_completions\"]\n";
        assert_eq!(codes(text), ["missing-field", "missing-field"]);
        let stub =
            "[[llm.backends]]\nname = \"x\"\nkind = \"stub\"\nops = [\"chat_completions\"]\n";
        assert!(codes(stub).is_empty());
    }

    #[test]
    fn provider_written_as_kind_suggests_its_kind() {
        let text = "[[llm.backends]]\nname = \"x\"\nkind = \"openai\"\nbase_url = \"https://api.openai.com/v1\"\nops = [\"chat_completions\"]\n";
        assert!(help_of(text, "unknown-backend-kind").contains("`openai_chat_completion`"));
        let text = text.replace("\"openai\"", "\"anthropic\"");
        assert!(help_of(&text, "unknown-backend-kind").contains("`anthropic_messages`"));
    }

    #[test]
    fn help_texts_propose_valid_values() {
        let alias = "[llm.aliases]\n-x = \"openai/gpt-4o\"\n";
        assert!(help_of(alias, "invalid-alias-name").contains("e.g. `x`"));
        let weight = "[[llm.backends]]\nname = \"x\"\nkind = \"stub\"\nops = [\"chat_completions\"]\nweight = \"1\"\n";
        assert!(help_of(weight, "wrong-type").contains("`weight = 100`"));
        let url = "[[llm.backends]]\nname = \"x\"\nkind = \"openai_chat_completion\"\nbase_url = \"api.openai.com/v1\"\nops = [\"chat_completions\"]\n";
        assert!(help_of(url, "invalid-url").contains("\"https://api.openai.com/v1\""));
        let env = "[[llm.credentials]]\nname = \"c\"\napi_key_env = \"\"\n[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\ncredential_ref = \"c\"\nops = [\"embeddings\"]\n";
        let h = help_of(env, "invalid-env-name");
        assert!(
            h.starts_with("`api_key_env` is empty") && h.contains("OPENAI_API_KEY"),
            "{h}"
        );
        let ops = "[[llm.backends]]\nname = \"x\"\nkind = \"stub\"\nops = \"embeddings\"\n";
        assert!(help_of(ops, "wrong-type").contains("`ops = [\"embeddings\"]`"));
        let typo = "[llm]\ndefault_polcy = \"priority\"\n";
        assert!(
            help_of(typo, "unknown-field").contains("rename `default_polcy` to `default_policy`")
        );
    }
}
