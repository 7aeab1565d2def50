//! The declarations against the reader and the docs: every declared key is read (none is
//! reported unknown), every undeclared one is, the defaults are the reader's, and
//! `docs/keys.md` is what the declarations render.

use super::*;
use crate::{Options, check};

/// A value of the key's type (not necessarily valid for the key's rules).
fn sample(key: &Key) -> String {
    match key.ty {
        Ty::Str(_) | Ty::StrOrStrs { .. } => "\"x\"".to_string(),
        Ty::Word(w) | Ty::WordList { words: w, .. } => {
            let first = (w.list)().first().copied().unwrap_or("x");
            match key.ty {
                Ty::Word(_) => format!("{first:?}"),
                _ => format!("[{first:?}]"),
            }
        }
        Ty::Bool => "true".to_string(),
        Ty::Int { min, .. } => min.max(0).to_string(),
        Ty::Duration => "\"30s\"".to_string(),
        Ty::Strs { .. } => "[\"x\"]".to_string(),
        Ty::Tables(_) => "[]".to_string(),
        Ty::Table(_) | Ty::Entries(_) | Ty::StrMap { .. } => "{}".to_string(),
    }
}

/// A file whose `table` holds `pairs` (`key = value`).
fn file_with(table: &Table, pairs: &[String]) -> String {
    match table.id {
        "llm" => format!("[llm]\n{}\n", pairs.join("\n")),
        "credential" => format!("[[llm.credentials]]\n{}\n", pairs.join("\n")),
        "backend" => format!("[[llm.backends]]\n{}\n", pairs.join("\n")),
        "alias" => format!("[llm.aliases]\nfast = {{ {} }}\n", pairs.join(", ")),
        "discovery" => format!("[llm.discovery]\n{}\n", pairs.join("\n")),
        "ollama" => format!("[llm.discovery.ollama]\n{}\n", pairs.join("\n")),
        "router" => format!("[llm.router_grpc_filter_stream]\n{}\n", pairs.join("\n")),
        "calls" => format!("[llm.calls]\n{}\n", pairs.join("\n")),
        "backoff" => format!("[llm.calls.backoff]\n{}\n", pairs.join("\n")),
        other => panic!("no file for table `{other}`: add it here"),
    }
}

fn unknown_fields(text: &str) -> Vec<String> {
    check("t.toml", text, &Options::default())
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "unknown-field")
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn every_declared_key_is_read_and_every_other_key_is_unknown() {
    for table in TABLES {
        let pairs: Vec<String> = table
            .keys
            .iter()
            .map(|k| format!("{} = {}", k.name, sample(k)))
            .collect();
        let text = file_with(table, &pairs);
        assert_eq!(unknown_fields(&text), Vec::<String>::new(), "{text}");
        let mut with_extra = pairs.clone();
        with_extra.push("not_declared_anywhere = 1".to_string());
        let text = file_with(table, &with_extra);
        let unknown = unknown_fields(&text);
        assert_eq!(unknown.len(), 1, "{text}\n{unknown:?}");
        assert!(
            unknown[0].contains("`not_declared_anywhere`"),
            "{unknown:?}"
        );
    }
}

#[test]
fn every_table_a_key_holds_is_listed() {
    for table in TABLES {
        for key in table.keys {
            if let Ty::Table(t) | Ty::Tables(t) | Ty::Entries(t) = key.ty {
                assert!(
                    TABLES.iter().any(|listed| std::ptr::eq(*listed, t)),
                    "`{}.{}` holds `{}`, which TABLES does not list",
                    table.id,
                    key.name,
                    t.id
                );
            }
        }
        let mut names: Vec<&str> = table.names().collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(
            names.len(),
            table.keys.len(),
            "a key declared twice in `{}`",
            table.id
        );
    }
}

fn declared_int(table: &Table, name: &str) -> u64 {
    match table.key(name).and_then(|k| k.default) {
        Some(Value::Int(n)) => n.unsigned_abs(),
        other => panic!("`{name}` has no integer default: {other:?}"),
    }
}

fn declared_toml(table: &Table, name: &str) -> String {
    table
        .key(name)
        .and_then(|k| k.default)
        .map(Value::to_toml)
        .unwrap_or_default()
}

fn declared_bool(table: &Table, name: &str) -> bool {
    match table.key(name).and_then(|k| k.default) {
        Some(Value::Bool(b)) => b,
        other => panic!("`{name}` has no boolean default: {other:?}"),
    }
}

#[test]
fn the_reader_fills_absent_keys_with_the_declared_defaults() {
    let report = check(
        "t.toml",
        "[llm.discovery.ollama]\n[llm.router_grpc_filter_stream]\n[[llm.backends]]\nname = \"b\"\nkind = \"stub\"\nops = [\"embeddings\"]\n",
        &Options::default(),
    );
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let d = report.config.ollama_discovery.expect("discovery");
    assert_eq!(d.enabled, declared_bool(&OLLAMA, "enabled"));
    assert_eq!(d.allow_remote, declared_bool(&OLLAMA, "allow_remote"));
    assert_eq!(d.timeout_ms, declared_int(&OLLAMA, "timeout_ms"));
    assert_eq!(d.max_models, declared_int(&OLLAMA, "max_models"));
    assert_eq!(
        u64::from(d.default_weight),
        declared_int(&OLLAMA, "default_weight")
    );
    assert_eq!(format!("{:?}", d.scope), declared_toml(&OLLAMA, "scope"));
    assert_eq!(
        format!("{:?}", d.name_prefix),
        declared_toml(&OLLAMA, "name_prefix")
    );
    let ops: Vec<&str> = d.default_ops.iter().map(|o| o.as_str()).collect();
    assert_eq!(format!("{ops:?}"), declared_toml(&OLLAMA, "default_ops"));
    let f = report.config.router_filter.expect("router");
    assert_eq!(f.fail_open, declared_bool(&ROUTER, "fail_open"));
    assert_eq!(
        f.decision_timeout_ms,
        declared_int(&ROUTER, "decision_timeout_ms")
    );
    assert_eq!(
        f.max_inflight_total,
        declared_int(&ROUTER, "max_inflight_total")
    );
    assert_eq!(
        f.content_fetch_max_bytes,
        declared_int(&ROUTER, "content_fetch_max_bytes")
    );
    let b = &report.config.backends[0];
    assert_eq!(u64::from(b.weight), declared_int(&BACKEND, "weight"));
    assert_eq!(i64::from(b.priority), 0);
    assert_eq!(b.calls.timeout, None, "no timeout unless written");
}

/// `docs/keys.md` is the rendering of the declarations. `LLMCFG_BLESS=1` rewrites it; review
/// the diff like any docs change.
#[test]
fn docs_keys_md_lists_exactly_the_declared_keys() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/keys.md");
    let want = markdown();
    if std::env::var_os("LLMCFG_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/keys.md");
    }
    let have = std::fs::read_to_string(&path).expect("docs/keys.md exists");
    assert!(
        have == want,
        "docs/keys.md differs from the declarations; rerun with LLMCFG_BLESS=1 and review the diff"
    );
    for table in TABLES {
        for key in table.keys {
            assert!(
                have.contains(&format!("| `{}` |", key.name)),
                "{}",
                key.name
            );
        }
    }
}
