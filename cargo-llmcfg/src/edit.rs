//! Editing a config in place with toml_edit (comments, order and formatting kept), validating the
//! result with the same `check` as everything else, and writing it atomically with the file's
//! line endings, mode and group kept, under a lock on the file's real (canonical) directory.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use llmcfg::store::{FileMode, write_file_atomic};
use llmcfg_core::{Options, Report};
use toml_edit::{DocumentMut, InlineTable, Item, Key, Table, Value};

use crate::table::TablePath;

/// The table at `path` (`llm`, `spearlet.llm`), created as a `[header]` table when `create` is
/// set and it is missing. `None` when it is missing or not a table.
pub(crate) fn table_mut<'d>(
    doc: &'d mut DocumentMut,
    path: &TablePath,
    create: bool,
) -> Option<&'d mut Table> {
    let mut current: &mut Table = doc.as_table_mut();
    let segments = path.segments();
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
pub(crate) fn validate(name: &str, text: &str, table: Option<&TablePath>) -> Report {
    llmcfg_core::check(
        name,
        text,
        &Options {
            table: table.map(TablePath::dotted),
        },
    )
}

/// The errors of `report`, rendered without colour (control characters escaped), for a refused
/// edit.
pub(crate) fn render_errors(report: &Report) -> String {
    let report = crate::sanitize::sanitized(report);
    let errors: Vec<_> = report.errors().cloned().collect();
    llmcfg_core::render::plain_all(&report.source, &errors).join("\n\n")
}

/// `edited` with the line endings of `original`: toml_edit writes `\n` for what it adds, so a
/// CRLF file would come back mixed.
pub(crate) fn keep_line_endings<'t>(original: &str, edited: &'t str) -> Cow<'t, str> {
    let crlf = match original.find('\n') {
        Some(i) => original[..i].ends_with('\r'),
        None => false,
    };
    if !crlf {
        return Cow::Borrowed(edited);
    }
    let mut out = String::with_capacity(edited.len() + edited.len() / 16);
    let mut prev = '\0';
    for c in edited.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    Cow::Owned(out)
}

/// An exclusive advisory lock on the directory of a config, held across a read-modify-write.
/// The directory, not the file, is locked: the atomic rename replaces the file's inode, so a
/// lock on the file would not exclude a writer that opened the new one.
#[derive(Debug)]
pub(crate) struct EditLock(#[allow(dead_code, reason = "held for its lock")] std::fs::File);

/// `path` with symlinks resolved, also when the file does not exist yet (its directory is
/// resolved): every editor of one file, however it names it, locks and writes the same place.
pub(crate) fn canonical(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(dir), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Takes the [`EditLock`] of the real directory holding `path`, waiting for other editors.
pub(crate) fn lock(path: &Path) -> std::io::Result<EditLock> {
    let real = canonical(path);
    let dir = match real.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let handle = std::fs::File::open(&dir)?;
    handle.lock()?;
    Ok(EditLock(handle))
}

/// Writes the edited config `text` over `path` atomically, with the line endings of `original`
/// and the file's mode and group; a temp file left by a failure is removed.
pub(crate) fn write_config(path: &Path, original: &str, text: &str) -> std::io::Result<()> {
    let real = canonical(path);
    let text = keep_line_endings(original, text);
    write_file_atomic(&real, text.as_bytes(), FileMode::of_existing(&real))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_keeps_position_and_comments() {
        let mut doc: DocumentMut = "[t]\n# a\na = 1 # one\nb = \"x\" # two\nc = 3\n"
            .parse()
            .expect("toml");
        let t = table_mut(&mut doc, &TablePath::parse("t").expect("path"), false).expect("table");
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
        let t =
            table_mut(&mut doc, &TablePath::parse("a.llm").expect("path"), true).expect("table");
        t.insert("x", toml_edit::value(1));
        assert_eq!(doc.to_string(), "[a.llm]\nx = 1\n");
    }

    #[test]
    fn crlf_files_stay_crlf() {
        assert_eq!(
            keep_line_endings("a\r\nb\r\n", "a\r\nb\r\nc\n"),
            "a\r\nb\r\nc\r\n"
        );
        assert_eq!(keep_line_endings("a\nb\n", "a\nc\n"), "a\nc\n");
        assert_eq!(keep_line_endings("", "x\n"), "x\n");
    }
}
