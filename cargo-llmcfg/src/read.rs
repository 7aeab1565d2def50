//! Reading a config file: only a regular file (a FIFO would block, `/dev/zero` never ends), at
//! most [`MAX_CONFIG_BYTES`], and UTF-8 — invalid UTF-8 is a diagnostic at its line and column,
//! like any syntax error.

use std::io::Read as _;
use std::path::Path;

use llmcfg_core::{Code, Diagnostic, Report, SourceFile};

use crate::failure::Failure;

/// The largest config file read: 16 MiB, far above any real config, so a wrong path cannot
/// exhaust memory.
pub(crate) const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

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
    let meta = file.metadata().map_err(|e| unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(unreadable(
            "not a regular file (a config is a TOML file, not a directory, FIFO or device)".into(),
        ));
    }
    let too_large = || unreadable(format!("larger than {MAX_CONFIG_BYTES} bytes (16 MiB)"));
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(e.to_string()))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(Box::new(not_utf8(name, &e))))
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

/// The report of a file that is not UTF-8: one `toml-syntax` error at the first invalid byte,
/// over the text decoded lossily (the valid prefix, and so the position, is unchanged).
fn not_utf8(name: &str, error: &std::string::FromUtf8Error) -> Report {
    let at = error.utf8_error().valid_up_to();
    let bad = error.utf8_error().error_len().unwrap_or(1);
    let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
    // The replacement character stands where the invalid bytes were.
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let diagnostic = Diagnostic::new(
        Code::TomlSyntax,
        at..end,
        format!("invalid TOML: the file is not UTF-8 ({bad} invalid byte(s) here)"),
    )
    .with_label("not UTF-8")
    .with_help("TOML files must be UTF-8: re-save the file as UTF-8");
    Report {
        source: SourceFile::new(name, text),
        config: Default::default(),
        diagnostics: vec![diagnostic],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
