//! `kind = "file"`: a key read from a secret mount.

use std::io::Read;
use std::path::Path;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::{MAX_KEY_BYTES, SourceError};

/// Reads a key from a file: its content less one trailing newline (`\n` or `\r\n`). A file of
/// several lines or holding a control character is refused, as is anything but a regular file.
///
/// Symlinks are followed: Kubernetes secret mounts are symlinks into a `..data` directory.
pub fn read_key_file(path: &Path) -> Result<SecretString, SourceError> {
    read_key_file_stamped(path).map(|(key, _)| key)
}

/// What tells one version of a file from another without reading it: where it is (device and
/// inode: a Kubernetes symlink swap or an atomic `rename` gives a new one), when it was last
/// written or changed, and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FileStamp {
    dev: u64,
    ino: u64,
    modified: Option<std::time::SystemTime>,
    changed: (i64, i64),
    len: u64,
}

impl FileStamp {
    pub(super) fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let (dev, ino, changed) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino(), (meta.ctime(), meta.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (dev, ino, changed) = (0, 0, (0, 0));
        Self {
            dev,
            ino,
            modified: meta.modified().ok(),
            changed,
            len: meta.len(),
        }
    }
}

/// Why `path` cannot be looked at or read.
pub(super) fn io_error(path: &Path, e: &std::io::Error) -> SourceError {
    if e.kind() == std::io::ErrorKind::NotFound {
        SourceError::FileMissing {
            path: path.to_path_buf(),
        }
    } else {
        SourceError::FileUnreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }
}

/// [`read_key_file`], with the stamp of the version read (taken from the opened handle, so a
/// file replaced while it is read is seen as changed next time).
pub(super) fn read_key_file_stamped(path: &Path) -> Result<(SecretString, FileStamp), SourceError> {
    let unreadable = |e: std::io::Error| io_error(path, &e);
    let file = open(path).map_err(unreadable)?;
    // The metadata of the opened handle, so the file cannot be swapped after the check.
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(SourceError::FileUnreadable {
            path: path.to_path_buf(),
            reason: "it is a directory".to_owned(),
        });
    }
    if !meta.is_file() {
        return Err(SourceError::FileNotRegular {
            path: path.to_path_buf(),
        });
    }
    let too_large = || SourceError::FileTooLarge {
        path: path.to_path_buf(),
        max: MAX_KEY_BYTES,
    };
    if meta.len() > MAX_KEY_BYTES {
        return Err(too_large());
    }
    let mut buf = Zeroizing::new(Vec::with_capacity(
        usize::try_from(meta.len()).unwrap_or(0).saturating_add(1),
    ));
    file.take(MAX_KEY_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(unreadable)?;
    if buf.len() as u64 > MAX_KEY_BYTES {
        return Err(too_large());
    }
    let text = std::str::from_utf8(&buf).map_err(|_| SourceError::FileNotUtf8 {
        path: path.to_path_buf(),
    })?;
    let key = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    if key.is_empty() {
        return Err(SourceError::FileEmpty {
            path: path.to_path_buf(),
        });
    }
    if key.chars().any(char::is_control) {
        return Err(SourceError::FileNotAKey {
            path: path.to_path_buf(),
        });
    }
    Ok((SecretString::from(key), FileStamp::of(&meta)))
}

/// Opens without blocking: opening a FIFO for reading blocks until a writer appears unless
/// `O_NONBLOCK` is given. A regular file ignores the flag.
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, crate::sys::O_NONBLOCK);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn file_strips_one_newline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key");
        for (content, want) in [("sk-1\n", "sk-1"), ("sk-3", "sk-3"), ("sk-4\r\n", "sk-4")] {
            std::fs::write(&path, content).expect("write");
            assert_eq!(read_key_file(&path).expect("read").expose_secret(), want);
        }
    }

    /// Issue 11 item 7: more than the key is refused, never handed over as one key.
    #[test]
    fn several_lines_or_control_characters_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key");
        for content in [
            "sk-2\n\n",
            "sk-a\nsk-b\n",
            "-----BEGIN\nabc\n",
            "sk\x1b[2J",
            "sk\tx",
        ] {
            std::fs::write(&path, content).expect("write");
            let err = read_key_file(&path).expect_err(content);
            assert!(
                matches!(err, SourceError::FileNotAKey { .. }),
                "{content:?}: {err}"
            );
            assert!(!err.to_string().contains("sk-"), "{err}");
        }
    }

    #[test]
    fn file_errors_are_reasons() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing");
        assert!(
            matches!(read_key_file(&missing), Err(SourceError::FileMissing { path }) if path == missing)
        );
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").expect("write");
        assert!(matches!(
            read_key_file(&empty),
            Err(SourceError::FileEmpty { .. })
        ));
        assert!(matches!(
            read_key_file(dir.path()),
            Err(SourceError::FileUnreadable { .. })
        ));
        let binary = dir.path().join("bin");
        std::fs::write(&binary, [0xff, 0xfe]).expect("write");
        assert!(matches!(
            read_key_file(&binary),
            Err(SourceError::FileNotUtf8 { .. })
        ));
    }

    /// Issue 11 item 7: a FIFO is refused at once instead of blocking until a writer appears,
    /// and a device such as `/dev/zero` is not read until memory runs out.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        crate::sys::mkfifo(&fifo).expect("mkfifo");
        let err = read_key_file(&fifo).expect_err("a FIFO is no key file");
        assert!(matches!(err, SourceError::FileNotRegular { .. }), "{err}");
        let err = read_key_file(Path::new("/dev/zero")).expect_err("a device is no key file");
        assert!(matches!(err, SourceError::FileNotRegular { .. }), "{err}");
    }
}
