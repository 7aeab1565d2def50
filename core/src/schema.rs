//! Phase two, field by field: each table of the llm config (credentials, backends, aliases,
//! Spear's discovery and router tables) is read into the typed model with its own known keys,
//! required keys and per-value rules.

use toml::de::{DeTable, DeValue};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Span};
use crate::legacy;
use crate::model::{Backend, Credential, LlmConfig, Spanned};
use crate::parse::{RawValue, Reader, Vocab, looks_like_key};
use crate::suggest;
use crate::vocab::{self, BackendKind, CredentialKind, Hosting, Op, Policy, Transport};

mod aliases;
use aliases::read_aliases;
mod spear;
use spear::{read_discovery, read_router};

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
                .with_secret(value.span.clone())
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
    let api_key_env_written = api_key_env.is_some();
    // A key written as the variable's name never reaches the typed config (or generated code).
    api_key_env = api_key_env.filter(|env| !looks_like_key(&env.value));
    if let Some(s) = &secret {
        check_secret_name(r, s);
    }
    match kind {
        _ if kind_unknown => {}
        CredentialKind::Env if !api_key_env_written => {
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
        kind_known,
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
