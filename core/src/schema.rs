//! Phase two, table by table: each table of the llm config (credentials, backends, aliases,
//! Spear's discovery and router tables) is read into the typed model through [`Fields`], which
//! takes its keys from the declarations in [`crate::keys`]; the per-value rules run as each
//! value is read. The llm table itself and its aliases are read here.

use toml::de::DeTable;

use crate::diagnostic::Span;
use crate::diags;
use crate::keys;
use crate::model::{LlmConfig, Spanned};
use crate::read::{Fields, Reader, Vocab};
use crate::vocab::{
    self, BackendKind, CredentialKind, Hosting, KeyOutput, Op, Policy, RetryClass, Transport,
};

mod alias;
mod backend;
pub(crate) mod calls;
mod credential;
mod headers;
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
const KEY_OUTPUTS: Vocab<KeyOutput> = Vocab {
    what: "command output",
    unknown: diags::unknown_key_output,
    parse: KeyOutput::from_word,
    words: || KeyOutput::words().collect(),
    near: |_| None,
};
const POLICIES: Vocab<Policy> = Vocab {
    what: "policy",
    unknown: diags::unknown_policy,
    parse: Policy::from_word,
    words: || Policy::words().collect(),
    near: |_| None,
};
const RETRY_CLASSES: Vocab<RetryClass> = Vocab {
    what: "retry class",
    unknown: diags::unknown_retry_class,
    parse: RetryClass::from_word,
    words: || RetryClass::words().collect(),
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
    if let Some(value) = f.take("calls") {
        config.calls = calls::read_calls(r, value);
    }
    let place = format!("`[{}]`", r.table);
    f.finalize(r, &place);
    // Credentials first, whatever the file order: the legacy backend help names existing ones.
    for (entry, span) in r.array_of_tables("credentials", credentials) {
        if let Some(c) = credential::read_credential(r, entry, span) {
            config.credentials.push(c);
        }
    }
    let entries = r.array_of_tables("backends", backends);
    let insert_at = entries
        .first()
        .and_then(|(_, span)| crate::legacy::insertion_point(&r.text, span.start));
    let mut legacy = backend::Legacy::new(&config.credentials, insert_at);
    let mut read = Vec::with_capacity(entries.len());
    for (entry, span) in entries {
        read.extend(backend::read_backend(r, entry, span, &mut legacy));
    }
    config.backends = read;
    if let Some(value) = aliases {
        alias::read_aliases(r, value, &mut config.aliases);
    }
    config
}

pub(super) fn check_secret_name(r: &mut Reader, value: &Spanned<String>) {
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
