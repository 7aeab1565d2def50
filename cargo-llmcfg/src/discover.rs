//! Finding the configs to work on: `--config`, then `[package|workspace.metadata.llmcfg]`, then
//! every `include_llm_config!` call in a package's sources, then `llm.toml` at the package root.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::Value;

use crate::failure::Failure;
use crate::read::{ReadError, read_config};
use crate::scan;
use crate::table::{TablePath, parse_table};

/// `--config` / `--table`, shared by every subcommand that reads one config.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ConfigArgs {
    /// The config file (default: found as `check` finds configs).
    #[arg(long = "config", value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// The dotted path of the llm table inside the file, e.g. `spearlet.llm`.
    #[arg(long, value_name = "TABLE", value_parser = parse_table)]
    pub(crate) table: Option<TablePath>,
}

/// One config to check: a file and the table inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The file, as given or absolute.
    pub(crate) path: PathBuf,
    /// The llm table (`None`: `llm`).
    pub(crate) table: Option<TablePath>,
    /// How it was found.
    pub(crate) origin: Origin,
}

impl Target {
    /// The file's name as reports show it, and its text.
    pub(crate) fn read(&self) -> Result<(String, String), ReadError> {
        let name = display(&self.path);
        let text = read_config(&self.path, &name)?;
        Ok((name, text))
    }

    /// The table's path as the validator takes it.
    pub(crate) fn options(&self) -> llmcfg_core::Options {
        llmcfg_core::Options {
            table: self.table.as_ref().map(TablePath::dotted),
        }
    }

    /// The llm table, `llm` unless one was named.
    pub(crate) fn table_or_default(&self) -> TablePath {
        self.table.clone().unwrap_or_else(TablePath::default_table)
    }
}

/// How a config was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// `--config`.
    Flag,
    /// `[package.metadata.llmcfg]` of a package.
    PackageMetadata(String),
    /// `[workspace.metadata.llmcfg]`.
    WorkspaceMetadata,
    /// An `include_llm_config!` call at a Rust source location.
    Macro { file: PathBuf, line: usize },
    /// `llm.toml` at a package root.
    PackageRoot(String),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag => f.write_str("--config"),
            Origin::PackageMetadata(p) => write!(f, "[package.metadata.llmcfg] of `{p}`"),
            Origin::WorkspaceMetadata => f.write_str("[workspace.metadata.llmcfg]"),
            Origin::Macro { file, line } => {
                write!(f, "include_llm_config! at {}:{line}", display(file))
            }
            Origin::PackageRoot(p) => write!(f, "llm.toml of `{p}`"),
        }
    }
}

/// Finds the configs: the `--config` files, else those of the current package (every member
/// with `workspace`, or when run at the root of a virtual workspace).
pub(crate) fn discover(
    configs: &[PathBuf],
    table: Option<&TablePath>,
    workspace: bool,
) -> Result<Vec<Target>, Failure> {
    if !configs.is_empty() {
        return Ok(configs
            .iter()
            .map(|path| Target {
                path: path.clone(),
                table: table.cloned(),
                origin: Origin::Flag,
            })
            .collect());
    }
    let mut targets = match cargo_metadata::MetadataCommand::new().no_deps().exec() {
        Ok(metadata) => from_metadata(&metadata, workspace)?,
        Err(_) => {
            // Not inside a cargo project: a bare `llm.toml` here still counts.
            let here = PathBuf::from("llm.toml");
            if here.is_file() {
                vec![Target {
                    path: here,
                    table: None,
                    origin: Origin::PackageRoot(".".into()),
                }]
            } else {
                Vec::new()
            }
        }
    };
    if let Some(table) = table {
        for t in &mut targets {
            t.table = Some(table.clone());
        }
    }
    let mut seen = HashSet::new();
    targets.retain(|t| {
        let key = (
            t.path.canonicalize().unwrap_or_else(|_| t.path.clone()),
            t.table.clone(),
        );
        seen.insert(key)
    });
    if targets.is_empty() {
        return Err(Failure::usage(
            "no-config",
            "no llm config found: pass `--config PATH`, set `config` in \
             `[package.metadata.llmcfg]`, call `include_llm_config!`, or add `llm.toml` at the \
             package root",
        ));
    }
    Ok(targets)
}

/// Finds exactly one config, for the commands that edit or load one.
pub(crate) fn one(args: &ConfigArgs) -> Result<Target, Failure> {
    let configs: Vec<PathBuf> = args.config.iter().cloned().collect();
    let mut targets = discover(&configs, args.table.as_ref(), false)?;
    if targets.len() > 1 {
        let list = targets
            .iter()
            .map(|t| format!("  {} ({})", display(&t.path), t.origin))
            .collect::<Vec<_>>()
            .join("\n");
        return Err(Failure::usage(
            "many-configs",
            format!(
                "found {} llm configs; choose one with `--config PATH`:\n{list}",
                targets.len()
            ),
        ));
    }
    Ok(targets.remove(0))
}

fn from_metadata(
    metadata: &cargo_metadata::Metadata,
    workspace: bool,
) -> Result<Vec<Target>, Failure> {
    let members = metadata.workspace_packages();
    let cwd = std::env::current_dir()
        .and_then(|d| d.canonicalize())
        .unwrap_or_default();
    // The package whose directory holds the current directory (deepest first), unless the
    // whole workspace is asked for or we stand outside every package (a virtual root).
    let current = members
        .iter()
        .filter(|p| {
            p.manifest_path
                .parent()
                .is_some_and(|dir| cwd.starts_with(dir.as_std_path()))
        })
        .max_by_key(|p| p.manifest_path.as_str().len());
    let selected: Vec<&cargo_metadata::Package> = match current {
        Some(p) if !workspace => vec![p],
        _ => members,
    };
    let mut out = Vec::new();
    let root = metadata.workspace_root.as_std_path();
    out.extend(metadata_targets(
        &metadata.workspace_metadata,
        root,
        &Origin::WorkspaceMetadata,
    )?);
    for package in selected {
        let Some(dir) = package.manifest_path.parent() else {
            continue;
        };
        let dir = dir.as_std_path();
        let name = package.name.to_string();
        let found = metadata_targets(
            &package.metadata,
            dir,
            &Origin::PackageMetadata(name.clone()),
        )?;
        if !found.is_empty() {
            out.extend(found);
            continue;
        }
        let calls = scan::package_calls(dir);
        if !calls.is_empty() {
            for c in calls {
                let origin = Origin::Macro {
                    file: c.file,
                    line: c.line,
                };
                out.push(Target {
                    path: dir.join(&c.path),
                    table: table_of(c.table.as_deref(), &origin)?,
                    origin,
                });
            }
            continue;
        }
        let bare = dir.join("llm.toml");
        if bare.is_file() {
            out.push(Target {
                path: bare,
                table: None,
                origin: Origin::PackageRoot(name),
            });
        }
    }
    Ok(out)
}

/// A `table` found in metadata or a macro call, parsed like `--table`.
fn table_of(table: Option<&str>, origin: &Origin) -> Result<Option<TablePath>, Failure> {
    table
        .map(|t| {
            TablePath::parse(t).map_err(|e| {
                Failure::usage("invalid-table", format!("{e} (the table of {origin})"))
            })
        })
        .transpose()
}

/// The configs named by `{"llmcfg": {"config": "…" | ["…"], "table": "…"}}` in cargo metadata.
fn metadata_targets(metadata: &Value, dir: &Path, origin: &Origin) -> Result<Vec<Target>, Failure> {
    let Some(section) = metadata.get("llmcfg") else {
        return Ok(Vec::new());
    };
    let table = table_of(section.get("table").and_then(Value::as_str), origin)?;
    let paths: Vec<&str> = match section.get("config") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ if table.is_some() => vec!["llm.toml"],
        _ => Vec::new(),
    };
    Ok(paths
        .into_iter()
        .map(|p| Target {
            path: dir.join(p),
            table: table.clone(),
            origin: origin.clone(),
        })
        .collect())
}

/// The `include_llm_config!` calls of the current cargo workspace that embed the file at
/// `path` (as `Origin::Macro`), so an edit can say which crates must be rebuilt to see it.
/// Outside a cargo project there are none.
pub(crate) fn embedding_calls(path: &Path) -> Vec<Origin> {
    let Ok(metadata) = cargo_metadata::MetadataCommand::new().no_deps().exec() else {
        return Vec::new();
    };
    let wanted = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut out = Vec::new();
    for package in metadata.workspace_packages() {
        let Some(dir) = package.manifest_path.parent() else {
            continue;
        };
        let dir = dir.as_std_path();
        for call in scan::package_calls(dir) {
            let embedded = dir.join(&call.path);
            if embedded.canonicalize().unwrap_or(embedded) == wanted {
                out.push(Origin::Macro {
                    file: call.file,
                    line: call.line,
                });
            }
        }
    }
    out
}

/// The variable GitHub Actions sets to the checkout root, against which annotations' paths are
/// resolved.
const GITHUB_WORKSPACE: &str = "GITHUB_WORKSPACE";

/// A report's file name (relative to the current directory, or absolute) as GitHub annotations
/// want it: relative to `$GITHUB_WORKSPACE` when that is set and holds the file, else unchanged.
pub(crate) fn github_path(file: &str) -> String {
    let workspace = std::env::var_os(GITHUB_WORKSPACE).filter(|w| !w.is_empty());
    match (workspace, std::env::current_dir()) {
        (Some(workspace), Ok(cwd)) => relative_to(file, Path::new(&workspace), &cwd),
        _ => file.to_string(),
    }
}

/// `file`, taken relative to `cwd` unless absolute, relative to `root`; unchanged when it is not
/// below `root`.
fn relative_to(file: &str, root: &Path, cwd: &Path) -> String {
    let absolute = cwd.join(file);
    let rest = absolute
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .or_else(|_| {
            let canonical = absolute.canonicalize().unwrap_or_else(|_| absolute.clone());
            let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            canonical.strip_prefix(root).map(Path::to_path_buf)
        });
    match rest {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_string_lossy().replace('\\', "/"),
        _ => file.to_string(),
    }
}

/// `path` relative to the current directory when it is below it, for reports.
pub(crate) fn display(path: &Path) -> String {
    let shown = relative(path);
    shown.to_string_lossy().replace('\\', "/")
}

fn relative(path: &Path) -> PathBuf {
    if path.is_relative() {
        return path.strip_prefix("./").unwrap_or(path).to_path_buf();
    }
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    if let Ok(rest) = path.strip_prefix(&cwd) {
        return rest.to_path_buf();
    }
    let canonical_cwd = cwd.canonicalize().unwrap_or(cwd);
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match canonical.strip_prefix(&canonical_cwd) {
        Ok(rest) => rest.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_paths_are_relative_to_the_workspace_root() {
        let root = Path::new("/home/runner/work/app/app");
        let cwd = root.join("crates/api");
        assert_eq!(relative_to("llm.toml", root, &cwd), "crates/api/llm.toml");
        assert_eq!(
            relative_to("/home/runner/work/app/app/llm.toml", root, &cwd),
            "llm.toml"
        );
    }

    #[test]
    fn a_file_outside_the_workspace_keeps_its_name() {
        let root = Path::new("/home/runner/work/app/app");
        assert_eq!(
            relative_to("/etc/llm.toml", root, Path::new("/tmp")),
            "/etc/llm.toml"
        );
        assert_eq!(relative_to("llm.toml", root, Path::new("/tmp")), "llm.toml");
    }
}
