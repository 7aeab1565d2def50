//! Spear's extra tables, known to the schema and validated field by field:
//! `[discovery.ollama]` (importing a local Ollama's models) and `[router_grpc_filter_stream]`.

use super::{OPS, TRANSPORTS};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{LlmConfig, OllamaDiscovery, RouterFilter, Spanned};
use crate::parse::{RawValue, Reader};
use crate::suggest;
use crate::vocab::{Op, Transport};

pub(super) fn read_discovery(r: &mut Reader, config: &mut LlmConfig, value: &RawValue<'_>) {
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

pub(super) fn read_router(r: &mut Reader, value: &RawValue<'_>) -> Option<RouterFilter> {
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
