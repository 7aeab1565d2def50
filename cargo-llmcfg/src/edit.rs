//! Editing a config in place with toml_edit (comments, order and formatting kept), validating the
//! result with the same `check` as everything else, and writing it atomically.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use llmcfg_core::{Options, Report};
use toml_edit::{DocumentMut, InlineTable, Item, Key, Table, Value};

/// The table at dotted `path` (`llm`, `spearlet.llm`), created as a `[header]` table when
/// `create` is set and it is missing. `None` when it is missing or not a table.
pub(crate) fn table_mut<'d>(
    doc: &'d mut DocumentMut,
    path: &str,
    create: bool,
) -> Option<&'d mut Table> {
    let mut current: &mut Table = doc.as_table_mut();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, seg) in segments.iter().enumerate() {
        if !current.contains_key(seg) {
            if !create {
                return None;
            }
            let mut t = Table::new();
            // Intermediate tables stay implicit (`[spearlet.llm]` without `[spearlet]`).
            t.set_implicit(i + 1 < segments.len());
            current.insert(seg, Item::Table(t));
        }
        current = current.get_mut(seg)?.as_table_mut()?;
    }
    Some(current)
}

/// Rebuilds `table`'s entries in order through `f`, which sees each `(key, item)` and returns
/// the entries to put in its place. Keeps every key's and value's decor (comments).
pub(crate) fn rebuild_table(table: &mut Table, mut f: impl FnMut(Key, Item) -> Vec<(Key, Item)>) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    let entries: Vec<(Key, Item)> = keys.iter().filter_map(|k| table.remove_entry(k)).collect();
    for (key, item) in entries {
        for (k, i) in f(key, item) {
            table.insert_formatted(&k, i);
        }
    }
}

/// [`rebuild_table`] for an inline table.
pub(crate) fn rebuild_inline(
    table: &mut InlineTable,
    mut f: impl FnMut(Key, Value) -> Vec<(Key, Value)>,
) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_string()).collect();
    let entries: Vec<(Key, Value)> = keys.iter().filter_map(|k| table.remove_entry(k)).collect();
    for (key, value) in entries {
        for (k, v) in f(key, value) {
            table.insert_formatted(&k, v);
        }
    }
}

/// `key` renamed to `name`, keeping its decor.
pub(crate) fn renamed(key: &Key, name: &str) -> Key {
    let mut new = Key::new(name);
    *new.leaf_decor_mut() = key.leaf_decor().clone();
    new
}

/// A string value carrying `old`'s decor (its trailing comment).
pub(crate) fn string_like(old: Option<&Value>, text: &str) -> Value {
    let mut v = Value::from(text);
    if let Some(old) = old {
        *v.decor_mut() = old.decor().clone();
    }
    v
}

/// Checks `text` as the config `name` would be checked.
pub(crate) fn validate(name: &str, text: &str, table: Option<&str>) -> Report {
    llmcfg_core::check(
        name,
        text,
        &Options {
            table: table.map(str::to_string),
        },
    )
}

/// The errors of `report`, rendered without colour, for a refused edit.
pub(crate) fn render_errors(report: &Report) -> String {
    report
        .errors()
        .map(|d| llmcfg_core::render::plain(&report.source, d))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// An exclusive advisory lock on the directory of a config, held across a read-modify-write.
/// The directory, not the file, is locked: the atomic rename replaces the file's inode, so a
/// lock on the file would not exclude a writer that opened the new one.
#[derive(Debug)]
pub(crate) struct EditLock(#[allow(dead_code, reason = "held for its lock")] std::fs::File);

/// Takes the [`EditLock`] of the directory holding `path`, waiting for other editors.
pub(crate) fn lock(path: &Path) -> std::io::Result<EditLock> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let handle = std::fs::File::open(&dir)?;
    fs4::FileExt::lock(&handle)?;
    Ok(EditLock(handle))
}

/// Writes `text` to `path` atomically: a temp file in the same directory, flushed and synced,
/// given the old file's permissions, then renamed over it.
pub(crate) fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    // Write through a symlink to its target rather than replacing the link.
    let path: PathBuf = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".llmcfg-")
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.flush()?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_keeps_position_and_comments() {
        let mut doc: DocumentMut = "[t]\n# a\na = 1 # one\nb = \"x\" # two\nc = 3\n"
            .parse()
            .expect("toml");
        let t = table_mut(&mut doc, "t", false).expect("table");
        rebuild_table(t, |k, i| {
            if k.get() == "b" {
                let v = string_like(i.as_value(), "y");
                vec![(renamed(&k, "bb"), Item::Value(v))]
            } else {
                vec![(k, i)]
            }
        });
        assert_eq!(
            doc.to_string(),
            "[t]\n# a\na = 1 # one\nbb = \"y\" # two\nc = 3\n"
        );
    }

    #[test]
    fn creates_nested_tables() {
        let mut doc = DocumentMut::new();
        let t = table_mut(&mut doc, "a.llm", true).expect("table");
        t.insert("x", toml_edit::value(1));
        assert_eq!(doc.to_string(), "[a.llm]\nx = 1\n");
    }
}
