//! `cargo llmcfg migrate`: moves every legacy backend `api_key_env` into a credential referenced
//! by `credential_ref`, keeping comments, order and formatting; a unified diff unless `--write`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use clap::Args;
use llmcfg_core::legacy::credential_name_for_env;
use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Key, Table, TableLike, Value};

use crate::discover::{self, Target};
use crate::edit;
use crate::failure::Failure;
use crate::table::{TablePath, parse_table};

/// Arguments of `cargo llmcfg migrate`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Each distinct env var gets one credential, named by the same rule the `legacy-api-key-env` \
diagnostic proposes (`OPENAI_CHAT_API_KEY` → `openai_chat`, de-duplicated with `_2`, `_3`, …); a \
credential that already reads the variable is reused. New credentials go after the last \
credential, or before the first backend. Running it twice changes nothing.

Exit status: 0 migrated (or nothing to do), 1 the migrated file still fails `check`, \
2 usage error or unreadable file.")]
pub(crate) struct MigrateArgs {
    /// The config file (default: found as `check` finds configs).
    #[arg(value_name = "PATH")]
    pub(crate) path: Option<PathBuf>,
    /// The config file, as the other subcommands take it (same as PATH).
    #[arg(long = "config", value_name = "PATH", conflicts_with = "path")]
    pub(crate) config: Option<PathBuf>,
    /// The dotted path of the llm table inside the file, e.g. `spearlet.llm`.
    #[arg(long, value_name = "TABLE", value_parser = parse_table)]
    pub(crate) table: Option<TablePath>,
    /// Rewrite the file in place (atomically) instead of printing a unified diff.
    #[arg(long)]
    pub(crate) write: bool,
}

pub(crate) fn run(args: &MigrateArgs) -> Result<u8, Failure> {
    let configs: Vec<PathBuf> = args.path.iter().chain(&args.config).cloned().collect();
    let targets = discover::discover(&configs, args.table.as_ref(), false)?;
    let mut code = crate::exit::CLEAN;
    for target in &targets {
        code = code.max(migrate_target(target, args.write));
    }
    Ok(code)
}

fn migrate_target(target: &Target, write: bool) -> u8 {
    // Held from the read to the write, so a concurrent `model` edit is not lost.
    let _lock = match write.then(|| edit::lock(&target.path)).transpose() {
        Ok(lock) => lock,
        Err(e) => {
            let name = discover::display(&target.path);
            return Failure::failed("lock", format!("cannot lock {name} for editing: {e}"))
                .report();
        }
    };
    let (name, text) = match target.read() {
        Ok(read) => read,
        Err(e) => return e.report(),
    };
    let migrated = match migrate_text(&text, &target.table_or_default()) {
        Ok(m) => edit::keep_line_endings(&text, &m).into_owned(),
        Err(e) => {
            eprintln!("error: cannot migrate {name}: {e}");
            return crate::exit::FAILURE;
        }
    };
    let report = edit::validate(&name, &migrated, target.table.as_ref());
    if migrated == text {
        eprintln!("{name}: nothing to migrate");
    } else if write {
        if let Err(e) = edit::write_config(&target.path, &text, &migrated) {
            eprintln!("error: cannot write {name}: {e}");
            return crate::exit::USAGE;
        }
        eprintln!("{name}: migrated");
    } else {
        // The context lines are the file's own: a key written in it must not reach the log.
        let diff = crate::diff::unified_diff(&name, &text, &migrated);
        print!("{}", llmcfg_core::render::mask_keys(&diff));
    }
    if report.has_errors() {
        eprintln!(
            "{}\n\nerror: {name} still has {} error(s) after migration",
            edit::render_errors(&report),
            report.errors().count()
        );
        return crate::exit::FAILURE;
    }
    crate::exit::CLEAN
}

/// Credentials known and to be added, by env var.
#[derive(Default)]
struct Plan {
    taken: HashSet<String>,
    by_env: HashMap<String, String>,
    added: Vec<(String, String)>,
}

impl Plan {
    /// The credential reading `env`: an existing one, or a new one named by the shared rule.
    fn credential_for(&mut self, env: &str) -> String {
        if let Some(name) = self.by_env.get(env) {
            return name.clone();
        }
        let name = credential_name_for_env(env, |n| self.taken.contains(n));
        self.taken.insert(name.clone());
        self.by_env.insert(env.to_string(), name.clone());
        self.added.push((name.clone(), env.to_string()));
        name
    }

    fn learn(&mut self, entry: &dyn toml_edit::TableLike) {
        let s = |k: &str| entry.get(k).and_then(Item::as_str).map(str::to_string);
        if let Some(name) = s("name") {
            if matches!(s("kind").as_deref(), None | Some("env"))
                && let Some(env) = s("api_key_env")
            {
                self.by_env.entry(env).or_insert_with(|| name.clone());
            }
            self.taken.insert(name);
        }
    }
}

/// The migrated text of a config whose llm table is at dotted `table`. Unchanged when there is
/// nothing to migrate.
pub(crate) fn migrate_text(text: &str, table: &TablePath) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("not valid TOML: {}", e.message()))?;
    let Some(llm) = edit::table_mut(&mut doc, table, false) else {
        return Ok(text.to_string());
    };
    let mut plan = Plan::default();
    match llm.get("credentials") {
        Some(Item::ArrayOfTables(aot)) => aot.iter().for_each(|t| plan.learn(t)),
        Some(Item::Value(Value::Array(a))) => a
            .iter()
            .filter_map(Value::as_inline_table)
            .for_each(|t| plan.learn(t)),
        _ => {}
    }
    let mut changed = false;
    match llm.get_mut("backends") {
        Some(Item::ArrayOfTables(aot)) => {
            for t in aot.iter_mut() {
                changed |= migrate_backend(t, &mut plan);
            }
        }
        Some(Item::Value(Value::Array(a))) => {
            for v in a.iter_mut() {
                if let Some(t) = v.as_inline_table_mut() {
                    changed |= migrate_inline_backend(t, &mut plan);
                }
            }
        }
        _ => {}
    }
    if !changed {
        return Ok(text.to_string());
    }
    add_credentials(llm, table, &plan.added)?;
    Ok(doc.to_string())
}

/// For a legacy backend (one with `api_key_env`), the credential it should reference instead:
/// `Some(None)` when it already has a `credential_ref`, so `api_key_env` only goes away.
fn legacy_reference(t: &dyn TableLike, plan: &mut Plan) -> Option<Option<String>> {
    let env = t.get("api_key_env").and_then(Item::as_str)?.to_string();
    Some((!t.contains_key("credential_ref")).then(|| plan.credential_for(&env)))
}

/// What takes the place of an entry while a backend is rebuilt: every key but `api_key_env`
/// stays; `api_key_env` becomes `credential_ref = "name"` in the same place and style, or goes.
fn replace_legacy(key: Key, value: Value, reference: Option<&str>) -> Option<(Key, Value)> {
    if key.get() != "api_key_env" {
        return Some((key, value));
    }
    let name = reference?;
    Some((
        edit::renamed(&key, "credential_ref"),
        edit::string_like(Some(&value), name),
    ))
}

fn migrate_backend(t: &mut Table, plan: &mut Plan) -> bool {
    let Some(reference) = legacy_reference(t, plan) else {
        return false;
    };
    edit::rebuild_table(t, |key, item| match item {
        Item::Value(value) => replace_legacy(key, value, reference.as_deref())
            .map(|(k, v)| (k, Item::Value(v)))
            .into_iter()
            .collect(),
        item => vec![(key, item)],
    });
    true
}

fn migrate_inline_backend(t: &mut InlineTable, plan: &mut Plan) -> bool {
    let Some(reference) = legacy_reference(t, plan) else {
        return false;
    };
    edit::rebuild_inline(t, |key, value| {
        replace_legacy(key, value, reference.as_deref())
            .into_iter()
            .collect()
    });
    true
}

fn credential_table(name: &str, env: &str) -> Table {
    let mut t = Table::new();
    t.insert("name", toml_edit::value(name));
    t.insert("kind", toml_edit::value("env"));
    t.insert("api_key_env", toml_edit::value(env));
    t.decor_mut().set_prefix("\n");
    t
}

fn add_credentials(
    llm: &mut Table,
    table: &TablePath,
    added: &[(String, String)],
) -> Result<(), String> {
    if added.is_empty() {
        return Ok(());
    }
    match llm.get_mut("credentials") {
        Some(Item::ArrayOfTables(aot)) => {
            for (name, env) in added {
                aot.push(credential_table(name, env));
            }
            return Ok(());
        }
        Some(Item::Value(Value::Array(a))) => {
            for (name, env) in added {
                let mut t = InlineTable::new();
                t.insert("name", Value::from(name.as_str()));
                t.insert("kind", Value::from("env"));
                t.insert("api_key_env", Value::from(env.as_str()));
                a.push(t);
            }
            return Ok(());
        }
        Some(_) => return Err(format!("`{table}.credentials` is not an array")),
        None => {}
    }
    // No credentials yet: a new `[[TABLE.credentials]]` array placed before the first backend.
    let first_backend = match llm.get("backends") {
        Some(Item::ArrayOfTables(aot)) => aot.iter().next().and_then(Table::position),
        _ => None,
    };
    let mut aot = ArrayOfTables::new();
    for (name, env) in added {
        let mut t = credential_table(name, env);
        t.set_position(first_backend);
        aot.push(t);
    }
    if first_backend.is_some()
        && let Some(Item::ArrayOfTables(backends)) = llm.get_mut("backends")
        && let Some(backend) = backends.iter_mut().next()
    {
        // Comments right above the first backend stay with it; what is before them (a blank
        // line, a file header) now goes before the new credentials.
        let prefix = backend
            .decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or("\n")
            .to_string();
        let (head, attached) = split_attached_comments(&prefix);
        backend.decor_mut().set_prefix(format!("\n{attached}"));
        if let Some(first) = aot.iter_mut().next() {
            first.decor_mut().set_prefix(head);
        }
    }
    let mut aot = Some(aot);
    if first_backend.is_some() {
        edit::rebuild_table(llm, |key, item| {
            if key.get() == "backends"
                && let Some(creds) = aot.take()
            {
                return vec![
                    (Key::new("credentials"), Item::ArrayOfTables(creds)),
                    (key, item),
                ];
            }
            vec![(key, item)]
        });
    }
    if let Some(creds) = aot {
        llm.insert("credentials", Item::ArrayOfTables(creds));
    }
    Ok(())
}

/// Splits a table's prefix decor into what comes before the comment lines directly above the
/// header, and those comment lines.
fn split_attached_comments(prefix: &str) -> (String, String) {
    let lines: Vec<&str> = prefix.split_inclusive('\n').collect();
    let attached = lines
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with('#'))
        .count();
    let split = lines.len() - attached;
    (lines[..split].concat(), lines[split..].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(table: &str) -> TablePath {
        TablePath::parse(table).expect("table path")
    }

    const LEGACY: &str = r#"# Our models.
[llm]
default_policy = "priority"

# The main endpoint.
[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"   # set in CI
ops = ["chat_completions"]

[[llm.backends]]
name = "openai-embed"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"
ops = ["embeddings"]
"#;

    #[test]
    fn one_credential_per_env_var_before_the_first_backend() {
        let out = migrate_text(LEGACY, &path("llm")).expect("migrates");
        let expected = r#"# Our models.
[llm]
default_policy = "priority"

[[llm.credentials]]
name = "openai"
kind = "env"
api_key_env = "OPENAI_API_KEY"

# The main endpoint.
[[llm.backends]]
name = "openai-chat"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"   # set in CI
ops = ["chat_completions"]

[[llm.backends]]
name = "openai-embed"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
credential_ref = "openai"
ops = ["embeddings"]
"#;
        assert_eq!(out, expected);
        assert_eq!(migrate_text(&out, &path("llm")).expect("again"), out);
        let report = edit::validate("x.toml", &out, None);
        assert!(!report.has_errors(), "{}", edit::render_errors(&report));
    }

    #[test]
    fn reuses_credentials_and_appends_after_the_last() {
        let text = r#"[llm]
[[llm.credentials]]
name = "openai"
api_key_env = "OPENAI_API_KEY"

[[llm.backends]]
name = "a"
kind = "openai_chat_completion"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"
ops = ["chat_completions"]

[[llm.backends]]
name = "b"
kind = "openai_chat_completion"
base_url = "https://api.groq.com/openai/v1"
api_key_env = "OPENAI_KEY"
ops = ["chat_completions"]
"#;
        let out = migrate_text(text, &path("llm")).expect("migrates");
        assert!(out.contains(
            "api_key_env = \"OPENAI_API_KEY\"\n\n[[llm.credentials]]\nname = \"openai_2\"\nkind = \"env\"\napi_key_env = \"OPENAI_KEY\"\n\n[[llm.backends]]"
        ), "{out}");
        assert!(out.contains("name = \"a\"\nkind = \"openai_chat_completion\"\nbase_url = \"https://api.openai.com/v1\"\ncredential_ref = \"openai\"\n"));
        assert!(out.contains("credential_ref = \"openai_2\""));
    }

    #[test]
    fn inline_backends_and_nested_tables() {
        let text = "[app.llm]\nbackends = [{ name = \"a\", kind = \"openai_chat_completion\", base_url = \"https://api.openai.com/v1\", api_key_env = \"OPENAI_API_KEY\", ops = [\"chat_completions\"] }]\n";
        let out = migrate_text(text, &path("app.llm")).expect("migrates");
        assert!(out.contains("credential_ref = \"openai\""), "{out}");
        assert!(out.contains("[[app.llm.credentials]]"), "{out}");
        let report = edit::validate("x.toml", &out, Some(&path("app.llm")));
        assert!(!report.has_errors(), "{}", edit::render_errors(&report));
    }
}
