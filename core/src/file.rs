//! Reading a config file from disk, the same way for the macro, the CLI and `Config::load`: a
//! regular file only (a FIFO would block, `/dev/zero` never ends), at most
//! [`MAX_CONFIG_BYTES`], and UTF-8 — invalid UTF-8 is a `toml-syntax` diagnostic at its line
//! and column, like any syntax error.

use std::fs::File;
use std::io::Read as _;
use std::path::Path;

use crate::{Code, Diagnostic, Report, SourceFile};

/// The largest config file read: 16 MiB, far above any real config, so a wrong path cannot
/// exhaust memory.
pub const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Why a config file's bytes could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum FileError {
    /// A directory.
    Directory,
    /// A FIFO, socket or device.
    NotRegular,
    /// Over [`MAX_CONFIG_BYTES`].
    TooLarge,
    /// What the OS said (not found, no permission, …).
    Io(std::io::Error),
}

// By hand rather than thiserror's derive: no syn in users' builds (issue 12).
impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileError::Directory => f.write_str("a directory, not a config file"),
            FileError::NotRegular => f.write_str("not a regular file (a FIFO, socket or device)"),
            FileError::TooLarge => write!(f, "larger than {MAX_CONFIG_BYTES} bytes (16 MiB)"),
            FileError::Io(e) => std::fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent: the OS error stands in for this one, with its own source.
            FileError::Io(e) => e.source(),
            FileError::Directory | FileError::NotRegular | FileError::TooLarge => None,
        }
    }
}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::Io(e)
    }
}

impl FileError {
    /// Whether the file does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// Opens `path` after checking that it is a regular file: opening a FIFO would block until a
/// writer appears. [`read_file`] checks the opened handle again, in case the path was swapped.
pub fn open(path: &Path) -> Result<File, FileError> {
    check(&std::fs::metadata(path)?)?;
    Ok(File::open(path)?)
}

/// A regular file of at most [`MAX_CONFIG_BYTES`], by its metadata.
fn check(meta: &std::fs::Metadata) -> Result<(), FileError> {
    if meta.is_dir() {
        return Err(FileError::Directory);
    }
    if !meta.is_file() {
        return Err(FileError::NotRegular);
    }
    if meta.len() > MAX_CONFIG_BYTES {
        return Err(FileError::TooLarge);
    }
    Ok(())
}

/// The bytes of an opened config file: a regular file of at most [`MAX_CONFIG_BYTES`], read
/// with that cap whatever its metadata says (a file growing while it is read).
pub fn read_file(file: File) -> Result<Vec<u8>, FileError> {
    let meta = file.metadata()?;
    check(&meta)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(FileError::TooLarge);
    }
    Ok(bytes)
}

/// [`open`] then [`read_file`].
pub fn read(path: &Path) -> Result<Vec<u8>, FileError> {
    read_file(open(path)?)
}

/// The report of a file that is not UTF-8, named `name`: one `toml-syntax` error at the first
/// invalid byte, over the text decoded lossily (the valid prefix, and so the position, is
/// unchanged).
pub fn not_utf8(name: &str, error: &std::string::FromUtf8Error) -> Report {
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

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("llmcfg-core-file-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir.join(name)
    }

    #[test]
    fn a_regular_file_is_read_and_invalid_utf8_is_located() {
        let path = temp("latin1.toml");
        std::fs::write(&path, b"[llm]\n# caf\xe9\n").expect("write");
        let bytes = read(&path).expect("read");
        let error = String::from_utf8(bytes).expect_err("latin-1");
        let report = not_utf8("latin1.toml", &error);
        let short = crate::render::short(&report.source, &report.diagnostics[0]);
        assert!(
            short.starts_with("latin1.toml:2:6: error[toml-syntax]"),
            "{short}"
        );
    }

    #[test]
    fn directories_devices_and_large_files_are_refused() {
        assert!(matches!(
            read(&std::env::temp_dir()),
            Err(FileError::Directory)
        ));
        #[cfg(unix)]
        assert!(matches!(
            read(Path::new("/dev/zero")),
            Err(FileError::NotRegular)
        ));
        let big = temp("big.toml");
        let file = File::create(&big).expect("create");
        file.set_len(MAX_CONFIG_BYTES + 1).expect("sparse file");
        assert!(matches!(read(&big), Err(FileError::TooLarge)));
        let opened = File::open(&big).expect("open");
        assert!(matches!(read_file(opened), Err(FileError::TooLarge)));
        assert!(read(&temp("missing.toml")).is_err_and(|e| e.is_not_found()));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let fifo = temp("fifo.toml");
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", fifo.display());
        assert!(matches!(read(&fifo), Err(FileError::NotRegular)));
    }
}
