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
    use std::io::Read as _;
    use std::os::fd::{AsFd, OwnedFd};
    use std::path::{Path, PathBuf};

    use rustix::fs::{AtFlags, FlockOperation, Mode, OFlags};
    use rustix::io::Errno;
    use zeroize::Zeroizing;

    use super::super::atomic::{FileMode, write_at};
    use super::super::fsx::{self, MAX_SECRET_FILE, RawSecretFile, io_err};
    use super::super::{StoreError, StoreWarning};
    use super::{LOCK_FILE, LockWait, StoreLock, wait_for_lock};

    /// An open, checked store directory.
    #[derive(Debug)]
    pub(in crate::store) struct StoreDir {
        path: PathBuf,
        fd: OwnedFd,
    }

    impl StoreDir {
        /// Opens and checks the directory at `path`; `Ok(None)` when it does not exist.
        pub(in crate::store) fn open(path: &Path) -> Result<Option<Self>, StoreError> {
            let fd = match rustix::fs::open(
                path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            ) {
                Ok(fd) => fd,
                Err(Errno::NOENT) => return Ok(None),
                Err(Errno::NOTDIR) => return Err(fsx::not_a_directory(path)),
                Err(e) => return Err(io_err("open", path)(e.into())),
            };
            let stat = rustix::fs::fstat(&fd).map_err(|e| io_err("inspect", path)(e.into()))?;
            fsx::check_dir(path, stat.st_uid, stat.st_mode)?;
            Ok(Some(Self {
                path: path.to_path_buf(),
                fd,
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
            let fd = match rustix::fs::openat(
                &self.fd,
                name,
                OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
                Mode::empty(),
            ) {
                Ok(fd) => fd,
                Err(Errno::NOENT) => return Ok(None),
                Err(Errno::LOOP) => return Err(StoreError::NotAFile { path }),
                Err(e) => return Err(io_err("open", &path)(e.into())),
            };
            let stat = rustix::fs::fstat(&fd).map_err(|e| io_err("inspect", &path)(e.into()))?;
            if rustix::fs::FileType::from_raw_mode(stat.st_mode)
                != rustix::fs::FileType::RegularFile
            {
                return Err(StoreError::NotAFile { path });
            }
            let mode = fsx::check_file(&path, stat.st_uid, stat.st_mode)?;
            let size = u64::try_from(stat.st_size).unwrap_or(u64::MAX);
            if size > MAX_SECRET_FILE {
                return Err(fsx::too_large(&path));
            }
            let capacity = usize::try_from(size).unwrap_or(0).saturating_add(1);
            let mut bytes = Zeroizing::new(Vec::with_capacity(capacity));
            std::fs::File::from(fd)
                .take(MAX_SECRET_FILE + 1)
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
            write_at(self.fd.as_fd(), name, bytes, file_mode).map_err(|source| StoreError::Io {
                action: "replace",
                path: self.file_path(name),
                source,
            })
        }

        /// Unlinks file `name` and syncs the directory; `Ok(false)` when it did not exist.
        pub(in crate::store) fn remove(&self, name: &str) -> Result<bool, StoreError> {
            match rustix::fs::unlinkat(&self.fd, name, AtFlags::empty()) {
                Ok(()) => {}
                Err(Errno::NOENT) => return Ok(false),
                Err(e) => return Err(io_err("delete", &self.file_path(name))(e.into())),
            }
            self.sync()?;
            Ok(true)
        }

        fn sync(&self) -> Result<(), StoreError> {
            rustix::fs::fsync(&self.fd).map_err(|e| io_err("sync", &self.path)(e.into()))
        }

        /// The UTF-8 names of the directory's entries (unsorted).
        pub(in crate::store) fn entries(&self) -> Result<Vec<String>, StoreError> {
            let io = |e: Errno| io_err("list", &self.path)(e.into());
            let dir = rustix::fs::Dir::read_from(&self.fd).map_err(io)?;
            let mut names = Vec::new();
            for entry in dir {
                let entry = entry.map_err(io)?;
                if let Ok(name) = entry.file_name().to_str()
                    && name != "."
                    && name != ".."
                {
                    names.push(name.to_owned());
                }
            }
            Ok(names)
        }

        fn open_lock_file(&self) -> Result<std::fs::File, StoreError> {
            rustix::fs::openat(
                &self.fd,
                LOCK_FILE,
                OFlags::CREATE | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::from_raw_mode(0o600),
            )
            .map(std::fs::File::from)
            .map_err(|e| io_err("open the lock file", &self.file_path(LOCK_FILE))(e.into()))
        }

        /// Takes the store's exclusive write lock, waiting at most `wait.timeout`.
        pub(in crate::store) fn lock(&self, wait: LockWait) -> Result<StoreLock, StoreError> {
            let file = self.open_lock_file()?;
            let lock_path = self.file_path(LOCK_FILE);
            wait_for_lock(&lock_path, wait, || {
                match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
                    Ok(()) => Ok(true),
                    Err(Errno::WOULDBLOCK | Errno::INTR) => Ok(false),
                    Err(e) => Err(io_err("lock", &lock_path)(e.into())),
                }
            })?;
            Ok(StoreLock { _file: file })
        }

        /// The lock if no one holds it now; `None` when a writer does.
        pub(in crate::store) fn try_lock(&self) -> Result<Option<StoreLock>, StoreError> {
            let file = self.open_lock_file()?;
            match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => Ok(Some(StoreLock { _file: file })),
                Err(Errno::WOULDBLOCK | Errno::INTR) => Ok(None),
                Err(e) => Err(io_err("lock", &self.file_path(LOCK_FILE))(e.into())),
            }
        }

        pub(in crate::store) fn unlink_quietly(&self, name: &str) {
            let _ = rustix::fs::unlinkat(&self.fd, name, AtFlags::empty());
        }

        /// A warning when the parent directory lets others replace the store itself.
        pub(in crate::store) fn parent_warning(&self) -> Option<StoreWarning> {
            let parent = self.path.parent().filter(|p| !p.as_os_str().is_empty())?;
            let stat = rustix::fs::stat(parent).ok()?;
            fsx::parent_warning(parent, stat.st_mode)
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
    use super::{LOCK_FILE, LockWait, StoreLock, wait_for_lock};

    #[derive(Debug)]
    pub(in crate::store) struct StoreDir {
        path: PathBuf,
    }

    fn try_lock_file(file: &std::fs::File, path: &Path) -> Result<bool, StoreError> {
        match file.try_lock() {
            Ok(()) => Ok(true),
            Err(std::fs::TryLockError::WouldBlock) => Ok(false),
            Err(std::fs::TryLockError::Error(e)) => Err(io_err("lock", path)(e)),
        }
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
