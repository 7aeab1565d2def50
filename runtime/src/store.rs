//! The embedded secret store: one file per secret under `LLMCFG_SECRETS_DIR` (else the
//! platform config dir), written atomically under an advisory lock. The directory is
//! owner-only; a secret is public (owner and group may read it, `0640`) unless it is made
//! private (owner only, `0600`).
//!
//! Layout: the store directory (mode `0700`) holds `NAME.json` per secret (`0600` private,
//! `0640` public), a `.lock` file for the advisory write lock, and short-lived `.tmp-*` files
//! while a write is in flight. Secret names never start with `.`, so they cannot collide with
//! those, and they never contain a separator, so they cannot escape the directory.
//!
//! Every write is a read-modify-write under the exclusive lock (waited for at most
//! [`DEFAULT_LOCK_TIMEOUT`]): the new content goes to a temp file in the same directory created
//! with its final permissions, is fsynced, renamed over the old file and the directory is
//! fsynced. Readers take no lock: a rename is atomic, so a reader sees the old or the new
//! version, never a torn one. Temp files left by a writer that died (they hold the value it was
//! writing) are removed by the next write, delete, read or listing that finds the lock free.
//!
//! Every operation opens the directory once and works through that handle (`openat`), so the
//! directory cannot be swapped between the checks and the use. Before the content of any file
//! is trusted its owner and mode are checked: a store directory more open than `0700`, or a
//! file others could have written, is refused with the `chmod` that fixes it; a parent
//! directory others can write is reported by [`SecretStore::warnings`].

mod atomic;
mod dir;
mod error;
mod format;
mod fsx;
mod secret_map;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use llmcfg_core::vocab::{is_env_var_name, is_secret_name};
/// Re-exported so callers can build and read values without depending on `secrecy` directly.
pub use secrecy::{ExposeSecret, SecretString};

#[doc(hidden)]
pub use atomic::{FileMode, write_file_atomic};
pub use dir::LockNotice;
use dir::{LockWait, StoreDir};
pub use error::{StoreError, StoreWarning};
pub use secret_map::SecretMap;

/// The environment variable naming the store directory (named like
/// [`crate::DEFAULT_MODEL_VAR`] and [`crate::REGISTRY_VAR`]).
pub const SECRETS_DIR_VAR: &str = "LLMCFG_SECRETS_DIR";

/// The former name of [`SECRETS_DIR_VAR`].
#[deprecated(note = "use `SECRETS_DIR_VAR`")]
pub const SECRETS_DIR_ENV: &str = SECRETS_DIR_VAR;

/// Who may read a secret's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Visibility {
    /// Owner and group may read the file (`0640`). The default, as in the reference tool.
    #[default]
    Public,
    /// Only the owner may read the file (`0600`).
    Private,
}

impl Visibility {
    /// `"public"` or `"private"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
        }
    }

    /// The Unix permission bits of a secret file with this visibility.
    pub fn file_mode(self) -> u32 {
        match self {
            Self::Public => 0o640,
            Self::Private => 0o600,
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secret: named key/value pairs, each value a [`SecretString`].
///
/// `Debug` shows the name, visibility and key names, never a value.
pub struct Secret {
    name: String,
    visibility: Visibility,
    created: u64,
    updated: u64,
    values: SecretMap,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("name", &self.name)
            .field("visibility", &self.visibility)
            .field("created", &self.created)
            .field("updated", &self.updated)
            .field("keys", &self.values.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Secret {
    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Whether the secret is private (owner-only file).
    pub fn is_private(&self) -> bool {
        self.visibility == Visibility::Private
    }
    /// The secret's visibility.
    pub fn visibility(&self) -> Visibility {
        self.visibility
    }
    /// When the secret was created, in seconds since the Unix epoch.
    pub fn created(&self) -> u64 {
        self.created
    }
    /// When the secret was last written, in seconds since the Unix epoch.
    pub fn updated(&self) -> u64 {
        self.updated
    }
    /// The key/value pairs. `Debug` of the map shows keys only.
    pub fn values(&self) -> &SecretMap {
        &self.values
    }
    /// The key/value pairs, without the metadata.
    pub fn into_values(self) -> SecretMap {
        self.values
    }
}

/// What [`SecretStore::set`] did.
#[derive(Debug)]
#[non_exhaustive]
pub struct SetOutcome {
    /// The secret as written.
    pub secret: Secret,
    /// Whether the secret was created (else an existing one was updated).
    pub created: bool,
    /// Whether an existing public secret was made private by this write.
    pub made_private: bool,
    /// Keys that were not in the secret before, sorted.
    pub added: Vec<String>,
    /// Keys whose value was replaced, sorted.
    pub overwritten: Vec<String>,
}

/// How long a writer waits for another process's write lock before giving up.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// What [`SecretStore::list`] found: the secrets it could read, and a problem for each one it
/// could not (an insecure or corrupt file), so one bad file does not hide the rest.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Listing {
    /// The readable secrets, sorted by name.
    pub secrets: Vec<Secret>,
    /// One error per secret file that could not be read, sorted by name.
    pub problems: Vec<StoreError>,
}

/// A secret store directory.
#[derive(Debug, Clone)]
pub struct SecretStore {
    dir: PathBuf,
    wait: LockWait,
}

impl SecretStore {
    /// Opens the store at `dir`. The directory is created on the first write; if it exists its
    /// ownership and permissions are checked now.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        let store = Self {
            dir: dir.as_ref().to_path_buf(),
            wait: LockWait {
                timeout: DEFAULT_LOCK_TIMEOUT,
                notice: None,
            },
        };
        StoreDir::open(&store.dir)?;
        Ok(store)
    }

    /// Opens the store at `LLMCFG_SECRETS_DIR` (when set and non-empty), else the platform
    /// config dir (`~/.config/llmcfg/secrets` on Linux).
    pub fn open_default() -> Result<Self, StoreError> {
        Self::open(Self::default_dir()?)
    }

    /// The directory [`open_default`](Self::open_default) uses.
    pub fn default_dir() -> Result<PathBuf, StoreError> {
        if let Some(dir) = std::env::var_os(SECRETS_DIR_VAR).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        let base = config_dir().ok_or(StoreError::NoStoreDir)?;
        Ok(base.join("llmcfg").join("secrets"))
    }

    /// How long a write waits for another process's lock ([`DEFAULT_LOCK_TIMEOUT`] unless set)
    /// before failing with [`StoreError::Locked`].
    #[must_use]
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.wait.timeout = timeout;
        self
    }

    /// Called once when a write has been waiting for the lock for a while (a quarter second,
    /// or half the timeout when that is shorter), so a command can say why it is not done.
    #[must_use]
    pub fn on_lock_wait(mut self, notice: LockNotice) -> Self {
        self.wait.notice = Some(notice);
        self
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What should be fixed around the store though it works: a parent directory others can
    /// write. Empty when the store does not exist yet.
    pub fn warnings(&self) -> Vec<StoreWarning> {
        match StoreDir::open(&self.dir) {
            Ok(Some(dir)) => dir.parent_warning().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The file that holds secret `name`; refuses names that are not secret names.
    pub fn secret_path(&self, name: &str) -> Result<PathBuf, StoreError> {
        Ok(self.dir.join(file_name(name)?))
    }

    /// Reads a secret; `Ok(None)` when it does not exist.
    pub fn get(&self, name: &str) -> Result<Option<Secret>, StoreError> {
        let file = file_name(name)?;
        let Some(dir) = StoreDir::open(&self.dir)? else {
            return Ok(None);
        };
        dir.clear_stale_temps_if_idle();
        read_checked(&dir, name, &file)
    }

    /// Every secret in the store, sorted by name. Files in the directory that are not secrets
    /// (hidden files, other extensions) are ignored; a secret file that is insecure or corrupt
    /// is reported in [`Listing::problems`] while the others are listed.
    pub fn list(&self) -> Result<Listing, StoreError> {
        let Some(dir) = StoreDir::open(&self.dir)? else {
            return Ok(Listing::default());
        };
        dir.clear_stale_temps_if_idle();
        let mut names: Vec<String> = dir
            .entries()?
            .into_iter()
            .filter_map(|f| {
                f.strip_suffix(".json")
                    .filter(|n| is_secret_name(n))
                    .map(str::to_owned)
            })
            .collect();
        names.sort();
        let mut listing = Listing::default();
        for name in names {
            let file = format!("{name}.json");
            // A secret deleted between the listing and the read is simply gone.
            match read_checked(&dir, &name, &file) {
                Ok(Some(secret)) => listing.secrets.push(secret),
                Ok(None) => {}
                Err(problem) => listing.problems.push(problem),
            }
        }
        Ok(listing)
    }

    /// Creates secret `name` or updates it: the given keys are added or overwritten, the others
    /// kept. A new secret gets `visibility`; an existing one keeps its own, except that
    /// [`Visibility::Private`] makes a public secret private (it never goes the other way:
    /// making a private secret public takes a delete and a new `set`).
    ///
    /// Keys must be environment-variable names, values not empty or blank, keys distinct and
    /// at least one given; all of that is checked before the disk is touched.
    pub fn set<I, K>(
        &self,
        name: &str,
        values: I,
        visibility: Visibility,
    ) -> Result<SetOutcome, StoreError>
    where
        I: IntoIterator<Item = (K, SecretString)>,
        K: Into<String>,
    {
        let file = file_name(name)?;
        let given = checked_values(name, values)?;
        let dir = match StoreDir::open(&self.dir)? {
            Some(dir) => dir,
            None => StoreDir::create(&self.dir)?,
        };
        let lock = dir.lock(self.wait)?;
        dir.clear_stale_temps(&lock);
        let existing = read_checked(&dir, name, &file)?;
        let now = now_unix();
        let created = existing.is_none();
        let mut secret = existing.unwrap_or_else(|| Secret {
            name: name.to_owned(),
            visibility,
            created: now,
            updated: now,
            values: SecretMap::new(),
        });
        let made_private = !created && visibility == Visibility::Private && !secret.is_private();
        if made_private {
            secret.visibility = Visibility::Private;
        }
        let (added, overwritten) = merge(&mut secret, given);
        secret.updated = now.max(secret.updated);
        let bytes = format::encode(&secret);
        dir.write(&file, &bytes, secret.visibility.file_mode())?;
        Ok(SetOutcome {
            secret,
            created,
            made_private,
            added,
            overwritten,
        })
    }

    /// Deletes secret `name`; `Ok(false)` when it did not exist. Stale temp files go too, so
    /// no copy of the value is left in the store.
    pub fn delete(&self, name: &str) -> Result<bool, StoreError> {
        let file = file_name(name)?;
        let Some(dir) = StoreDir::open(&self.dir)? else {
            return Ok(false);
        };
        let lock = dir.lock(self.wait)?;
        let removed = dir.remove(&file)?;
        dir.clear_stale_temps(&lock);
        Ok(removed)
    }
}

/// `NAME.json`, once `name` is known to be a secret name (so it cannot leave the directory).
fn file_name(name: &str) -> Result<String, StoreError> {
    if !is_secret_name(name) {
        return Err(StoreError::InvalidName {
            name: name.to_owned(),
        });
    }
    Ok(format!("{name}.json"))
}

/// The values of a write, checked before the disk is touched.
fn checked_values<I, K>(name: &str, values: I) -> Result<BTreeMap<String, SecretString>, StoreError>
where
    I: IntoIterator<Item = (K, SecretString)>,
    K: Into<String>,
{
    let mut given = BTreeMap::new();
    for (key, value) in values {
        let key = key.into();
        if !is_env_var_name(&key) {
            return Err(StoreError::InvalidKey { key });
        }
        // A blank value is no key: the runtime treats a blank env var as unset, and so here.
        if value.expose_secret().trim().is_empty() {
            return Err(StoreError::EmptyValue { key });
        }
        if given.contains_key(&key) {
            return Err(StoreError::DuplicateKey { key });
        }
        given.insert(key, value);
    }
    if given.is_empty() {
        return Err(StoreError::NoValues {
            name: name.to_owned(),
        });
    }
    Ok(given)
}

/// Puts `given` into `secret`: the keys added and the keys overwritten, each sorted.
fn merge(secret: &mut Secret, given: BTreeMap<String, SecretString>) -> (Vec<String>, Vec<String>) {
    let mut added = Vec::new();
    let mut overwritten = Vec::new();
    for (key, value) in given {
        if secret
            .values
            .as_map_mut()
            .insert(key.clone(), value)
            .is_some()
        {
            overwritten.push(key);
        } else {
            added.push(key);
        }
    }
    (added, overwritten)
}

/// Reads, checks and parses the file of secret `name`.
fn read_checked(dir: &StoreDir, name: &str, file: &str) -> Result<Option<Secret>, StoreError> {
    let Some(raw) = dir.read(file)? else {
        return Ok(None);
    };
    let path = dir.file_path(file);
    let secret = format::decode(name, &path, &raw.bytes)?;
    fsx::check_visibility(&path, raw.mode, secret.visibility)?;
    Ok(Some(secret))
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The platform's per-user config directory, as the XDG Base Directory spec and the platforms'
/// conventions place it: `$XDG_CONFIG_HOME` (when absolute) or `~/.config` on Linux and the other
/// Unixes, `~/Library/Application Support` on macOS, `%APPDATA%` on Windows. Written here rather
/// than taken from a crate: it is these few lines, and a crate for it cost every build a libc.
fn config_dir() -> Option<PathBuf> {
    let absolute = |dir: std::ffi::OsString| Some(PathBuf::from(dir)).filter(|d| d.is_absolute());
    if cfg!(windows) {
        return std::env::var_os("APPDATA").and_then(absolute);
    }
    let home = || std::env::home_dir().filter(|h| h.is_absolute());
    if cfg!(target_os = "macos") {
        return home().map(|h| h.join("Library").join("Application Support"));
    }
    std::env::var_os("XDG_CONFIG_HOME")
        .and_then(absolute)
        .or_else(|| home().map(|h| h.join(".config")))
}

#[cfg(test)]
mod tests;
