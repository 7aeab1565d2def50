//! Spear's extra tables, known to the schema and validated field by field:
//! `[discovery.ollama]` (importing a local Ollama's models) and `[router_grpc_filter_stream]`.
//! Every default comes from the key's declaration.

use super::{OPS, TRANSPORTS};
use crate::diags::{self, UnknownValue};
use crate::keys;
use crate::model::{OllamaDiscovery, RouterFilter};
use crate::parse::RawValue;
use crate::read::{Fields, Reader, span_of};

pub(super) fn read_discovery(r: &mut Reader, value: &RawValue<'_>) -> Option<OllamaDiscovery> {
    let table = r.section("discovery", value, "discovery.ollama")?;
    let mut f = Fields::new(&keys::DISCOVERY, table);
    let ollama = f.take("ollama").and_then(|v| read_ollama(r, v));
    let place = format!("`[{}.discovery]`", r.table);
    f.finalize(r, &place);
    ollama
}

/// A count: never negative (the declaration's range), so it fits `u64`.
fn count(r: &mut Reader, f: &mut Fields<'_, '_>, key: &str) -> u64 {
    f.integer_or_default(r, key).unsigned_abs()
}

fn read_ollama(r: &mut Reader, value: &RawValue<'_>) -> Option<OllamaDiscovery> {
    let table = r.section("discovery.ollama", value, "discovery.ollama")?;
    let mut f = Fields::new(&keys::OLLAMA, table);
    // In range: the reader checked the declared bounds.
    let default_weight = f.integer_or_default(r, "default_weight") as u32;
    let default_priority = f.integer_or_default(r, "default_priority") as i32;
    let d = OllamaDiscovery {
        span: span_of(value),
        enabled: f.boolean_or_default(r, "enabled"),
        scope: f.one_of(r, "scope"),
        base_url: f.string(r, "base_url"),
        allow_remote: f.boolean_or_default(r, "allow_remote"),
        timeout_ms: count(r, &mut f, "timeout_ms"),
        max_models: count(r, &mut f, "max_models"),
        allow_models: f.plain_strings(r, "allow_models"),
        deny_models: f.plain_strings(r, "deny_models"),
        name_prefix: f.string_or_default(r, "name_prefix"),
        name_conflict: f.one_of(r, "name_conflict"),
        default_weight,
        default_priority,
        default_ops: f.words_or_default(r, "default_ops", OPS),
        default_features: f.plain_strings(r, "default_features"),
        default_transports: f.words_or_default(r, "default_transports", TRANSPORTS),
    };
    let place = format!("`[{}.discovery.ollama]`", r.table);
    f.finalize(r, &place);
    Some(d)
}

pub(super) fn read_router(r: &mut Reader, value: &RawValue<'_>) -> Option<RouterFilter> {
    let key = "router_grpc_filter_stream";
    let table = r.section(key, value, key)?;
    let mut f = Fields::new(&keys::ROUTER, table);
    let filter = RouterFilter {
        span: span_of(value),
        enabled: f.boolean_or_default(r, "enabled"),
        addr: read_addr(r, &mut f),
        decision_timeout_ms: count(r, &mut f, "decision_timeout_ms"),
        fail_open: f.boolean_or_default(r, "fail_open"),
        max_candidates_sent: count(r, &mut f, "max_candidates_sent"),
        max_debug_kv: count(r, &mut f, "max_debug_kv"),
        max_inflight_total: count(r, &mut f, "max_inflight_total"),
        per_agent_max_inflight: count(r, &mut f, "per_agent_max_inflight"),
        content_fetch_enabled: f.boolean_or_default(r, "content_fetch_enabled"),
        content_fetch_max_bytes: count(r, &mut f, "content_fetch_max_bytes"),
    };
    let place = format!("`[{}.{key}]`", r.table);
    f.finalize(r, &place);
    Some(filter)
}

/// `addr`: `host:port`, or empty for the SMS address. Kept as written even when refused.
fn read_addr(r: &mut Reader, f: &mut Fields<'_, '_>) -> String {
    let Some(addr) = f.string(r, "addr") else {
        return String::new();
    };
    let ok = addr.value.is_empty()
        || addr
            .value
            .rsplit_once(':')
            .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if !ok {
        let what = UnknownValue::NotHostPort { value: &addr.value };
        r.push(diags::unknown_value(addr.span, what));
    }
    addr.value
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
