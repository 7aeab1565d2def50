//! Key files read again only when they change: one `metadata` call per lookup decides.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use secrecy::SecretString;

use super::file::{FileStamp, io_error, read_key_file_stamped};
use super::{SourceError, off_async_workers};

/// How many times a file found missing is looked up again before it is reported missing.
pub const MISSING_RETRIES: u32 = 2;

/// Key files as last read, each with the stamp (identity, times, length) of the version read.
///
/// A lookup looks at the file's metadata (following symlinks, as a Kubernetes secret mount
/// needs) and serves the key held when the device, inode, modification and change times and
/// length are those of the version read; otherwise it reads the file again. A file that has
/// gone, or cannot be looked at, is an error and its key is dropped: a removed secret is not
/// served from memory.
#[derive(Default)]
pub struct FileKeyCache {
    entries: Mutex<HashMap<PathBuf, (FileStamp, SecretString)>>,
}

impl fmt::Debug for FileKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileKeyCache")
            .field("files", &lock(&self.entries).len())
            .finish()
    }
}

impl FileKeyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key in the file at `path`, read again only if the file changed since it was last
    /// read (see [`super::read_key_file`] for what counts as the key).
    ///
    /// A lookup racing a Kubernetes rotation can find the file missing for an instant (it
    /// followed `..data` to the old directory just as the kubelet removed it): a missing file
    /// is looked up again, up to [`MISSING_RETRIES`] times, before it is reported.
    pub fn read(&self, path: &Path) -> Result<SecretString, SourceError> {
        let mut tries = 0;
        loop {
            match self.read_once(path) {
                Err(SourceError::FileMissing { .. }) if tries < MISSING_RETRIES => tries += 1,
                done => return done,
            }
        }
    }

    fn read_once(&self, path: &Path) -> Result<SecretString, SourceError> {
        let now = match std::fs::metadata(path) {
            Ok(meta) => FileStamp::of(&meta),
            Err(e) => {
                lock(&self.entries).remove(path);
                return Err(io_error(path, &e));
            }
        };
        if let Some((stamp, key)) = lock(&self.entries).get(path)
            && *stamp == now
        {
            return Ok(key.clone());
        }
        match off_async_workers(|| read_key_file_stamped(path)) {
            Ok((key, stamp)) => {
                lock(&self.entries).insert(path.to_path_buf(), (stamp, key.clone()));
                Ok(key)
            }
            Err(error) => {
                lock(&self.entries).remove(path);
                Err(error)
            }
        }
    }
}

/// A poisoned lock only means another caller panicked; the map stays consistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    /// A rewrite in place (same inode) of the same length is seen by its times.
    #[test]
    fn a_rewritten_file_is_read_again_and_an_unchanged_one_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key");
        std::fs::write(&path, "sk-aaaa\n").expect("write");
        let cache = FileKeyCache::new();
        assert_eq!(cache.read(&path).expect("read").expose_secret(), "sk-aaaa");
        // Unchanged: the key held is served. Make the content differ behind the cache's
        // back while keeping every stamp field, to show it is not read again.
        let held = lock(&cache.entries)
            .get(path.as_path())
            .map(|(stamp, _)| *stamp)
            .expect("held");
        lock(&cache.entries).insert(path.clone(), (held, SecretString::from("sk-held")));
        assert_eq!(cache.read(&path).expect("read").expose_secret(), "sk-held");
        std::fs::write(&path, "sk-bbbb\n").expect("rewrite");
        bump_mtime(&path);
        assert_eq!(cache.read(&path).expect("read").expose_secret(), "sk-bbbb");
    }

    #[test]
    fn a_removed_file_is_an_error_and_its_key_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key");
        std::fs::write(&path, "sk-gone").expect("write");
        let cache = FileKeyCache::new();
        cache.read(&path).expect("read");
        std::fs::remove_file(&path).expect("rm");
        let err = cache.read(&path).expect_err("gone");
        assert!(matches!(err, SourceError::FileMissing { .. }), "{err}");
        assert!(lock(&cache.entries).is_empty());
        assert!(!format!("{cache:?}").contains("sk-"));
    }

    #[test]
    fn a_bad_file_is_refused_as_read_key_file_refuses_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key");
        std::fs::write(&path, "sk-a\nsk-b\n").expect("write");
        let err = FileKeyCache::new().read(&path).expect_err("two lines");
        assert!(matches!(err, SourceError::FileNotAKey { .. }), "{err}");
        let err = FileKeyCache::new()
            .read(dir.path())
            .expect_err("a directory");
        assert!(matches!(err, SourceError::FileUnreadable { .. }), "{err}");
    }

    /// Moves the modification time a second forward, as a later write would on a file system
    /// with coarse timestamps.
    fn bump_mtime(path: &Path) {
        let meta = std::fs::metadata(path).expect("stat");
        let later = meta.modified().expect("mtime") + std::time::Duration::from_secs(1);
        let file = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("open");
        file.set_modified(later).expect("set mtime");
    }
}
