//! Phase two, table by table: each table of the llm config (credentials, backends, aliases,
//! Spear's discovery and router tables) is read into the typed model through [`Fields`], which
//! takes its keys from the declarations in [`crate::keys`]; the per-value rules run as each
//! value is read. The llm table itself and its aliases are read here.

use toml::de::{DeTable, DeValue};

use crate::diagnostic::Span;
use crate::diags::{self, WrongType};
use crate::keys;
use crate::model::{Alias, LlmConfig, Spanned};
use crate::parse::RawValue;
use crate::read::{Fields, Reader, Vocab, span_of};
use crate::vocab::{self, BackendKind, CredentialKind, Hosting, Op, Policy, Transport};

mod backend;
mod credential;
mod spear;

pub(crate) const OPS: Vocab<Op> = Vocab {
    what: "op",
    unknown: diags::unknown_op,
    parse: Op::from_word,
    words: || Op::words().collect(),
    near: |_| None,
};
pub(crate) const TRANSPORTS: Vocab<Transport> = Vocab {
    what: "transport",
    unknown: diags::unknown_transport,
    parse: Transport::from_word,
    words: || Transport::words().collect(),
    near: |_| None,
};
const BACKEND_KINDS: Vocab<BackendKind> = Vocab {
    what: "backend kind",
    unknown: diags::unknown_backend_kind,
    parse: BackendKind::from_word,
    words: || BackendKind::words().collect(),
    // `kind = "openai"` names a provider; propose the kind that provider speaks.
    near: |word| vocab::provider(&word.to_ascii_lowercase()).map(|p| p.kind.as_str()),
};
const CREDENTIAL_KINDS: Vocab<CredentialKind> = Vocab {
    what: "credential kind",
    unknown: diags::unknown_credential_kind,
    parse: CredentialKind::from_word,
    words: || CredentialKind::words().collect(),
    near: |_| None,
};
const POLICIES: Vocab<Policy> = Vocab {
    what: "policy",
    unknown: diags::unknown_policy,
    parse: Policy::from_word,
    words: || Policy::words().collect(),
    near: |_| None,
};
const HOSTINGS: Vocab<Hosting> = Vocab {
    what: "hosting",
    unknown: diags::unknown_hosting,
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
    let mut f = Fields::new(&keys::LLM, table);
    if let Some(policy) = f.string(r, "default_policy") {
        config.default_policy = r.word(&policy, POLICIES).unwrap_or_default();
    }
    config.default_alias = f.string(r, "default_alias");
    let credentials = f.take("credentials");
    let backends = f.take("backends");
    let aliases = f.take("aliases");
    if let Some(value) = f.take("discovery") {
        config.ollama_discovery = spear::read_discovery(r, value);
    }
    if let Some(value) = f.take("router_grpc_filter_stream") {
        config.router_filter = spear::read_router(r, value);
    }
    let place = format!("`[{}]`", r.table);
    f.finalize(r, &place);
    // Credentials first, whatever the file order: the legacy backend help names existing ones.
    for (entry, span) in r.array_of_tables("credentials", credentials) {
        if let Some(c) = credential::read_credential(r, entry, span) {
            config.credentials.push(c);
        }
    }
    for (entry, span) in r.array_of_tables("backends", backends) {
        if let Some(b) = backend::read_backend(r, entry, span, &config.credentials) {
            config.backends.push(b);
        }
    }
    if let Some(value) = aliases {
        read_aliases(r, value, &mut config.aliases);
    }
    config
}

fn check_secret_name(r: &mut Reader, value: &Spanned<String>) {
    if !vocab::is_secret_name(&value.value) {
        r.push(diags::invalid_secret_name(value.span, &value.value));
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
        r.push(diags::invalid_name(value.span, what, name));
    }
}

/// `[llm.aliases]`: each alias (an inline table or the `"provider/model"` shorthand), its name
/// and model checked.
fn read_aliases(r: &mut Reader, value: &RawValue<'_>, out: &mut Vec<Alias>) {
    let Some(table) = value.get_ref().as_table() else {
        let what = WrongType::Aliases {
            found: value.get_ref().type_str(),
            table: &r.table,
        };
        let diag = diags::wrong_type(span_of(value), what);
        r.push(diag);
        return;
    };
    for (key, value) in table.iter() {
        let name = Spanned::new(key.get_ref().to_string(), key.span());
        if !vocab::is_alias_name(&name.value) {
            r.push(diags::invalid_alias_name(name.span, &name.value));
        }
        if let Some(alias) = read_alias(r, name, value) {
            out.push(alias);
        }
    }
}

/// One alias; `None` when it has no readable model (reported).
fn read_alias(r: &mut Reader, name: Spanned<String>, value: &RawValue<'_>) -> Option<Alias> {
    let span = name.span.to(span_of(value));
    let (model, secret, backend, ops) = match value.get_ref() {
        // `fast = "openai/gpt-5-nano"` is shorthand for `fast = { model = "…" }`.
        DeValue::String(_) => (r.string("model", value), None, None, Vec::new()),
        DeValue::Table(fields) => {
            let mut f = Fields::new(&keys::ALIAS, fields);
            let read = (
                f.string(r, "model"),
                f.string(r, "secret"),
                f.string(r, "backend"),
                f.words(r, "ops", OPS).unwrap_or_default(),
            );
            f.finalize(r, &format!("alias `{}`", name.value));
            read
        }
        other => {
            let what = WrongType::Alias {
                name: &name.value,
                found: other.type_str(),
            };
            r.push(diags::wrong_type(span_of(value), what));
            return None;
        }
    };
    if let Some(s) = &secret {
        check_secret_name(r, s);
    }
    let Some(model) = model else {
        if value.get_ref().is_table() {
            let what = format!("alias `{}`", name.value);
            let example = "\"openai/gpt-5-nano\"";
            r.push(diags::missing_field(
                span_of(value),
                &what,
                "model",
                example,
            ));
        }
        return None;
    };
    let valid = model
        .value
        .split_once('/')
        .is_some_and(|(p, m)| !p.trim().is_empty() && !m.trim().is_empty());
    if !valid {
        r.push(diags::invalid_model(model.span, &name.value, &model.value));
    }
    Some(Alias {
        span,
        name,
        model,
        secret,
        backend,
        ops,
    })
}
