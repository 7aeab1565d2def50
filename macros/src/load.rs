//! Finding and reading the config file, relative to `CARGO_MANIFEST_DIR` (the only env var the
//! macro reads), and the `include_bytes!` that makes cargo rebuild the crate when it changes.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

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
    let full: PathBuf = PathBuf::from(manifest_dir).join(relative);
    let shown = full.display();
    let Some(absolute) = full.to_str().map(str::to_string) else {
        return Err(format!(
            "the config path `{shown}` is not valid UTF-8, which `include_bytes!` cannot name\n\
help: move the config to a path without non-UTF-8 bytes"
        ));
    };
    match std::fs::metadata(&full) {
        Ok(meta) if meta.is_dir() => {
            return Err(format!(
                "`{written}` is a directory, not a config file\nnote: it is `{shown}`\n\
help: name the TOML file itself, e.g. `\"{}/llm.toml\"`",
                written.trim_end_matches(['/', '\\'])
            ));
        }
        Ok(_) => {}
        Err(error) if error.kind() == ErrorKind::NotFound => {
            return Err(format!(
                "config file `{written}` not found\nnote: looked for `{shown}`\n{RELATIVE_HELP}"
            ));
        }
        Err(error) => return Err(format!("cannot read config file `{written}`: {error}")),
    }
    let bytes = match std::fs::read(&full) {
        Ok(bytes) => bytes,
        Err(error) => return Err(format!("cannot read config file `{written}`: {error}")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let bytes = error.as_bytes();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            let column = at
                - bytes[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1)
                + 1;
            return Err(format!(
                "config file `{written}` is not UTF-8: invalid byte at {written}:{line}:{column}\n\
help: TOML files must be UTF-8; re-save the file as UTF-8"
            ));
        }
    };
    Ok(File {
        name: written.to_string(),
        absolute,
        text,
    })
}

/// `const _: &[u8] = include_bytes!("/abs/llm.toml");`: rustc records the file in the crate's
/// dep-info, so cargo rebuilds the crate when the TOML changes. The unnamed const is never
/// referenced, so the bytes do not reach the binary.
pub(crate) fn dependency(file: &File, span: Span) -> TokenStream {
    let path = &file.absolute;
    quote_spanned! {span=>
        const _: &[u8] = ::core::include_bytes!(#path);
    }
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
}
