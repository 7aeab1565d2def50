//! Finding and reading the config file, relative to `CARGO_MANIFEST_DIR` (the only env var the
//! macro reads), and the `include_bytes!` that makes cargo rebuild the crate when it changes.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

// The 16 MiB cap and the capped read are shared with the CLI and `Config::load`.
use llmcfg_core::file::{FileError, MAX_CONFIG_BYTES};

/// A config file read from disk.
#[derive(Debug)]
pub(crate) struct File {
    /// The path as the user wrote it: what reports show (`--> llm.toml:12:1`).
    pub(crate) name: String,
    /// The absolute path, for `include_bytes!`.
    pub(crate) absolute: String,
    /// The contents.
    pub(crate) text: String,
}

const RELATIVE_HELP: &str = "help: the path is relative to the crate root (the directory holding \
Cargo.toml, `CARGO_MANIFEST_DIR`), not to this source file";

/// Reads `written` relative to `manifest_dir`; the error is the message to show on the path.
pub(crate) fn load(manifest_dir: Option<OsString>, written: &str) -> Result<File, String> {
    if written.trim().is_empty() {
        return Err(format!(
            "the config path is empty\n{RELATIVE_HELP}, e.g. `include_llm_config!(\"llm.toml\")`"
        ));
    }
    let relative = Path::new(written);
    if relative.has_root() || relative.is_absolute() {
        return Err(format!(
            "the config path `{written}` is absolute; it must be relative to the crate root so the \
crate builds on every machine\nhelp: write it relative to the directory holding Cargo.toml, \
e.g. `\"llm.toml\"` or `\"../config/llm.toml\"`"
        ));
    }
    let Some(manifest_dir) = manifest_dir else {
        return Err(
            "`CARGO_MANIFEST_DIR` is not set: `include_llm_config!` resolves its path \
relative to the crate root and must be built by cargo"
                .to_string(),
        );
    };
    let root = PathBuf::from(manifest_dir);
    let full: PathBuf = root.join(relative);
    let Some(absolute) = full.to_str().map(str::to_string) else {
        return Err(format!(
            "the config path is not valid UTF-8 under the crate root `{}`, which \
`include_bytes!` cannot name\nhelp: move the crate or the config to a path without non-UTF-8 bytes",
            crate_root(&root)
        ));
    };
    let text = read_text(&full, &located(&root, relative), written)?;
    Ok(File {
        name: written.to_string(),
        absolute,
        text,
    })
}

/// The crate root as notes name it: `…/` and its last component. The absolute path would make
/// the message differ on every machine (and trybuild snapshots with it) and tells the reader
/// no more than which crate it is.
fn crate_root(root: &Path) -> String {
    match root.file_name() {
        Some(name) => format!("…/{}", name.to_string_lossy()),
        None => root.display().to_string(),
    }
}

/// `written` as found from the crate root, with `.` and `dir/..` steps folded:
/// ``tests/fail/llm.toml` under the crate root `…/my-crate` ``.
fn located(root: &Path, written: &Path) -> String {
    use std::path::Component;
    let mut parts: Vec<Component<'_>> = Vec::new();
    for part in written.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let folded: PathBuf = parts.iter().collect();
    let folded = if folded.as_os_str().is_empty() {
        ".".to_string()
    } else {
        folded.display().to_string()
    };
    format!("`{folded}` under the crate root `{}`", crate_root(root))
}

/// Reads the config at `full` (written as `written`, found at `shown`): a regular file only — a
/// FIFO would block the build, a device never ends — of at most [`MAX_CONFIG_BYTES`], in UTF-8.
fn read_text(full: &Path, shown: &str, written: &str) -> Result<String, String> {
    // `read` checks the path before opening (opening a FIFO blocks until a writer appears),
    // and the opened handle again, in case the path was swapped since.
    let refused = |error: FileError| match error {
        error if error.is_not_found() => {
            format!("config file `{written}` not found\nnote: looked for {shown}\n{RELATIVE_HELP}")
        }
        FileError::Directory => format!(
            "`{written}` is a directory, not a config file\nnote: it is {shown}\n\
help: name the TOML file itself, e.g. `\"{}/llm.toml\"`",
            written.trim_end_matches(['/', '\\'])
        ),
        FileError::NotRegular => format!(
            "`{written}` is not a regular file (a FIFO, socket or device)\nnote: it is {shown}\n\
help: point `include_llm_config!` at the TOML file itself"
        ),
        FileError::TooLarge => format!(
            "config file `{written}` is larger than 16 MiB ({MAX_CONFIG_BYTES} bytes)\n\
help: an llm config is a small TOML file; check the path"
        ),
        other => format!("cannot read config file `{written}`: {other}"),
    };
    let bytes = llmcfg_core::file::read(full).map_err(refused)?;
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        // Columns are characters, as in every other diagnostic.
        let column = String::from_utf8_lossy(&bytes[start..at]).chars().count() + 1;
        format!(
            "config file `{written}` is not UTF-8: invalid byte at {written}:{line}:{column}\n\
help: TOML files must be UTF-8; re-save the file as UTF-8"
        )
    })
}

/// `const _: &[u8] = include_bytes!("/abs/llm.toml");`: rustc records the file in the crate's
/// dep-info, so cargo rebuilds the crate when the TOML changes. The unnamed const is never
/// referenced, so the bytes do not reach the binary. Source text, for the path literal's span.
pub(crate) fn dependency(file: &File) -> String {
    format!(
        "const _: &[u8] = ::core::include_bytes!({:?});",
        file.absolute
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("llmcfg-macros-load-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("sub"));
        dir
    }

    fn err(manifest: Option<&Path>, written: &str) -> String {
        match load(manifest.map(|p| p.as_os_str().to_owned()), written) {
            Ok(file) => panic!("`{written}` loaded: {file:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_relative_to_the_manifest_dir() {
        let dir = dir();
        std::fs::write(dir.join("sub/llm.toml"), "[llm]\n").unwrap_or_default();
        let file = load(Some(dir.clone().into()), "sub/llm.toml").map_err(|e| e.to_string());
        let file = file.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file.name, "sub/llm.toml");
        assert_eq!(file.text, "[llm]\n");
        assert!(Path::new(&file.absolute).is_absolute());
        // The item names the file by its absolute path, as a literal that lexes back to it.
        let item = dependency(&file);
        let literal = item
            .strip_prefix("const _: &[u8] = ::core::include_bytes!(")
            .and_then(|rest| rest.strip_suffix(");"))
            .unwrap_or_else(|| panic!("{item}"));
        assert!(item.parse::<proc_macro2::TokenStream>().is_ok(), "{item}");
        let path = crate::unescape::string(literal).map(|(value, _)| value);
        assert_eq!(path.as_deref(), Some(file.absolute.as_str()), "{item}");
    }

    #[test]
    fn every_bad_path_has_its_message() {
        let dir = dir();
        std::fs::write(dir.join("latin1.toml"), b"[llm]\n# caf\xe9\n").unwrap_or_default();
        assert!(err(Some(&dir), "").contains("is empty"));
        assert!(err(Some(&dir), "/etc/llm.toml").contains("is absolute"));
        assert!(err(None, "llm.toml").contains("`CARGO_MANIFEST_DIR` is not set"));
        assert!(err(Some(&dir), "nope.toml").contains("not found"));
        assert!(err(Some(&dir), "sub").contains("is a directory"));
        let e = err(Some(&dir), "latin1.toml");
        assert!(
            e.contains("not UTF-8") && e.contains("latin1.toml:2:6"),
            "{e}"
        );
    }

    /// The absolute path differs on every machine and target directory: notes name the path
    /// from the crate root instead.
    #[test]
    fn notes_name_the_path_from_the_crate_root_never_the_absolute_path() {
        let dir = dir();
        let absolute = dir.display().to_string();
        let root = format!(
            "…/{}",
            dir.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let missing = err(Some(&dir), "./sub/../nope.toml");
        assert!(
            missing.contains(&format!(
                "note: looked for `nope.toml` under the crate root `{root}`"
            )),
            "{missing}"
        );
        let directory = err(Some(&dir), "sub/");
        assert!(
            directory.contains(&format!("note: it is `sub` under the crate root `{root}`")),
            "{directory}"
        );
        for message in [missing, directory] {
            assert!(!message.contains(&absolute), "{message}");
        }
        assert_eq!(
            located(&dir, Path::new("../x/./llm.toml")),
            format!("`../x/llm.toml` under the crate root `{root}`")
        );
    }

    #[cfg(unix)]
    #[test]
    fn fifos_devices_and_huge_files_are_refused_without_reading() {
        let dir = dir();
        let fifo = dir.join("fifo.toml");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(err(Some(&dir), "fifo.toml").contains("not a regular file"));
        }
        let zero = read_text(Path::new("/dev/zero"), "`zero.toml`", "zero.toml");
        assert!(zero.is_err_and(|e| e.contains("not a regular file")));
        let big = dir.join("big.toml");
        let file = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
        file.set_len(MAX_CONFIG_BYTES + 1).unwrap_or_default();
        assert!(err(Some(&dir), "big.toml").contains("larger than 16 MiB"));
    }
}
