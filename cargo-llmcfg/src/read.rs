//! Reading a config file: only a regular file (a FIFO would block, `/dev/zero` never ends), at
//! most [`llmcfg_core::file::MAX_CONFIG_BYTES`], and UTF-8 — invalid UTF-8 is a diagnostic at its line and column,
//! like any syntax error.

use std::path::Path;

use llmcfg_core::Report;
use llmcfg_core::file::FileError;

use crate::failure::Failure;

/// Why a config's text could not be had.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The file does not exist.
    NotFound(Failure),
    /// Not a regular file, too large or unreadable: a usage error.
    Unreadable(Failure),
    /// Not UTF-8: a report with the diagnostic at the first invalid byte.
    NotUtf8(Box<Report>),
}

impl ReadError {
    /// Reports the problem the way a command without a report of its own does, and gives the
    /// exit code: a usage error, or 1 with the diagnostic for invalid UTF-8.
    pub(crate) fn report(self) -> u8 {
        match self {
            ReadError::NotFound(f) | ReadError::Unreadable(f) => f.report(),
            ReadError::NotUtf8(report) => {
                eprintln!("{}", crate::edit::render_errors(&report));
                crate::exit::FAILURE
            }
        }
    }
}

/// Reads the config at `path`, shown as `name` in messages.
pub(crate) fn read_config(path: &Path, name: &str) -> Result<String, ReadError> {
    let shown = crate::text::escape_line(name);
    let unreadable = |what: String| {
        ReadError::Unreadable(Failure::usage(
            "unreadable",
            format!("cannot read llm config {shown}: {what}"),
        ))
    };
    let file = match open_regular(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ReadError::NotFound(Failure::usage(
                "not-found",
                format!("cannot read llm config {shown}: {e}"),
            )));
        }
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let bytes = llmcfg_core::file::read_file(file).map_err(|e| match e {
        FileError::Directory | FileError::NotRegular => unreadable(
            "not a regular file (a config is a TOML file, not a directory, FIFO or device)".into(),
        ),
        other => unreadable(other.to_string()),
    })?;
    String::from_utf8(bytes)
        .map_err(|e| ReadError::NotUtf8(Box::new(llmcfg_core::file::not_utf8(name, &e))))
}

/// Opens `path` for reading without blocking on a FIFO.
#[cfg(unix)]
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(fd))
}

/// Opens `path` for reading after checking it is a regular file.
#[cfg(not(unix))]
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcfg_core::file::MAX_CONFIG_BYTES;

    #[test]
    fn invalid_utf8_is_a_diagnostic_at_its_line_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("latin1.toml");
        std::fs::write(&path, b"[llm]\n# caf\xe9\n").expect("write");
        let Err(ReadError::NotUtf8(report)) = read_config(&path, "latin1.toml") else {
            panic!("not UTF-8 must be a diagnostic");
        };
        let short = llmcfg_core::render::short(&report.source, &report.diagnostics[0]);
        assert!(
            short.starts_with("latin1.toml:2:6: error[toml-syntax]"),
            "{short}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_directories_and_fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        for path in [Path::new("/dev/zero"), dir.path(), fifo.as_path()] {
            if path == fifo && !made.as_ref().is_ok_and(|s| s.success()) {
                continue;
            }
            let err = read_config(path, "x.toml").expect_err("not a regular file");
            assert!(matches!(err, ReadError::Unreadable(_)), "{path:?}: {err:?}");
        }
    }

    #[test]
    fn files_over_the_cap_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.toml");
        let file = std::fs::File::create(&path).expect("create");
        file.set_len(MAX_CONFIG_BYTES + 1).expect("sparse file");
        let Err(ReadError::Unreadable(f)) = read_config(&path, "big.toml") else {
            panic!("over the cap");
        };
        assert!(f.message.contains("16 MiB"), "{}", f.message);
    }
}
