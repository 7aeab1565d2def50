//! `cargo llmcfg model register|list|remove|default`: manages `[llm.aliases]` in place (comments
//! kept, validated before writing, written atomically) and lists them with transported entries.

use clap::{Args, Subcommand};
use llmcfg_core::vocab::{is_alias_name, is_secret_name};
use serde_json::{Value, json};
use toml_edit::{DocumentMut, InlineTable, Item, Table};

use crate::discover::{self, ConfigArgs, Target};
use crate::edit;
use crate::failure::Failure;
use crate::output::{OutputArgs, print_json};
use crate::read::{ReadError, read_config};
use crate::text::{escape_controls, escape_line};

/// The `model` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ModelCommand {
    /// Add or replace an alias: `register fast --model openai/gpt-5-nano [--secret S] [--backend B]`.
    ///
    /// The alias is trimmed and lowercased and must match `[a-z0-9][a-z0-9_-]*`. `--secret` must
    /// exist in the secret store; only its name is written. The first alias registered becomes
    /// `default_alias`. The file is edited in place with its comments kept, checked, and written
    /// atomically; an edit that would make it invalid is refused.
    Register(RegisterArgs),
    /// List the aliases, sorted, with those transported by `LLMCFG_MODEL_REGISTRY`.
    List(ListArgs),
    /// Remove an alias (and `default_alias` when it names it).
    Remove(NameArgs),
    /// Make an alias the `default_alias`.
    Default(NameArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    /// The alias, e.g. `fast`.
    alias: String,
    /// The `provider/model` it stands for, e.g. `openai/gpt-5-nano`.
    #[arg(long, value_name = "PROVIDER/MODEL")]
    model: String,
    /// A secret-store entry to link (must exist; only its name is written).
    #[arg(long, value_name = "SECRET")]
    secret: Option<String>,
    /// Pin the alias to a configured backend.
    #[arg(long, value_name = "BACKEND")]
    backend: Option<String>,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct NameArgs {
    /// The alias.
    alias: String,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    out: OutputArgs,
}

pub(crate) fn run(cmd: &ModelCommand) -> Result<u8, Failure> {
    match cmd {
        ModelCommand::Register(a) => register(a),
        ModelCommand::List(a) => list(a),
        ModelCommand::Remove(a) => remove(a),
        ModelCommand::Default(a) => set_default(a),
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::usage("usage", message)
}

fn failed(message: impl Into<String>) -> Failure {
    Failure::failed("failed", message)
}

fn alias_name(raw: &str) -> Result<String, Failure> {
    let alias = raw.trim().to_ascii_lowercase();
    if !is_alias_name(&alias) {
        return Err(usage(format!(
            "invalid alias `{}`: alias names match [a-z0-9][a-z0-9_-]*",
            escape_line(raw.trim())
        )));
    }
    Ok(alias)
}

/// The config file of an edit; a missing `--config` file is created by `register`. The returned
/// lock is held until the edit is written, so concurrent `model` commands serialize.
fn target(
    args: &ConfigArgs,
    create: bool,
) -> Result<(Target, String, String, edit::EditLock), Failure> {
    let target = discover::one(args)?;
    let name = discover::display(&target.path);
    let lock = edit::lock(&target.path)
        .map_err(|e| failed(format!("cannot lock {name} for editing: {e}")))?;
    let text = match read_config(&target.path, &name) {
        Ok(t) => t,
        Err(ReadError::NotFound(_)) if create => String::new(),
        Err(ReadError::NotFound(f) | ReadError::Unreadable(f)) => return Err(f),
        Err(ReadError::NotUtf8(report)) => {
            return Err(failed(edit::render_errors(&report)));
        }
    };
    Ok((target, name, text, lock))
}

fn parse(name: &str, text: &str) -> Result<DocumentMut, Failure> {
    text.parse::<DocumentMut>().map_err(|e| {
        failed(format!(
            "{name} is not valid TOML ({}); run `cargo llmcfg check`",
            e.message().trim()
        ))
    })
}

/// Checks the edited text and writes it atomically (line endings, mode and group of
/// `original` kept), or refuses with the errors.
fn commit(target: &Target, name: &str, original: &str, doc: &DocumentMut) -> Result<(), Failure> {
    let text = doc.to_string();
    let report = edit::validate(name, &text, target.table.as_ref());
    if report.has_errors() {
        return Err(failed(format!(
            "{name} was not changed: the edit would leave it invalid\n\n{}",
            edit::render_errors(&report)
        )));
    }
    edit::write_config(&target.path, original, &text)
        .map_err(|e| usage(format!("cannot write {name}: {e}")))
}

fn check_secret(secret: &str) -> Result<(), Failure> {
    if !is_secret_name(secret) {
        return Err(usage(format!(
            "invalid secret name `{}`: 1 to 128 characters of A-Z a-z 0-9 _ . - (not starting with '.')",
            escape_line(secret)
        )));
    }
    let store = llmcfg::store::SecretStore::open_default().map_err(|e| {
        failed(format!(
            "cannot open the secret store: {}",
            crate::failure::chain(&e)
        ))
    })?;
    match store.get(secret) {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(failed(format!(
            "secret `{secret}` is not in the secret store ({}); create it first with \
             `cargo llmcfg secrets set {secret} --KEY=VALUE`",
            store.dir().display()
        ))),
        Err(e) => Err(failed(format!(
            "cannot read secret `{secret}`: {}",
            crate::failure::chain(&e)
        ))),
    }
}

fn entry_json(alias: &str, model: &str, secret: Option<&str>, backend: Option<&str>) -> Value {
    json!({ "name": alias, "model": model, "secret": secret, "backend": backend })
}

/// `model (secret=…, backend=…)` for human output, control characters escaped.
fn describe(model: &str, secret: Option<&str>, backend: Option<&str>) -> String {
    let mut extras = Vec::new();
    if let Some(s) = secret {
        extras.push(format!("secret={}", escape_line(s)));
    }
    if let Some(b) = backend {
        extras.push(format!("backend={}", escape_line(b)));
    }
    let model = escape_line(model);
    if extras.is_empty() {
        model.into_owned()
    } else {
        format!("{model} ({})", extras.join(", "))
    }
}

fn register(args: &RegisterArgs) -> Result<u8, Failure> {
    let alias = alias_name(&args.alias)?;
    let model = args.model.trim();
    if let Some(secret) = &args.secret {
        check_secret(secret)?;
    }
    let (target, name, text, _lock) = target(&args.config, true)?;
    let mut doc = parse(&name, &text)?;
    let table = target.table_or_default();
    let llm = edit::table_mut(&mut doc, &table, true)
        .ok_or_else(|| failed(format!("`{table}` in {name} is not a table")))?;
    let mut entry = InlineTable::new();
    entry.insert("model", model.into());
    if let Some(s) = &args.secret {
        entry.insert("secret", s.as_str().into());
    }
    if let Some(b) = &args.backend {
        entry.insert("backend", b.as_str().into());
    }
    let had_aliases = llm
        .get("aliases")
        .and_then(Item::as_table_like)
        .is_some_and(|t| !t.is_empty());
    let aliases = llm
        .entry("aliases")
        .or_insert_with(|| Item::Table(Table::new()));
    let replaced = set_alias(aliases, &alias, entry)
        .ok_or_else(|| failed(format!("`{table}.aliases` in {name} is not a table")))?;
    let mut default = None;
    if !had_aliases && !llm.contains_key("default_alias") {
        llm.set_implicit(false);
        llm.insert("default_alias", toml_edit::value(alias.as_str()));
        default = Some(alias.clone());
    }
    commit(&target, &name, &text, &doc)?;
    let desc = describe(model, args.secret.as_deref(), args.backend.as_deref());
    let embedded_by = discover::embedding_calls(&target.path);
    if args.out.json() {
        let rebuild: Vec<String> = embedded_by.iter().map(ToString::to_string).collect();
        print_json(&json!({
            "file": name,
            "registered": entry_json(&alias, model, args.secret.as_deref(), args.backend.as_deref()),
            "replaced": replaced,
            "default_alias": default,
            "rebuild_needed_by": rebuild,
        }));
    } else {
        let verb = if replaced { "replaced" } else { "registered" };
        println!("{verb} {alias}: {desc} in {}", escape_line(&name));
        if let Some(d) = default {
            println!("default_alias = \"{d}\" (the first alias)");
        }
        println!("{}", rebuild_note(&alias, &name, &embedded_by));
    }
    Ok(crate::exit::CLEAN)
}

/// Says when a rebuild is needed to see `alias`: `include_llm_config!` embeds the file at
/// compile time, so a crate built before the edit neither has the constant nor resolves the alias.
fn rebuild_note(alias: &str, file: &str, embedded_by: &[discover::Origin]) -> String {
    let constant = llmcfg_core::vocab::const_name(alias);
    let file = escape_line(file);
    if embedded_by.is_empty() {
        return format!(
            "note: a crate that embeds {file} with include_llm_config! sees `{alias}` \
             (aliases::{constant}) after its next build; Config::load reads it at start-up"
        );
    }
    let calls: Vec<String> = embedded_by
        .iter()
        .map(|o| escape_line(&o.to_string()).into_owned())
        .collect();
    format!(
        "rebuild to see `{alias}`: {} embeds {file}, so aliases::{constant} exists after the \
         next `cargo build` (a binary built before keeps its old aliases)",
        calls.join(", ")
    )
}

/// Puts `entry` under `alias` in the aliases table, keeping an existing entry's decor. Whether
/// it replaced one; `None` when `aliases` is not a table.
fn set_alias(aliases: &mut Item, alias: &str, mut entry: InlineTable) -> Option<bool> {
    match aliases {
        Item::Table(t) => {
            let replaced = match t.get_mut(alias) {
                Some(Item::Value(old)) => {
                    entry.decor_mut().clone_from(old.decor());
                    *old = toml_edit::Value::InlineTable(entry);
                    true
                }
                Some(item @ Item::Table(_)) => {
                    let mut sub = Table::new();
                    if let Item::Table(old) = &item {
                        sub.decor_mut().clone_from(old.decor());
                        sub.set_position(old.position());
                    }
                    for (k, v) in entry.iter() {
                        sub.insert(k, Item::Value(v.clone()));
                    }
                    *item = Item::Table(sub);
                    true
                }
                _ => {
                    t.insert(alias, Item::Value(entry.into()));
                    false
                }
            };
            Some(replaced)
        }
        Item::Value(toml_edit::Value::InlineTable(t)) => {
            let replaced = match t.get_mut(alias) {
                Some(old) => {
                    entry.decor_mut().clone_from(old.decor());
                    *old = entry.into();
                    true
                }
                None => {
                    t.insert(alias, entry.into());
                    false
                }
            };
            Some(replaced)
        }
        _ => None,
    }
}

fn remove(args: &NameArgs) -> Result<u8, Failure> {
    let alias = alias_name(&args.alias)?;
    let (target, name, text, _lock) = target(&args.config, false)?;
    let mut doc = parse(&name, &text)?;
    let table = target.table_or_default();
    let llm = edit::table_mut(&mut doc, &table, false)
        .ok_or_else(|| failed(format!("no `{table}` table in {name}")))?;
    let removed = llm
        .get_mut("aliases")
        .and_then(Item::as_table_like_mut)
        .and_then(|t| t.remove(&alias))
        .is_some();
    if !removed {
        return Err(failed(format!("no alias `{alias}` in {name}")));
    }
    let was_default = llm.get("default_alias").and_then(Item::as_str) == Some(alias.as_str());
    if was_default {
        llm.remove("default_alias");
    }
    commit(&target, &name, &text, &doc)?;
    if args.out.json() {
        print_json(
            &json!({ "file": name, "removed": alias, "default_alias_removed": was_default }),
        );
    } else {
        println!("removed {alias} from {}", escape_line(&name));
        if was_default {
            println!("removed default_alias (it named `{alias}`)");
        }
    }
    Ok(crate::exit::CLEAN)
}

fn set_default(args: &NameArgs) -> Result<u8, Failure> {
    let alias = alias_name(&args.alias)?;
    let (target, name, text, _lock) = target(&args.config, false)?;
    let mut doc = parse(&name, &text)?;
    let table = target.table_or_default();
    let llm = edit::table_mut(&mut doc, &table, false)
        .ok_or_else(|| failed(format!("no `{table}` table in {name}")))?;
    let exists = llm
        .get("aliases")
        .and_then(Item::as_table_like)
        .is_some_and(|t| t.contains_key(&alias));
    if !exists {
        return Err(failed(format!(
            "no alias `{alias}` in {name}; register it first with \
             `cargo llmcfg model register {alias} --model PROVIDER/MODEL`"
        )));
    }
    match llm.get_mut("default_alias") {
        Some(Item::Value(old)) => {
            let new = edit::string_like(Some(old), &alias);
            *old = new;
        }
        _ => {
            llm.insert("default_alias", toml_edit::value(alias.as_str()));
        }
    }
    commit(&target, &name, &text, &doc)?;
    if args.out.json() {
        print_json(&json!({ "file": name, "default_alias": alias }));
    } else {
        println!("default_alias = \"{alias}\" in {}", escape_line(&name));
    }
    Ok(crate::exit::CLEAN)
}

fn list(args: &ListArgs) -> Result<u8, Failure> {
    let (target, name, text, _lock) = target(&args.config, false)?;
    let report = edit::validate(&name, &text, target.table.as_ref());
    let config =
        llmcfg::Config::from_report(report).map_err(|e| failed(escape_controls(&e.to_string())))?;
    let resolver =
        llmcfg::Resolver::new(&config).map_err(|e| failed(escape_controls(&e.to_string())))?;
    let default = resolver.default_alias().map(str::to_string);
    // Transported entries win over local ones of the same name.
    let mut rows: Vec<(&llmcfg::Alias, bool)> = resolver
        .transported_aliases()
        .iter()
        .map(|a| (a, true))
        .collect();
    for a in config.aliases() {
        if !rows.iter().any(|(t, _)| t.name() == a.name()) {
            rows.push((a, false));
        }
    }
    rows.sort_by(|a, b| a.0.name().cmp(b.0.name()));
    if args.out.json() {
        let aliases: Vec<Value> = rows
            .iter()
            .map(|(a, transported)| {
                let mut v = entry_json(a.name(), a.model(), a.secret(), a.backend());
                v["default"] = json!(default.as_deref() == Some(a.name()));
                v["transported"] = json!(transported);
                v
            })
            .collect();
        print_json(&json!({ "file": name, "default_alias": default, "aliases": aliases }));
        return Ok(crate::exit::CLEAN);
    }
    if rows.is_empty() {
        println!("no aliases in {}", escape_line(&name));
    }
    for (a, transported) in rows {
        let mut line = format!(
            "{}: {}",
            escape_line(a.name()),
            describe(a.model(), a.secret(), a.backend())
        );
        if default.as_deref() == Some(a.name()) {
            line.push_str(" [default]");
        }
        if transported {
            line.push_str(" [transported]");
        }
        println!("{line}");
    }
    Ok(crate::exit::CLEAN)
}
