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
    let credential_entries = r.array_of_tables("credentials", credentials);
    let last_credential = credential_entries.last().map(|(_, span)| span.start);
    for (entry, span) in credential_entries {
        if let Some(c) = credential::read_credential(r, entry, span) {
            config.credentials.push(c);
        }
    }
    let entries = r.array_of_tables("backends", backends);
    let first_backend = entries.first().map(|(_, span)| span.start);
    let mut legacy = backend::Legacy::new(&config.credentials, last_credential, first_backend);
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

/// Where the fix of a legacy backend declares a credential, as `migrate` does: after the last
/// credential table, else before the first backend. The place after a credential is found by
/// reading lines, so it is kept only when a table inserted there parses as one more credential.
fn credential_place(
    r: &Reader,
    last_credential: Option<usize>,
    first_backend: Option<usize>,
) -> Option<crate::legacy::Insertion> {
    let text: &str = &r.text;
    let after = last_credential
        .and_then(|at| crate::legacy::after_entry(text, at))
        .filter(|place| {
            let block = crate::legacy::credential_block(&r.table, "x", "X");
            let mut probe = text.to_string();
            probe.insert_str(place.at, &format!("\n{block}\n"));
            let counts = (
                credential_count(&probe, &r.table),
                credential_count(text, &r.table),
            );
            matches!(counts, (Some(with), Some(without)) if with == without + 1)
        });
    after.or_else(|| first_backend.and_then(|at| crate::legacy::before_entry(text, at)))
}

/// How many credentials the llm table at `table` of `text` declares, when it parses.
fn credential_count(text: &str, table: &str) -> Option<usize> {
    let (root, errors) = crate::parse::parse_toml(text);
    if !errors.is_empty() {
        return None;
    }
    let mut sink = diags::Sink::default();
    let (llm, _) = crate::parse::select(&root, table, &mut sink)?;
    let credentials = llm.get("credentials")?;
    credentials.get_ref().as_array().map(|a| a.len())
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
