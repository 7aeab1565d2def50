//! The store directory as one open handle: it is opened and checked once per operation, and
//! every read, write, rename, unlink, listing and lock goes through that handle (`openat`
//! style), so the directory cannot be swapped for another between the check and the use.

use std::path::Path;
use std::time::{Duration, Instant};

use super::StoreError;
use super::atomic::TEMP_PREFIX;
use super::fsx::{self, io_err};

/// The advisory lock file serialising writers.
pub(super) const LOCK_FILE: &str = ".lock";

/// Called once when a writer has waited for the lock for a while: the lock file and how long
/// the writer will wait in all.
pub type LockNotice = fn(lock: &Path, timeout: Duration);

/// How long to wait for the lock, and whom to tell.
#[derive(Debug, Clone, Copy)]
pub(super) struct LockWait {
    pub(super) timeout: Duration,
    pub(super) notice: Option<LockNotice>,
}

/// The exclusive advisory lock on the store; released when dropped (the file is closed).
#[derive(Debug)]
pub(super) struct StoreLock {
    _file: std::fs::File,
}

/// One non-blocking attempt at the exclusive lock on `file`; `Ok(false)` while a writer holds
/// it (or a signal interrupted the attempt: the caller tries again).
fn try_lock_file(file: &std::fs::File, path: &Path) -> Result<bool, StoreError> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            Ok(false)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io_err("lock", path)(e)),
    }
}

/// Waits for `try_once` to take the lock: silent at first (writers briefly contend all the
/// time), then says so once, and gives up at the timeout.
fn wait_for_lock(
    lock: &Path,
    wait: LockWait,
    mut try_once: impl FnMut() -> Result<bool, StoreError>,
) -> Result<(), StoreError> {
    let start = Instant::now();
    let grace = (wait.timeout / 2).min(Duration::from_millis(250));
    let mut announced = false;
    let mut pause = Duration::from_millis(1);
    loop {
        if try_once()? {
            return Ok(());
        }
        let waited = start.elapsed();
        if waited >= wait.timeout {
            return Err(StoreError::Locked {
                path: lock.to_path_buf(),
                waited: wait.timeout,
            });
        }
        if !announced
            && waited >= grace
            && let Some(notice) = wait.notice
        {
            notice(lock, wait.timeout);
            announced = true;
        }
        std::thread::sleep(pause.min(wait.timeout - waited));
        pause = (pause * 2).min(Duration::from_millis(25));
    }
}

#[cfg(unix)]
pub(super) use imp::StoreDir;

#[cfg(unix)]
mod imp {
    use std::fs::File;
    use std::io::{ErrorKind, Read as _};
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt as _;
    use std::path::{Path, PathBuf};

    use zeroize::Zeroizing;

    use crate::sys;

    use super::super::atomic::{FileMode, write_at};
    use super::super::fsx::{self, MAX_SECRET_FILE, RawSecretFile, io_err};
    use super::super::{StoreError, StoreWarning};
    use super::{LOCK_FILE, LockWait, StoreLock, try_lock_file, wait_for_lock};

    /// An open, checked store directory.
    #[derive(Debug)]
    pub(in crate::store) struct StoreDir {
        path: PathBuf,
        dir: File,
    }

    impl StoreDir {
        /// Opens and checks the directory at `path`; `Ok(None)` when it does not exist.
        pub(in crate::store) fn open(path: &Path) -> Result<Option<Self>, StoreError> {
            let dir = match sys::open_dir(path) {
                Ok(dir) => dir,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) if e.kind() == ErrorKind::NotADirectory => {
                    return Err(fsx::not_a_directory(path));
                }
                Err(e) => return Err(io_err("open", path)(e)),
            };
            let meta = dir.metadata().map_err(io_err("inspect", path))?;
            fsx::check_dir(path, meta.uid(), meta.mode())?;
            Ok(Some(Self {
                path: path.to_path_buf(),
                dir,
            }))
        }

        /// The file `name` in the directory, for messages.
        pub(in crate::store) fn file_path(&self, name: &str) -> PathBuf {
            self.path.join(name)
        }

        /// Reads file `name` without following a symlink or blocking on a FIFO, after checking
        /// it is a regular file of ours that no one else can write; `Ok(None)` when missing.
        pub(in crate::store) fn read(
            &self,
            name: &str,
        ) -> Result<Option<RawSecretFile>, StoreError> {
            let path = self.file_path(name);
            let flags = sys::O_RDONLY | sys::O_NOFOLLOW | sys::O_NONBLOCK;
            let file = match sys::openat(self.dir.as_fd(), name, flags, 0) {
                Ok(file) => file,
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
                Err(e) if sys::is_errno(&e, sys::ELOOP) => {
                    return Err(StoreError::NotAFile { path });
                }
                Err(e) => return Err(io_err("open", &path)(e)),
            };
            let meta = file.metadata().map_err(io_err("inspect", &path))?;
            if !meta.file_type().is_file() {
                return Err(StoreError::NotAFile { path });
            }
            let mode = fsx::check_file(&path, meta.uid(), meta.mode())?;
            let size = meta.len();
            if size > MAX_SECRET_FILE {
                return Err(fsx::too_large(&path));
            }
            let capacity = usize::try_from(size).unwrap_or(0).saturating_add(1);
            let mut bytes = Zeroizing::new(Vec::with_capacity(capacity));
            file.take(MAX_SECRET_FILE + 1)
                .read_to_end(&mut bytes)
                .map_err(io_err("read", &path))?;
            if bytes.len() as u64 > MAX_SECRET_FILE {
                return Err(fsx::too_large(&path));
            }
            Ok(Some(RawSecretFile { bytes, mode }))
        }

        /// Replaces file `name` with `bytes` atomically, with permission bits `mode`.
        pub(in crate::store) fn write(
            &self,
            name: &str,
            bytes: &[u8],
            mode: u32,
        ) -> Result<(), StoreError> {
            let file_mode = FileMode {
                mode: Some(mode),
                gid: None,
            };
            write_at(self.dir.as_fd(), name, bytes, file_mode).map_err(|source| StoreError::Io {
                action: "replace",
                path: self.file_path(name),
                source,
            })
        }

        /// Unlinks file `name` and syncs the directory; `Ok(false)` when it did not exist.
        pub(in crate::store) fn remove(&self, name: &str) -> Result<bool, StoreError> {
            match sys::unlinkat(self.dir.as_fd(), name) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
                Err(e) => return Err(io_err("delete", &self.file_path(name))(e)),
            }
            self.sync()?;
            Ok(true)
        }

        fn sync(&self) -> Result<(), StoreError> {
            sys::fsync(self.dir.as_fd()).map_err(io_err("sync", &self.path))
        }

        /// The UTF-8 names of the directory's entries (unsorted). Listed by path (std reads no
        /// directory from a handle): a name is only a name, each is then opened through the
        /// checked handle, so one listed from a directory swapped in is read from ours or not at
        /// all.
        pub(in crate::store) fn entries(&self) -> Result<Vec<String>, StoreError> {
            let io = |e| io_err("list", &self.path)(e);
            let mut names = Vec::new();
            for entry in std::fs::read_dir(&self.path).map_err(io)? {
                if let Ok(name) = entry.map_err(io)?.file_name().into_string() {
                    names.push(name);
                }
            }
            Ok(names)
        }

        fn open_lock_file(&self) -> Result<File, StoreError> {
            let flags = sys::O_CREAT | sys::O_RDWR | sys::O_NOFOLLOW;
            sys::openat(self.dir.as_fd(), LOCK_FILE, flags, 0o600)
                .map_err(io_err("open the lock file", &self.file_path(LOCK_FILE)))
        }

        /// Takes the store's exclusive write lock, waiting at most `wait.timeout`.
        pub(in crate::store) fn lock(&self, wait: LockWait) -> Result<StoreLock, StoreError> {
            let file = self.open_lock_file()?;
            let lock_path = self.file_path(LOCK_FILE);
            wait_for_lock(&lock_path, wait, || try_lock_file(&file, &lock_path))?;
            Ok(StoreLock { _file: file })
        }

        /// The lock if no one holds it now; `None` when a writer does.
        pub(in crate::store) fn try_lock(&self) -> Result<Option<StoreLock>, StoreError> {
            let file = self.open_lock_file()?;
            let locked = try_lock_file(&file, &self.file_path(LOCK_FILE))?;
            Ok(locked.then_some(StoreLock { _file: file }))
        }

        pub(in crate::store) fn unlink_quietly(&self, name: &str) {
            let _ = sys::unlinkat(self.dir.as_fd(), name);
        }

        /// A warning when the parent directory lets others replace the store itself.
        pub(in crate::store) fn parent_warning(&self) -> Option<StoreWarning> {
            let parent = self.path.parent().filter(|p| !p.as_os_str().is_empty())?;
            let meta = std::fs::metadata(parent).ok()?;
            fsx::parent_warning(parent, meta.mode())
        }
    }
}

#[cfg(not(unix))]
pub(super) use fallback::StoreDir;

/// Path-based operations where there is no `openat`: the same checks, without the guarantee
/// that the directory is not swapped between them.
#[cfg(not(unix))]
mod fallback {
    use std::io::Read as _;
    use std::path::{Path, PathBuf};

    use zeroize::Zeroizing;

    use super::super::atomic::{FileMode, write_file_atomic};
    use super::super::fsx::{self, MAX_SECRET_FILE, RawSecretFile, io_err};
    use super::super::{StoreError, StoreWarning};
    use super::{LOCK_FILE, LockWait, StoreLock, try_lock_file, wait_for_lock};

    #[derive(Debug)]
    pub(in crate::store) struct StoreDir {
        path: PathBuf,
    }

    impl StoreDir {
        pub(in crate::store) fn open(path: &Path) -> Result<Option<Self>, StoreError> {
            match std::fs::metadata(path) {
                Ok(m) if m.is_dir() => Ok(Some(Self {
                    path: path.to_path_buf(),
                })),
                Ok(_) => Err(fsx::not_a_directory(path)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(io_err("inspect", path)(e)),
            }
        }
        pub(in crate::store) fn file_path(&self, name: &str) -> PathBuf {
            self.path.join(name)
        }
        pub(in crate::store) fn read(
            &self,
            name: &str,
        ) -> Result<Option<RawSecretFile>, StoreError> {
            let path = self.file_path(name);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if !m.is_file() => return Err(StoreError::NotAFile { path }),
                Ok(m) if m.len() > MAX_SECRET_FILE => return Err(fsx::too_large(&path)),
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io_err("open", &path)(e)),
            }
            let mut bytes = Zeroizing::new(Vec::new());
            std::fs::File::open(&path)
                .and_then(|f| f.take(MAX_SECRET_FILE + 1).read_to_end(&mut bytes))
                .map_err(io_err("read", &path))?;
            Ok(Some(RawSecretFile { bytes, mode: 0o600 }))
        }
        pub(in crate::store) fn write(
            &self,
            name: &str,
            bytes: &[u8],
            mode: u32,
        ) -> Result<(), StoreError> {
            let path = self.file_path(name);
            let mode = FileMode {
                mode: Some(mode),
                gid: None,
            };
            write_file_atomic(&path, bytes, mode).map_err(io_err("replace", &path))
        }
        pub(in crate::store) fn remove(&self, name: &str) -> Result<bool, StoreError> {
            let path = self.file_path(name);
            match std::fs::remove_file(&path) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                Err(e) => Err(io_err("delete", &path)(e)),
            }
        }
        pub(in crate::store) fn entries(&self) -> Result<Vec<String>, StoreError> {
            let io = io_err("list", &self.path);
            let mut names = Vec::new();
            for entry in std::fs::read_dir(&self.path).map_err(io)? {
                let entry = entry.map_err(io_err("list", &self.path))?;
                if let Some(name) = entry.file_name().to_str() {
                    names.push(name.to_owned());
                }
            }
            Ok(names)
        }
        fn open_lock_file(&self) -> Result<std::fs::File, StoreError> {
            let path = self.file_path(LOCK_FILE);
            std::fs::OpenOptions::new()
                .create(true)
                .read(true)
                .write(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err("open the lock file", &path))
        }
        pub(in crate::store) fn lock(&self, wait: LockWait) -> Result<StoreLock, StoreError> {
            let file = self.open_lock_file()?;
            let path = self.file_path(LOCK_FILE);
            wait_for_lock(&path, wait, || try_lock_file(&file, &path))?;
            Ok(StoreLock { _file: file })
        }
        pub(in crate::store) fn try_lock(&self) -> Result<Option<StoreLock>, StoreError> {
            let file = self.open_lock_file()?;
            let taken = try_lock_file(&file, &self.file_path(LOCK_FILE))?;
            Ok(taken.then_some(StoreLock { _file: file }))
        }
        pub(in crate::store) fn unlink_quietly(&self, name: &str) {
            let _ = std::fs::remove_file(self.file_path(name));
        }
        pub(in crate::store) fn parent_warning(&self) -> Option<StoreWarning> {
            None
        }
    }
}

impl StoreDir {
    /// Removes temp files left by writers that died mid-write (each holds the value it was
    /// writing). Call with the lock held: every writer holds it while its temp file exists,
    /// so any temp file seen now is stale.
    pub(super) fn clear_stale_temps(&self, _held: &StoreLock) {
        let Ok(names) = self.entries() else {
            return;
        };
        for name in names.iter().filter(|n| n.starts_with(TEMP_PREFIX)) {
            self.unlink_quietly(name);
        }
    }

    /// [`StoreDir::clear_stale_temps`] for readers, which take no lock: only when no writer
    /// holds it now (a live writer's temp file must stay).
    pub(super) fn clear_stale_temps_if_idle(&self) {
        if let Ok(Some(lock)) = self.try_lock() {
            self.clear_stale_temps(&lock);
        }
    }

    /// Creates the store directory at `path` (mode `0700`, parents with the default mode) and
    /// opens it.
    pub(super) fn create(path: &Path) -> Result<Self, StoreError> {
        fsx::create_dir(path)?;
        Self::open(path)?
            .ok_or_else(|| io_err("create directory", path)(std::io::ErrorKind::NotFound.into()))
    }
}
