//! File-system primitives of the store: ownership and mode checks, the advisory lock, no-follow
//! reads and atomic writes (temp file with final mode, fsync, rename, fsync of the directory).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::{StoreError, Visibility};

/// The largest secret file the store reads.
const MAX_SECRET_FILE: u64 = 1 << 20;
/// The prefix of in-flight temp files; secret names never start with `.`.
const TEMP_PREFIX: &str = ".tmp-";
/// The advisory lock file serialising writers.
const LOCK_FILE: &str = ".lock";

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io {
        action,
        path,
        source,
    }
}

/// `path` quoted for a POSIX shell when it needs to be.
fn shell_quote(path: &Path) -> String {
    let s = path.to_string_lossy();
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:,@".contains(&b))
    {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn insecure(path: &Path, problem: String, fix: String) -> StoreError {
    StoreError::Insecure {
        path: path.to_path_buf(),
        problem,
        fix,
    }
}

/// The exclusive advisory lock on the store; released when dropped (the file is closed).
#[derive(Debug)]
pub(super) struct StoreLock {
    _file: File,
}

/// Takes the store's exclusive write lock, waiting for other writers.
pub(super) fn lock_store(dir: &Path) -> Result<StoreLock, StoreError> {
    let path = dir.join(LOCK_FILE);
    let file = open_lock_file(&path).map_err(io_err("open the lock file", &path))?;
    fs4::FileExt::lock(&file).map_err(io_err("lock", &path))?;
    Ok(StoreLock { _file: file })
}

/// Removes temp files left by writers that died mid-write. Call with the lock held: every
/// writer holds it while its temp file exists, so any temp file seen now is stale.
pub(super) fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Replaces `path` with `bytes` atomically: a temp file in `dir` created with `mode`, written,
/// fsynced, renamed over `path`, then `dir` fsynced.
pub(super) fn write_atomic(
    dir: &Path,
    path: &Path,
    bytes: &[u8],
    mode: u32,
) -> Result<(), StoreError> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(".json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(io_err("create a temporary file in", dir))?;
    #[cfg(unix)]
    {
        // The umask may have narrowed the creation mode; set it exactly before any byte lands.
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io_err("set permissions of", tmp.path()))?;
    }
    let tmp_path: PathBuf = tmp.path().to_path_buf();
    tmp.write_all(bytes).map_err(io_err("write", &tmp_path))?;
    tmp.as_file()
        .sync_all()
        .map_err(io_err("sync", &tmp_path))?;
    tmp.persist(path).map_err(|e| StoreError::Io {
        action: "replace",
        path: path.to_path_buf(),
        source: e.error,
    })?;
    sync_dir(dir)
}

/// Fsyncs a directory so a rename or unlink in it is durable.
pub(super) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        let handle = File::open(dir).map_err(io_err("open", dir))?;
        handle.sync_all().map_err(io_err("sync", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates the store directory with mode `0700` (its parents with the default mode).
pub(super) fn create_dir(dir: &Path) -> Result<(), StoreError> {
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io_err("create directory", parent))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Ok(()) => {}
        // Another process created it first; it is checked like any existing store.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(source) => {
            return Err(StoreError::Io {
                action: "create directory",
                path: dir.to_path_buf(),
                source,
            });
        }
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        // Durability of the new entry; failure here does not undo the directory.
        let _ = sync_dir(parent);
    }
    Ok(())
}

#[cfg(unix)]
mod imp {
    use std::fs::{File, Metadata};
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    use rustix::fs::{Mode, OFlags};
    use rustix::io::Errno;

    use super::{StoreError, insecure, shell_quote};

    pub(super) fn current_uid() -> u32 {
        rustix::process::getuid().as_raw()
    }

    pub(super) fn open_lock_file(path: &Path) -> std::io::Result<File> {
        let fd = rustix::fs::open(
            path,
            OFlags::CREATE | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )?;
        Ok(File::from(fd))
    }

    /// Opens a secret file without following a symlink and without blocking on a FIFO.
    /// `Ok(None)` when it does not exist.
    pub(super) fn open_no_follow(path: &Path) -> Result<Option<File>, StoreError> {
        match rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => Ok(Some(File::from(fd))),
            Err(Errno::NOENT) => Ok(None),
            Err(errno) => {
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    Err(StoreError::NotAFile {
                        path: path.to_path_buf(),
                    })
                } else {
                    Err(StoreError::Io {
                        action: "open",
                        path: path.to_path_buf(),
                        source: errno.into(),
                    })
                }
            }
        }
    }

    fn check_owner(path: &Path, meta: &Metadata) -> Result<(), StoreError> {
        let me = current_uid();
        if meta.uid() != me {
            return Err(insecure(
                path,
                format!(
                    "it is owned by uid {}, not by you (uid {me}), so someone else controls it",
                    meta.uid()
                ),
                format!("chown {me} {}", shell_quote(path)),
            ));
        }
        Ok(())
    }

    pub(in crate::store) fn check_dir(dir: &Path, meta: &Metadata) -> Result<(), StoreError> {
        if !meta.is_dir() {
            return Err(StoreError::Io {
                action: "use as the store directory",
                path: dir.to_path_buf(),
                source: std::io::Error::other("not a directory"),
            });
        }
        check_owner(dir, meta)?;
        let mode = meta.mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(insecure(
                dir,
                format!(
                    "the secret store directory is writable by group or others (mode {mode:04o})"
                ),
                format!("chmod 700 {}", shell_quote(dir)),
            ));
        }
        Ok(())
    }

    /// Owner and mode checks that hold for every secret file, before its content is read.
    pub(super) fn check_file(path: &Path, meta: &Metadata) -> Result<u32, StoreError> {
        check_owner(path, meta)?;
        let mode = meta.mode() & 0o7777;
        if mode & 0o7027 != 0 {
            return Err(insecure(
                path,
                format!(
                    "the secret file is writable by group or accessible by others (mode {mode:04o}); \
                     secrets are 0600 (private) or 0640 (public)"
                ),
                format!("chmod 600 {}", shell_quote(path)),
            ));
        }
        Ok(mode)
    }
}

#[cfg(not(unix))]
mod imp {
    use std::fs::{File, Metadata};
    use std::path::Path;

    use super::StoreError;

    pub(super) fn open_lock_file(path: &Path) -> std::io::Result<File> {
        std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(false)
            .open(path)
    }

    pub(super) fn open_no_follow(path: &Path) -> Result<Option<File>, StoreError> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if !m.is_file() => {
                return Err(StoreError::NotAFile {
                    path: path.to_path_buf(),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StoreError::Io {
                    action: "open",
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
        match File::open(path) {
            Ok(f) => Ok(Some(f)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Io {
                action: "open",
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    pub(in crate::store) fn check_dir(dir: &Path, meta: &Metadata) -> Result<(), StoreError> {
        if !meta.is_dir() {
            return Err(StoreError::Io {
                action: "use as the store directory",
                path: dir.to_path_buf(),
                source: std::io::Error::other("not a directory"),
            });
        }
        Ok(())
    }

    pub(super) fn check_file(_path: &Path, _meta: &Metadata) -> Result<u32, StoreError> {
        Ok(0o600)
    }
}

pub(super) use imp::check_dir;
use imp::{check_file, open_lock_file, open_no_follow};

/// The bytes of a secret file (zeroized on drop) and its permission bits.
pub(super) struct RawSecretFile {
    pub(super) bytes: Zeroizing<Vec<u8>>,
    pub(super) mode: u32,
}

/// Reads a secret file after checking it is a regular file owned by the current user that no
/// one else can write; `Ok(None)`
/// when it does not exist.
pub(super) fn read_secret_file(path: &Path) -> Result<Option<RawSecretFile>, StoreError> {
    let Some(file) = open_no_follow(path)? else {
        return Ok(None);
    };
    let meta = file.metadata().map_err(io_err("inspect", path))?;
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    let mode = check_file(path, &meta)?;
    if meta.len() > MAX_SECRET_FILE {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("it is larger than {MAX_SECRET_FILE} bytes"),
        });
    }
    let capacity = usize::try_from(meta.len()).unwrap_or(0).saturating_add(1);
    let mut buf = Zeroizing::new(Vec::with_capacity(capacity));
    file.take(MAX_SECRET_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(io_err("read", path))?;
    Ok(Some(RawSecretFile { bytes: buf, mode }))
}

/// Checks the file mode against the visibility recorded inside the file.
pub(super) fn check_visibility(
    path: &Path,
    mode: u32,
    visibility: Visibility,
) -> Result<(), StoreError> {
    if cfg!(unix) && visibility == Visibility::Private && mode & 0o070 != 0 {
        return Err(insecure(
            path,
            format!("the private secret is readable by group (mode {mode:04o})"),
            format!("chmod 600 {}", shell_quote(path)),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(
            shell_quote(Path::new("/home/a/.config/llmcfg/secrets")),
            "/home/a/.config/llmcfg/secrets"
        );
        assert_eq!(shell_quote(Path::new("/tmp/a b")), "'/tmp/a b'");
        assert_eq!(shell_quote(Path::new("/tmp/it's")), r"'/tmp/it'\''s'");
    }
}
