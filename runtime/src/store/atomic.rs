//! The one atomic replace of a file, shared by the secret store and the CLI's config edits: a
//! temp file created next to the target with its final mode (and group), written, fsynced,
//! renamed over the target, then the directory fsynced so the rename survives a crash. A temp
//! file is removed on every failure after it was created.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The prefix of in-flight temp files; secret names and configs never start with it.
pub(crate) const TEMP_PREFIX: &str = ".tmp-";

/// What the replaced file should look like besides its bytes.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileMode {
    /// Permission bits (`None`: `0600`).
    pub mode: Option<u32>,
    /// Group id to give the file, when it can be (`None`: the creating process's group).
    pub gid: Option<u32>,
}

impl FileMode {
    /// The mode and group of the file at `path` now, so a replacement keeps them; the default
    /// when it does not exist.
    pub fn of_existing(path: &Path) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(meta) = std::fs::metadata(path) {
                return Self {
                    mode: Some(meta.mode() & 0o7777),
                    gid: Some(meta.gid()),
                };
            }
        }
        #[cfg(not(unix))]
        let _ = path;
        Self::default()
    }
}

/// A temp file name that no other writer in this or another process picks.
pub(crate) fn temp_name(suffix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{TEMP_PREFIX}{}-{nanos:x}-{n}{suffix}", std::process::id())
}

/// Replaces `path` with `bytes` atomically, keeping `mode`. Writes through a symlink to its
/// target rather than replacing the link.
#[doc(hidden)]
pub fn write_file_atomic(path: &Path, bytes: &[u8], mode: FileMode) -> io::Result<()> {
    let path: PathBuf = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the file name is not valid UTF-8",
        ));
    };
    imp::write_in(&dir, name, bytes, mode)
}

#[cfg(unix)]
pub(crate) use imp::write_at;

#[cfg(unix)]
mod imp {
    use std::fs::File;
    use std::io::{self, Write as _};
    use std::os::fd::{AsFd, BorrowedFd};
    use std::os::unix::fs::PermissionsExt as _;
    use std::path::Path;

    use super::{FileMode, temp_name};
    use crate::sys;

    pub(super) fn write_in(dir: &Path, name: &str, bytes: &[u8], mode: FileMode) -> io::Result<()> {
        let dirfd = sys::open_dir(dir)?;
        write_at(dirfd.as_fd(), name, bytes, mode)
    }

    /// [`super::write_file_atomic`] inside the directory `dirfd`: every step goes through the
    /// handle, so the directory cannot be swapped between the checks and the rename.
    pub(crate) fn write_at(
        dirfd: BorrowedFd<'_>,
        name: &str,
        bytes: &[u8],
        mode: FileMode,
    ) -> io::Result<()> {
        let (tmp_name, file) = create_temp(dirfd, mode)?;
        let written = fill(file, bytes, mode).and_then(|()| sys::renameat(dirfd, &tmp_name, name));
        if let Err(e) = written {
            let _ = sys::unlinkat(dirfd, &tmp_name);
            return Err(e);
        }
        sys::fsync(dirfd)
    }

    fn create_temp(dirfd: BorrowedFd<'_>, mode: FileMode) -> io::Result<(String, File)> {
        let bits = mode.mode.unwrap_or(0o600) & 0o777;
        let flags = sys::O_CREAT | sys::O_EXCL | sys::O_WRONLY | sys::O_NOFOLLOW;
        loop {
            let tmp_name = temp_name(".tmp");
            match sys::openat(dirfd, &tmp_name, flags, bits) {
                Ok(file) => return Ok((tmp_name, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn fill(mut file: File, bytes: &[u8], mode: FileMode) -> io::Result<()> {
        if let Some(gid) = mode.gid {
            // Keeping the group is best effort: a user outside the group cannot give it.
            let _ = std::os::unix::fs::fchown(&file, None, Some(gid));
        }
        // The umask narrowed the creation mode; set it exactly before any byte lands.
        let bits = mode.mode.unwrap_or(0o600);
        file.set_permissions(std::fs::Permissions::from_mode(bits))?;
        file.write_all(bytes)?;
        file.sync_all()
    }
}

#[cfg(not(unix))]
mod imp {
    use std::io::{self, Write as _};
    use std::path::Path;

    use super::{FileMode, TEMP_PREFIX};

    pub(super) fn write_in(
        dir: &Path,
        name: &str,
        bytes: &[u8],
        _mode: FileMode,
    ) -> io::Result<()> {
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(".tmp")
            .tempfile_in(dir)?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(dir.join(name)).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    #[test]
    fn replaces_keeping_mode_and_leaving_no_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("llm.toml");
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o604)).expect("chmod");
        let mode = FileMode::of_existing(&path);
        write_file_atomic(&path, b"new", mode).expect("replace");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        let meta = std::fs::metadata(&path).expect("meta");
        assert_eq!(meta.mode() & 0o7777, 0o604);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["llm.toml"]);
    }

    #[test]
    fn a_failed_rename_removes_its_temp_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The target is a non-empty directory: the rename fails after the temp file exists.
        std::fs::create_dir_all(dir.path().join("target/inside")).expect("mkdir");
        let err = write_file_atomic(&dir.path().join("target"), b"x", FileMode::default());
        assert!(err.is_err());
        let temps = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
            .count();
        assert_eq!(temps, 0);
    }
}
